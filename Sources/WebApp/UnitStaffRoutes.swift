import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let unitStaff = Pages.Page("unit-staff")
}

/// `/unit/staff` (the unit's administrator: its registered HR account): the unit's HR reviewer
/// accounts — add one with a one-time code handed over, disable, enable, a new code — each an
/// event of the unit's registration stream (`UnitStaffActions`). Other HR accounts of the unit
/// get a 403 page; another unit's accounts are out of reach.
struct UnitStaffRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/unit/staff").add(middleware: RequireRole([.unitHR]))
        group.get { request, context in
            try page(context, flash: request.uri.queryParameters.get("done").flatMap { Self.flashes[String($0)] })
        }
        group.post { request, context in try await addReviewer(request, context) }
        group.post("{username}/{action}") { request, context in try await change(request, context) }
    }

    static let flashes = ["disable": "账户已停用，其登录已失效。", "enable": "账户已启用。"]

    /// The unit's registration when the signed-in account is its administrator (else 403).
    func administered(_ context: WebRequestContext) throws -> UnitRegistrationState {
        let account = try context.requireIdentity().account
        guard let unitID = account.unitID,
            let (_, state) = try UnitStaffActions.registration(store: services.store, unitID: unitID),
            UnitRegistrationMachine.administratorActorID(state) == account.actor.id
        else {
            throw WebError.forbidden("只有本单位的管理员账户（单位注册时的人事账户）可以管理本单位的人事审核账户。")
        }
        return state
    }

    func page(
        _ context: WebRequestContext, flash: String?, issued: (username: String, code: String)? = nil
    ) throws -> Response {
        let state = try administered(context)
        let reviewers: [TemplateValue] = try (state.reviewers ?? [:]).keys.sorted().compactMap { username in
            guard let a = try services.store.account(username: username) else { return nil }
            return [
                "username": .string(a.username), "name": .string(a.displayName), "disabled": .bool(a.disabled),
                "kind": .string(a.role == .committeeSecretary ? "单位评审委员会秘书" : "人事审核"),
                "status": .string(a.disabled ? "已停用" : "使用中"),
            ]
        }
        let history: [TemplateValue] = try services.store.history(
            UnitRegistrationMachine.self, id: state.application?.creditCode.value ?? ""
        ).reversed().prefix(30).map { item -> TemplateValue in
            ["when": .string(WebServices.beijingTime(item.stored.recordedAt)), "what": .string(item.event.chinese)]
        }
        // A unit holding self-review authority may also give its committee secretary an account.
        let grant = try state.unitID.flatMap { try services.store.selfReviewGrant(unit: $0) }
        return try services.pages.response(
            .unitStaff, title: "本单位人事审核账户",
            data: [
                "selfReview": .bool(grant != nil), "grant": .string(grant.map { "\($0.chinese)，\($0.decisionNumber)" } ?? ""),
                "unitName": .string(state.application?.name ?? ""), "reviewers": .list(reviewers),
                "hasReviewers": .bool(!reviewers.isEmpty), "history": .list(history),
                "flash": flash.map { .string($0) } ?? .null,
                "issued": issued.map { .object(["username": .string($0.username), "code": .string($0.code), "hours": .string("24")]) }
                    ?? .null,
            ], context: context)
    }

    func workflowContext(_ context: WebRequestContext) throws -> Context {
        Context(actor: try context.requireIdentity().account.actor, now: services.now, rules: services.rules)
    }

    func perform<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError {
            if let refusal = error.refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            throw error
        }
    }

    static func reason(_ form: FormBody) throws -> String {
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(reason.count) else {
            throw WebError.badRequest(field: "事由", message: "请填写事由（1至200字）。")
        }
        return reason
    }

    func addReviewer(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        _ = try administered(context)
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...32).contains(username.count),
            username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw WebError.badRequest(field: "用户名", message: "用户名应为1至32位英文字母、数字或 - _ .。")
        }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(name.count) else {
            throw WebError.badRequest(field: "姓名", message: "请填写姓名（1至60字）。")
        }
        let reason = try Self.reason(form)
        let kind = form["kind"] ?? "reviewer"
        guard kind == "reviewer" || kind == "secretary" else {
            throw WebError.badRequest(field: "账户类型", message: "账户类型应为人事审核账户或单位评审委员会秘书。")
        }
        let locked = try await ExpertAccountActions.lockedHash(cost: services.configuration.passwordCost)
        let wf = try workflowContext(context)
        let code = try perform {
            try UnitStaffActions.addReviewer(
                store: services.store, context: wf, username: username, displayName: name, reason: reason, lockedHash: locked,
                committeeSecretary: kind == "secretary")
        }
        return try page(
            context, flash: kind == "secretary" ? "单位评审委员会秘书账户已添加。" : "人事审核账户已添加。", issued: (username, code))
    }

    func change(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        guard let username = context.parameters.get("username"), let action = context.parameters.get("action") else {
            throw WebError.notFound
        }
        let reason = try Self.reason(form)
        let wf = try workflowContext(context)
        switch action {
        case "disable", "enable":
            try perform {
                try UnitStaffActions.setEnabled(
                    store: services.store, context: wf, username: username, enabled: action == "enable", reason: reason)
            }
            return seeOther("/unit/staff?done=\(action)")
        case "reset-code":
            let code = try perform {
                try UnitStaffActions.issueCode(store: services.store, context: wf, username: username, reason: reason)
            }
            return try page(context, flash: nil, issued: (username, code))
        default:
            throw WebError.notFound
        }
    }
}
