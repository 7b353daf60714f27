import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let admin = Pages.Page("admin")
    static let adminCode = Pages.Page("admin-code")
    static let passwordReset = Pages.Page("password-reset")
}

/// `/admin` (the administrator 系统管理员): the office set up by `pingshen init`, the staff
/// accounts with their roles — create, disable, enable, a one-time password-reset code handed
/// over in person — each change an event in the hash-chained log with who, when and why.
/// `/password-reset` (anyone): a code and a new password set the password once.
struct AdminRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/admin").add(middleware: RequireRole([.administrator]))
        group.get { request, context in
            let done: String? = request.uri.queryParameters.get("done").map { String($0) }
            return try home(context, done: done)
        }
        group.post("staff") { request, context in try await create(request, context) }
        group.post("staff/{username}/{action}") { request, context in try await change(request, context) }
        router.get("/password-reset") { _, context in try resetPage(context, problem: nil) }
        router.post("/password-reset") { request, context in try await reset(request, context) }
    }

    static let flashes = ["scope": "已设定账户的工作范围，该账户须重新登录。", "created": "账户已创建。", "disable": "账户已停用，其登录已失效。", "enable": "账户已启用。"]

    func home(_ context: WebRequestContext, done: String?) throws -> Response {
        let office = try services.store.officeProfile()
        let policy = services.rules.policy
        let staff: [TemplateValue] = try services.store.staffAccounts().map { a in
            // Seed item 6: a clerk, head or secretary works for the city or one county.
            let scoped = AdministrationMachine.scopedRoles.contains(a.role)
            let counties: [TemplateValue] =
                [["value": .string("city"), "label": .string("全市"), "selected": .bool(a.county == nil)]]
                + policy.devolution.counties.map { c in
                    ["value": .string(c.code), "label": .string("\(c.name)（\(c.code)）"), "selected": .bool(a.county == c.code)]
                }
            return [
                "username": .string(a.username), "name": .string(a.displayName), "role": .string(a.role.chinese),
                "disabled": .bool(a.disabled), "status": .string(a.disabled ? "已停用" : "使用中"),
                "scope": .string(
                    scoped ? a.county.map { Routing.chinese($0, policy: policy) } ?? "全市" : "—"),
                "scoped": .bool(scoped && !a.disabled), "counties": .list(counties),
            ]
        }
        let history: [TemplateValue] = try services.store.history(
            AdministrationMachine.self, id: AdministrationMachine.streamID
        ).reversed().prefix(50).map { item -> TemplateValue in
            ["when": .string(Self.beijing(item.stored)), "what": .string(item.event.chinese)]
        }
        return try services.pages.response(
            .admin, title: "系统管理",
            data: [
                "office": office.map { .string("\($0.name)（全宗号 \($0.fonds)）") } ?? .null,
                "staff": .list(staff), "roles": .list(
                    AdministrationMachine.staffRoles.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
                "history": .list(history), "hasHistory": .bool(!history.isEmpty),
                "flash": done.flatMap { Self.flashes[$0] }.map { .string($0) } ?? .null,
            ], context: context)
    }

    static func beijing(_ record: StoredEvent) -> String { WebServices.beijingTime(record.recordedAt) }

    func create(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        func field(_ name: String, _ label: String, max: Int = 60) throws -> String {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...max).contains(text.count) else {
                throw WebError.badRequest(field: label, message: "请填写\(label)（1至\(max)字）。")
            }
            return text
        }
        let username = try field("username", "用户名", max: 32)
        guard username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw WebError.badRequest(field: "用户名", message: "用户名只能包含英文字母、数字和 - _ .。")
        }
        let name = try field("name", "姓名")
        guard let role = Role(rawValue: form["role"] ?? ""), AdministrationMachine.staffRoles.contains(role) else {
            throw WebError.badRequest(field: "角色", message: "请选择角色。")
        }
        let password = form["password"] ?? ""
        if let problem = PasswordHasher.problem(with: password, username: username) {
            throw WebError.badRequest(field: "初始密码", message: problem + "。")
        }
        let reason = try field("reason", "事由", max: 200)
        let hash = try await PasswordHasher(cost: services.configuration.passwordCost).hash(password)
        try perform {
            try AdminActions.createStaff(
                store: services.store, context: workflowContext(identity), username: username, role: role, displayName: name,
                passwordHash: hash, reason: reason)
        }
        return seeOther("/admin?done=created")
    }

    func change(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        guard let username = context.parameters.get("username"), let action = context.parameters.get("action") else {
            throw WebError.notFound
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(reason.count) else {
            throw WebError.badRequest(field: "事由", message: "请填写事由（1至200字）。")
        }
        switch action {
        case "disable", "enable":
            try perform {
                try AdminActions.setDisabled(
                    store: services.store, context: workflowContext(identity), username: username,
                    disabled: action == "disable", reason: reason)
            }
            return seeOther("/admin?done=\(action)")
        case "scope":
            let county = (form["county"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !county.isEmpty else { throw WebError.badRequest(field: "工作范围", message: "请选择全市或一个县（市、区）。") }
            try perform {
                try AdminActions.setScope(
                    store: services.store, context: workflowContext(identity), username: username,
                    county: county == "city" ? nil : county, reason: reason)
            }
            return seeOther("/admin?done=scope")
        case "reset-code":
            var code = ""
            try perform {
                code = try AdminActions.issueResetCode(
                    store: services.store, context: workflowContext(identity), username: username, reason: reason)
            }
            return try services.pages.response(
                .adminCode, title: "一次性密码重置码",
                data: ["username": .string(username), "code": .string(code), "hours": .string("24")], context: context)
        default:
            throw WebError.notFound
        }
    }

    func workflowContext(_ identity: Identity) -> Context {
        Context(actor: identity.account.actor, now: services.now, rules: services.rules)
    }

    /// Runs an administration change; refusals become Chinese pages.
    func perform(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError {
            if let refusal = error.refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            throw error
        }
    }

    // MARK: the reset page

    func resetPage(_ context: WebRequestContext, problem: String?) throws -> Response {
        try services.pages.response(
            .passwordReset, title: "重置密码", data: ["problem": problem.map { .string($0) } ?? .null], context: context,
            status: problem == nil ? .ok : .unprocessableContent)
    }

    /// A code and a new password: the same answer for a wrong user name, a wrong, used or
    /// expired code, so nothing tells whether an account exists.
    func reset(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let code = form["code"] ?? ""
        let password = form["password"] ?? ""
        if let problem = PasswordHasher.problem(with: password, username: username) {
            return try resetPage(context, problem: "新密码不符合要求：\(problem)。")
        }
        let hash = try await PasswordHasher(cost: services.configuration.passwordCost).hash(password)
        let done = try services.store.redeemResetCode(
            username: username, codeHash: AdminActions.codeHash(code), newPasswordHash: hash,
            context: Context(actor: Actor(id: "web-public", role: .public), now: services.now, rules: services.rules))
        guard done else { return try resetPage(context, problem: "用户名或重置码不正确，或重置码已使用、已过期。") }
        return seeOther("/login?reset=1")
    }
}
