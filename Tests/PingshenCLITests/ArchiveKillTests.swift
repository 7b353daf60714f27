import Foundation
import Testing

/// Issue 15: a builder killed (`kill -9`) while it writes a package leaves its staging folder
/// (the half-written folder, the zip's temporary file); the next run removes it — even one with
/// nothing left to build — and the packages built after are the same bytes as an uninterrupted
/// build's.
@Suite(.serialized) struct ArchiveKillTests {
    /// Every file under `root` but the check reports (they say when they were made), by path.
    func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = URL(fileURLWithPath: root)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return out
        }
        for case let url as URL in e
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true
            && !url.lastPathComponent.contains(".check.")
        {
            out[String(url.path.dropFirst(base.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    func staging(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasPrefix(".") && $0.contains(".partial-") && !$0.contains(".check.")
        }
    }

    @Test func aBuilderKilledMidWriteLeavesNothingOnceRunAgain() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/pingshen.sqlite"
        let demo = try CLI.run(["demo", "--out", dir, "--db", db, "--applications", "60", "--seed", "5"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let clean = try CLI.run(["archive", "build", "--db", db, "--out", dir + "/clean", "--all", "--form", "both"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")

        // Killed while a package is being written (watched for its staging folder).
        let killed = dir + "/killed"
        var left: [String] = []
        for _ in 0..<10 where left.isEmpty {
            let (p, out, err) = try CLI.start(["archive", "build", "--db", db, "--out", killed, "--all", "--form", "both"])
            while p.isRunning {
                if !staging(killed).isEmpty {
                    kill(p.processIdentifier, SIGKILL)
                    break
                }
                usleep(100)
            }
            p.waitUntilExit()
            _ = out.fileHandleForReading.readDataToEndOfFile()
            _ = err.fileHandleForReading.readDataToEndOfFile()
            left = staging(killed)
        }
        try #require(!left.isEmpty, "no run was caught while writing a package")
        #expect(left.allSatisfy { FileManager.default.fileExists(atPath: "\(killed)/\($0)") })

        // A run with nothing pending (the database says every package was built) still clears it.
        let idle = try CLI.run(["archive", "build", "--db", db, "--out", killed])
        #expect(idle.status == 0, "\(idle.stdout)\(idle.stderr)")
        #expect(staging(killed).isEmpty, "\(staging(killed))")

        // And the packages built over what the killed run left are the uninterrupted run's bytes.
        let again = try CLI.run(["archive", "build", "--db", db, "--out", killed, "--all", "--form", "both"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let expected = try tree(dir + "/clean")
        let rebuilt = try tree(killed)
        #expect(rebuilt.keys.sorted() == expected.keys.sorted())
        for (path, bytes) in expected where rebuilt[path] != bytes { Issue.record("\(path) differs after the kill") }
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: killed)) ?? []).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
