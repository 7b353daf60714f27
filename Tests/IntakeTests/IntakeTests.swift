import Domain
import Forms
import Foundation
import GRDB
import Testing
import Workflow

@testable import Intake
@testable import Store

@Suite struct IntakeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    // A file that does not load fails the tests that use it (naming the file), never crashes the run.
    private static let loadedRules = Result { try Rulebook.load(directory: root.appendingPathComponent("policy").path) }
    private static let loadedForms = Result { try FormLibrary.load(directory: root.appendingPathComponent("forms").path) }
    static var rules: Rulebook { get throws { try loadedRules.get() } }
    static var forms: FormLibrary { get throws { try loadedForms.get() } }
    static let now = Day(year: 2026, month: 3, day: 2)!.startInstant.addingTimeInterval(10 * 3600)

    func example() throws -> (JSONValue, Forms.EligibilityFacts) {
        let dir = Self.root.appendingPathComponent("forms/examples")
        let data = try JSONValue.parse(
            try Data(contentsOf: dir.appendingPathComponent("engineering-intermediate.json")))
        let facts = try Forms.EligibilityFacts.parse(
            try Data(contentsOf: dir.appendingPathComponent("engineering-intermediate-facts.json")))
        return (data, facts)
    }

    func counts(_ store: EventStore) throws -> [Int] {
        try store.read { db in
            try ["events", "streams", "people", "units", "declarations"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        }
    }

    @Test func aValidDeclarationIsSubmittedWithItsPledgeAndData() throws {
        let store = try EventStore()
        let (data, facts) = try example()
        let intake = Intake(store: store, rules: try Self.rules, forms: try Self.forms)
        let version = try intake.submit(
            Declaration(formID: "engineering", applicationID: "A2026-90001", data: data, facts: facts), now: Self.now)
        #expect(version == 2)
        let state = try #require(try store.load(ApplicationMachine.self, id: "A2026-90001")?.state)
        #expect(state.stage == .unitReview)
        #expect(state.profile?.series == .engineering)
        #expect(state.profile?.level == .intermediate)
        #expect(state.profile?.currentLevel == .assistant)
        // The pledge binds the form version's pledge text and exactly the stored data.
        let form = try Self.forms.form("engineering")
        #expect(state.pledge?.textHash == SHA256Digest.hex(of: form.pledge!.text))
        #expect(state.pledge?.dataHash == SHA256Digest.hex(of: data.canonical))
        #expect(try intake.declarationData(applicationID: "A2026-90001") == data)
        // The unit and the person were registered from the form.
        let person = try #require(try store.person(state.profile!.personID))
        #expect(person.name == data["name"]?.string)
        #expect(try store.unit(state.profile!.unitID)?.creditCode.value == data["unit_credit_code"]?.string)
    }

    @Test func anInvalidFormListsEveryProblemAndWritesNothing() throws {
        let store = try EventStore()
        var (data, facts) = try example()
        guard case .object(var o) = data else { return }
        o["name"] = nil
        o["phone"] = "12345"
        o["nickname"] = "x"
        data = .object(o)
        let before = try counts(store)
        do {
            try Intake(store: store, rules: Self.rules, forms: Self.forms).submit(
                Declaration(formID: "engineering", applicationID: "A2026-90002", data: data, facts: facts),
                now: Self.now)
            Issue.record("an invalid form was submitted")
        } catch IntakeRefusal.invalid(let problems) {
            #expect(Set(problems.map(\.path)).isSuperset(of: ["name", "phone", "nickname"]))
            #expect(problems.allSatisfy { !$0.message.isEmpty })
        }
        #expect(try counts(store) == before)
    }

    @Test func anIneligibleApplicantGetsTheOneTimeNoticeAndNothingIsWritten() throws {
        let store = try EventStore()
        var (data, facts) = try example()
        facts.currentLevelSince = Day(year: 2024, month: 1, day: 1)
        let before = try counts(store)
        do {
            try Intake(store: store, rules: Self.rules, forms: Self.forms).submit(
                Declaration(formID: "engineering", applicationID: "A2026-90003", data: data, facts: facts),
                now: Self.now)
            Issue.record("an ineligible applicant was submitted")
        } catch IntakeRefusal.ineligible(let decision) {
            #expect(decision.reasons.contains { $0.rule.hasPrefix("eligibility.years") })
            #expect(decision.notice.contains("4年"))
        }
        #expect(try counts(store) == before)
        _ = data
    }

    @Test func aBlacklistedPersonIsRefusedWithTheEndDate() throws {
        let store = try EventStore()
        let (data, facts) = try example()
        let intake = Intake(store: store, rules: try Self.rules, forms: try Self.forms)
        // First registration happens on a first (valid) submission; then the office records fraud.
        try intake.submit(
            Declaration(formID: "engineering", applicationID: "A2026-90004", data: data, facts: facts), now: Self.now)
        let personID = try #require(try store.load(ApplicationMachine.self, id: "A2026-90004")?.state.profile?.personID)
        try store.execute(
            PersonIntegrityMachine.self, id: personID, .record(reason: "伪造学历证书", basis: "暂行规定第三十七条"),
            context: Context(actor: Actor(id: "head", role: .officeHead), now: Self.now, rules: try Self.rules))
        do {
            try intake.submit(
                Declaration(formID: "engineering", applicationID: "A2026-90005", data: data, facts: facts),
                now: Self.now.addingTimeInterval(86_400))
            Issue.record("a blacklisted person was submitted")
        } catch IntakeRefusal.ineligible(let decision) {
            #expect(decision.reasons.contains { $0.rule == "eligibility.blacklist" })
            #expect(decision.notice.contains("2029年"))
        }
        #expect(try store.load(ApplicationMachine.self, id: "A2026-90005") == nil)
    }
}

@Suite struct IntakeHiddenFieldTests {
    /// A field the declaration does not ask (`visible_when:` another track's) sent through the
    /// intake — JSON, a script, an old client — is not stored and not signed: the stored data
    /// and the pledge's data hash are those of the declaration without it.
    @Test func anotherTracksFieldIsNeitherStoredNorSigned() throws {
        let store = try EventStore()
        let (data, facts) = try IntakeTests().example()
        guard case .object(var o) = data else { return }
        #expect(o["track"] == nil || o["track"]?.string == "normal")
        o["major_contribution"] = .string("另一申报通道的重大贡献说明")
        let intake = Intake(store: store, rules: try IntakeTests.rules, forms: try IntakeTests.forms)
        try intake.submit(
            Declaration(formID: "engineering", applicationID: "A2026-90077", data: .object(o), facts: facts),
            now: IntakeTests.now)
        let stored = try #require(try intake.declarationData(applicationID: "A2026-90077"))
        #expect(stored["major_contribution"] == nil)
        #expect(stored == data)
        let state = try #require(try store.load(ApplicationMachine.self, id: "A2026-90077")?.state)
        #expect(state.pledge?.dataHash == SHA256Digest.hex(of: data.canonical))
    }
}
