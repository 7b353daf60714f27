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
