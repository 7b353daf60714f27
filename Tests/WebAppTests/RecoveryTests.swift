import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// Applicants' account recovery (issue 17 item 5): a code mailed to the confirmed address (the
/// mail as a real SMTP server received it), the same answer for an unknown account, single use,
/// rate limits; the office's code after checking identity; each reset an event in the log.
@Suite struct RecoveryTests {
    /// Waits (off the concurrency pool's threads: Task.sleep) until the sink has `count` mails.
    static func mails(_ sink: SMTPSink, count: Int) async throws -> [[String: Any]] {
        for _ in 0..<100 {
            let received = try sink.received()
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try sink.received()
    }

    static func code(in body: String, after label: String) -> String? {
        guard let range = body.range(of: label) else { return nil }
        return String(body[range.upperBound...].prefix { $0.isLetter || $0.isNumber })
    }

    @Test func aCodeMailedToTheConfirmedAddressSetsThePasswordOnce() async throws {
        let base = try await ConsoleScenario.make()
        let sink = try await SMTPSink()
        defer { sink.stop() }
        var configuration = base.configuration
        configuration.notifier = Notifier(configuration: NotifierTests.configuration(port: sink.port), store: base.store)
        let s = ConsoleScenario(
            store: base.store, rules: base.rules, dataDirectory: base.dataDirectory, now: base.now,
            configuration: configuration)
        try await s.withApp { client in
            // The applicant gives an address on the account page and confirms it with the mailed code.
            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            _ = try await applicant.get("/account")
            let bad = try await applicant.post("/account/email", [("email", "not an address")])
            #expect(bad.body.contains("电子邮箱“not an address”格式不正确"))
            _ = try await applicant.get("/account")
            let set = try await applicant.post("/account/email", [("email", "zhang1@example.com")])
            #expect(set.location == "/account?email=sent")
            let confirmation = try #require(try await Self.mails(sink, count: 1).first)
            #expect(confirmation["subject"] as? String == "【职称评审】电子邮箱验证码")
            let emailCode = try #require(Self.code(in: confirmation["body"] as! String, after: "验证码："))
            let page = try await applicant.get("/account?email=sent")
            #expect(page.body.contains("zhang1@example.com（未验证）"))
            #expect(try xmllintProblems(page.body) == "")
            let confirmed = try await applicant.post("/account/email/confirm", [("code", emailCode)])
            #expect(confirmed.location == "/account?email=confirmed")
            #expect(try await applicant.get("/account").body.contains("zhang1@example.com（已验证）"))

            // Forgot: a known account and an unknown one get the same page.
            var visitor = TestBrowser(client)
            let form = try await visitor.get("/password-reset/forgot")
            #expect(try xmllintProblems(form.body) == "")
            let known = try await visitor.post("/password-reset/forgot", [("who", "zhang1@example.com")])
            _ = try await visitor.get("/password-reset/forgot")
            let unknown = try await visitor.post("/password-reset/forgot", [("who", "nobody@example.com")])
            #expect(known.status == .ok && unknown.status == .ok)
            func notice(_ body: String) -> Substring? {
                body.range(of: #"<section class="notice" role="status" id="forgot-sent">"#).map {
                    body[$0.lowerBound...].prefix { $0 != "\n" }
                }
            }
            #expect(notice(known.body) != nil)
            #expect(notice(known.body) == notice(unknown.body))
            #expect(known.body.replacingOccurrences(of: visitor.csrf ?? "", with: "") == unknown.body.replacingOccurrences(of: visitor.csrf ?? "", with: ""))

            let mails = try await Self.mails(sink, count: 2)
            #expect(mails.count == 2)
            let reset = try #require(mails.last)
            #expect(reset["rcpt_tos"] as? [String] == ["zhang1@example.com"])
            #expect(reset["subject"] as? String == "【职称评审】密码重置码")
            let body = try #require(reset["body"] as? String)
            #expect(body.contains("请在30分钟内到“重置密码”页面输入用户名、重置码和新密码。重置码只能使用一次。"))
            let code = try #require(Self.code(in: body, after: "一次性重置码："))
            #expect(code.count == 12)

            _ = try await visitor.get("/password-reset")
            let done = try await visitor.post(
                "/password-reset", [("username", "applicant1"), ("code", code), ("password", "NewSecret2026x")])
            #expect(done.location == "/login?reset=1")
            _ = try await visitor.get("/password-reset")
            let again = try await visitor.post(
                "/password-reset", [("username", "applicant1"), ("code", code), ("password", "Another2026xyz")])
            #expect(again.body.contains("用户名或重置码不正确，或重置码已使用、已过期。"))
            var fresh = TestBrowser(client)
            #expect(try await fresh.signIn("applicant1", "NewSecret2026x").status == .seeOther)

            let log = try s.store.history(AccountRecoveryMachine.self, id: "applicant1").map(\.event.chinese)
            #expect(log == ["重置码已发送到已验证的电子邮箱", "已使用重置码设置新密码"])
            #expect(try s.store.history(AccountRecoveryMachine.self, id: "applicant1").first?.stored.actorRole == "public")
            // The unknown address left nothing in the log.
            #expect(try s.store.audit().problems.isEmpty)

            // Limited: 5 requests per client address (2 so far) and 3 per name or address; the
            // next is refused whether or not the account exists.
            for _ in 0..<3 {
                _ = try await fresh.get("/password-reset/forgot")
                #expect(try await fresh.post("/password-reset/forgot", [("who", "someone")]).status == .ok)
            }
            _ = try await fresh.get("/password-reset/forgot")
            let limited = try await fresh.post("/password-reset/forgot", [("who", "applicant1")])
            #expect(limited.status == .tooManyRequests)
            #expect(try s.store.history(AccountRecoveryMachine.self, id: "applicant1").count == 2)
            #expect(try await Self.mails(sink, count: 2).count == 2)
        }
    }

    @Test func theOfficeIssuesACodeAfterCheckingIdentity() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/accounts")
            #expect(page.status == .ok)
            #expect(try xmllintProblems(page.body) == "")
            let blank = try await clerk.post("/office/accounts/reset-code", [("username", "applicant1"), ("reason", "")])
            #expect(blank.body.contains("请填写身份核验情况"))
            _ = try await clerk.get("/office/accounts")
            let staff = try await clerk.post(
                "/office/accounts/reset-code", [("username", "hr1"), ("reason", "本人持身份证到场")])
            #expect(staff.body.contains("没有可用的申报人账户“hr1”"))
            _ = try await clerk.get("/office/accounts")
            let issued = try await clerk.post(
                "/office/accounts/reset-code", [("username", "applicant1"), ("reason", "本人持居民身份证到场，号码末四位一致")])
            #expect(issued.status == .ok)
            let code = try #require(
                issued.body.range(of: #"<p class="code" id="reset-code"><strong>"#).map {
                    String(issued.body[$0.upperBound...].prefix { $0 != "<" })
                })
            var visitor = TestBrowser(client)
            _ = try await visitor.get("/password-reset")
            let done = try await visitor.post(
                "/password-reset", [("username", "applicant1"), ("code", code), ("password", "OfficeReset2026x")])
            #expect(done.location == "/login?reset=1")
            let history = try s.store.history(AccountRecoveryMachine.self, id: "applicant1")
            #expect(history.map(\.event.chinese) == ["职改办核验身份后发放重置码（本人持居民身份证到场，号码末四位一致）", "已使用重置码设置新密码"])
            #expect(history.first?.stored.actorID == "web-clerk")

            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1", "OfficeReset2026x")
            #expect(try await applicant.get("/office/accounts").status == .forbidden)
        }
    }
}
