import Domain
import Foundation
import Signing
import Store
import Testing
import Workflow

@testable import Archive

/// Issue 13 item 3: signed checkpoints of every stream head, in the database and in
/// `DIR/checkpoints`, checked against the office keyring.
@Suite(.serialized) struct LogCheckpointTests {
    let dir = temporaryDirectory()

    var checkpoints: String { dir + "/checkpoints" }

    func office() throws -> PublicKeySet { try OfficeKeyring.trustedKeys(directory: dir + "/keys") }

    /// The fixture's two confirmed applications with certificates, and checkpoint 1 (2026-09-21).
    func fixture() throws -> StoreFixture {
        let f = try StoreFixture(directory: dir)
        let made = try LogCheckpoints.create(store: f.store, keyring: f.keyring, directory: checkpoints, now: fixedNow)
        #expect(made.body.number == 1)
        #expect(made.body.streamCount == 4)
        #expect(mode(of: LogCheckpoints.file(1, in: checkpoints)) == 0o644)
        return f
    }

    func sqlite(_ f: StoreFixture, _ sql: String) {
        let r = run("/usr/bin/sqlite3", [f.path, sql])
        #expect(r.status == 0, "\(r.output)")
    }

    func verify(_ f: StoreFixture, keys: PublicKeySet? = nil) throws -> CheckpointReport {
        try LogCheckpoints.verify(store: try EventStore(path: f.path), keys: keys ?? office(), directory: checkpoints)
    }

    @Test func intactCheckpointsVerifyAndLaterEventsAreCounted() throws {
        let f = try fixture()
        var report = try verify(f)
        #expect(report.problems == [])
        #expect(report.latest?.number == 1)
        #expect(report.eventsAfterLatest == 0)
        // A later event is not yet anchored; a second checkpoint anchors it.
        try f.store.execute(
            ApplicationMachine.self, id: "A-001", .archive,
            context: Context(
                actor: StoreFixture.clerk, now: StoreFixture.noon("2026-04-10"), rules: try StoreFixture.rules))
        report = try verify(f)
        #expect(report.problems == [])
        #expect(report.eventsAfterLatest == 1)
        let second = try LogCheckpoints.create(
            store: f.store, keyring: f.keyring, directory: checkpoints, now: fixedNow.addingTimeInterval(86_400))
        #expect(second.changedHeads.map(\.stream) == ["application/A-001"])
        report = try verify(f)
        #expect(report.problems == [])
        #expect(report.checkpoints == 2)
    }

    @Test func aForgedOrReplacedCheckpointIsFound() throws {
        let f = try fixture()
        // Someone with the database and the folder signs a checkpoint with a key of their own.
        let forger = try OfficeKeyring.open(directory: dir + "/forger", now: keyringCreated)
        let file = LogCheckpoints.file(1, in: checkpoints)
        var stored = try JSONDecoder().decode(CheckpointFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let (keyID, signature) = forger.sign(Array(stored.body.utf8))
        stored.keyID = keyID
        stored.signature = Data(signature).base64EncodedString()
        try JSONEncoder().encode(stored).write(to: URL(fileURLWithPath: file))
        sqlite(f, "UPDATE checkpoints SET key_id = '\(keyID)', signature = '\(stored.signature)'")
        let report = try verify(f)
        #expect(report.problems.map(\.kind) == [.unknownKey])
        #expect(report.problems.first?.chinese.contains("不在职改办密钥库中") == true)
        // Against a keyring without the office's key history, nothing verifies.
        let none = try LogCheckpoints.verify(store: f.store, keys: nil, directory: checkpoints)
        #expect(none.problems.first?.kind == .noKeyring)
    }

    @Test func aCheckpointByARevokedKeyFails() throws {
        let f = try fixture()
        let rotated = try f.keyring.rotate(now: fixedNow.addingTimeInterval(3600))
        try OfficeKeyring.revoke(
            directory: dir + "/keys", keyID: f.keyring.currentKeyID, on: Day("2026-09-01")!, reason: "泄露")
        let report = try verify(f)
        #expect(report.problems.map(\.kind) == [.keyNotValid])
        #expect(report.problems.first?.chinese.contains("已于 2026-09-01 吊销") == true)
        _ = rotated
    }

    @Test func aHeadsFileChangedToHideADeletionIsFound() throws {
        let f = try fixture()
        let file = LogCheckpoints.file(1, in: checkpoints)
        var stored = try JSONDecoder().decode(CheckpointFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        stored.changedHeads.removeAll { $0.id == "A-002" }
        try JSONEncoder().encode(stored).write(to: URL(fileURLWithPath: file))
        sqlite(f, "DELETE FROM events WHERE stream_id = 'A-002'; DELETE FROM streams WHERE id = 'A-002';")
        let report = try verify(f)
        #expect(report.problems.map(\.kind) == [.headsFileMismatch, .historyChanged])
    }

    @Test func aBackdatedStreamIsFound() throws {
        let f = try fixture()
        // An event slipped into the log with a seq before the checkpoint's last one.
        sqlite(
            f,
            """
            INSERT INTO events (seq, stream_kind, stream_id, version, type, payload, actor_id, actor_role, recorded_at, prev_hash, hash)
            SELECT 0, 'person', 'p-ghost', 1, 'x', '{}', 'a', 'b', '2026-01-01T00:00:00.000Z', prev_hash, hash FROM events WHERE seq = 1;
            """)
        let report = try verify(f)
        #expect(report.problems.contains { $0.kind == .streamInserted && $0.stream == "person/p-ghost" })
    }

    @Test func aCheckpointChangedInOnePlaceIsFound() throws {
        let f = try fixture()
        _ = try LogCheckpoints.create(
            store: f.store, keyring: f.keyring, directory: checkpoints, now: fixedNow.addingTimeInterval(60))
        // Checkpoint 1 removed from both places: 2 no longer chains to anything.
        sqlite(f, "DELETE FROM checkpoints WHERE number = 1")
        try FileManager.default.removeItem(atPath: LogCheckpoints.file(1, in: checkpoints))
        var report = try verify(f)
        #expect(report.problems.map(\.kind) == [.bothMissing])
        // The database's checkpoint 2 body edited (a different root): its signature fails and
        // the two copies differ.
        sqlite(f, "UPDATE checkpoints SET body = replace(body, '\"number\":2', '\"number\":2 ') WHERE number = 2")
        report = try verify(f)
        #expect(report.problems.map(\.kind).contains(.differs))
    }
}
