import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// The unit HR console: its own applications only, unit notice, recommendation (refused until
/// the notice has run), return to the applicant; CSRF and roles.
@Suite struct UnitConsoleTests {
    @Test func listsOnlyTheUnitsApplicationsAndHidesOthersAs404() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let home = try await hr.get("/unit")
            #expect(home.status == .ok)
            #expect(home.body.contains("A-1") && home.body.contains("A-2"))
            #expect(!home.body.contains("B-1"))
            #expect(home.body.contains("单位审核 2"))
            #expect(try xmllintProblems(home.body) == "")
            let filtered = try await hr.get("/unit?status=unit-review")
            #expect(filtered.body.contains("A-1"))
            #expect(try await hr.get("/unit/applications/B-1").status == .notFound)
            #expect(try await hr.post("/unit/applications/B-1/notice", []).status == .notFound)
            let page = try await hr.get("/unit/applications/A-1")
            #expect(page.status == .ok)
            #expect(page.body.contains("张") && page.body.contains("工程技术"))
            #expect(page.body.contains("开始单位公示"))
            #expect(try xmllintProblems(page.body) == "")

            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/unit").status == .forbidden)
        }
    }

    @Test func noticeThenRecommendRefusedUntilTheNoticeHasRun() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            _ = try await hr.get("/unit/applications/A-1")
            let noCSRF = try await hr.post("/unit/applications/A-1/notice", [], withToken: false)
            #expect(noCSRF.status == .forbidden)
            #expect(try s.state("A-1").stage == .unitReview)

            let started = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/notice", [])
            #expect(started.status == .seeOther)
            #expect(try s.state("A-1").stage == .unitNotice)
            let page = try await hr.get(started.location!)
            #expect(page.body.contains("已开始单位公示"))
            #expect(page.body.contains("最早可于"))

            let early = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/recommend", [])
            #expect(early.status == .conflict)
            #expect(early.body.contains("不足5个工作日"))
            #expect(try s.state("A-1").stage == .unitNotice)

            s.now.set(try s.workingDays(5, after: ConsoleScenario.start))
            let done = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/recommend", [])
            #expect(done.status == .seeOther)
            #expect(try s.state("A-1").stage == .qualificationReview)
            let history = try await hr.get("/unit/applications/A-1")
            #expect(history.body.contains("单位推荐"))
            #expect(!history.body.contains("action=\"/unit/applications/A-1/recommend\""))
        }
    }

    /// 批量推荐: the applications whose notice has run are offered as a list; each is recommended
    /// in its own transaction, another unit's id is unknown, and the page says what happened.
    @Test func recommendAListOfApplicationsWhoseNoticeHasRun() async throws {
        let s = try await ConsoleScenario.make(applications: 3)
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            for id in ["A-1", "A-2"] {
                let started = try await hr.submit("/unit/applications/\(id)", "/unit/applications/\(id)/notice", [])
                #expect(started.status == .seeOther)
            }
            let early = try await hr.get("/unit/recommend")
            #expect(early.status == .ok)
            #expect(early.body.contains("暂无公示期满、可以推荐的申报") && early.body.contains("公示未满的申报"))
            #expect(try xmllintProblems(early.body) == "")

            s.now.set(try s.workingDays(5, after: ConsoleScenario.start))
            let ready = try await hr.get("/unit/recommend")
            #expect(ready.body.contains("value=\"A-1\"") && ready.body.contains("value=\"A-2\""))
            #expect(!ready.body.contains("value=\"A-3\""))  // still in unit review: no notice yet
            let nothing = try await hr.post("/unit/recommend", [])
            #expect(nothing.status == .badRequest)
            let done = try await hr.post("/unit/recommend", [("id", "A-1"), ("id", "A-2"), ("id", "B-1")])
            #expect(done.status == .ok)
            #expect(done.body.contains("推荐结果：2 件已推荐，1 件未推荐"))
            #expect(done.body.contains("未找到该申报"))
            #expect(try xmllintProblems(done.body) == "")
            #expect(try s.state("A-1").stage == .qualificationReview)
            #expect(try s.state("A-2").stage == .qualificationReview)
            #expect(try s.state("B-1").stage != .qualificationReview)

            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/unit/recommend").status == .forbidden)
        }
    }

    @Test func returnNeedsAReasonAndGoesBackToDraft() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let blank = try await hr.submit(
                "/unit/applications/A-1", "/unit/applications/A-1/return", [("reason", " ")])
            #expect(blank.status == .conflict)
            let returned = try await hr.submit(
                "/unit/applications/A-1", "/unit/applications/A-1/return", [("reason", "代表作附件不清晰")])
            #expect(returned.status == .seeOther)
            let state = try s.state("A-1")
            #expect(state.stage == .draft)
            #expect(state.unitReturnReason == "代表作附件不清晰")
            // A stale page (the version it showed) is refused rather than acting twice.
            let stale = try await hr.post("/unit/applications/A-1/notice", [("version", "2")])
            #expect(stale.status == .conflict)
        }
    }
}
