import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let unitHome = Pages.Page("unit")
    static let unitApplication = Pages.Page("unit-application")
}

/// The unit HR console (`/unit`): the unit's applications by status, and on each the steps
/// the unit takes — start the unit notice 单位公示, recommend 推荐 (the machine refuses until the
/// notice has run its working days), return to the applicant with a reason.
///
/// Only the applications whose profile names the account's unit are shown; another unit's
/// application id answers 404.
struct UnitRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/unit").add(middleware: RequireRole([.unitHR]))
        group.get { request, context in try home(request, context) }
        group.get("/applications/{id}") { request, context in
            let (unit, id, state, version) = try own(context)
            return try page(
                context, unit: unit, id: id, state: state, version: version,
                done: request.uri.queryParameters.get("done"))
        }
        group.post("/applications/{id}/notice") { request, context in
            var request = request
            return try await step(context, .startUnitNotice, form: try await request.form(), done: "notice")
        }
        group.post("/applications/{id}/recommend") { request, context in
            var request = request
            return try await step(context, .recommend, form: try await request.form(), done: "recommended")
        }
        group.post("/applications/{id}/return") { request, context in
            var request = request
            let form = try await request.form()
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return try await step(context, .returnToApplicant(reason: reason), form: form, done: "returned")
        }
        addBatch(to: router)
    }

    /// The account's unit, or a 403 for an HR account that names none.
    func unitID(_ context: WebRequestContext) throws -> String {
        guard let unit = try context.requireIdentity().account.unitID else {
            throw WebError.forbidden("您的账户未关联用人单位，请联系职改办。")
        }
        return unit
    }

    /// The application of the URL when it belongs to the account's unit (else 404).
    func own(_ context: WebRequestContext) throws -> (String, String, ApplicationState, Int) {
        let unit = try unitID(context)
        let id = context.parameters.get("id") ?? ""
        guard let current = try services.store.load(ApplicationMachine.self, id: id),
            current.state.profile?.unitID == unit
        else { throw WebError.notFound }
        return (unit, id, current.state, current.version)
    }

    /// The statuses that wait for the unit's own step (listed first).
    static let pending = [ApplicationStage.unitReview.rawValue, ApplicationStage.unitNotice.rawValue]

    func home(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let unit = try unitID(context)
        let filter = QueueFilter(request)
        let counts = try services.store.applicationQueueCounts(unit: unit)
        var data = try services.applicationQueue(
            filter, unit: unit, defaultStatuses: [], defaultLabel: "全部状态（待办在前）", first: Self.pending,
            path: "/unit", link: { "/unit/applications/\($0)" })
        data["counts"] = .list(services.statusCountList(counts, current: filter.status, path: "/unit"))
        data["unitName"] = .string(try services.store.unit(unit)?.name ?? unit)
        let account = try context.requireIdentity().account
        data["administersUnit"] = .bool(
            try UnitStaffActions.registration(store: services.store, unitID: unit).map {
                UnitRegistrationMachine.administratorActorID($0.state) == account.actor.id
            } ?? false)
        data["statusName"] = ApplicationStage(rawValue: filter.status).map { .string($0.chinese) } ?? .null
        data["waiting"] = .string(
            String(counts.filter { Self.pending.contains($0.status) }.reduce(0) { $0 + $1.count }))
        return try services.pages.response(.unitHome, title: "单位审核推荐", data: data, context: context)
    }

    func page(
        _ context: WebRequestContext, unit: String, id: String, state: ApplicationState, version: Int, done: String?
    ) throws -> Response {
        var data = try services.applicationFacts(id: id, state: state)
        data["id"] = .string(id)
        data["version"] = .string(String(version))
        data["canStartNotice"] = .bool(state.stage == .unitReview)
        data["canReturn"] = .bool(state.stage == .unitReview || state.stage == .unitNotice)
        // 推荐 is offered only once the notice has run its working days (the machine refuses
        // earlier anyway); during the notice the page says from which day.
        var earliest: TemplateValue = .null
        var canRecommend = false
        if state.stage == .unitNotice, let start = state.unitNoticeStartedOn,
            let day = try? services.rules.calendar.adding(
                workingDays: services.policy.unitNoticeWorkingDays, to: start)
        {
            canRecommend = services.today >= day
            earliest = .string(
                canRecommend
                    ? "单位公示自\(start.chinese)开始，已满\(services.policy.unitNoticeWorkingDays)个工作日，可以推荐。"
                    : "单位公示自\(start.chinese)开始，须满\(services.policy.unitNoticeWorkingDays)个工作日，最早可于\(day.chinese)推荐。")
        }
        data["canRecommend"] = .bool(canRecommend)
        data["earliest"] = earliest
        data["flash"] = done.flatMap { Self.flashes[$0] }.map { .string($0) } ?? .null
        return try services.pages.response(
            .unitApplication, title: "申报 \(id)", data: data, context: context)
    }

    static let flashes = [
        "notice": "已开始单位公示。", "recommended": "已推荐至职改办资格审核。", "returned": "已退回申报人。",
    ]

    /// Runs `command` on the unit's application, at the version the page showed (a stale page
    /// is refused rather than acting on a changed application).
    func step(
        _ context: WebRequestContext, _ command: ApplicationCommand, form: FormBody, done: String
    ) async throws -> Response {
        let (_, id, _, version) = try own(context)
        try await services.actions.perform(
            ApplicationMachine.self, id: id, command, as: context.requireIdentity().account.actor,
            expectedVersion: form["version"].flatMap { Int($0) } ?? version)
        return seeOther("/unit/applications/\(id)?done=\(done)")
    }
}
