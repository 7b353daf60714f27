import Domain
import Foundation
import Testing
import Workflow

@testable import Store

/// Seed item 6 in the registry: a unit's county and a committee's jurisdiction read back as
/// written; self-review authority granted and withdrawn on the unit's standing stream with the
/// registry's flag changed in the same transaction, and refused for an unknown unit.
@Suite struct DevolutionStoreTests {
    static let head = Actor(id: "web-head", role: .officeHead)

    static func unit(_ id: String, county: String?) throws -> UnitRecord {
        UnitRecord(
            id: id, name: "焦作市第一中学", creditCode: try CreditCode(CreditCode.completing("12410821MB0000001")!),
            kind: .publicInstitution, hasSelfReviewAuthority: false, county: county)
    }

    @Test func countiesJurisdictionsAndSelfReviewInTheRegistry() throws {
        let store = try EventStore()
        let context = Fixtures.context(Self.head)
        try store.write { tx in
            try tx.insert(try Self.unit("U1", county: "410821"))
            try tx.insert(
                CommitteeRecord(
                    id: "C-X", name: "修武县中小学教师中级职称评审委员会", series: .primarySecondaryTeachers, level: .intermediate,
                    scope: "按系列", memberCount: 15, termStart: Day("2026-01-01")!, termEnd: Day("2028-12-31")!,
                    jurisdiction: "410821"))
        }
        #expect(try store.unit("U1")?.county == "410821")
        #expect(try store.committees().first?.jurisdiction == "410821")
        #expect(Routing.county(fromCreditCode: try Self.unit("U1", county: nil).creditCode.value) == "410821")

        let grant = UnitStandingCommand.grantSelfReview(
            series: [.primarySecondaryTeachers], levels: [.intermediate], decisionNumber: "焦职改〔2026〕2号")
        #expect(throws: StoreError.self) { try store.write { tx in try tx.decideSelfReview(unit: "U9", grant, context: context) } }
        #expect(try store.load(UnitStandingMachine.self, id: "U9") == nil)
        try store.write { tx in try tx.decideSelfReview(unit: "U1", grant, context: context) }
        #expect(try store.unit("U1")?.hasSelfReviewAuthority == true)
        #expect(try store.selfReviewGrant(unit: "U1")?.decisionNumber == "焦职改〔2026〕2号")
        // A clerk's withdrawal is refused and changes nothing.
        #expect(throws: StoreError.self) {
            try store.write { tx in
                try tx.decideSelfReview(
                    unit: "U1", .withdrawSelfReview(reason: "x", decisionNumber: "焦职改〔2026〕9号"),
                    context: Fixtures.context())
            }
        }
        #expect(try store.unit("U1")?.hasSelfReviewAuthority == true)
        try store.write { tx in
            try tx.decideSelfReview(
                unit: "U1", .withdrawSelfReview(reason: "评审质量抽查不合格", decisionNumber: "焦职改〔2026〕9号"), context: context)
        }
        #expect(try store.unit("U1")?.hasSelfReviewAuthority == false)
        #expect(try store.selfReviewGrant(unit: "U1") == nil)
        // A unit's committee needs the grant in force for its series and level.
        let unitCommittee = CommitteeSetUp(
            id: "C-U1", name: "焦作市第一中学中小学教师中级职称评审委员会", series: .primarySecondaryTeachers, level: .intermediate,
            jurisdiction: "unit:U1", scope: "按系列", memberCount: 15, termStart: Day("2026-01-01")!,
            termEnd: Day("2028-12-31")!, decisionNumber: "焦职改〔2026〕11号")
        func setUp() throws {
            try store.write { tx in
                try tx.execute(
                    CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID, .setUp(unitCommittee),
                    context: context)
                try tx.insertCommittee(unitCommittee)
            }
        }
        do {
            try setUp()
            Issue.record("a committee of a unit without a grant was set up")
        } catch {
            #expect((error as? StoreError)?.refusal?.rule == "committee-registry.unit-not-granted", "\(error)")
        }
        #expect(try store.committees().map(\.id) == ["C-X"])
        try store.write { tx in try tx.decideSelfReview(unit: "U1", grant, context: context) }
        try setUp()
        #expect(try store.committees().first { $0.id == "C-U1" }?.jurisdiction == "unit:U1")
        #expect(try store.audit().isIntact)
    }
}
