import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// The inbox 站内消息: the steps of an application put messages in the inboxes of the people
/// they concern (written by the store with the step, whoever runs it), read on `/messages` with
/// the unread count in the header; one's own messages only.
@Suite struct InboxTests {
    @Test func submissionTellsTheApplicantAndOnlyTheOwnUnit() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            let inbox = try await applicant.get("/messages")
            #expect(inbox.status == .ok)
            #expect(inbox.body.contains("申报已提交"))
            #expect(inbox.body.contains("您的职称申报（申报编号 A-1，工程师）已于2026年3月2日提交，等待用人单位审核推荐。"))
            #expect(inbox.body.contains("共1条消息，其中1条未读。"))
            #expect(inbox.body.contains("1条未读"))
            #expect(!inbox.body.contains("B-1"))
            #expect(try xmllintProblems(inbox.body) == "")

            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let unit = try await hr.get("/messages")
            #expect(unit.body.contains("新的职称申报待审核"))
            #expect(unit.body.contains("本单位人员于2026年3月2日提交了职称申报（申报编号 A-1，工程师），请进行单位内部公示并审核推荐。"))
            #expect(unit.body.contains(#"value="/unit/applications/A-1""#))
            #expect(!unit.body.contains("B-1"))

            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let office = try await clerk.get("/messages")
            #expect(office.status == .ok)
            #expect(office.body.contains("暂无消息"))

            var stranger = TestBrowser(client)
            let visitor = try await stranger.get("/messages")
            #expect(visitor.status == .found || visitor.status == .seeOther)
        }
    }

    @Test func correctionRequestNamesTheFieldsAndMarkingReadCountsDown() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let done = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/correction",
                [("field", "photo"), ("field", "current_title_date"), ("other", "单位推荐意见须加盖公章")])
            #expect(done.status == .seeOther)
            let deadline = try #require(try s.state("A-1").correction?.deadline)

            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            let inbox = try await applicant.get("/messages")
            // submitted, unit notice, recommended, correction: newest first.
            #expect(inbox.body.contains("共4条消息，其中4条未读。"))
            #expect(inbox.body.contains("4条未读"))
            let correction = try #require(inbox.body.range(of: "请补正申报材料"))
            let submitted = try #require(inbox.body.range(of: "申报已提交"))
            #expect(correction.lowerBound < submitted.lowerBound)
            #expect(
                inbox.body.contains(
                    "需补正的内容：现职称取得时间；附件：近期免冠照片；单位推荐意见须加盖公章。请在\(deadline.chinese)前补正，逾期未补正的，申报失效。"))

            // 查看详情 marks it read and goes to the application's page.
            let id = try #require(try s.store.messages(for: .person("P-A-1")).first?.id)
            let open = try await applicant.post("/messages/\(id)/read", [("next", "/apply/A-1")])
            #expect(open.status == .seeOther)
            #expect(open.location == "/apply/A-1")
            let after = try await applicant.get("/messages")
            #expect(after.body.contains("共4条消息，其中3条未读。"))
            #expect(after.body.contains("3条未读"))

            // Another person's message cannot be marked read.
            let other = try #require(try s.store.messages(for: .person("P-B-1")).first?.id)
            _ = try await applicant.post("/messages/\(other)/read", [])
            #expect(try s.store.messageCounts(for: .person("P-B-1")).unread == 1)
            // Without the form's token nothing happens.
            let forged = try await applicant.post("/messages/read", [], withToken: false)
            #expect(forged.status == .forbidden)
            #expect(try s.store.messageCounts(for: .person("P-A-1")).unread == 3)

            _ = try await applicant.get("/messages")
            let all = try await applicant.post("/messages/read", [])
            #expect(all.status == .seeOther)
            let read = try await applicant.get("/messages")
            #expect(read.body.contains("共4条消息，其中0条未读。"))
            #expect(!read.body.contains("条未读</span>"))
        }
    }

    @Test func resultNoticeConfirmationAndSeatedExperts() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .confirmed)
        let subjects = try s.store.messages(for: .person("P-A-1"), limit: 100).map(\.subject)
        #expect(subjects.contains("申报已受理"))
        #expect(subjects.contains("评审结果：通过"))
        #expect(subjects.contains("评审结果公示"))
        #expect(subjects.contains("公示期满"))
        #expect(subjects.contains("取得资格"))
        let session = try #require(try s.store.load(CommitteeSessionMachine.self, id: "S-A-1")?.state)
        for member in session.members {
            let messages = try s.store.messages(for: .expert(member.id))
            #expect(messages.map(\.subject) == ["评审会议邀请"], "\(member.id)")
            #expect(messages.first?.body.contains("会议编号 S-A-1") == true)
            #expect(messages.first?.link == "/expert/sessions/S-A-1")
        }
        for alternate in session.alternates {
            #expect(try s.store.messages(for: .expert(alternate.id)).isEmpty)
        }
    }
}
