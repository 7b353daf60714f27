import Foundation
import Testing

/// Issue 16 items 3 and 5 from the command line: `pingshen archive check` on the demo's
/// packages, `archive transfer` and `archive receive` (the ODF schema and LibreOffice checks
/// run with the real programs in ArchiveTests; here --no-external keeps the run short).
@Suite(.serialized) struct ArchiveCheckCommandTests {
    @Test func checkTransferAndReceiveTheDemosPackages() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/pingshen.sqlite"
        let demo = try CLI.run(["demo", "--out", dir, "--db", db, "--applications", "25"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let archive = dir + "/archive"
        let decision = archive + "/decision-2026-1"
        #expect(FileManager.default.fileExists(atPath: decision + "/metadata.xml"))

        // A package as built passes all four, with the database; the reports land beside it.
        let ok = try CLI.run(["archive", "check", decision, "--db", db, "--no-external", "--occasion", "filing"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("四性检测（DA/T 70，归档检测）"), "\(ok.stdout)")
        #expect(ok.stdout.contains("结论：四性检测通过。"), "\(ok.stdout)")
        #expect(ok.stdout.contains("尚无文书的版式文件（OFD/PDF）副本"))
        #expect(FileManager.default.fileExists(atPath: archive + "/decision-2026-1.check.json"))
        #expect(FileManager.default.fileExists(atPath: archive + "/decision-2026-1.check.html"))
        // Every package of the folder at once (the reports just written are not packages).
        let all = try CLI.run(["archive", "check", "--dir", archive, "--db", db, "--no-external", "--no-reports"])
        #expect(all.status == 0, "\(all.stdout)\(all.stderr)")
        #expect(all.stdout.contains("个归档包，0 个不通过。"), "\(all.stdout.suffix(300))")
        #expect(!all.stdout.contains(".check."))
        // No trust named: refused.
        let untrusted = try CLI.run(["archive", "check", decision, "--no-external"])
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("--keyring"), "\(untrusted.stderr)")

        // Hand-over of the year, received with the public keys handed over separately.
        let batch = dir + "/batch"
        let transfer = try CLI.run([
            "archive", "transfer", "--from", archive, "--year", "2026", "--out", batch, "--db", db, "--no-external",
        ])
        #expect(transfer.status == 0, "\(transfer.stdout)\(transfer.stderr)")
        #expect(transfer.stdout.contains("已生成移交批次 移交-2026-J012"), "\(transfer.stdout)")
        let keys = dir + "/handed-over.json"
        #expect(try CLI.run(["archive", "keys", "export", "--key-dir", dir + "/keys", "--output", keys]).status == 0)
        let noKeys = try CLI.run(["archive", "receive", batch, "--no-external"])
        #expect(noKeys.status != 0)
        let received = try CLI.run(["archive", "receive", batch, "--keys", keys, "--no-external"])
        #expect(received.status == 0, "\(received.stdout)\(received.stderr)")
        #expect(received.stdout.contains("结论：接收。"))
        #expect(FileManager.default.fileExists(atPath: batch + "/receipt.json"))

        // A changed byte in the package: check and receipt fail, naming the file and the property.
        let odt = try #require(
            FileManager.default.enumerator(atPath: decision + "/data")?.allObjects.compactMap { $0 as? String }
                .first { $0.hasSuffix(".odt") })
        let file = URL(fileURLWithPath: decision + "/data/" + odt)
        var bytes = Array(try Data(contentsOf: file))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: file)
        let bad = try CLI.run(["archive", "check", decision, "--keyring", dir + "/keys", "--no-external"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("【真实性】不通过") && bad.stdout.contains("【完整性】不通过"), "\(bad.stdout)")
        #expect(bad.stdout.contains(odt), "\(bad.stdout)")

        let batchPackage = try #require(
            try FileManager.default.contentsOfDirectory(atPath: batch + "/packages").first { $0.hasPrefix("session-") })
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: batch + "/packages/\(batchPackage)/data/heads.json"))
        let refused = try CLI.run(["archive", "receive", batch, "--keys", keys, "--no-external", "--no-receipt"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("\(batchPackage)：不接收"), "\(refused.stdout)")
        #expect(refused.stdout.contains("结论：不接收。"))
    }
}
