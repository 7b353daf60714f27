import Domain
import Foundation
import Testing
import Workflow

@testable import Store

/// Tampering is done the way an insider would: with the `sqlite3` program on the file.
@Suite struct AuditTests {
    func seeded() throws -> String {
        let path = Fixtures.temporaryPath("audit.sqlite")
        let store = try EventStore(path: path)
        for id in ["a", "b"] {
            try store.execute(CounterMachine.self, id: id, .open, context: Fixtures.context())
            try store.execute(CounterMachine.self, id: id, .add(2, note: "二"), context: Fixtures.context())
            try store.execute(CounterMachine.self, id: id, .add(3, note: "三"), context: Fixtures.context())
        }
        #expect(try store.audit().isIntact)
        return path
    }

    func sqlite(_ path: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, sql]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "sqlite3 failed: \(sql)")
    }

    @Test func intactLogPasses() throws {
        let report = try EventStore(path: try seeded()).audit()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 6)
        #expect(report.streamsChecked == 2)
    }

    @Test func editedPayloadIsFound() throws {
        let path = try seeded()
        try sqlite(
            path, #"UPDATE events SET payload = replace(payload, '3', '30') WHERE stream_id = 'b' AND version = 3"#)
        let report = try EventStore(path: path).audit()
        #expect(report.first?.kind == .edited)
        #expect(report.first?.stream == "counter/b")
        #expect(report.first?.version == 3)
    }

    @Test func editedActorIsFoundEvenWithTheHashRecomputedNaively() throws {
        let path = try seeded()
        // Changing who acted and also the stored hash of that event breaks the next link.
        try sqlite(
            path,
            "UPDATE events SET actor_id = 'someone-else', hash = 'ff' || substr(hash, 3) WHERE stream_id = 'a' AND version = 2"
        )
        let report = try EventStore(path: path).audit()
        #expect(report.first?.stream == "counter/a")
        #expect(report.first?.version == 2)
        #expect(report.problems.contains { $0.kind == .reordered && $0.version == 3 })
    }

    @Test func deletedEventIsFound() throws {
        let path = try seeded()
        try sqlite(path, "DELETE FROM events WHERE stream_id = 'a' AND version = 2")
        let report = try EventStore(path: path).audit()
        #expect(report.first?.kind == .deleted)
        #expect(report.first?.stream == "counter/a")
        #expect(report.first?.version == 3)
    }

    @Test func deletedLastEventIsFoundThroughTheProjectionHead() throws {
        let path = try seeded()
        try sqlite(path, "DELETE FROM events WHERE stream_id = 'b' AND version = 3")
        let report = try EventStore(path: path).audit()
        #expect(report.first?.kind == .deleted)
        #expect(report.first?.stream == "counter/b")
    }

    @Test func reorderedEventsAreFound() throws {
        let path = try seeded()
        // Swap versions 2 and 3 of stream a.
        try sqlite(
            path,
            """
            UPDATE events SET version = -1 WHERE stream_id = 'a' AND version = 2;
            UPDATE events SET version = 2 WHERE stream_id = 'a' AND version = 3;
            UPDATE events SET version = 3 WHERE stream_id = 'a' AND version = -1;
            """)
        let report = try EventStore(path: path).audit()
        #expect(!report.isIntact)
        #expect(report.problems.allSatisfy { $0.stream == "counter/a" })
        #expect(report.problems.contains { $0.kind == .edited || $0.kind == .reordered })
    }

    // MARK: - projections against a replay of the log (issue 13 item 3)

    /// Stream `c` with 17 events (a snapshot at 16) besides `a` and `b`.
    func seededWithSnapshot() throws -> String {
        let path = try seeded()
        let store = try EventStore(path: path)
        try store.execute(CounterMachine.self, id: "c", .open, context: Fixtures.context())
        for n in 1...16 {
            try store.execute(CounterMachine.self, id: "c", .add(n, note: "\(n)"), context: Fixtures.context())
        }
        #expect(try sqliteValue(path, "SELECT version FROM snapshots WHERE id = 'c'") == "16")
        #expect(try store.audit(machines: [CounterMachine.self]).isIntact)
        return path
    }

    func sqliteValue(_ path: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anEditedSnapshotIsFoundByTheReplay() throws {
        let path = try seededWithSnapshot()
        // 120 (1 + … + 15) becomes 9120: what `load` would now return, with the chain intact.
        try sqlite(
            path, "UPDATE snapshots SET state = replace(state, '\"total\":120', '\"total\":9120') WHERE id = 'c'")
        #expect(try EventStore(path: path).audit(replay: false).isIntact)  // the chain alone cannot tell
        let report = try EventStore(path: path).audit(machines: [CounterMachine.self])
        #expect(report.problems.map(\.kind) == [.snapshot])
        #expect(report.first?.stream == "counter/c")
        #expect(report.first?.version == 16)
        #expect(report.first?.chinese.contains("快照被改动") == true)
    }

    @Test func anEditedStatusIsFoundByTheReplay() throws {
        let path = try seeded()
        try sqlite(path, "UPDATE streams SET status = 'closed' WHERE id = 'a'")
        let report = try EventStore(path: path).audit(machines: [CounterMachine.self])
        #expect(report.problems.map(\.kind) == [.status])
        #expect(report.first?.chinese.contains("状态表记为“closed”，事件日志重放为“open”") == true)
    }

    @Test func streamsNoMachineKnowsAreChainCheckedAndCounted() throws {
        let report = try EventStore(path: try seeded()).audit()
        #expect(report.isIntact)
        #expect(report.unreplayed == ["counter": 2])
    }

    @Test func rowsWithoutEventsAreNamed() throws {
        let path = try seededWithSnapshot()
        try sqlite(path, "DELETE FROM events WHERE stream_id = 'c'")
        let report = try EventStore(path: path).audit(machines: [CounterMachine.self])
        #expect(Set(report.problems.map(\.kind)) == [.deleted, .orphan])
        #expect(report.problems.allSatisfy { $0.stream == "counter/c" })
    }

    // MARK: - checkpoints (signed by `Signing.LogCheckpoints`; here with a stand-in signature)

    @Test func checkpointsSignTheHeadsAndRefuseToBlessAChangedHistory() throws {
        let path = try seeded()
        let store = try EventStore(path: path)
        let sign: ([UInt8]) throws -> (keyID: String, signature: String) = { bytes in
            ("test", SHA256Digest.hex(of: bytes))
        }
        let first = try store.appendCheckpoint(now: Date(timeIntervalSince1970: 1_772_000_000), sign: sign)
        #expect(first.body.number == 1)
        #expect(first.body.eventCount == 6 && first.body.streamCount == 2)
        #expect(first.body.previous == EventHash.genesis)
        #expect(first.changedHeads.map(\.stream) == ["counter/a", "counter/b"])
        try store.execute(CounterMachine.self, id: "b", .add(1, note: "一"), context: Fixtures.context())
        let second = try store.appendCheckpoint(now: Date(timeIntervalSince1970: 1_772_000_100), sign: sign)
        #expect(second.body.previous == CheckpointBody.hash(ofText: first.stored.body))
        #expect(second.changedHeads.map(\.stream) == ["counter/b"])
        #expect(try store.checkpoints().map(\.number) == [1, 2])
        // The log walked at each checkpoint's cut gives the signed roots.
        var roots: [String] = []
        try store.walkHeads(cuts: [first.body.maxSeq, second.body.maxSeq]) { _, heads, count in
            roots.append(CheckpointBody.root(of: heads.values) + "/\(count)")
        }
        #expect(roots == ["\(first.body.root)/6", "\(second.body.root)/7"])
        // A stream deleted before checkpoint 2: no checkpoint 3 is signed over it.
        try sqlite(path, "DELETE FROM events WHERE stream_id = 'a'; DELETE FROM streams WHERE id = 'a';")
        #expect(throws: StoreError.self) {
            try EventStore(path: path).appendCheckpoint(now: Date(timeIntervalSince1970: 1_772_000_200), sign: sign)
        }
    }
}
