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
}
