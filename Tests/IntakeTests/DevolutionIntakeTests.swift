import Domain
import Forms
import Foundation
import JSONKit
import Testing
import Workflow

@testable import Intake
@testable import Store

/// Seed item 6 at submission: `Intake` registers a new unit in the county of its credit code and
/// routes the application — to the county for a devolved series and level (here the policy
/// devolves 工程 中级 too), to the unit itself once the bureau granted it self-review of the
/// series and level, and to the city for what the grant does not cover.
@Suite struct DevolutionIntakeTests {
    @Test func applicationsAreRoutedToTheCountyOrTheUnitAtSubmission() throws {
        let store = try EventStore()
        var rules = try IntakeTests.rules
        rules.policy.devolution.county[.engineering] = [.intermediate]
        let intake = Intake(store: store, rules: rules, forms: try IntakeTests.forms)
        let (example, facts) = try IntakeTests().example()
        guard case .object(var fields) = example else { throw IntakeRefusal.other("example") }
        fields["unit_credit_code"] = .string(CreditCode.completing("91410821MA44T8N9X")!)
        let data = JSONValue.object(fields)
        func submit(_ id: String) throws -> ApplicationProfile {
            try intake.submit(
                Declaration(formID: "engineering", applicationID: id, data: data, facts: facts), now: IntakeTests.now)
            return try #require(try store.load(ApplicationMachine.self, id: id)?.state.profile)
        }
        let county = try submit("A2026-93001")
        #expect(county.jurisdiction == "410821")
        #expect(county.unitHasSelfReviewAuthority == false)
        #expect(try store.unit(county.unitID)?.county == "410821")

        let head = Context(actor: Actor(id: "head", role: .officeHead), now: IntakeTests.now, rules: rules)
        try store.write { tx in
            try tx.decideSelfReview(
                unit: county.unitID,
                .grantSelfReview(series: [.engineering], levels: [.intermediate], decisionNumber: "焦人社〔2026〕7号"),
                context: head)
        }
        let own = try submit("A2026-93002")
        #expect(own.jurisdiction == Routing.unit(county.unitID))
        #expect(own.unitHasSelfReviewAuthority)

        // Outside the grant and not devolved: the city.
        rules.policy.devolution.county = [:]
        try store.write { tx in
            try tx.decideSelfReview(
                unit: county.unitID, .withdrawSelfReview(reason: "评审质量抽查不合格", decisionNumber: "焦人社〔2026〕9号"),
                context: head)
        }
        let city = try Intake(store: store, rules: rules, forms: try IntakeTests.forms)
        try city.submit(
            Declaration(formID: "engineering", applicationID: "A2026-93003", data: data, facts: facts), now: IntakeTests.now)
        #expect(try store.load(ApplicationMachine.self, id: "A2026-93003")?.state.profile?.jurisdiction == "city")
    }
}
