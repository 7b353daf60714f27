import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Signing
import Store
import Workflow

extension Pages.Page {
    static let officeNotice = Pages.Page("office-notice")
    static let officeConfirm = Pages.Page("office-confirm")
}

/// The office's batches: the public notice 公示 of several passed applications, the
/// confirmation 确认 of several with one 文号 (the certificates of a confirmation:
/// `OfficeRoutes+Certificates.swift`).
extension OfficeRoutes {
    func addBatches(to group: RouterGroup<WebRequestContext>) {
        group.get("/notice") { request, context in
            try noticePage(context, batch: request.uri.queryParameters.get("batch"))
        }
        group.post("/notice") { request, context in
            var request = request
            return try await startNotice(context, form: try await request.form())
        }
        group.get("/confirm") { request, context in
            try confirmPage(context, number: request.uri.queryParameters.get("number"))
        }
        group.post("/confirm") { request, context in
            var request = request
            return try await confirm(context, form: try await request.form())
        }
        addCertificates(to: group)
    }

    /// Applications of `stages` within `scope` (a county's staff: their county's), as checkbox
    /// rows (id, applicant, unit, title).
    func selectable(_ stages: [ApplicationStage], scope: StaffScope) throws -> [TemplateValue] {
        var rows: [TemplateValue] = []
        for stage in stages {
            for (id, _) in try services.store.applications(
                unit: nil, status: stage.rawValue, jurisdiction: scope.jurisdiction)
            {
                guard let p = try services.store.load(ApplicationMachine.self, id: id)?.state.profile else { continue }
                rows.append([
                    "id": .string(id), "name": .string(try services.store.person(p.personID)?.name ?? p.personID),
                    "unit": .string(try services.store.unit(p.unitID)?.name ?? p.unitID),
                    "title": .string(TitleNames.title(p.series, p.level)), "href": .string("/office/applications/\(id)"),
                    // Seed item 6: a self-reviewing unit's result (and a county's, when the policy says so) is filed 备案.
                    "filing": .string(
                        Routing.resultIsFiled(p, policy: services.policy)
                            ? "备案（\(Routing.chinese(Routing.jurisdiction(of: p), policy: services.policy))）" : "确认"),
                ])
            }
        }
        return rows
    }

    // MARK: public notice

    func noticePage(_ context: WebRequestContext, batch: String?) throws -> Response {
        let rows = try selectable([.passed], scope: try StaffScope(context))
        let today = services.today
        var documents: [TemplateValue] = []
        if let batch, let first = try services.store.documents(kind: .publicNotice, subject: batch).first {
            documents = [IssuedDocument(first).templateValue]
        }
        return try services.pages.response(
            .officeNotice, title: "评审结果公示",
            data: [
                "rows": .list(rows), "hasRows": .bool(!rows.isEmpty),
                "batchID": .string(try OfficeSteps.suggestedNoticeBatch(store: services.store, on: today)),
                "startDay": .string(today.description),
                "workingDays": .string(String(services.policy.publicNoticeWorkingDays)),
                "batch": batch.map { .string($0) } ?? .null, "documents": .list(documents),
                "hasDocuments": .bool(!documents.isEmpty),
            ], context: context)
    }

    /// Starts the notice of every selected application in one transaction: the batch lands
    /// whole or not at all, and its one notice document is issued.
    func startNotice(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let ids = form.all("id")
        let batch = (form["batch"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !ids.isEmpty else { throw WebError.badRequest(field: "申报", message: "请至少选择一件评审通过的申报。") }
        guard let start = Day(form["start"] ?? "") else {
            throw WebError.badRequest(field: "公示开始日期", message: "请填写公示开始日期（如 2026-05-28）。")
        }
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.startPublicNotice(tx, ctx, applications: ids, batch: batch, startsOn: start)
        }
        return seeOther("/office/notice?batch=\(percentEncoded(batch))")
    }

    // MARK: confirmation

    func confirmPage(_ context: WebRequestContext, number: String?) throws -> Response {
        let scope = try StaffScope(context)
        let rows = try selectable([.awaitingConfirmation], scope: scope)
        var documents: [TemplateValue] = []
        if let number {
            // The 取得资格通知 of that 文号: one per confirmed application, rendered once.
            for (id, _) in try services.store.applications(unit: nil, jurisdiction: scope.jurisdiction) {
                guard let state = try services.store.load(ApplicationMachine.self, id: id)?.state,
                    state.documentNumber == number
                else { continue }
                if let doc = try services.documents(forStream: ApplicationMachine.kind, id: id)
                    .first(where: { $0.kind == DocumentKind.qualificationNotice.rawValue })
                {
                    documents.append(doc.templateValue)
                }
                break
            }
        }
        let isHead = try context.requireIdentity().account.role == .officeHead
        return try services.pages.response(
            .officeConfirm, title: "确认（取得资格）",
            data: [
                "rows": .list(rows), "hasRows": .bool(!rows.isEmpty), "isHead": .bool(isHead),
                "number": number.map { .string($0) } ?? .null, "documents": .list(documents),
                "hasDocuments": .bool(!documents.isEmpty),
            ], context: context)
    }

    /// Confirms the selected applications under ONE 文号 from the gap-free counter, in one
    /// transaction (office head; the machine refuses anyone else).
    func confirm(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let ids = form.all("id")
        guard !ids.isEmpty else { throw WebError.badRequest(field: "申报", message: "请至少选择一件待确认的申报。") }
        let actor = try context.requireIdentity().account.actor
        let number = try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.confirm(tx, ctx, applications: ids)
        }
        return seeOther("/office/confirm?number=\(percentEncoded(number))")
    }
}
