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

/// The store reads the unit's standing for the unit's steps (seed item 4): a unit suspended
/// through the office's records cannot start its notice, in the same transaction as the step.
@Suite struct UnitStandingGateTests {
    @Test func aSuspendedUnitCannotStartItsNoticeThroughTheStore() throws {
        let store = try EventStore()
        let head = Actor(id: "head-1", role: .officeHead)
        let applicant = Actor(id: "a-1", role: .applicant, personID: "P-1")
        let hr = Actor(id: "hr-1", role: .unitHR, unitID: "U-S")
        let profile = ApplicationProfile(
            applicationID: "A-1", personID: "P-1", unitID: "U-S", series: .engineering, level: .intermediate,
            currentLevel: .assistant)
        try store.execute(ApplicationMachine.self, id: "A-1", .create(profile), context: Fixtures.context(applicant))
        let pledge = PledgeRecord(signerID: "P-1", signedAt: Date(timeIntervalSince1970: 1_772_000_000), textHash: "t", dataHash: "d")
        try store.execute(
            ApplicationMachine.self, id: "A-1", .submit(pledge: pledge, currentPledgeTextHash: "t", eligibility: .clear),
            context: Fixtures.context(applicant))
        // Suspended after submitting: the application is now at the unit's step.
        try store.execute(
            UnitStandingMachine.self, id: "U-S",
            .suspend(reason: "提供虚假材料", decisionNumber: "焦人社〔2026〕2号", years: 2), context: Fixtures.context(head))
        do {
            try store.execute(ApplicationMachine.self, id: "A-1", .startUnitNotice, context: Fixtures.context(hr))
            Issue.record("a suspended unit started its notice")
        } catch let error as StoreError {
            #expect(error.refusal?.rule == "application.unit-suspended-step", "\(error)")
            #expect(error.refusal?.message.contains("起恢复") == true)
        }
        #expect(try store.load(ApplicationMachine.self, id: "A-1")?.state.stage == .unitReview, "nothing written")
        // Two years on, the unit is free again: the step goes through.
        let later = 1_772_000_000 + 2.0 * 366 * 86_400
        try store.execute(ApplicationMachine.self, id: "A-1", .startUnitNotice, context: Fixtures.context(hr, at: later))
        #expect(try store.load(ApplicationMachine.self, id: "A-1")?.state.stage == .unitNotice)
    }
}
