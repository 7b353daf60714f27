import Foundation
import Testing

@Suite(.serialized) struct DemoCommandTests {
    func heads(_ db: String) throws -> String {
        try CLI.sqlite(db, "SELECT kind, id, version, head_hash FROM streams ORDER BY kind, id")
    }

    @Test func demoRunsAndPrintsTheSummary() throws {
        let dir = CLI.temporaryDirectory()
        let r = try CLI.run(["demo", "--out", dir, "--applications", "40", "--seed", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("已归档"))
        #expect(r.stdout.contains("审计通过"))
        let history = try CLI.run(["history", "--db", dir + "/pingshen.sqlite", "A2026-00004"])
        #expect(history.status == 0)
        #expect(history.stdout.contains("correctionRequested"))
        let tally = try CLI.run(["tally", "--db", dir + "/pingshen.sqlite", "S2026-R1-001"])
        #expect(tally.status == 0)
        #expect(tally.stdout.contains("赞成"))
        let verify = try CLI.run(["audit", "verify", "--db", dir + "/pingshen.sqlite"])
        #expect(verify.status == 0)
    }

    @Test func tooSmallASeasonIsRefusedInChinese() throws {
        let r = try CLI.run(["demo", "--out", CLI.temporaryDirectory(), "--applications", "3"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("至少"))
    }

    /// A process killed in the middle of the demo leaves a consistent database that the next
    /// run accepts and completes to exactly what an uninterrupted run writes.
    @Test func aKilledDemoResumesToTheSameDatabase() throws {
        let clean = CLI.temporaryDirectory()
        #expect(try CLI.run(["demo", "--out", clean, "--applications", "300", "--seed", "9"]).status == 0)

        let dir = CLI.temporaryDirectory()
        let db = dir + "/pingshen.sqlite"
        let (process, _, _) = try CLI.start(["demo", "--out", dir, "--applications", "300", "--seed", "9"])
        // Wait until it has committed some steps, then kill it without warning.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            if FileManager.default.fileExists(atPath: db),
                let n = Int(
                    try CLI.sqlite(db, "SELECT step FROM job_progress").trimmingCharacters(in: .whitespacesAndNewlines)),
                n > 200
            {
                break
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let partial = try CLI.run(["audit", "verify", "--db", db])
        #expect(partial.status == 0, "\(partial.stdout)")

        let resumed = try CLI.run(["demo", "--out", dir, "--applications", "300", "--seed", "9"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try heads(db) == heads(clean + "/pingshen.sqlite"))

        // Other parameters on the same database are refused rather than mixed in.
        let other = try CLI.run(["demo", "--out", dir, "--applications", "300", "--seed", "10"])
        #expect(other.status != 0)
        #expect(other.stderr.contains("另一组参数"))
    }
}

/// The demo's documents, signed packages and certificates, checked with the real commands.
@Suite struct DemoOutputsTests {
    @Test func documentsPackagesAndCertificatesVerify() throws {
        let dir = CLI.temporaryDirectory()
        // Both forms of each package (the folder is the default; the zip on request).
        let r = try CLI.run(["demo", "--out", dir, "--applications", "30", "--seed", "8", "--archive-form", "both"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("归档"))
        let fm = FileManager.default
        for kind in [
            "pledge", "declaration-form", "acceptance-notice", "certificate", "qualification-notice", "minutes",
        ] {
            let files = try fm.contentsOfDirectory(atPath: "\(dir)/documents/\(kind)")
            #expect(files.contains { $0.hasSuffix(".odt") } && files.contains { $0.hasSuffix(".html") }, "\(kind)")
        }
        let archive = "\(dir)/archive"
        let packages = try fm.contentsOfDirectory(atPath: archive).filter {
            $0.hasPrefix("decision-") && !$0.hasSuffix(".zip")
        }
        #expect(!packages.isEmpty)
        let package = "\(archive)/\(packages.sorted()[0])"
        let ok = try CLI.run(["archive", "verify", package, "--db", "\(dir)/pingshen.sqlite"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(try CLI.run(["archive", "verify", package + ".zip", "--keyring", "\(dir)/keys"]).status == 0)

        // Every decision has its own package: the county's 修职改〔2026〕1号 shares its digits with
        // the city's 焦职改〔2026〕1号, and its package carries the county's code (it used to be
        // written over the city's, under one name).
        let outbox = try CLI.sqlite(
            "\(dir)/pingshen.sqlite",
            "SELECT reference || '|' || package FROM archive_outbox WHERE kind = 'confirmation' ORDER BY reference"
        ).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(Set(outbox.map { $0[1] }).count == outbox.count, "\(outbox)")
        let county = try #require(outbox.first { $0[0].hasPrefix("修职改") }, "the season has a county confirmation: \(outbox)")
        #expect(county[1].hasPrefix("decision-410821-"), "\(county)")
        for row in outbox {
            let info = try String(contentsOfFile: "\(archive)/\(row[1])/bag-info.txt", encoding: .utf8)
            #expect(info.contains("External-Identifier: \(row[0])"), "\(row[1]) holds \(row[0])")
        }
        let countyCheck = try CLI.run(["archive", "verify", "\(archive)/\(county[1])", "--db", "\(dir)/pingshen.sqlite"])
        #expect(countyCheck.status == 0, "\(countyCheck.stdout)\(countyCheck.stderr)")

        // One changed byte in a dossier file is named.
        let dossier = try fm.subpathsOfDirectory(atPath: "\(package)/data/applications").first {
            $0.hasSuffix(".html")
        }!
        let victim = "\(package)/data/applications/\(dossier)"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: victim))
        let bad = try CLI.run(["archive", "verify", package, "--keyring", "\(dir)/keys"])
        #expect(bad.status == 1)
        #expect((bad.stdout + bad.stderr).contains((dossier as NSString).lastPathComponent))

        // Certificates: valid, revoked (exit 2), unknown (exit 1).
        let db = "\(dir)/pingshen.sqlite"
        func code(_ status: String) throws -> (String, String) {
            let line = try CLI.sqlite(
                db,
                "SELECT s.id || '|' || json_extract(e.payload, '$.issued.details.verificationCode') FROM streams s JOIN events e ON e.stream_kind = s.kind AND e.stream_id = s.id AND e.version = 1 WHERE s.kind = 'certificate' AND s.status = '\(status)' LIMIT 1"
            ).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
            return (line[0], line[1])
        }
        let (valid, validCode) = try code("valid")
        let v = try CLI.run(["certificate", "verify", "--db", db, valid, validCode])
        #expect(v.status == 0)
        #expect(v.stdout.contains("有效"))
        let (revoked, revokedCode) = try code("revoked")
        let rv = try CLI.run(["certificate", "verify", "--db", db, revoked, revokedCode])
        #expect(rv.status == 2)
        #expect(rv.stdout.contains("已撤销"))
        #expect(try CLI.run(["certificate", "verify", "--db", db, valid, "WRONGCODE0"]).status == 1)
        #expect(try CLI.run(["certificate", "verify", "--db", db, "41080000000000000", "X"]).status == 1)
    }
}
