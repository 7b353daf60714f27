import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let unitRegister = Pages.Page("unit-register")
    static let unitRegistered = Pages.Page("unit-registered")
    static let adminUnits = Pages.Page("admin-units")
}

/// `/units/register` (anyone): a unit applies with its unified social credit code, kind, contact
/// and the user name and password of its HR account, which waits disabled. `/admin/units` (the
/// administrator and the office head): the applications waiting, approved (the unit into the
/// registry, the account enabled and bound to it) or refused with reasons; a registered unit's HR
/// account gets a one-time reset code. Each step an event in the hash-chained log.
struct UnitRegistrationRoutes {
    let services: WebServices
    /// Applications per client address (as sign-ins are limited): each costs a password hash.
    let limiter: RateLimiter
    let clientKey: @Sendable (Request, WebRequestContext) -> String

    func add(to router: Router<WebRequestContext>) {
        router.get("/units/register") { _, context in try registerPage(context, values: [:], problems: [:]) }
        router.post("/units/register") { request, context in try await register(request, context) }
        let group = router.group("/admin/units").add(
            middleware: RequireRole(Set(UnitRegistrationMachine.officeRoles)))
        group.get { request, context in
            try home(context, done: request.uri.queryParameters.get("done").map { String($0) })
        }
        group.post("{code}/{action}") { request, context in try await decide(request, context) }
    }

    // MARK: the unit's application

    static let fields: [(id: String, label: String, type: String, help: String)] = [
        ("unit_name", "单位名称", "text", "与营业执照或法人证书一致"),
        ("credit_code", "统一社会信用代码", "text", "18位"),
        ("contact_name", "联系人", "text", "单位人事部门经办人"),
        ("contact_phone", "联系电话", "text", ""),
        ("username", "人事账户用户名", "text", "3至32位字母、数字、下划线、点或短横线"),
        ("password", "密码", "password", "至少10个字符，同时包含字母和数字"),
    ]

    func registerPage(
        _ context: WebRequestContext, values: [String: String], problems: [String: String],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let list: [TemplateValue] = Self.fields.map { f in
            [
                "id": .string(f.id), "label": .string(f.label), "type": .string(f.type), "help": .string(f.help),
                "value": .string(f.type == "password" ? "" : values[f.id] ?? ""),
                "problem": problems[f.id].map { .string($0) } ?? .null,
            ]
        }
        let ids = Self.fields.map(\.id) + ["unit_kind", "county", "form"]
        let labels = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.id, $0.label) })
            .merging(["unit_kind": "单位类型", "county": "所属县（市、区）", "form": "注册申请"]) { a, _ in a }
        let summary: [TemplateValue] = ids.compactMap { id in
            problems[id].map { ["id": .string(id), "label": .string(labels[id] ?? id), "message": .string($0)] }
        }
        let kinds: [TemplateValue] = UnitKind.allCases.map { k in
            ["value": .string(k.rawValue), "label": .string(k.chinese), "selected": .bool(values["unit_kind"] == k.rawValue)]
        }
        // Seed item 6: the county decides which committee reviews the devolved series and levels.
        let counties: [TemplateValue] =
            [["value": .string(Self.cityLevel), "label": .string("市直单位（不属于县、市、区）"),
              "selected": .bool(values["county"] == Self.cityLevel)]]
            + services.rules.policy.devolution.counties.map { c in
                ["value": .string(c.code), "label": .string("\(c.name)（\(c.code)）"), "selected": .bool(values["county"] == c.code)]
            }
        return try services.pages.response(
            .unitRegister, title: "用人单位注册",
            data: [
                "counties": .list(counties), "countyProblem": problems["county"].map { .string($0) } ?? .null,
                "fields": .list(list), "kinds": .list(kinds), "problems": .list(summary),
                "hasProblems": .bool(!summary.isEmpty),
                "kindProblem": problems["unit_kind"].map { .string($0) } ?? .null,
            ], context: context, status: status)
    }

    /// The county select's value for a unit at city level 市直.
    static let cityLevel = "city"

    /// Every problem of a unit's application at once (field id → Chinese message).
    static func problems(_ v: [String: String], password: String, policy: Policy) -> [String: String] {
        var problems: [String: String] = [:]
        let county = v["county"] ?? ""
        if county.isEmpty {
            problems["county"] = "请选择所属县（市、区）；市直单位请选“市直单位”"
        } else if county != cityLevel, policy.devolution.county(county) == nil {
            problems["county"] = "所属县（市、区）“\(county)”不在本市县（市、区）名单中"
        }
        for (id, label) in [("unit_name", "单位名称"), ("contact_name", "联系人")] {
            problems[id] = UnitFieldRules.textProblem(v[id]!, label: label)
        }
        do { _ = try CreditCode(v["credit_code"]!) } catch { problems["credit_code"] = error.chinese }
        if UnitKind(rawValue: v["unit_kind"]!) == nil { problems["unit_kind"] = "请选择单位类型" }
        problems["contact_phone"] = UnitFieldRules.phoneProblem(v["contact_phone"]!)
        let username = v["username"]!
        if let problem = UnitFieldRules.usernameProblem(username) {
            problems["username"] = problem
        } else if let problem = PasswordHasher.problem(with: password, username: username) {
            problems["password"] = problem
        }
        return problems
    }

    func register(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        if case .limited(let seconds) = await limiter.take(clientKey(request, context)) {
            throw WebError.tooManyRequests(retryAfter: seconds)
        }
        var values: [String: String] = [:]
        for key in Self.fields.map(\.id) + ["unit_kind", "county"] where key != "password" {
            values[key] = (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        values["credit_code"] = values["credit_code"]!.uppercased()
        let password = form["password"] ?? ""
        var problems = Self.problems(values, password: password, policy: services.rules.policy)
        guard problems.isEmpty, let code = try? CreditCode(values["credit_code"]!),
            let kind = UnitKind(rawValue: values["unit_kind"]!)
        else {
            return try registerPage(context, values: values, problems: problems, status: .unprocessableContent)
        }
        let application = UnitApplication(
            name: values["unit_name"]!, creditCode: code, kind: kind, contactName: values["contact_name"]!,
            contactPhone: values["contact_phone"]!, username: values["username"]!,
            county: values["county"] == Self.cityLevel ? nil : values["county"])
        let hash = try await PasswordHasher(cost: services.configuration.passwordCost).hash(password)
        do {
            try UnitRegistrationActions.apply(
                store: services.store,
                context: Context(actor: Actor(id: "web-public", role: .public), now: services.now, rules: services.rules),
                application: application, passwordHash: hash)
        } catch let error as StoreError {
            guard let refusal = error.refusal else { throw error }
            problems[refusal.rule.hasSuffix("username-taken") ? "username" : "form"] = refusal.message
            return try registerPage(context, values: values, problems: problems, status: .unprocessableContent)
        }
        return try services.pages.response(
            .unitRegistered, title: "注册申请已提交",
            data: ["name": .string(application.name), "code": .string(code.value), "username": .string(application.username)],
            context: context)
    }

    // MARK: the office

    static let flashes = ["approve": "已通过注册，单位人事账户已启用。", "refuse": "已不予通过，并记录理由。"]

    func home(_ context: WebRequestContext, done: String?) throws -> Response {
        func row(_ code: String, _ s: UnitRegistrationState) -> TemplateValue {
            let a = s.application
            return [
                "code": .string(code), "name": .string(a?.name ?? ""), "kind": .string(a?.kind.chinese ?? ""),
                "contact": .string("\(a?.contactName ?? "")（\(a?.contactPhone ?? "")）"),
                "username": .string(a?.username ?? ""), "unit": .string(s.unitID ?? ""),
                "reasons": .string(s.refusals.joined(separator: "；")),
            ]
        }
        let pending = try services.store.unitRegistrations(.pending).map(row)
        let approved = try services.store.unitRegistrations(.approved).map(row)
        let refused = try services.store.unitRegistrations(.refused).map(row)
        return try services.pages.response(
            .adminUnits, title: "单位注册审核",
            data: [
                "pending": .list(pending), "hasPending": .bool(!pending.isEmpty),
                "approved": .list(approved), "hasApproved": .bool(!approved.isEmpty),
                "refused": .list(refused), "hasRefused": .bool(!refused.isEmpty),
                "flash": done.flatMap { Self.flashes[$0] }.map { .string($0) } ?? .null,
            ], context: context)
    }

    func decide(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        guard let code = context.parameters.get("code"), let action = context.parameters.get("action") else {
            throw WebError.notFound
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw WebError.badRequest(field: action == "refuse" ? "不予通过的理由" : "事由", message: "请填写（1至500字）。")
        }
        let wf = Context(actor: identity.account.actor, now: services.now, rules: services.rules)
        do {
            switch action {
            case "approve":
                try UnitRegistrationActions.approve(store: services.store, context: wf, creditCode: code, reason: reason)
            case "refuse":
                let reasons = reason.split(whereSeparator: { $0 == "\n" || $0 == "；" || $0 == ";" })
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                try UnitRegistrationActions.refuse(store: services.store, context: wf, creditCode: code, reasons: reasons)
            case "reset-code":
                let issued = try UnitRegistrationActions.issueResetCode(
                    store: services.store, context: wf, creditCode: code, reason: reason)
                return try services.pages.response(
                    .adminCode, title: "一次性密码重置码",
                    data: ["username": .string(issued.username), "code": .string(issued.code), "hours": .string("24")],
                    context: context)
            default:
                throw WebError.notFound
            }
        } catch let error as StoreError {
            if let refusal = error.refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            throw error
        }
        return seeOther("/admin/units?done=\(action)")
    }
}
