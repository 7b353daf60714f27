import Domain
import Foundation
import Testing
import Workflow

@testable import Store

/// The committee registry's rows: a committee with its jurisdiction and 文号, experts with their
/// unit, specialties, term and status read back as written; suspended experts named for the
/// draw to leave out; a refused import writes nothing.
@Suite struct CommitteeRegistryTests {
    static let head = Actor(id: "web-head", role: .officeHead)

    @Test func committeesAndExpertsReadBackAsWritten() throws {
        let store = try EventStore()
        let context = Context(actor: Self.head, now: Date(timeIntervalSince1970: 1_772_000_000), rules: Fixtures.rules)
        let committee = CommitteeSetUp(
            id: "PW-GC", name: "焦作市工程系列中级评审委员会", series: .engineering, level: .intermediate, jurisdiction: "410802",
            scope: "机械工程", memberCount: 7, termStart: Day("2026-01-01")!, termEnd: Day("2028-12-31")!,
            decisionNumber: "焦职改〔2026〕3号")
        try store.write { tx in
            try tx.execute(CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID, .setUp(committee), context: context)
            try tx.insertCommittee(committee)
        }
        #expect(try store.committeeSetUps() == [committee])
        func expert(_ id: String, _ status: ExpertEntry.Status) throws -> ExpertEntry {
            ExpertEntry(
                id: id, name: "专家\(id)", unitCreditCode: try CreditCode(CreditCode.completing("12410800MB0000001")!),
                unitName: "焦作市研究院", unitID: "U-x", title: "正高级工程师", specialties: ["机械工程", "电气工程"],
                committeeID: "PW-GC", termStart: Day("2026-01-01")!, termEnd: Day("2028-12-31")!, status: status)
        }
        let experts = [try expert("E1", .active), try expert("E2", .suspended)]
        try store.write { tx in
            try tx.execute(
                CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID, .addExperts(experts, source: "测试"),
                context: context)
            try tx.insertExperts(experts)
        }
        #expect(try store.expertPool() == experts)
        #expect(try store.suspendedExpertIDs(committee: "PW-GC") == ["E2"])
        // A second import with a duplicate id is refused as a whole: nothing written.
        #expect(throws: StoreError.self) {
            try store.write { tx in
                let more = [try expert("E3", .active), try expert("E1", .active)]
                try tx.execute(
                    CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID, .addExperts(more, source: "测试"),
                    context: context)
                try tx.insertExperts(more)
            }
        }
        #expect(try store.expertPool().map(\.id) == ["E1", "E2"])
        #expect(try store.audit().isIntact)
    }
}
