import Domain
import Foundation
import Testing
import Workflow

@testable import Store

/// The audit examines the log a batch of streams at a time on every core: a log of many
/// streams (several batches) still gives every problem, in log order, and the right counts.
@Suite struct AuditBatchTests {
    static let streams = 1_200

    func seeded() throws -> String {
        let path = Fixtures.temporaryPath("audit-batches.sqlite")
        let store = try EventStore(path: path)
        try store.write { tx in
            for n in 0..<Self.streams {
                let id = String(format: "s%04d", n)
                try tx.execute(CounterMachine.self, id: id, .open, context: Fixtures.context())
                try tx.execute(CounterMachine.self, id: id, .add(2, note: "二"), context: Fixtures.context())
                try tx.execute(CounterMachine.self, id: id, .add(3, note: "三"), context: Fixtures.context())
            }
        }
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

    @Test func manyStreamsIntactThenEditedInTwoBatches() throws {
        let path = try seeded()
        let intact = try EventStore(path: path).audit(machines: [CounterMachine.self])
        #expect(intact.isIntact)
        #expect(intact.eventsChecked == 3 * Self.streams)
        #expect(intact.streamsChecked == Self.streams)
        #expect(intact.unreplayed.isEmpty)
        // Unknown to the audit: chain-checked and counted, every one.
        #expect(try EventStore(path: path).audit(machines: []).unreplayed == ["counter": Self.streams])

        // One edit early in the log and one in a later batch (512 streams a batch), the later first.
        try sqlite(path, #"UPDATE events SET payload = replace(payload, '3', '30') WHERE stream_id = 's1100' AND version = 3"#)
        try sqlite(path, #"UPDATE events SET payload = replace(payload, '2', '20') WHERE stream_id = 's0007' AND version = 2"#)
        let report = try EventStore(path: path).audit(machines: [CounterMachine.self])
        let edited = report.problems.filter { $0.kind == .edited }
        #expect(edited.map(\.stream) == ["counter/s0007", "counter/s1100"])
        #expect(edited.map(\.version) == [2, 3])
        #expect(report.first?.stream == "counter/s0007")
        #expect(report.eventsChecked == 3 * Self.streams)
    }
}
