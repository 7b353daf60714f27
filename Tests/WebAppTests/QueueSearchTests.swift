import Domain
import Foundation
import Store
import Testing
import Workflow

@testable import WebApp

/// Issue 14: search, filters and paging in the unit's and the office's queues, the unit's
/// pending items first, and 推荐 offered only once the unit notice has run.
@Suite struct QueueSearchTests {
    @Test func theStoreSearchesByNameIDNumberApplicationNumberAndUnit() async throws {
        let s = try await ConsoleScenario.make(applications: 3)
        try s.drive("A-2", to: .qualificationReview)
        func ids(_ q: ApplicationQuery) throws -> [String] { try s.store.applicationQueue(q).rows.map(\.id) }
        #expect(try ids(ApplicationQuery()) == ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"])
        #expect(try ids(ApplicationQuery(text: "张三")) == ["A-2"])  // names: A-1 张二, A-2 张三, A-3 张四
        let b1 = try #require(try s.store.person("P-B-1"))
        #expect(try ids(ApplicationQuery(text: b1.residentID.value)) == ["B-1"])
        #expect(try ids(ApplicationQuery(text: String(b1.residentID.value.suffix(6)).lowercased())) == ["B-1"])
        #expect(try ids(ApplicationQuery(text: "b-")) == ["B-1", "B-2", "B-3"])
        #expect(try ids(ApplicationQuery(text: "人民医院")) == ["B-1", "B-2", "B-3"])
        #expect(try ids(ApplicationQuery(text: "%")).isEmpty, "LIKE's wildcards are matched literally")
        #expect(try ids(ApplicationQuery(unit: "U-1", text: "李")).isEmpty)
        #expect(try ids(ApplicationQuery(statuses: [ApplicationStage.qualificationReview.rawValue])) == ["A-2"])
        #expect(try ids(ApplicationQuery(series: Series.engineering.rawValue, level: Level.intermediate.rawValue)).count == 6)
        #expect(try ids(ApplicationQuery(level: Level.fullSenior.rawValue)).isEmpty)
        // Paging: the total counts every match, the page holds `limit` from `offset`.
        let page = try s.store.applicationQueue(ApplicationQuery(unit: "U-1", offset: 2, limit: 2))
        #expect(page.total == 3)
        #expect(page.rows.map(\.id) == ["A-3"])
        // The statuses named first come first, then by number.
        let first = try ids(ApplicationQuery(unit: "U-1", first: [ApplicationStage.qualificationReview.rawValue]))
        #expect(first == ["A-2", "A-1", "A-3"])
        let row = try #require(try s.store.applicationQueue(ApplicationQuery(text: "A-2")).rows.first)
        #expect(row.personName == "张三")
        #expect(row.unitName == "焦作精密机械有限公司")
    }

    @Test func theOfficeQueueFiltersAndKeepsTheFilterInItsLinks() async throws {
        let s = try await ConsoleScenario.make(applications: 3)
        try s.drive("A-2", to: .qualificationReview)
        try s.drive("B-3", to: .qualificationReview)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            // By default: the applications waiting for 资格审核.
            let home = try await clerk.get("/office")
            #expect(home.status == .ok)
            #expect(try xmllintProblems(home.body) == "")
            #expect(home.body.contains("A-2") && home.body.contains("B-3"))
            #expect(!home.body.contains(">A-1<"))
            #expect(home.body.contains("name=\"q\""))
            #expect(home.body.contains("共 2 件"))
            // Search across every status by name, unit, ID number.
            let byName = try await clerk.get("/office?q=%E6%9D%8E&status=all")  // 李
            #expect(byName.body.contains("共 3 件"))
            #expect(byName.body.contains(">B-1<") && byName.body.contains(">B-2<") && !byName.body.contains(">A-2<"))
            #expect(try xmllintProblems(byName.body) == "")
            #expect(byName.body.contains("<option value=\"all\" selected=\"selected\">全部状态</option>"))
            let id = try #require(try s.store.person("P-A-3")).residentID.value
            let byID = try await clerk.get("/office?status=all&q=\(id)")
            #expect(byID.body.contains("共 1 件") && byID.body.contains(">A-3<"))
            let byUnit = try await clerk.get("/office?q=%E7%B2%BE%E5%AF%86")  // 精密, default status
            #expect(byUnit.body.contains("共 1 件") && byUnit.body.contains(">A-2<"))
            let none = try await clerk.get("/office?status=all&level=full-senior")
            #expect(none.body.contains("没有符合条件的申报"))
            #expect(try xmllintProblems(none.body) == "")
            // Unknown values are ignored rather than refused.
            #expect(try await clerk.get("/office?status=nonsense&series=x&page=-3").status == .ok)
        }
    }

    @Test func filterLinksCarryTheFilter() {
        let filter = QueueFilter(text: "张 三", status: "all", series: .engineering, level: .intermediate, page: 1)
        #expect(filter.link("/office", page: 2) == "/office?q=%E5%BC%A0+%E4%B8%89&status=all&series=engineering&level=intermediate&page=2")
        #expect(QueueFilter().link("/unit", page: 1) == "/unit")
        #expect(filter.statuses(default: ["x"]).isEmpty)
        #expect(QueueFilter().statuses(default: ["x"]) == ["x"])
    }

    @Test func unitHRSeesItsPendingItemsFirst() async throws {
        let s = try await ConsoleScenario.make(applications: 3)
        try s.drive("A-1", to: .qualificationReview)
        try s.drive("A-2", to: .qualificationReview)
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let home = try await hr.get("/unit")
            #expect(try xmllintProblems(home.body) == "")
            let a3 = try #require(home.body.range(of: ">A-3<"))
            let a1 = try #require(home.body.range(of: ">A-1<"))
            #expect(a3.lowerBound < a1.lowerBound, "the one pending item comes first")
            #expect(home.body.contains("（待办）"))
            #expect(home.body.contains("待单位审核或公示中的申报 1 件"))
            let search = try await hr.get("/unit?q=%E5%BC%A0%E4%BA%8C")  // 张二
            #expect(search.body.contains("共 1 件") && search.body.contains(">A-1<"))
            let other = try await hr.get("/unit?q=%E6%9D%8E")  // 李: another unit's people
            #expect(other.body.contains("共 0 件"))
        }
    }

    @Test func recommendIsOfferedOnlyOnceTheNoticeHasRun() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let review = try await hr.get("/unit/applications/A-1")
            #expect(!review.body.contains("action=\"/unit/applications/A-1/recommend\""), "no 推荐 before the notice")
            let started = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/notice", [])
            #expect(started.status == .seeOther)
            let during = try await hr.get("/unit/applications/A-1")
            #expect(during.body.contains("最早可于"))
            #expect(!during.body.contains("action=\"/unit/applications/A-1/recommend\""), "no 推荐 during the notice")
            s.now.set(try s.workingDays(5, after: ConsoleScenario.start))
            let after = try await hr.get("/unit/applications/A-1")
            #expect(after.body.contains("action=\"/unit/applications/A-1/recommend\""))
            #expect(after.body.contains("可以推荐"))
            #expect(try xmllintProblems(after.body) == "")
        }
    }
}
