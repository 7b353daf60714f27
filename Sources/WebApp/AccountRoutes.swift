import Documents
import Domain
import Foundation
import Hummingbird
import Store

extension Pages.Page {
    static let login = Pages.Page("login")
    static let register = Pages.Page("register")
    static let account = Pages.Page("account")
}

/// Sign in, sign out, applicant registration and the account page.
///
/// Sign-in is limited by token buckets: every attempt per client address (bcrypt costs CPU);
/// failed attempts per address and user name pair (an attacker elsewhere cannot lock the
/// owner out); and failed attempts per user name from all addresses together, a larger bucket
/// that refills faster than one address may guess, so only many addresses guessing one name
/// together reach it. A successful sign-in gives its tokens back. A wrong password and an
/// unknown user name get the same answer after the same bcrypt work (a dummy hash of the
/// accounts' cost). Every sign-in starts a new session (a token planted before cannot be reused).
struct AccountRoutes {
    let store: EventStore
    let pages: Pages
    let sessions: SessionManager
    let hasher: PasswordHasher
    /// Every sign-in and registration attempt, per client address.
    let addressLimiter: RateLimiter
    /// Failed sign-ins per client address and user name.
    let pairLimiter: RateLimiter
    /// Failed sign-ins per user name, from every address (the backstop).
    let usernameLimiter: RateLimiter
    let clientKey: @Sendable (Request, WebRequestContext) -> String
    let now: @Sendable () -> Date
    /// The bcrypt cost of the dummy hash for unknown user names: the accounts' most common.
    let dummyCost: DummyCost

    func add(to router: Router<WebRequestContext>) {
        router.get("/login") { request, context in
            if let identity = context.identity { return seeOther(homePath(for: identity.account.role)) }
            return try loginPage(
                context: context, username: "", next: localPath(request.uri.queryParameters.get("next")), error: nil)
        }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in
            if let token = request.cookies[SessionManager.cookieName]?.value { try sessions.end(token) }
            var response = seeOther("/")
            response.headers[values: .setCookie].append(sessions.clearedSessionCookie())
            return response
        }
        router.get("/register") { _, context in
            try registerPage(context: context, values: [:], problems: [:])
        }
        router.post("/register") { request, context in try await register(request, context) }
        router.get("/account") { request, context in
            let identity = try context.requireIdentity()
            let a = identity.account
            let flash: TemplateValue =
                switch request.uri.queryParameters.get("email") {
                case "sent": "验证码已发送到您填写的电子邮箱，请查收后在下方输入。"
                case "confirmed": "电子邮箱已验证。"
                default: .null
                }
            return try pages.response(
                .account, title: "我的账户",
                data: [
                    "username": .string(a.username), "name": .string(a.displayName), "role": .string(a.role.chinese),
                    "home": .string(homePath(for: a.role)), "unit": a.unitID.map { .string($0) } ?? .null,
                    "expert": a.expertID.map { .string($0) } ?? .null,
                    "email": a.email.map { .string($0) } ?? .null, "emailConfirmed": .bool(a.emailConfirmed),
                    "awaitingCode": .bool(a.email != nil && !a.emailConfirmed), "flash": flash,
                ], context: context)
        }
    }

    // MARK: sign in

    func loginPage(
        context: WebRequestContext, username: String, next: String?, error: String?, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        try pages.response(
            .login, title: "登录",
            data: [
                "username": .string(username), "next": next.map { .string($0) } ?? .null,
                "error": error.map { .string($0) } ?? .null,
            ], context: context, status: status)
    }

    func login(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let next = localPath(form["next"])
        let client = clientKey(request, context)
        if case .limited(let seconds) = await addressLimiter.take(client) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        guard !username.isEmpty, !password.isEmpty, username.count <= 64, password.utf8.count <= 1024 else {
            return try loginPage(
                context: context, username: String(username.prefix(64)), next: next, error: "请输入用户名和密码",
                status: .badRequest)
        }
        let name = username.lowercased()
        let pair = client + "\u{1F}" + name
        if case .limited(let seconds) = await pairLimiter.take(pair) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        if case .limited(let seconds) = await usernameLimiter.take(name) {
            await pairLimiter.refund(pair)
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        let account = try store.account(username: username)
        var valid = false
        if let account, !account.disabled {
            valid = try await hasher.verify(password, hash: account.passwordHash)
        } else {
            try await hasher.verifyAgainstDummy(password, cost: dummyCost.current())
        }
        guard valid, let account else {
            context.logger.notice("sign-in failed", metadata: ["username": .string(username)])
            return try loginPage(
                context: context, username: username, next: next, error: "用户名或密码不正确", status: .unauthorized)
        }
        // Only failures count against the pair and the user name.
        await pairLimiter.refund(pair)
        await usernameLimiter.refund(name)
        // An expert suspended in the pool, or whose term is over, does not sign in.
        if let refusal = try ExpertAccountActions.refusal(for: account, store: store, today: Day(now())) {
            return try loginPage(
                context: context, username: username, next: next, error: refusal.message, status: .forbidden)
        }
        return try signedIn(account, goingTo: next ?? homePath(for: account.role))
    }

    /// A new session for `account`, its cookie, and the way to `path`.
    func signedIn(_ account: Account, goingTo path: String) throws -> Response {
        let (token, _) = try sessions.begin(account)
        var response = seeOther(path)
        response.headers[values: .setCookie].append(sessions.sessionCookie(token))
        return response
    }

    // MARK: registration (applicants)

    func registerPage(
        context: WebRequestContext, values: [String: String], problems: [String: String],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let fields: [(String, String, String, String)] = [
            ("username", "用户名", "text", "3至32位字母、数字、下划线、点或短横线"),
            ("display_name", "姓名", "text", "与身份证一致"),
            ("id_number", "公民身份号码", "text", "18位，末位可为X"),
            ("password", "密码", "password", "至少10个字符，同时包含字母和数字"),
            ("password_confirm", "再次输入密码", "password", ""),
        ]
        let list: [TemplateValue] = fields.map { id, label, type, help in
            [
                "id": .string(id), "label": .string(label), "type": .string(type), "help": .string(help),
                "value": .string(type == "password" ? "" : values[id] ?? ""),
                "problem": problems[id].map { .string($0) } ?? .null,
            ]
        }
        let summary: [TemplateValue] = fields.compactMap { id, label, _, _ in
            problems[id].map { ["id": .string(id), "label": .string(label), "message": .string($0)] }
        }
        return try pages.response(
            .register, title: "申报人注册",
            data: ["fields": .list(list), "problems": .list(summary), "hasProblems": .bool(!summary.isEmpty)],
            context: context,
            status: status)
    }

    func register(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        if case .limited(let seconds) = await addressLimiter.take(clientKey(request, context)) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        var values: [String: String] = [:]
        for key in ["username", "display_name", "id_number"] {
            values[key] = (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let password = form["password"] ?? ""
        var problems = Self.registrationProblems(
            username: values["username"]!, name: values["display_name"]!, idNumber: values["id_number"]!,
            password: password, confirmation: form["password_confirm"] ?? "")
        var personID: String?
        if problems["id_number"] == nil, let id = try? ResidentID(values["id_number"]!) {
            personID = "P-" + id.value
            if try store.account(personID: personID!) != nil { problems["id_number"] = Self.personTaken }
        }
        guard problems.isEmpty, let personID else {
            return try registerPage(context: context, values: values, problems: problems, status: .unprocessableContent)
        }
        let hash = try await hasher.hash(password)
        let new = NewAccount(
            username: values["username"]!, passwordHash: hash, role: .applicant, displayName: values["display_name"]!,
            personID: personID)
        // Checked again and inserted in one transaction: of registrations racing with one ID
        // number (or one user name), one makes the account and the others are told why not.
        let account: Account
        switch try store.register(new, now: now()) {
        case .created(let created): account = created
        case .usernameTaken:
            problems["username"] = "该用户名已被使用，请换一个"
            return try registerPage(context: context, values: values, problems: problems, status: .unprocessableContent)
        case .personTaken:
            problems["id_number"] = Self.personTaken
            return try registerPage(context: context, values: values, problems: problems, status: .unprocessableContent)
        }
        context.logger.info("account registered", metadata: ["username": .string(account.username)])
        return try signedIn(account, goingTo: homePath(for: .applicant))
    }

    static let personTaken = "该身份证号码已注册过账户，请直接登录；如忘记密码，请联系职改办"

    /// Every problem of a registration at once, by field.
    static func registrationProblems(
        username: String, name: String, idNumber: String, password: String, confirmation: String
    ) -> [String: String] {
        var problems: [String: String] = [:]
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        if !(3...32).contains(username.count) || !username.allSatisfy(allowed.contains) {
            problems["username"] = "用户名应为3至32位字母、数字、下划线、点或短横线"
        }
        if name.isEmpty || name.count > 30 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems["display_name"] = "请填写姓名（不超过30个字）"
        }
        do { _ = try ResidentID(idNumber) } catch { problems["id_number"] = error.chinese }
        if let problem = PasswordHasher.problem(with: password, username: username) {
            problems["password"] = problem
        } else if password != confirmation {
            problems["password_confirm"] = "两次输入的密码不一致"
        }
        return problems
    }
}

/// The bcrypt cost most accounts use, read from the database at most once a minute (accounts
/// registered since are at the configured cost, which `fallback` holds).
final class DummyCost: @unchecked Sendable {
    private let store: EventStore
    private let fallback: UInt8
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var cached: (cost: UInt8, at: Double)?

    init(store: EventStore, fallback: UInt8, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.fallback = fallback
        self.clock = clock
    }

    func current() -> UInt8 {
        let now = clock()
        if let cached = lock.withLock({ cached }), now - cached.at < 60 { return cached.cost }
        let cost = (try? store.commonPasswordCost()) ?? fallback
        lock.withLock { cached = (cost, now) }
        return cost
    }
}
