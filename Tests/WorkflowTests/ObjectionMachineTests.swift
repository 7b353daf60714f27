import Domain
import Testing

@testable import Workflow

/// An objection lodged online: received only from the public during the notice period (the
/// refusal names the last day), with the facts' limits from the policy; then registered or
/// dismissed with a reason, once, by the office only.
@Suite struct ObjectionMachineTests {
    typealias M = ObjectionMachine

    static func lodged(facts: String = "申报人代表作系他人成果，署名存在争议，有原稿为证。") -> LodgedObjection {
        LodgedObjection(
            batchID: "N2026-01", noticeStart: day("2026-03-02"), noticeEnd: day("2026-03-06"), applicationID: "A-1",
            subjectName: "张一", objectorName: "王五", contact: "13800000000", facts: facts)
    }

    @Test func receivedDuringThePeriodOnlyAndTheRefusalNamesTheLastDay() {
        var s = Stream<M>()
        s.today = day("2026-03-09")
        let late = s.refuse(.receive(Self.lodged()), as: Actors.publicPerson, rule: "objection.outside-notice")
        #expect(late?.message.contains("2026年3月6日") == true, "\(late?.message ?? "")")
        s.today = day("2026-03-01")
        s.refuse(.receive(Self.lodged()), as: Actors.publicPerson, rule: "objection.outside-notice")
        s.today = day("2026-03-06")
        s.refuse(.receive(Self.lodged()), as: Actors.clerk, rule: "objection.role-not-allowed")
        s.refuse(.receive(Self.lodged(facts: "有问题")), as: Actors.publicPerson, rule: "objection.facts-too-short")
        let limit = s.rules.policy.objections.factsMaxCharacters
        let long = s.refuse(
            .receive(Self.lodged(facts: String(repeating: "字", count: limit + 1))), as: Actors.publicPerson,
            rule: "objection.too-long")
        #expect(long?.message.contains("异议事实") == true)
        var blank = Self.lodged()
        blank.contact = "  "
        s.refuse(.receive(blank), as: Actors.publicPerson, rule: "objection.field-missing")
        #expect(s.events.isEmpty)
        s.run(.receive(Self.lodged()), as: Actors.publicPerson)
        #expect(s.state.stage == .received)
        #expect(s.state.receivedOn == day("2026-03-06"))
        #expect(M.status(of: s.state) == "received")
        s.refuse(.receive(Self.lodged()), as: Actors.publicPerson, rule: "objection.invalid-transition")
        #expect(s.replayed == s.state)
    }

    @Test func registeredOrDismissedOnceByTheOffice() {
        var s = Stream<M>()
        s.run(.receive(Self.lodged()), as: Actors.publicPerson)
        s.refuse(.register, as: Actors.publicPerson, rule: "objection.role-not-allowed")
        s.refuse(.register, as: Actors.unitHR, rule: "objection.role-not-allowed")
        s.refuse(.dismiss(reason: " "), as: Actors.clerk, rule: "objection.reason-missing")
        var dismissed = s
        dismissed.today = day("2026-03-10")
        dismissed.run(.dismiss(reason: "不属于公示对象"), as: Actors.clerk)
        #expect(dismissed.state.stage == .dismissed)
        #expect(dismissed.state.reason == "不属于公示对象")
        #expect(dismissed.state.handledBy == Actors.clerk.id)
        #expect(dismissed.state.handledOn == day("2026-03-10"))
        dismissed.refuse(.register, as: Actors.clerk, rule: "objection.invalid-transition")

        s.run(.register, as: Actors.head)
        #expect(s.state.stage == .registered)
        #expect(s.state.handledBy == Actors.head.id)
        s.refuse(.dismiss(reason: "无具体事实或线索"), as: Actors.clerk, rule: "objection.invalid-transition")
        #expect(s.replayed == s.state)
        #expect(s.events.map(\.name) == ["received", "registered"])
    }

    @Test func receiptNumbersSortAsTheyCome() {
        #expect(M.receiptNumber(year: 2026, sequence: 1) == "YY-2026-00001")
        #expect(M.receiptNumber(year: 2026, sequence: 123_456) == "YY-2026-123456")
        #expect(M.receiptNumber(year: 2026, sequence: 9) < M.receiptNumber(year: 2026, sequence: 10))
    }
}
