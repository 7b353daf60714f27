import Domain
import Testing

@testable import Workflow

/// The inbox's messages are built from events by pure functions: who is told, what, and the page.
@Suite struct InboxMessageTests {
    let profile = ApplicationProfile(
        applicationID: "A-7", personID: "P-7", unitID: "U-3", series: .engineering, level: .deputySenior)
    let day = Day(year: 2026, month: 5, day: 6)!

    @Test func submissionTellsTheApplicantAndTheUnit() {
        let pledge = PledgeRecord(signerID: "P-7", signedAt: day.startInstant, textHash: "a", dataHash: "b")
        let messages = Inbox.messages(applicationID: "A-7", profile: profile, event: .submitted(pledge: pledge, on: day))
        #expect(messages.map(\.recipient) == [.person("P-7"), .unit("U-3")])
        #expect(messages.map(\.link) == ["/apply/A-7", "/unit/applications/A-7"])
        #expect(messages[0].body == "您的职称申报（申报编号 A-7，高级工程师）已于2026年5月6日提交，等待用人单位审核推荐。")
    }

    @Test func refusalGivesTheReasonsAndSilentStepsSayNothing() {
        let refused = Inbox.messages(
            applicationID: "A-7", profile: profile, event: .refused(reasons: ["学历不符", "年限不足"], on: day))
        #expect(refused.map(\.subject) == ["申报不予受理"])
        #expect(refused[0].body.hasSuffix("理由：学历不符；年限不足。"))
        #expect(Inbox.messages(applicationID: "A-7", profile: profile, event: .archived(on: day)).isEmpty)
    }

    @Test func revocationTellsTheHolder() {
        var certificate = CertificateState()
        certificate.details = CertificateDetails(
            number: "Z-1", holderID: "P-7", holderName: "张三", applicationID: "A-7", series: .engineering,
            level: .deputySenior, approvalDocumentNumber: "焦〔2026〕1号", issuedOn: day, verificationCode: "X")
        let messages = Inbox.messages(
            certificate: certificate, event: .revoked(reason: "材料造假", decisionNumber: "焦撤〔2026〕2号", on: day))
        #expect(messages.map(\.recipient) == [.person("P-7")])
        #expect(messages[0].body.contains("证书编号 Z-1") && messages[0].body.contains("撤销原因：材料造假。"))
    }

    @Test func aReplacementExpertIsToldButNotTheOneWhoStoodDown() {
        var session = CommitteeSessionState()
        session.plan = SessionPlan(
            sessionID: "S-1", committeeID: "C-1", series: .engineering, level: .deputySenior, memberCount: 5,
            candidates: [], date: day, venue: "市人社局三楼会议室")
        let messages = Inbox.messages(
            sessionID: "S-1", session: session,
            event: .expertRecused(
                expertID: "E-1", reason: .sameUnit(applicationID: "A-7"), replacement: ExpertRef(id: "E-9", unitID: "U-9"), on: day))
        #expect(messages.map(\.recipient) == [.expert("E-9")])
        #expect(messages[0].body.contains("会议日期：2026年5月6日，地点：市人社局三楼会议室"))
    }
}
