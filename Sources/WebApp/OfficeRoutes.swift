import Documents
import Domain
import Forms
import Foundation
import Hummingbird
import OfficeSteps
import Store
import Workflow

extension Pages.Page {
    static let officeHome = Pages.Page("office")
    static let officeApplication = Pages.Page("office-application")
}

/// The office console (`/office`, office clerks and heads): queues by status, and on each
/// application the steps its state allows — accept 受理, one-time correction 补正, refuse
/// 不予受理, objections 异议 during the public notice, end of the notice, revocation of the
/// certificate, a targeted post-hoc check. Batches (public notice, confirmation, certificates)
/// are in `OfficeRoutes+Batches.swift`, post-hoc checks and records in `OfficeRoutes+Checks.swift`.
///
/// Every step runs through `WebActions` as the signed-in account; which role may do what is
/// the machines' decision (a clerk confirming is refused with the machine's message).
struct OfficeRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/office").add(middleware: RequireRole([.officeClerk, .officeHead]))
        group.get { request, context in try home(request, context) }
        group.get("/applications/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try applicationPage(context, id: id, done: request.uri.queryParameters.get("done"))
        }
        group.post("/applications/{id}/{action}") { request, context in
            var request = request
            let form = try await request.form()
            return try await applicationStep(context, form: form)
        }
        addBatches(to: group)
        addAccept(to: group)
        addChecks(to: group)
        addSelfReview(to: group)
    }

    // MARK: queues

    func home(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let filter = QueueFilter(request)
        let scope = try StaffScope(context)
        let counts = try services.store.applicationStatusCounts(jurisdiction: scope.jurisdiction)
        let fallback = ApplicationStage.qualificationReview
        var data = try services.applicationQueue(
            filter, unit: nil, jurisdiction: scope.jurisdiction, defaultStatuses: [fallback.rawValue], defaultLabel: "\(fallback.chinese)（默认）",
            path: "/office", link: { "/office/applications/\($0)" })
        let current = filter.status.isEmpty ? fallback.rawValue : filter.status
        data["counts"] = .list(services.statusCountList(counts, current: current, path: "/office"))
        data["statusName"] = .string(
            filter.status == "all" ? "全部状态" : ApplicationStage(rawValue: current)?.chinese ?? current)
        let count = { (s: ApplicationStage) in String(counts.first { $0.status == s.rawValue }?.count ?? 0) }
        data["passed"] = .string(count(.passed))
        data["awaiting"] = .string(count(.awaitingConfirmation))
        data["confirmed"] = .string(
            String((Int(count(.confirmed)) ?? 0) + (Int(count(.filed)) ?? 0)))
        data["scopeNote"] = scope.note(policy: services.policy).map { .string($0) } ?? .null
        return try services.pages.response(.officeHome, title: "职改办工作台", data: data, context: context)
    }

    // MARK: one application

    /// Application `id` with a profile; a county's staff get a 403 for another county's.
    func load(_ id: String, _ context: WebRequestContext) throws -> Versioned<ApplicationState> {
        guard let current = try services.store.load(ApplicationMachine.self, id: id), let profile = current.state.profile
        else { throw WebError.notFound }
        try services.requireInScope(try context.requireIdentity().account, applicationID: id, profile: profile)
        return current
    }

    func applicationPage(_ context: WebRequestContext, id: String, done: String?) throws -> Response {
        let current = try load(id, context)
        let state = current.state
        let role = try context.requireIdentity().account.role
        let correcting = state.stage == .qualificationReview && !state.hasUsedCorrection
        var data = try services.applicationFacts(id: id, state: state, withEligibility: true, correcting: correcting)
        data["id"] = .string(id)
        data["version"] = .string(String(current.version))
        data["isHead"] = .bool(role == .officeHead)
        data["flash"] = done.flatMap { Self.flashes[$0] }.map { .string($0) } ?? .null
        let review = state.stage == .qualificationReview
        data["review"] = .bool(review)
        data["canCorrect"] = .bool(review && !state.hasUsedCorrection)
        var deadline: TemplateValue = .null
        if review, let day = try? services.rules.calendar.adding(
            workingDays: services.policy.correctionAnswerWorkingDays, to: services.today)
        {
            deadline = .string(
                "补正期限：\(day.chinese)（自今日起\(services.policy.correctionAnswerWorkingDays)个工作日，按政策设定）")
        }
        data["correctionDeadline"] = deadline
        data["passedStage"] = .bool(state.stage == .passed)
        let inNotice = state.stage == .publicNotice || state.stage == .investigation
        data["canObject"] = .bool(inNotice)
        data["openObjections"] = .list(
            state.openObjections.map {
                ["objectionID": .string($0.objectionID), "objectionSummary": .string($0.summary)]
            })
        data["canConclude"] = .bool(state.stage == .publicNotice)
        data["noticeEnd"] = state.notice.map { .string($0.end.chinese) } ?? .null
        data["awaiting"] = .bool(state.stage == .awaitingConfirmation)
        data["confirmedStage"] = .bool(state.stage == .confirmed || state.stage == .filed)
        var certified: Bool = false
        if let number = state.certificateNumber,
            try services.store.load(CertificateMachine.self, id: number)?.state.status == .valid
        {
            certified = true
        }
        var reexamination: TemplateValue = .null
        if state.stage == .reexamination, let r = state.reexamination {
            let outcomes = ReexaminationOutcome.allCases.filter { $0 != .backToCommittee || r.against == .failed }
            reexamination = [
                "reason": .string(r.reason), "requested": .string(r.requestedOn.chinese),
                "against": .string(r.against.chinese),
                "outcomes": .list(
                    outcomes.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
            ]
        }
        data["reexamination"] = reexamination
        data["canArchive"] = .bool(state.stage == .certified)
        data["canRevoke"] = .bool(certified)
        data["canCheck"] = .bool(certified)
        return try services.pages.response(.officeApplication, title: "申报 \(id)", data: data, context: context)
    }

    static let flashes = [
        "accept": "已受理，受理通知书已生成。", "correction": "已一次性告知补正，补正材料通知书已生成。",
        "refuse": "已作出不予受理决定，不予受理通知书已生成。", "objection": "异议已登记，申报转入异议调查。",
        "resolve": "异议调查结论已登记。", "conclude": "公示已结束。", "revoke": "证书已撤销，撤销决定书已生成。",
        "notice": "已开始评审结果公示，公示文书已生成。", "confirm": "已确认，取得资格通知已生成。",
        "reexamine": "已作出复查决定，复查决定书已生成。", "archive": "已归档。",
    ]

    /// The correction notice's items for the fields the clerk ticked (their labels from the
    /// application's form; attachments marked 附件) and the ids of those that exist in the form.
    func correctionItems(_ id: String, ticked: [String]) throws -> (items: [String], fields: [String]) {
        let form = try services.store.declaration(applicationID: id).flatMap { try? services.forms.form($0.formID) }
        return OfficeSteps.correctionItems(form: form, ticked: ticked)
    }

    /// One POST on an application: which command from the `action` segment and the form.
    func applicationStep(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let action = context.parameters.get("action") ?? ""
        let current = try load(id, context)
        let expected = form["version"].flatMap { Int($0) } ?? current.version
        let actor = try context.requireIdentity().account.actor
        let state = current.state
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func lines(_ name: String) -> [String] {
            text(name).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        let command: ApplicationCommand
        switch action {
        case "accept":
            guard ConfirmStep.confirmed(form) else {
                return try ConfirmStep.page(
                    services.pages, form: form, action: "/office/applications/\(id)/accept",
                    heading: "确认受理申报 \(id)",
                    consequences: [
                        "受理申报\(id)：材料齐全、符合申报条件。",
                        "生成受理通知书，申报转入“已受理待评审”，不能再一次性告知补正或不予受理。",
                    ], back: "/office/applications/\(id)", context: context)
            }
            command = .accept
        case "correction":
            let named = try correctionItems(id, ticked: form.all("field"))
            command = .requestCorrection(items: named.items + lines("other"), fields: named.fields)
        case "refuse":
            command = .refuse(reasons: lines("reasons"))
        case "objection":
            command = .raiseObjection(objectionID: "O-\(id)-\(state.objections.count + 1)", summary: text("summary"))
        case "resolve":
            command = .resolveObjection(
                objectionID: text("objection"), upheld: form["outcome"] == "uphold", finding: text("finding"))
        case "conclude":
            // An objection lodged online and not yet registered or dismissed holds the notice
            // open, as it holds the scheduler (Store.runDeadlines).
            let waiting = try services.store.objectionsReceived(application: id)
            if let first = waiting.first {
                throw WebError.refused(
                    rule: "notice.objection-received",
                    message: "公示期内在线提交的异议（回执号\(first.receipt)）尚未登记或不予受理，不能结束公示。请先在异议受理页处理。")
            }
            command = .concludeNotice
        case "archive":
            command = .archive
        case "reexamine":
            guard let outcome = ReexaminationOutcome(rawValue: form["outcome"] ?? "") else {
                throw WebError.badRequest(field: "复查结论", message: "请选择复查结论。")
            }
            command = .decideReexamination(outcome: outcome, finding: text("finding"))
        case "revoke":
            return try await revoke(context, id: id, state: state, reason: text("reason"), number: text("decision"))
        case "check":
            return try await openTargetedCheck(context, id: id, state: state, reason: text("reason"))
        default:
            throw WebError.notFound
        }
        try await services.actions.perform(ApplicationMachine.self, id: id, command, as: actor, expectedVersion: expected)
        return seeOther("/office/applications/\(id)?done=\(action)")
    }

    /// Revokes the application's certificate with `reason` and a decision number (the next
    /// 文号 from the gap-free counter when none is given), in one transaction.
    func revoke(
        _ context: WebRequestContext, id: String, state: ApplicationState, reason: String, number: String
    ) async throws -> Response {
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.revokeCertificate(tx, ctx, application: id, reason: reason, decision: number)
        }
        return seeOther("/office/applications/\(id)?done=revoke")
    }
}
