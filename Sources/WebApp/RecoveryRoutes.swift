import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let passwordForgot = Pages.Page("password-forgot")
    static let officeAccounts = Pages.Page("office-accounts")
}

/// Applicants' account recovery (issue 17 item 5) and e-mail addresses.
///
/// `/password-reset/forgot` (anyone): a user name or e-mail address; when an enabled applicant
/// account has it and a confirmed address, a one-time code (valid `reset_code_minutes` of
/// `notifier.yaml`, single use) is mailed to that address — in the background, so the page
/// answers the same words, status and way whether or not the account exists. Limited per client
/// address and per account name or address (each request, known or not, takes a token).
/// `/account/email` (signed in): an address, confirmed by a code mailed to it. `/office/accounts`
/// (clerk, head): a reset code for an applicant account after checking the person's identity
/// document. Every code sent or issued and every reset is an event of the account's
/// `account-recovery` stream.
struct RecoveryRoutes {
    let services: WebServices
    let addressLimiter: RateLimiter
    let accountLimiter: RateLimiter
    let clientKey: @Sendable (Request, WebRequestContext) -> String

    /// Per client address: 5 requests, then one every 2 minutes; per name or address: 3, then one an hour.
    static let addressLimit = RateLimit(capacity: 5, refillPerSecond: 1.0 / 120)
    static let accountLimit = RateLimit(capacity: 3, refillPerSecond: 1.0 / 3600)

    func add(to router: Router<WebRequestContext>) {
        router.get("/password-reset/forgot") { _, context in try forgotPage(context, sent: false) }
        router.post("/password-reset/forgot") { request, context in try await forgot(request, context) }
        let signedIn = router.group("/account").add(middleware: RequireRole(Set(Role.allCases)))
        signedIn.post("email") { request, context in try await setEmail(request, context) }
        signedIn.post("email/confirm") { request, context in try await confirmEmail(request, context) }
        let office = router.group("/office/accounts").add(middleware: RequireRole([.officeClerk, .officeHead]))
        office.get { _, context in try officePage(context) }
        office.post("reset-code") { request, context in try await officeCode(request, context) }
    }

    var minutes: Int { services.configuration.notifier?.configuration.resetCodeMinutes ?? 30 }

    func forgotPage(_ context: WebRequestContext, sent: Bool) throws -> Response {
        try services.pages.response(
            .passwordForgot, title: "找回密码",
            data: [
                "mail": .bool(services.configuration.notifier != nil), "sent": .bool(sent),
                "minutes": .string(String(minutes)),
            ], context: context)
    }

    func forgot(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let who = (form["who"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...254).contains(who.count) else {
            throw WebError.badRequest(field: "用户名或电子邮箱", message: "请填写用户名或电子邮箱（1至254个字符）。")
        }
        if case .limited(let seconds) = await addressLimiter.take(clientKey(request, context)) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        if case .limited(let seconds) = await accountLimiter.take(who.lowercased()) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        guard let notifier = services.configuration.notifier else { return try forgotPage(context, sent: false) }
        if let account = try services.store.applicantAccount(nameOrEmail: who), account.emailConfirmed,
            let address = account.email
        {
            let code = AdminActions.newCode()
            let now = services.now
            let issued = try services.store.issueApplicantResetCode(
                username: account.username, codeHash: AdminActions.codeHash(code),
                expires: now.addingTimeInterval(TimeInterval(minutes * 60)), command: .mailCode,
                context: Context(actor: Actor(id: "web-public", role: .public), now: now, rules: services.rules))
            if issued {
                let body = """
                    您（用户名 \(account.username)）申请找回职称评审系统的密码。一次性重置码：\(code)
                    请在\(minutes)分钟内到“重置密码”页面输入用户名、重置码和新密码。重置码只能使用一次。
                    如非本人操作，请忽略本邮件，您的密码不会改变。
                    """
                // In the background: the answer does not wait for (or reveal) the mail.
                Task.detached { try? await notifier.sendNow(to: address, subject: "密码重置码", body: body) }
            }
        }
        return try forgotPage(context, sent: true)
    }

    // MARK: e-mail addresses

    func setEmail(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard SMTPDialogue.isPlainAddress(email) else {
            throw WebError.badRequest(field: "电子邮箱", message: "电子邮箱“\(email)”格式不正确，应如 name@example.com。")
        }
        guard let notifier = services.configuration.notifier else {
            throw WebError.badRequest(field: "电子邮箱", message: "本系统未开启邮件通知，暂不能验证电子邮箱。")
        }
        if case .limited(let seconds) = await accountLimiter.take("account-\(identity.account.id)") {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        let code = AdminActions.newCode()
        try services.store.setEmail(accountID: identity.account.id, email: email, codeHash: AdminActions.codeHash(code))
        let body = "您正在为职称评审系统账户（用户名 \(identity.account.username)）验证电子邮箱。验证码：\(code)\n请在“我的账户”页面输入验证码。"
        Task.detached { try? await notifier.sendNow(to: email, subject: "电子邮箱验证码", body: body) }
        return seeOther("/account?email=sent")
    }

    func confirmEmail(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let code = form["code"] ?? ""
        guard try services.store.confirmEmail(accountID: identity.account.id, codeHash: AdminActions.codeHash(code)) else {
            throw WebError.badRequest(field: "验证码", message: "验证码不正确，请核对邮件中的验证码，或重新填写电子邮箱获取新的验证码。")
        }
        return seeOther("/account?email=confirmed")
    }

    // MARK: the office

    func officePage(_ context: WebRequestContext) throws -> Response {
        try services.pages.response(.officeAccounts, title: "申报人账户找回", data: ["code": .null], context: context)
    }

    func officeCode(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...32).contains(username.count) else {
            throw WebError.badRequest(field: "用户名", message: "请填写申报人账户的用户名。")
        }
        guard (4...200).contains(reason.count) else {
            throw WebError.badRequest(field: "核验情况", message: "请填写身份核验情况（证件种类、号码末四位等，4至200字）。")
        }
        let code = AdminActions.newCode()
        let now = services.now
        let issued: Bool
        do {
            issued = try services.store.issueApplicantResetCode(
                username: username, codeHash: AdminActions.codeHash(code),
                expires: now.addingTimeInterval(AdminActions.resetCodeLifetime), command: .issueAtOffice(reason: reason),
                context: Context(actor: identity.account.actor, now: now, rules: services.rules))
        } catch {
            if let refusal = error.refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            throw error
        }
        guard issued else {
            throw WebError.badRequest(field: "用户名", message: "没有可用的申报人账户“\(username)”。")
        }
        return try services.pages.response(
            .officeAccounts, title: "申报人账户找回",
            data: ["code": .string(code), "username": .string(username), "hours": .string("24")], context: context)
    }
}
