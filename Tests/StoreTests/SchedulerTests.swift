import Domain
import Foundation
import GRDB
import Testing
import Workflow

@testable import Store

/// The scheduler goes on past a stream it cannot advance.
@Suite struct SchedulerTests {
    @Test func aStreamThatDoesNotLoadIsSkippedAndTheOthersAdvance() throws {
        let path = Fixtures.temporaryPath("scheduler.sqlite")
        let head = Actor(id: "head-1", role: .officeHead)
        do {
            let store = try EventStore(path: path)
            for unit in ["U-A", "U-B", "U-C"] {
                try store.execute(
                    UnitStandingMachine.self, id: unit,
                    .suspend(reason: "提供虚假材料", decisionNumber: "焦人社〔2026〕1号", years: 2),
                    context: Fixtures.context(head))
            }
        }
        // Break U-B's log behind the store's back: its state can no longer be rebuilt.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE events SET payload = '{' WHERE stream_id = 'U-B'")
        }
        let store = try EventStore(path: path)
        let later = Date(timeIntervalSince1970: 1_772_000_000 + 3 * 365 * 86_400)
        let report = try store.runDeadlines(rules: Fixtures.rules, now: later)
        #expect(report.changed == ["U-A", "U-C"])
        #expect(report.skipped.map(\.id) == ["\(UnitStandingMachine.kind)/U-B"])
        if case .corrupt = report.skipped.first?.error {} else { Issue.record("expected a corrupt stream") }
        #expect(try store.load(UnitStandingMachine.self, id: "U-C")?.state.status == .normal)
    }
}
