import Domain
import Foundation
import Store
import Testing
import Workflow

@testable import WebApp

/// Issue 14: internals not leaked — rule ids only in a `<details>` element, full-width
/// punctuation in Chinese sentences, Beijing time.
@Suite struct ChineseTextTests {
    @Test func asciiPunctuationInChineseSentencesBecomesFullWidth() {
        #expect(ChineseText.fullWidth("单位须先进行单位内部公示,公示期满后方可推荐") == "单位须先进行单位内部公示，公示期满后方可推荐")
        #expect(ChineseText.fullWidth("格式: PDF;大小不超过10MB") == "格式：PDF；大小不超过10MB")
        #expect(ChineseText.fullWidth("人数有误(应为2,实为0)") == "人数有误（应为2，实为0）")
        #expect(ChineseText.fullWidth("上限 2,000 元，10:30 开会") == "上限 2,000 元，10:30 开会")
        #expect(ChineseText.fullWidth("plain (ASCII), text: kept") == "plain (ASCII), text: kept")
        #expect(ChineseText.fullWidth("已是全角，不变。") == "已是全角，不变。")
    }

    @Test func aRefusalSaysWhatInChineseAndKeepsTheRuleInDetails() throws {
        let error = WebError.refused(rule: "application.unit-notice-missing", message: "单位须先进行单位内部公示,公示期满后方可推荐")
        #expect(!error.message.contains("application.unit-notice-missing"))
        #expect(!error.heading.contains("application."))
        #expect(error.message == "单位须先进行单位内部公示，公示期满后方可推荐。本次操作未保存。")
        #expect(error.rule == "application.unit-notice-missing")
        #expect(WebError.notFound.rule == nil)
    }

    @Test func theRefusalPageShowsTheRuleOnlyInADetailsElement() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            // Recommending before the unit notice: the machine refuses with its rule.
            let refused = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/recommend", [])
            #expect(refused.status == .conflict)
            #expect(try xmllintProblems(refused.body) == "")
            let body = refused.body
            let details = try #require(body.range(of: "<details"))
            let rule = try #require(body.range(of: "application.unit-notice-missing"))
            #expect(details.lowerBound < rule.lowerBound, "the rule id sits inside <details>")
            let heading = try #require(body.range(of: "<h1>")).upperBound
            let headingEnd = try #require(body.range(of: "</h1>")).lowerBound
            #expect(!body[heading..<headingEnd].contains("."))
            #expect(body.contains("公示，公示期满后方可推荐。本次操作未保存。"))
        }
    }

    @Test func documentDatesAndDraftTimesAreBeijingTime() {
        // 17:30 UTC on 2 March is 01:30 on 3 March in Beijing (the stored timestamps' form).
        let stored = Timestamp.format(Date(timeIntervalSince1970: 1_772_472_600))
        #expect(stored.hasPrefix("2026-03-02T17:30"))
        #expect(WebServices.beijingTime(stored) == "2026-03-03 01:30")
    }
}
