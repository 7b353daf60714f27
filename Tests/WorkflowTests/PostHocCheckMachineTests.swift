import Domain
import Foundation
import Testing

@testable import Workflow

@Suite struct PostHocCheckMachineTests {
    typealias M = PostHocCheckMachine
    static let subject = CheckSubject(
        applicationID: "A-001", certificateNumber: "41082026080300001", personID: "p-zhang", unitID: "unit-1")
    static let finding = FalsificationFinding(
        proof: "任职年限证明", unitSuppliedFalseProof: true, details: "单位出具的任职年限证明与档案不符",
        revocationDecisionNumber: "焦职改〔2026〕30号", unitDecisionNumber: "焦人社〔2026〕9号")

    static func open() -> Stream<M> {
        var s = Stream<M>()
        s.run(.openSampled(subject: subject, seed: 77, percent: 10), as: Actors.clerk)
        return s
    }

    @Test func sampleIsDeterministicAndSized() {
        let ids = (1...95).map { "A-\($0)" }
        let a = M.sample(applicationIDs: ids, percent: 10, seed: 5)
        #expect(a.count == 10)  // 9.5 rounded up
        #expect(a == M.sample(applicationIDs: ids.reversed(), percent: 10, seed: 5))
        #expect(a == a.sorted() && Set(a).isSubset(of: Set(ids)))
        let seeds = Set((0..<8).map { M.sample(applicationIDs: ids, percent: 10, seed: UInt64($0)) })
        #expect(seeds.count == 8)
        #expect(M.sample(applicationIDs: ids, percent: 0, seed: 5).isEmpty)
        #expect(M.sample(applicationIDs: ids, percent: 100, seed: 5).count == 95)
        #expect(M.sample(applicationIDs: ["A-1", "A-2"], percent: 10, seed: 5).count == 1)
        #expect(M.sample(applicationIDs: [], percent: 10, seed: 5).isEmpty)
        #expect(M.sample(applicationIDs: ids, percent: Rules.real.policy.postHocSamplePercent, seed: 5) == a)
    }

    @Test func sampledCheckConfirmed() {
        var s = Self.open()
        #expect(s.state.stage == .open && s.state.origin == .sampled(seed: 77, percent: 10))
        #expect(M.status(of: s.state) == "open")
        s.refuse(.confirm(note: "x"), as: Actors.head, rule: "check.role-not-allowed")
        s.run(.confirm(note: "学历、任职年限均已在线核验"), as: Actors.auditor)
        #expect(s.state.stage == .confirmed)
        #expect(M.consequences(of: s.state, actor: Actors.head) == nil)
        s.refuse(.falsify(Self.finding), as: Actors.head, rule: "check.invalid-transition")
        #expect(s.replayed == s.state)
    }

    @Test func falsifiedByTheUnitPlansAllThreeConsequences() {
        var s = Stream<M>()
        s.run(.openTargeted(subject: Self.subject, reason: "群众举报"), as: Actors.head)
        #expect(s.state.origin == .targeted(reason: "群众举报"))
        s.refuse(.falsify(Self.finding), as: Actors.clerk, rule: "check.role-not-allowed")
        s.today = day("2026-06-01")
        let d = s.run(.falsify(Self.finding), as: Actors.head)
        #expect(s.state.stage == .falsified)
        let plan = M.consequences(of: d!.events[0], subject: Self.subject, actor: Actors.head)!
        #expect(plan == M.consequences(of: s.state, actor: Actors.head))
        #expect(plan.revokeCertificate.streamID == "41082026080300001" && plan.revokeCertificate.kind == "certificate")
        #expect(plan.recordPerson.streamID == "p-zhang" && plan.recordPerson.kind == "person")
        #expect(plan.suspendUnit?.streamID == "unit-1" && plan.suspendUnit?.kind == "unit")

        // Run the plan through the three machines, as the store does in one transaction.
        var cert = CertificateMachineTests.issued()
        cert.today = s.today
        let revoked = cert.run(plan.revokeCertificate.command, as: plan.revokeCertificate.actor)
        #expect(revoked?.documents.map(\.kind) == [.revocationDecision])
        #expect(cert.state.revocation?.decisionNumber == "焦职改〔2026〕30号")
        var person = Stream<PersonIntegrityMachine>()
        person.today = s.today
        person.run(plan.recordPerson.command, as: plan.recordPerson.actor)
        #expect(PersonIntegrityMachine.recordEnd(person.state) == day("2029-06-01"))  // 3 years: free from
        var unit = Stream<UnitStandingMachine>()
        unit.today = s.today
        unit.run(plan.suspendUnit!.command, as: plan.suspendUnit!.actor)
        #expect(UnitStandingMachine.suspendedUntil(unit.state) == day("2028-06-01"))  // 2 years: free from
        #expect(unit.state.suspension?.decisionNumber == "焦人社〔2026〕9号")
    }

    @Test func falsifiedByTheApplicantAloneLeavesTheUnitAlone() {
        var s = Self.open()
        var f = Self.finding
        f.unitSuppliedFalseProof = false
        f.unitDecisionNumber = nil
        s.run(.falsify(f), as: Actors.head)
        let plan = M.consequences(of: s.state, actor: Actors.head)
        #expect(plan != nil && plan?.suspendUnit == nil)
        #expect(M.consequences(of: .confirmed(note: "", on: s.today), subject: Self.subject, actor: Actors.head) == nil)
    }

    @Test func refusals() {
        let empty = Stream<M>()
        for actor in Actors.all where ![.officeClerk, .auditor].contains(actor.role) {
            empty.refuse(
                .openSampled(subject: Self.subject, seed: 1, percent: 10), as: actor, rule: "check.role-not-allowed")
        }
        for actor in Actors.all where ![.officeClerk, .officeHead, .auditor].contains(actor.role) {
            empty.refuse(.openTargeted(subject: Self.subject, reason: "r"), as: actor, rule: "check.role-not-allowed")
        }
        empty.refuse(
            .openSampled(subject: Self.subject, seed: 1, percent: 0), as: Actors.clerk, rule: "check.percent-invalid")
        empty.refuse(.openTargeted(subject: Self.subject, reason: ""), as: Actors.clerk, rule: "check.reason-missing")
        var partial = Self.subject
        partial.certificateNumber = ""
        empty.refuse(.openTargeted(subject: partial, reason: "r"), as: Actors.clerk, rule: "check.subject-incomplete")
        empty.refuse(.confirm(note: "x"), as: Actors.clerk, rule: "check.invalid-transition")
        empty.refuse(.falsify(Self.finding), as: Actors.head, rule: "check.invalid-transition")
        let s = Self.open()
        s.refuse(
            .openSampled(subject: Self.subject, seed: 1, percent: 10), as: Actors.clerk,
            rule: "check.invalid-transition")
        var f = Self.finding
        f.unitDecisionNumber = nil
        s.refuse(.falsify(f), as: Actors.head, rule: "check.unit-decision-number-missing")
        f = Self.finding
        f.proof = ""
        s.refuse(.falsify(f), as: Actors.head, rule: "check.proof-missing")
        f = Self.finding
        f.revocationDecisionNumber = ""
        s.refuse(.falsify(f), as: Actors.head, rule: "check.decision-number-missing")
        f = Self.finding
        f.details = ""
        s.refuse(.falsify(f), as: Actors.head, rule: "check.details-missing")
    }

    @Test func codable() throws {
        var s = Self.open()
        s.run(.falsify(Self.finding), as: Actors.head)
        #expect(s.events.map(\.name) == ["opened", "falsified"])
        for e in s.events {
            #expect(try JSONDecoder().decode(PostHocCheckEvent.self, from: JSONEncoder().encode(e)) == e)
        }
        #expect(try JSONDecoder().decode(PostHocCheckState.self, from: JSONEncoder().encode(s.state)) == s.state)
    }
}
