import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let unitRecommend = Pages.Page("unit-recommend")
}

/// 批量推荐: the unit's applications whose unit notice has run its working days, recommended
/// as a list — each its own transaction, as if recommended one by one, with a line per
/// application saying what happened (a refusal for one leaves the others done).
extension UnitRoutes {
    /// At most this many a batch (a unit's season fits; a larger list is refused, not cut).
    static let batchLimit = 500

    func addBatch(to router: Router<WebRequestContext>) {
        let group = router.group("/unit").add(middleware: RequireRole([.unitHR]))
        group.get("/recommend") { _, context in try recommendPage(context, results: BatchResults()) }
        group.post("/recommend") { request, context in
            var request = request
            return try await recommendList(context, form: try await request.form())
        }
    }

    /// The unit's applications in their notice: ready (the days have run) or not yet (from when).
    func noticeApplications(unit: String) throws -> (ready: [TemplateValue], waiting: [TemplateValue]) {
        let rows = try services.store.applicationQueue(
            ApplicationQuery(unit: unit, statuses: [ApplicationStage.unitNotice.rawValue], limit: Self.batchLimit)
        ).rows
        var ready: [TemplateValue] = []
        var waiting: [TemplateValue] = []
        for r in rows {
            guard let state = try services.store.load(ApplicationMachine.self, id: r.id)?.state,
                let start = state.unitNoticeStartedOn,
                let day = try? services.rules.calendar.adding(
                    workingDays: services.policy.unitNoticeWorkingDays, to: start)
            else { continue }
            let title = "\(Series(rawValue: r.series)?.chinese ?? r.series) · \(Level(rawValue: r.level)?.chinese ?? r.level)"
            let row: TemplateValue = [
                "id": .string(r.id), "name": .string(r.personName ?? r.personID), "title": .string(title),
                "href": .string("/unit/applications/\(r.id)"), "started": .string(start.chinese),
                "earliest": .string(day.chinese),
            ]
            if services.today >= day { ready.append(row) } else { waiting.append(row) }
        }
        return (ready, waiting)
    }

    func recommendPage(
        _ context: WebRequestContext, results: BatchResults, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let unit = try unitID(context)
        let (ready, waiting) = try noticeApplications(unit: unit)
        return try services.pages.response(
            .unitRecommend, title: "批量推荐",
            data: results.values.merging([
                "ready": .list(ready), "hasReady": .bool(!ready.isEmpty), "waiting": .list(waiting),
                "hasWaiting": .bool(!waiting.isEmpty), "days": .string(String(services.policy.unitNoticeWorkingDays)),
            ]) { a, _ in a }, context: context, status: status)
    }

    func recommendList(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let unit = try unitID(context)
        let ids = Array(Set(form.all("id"))).sorted()
        guard !ids.isEmpty else { throw WebError.badRequest(field: "申报", message: "请至少勾选一件要推荐的申报。") }
        guard ids.count <= Self.batchLimit else {
            throw WebError.badRequest(field: "申报", message: "一次最多推荐\(Self.batchLimit)件申报。")
        }
        let actor = try context.requireIdentity().account.actor
        var results = BatchResults()
        for id in ids {
            // Only the unit's own applications (another unit's id reads as unknown).
            guard let current = try services.store.load(ApplicationMachine.self, id: id),
                current.state.profile?.unitID == unit
            else {
                results.notFound(id)
                continue
            }
            try await results.run(id, done: "已推荐至职改办资格审核。", failed: "未能推荐。") {
                try await services.actions.perform(
                    ApplicationMachine.self, id: id, .recommend, as: actor, expectedVersion: current.version)
            }
        }
        return try recommendPage(context, results: results)
    }
}
