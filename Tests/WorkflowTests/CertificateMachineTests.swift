import Domain
import Foundation
import Testing

@testable import Workflow

@Suite struct CertificateMachineTests {
    typealias M = CertificateMachine
    static let details = CertificateDetails(
        number: "41082026080300001", holderID: "p-zhang", holderName: "张三", applicationID: "A-001",
        series: .engineering, level: .deputySenior, approvalDocumentNumber: "焦职改〔2026〕12号",
        issuedOn: day("2026-04-03"), verificationCode: "K7Q2-9XZP")

    static func issued() -> Stream<M> {
        var s = Stream<M>()
        s.today = day("2026-04-03")
        s.run(.issue(details), as: Actors.clerk)
        return s
    }

    @Test func issueThenRevokeOnce() {
        var s = Stream<M>()
        #expect(M.status(of: s.state) == "not-issued" && !M.isValid(s.state))
        let d = s.run(.issue(Self.details), as: Actors.head)
        #expect(d?.events == [.issued(details: Self.details)])
        #expect(d?.documents == [DocumentRequest(.certificate, subject: "41082026080300001")])
        #expect(M.isValid(s.state) && M.status(of: s.state) == "valid")
        s.today = day("2027-01-05")
        let r = s.run(.revoke(reason: "学历造假", decisionNumber: "焦职改〔2027〕3号"), as: Actors.head)
        #expect(r?.events == [.revoked(reason: "学历造假", decisionNumber: "焦职改〔2027〕3号", on: day("2027-01-05"))])
        #expect(r?.documents == [DocumentRequest(.revocationDecision, subject: "41082026080300001")])
        #expect(!M.isValid(s.state) && M.status(of: s.state) == "revoked")
        let twice = s.refuse(
            .revoke(reason: "再次", decisionNumber: "X"), as: Actors.head, rule: "certificate.already-revoked")
        #expect(twice?.message.contains("2027年1月5日") == true)
        s.refuse(.issue(Self.details), as: Actors.clerk, rule: "certificate.invalid-transition")
        #expect(s.replayed == s.state)
        #expect(s.events.map(\.name) == ["issued", "revoked"])
    }

    @Test func refusals() {
        let empty = Stream<M>()
        for actor in Actors.all where ![.officeClerk, .officeHead].contains(actor.role) {
            empty.refuse(.issue(Self.details), as: actor, rule: "certificate.role-not-allowed")
        }
        var noCode = Self.details
        noCode.verificationCode = ""
        empty.refuse(.issue(noCode), as: Actors.clerk, rule: "certificate.verification-code-missing")
        var noNumber = Self.details
        noNumber.number = " "
        empty.refuse(.issue(noNumber), as: Actors.clerk, rule: "certificate.number-missing")
        var noApproval = Self.details
        noApproval.approvalDocumentNumber = ""
        empty.refuse(.issue(noApproval), as: Actors.clerk, rule: "certificate.approval-missing")
        let r = empty.refuse(
            .revoke(reason: "x", decisionNumber: "y"), as: Actors.head, rule: "certificate.invalid-transition")
        #expect(r?.message.contains("未发证") == true)
        let s = Self.issued()
        s.refuse(.issue(Self.details), as: Actors.clerk, rule: "certificate.invalid-transition")
        for actor in Actors.all where actor.role != .officeHead {
            s.refuse(.revoke(reason: "x", decisionNumber: "y"), as: actor, rule: "certificate.role-not-allowed")
        }
        s.refuse(.revoke(reason: "", decisionNumber: "y"), as: Actors.head, rule: "certificate.reason-missing")
        s.refuse(.revoke(reason: "x", decisionNumber: ""), as: Actors.head, rule: "certificate.decision-number-missing")
    }

    @Test func codable() throws {
        var s = Self.issued()
        s.run(.revoke(reason: "x", decisionNumber: "y"), as: Actors.head)
        for e in s.events {
            #expect(try JSONDecoder().decode(CertificateEvent.self, from: JSONEncoder().encode(e)) == e)
        }
        #expect(try JSONDecoder().decode(CertificateState.self, from: JSONEncoder().encode(s.state)) == s.state)
    }
}

@Suite struct UnitStandingMachineTests {
    typealias M = UnitStandingMachine

    @Test func suspendedForTwoYearsThenNormalAgainByTick() {
        var s = Stream<M>()
        s.today = day("2026-05-11")
        #expect(M.status(of: s.state) == "normal" && !M.isSuspended(s.state, on: s.today))
        s.run(.suspend(reason: "提供虚假证明", decisionNumber: "焦人社〔2026〕8号"), as: Actors.head)
        // `until` is the first day the unit's title work resumes: two years on, to the day.
        #expect(M.suspendedUntil(s.state) == day("2028-05-11"))
        #expect(M.isSuspended(s.state, on: day("2026-05-11")))
        #expect(M.isSuspended(s.state, on: day("2028-05-10")))
        #expect(!M.isSuspended(s.state, on: day("2028-05-11")))
        #expect(!M.isSuspended(s.state, on: day("2026-05-10")))
        s.today = day("2028-05-10")
        let early = s.refuse(.expire, as: Actors.system, rule: "unit.suspension-not-ended")
        #expect(early?.message.contains("2028年5月10日止，2028年5月11日起恢复") == true, "\(early?.message ?? "")")
        s.refuse(.tick, as: Actors.system, rule: "unit.nothing-due")
        #expect(M.dueCommand(s.state, today: s.today) == nil)
        s.today = day("2028-05-11")
        #expect(M.dueCommand(s.state, today: s.today) == .expire)
        s.refuse(.tick, as: Actors.head, rule: "unit.role-not-allowed")
        s.run(.tick, as: Actors.system)
        #expect(s.state.status == .normal && s.state.history.count == 1)
        #expect(M.suspendedUntil(s.state) == nil)
        #expect(s.replayed == s.state)
    }

    @Test func liftedByTheOfficeHead() {
        var s = Stream<M>()
        s.run(.suspend(reason: "r", decisionNumber: "d", years: 1), as: Actors.head)  // 2026-03-02
        #expect(M.suspendedUntil(s.state) == day("2027-03-02"))
        s.refuse(.lift(reason: "x"), as: Actors.clerk, rule: "unit.role-not-allowed")
        s.refuse(.lift(reason: ""), as: Actors.head, rule: "unit.reason-missing")
        s.today = day("2026-06-01")
        s.run(.lift(reason: "行政复议撤销原决定"), as: Actors.head)
        #expect(!M.isSuspended(s.state, on: day("2026-06-02")))
        // Free from the day of the lifting: that day is the suspension's new end.
        #expect(s.state.history.last?.until == day("2026-06-01"))
        s.refuse(.lift(reason: "x"), as: Actors.head, rule: "unit.invalid-transition")
        s.refuse(.expire, as: Actors.system, rule: "unit.invalid-transition")
        #expect(s.replayed == s.state)
    }

    @Test func aSecondSuspensionRunsToTheLaterEnd() {
        var s = Stream<M>()
        s.run(.suspend(reason: "r", decisionNumber: "d", years: 2), as: Actors.head)
        s.today = day("2026-04-01")
        s.run(.suspend(reason: "r2", decisionNumber: "d2", years: 1), as: Actors.head)
        #expect(M.suspendedUntil(s.state) == day("2028-03-02"))
        #expect(M.isSuspended(s.state, on: day("2028-03-01")))
        #expect(!M.isSuspended(s.state, on: day("2028-03-02")))
    }

    @Test func refusals() {
        let s = Stream<M>()
        for actor in Actors.all where actor.role != .officeHead {
            s.refuse(.suspend(reason: "r", decisionNumber: "d"), as: actor, rule: "unit.role-not-allowed")
        }
        s.refuse(.suspend(reason: "", decisionNumber: "d"), as: Actors.head, rule: "unit.reason-missing")
        s.refuse(.suspend(reason: "r", decisionNumber: ""), as: Actors.head, rule: "unit.decision-number-missing")
        s.refuse(.suspend(reason: "r", decisionNumber: "d", years: 0), as: Actors.head, rule: "unit.years-invalid")
        let r = s.refuse(.expire, as: Actors.system, rule: "unit.invalid-transition")
        #expect(r?.message.contains("正常") == true)
        s.refuse(.expire, as: Actors.head, rule: "unit.role-not-allowed")
    }
}

@Suite struct PersonIntegrityMachineTests {
    typealias M = PersonIntegrityMachine

    @Test func recordedForThreeYearsThenClean() {
        var s = Stream<M>()
        s.today = day("2026-05-11")
        #expect(M.status(of: s.state) == "clean" && M.recordEnd(s.state) == nil)
        let d = s.run(.record(reason: "学历造假", basis: "焦职改〔2026〕30号"), as: Actors.head)
        #expect(
            d?.events == [
                .recorded(reason: "学历造假", basis: "焦职改〔2026〕30号", from: day("2026-05-11"), until: day("2029-05-11"))
            ])
        // `until` is the first day the person may apply again: three years on, to the day.
        #expect(M.recordEnd(s.state) == day("2029-05-11"))
        #expect(M.isRecorded(s.state, on: day("2029-05-10")) && !M.isRecorded(s.state, on: day("2029-05-11")))
        // The end feeds the application's blacklist gate, which names the day.
        var app = AppPaths.reach(.draft)
        app.today = day("2027-01-04")
        let refusal = app.refuse(
            AppPaths.submit(EligibilityFacts(blacklistedUntil: M.recordEnd(s.state))), as: Actors.applicant,
            rule: "application.blacklisted")
        #expect(refusal?.message.contains("2029年5月10日止，2029年5月11日起方可申报") == true)
        s.today = day("2029-05-10")
        s.refuse(.expire, as: Actors.system, rule: "person.record-not-ended")
        s.refuse(.tick, as: Actors.system, rule: "person.nothing-due")
        s.today = day("2029-05-11")
        #expect(M.dueCommand(s.state, today: s.today) == .expire)
        s.run(.tick, as: Actors.system)
        #expect(s.state.status == .clean && s.state.history.count == 1)
        #expect(M.dueCommand(s.state, today: s.today) == nil)
        #expect(s.replayed == s.state)
    }

    @Test func yearsComeFromThePolicy() {
        var s = Stream<M>()
        s.rules.policy.blacklistYears = 5
        s.today = day("2024-02-29")
        s.rules = Rules.plain(year: 2024)
        s.rules.policy.blacklistYears = 5
        s.run(.record(reason: "r", basis: "b"), as: Actors.head)
        #expect(M.recordEnd(s.state) == day("2029-02-28"))  // 29 Feb → 28 Feb 2029, free from that day
        s.today = day("2025-01-01")
        s.run(.record(reason: "r2", basis: "b2", years: 1), as: Actors.head)
        #expect(M.recordEnd(s.state) == day("2029-02-28"))
    }

    @Test func refusals() {
        let s = Stream<M>()
        for actor in Actors.all where actor.role != .officeHead {
            s.refuse(.record(reason: "r", basis: "b"), as: actor, rule: "person.role-not-allowed")
        }
        s.refuse(.record(reason: "", basis: "b"), as: Actors.head, rule: "person.reason-missing")
        s.refuse(.record(reason: "r", basis: ""), as: Actors.head, rule: "person.basis-missing")
        s.refuse(.record(reason: "r", basis: "b", years: 0), as: Actors.head, rule: "person.years-invalid")
        s.refuse(.expire, as: Actors.system, rule: "person.invalid-transition")
        s.refuse(.tick, as: Actors.clerk, rule: "person.role-not-allowed")
    }
}
