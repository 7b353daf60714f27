import Domain
import Foundation
import Signing
import Store
import Testing
import Workflow

@testable import Archive
@testable import PingshenCLI

/// Issue 13 items 2 and 3, end to end as an insider would try them: `sqlite3` on the office's
/// database, a forger's key beside a package, a package copied under another's name. Each
/// passed `pingshen audit verify` or `pingshen archive verify` before.
@Suite struct TamperingTests {
    /// One demo season (30 applications), with its keyring, checkpoint 1 and packages; each test
    /// tampers with a copy.
    static let base: Result<String, any Error> = Result {
        let dir = CLI.temporaryDirectory()
        let r = try CLI.run(["demo", "--out", dir, "--applications", "30", "--seed", "1"])
        guard r.status == 0 else { throw CLIError("demo failed: \(r.stderr)") }
        return dir
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// A copy of the demo's database, keyring and checkpoints (and, when asked, its archive).
    func office(archive: Bool = false) throws -> String {
        let from = try Self.base.get()
        let to = CLI.temporaryDirectory()
        let fm = FileManager.default
        var names = try fm.contentsOfDirectory(atPath: from).filter { $0.hasPrefix("pingshen.sqlite") }
        names += ["keys", "checkpoints"] + (archive ? ["archive"] : [])
        for name in names { try fm.copyItem(atPath: "\(from)/\(name)", toPath: "\(to)/\(name)") }
        return to
    }

    func sql(_ dir: String, _ statement: String) throws -> String {
        try CLI.sqlite("\(dir)/pingshen.sqlite", statement).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func audit(_ dir: String) throws -> CLI.Result {
        try CLI.run(["audit", "verify", "--db", "\(dir)/pingshen.sqlite"])
    }

    // MARK: - item 3: the log

    @Test func theIntactDemoPassesWithItsCheckpoint() throws {
        let dir = try office()
        let r = try audit(dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("签名检查点 1 个全部有效"))
        // Another checkpoint, then both verify.
        let c = try CLI.run(["audit", "checkpoint", "--db", "\(dir)/pingshen.sqlite"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("已建立第 2 号检查点"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/checkpoints/2.json"))
        let again = try audit(dir)
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("签名检查点 2 个全部有效"))
    }

    @Test func theServerCheckpointsOnceADayWhenSomethingHappened() throws {
        let dir = try office()
        _ = try sql(dir, "DELETE FROM checkpoints")
        try FileManager.default.removeItem(atPath: "\(dir)/checkpoints")
        let store = try EventStore(path: "\(dir)/pingshen.sqlite")
        let daily = DailyCheckpoints(store: store, dataDirectory: dir)
        daily.checkpointIfDue(now: Date())
        #expect(try store.checkpoints().count == 1)
        daily.checkpointIfDue(now: Date().addingTimeInterval(2 * 86_400))  // nothing happened since
        #expect(try store.checkpoints().count == 1)
        #expect(try audit(dir).status == 0)
    }

    @Test func anEditedSnapshotIsFound() throws {
        let dir = try office()
        let id = try sql(dir, "SELECT id FROM snapshots WHERE kind = 'application' LIMIT 1")
        #expect(!id.isEmpty, "the demo has no application snapshot")
        _ = try sql(
            dir,
            "UPDATE snapshots SET state = json_set(state, '$.documentNumber', '焦职改〔2026〕99号') WHERE kind = 'application' AND id = '\(id)'"
        )
        let r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("记录 application/\(id) 第 16 版的状态快照与事件日志重放结果不符"), "\(r.stdout)")
    }

    /// Rewrites a stream's chain after an edit, the head in `streams` too: the chain holds.
    func recomputeChain(_ dir: String, kind: String, id: String) throws {
        let store = try EventStore(path: "\(dir)/pingshen.sqlite")
        var statements = ""
        var previous = EventHash.genesis
        for e in try store.events(kind: kind, id: id) {
            let hash = EventHash.hash(
                EventHash.Fields(
                    previous: previous, streamKind: e.streamKind, streamID: e.streamID, version: e.version,
                    type: e.type, actorID: e.actorID, actorRole: e.actorRole, recordedAt: e.recordedAt,
                    payload: e.payload))
            statements += "UPDATE events SET prev_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(e.seq);\n"
            previous = hash
        }
        statements += "UPDATE streams SET head_hash = '\(previous)' WHERE kind = '\(kind)' AND id = '\(id)';\n"
        _ = try sql(dir, statements)
    }

    @Test func anEventEditedWithTheChainRecomputedIsFound() throws {
        let dir = try office()
        _ = try sql(
            dir,
            "UPDATE events SET actor_id = 'clerk-99' WHERE stream_kind = 'application' AND stream_id = 'A2026-00010' AND type = 'accepted'"
        )
        try recomputeChain(dir, kind: "application", id: "A2026-00010")
        let r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("记录 application/A2026-00010 的历史被改写"), "\(r.stdout)")
        #expect(r.stdout.contains("第 1 号检查点"))
        // A new checkpoint would bless the rewritten history: refused.
        let c = try CLI.run(["audit", "checkpoint", "--db", "\(dir)/pingshen.sqlite"])
        #expect(c.status != 0)
        #expect(c.stderr.contains("拒绝建立检查点"))
    }

    @Test func theLastEventCutWithTheRowFixedIsFound() throws {
        let dir = try office()
        let id = "A2026-00001"
        let last = Int(
            try sql(dir, "SELECT MAX(version) FROM events WHERE stream_kind = 'application' AND stream_id = '\(id)'"))!
        _ = try sql(
            dir, "DELETE FROM events WHERE stream_kind = 'application' AND stream_id = '\(id)' AND version = \(last)")
        // Every projection made to agree with the shortened log.
        let store = try EventStore(path: "\(dir)/pingshen.sqlite")
        let status = ApplicationMachine.status(of: try store.replay(ApplicationMachine.self, id: id))
        let head = try store.events(kind: "application", id: id).last!.hash
        _ = try sql(
            dir,
            """
            UPDATE streams SET version = \(last - 1), status = '\(status)', head_hash = '\(head)' WHERE kind = 'application' AND id = '\(id)';
            DELETE FROM snapshots WHERE kind = 'application' AND id = '\(id)' AND version >= \(last);
            """)
        let r = try audit(dir)
        #expect(r.status == 1)
        #expect(
            r.stdout.contains("记录 application/\(id) 的事件被删除：第 1 号检查点时为第 \(last) 版，现只到第 \(last - 1) 版"), "\(r.stdout)")
    }

    @Test func aWholeStreamDeletedIsFound() throws {
        let dir = try office()
        let id = "A2026-00002"
        _ = try sql(
            dir,
            """
            DELETE FROM events WHERE stream_kind = 'application' AND stream_id = '\(id)';
            DELETE FROM streams WHERE kind = 'application' AND id = '\(id)';
            DELETE FROM snapshots WHERE kind = 'application' AND id = '\(id)';
            DELETE FROM application_index WHERE id = '\(id)';
            DELETE FROM declarations WHERE application_id = '\(id)';
            DELETE FROM documents WHERE stream_kind = 'application' AND stream_id = '\(id)';
            """)
        let r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("记录 application/\(id) 已从数据库中消失（第 1 号检查点时为第"), "\(r.stdout)")
    }

    @Test func anEditedStatusIsFound() throws {
        let dir = try office()
        _ = try sql(dir, "UPDATE streams SET status = 'confirmed' WHERE kind = 'application' AND id = 'A2026-00005'")
        let r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("记录 application/A2026-00005 的当前状态与事件日志重放结果不符（状态表被改动）"), "\(r.stdout)")
    }

    @Test func editedDeclarationDataIsFoundWithOrWithoutItsDigest() throws {
        let dir = try office()
        let id = "A2026-00003"
        let data = try sql(dir, "SELECT data FROM declarations WHERE application_id = '\(id)' ORDER BY version LIMIT 1")
        #expect(!data.isEmpty)
        let forged = data + " "
        let statement = """
            UPDATE declarations SET data = data || ' ' WHERE application_id = '\(id)';
            """
        _ = try sql(dir, statement)
        var r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("申报 application/\(id) 第"), "\(r.stdout)")
        #expect(r.stdout.contains("申报数据与其摘要不符，申报数据被改动"))
        // The digest recomputed too: the applicant's signed pledge in the log still tells.
        _ = try sql(
            dir,
            "UPDATE declarations SET data_sha256 = '\(SHA256Digest.hex(of: forged))' WHERE application_id = '\(id)'")
        r = try audit(dir)
        #expect(r.status == 1)
        #expect(!r.stdout.contains("申报数据与其摘要不符"), "\(r.stdout)")
        #expect(r.stdout.contains("中已签名承诺书的数据哈希不符"))
    }

    @Test func checkpointsMissingFromEitherPlaceAreFound() throws {
        let dir = try office()
        try FileManager.default.removeItem(atPath: "\(dir)/checkpoints/1.json")
        var r = try audit(dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("第 1 号检查点文件缺失"), "\(r.stdout)")
        let other = try office()
        _ = try sql(other, "DELETE FROM checkpoints")
        r = try audit(other)
        #expect(r.status == 1)
        #expect(r.stdout.contains("数据库中的第 1 号检查点被删除"), "\(r.stdout)")
    }

    // MARK: - item 2: packages

    /// The demo's first confirmation package (folder).
    func package(_ dir: String) throws -> String {
        let name = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/archive").filter {
            $0.hasPrefix("decision-") && !$0.hasSuffix(".zip")
        }.sorted()[0]
        return "\(dir)/archive/\(name)"
    }

    @Test func aPackageReSignedWithAKeyAddedBesideItFails() throws {
        let dir = try office(archive: true)
        let path = try package(dir)
        let db = "\(dir)/pingshen.sqlite"
        #expect(try CLI.run(["archive", "verify", path, "--db", db]).status == 0)
        // The forger edits an application's record, rewrites both manifests and signs with a
        // key of their own, which they add to public-keys.json beside the package.
        func bytes(_ p: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: p))) }
        let victim = try FileManager.default.contentsOfDirectory(atPath: "\(path)/data/applications").sorted()[0]
        let file = "\(path)/data/applications/\(victim)/application.json"
        let text = String(decoding: try bytes(file), as: UTF8.self).replacingOccurrences(
            of: "\"passed\" : true", with: "\"passed\" : fals")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        var manifest = String(decoding: try bytes("\(path)/manifest-sha256.txt"), as: UTF8.self)
        let line = manifest.split(separator: "\n").first {
            $0.hasSuffix(" data/applications/\(victim)/application.json")
        }!
        manifest = manifest.replacingOccurrences(
            of: String(line),
            with: "\(BagLayout.sha256Hex(try bytes(file))) data/applications/\(victim)/application.json")
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: "\(path)/manifest-sha256.txt"))
        let tags = BagLayout.manifest(
            try ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "metadata.xml"].filter {
                FileManager.default.fileExists(atPath: "\(path)/\($0)")
            }.map {
                ($0, BagLayout.sha256Hex(try bytes("\(path)/\($0)")))
            })
        try Data(tags).write(to: URL(fileURLWithPath: "\(path)/tagmanifest-sha256.txt"))
        let forger = try OfficeKeyring.open(directory: "\(dir)/forger", now: Date(timeIntervalSince1970: 1_767_225_600))
        let (keyID, signature) = forger.sign(tags)
        try Data(BagLayout.signatureFile(keyID: keyID, signature: signature))
            .write(to: URL(fileURLWithPath: "\(path)/signature-ed25519.txt"))
        let beside = try PublicKeySet.load(path: "\(dir)/archive/public-keys.json")
        try Data(PublicKeySet(keys: beside.keys + forger.publicKeys.keys).encoded())
            .write(to: URL(fileURLWithPath: "\(dir)/archive/public-keys.json"))

        // Nothing beside the package is trusted on its own.
        let unguided = try CLI.run(["archive", "verify", path])
        #expect(unguided.status != 0)
        #expect(unguided.stderr.contains("不会被自动信任"))
        for arguments in [["--db", db], ["--keyring", "\(dir)/keys"]] {
            let r = try CLI.run(["archive", "verify", path] + arguments)
            #expect(r.status == 1)
            #expect(r.stdout.contains("签名密钥不在职改办密钥库中"), "\(r.stdout)")
        }
        // Only a person who names that file trusts it (pinned trust, said so in --help).
        #expect(try CLI.run(["archive", "verify", path, "--keys", "\(dir)/archive/public-keys.json"]).status == 0)
        let help = try CLI.run(["archive", "verify", "--help"])
        #expect(help.stdout.contains("Never looked for beside the package"))
    }

    @Test func aPackageCopiedUnderAnotherPackagesNameFails() throws {
        let dir = try office(archive: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/archive").filter {
            $0.hasPrefix("decision-") && !$0.hasSuffix(".zip")
        }.sorted()
        #expect(names.count >= 2)
        let (first, second) = ("\(dir)/archive/\(names[0])", "\(dir)/archive/\(names[1])")
        try FileManager.default.removeItem(atPath: second)
        try FileManager.default.copyItem(atPath: first, toPath: second)
        let r = try CLI.run(["archive", "verify", second, "--db", "\(dir)/pingshen.sqlite"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("归档包名称与其所载决定不符"), "\(r.stdout)")
        #expect(r.stdout.contains("归档包名为 \(names[1])"))
    }
}
