import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let officeAccept = Pages.Page("office-accept")
}

/// 批量受理: the applications waiting for the office's qualification review, each with the
/// result of the eligibility check on what it declared; the ticked ones (none ticked at first)
/// are accepted after a confirmation page, each in its own transaction at the version listed,
/// with a line per application saying what happened.
extension OfficeRoutes {
    static let acceptLimit = 500

    func addAccept(to group: RouterGroup<WebRequestContext>) {
        group.get("/accept") { _, context in try acceptPage(context, results: BatchResults()) }
        group.post("/accept") { request, context in
            var request = request
            return try await acceptList(context, form: try await request.form())
        }
    }

    func acceptPage(_ context: WebRequestContext, results: BatchResults) throws -> Response {
        let rows = try services.store.applicationQueue(
            ApplicationQuery(
                statuses: [ApplicationStage.qualificationReview.rawValue], limit: Self.acceptLimit,
                jurisdiction: try StaffScope(context).jurisdiction)
        ).rows
        var listed: [TemplateValue] = []
        for r in rows {
            guard let current = try services.store.load(ApplicationMachine.self, id: r.id) else { continue }
            let dossier = try services.dossier(id: r.id, state: current.state, withEligibility: true)
            let eligible = dossier["eligibility"]?["eligible"] == .bool(true)
            listed.append([
                "id": .string(r.id), "name": .string(r.personName ?? r.personID), "unit": .string(r.unitName ?? r.unitID),
                "title": .string(
                    "\(Series(rawValue: r.series)?.chinese ?? r.series) · \(Level(rawValue: r.level)?.chinese ?? r.level)"),
                "href": .string("/office/applications/\(r.id)"), "version": .string(String(current.version)),
                "eligible": .bool(eligible),
            ])
        }
        return try services.pages.response(
            .officeAccept, title: "批量受理",
            data: results.values.merging(["rows": .list(listed), "hasRows": .bool(!listed.isEmpty)]) { a, _ in a },
            context: context)
    }

    func acceptList(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let ids = Array(Set(form.all("id"))).sorted()
        guard !ids.isEmpty else { throw WebError.badRequest(field: "申报", message: "请至少勾选一件要受理的申报。") }
        guard ids.count <= Self.acceptLimit else {
            throw WebError.badRequest(field: "申报", message: "一次最多受理\(Self.acceptLimit)件申报。")
        }
        guard ConfirmStep.confirmed(form) else {
            return try ConfirmStep.page(
                services.pages, form: form, action: "/office/accept", heading: "确认受理所选的\(ids.count)件申报",
                consequences: [
                    "受理：\(ids.joined(separator: "、"))。",
                    "每件申报生成受理通知书，转入“已受理待评审”，不能再一次性告知补正或不予受理。",
                ], back: "/office/accept", context: context)
        }
        let actor = try context.requireIdentity().account.actor
        var results = BatchResults()
        for id in ids {
            guard let current = try services.store.load(ApplicationMachine.self, id: id) else {
                results.notFound(id)
                continue
            }
            // The version the list showed: an application changed since is not accepted blindly.
            let expected = form["version-\(id)"].flatMap { Int($0) } ?? current.version
            try await results.run(id, done: "已受理，受理通知书已生成。", failed: "未能受理。") {
                try await services.actions.perform(
                    ApplicationMachine.self, id: id, .accept, as: actor, expectedVersion: expected)
            }
        }
        return try acceptPage(context, results: results)
    }
}
