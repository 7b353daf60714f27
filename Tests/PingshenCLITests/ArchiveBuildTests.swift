import Foundation
import Testing

/// Issue 16 item 1: a decision's package is queued in the decision's transaction and built as
/// of that point — the same bytes when rebuilt, whatever happened after; a killed builder's
/// staging folder is cleared by the next run.
@Suite(.serialized) struct ArchiveBuildTests {
    /// Every file of a folder tree with its bytes, by relative path.
    func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = URL(fileURLWithPath: root)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return out
        }
        for case let url as URL in e
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true
            && !url.lastPathComponent.contains(".check.")  // the check reports say when they were made
        {
            out[String(url.path.dropFirst(base.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    @Test func packagesAreBuiltFromTheOutboxAndRebuiltByteForByte() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/pingshen.sqlite"
        let demo = try CLI.run(["demo", "--out", dir, "--db", db, "--applications", "60", "--seed", "5"])
        #expect(demo.status == 0, "\(demo.stderr)")
        // Every decision the season made was queued by its own step and is built.
        let outbox = try CLI.sqlite(db, "SELECT kind, status, COUNT(*) FROM archive_outbox GROUP BY kind, status ORDER BY kind")
        #expect(outbox.contains("confirmation|built|"), "\(outbox)")
        #expect(outbox.contains("session|built|"), "\(outbox)")
        #expect(outbox.contains("revocation|built|"), "\(outbox)")
        #expect(outbox.contains("reexamination|built|"), "\(outbox)")
        #expect(!outbox.contains("pending") && !outbox.contains("failed"), "\(outbox)")
        let built = try tree(dir + "/archive")
        let metadata = try #require(built.first { $0.key.hasSuffix("/metadata.xml") && $0.key.hasPrefix("decision-") })
        let text = String(decoding: metadata.value, as: UTF8.self)
        #expect(text.contains("<档号>J012-2026-Y-ZCB-"), "\(text.prefix(400))")
        #expect(text.contains("<题名>取得资格通知"), "\(text.prefix(400))")

        // A revocation's package holds the 撤销决定书 and the revoked certificate's log.
        let revocation = try #require(built.keys.first { $0.hasPrefix("revocation-") && $0.contains("/data/decision/revocation-decision/") && $0.hasSuffix(".odt") })
        let revocationPackage = String(revocation.prefix { $0 != "/" })
        #expect(built.keys.contains { $0.hasPrefix(revocationPackage + "/data/certificates/") && $0.hasSuffix("/events.json") })
        let verified = try CLI.run(["archive", "verify", dir + "/archive/" + revocationPackage, "--db", db])
        #expect(verified.status == 0 && verified.stdout.contains("撤销决定"), "\(verified.stdout)")

        // One form by default: the folder (the zip only on request, below).
        #expect(!built.keys.contains { $0.hasSuffix(".zip") }, "\(built.keys.filter { $0.hasSuffix(".zip") })")
        // Each package was checked at filing (DA/T 70) and its report passed.
        for name in ["decision-2026-1"] {
            let report = try String(contentsOfFile: dir + "/archive/\(name).check.json", encoding: .utf8)
            #expect(report.contains("\"occasion\" : \"filing\"") || report.contains("\"occasion\":\"filing\""), "\(report.prefix(300))")
            #expect(!report.contains("\"outcome\" : \"failed\"") && !report.contains("\"outcome\":\"failed\""), "\(name)")
        }
        let html = try String(contentsOfFile: dir + "/archive/decision-2026-1.check.html", encoding: .utf8)
        #expect(html.contains("真实性") && html.contains("完整性") && html.contains("可用性") && html.contains("安全性"))

        // A session's package covers its applications as of the close: the steps after it
        // (confirmation, certificate) are in the database but not in the package.
        // (An application certified since: it has steps after the session for sure.)
        let certified = Set(
            try CLI.sqlite(db, "SELECT id FROM streams WHERE kind = 'application' AND status IN ('certified', 'archived')")
                .split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) })
        let sessionLog = try #require(
            built.sorted { $0.key < $1.key }.first {
                $0.key.hasPrefix("session-") && $0.key.contains("/data/applications/") && $0.key.hasSuffix("/events.json")
                    && certified.contains(String($0.key.split(separator: "/")[3]))
            })
        let application = sessionLog.key.split(separator: "/")[3]
        struct Logged: Decodable { var version: Int }
        let packaged = try JSONDecoder().decode([Logged].self, from: sessionLog.value).map(\.version).max() ?? 0
        let now = Int(
            try CLI.sqlite(db, "SELECT version FROM streams WHERE kind = 'application' AND id = '\(application)'")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(packaged > 0 && now > packaged, "\(application): package v\(packaged), database v\(now)")

        // … and a rebuild of every package from the database gives the very same bytes.
        let again = try CLI.run(["archive", "build", "--db", db, "--out", dir + "/rebuilt", "--all"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let rebuilt = try tree(dir + "/rebuilt")
        #expect(rebuilt.keys.sorted() == built.keys.sorted())
        for (path, bytes) in built where rebuilt[path] != bytes { Issue.record("\(path) differs when rebuilt") }

        // The zip on request: the same package, verified and checked at filing; twice the same bytes.
        for out in ["zips", "zips-again"] {
            let zipped = try CLI.run(["archive", "build", "--db", db, "--out", dir + "/" + out, "--all", "--form", "zip"])
            #expect(zipped.status == 0, "\(zipped.stdout)\(zipped.stderr)")
        }
        let zips = try tree(dir + "/zips")
        let packageNames = Set(built.keys.map { String($0.prefix { $0 != "/" }) }).subtracting(["public-keys.json"])
        #expect(Set(zips.keys).subtracting(["public-keys.json"]) == Set(packageNames.map { $0 + ".zip" }))
        #expect(try tree(dir + "/zips-again") == zips)
        let zipReport = try String(contentsOfFile: dir + "/zips/decision-2026-1.zip.check.json", encoding: .utf8)
        #expect(!zipReport.contains("\"outcome\" : \"failed\"") && !zipReport.contains("\"outcome\":\"failed\""))
        let zipVerified = try CLI.run(["archive", "verify", dir + "/zips/decision-2026-1.zip", "--db", db])
        #expect(zipVerified.status == 0, "\(zipVerified.stdout)\(zipVerified.stderr)")

        // The catalogue numbered every record once: no 件号 twice in a series, none missing.
        let gaps = try CLI.sqlite(
            db, "SELECT series, COUNT(*), MAX(item) FROM archive_records GROUP BY series HAVING COUNT(*) != MAX(item)")
        #expect(gaps.isEmpty, "\(gaps)")

        // A killed builder's staging folder (its process gone) is removed by the next run.
        let staging = dir + "/archive/.decision-2026-1.partial-999999"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        _ = try CLI.sqlite(db, "UPDATE archive_outbox SET status = 'pending' WHERE kind = 'confirmation'")
        let resumed = try CLI.run(["archive", "build", "--db", db])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staging))
        #expect(try tree(dir + "/archive") == built)
    }
}
