import Domain
import Forms
import Foundation
import Testing
import Workflow

@testable import Intake
@testable import Store

/// The ends of bans as a declaration meets them: the office's records (`PersonIntegrityMachine`,
/// `UnitStandingMachine`) hand their `until` — the first day one may apply again — to the
/// eligibility rules and to the application gate, which agree on both edges.
@Suite struct BarEndIntakeTests {
    static func at(_ day: String) -> Date { Day(day)!.startInstant.addingTimeInterval(10 * 3600) }
    let head = Actor(id: "head", role: .officeHead)

    /// Registers the person and unit with a first submission on 2026-03-02, then lets `bar`
    /// record a ban on that day; returns the intake, the store and the example declaration.
    func registeredThenBarred(
        _ bar: (EventStore, ApplicationProfile, Context) throws -> Void
    ) throws -> (Intake, EventStore, JSONValue, Forms.EligibilityFacts) {
        let store = try EventStore()
        let (data, facts) = try IntakeTests().example()
        let intake = Intake(store: store, rules: try IntakeTests.rules, forms: try IntakeTests.forms)
        try intake.submit(
            Declaration(formID: "engineering", applicationID: "A2026-91000", data: data, facts: facts),
            now: Self.at("2026-03-02"))
        let profile = try #require(try store.load(ApplicationMachine.self, id: "A2026-91000")?.state.profile)
        try bar(store, profile, Context(actor: head, now: Self.at("2026-03-02"), rules: try IntakeTests.rules))
        return (intake, store, data, facts)
    }

    /// Submits on `day`; the eligibility decision when refused for eligibility, nil when submitted.
    func submit(
        _ intake: Intake, _ store: EventStore, _ data: JSONValue, _ facts: Forms.EligibilityFacts, id: String,
        on day: String
    ) throws -> EligibilityDecision? {
        do {
            try intake.submit(
                Declaration(formID: "engineering", applicationID: id, data: data, facts: facts), now: Self.at(day))
        } catch IntakeRefusal.ineligible(let decision) {
            return decision
        }
        #expect(try store.load(ApplicationMachine.self, id: id)?.state.stage == .unitReview)
        return nil
    }

    @Test func aBlacklistEndsOnTheDayItNames() throws {
        let (intake, store, data, facts) = try registeredThenBarred { store, profile, context in
            try store.execute(
                PersonIntegrityMachine.self, id: profile.personID,
                .record(reason: "伪造学历证书", basis: "暂行规定第三十七条", years: 3), context: context)
        }
        let before = try submit(intake, store, data, facts, id: "A2029-91001", on: "2029-03-01")
        #expect(before?.reasons.map(\.rule) == ["eligibility.blacklist"])
        #expect(before?.notice.contains("2029年3月2日起方可申报") == true, "\(before?.notice ?? "")")
        #expect(try submit(intake, store, data, facts, id: "A2029-91002", on: "2029-03-02") == nil)
    }

    @Test func aUnitSuspensionEndsOnTheDayItNames() throws {
        let (intake, store, data, facts) = try registeredThenBarred { store, profile, context in
            try store.execute(
                UnitStandingMachine.self, id: profile.unitID,
                .suspend(reason: "出具虚假证明", decisionNumber: "焦人社〔2026〕8号", years: 2), context: context)
        }
        let before = try submit(intake, store, data, facts, id: "A2028-91001", on: "2028-03-01")
        #expect(before?.reasons.map(\.rule) == ["eligibility.unit-suspended"])
        #expect(before?.notice.contains("2028年3月2日起方可申报") == true, "\(before?.notice ?? "")")
        #expect(try submit(intake, store, data, facts, id: "A2028-91002", on: "2028-03-02") == nil)
    }

    @Test func aSanctionEndsOnTheDayItNamesAndAWarningDoesNotBar() throws {
        let (intake, store, data, declared) = try registeredThenBarred { _, _, _ in }
        var facts = declared
        facts.sanction = .init(kind: .demerit, until: Day("2026-06-01")!)
        let before = try submit(intake, store, data, facts, id: "A2026-91001", on: "2026-05-31")
        #expect(before?.reasons.map(\.rule) == ["eligibility.sanction"])
        #expect(before?.notice.contains("2026年6月1日起方可申报") == true, "\(before?.notice ?? "")")
        #expect(try submit(intake, store, data, facts, id: "A2026-91002", on: "2026-06-01") == nil)
        // A warning is below the barring sanction: neither the rules nor the gate refuse it.
        facts.sanction = .init(kind: .warning, until: Day("2027-01-01")!)
        #expect(try submit(intake, store, data, facts, id: "A2026-91003", on: "2026-06-02") == nil)
    }
}
