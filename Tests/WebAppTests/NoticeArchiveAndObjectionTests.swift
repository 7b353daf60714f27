import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// 往期公示 (ended notice batches, searchable, each list marked 已结束), the objection form on a
/// current notice (the period, a receipt number from the counter, the per-address limit, the
/// CSRF token and Origin) and the office's objection queue (register → the application's
/// investigation; dismiss with a reason; office roles only), on a fresh store through the router.
@Suite("Past notices and online objections")
struct NoticeArchiveAndObjectionTests {
    /// The text a reader sees: tags dropped, entities of the escaper undone.
    static func text(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    static let facts = "申报人代表作系他人成果，署名存在争议，原稿可证。"

    /// The person's name and full ID number, from the store.
    func person(_ s: ConsoleScenario, _ id: String) throws -> PersonRecord {
        try #require(try s.store.person(try s.state(id).profile!.personID))
    }

    @Test func pastNoticesListEndedBatchesSearchableAndMarkedEnded() async throws {
        let s = try await ConsoleScenario.make(applications: 1)
        try s.drive("A-1", to: .publicNotice, batch: "N2026-01")
        let firstEnd = try s.state("A-1").notice!.end
        try s.drive("A-1", to: .awaitingConfirmation)
        try s.drive("B-1", to: .publicNotice, batch: "N2026-02")
        let a = try person(s, "A-1")
        let b = try person(s, "B-1")
        try await s.withApp { client in
            let current = try await get(client, "/notices")
            let currentText = Self.text(current.body)
            #expect(currentText.contains("N2026-02") && currentText.contains(b.name))
            #expect(!currentText.contains("N2026-01") && !currentText.contains(a.name))
            #expect(current.body.contains("href=\"/notices/past\""))

            let past = try await get(client, "/notices/past")
            #expect(past.status == .ok)
            #expect(try xmllintProblems(past.body) == "")
            let pastText = Self.text(past.body)
            #expect(pastText.contains("评审结果公示（批次 N2026-01）"))
            #expect(pastText.contains(firstEnd.chinese))
            #expect(pastText.contains("1 人"))
            #expect(!pastText.contains("N2026-02"), "a current notice is not past")
            #expect(!pastText.contains(a.name), "the list shows batches, not people")

            func batches(_ query: String) async throws -> String { Self.text(try await get(client, "/notices/past?" + query).body) }
            #expect(try await batches("q=" + encoded(a.name)).contains("N2026-01"))
            #expect(try await batches("q=" + encoded("焦作精密")).contains("N2026-01"))
            let other = try await batches("q=" + encoded(b.name))
            #expect(!other.contains("N2026-01") && other.contains("没有符合条件的往期公示"))
            #expect(try await batches("series=engineering&level=intermediate").contains("N2026-01"))
            #expect(!(try await batches("level=deputy-senior").contains("N2026-01")))
            #expect(try await batches("year=2026").contains("N2026-01"))
            #expect(!(try await batches("year=2025").contains("N2026-01")))
            #expect(!(try await batches("q=" + encoded(a.residentID.value)).contains("N2026-01")), "no search by ID number")

            let one = try await get(client, "/notices/N2026-01")
            #expect(one.status == .ok)
            #expect(try xmllintProblems(one.body) == "")
            let oneText = Self.text(one.body)
            #expect(oneText.contains("已结束") && oneText.contains(a.name) && oneText.contains(a.residentID.masked))
            #expect(!one.body.contains(a.residentID.value))
            #expect(!one.body.contains("/objection"), "no objection form on an ended notice")
            let open = try await get(client, "/notices/N2026-02")
            #expect(!Self.text(open.body).contains("已结束"))
            #expect(open.body.contains("href=\"/notices/N2026-02/objection\""))
        }
    }

    /// Three applications in notice in batch N2026-07 from the scenario's day.
    func inNotice() async throws -> ConsoleScenario {
        let s = try await ConsoleScenario.make(applications: 2)
        // All passed first, then the notice of all three from one day (driving moves the clock).
        for id in ["A-1", "A-2", "B-1"] { try s.drive(id, to: .passed) }
        for id in ["A-1", "A-2", "B-1"] { try s.drive(id, to: .publicNotice, batch: "N2026-07") }
        return s
    }

    /// The 序号 of `id` in the batch (the form's choice).
    func entry(_ s: ConsoleScenario, _ id: String) throws -> String {
        let entries = try #require(try s.store.noticeBatch("N2026-07")).entries
        return String(try #require(entries.firstIndex { $0.applicationID == id }) + 1)
    }

    func lodge(
        _ browser: inout TestBrowser, _ s: ConsoleScenario, _ id: String, facts: String = Self.facts,
        extraHeaders: HTTPFields = [:], withToken: Bool = true
    ) async throws -> TestBrowser.Page {
        _ = try await browser.get("/notices/N2026-07/objection")
        return try await browser.post(
            "/notices/N2026-07/objection",
            [("entry", try entry(s, id)), ("objector", "王五"), ("contact", "0391-1234567"), ("facts", facts)],
            withToken: withToken, extraHeaders: extraHeaders)
    }

    @Test func objectionFormTakesObjectionsInThePeriodWithAReceiptAndALimit() async throws {
        let s = try await inNotice()
        let end = try s.state("A-1").notice!.end
        let perHour = s.rules.policy.objections.perAddressPerHour
        var configuration = s.configuration
        configuration.clientAddressHeader = "X-Forwarded-For"
        try await WebFixture.get().withApp(configuration) { client in
            var visitor = TestBrowser(client)
            let form = try await visitor.get("/notices/N2026-07/objection")
            #expect(form.status == .ok)
            #expect(try xmllintProblems(form.body) == "")
            #expect(Self.text(form.body).contains(try person(s, "A-2").name))

            let taken = try await lodge(&visitor, s, "A-2")
            #expect(taken.status == .ok)
            let text = Self.text(taken.body)
            #expect(text.contains("异议已受理") && text.contains("YY-2026-00001"))
            #expect(text.contains(s.rules.policy.region.objectionContact))
            let stored = try #require(try s.store.load(ObjectionMachine.self, id: "YY-2026-00001")?.state)
            #expect(stored.stage == .received && stored.lodged?.applicationID == "A-2")
            #expect(stored.lodged?.objectorName == "王五" && stored.lodged?.facts == Self.facts)

            // No token, or a foreign Origin: refused, nothing stored.
            let noToken = try await lodge(&visitor, s, "A-1", withToken: false)
            #expect(noToken.status == .forbidden)
            let foreign = try await lodge(&visitor, s, "A-1", extraHeaders: [.origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            // Bad input names the field; refused ones do not count against the address.
            let short = try await lodge(&visitor, s, "A-1", facts: "不行")
            #expect(short.status == .conflict)
            #expect(Self.text(short.body).contains("异议事实"))
            _ = try await visitor.get("/notices/N2026-07/objection")
            let nobody = try await visitor.post(
                "/notices/N2026-07/objection", [("entry", "99"), ("objector", "王五"), ("contact", "1"), ("facts", Self.facts)])
            #expect(nobody.status == .badRequest)
            #expect(Self.text(nobody.body).contains("被反映人"))
            #expect(try s.store.streamIDs(ObjectionMachine.self) == ["YY-2026-00001"])

            // The rest of the hour's objections, then the limit.
            for n in 2...perHour {
                let r = try await lodge(&visitor, s, "A-1")
                #expect(r.status == .ok)
                #expect(Self.text(r.body).contains(ObjectionMachine.receiptNumber(year: 2026, sequence: n)))
            }
            let limited = try await lodge(&visitor, s, "B-1")
            #expect(limited.status == .conflict)
            #expect(Self.text(limited.body).contains("每小时最多在线提出\(perHour)件异议"))
            #expect(try s.store.streamIDs(ObjectionMachine.self).count == perHour)

            // After the last day: refused, naming it (a fresh address).
            s.now.set(end.adding(days: 1))
            var late = TestBrowser(client)
            let closed = try await late.get("/notices/N2026-07/objection")
            #expect(Self.text(closed.body).contains("已于\(end.chinese)结束"))
            #expect(!closed.body.contains("name=\"facts\""), "no form once the period is over")
            // (The visitor's token, from another address: not the hour's limit.)
            let refused = try await lodge(&visitor, s, "B-1", extraHeaders: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9"])
            #expect(refused.status == .conflict)
            #expect(Self.text(refused.body).contains(end.chinese))
            #expect(try s.store.streamIDs(ObjectionMachine.self).count == perHour)
        }
    }

    @Test func officeQueueRegistersAgainstTheApplicationOrDismissesWithAReason() async throws {
        let s = try await inNotice()
        let end = try s.state("A-1").notice!.end
        try await s.withApp { client in
            var visitor = TestBrowser(client)
            for id in ["A-1", "A-2", "B-1"] { #expect(try await lodge(&visitor, s, id).status == .ok) }

            // Only office clerks and heads.
            for name in ["applicant1", "hr1", "expert", "auditor"] {
                var other = TestBrowser(client)
                try await other.signIn(name)
                #expect(try await other.get("/office/objections").status == .forbidden, "\(name)")
                #expect(try await other.post("/office/objections/YY-2026-00001/register", [:]).status == .forbidden)
            }
            #expect(try await visitor.post("/office/objections/YY-2026-00001/register", [:]).status == .unauthorized)
            #expect(try s.store.load(ObjectionMachine.self, id: "YY-2026-00001")?.state.stage == .received)

            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let queue = try await clerk.get("/office/objections")
            #expect(queue.status == .ok)
            #expect(try xmllintProblems(queue.body) == "")
            let listed = Self.text(queue.body)
            let newest = try #require(listed.range(of: "YY-2026-00003"))
            let oldest = try #require(listed.range(of: "YY-2026-00001"))
            #expect(newest.lowerBound < oldest.lowerBound, "newest first")
            #expect(listed.contains("待处理 3"))
            #expect(try await clerk.get("/office").body.contains("href=\"/office/objections\""))

            // Registered: the application's investigation, with the receipt number as its id.
            let page = try await clerk.get("/office/objections/YY-2026-00001")
            #expect(try xmllintProblems(page.body) == "")
            #expect(Self.text(page.body).contains(Self.facts))
            let registered = try await clerk.post("/office/objections/YY-2026-00001/register", [:])
            #expect(registered.status == .seeOther)
            #expect(try s.state("A-1").stage == .investigation)
            #expect(try s.state("A-1").openObjections.map(\.objectionID) == ["YY-2026-00001"])
            let application = try await clerk.get("/office/applications/A-1")
            #expect(Self.text(application.body).contains("YY-2026-00001"))
            #expect(!Self.text(application.body).contains("王五"), "who objected stays in the queue")
            let again = try await clerk.submit(
                "/office/objections/YY-2026-00001", "/office/objections/YY-2026-00001/register", [])
            #expect(again.status == .conflict)

            // Dismissed: a reason is required and recorded with who and when.
            let noReason = try await clerk.submit(
                "/office/objections/YY-2026-00002", "/office/objections/YY-2026-00002/dismiss", [("reason", "")])
            #expect(noReason.status == .badRequest)
            let dismissed = try await clerk.submit(
                "/office/objections/YY-2026-00002", "/office/objections/YY-2026-00002/dismiss",
                [("reason", "无具体事实或线索"), ("detail", "未指明具体成果")])
            #expect(dismissed.status == .seeOther)
            let record = try #require(try s.store.load(ObjectionMachine.self, id: "YY-2026-00002")?.state)
            #expect(record.stage == .dismissed && record.reason == "无具体事实或线索：未指明具体成果")
            #expect(record.handledBy != nil && record.handledOn == s.now.today)
            #expect(try s.state("A-2").stage == .publicNotice)
            #expect(Self.text(try await clerk.get("/office/objections/YY-2026-00002").body).contains("未指明具体成果"))

            // B-1's objection, not yet handled, holds its notice past the last day; A-2's ends.
            s.now.set(end.adding(days: 1))
            try s.store.runDeadlines(rules: s.rules, now: s.now.now)
            #expect(try s.state("A-2").stage == .awaitingConfirmation)
            #expect(try s.state("B-1").stage == .publicNotice)
            // Nor can a clerk end it by hand while the objection waits.
            let byHand = try await clerk.submit("/office/applications/B-1", "/office/applications/B-1/conclude", [])
            #expect(byHand.status == .conflict)
            #expect(Self.text(byHand.body).contains("YY-2026-00003"))
            #expect(try s.state("B-1").stage == .publicNotice)
            // Registered after the last day: it was received within the period.
            let late = try await clerk.submit(
                "/office/objections/YY-2026-00003", "/office/objections/YY-2026-00003/register", [])
            #expect(late.status == .seeOther)
            #expect(try s.state("B-1").stage == .investigation)
            #expect(try s.store.audit().problems.isEmpty)
        }
    }
}
