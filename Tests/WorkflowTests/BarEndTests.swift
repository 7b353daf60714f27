import Domain
import Foundation
import Testing

@testable import Workflow

/// One convention for the end of every bar (`BarEnd`): `until` is the first day one may apply
/// again. The machines store it, the scheduler ends the bar on it, the application gate lets
/// the applicant through on it and refuses on the day before, naming both days.
@Suite struct BarEndTests {
    /// A draft application submitted on `today` with these facts.
    func submit(_ facts: EligibilityFacts, on today: Day) -> (AppStream, Refusal?) {
        var app = AppPaths.reach(.draft)
        app.today = today
        do {
            let d = try ApplicationMachine.decide(
                AppPaths.submit(facts, pledge: AppPaths.pledge(on: today)), state: app.state,
                context: app.context(Actors.applicant))
            app.state = d.events.reduce(app.state, ApplicationMachine.evolve)
            return (app, nil)
        } catch {
            return (app, error)
        }
    }

    @Test func aPersonsRecordEndsOnItsUntilDay() {
        var person = Stream<PersonIntegrityMachine>()
        person.today = day("2026-05-11")
        person.run(.record(reason: "学历造假", basis: "焦职改〔2026〕30号", years: 3), as: Actors.head)
        let until = PersonIntegrityMachine.recordEnd(person.state)
        #expect(until == day("2029-05-11"))

        // The day before: refused, naming the last day and the first free day.
        let (_, before) = submit(EligibilityFacts(blacklistedUntil: until), on: day("2029-05-10"))
        #expect(before?.rule == "application.blacklisted")
        #expect(before?.message.contains("2029年5月10日止，2029年5月11日起方可申报") == true, "\(before?.message ?? "")")
        // The day itself: accepted.
        let (app, on) = submit(EligibilityFacts(blacklistedUntil: until), on: day("2029-05-11"))
        #expect(on == nil, "\(on?.message ?? "")")
        #expect(app.state.stage == .unitReview)

        // The scheduler ends the record on the same day, not before.
        person.today = day("2029-05-10")
        #expect(PersonIntegrityMachine.dueCommand(person.state, today: person.today) == nil)
        let early = person.refuse(.expire, as: Actors.system, rule: "person.record-not-ended")
        #expect(early?.message.contains("2029年5月10日止，2029年5月11日起方可申报") == true)
        person.today = day("2029-05-11")
        #expect(PersonIntegrityMachine.dueCommand(person.state, today: person.today) == .expire)
        person.run(.tick, as: Actors.system)
        #expect(person.state.status == .clean && person.state.history.last?.until == day("2029-05-11"))
    }

    @Test func aUnitsSuspensionEndsOnItsUntilDay() {
        var unit = Stream<UnitStandingMachine>()
        unit.today = day("2026-05-11")
        unit.run(.suspend(reason: "出具虚假证明", decisionNumber: "焦人社〔2026〕8号", years: 2), as: Actors.head)
        let until = UnitStandingMachine.suspendedUntil(unit.state)
        #expect(until == day("2028-05-11"))

        let (_, before) = submit(EligibilityFacts(unitSuspendedUntil: until), on: day("2028-05-10"))
        #expect(before?.rule == "application.unit-suspended")
        #expect(before?.message.contains("2028年5月10日止，2028年5月11日起方可推荐申报") == true, "\(before?.message ?? "")")
        let (app, on) = submit(EligibilityFacts(unitSuspendedUntil: until), on: day("2028-05-11"))
        #expect(on == nil, "\(on?.message ?? "")")
        #expect(app.state.stage == .unitReview)

        unit.today = day("2028-05-10")
        #expect(UnitStandingMachine.dueCommand(unit.state, today: unit.today) == nil)
        unit.today = day("2028-05-11")
        #expect(UnitStandingMachine.dueCommand(unit.state, today: unit.today) == .expire)
    }

    @Test func aSanctionEndsOnItsUntilDay() {
        let until = day("2027-01-01")
        let (_, before) = submit(EligibilityFacts(sanctionedUntil: until), on: day("2026-12-31"))
        #expect(before?.rule == "application.sanctioned")
        #expect(before?.message.contains("2026年12月31日止，2027年1月1日起方可申报") == true, "\(before?.message ?? "")")
        let (app, on) = submit(EligibilityFacts(sanctionedUntil: until), on: until)
        #expect(on == nil, "\(on?.message ?? "")")
        #expect(app.state.stage == .unitReview)
    }

    // MARK: - stored payloads

    /// New payloads carry the end under `reapplyFrom` and read back unchanged.
    @Test func newPayloadsSayReapplyFrom() throws {
        let recorded = PersonIntegrityEvent.recorded(
            reason: "r", basis: "b", from: day("2026-05-11"), until: day("2029-05-11"))
        let json = String(decoding: try JSONEncoder().encode(recorded), as: UTF8.self)
        #expect(json.contains("\"reapplyFrom\":\"2029-05-11\""), "\(json)")
        #expect(!json.contains("\"until\""))
        #expect(try JSONDecoder().decode(PersonIntegrityEvent.self, from: Data(json.utf8)) == recorded)

        let events: [UnitStandingEvent] = [
            .suspended(reason: "r", decisionNumber: "d", from: day("2026-05-11"), until: day("2028-05-11")),
            .lifted(reason: "复议撤销", on: day("2026-06-01")), .expired(on: day("2028-05-11")),
        ]
        for e in events {
            #expect(try JSONDecoder().decode(UnitStandingEvent.self, from: JSONEncoder().encode(e)) == e)
        }
        var unit = Stream<UnitStandingMachine>()
        unit.run(.suspend(reason: "r", decisionNumber: "d"), as: Actors.head)
        let state = try JSONDecoder().decode(UnitStandingState.self, from: JSONEncoder().encode(unit.state))
        #expect(state == unit.state)
        var person = Stream<PersonIntegrityMachine>()
        person.run(.record(reason: "r", basis: "b"), as: Actors.head)
        #expect(
            try JSONDecoder().decode(PersonIntegrityState.self, from: JSONEncoder().encode(person.state))
                == person.state)
    }

    /// Events and snapshots written before the convention held the last day under `until`:
    /// they are read as that day + 1, the same bar in today's meaning.
    @Test func legacyPayloadsHoldTheLastDay() throws {
        let person = #"{"recorded":{"basis":"b","from":"2026-05-11","reason":"r","until":"2029-05-10"}}"#
        #expect(
            try JSONDecoder().decode(PersonIntegrityEvent.self, from: Data(person.utf8))
                == .recorded(reason: "r", basis: "b", from: day("2026-05-11"), until: day("2029-05-11")))
        let unit = #"{"suspended":{"decisionNumber":"d","from":"2026-05-11","reason":"r","until":"2028-05-10"}}"#
        #expect(
            try JSONDecoder().decode(UnitStandingEvent.self, from: Data(unit.utf8))
                == .suspended(reason: "r", decisionNumber: "d", from: day("2026-05-11"), until: day("2028-05-11")))
        let snapshot = #"""
            {"history":[{"decisionNumber":"d0","from":"2024-01-02","reason":"r0","until":"2024-05-31"}],
             "status":"suspended",
             "suspension":{"decisionNumber":"d","from":"2026-05-11","reason":"r","until":"2028-05-10"}}
            """#
        let state = try JSONDecoder().decode(UnitStandingState.self, from: Data(snapshot.utf8))
        #expect(state.suspension?.until == day("2028-05-11"))
        #expect(state.history.first?.until == day("2024-06-01"))
        #expect(UnitStandingMachine.isSuspended(state, on: day("2028-05-10")))
        #expect(!UnitStandingMachine.isSuspended(state, on: day("2028-05-11")))
        let personSnapshot = #"""
            {"history":[],"status":"recorded","record":{"basis":"b","from":"2026-05-11","reason":"r","until":"2029-05-10"}}
            """#
        let record = try JSONDecoder().decode(PersonIntegrityState.self, from: Data(personSnapshot.utf8))
        #expect(PersonIntegrityMachine.recordEnd(record) == day("2029-05-11"))
        // A payload with neither key is not silently given an end.
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                PersonIntegrityEvent.self,
                from: Data(#"{"recorded":{"basis":"b","from":"2026-05-11","reason":"r"}}"#.utf8))
        }
    }
}
