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
    static let officeCertificates = Pages.Page("office-certificates")
    static let officeCertificateRun = Pages.Page("office-certificate-run")
}

/// The office's batches: the public notice 公示 of several passed applications, the
/// confirmation 确认 of several with one 文号, and the certificates of a confirmation.
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
        group.get("/certificates") { _, context in try certificatesPage(context) }
        group.post("/certificates") { request, context in
            var request = request
            let number = (try await request.form()["number"] ?? "").trimmingCharacters(in: .whitespaces)
            let actor = try context.requireIdentity().account.actor
            try await services.certificateRuns.start(number: number, services: services, actor: actor)
            return seeOther("/office/certificates/run?number=\(percentEncoded(number))")
        }
        group.get("/certificates/download") { request, context in
            try certificateZip(context, number: request.uri.queryParameters.get("number") ?? "")
        }
        group.get("/certificates/run") { request, context in
            try await certificateRunPage(context, number: request.uri.queryParameters.get("number") ?? "")
        }
    }

    /// Applications of `stages`, as checkbox rows (id, applicant, unit, title).
    func selectable(_ stages: [ApplicationStage]) throws -> [TemplateValue] {
        var rows: [TemplateValue] = []
        for stage in stages {
            for (id, _) in try services.applicationIDs(unit: nil, status: stage.rawValue) {
                guard let p = try services.store.load(ApplicationMachine.self, id: id)?.state.profile else { continue }
                rows.append([
                    "id": .string(id), "name": .string(try services.store.person(p.personID)?.name ?? p.personID),
                    "unit": .string(try services.store.unit(p.unitID)?.name ?? p.unitID),
                    "title": .string(TitleNames.title(p.series, p.level)), "href": .string("/office/applications/\(id)"),
                ])
            }
        }
        return rows
    }

    // MARK: public notice

    func noticePage(_ context: WebRequestContext, batch: String?) throws -> Response {
        let rows = try selectable([.passed])
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
        let rows = try selectable([.awaitingConfirmation])
        var documents: [TemplateValue] = []
        if let number {
            // The 取得资格通知 of that 文号: one per confirmed application, rendered once.
            for (id, _) in try services.applicationIDs(unit: nil, status: nil) {
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

    // MARK: certificates

    /// The confirmations (文号) with applications still to certify or certified, with counts.
    func certificatesPage(_ context: WebRequestContext) throws -> Response {
        var batches: [String: (total: Int, done: Int)] = [:]
        for stage in [ApplicationStage.confirmed, .filed, .certified, .archived] {
            for (id, _) in try services.applicationIDs(unit: nil, status: stage.rawValue) {
                guard let state = try services.store.load(ApplicationMachine.self, id: id)?.state,
                    let number = state.documentNumber
                else { continue }
                var entry = batches[number] ?? (0, 0)
                entry.total += 1
                if state.certificateNumber != nil { entry.done += 1 }
                batches[number] = entry
            }
        }
        let rows: [TemplateValue] = batches.keys.sorted().map { number -> TemplateValue in
            let (total, done) = batches[number]!
            return [
                "number": .string(number), "total": .string(String(total)), "done": .string(String(done)),
                "remaining": .bool(done < total), "href": .string("/office/certificates/run?number=\(percentEncoded(number))"),
                "download": done > 0 ? .string("/office/certificates/download?number=\(percentEncoded(number))") : .null,
            ]
        }
        return try services.pages.response(
            .officeCertificates, title: "证书颁发",
            data: ["rows": .list(rows), "hasRows": .bool(!rows.isEmpty)], context: context)
    }

    func certificateRunPage(_ context: WebRequestContext, number: String) async throws -> Response {
        let progress = try CertificateRuns.progress(number: number, services: services)
        guard progress.total > 0 else { throw WebError.notFound }
        let run = await services.certificateRuns.status(number)
        // Every certificate of the batch recorded: done, even while the task renders the last one.
        let running = (run?.isRunning ?? false) && !progress.pending.isEmpty
        // At most 50 certificates' documents (a page reloaded to follow the run stays small).
        var documents: [TemplateValue] = []
        for id in progress.certified.suffix(50) {
            if let state = try services.store.load(ApplicationMachine.self, id: id)?.state,
                let cert = state.certificateNumber
            {
                documents += try services.documents(forStream: CertificateMachine.kind, id: cert).map(\.templateValue)
            }
        }
        return try services.pages.response(
            .officeCertificateRun, title: "证书颁发进度",
            data: [
                "number": .string(number),
                "done": .string(String(progress.certified.count)), "total": .string(String(progress.total)),
                "running": .bool(running), "remaining": .bool(!running && !progress.pending.isEmpty),
                "finished": .bool(progress.pending.isEmpty),
                "failure": run?.failure.map { .string($0) } ?? .null,
                "documents": .list(documents), "hasDocuments": .bool(!documents.isEmpty),
            ], context: context)
    }
}

/// The certificate runs of the server: one background task per confirmation 文号, issuing
/// the certificates of its applications one transaction each (gap-free number from the
/// counter, the certificate stream, the application's record). The work is derived from the
/// store (the applications of that 文号 not yet certified), so a run interrupted by a restart
/// or a refusal is resumed by starting it again; progress pages read the store.
actor CertificateRuns {
    struct Run: Sendable {
        var isRunning: Bool
        var failure: String?
    }

    private var runs: [String: Run] = [:]

    func status(_ number: String) -> Run? { runs[number] }

    /// The applications confirmed under `number`: certified and still pending, in id order.
    static func progress(number: String, services: WebServices) throws -> (
        total: Int, certified: [String], pending: [String]
    ) {
        try OfficeSteps.certificateProgress(store: services.store, number: number)
    }

    /// Starts (or resumes) the run of `number` unless it is running.
    func start(number: String, services: WebServices, actor: Actor) throws {
        let pending = try Self.progress(number: number, services: services).pending
        guard !pending.isEmpty else { throw WebError.notFound }
        guard runs[number]?.isRunning != true else { return }
        guard let signer = services.signer else {
            throw WebError.refused(rule: "certificate.no-signing-key", message: "服务器未配置签名密钥，不能颁发证书")
        }
        runs[number] = Run(isRunning: true, failure: nil)
        Task.detached {
            var failure: String?
            for id in pending {
                do {
                    try await Self.issue(id, signer: signer, services: services, actor: actor)
                } catch let error as WebError {
                    failure = "\(id)：\(error.message)"
                    break
                } catch {
                    failure = "\(id)：\(error)"
                    break
                }
            }
            await self.finish(number, failure: failure)
        }
    }

    private func finish(_ number: String, failure: String?) { runs[number] = Run(isRunning: false, failure: failure) }

    /// One certificate: number, certificate stream and the application's record, one transaction.
    static func issue(_ id: String, signer: CertificateSigner, services: WebServices, actor: Actor) async throws {
        let person: PersonRecord?
        do { person = try OfficeSteps.holder(store: services.store, application: id) } catch let refusal as Refusal {
            throw WebError.refused(rule: refusal.rule, message: refusal.message)
        }
        guard let person else { return }
        try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.issueCertificate(tx, ctx, application: id, holder: person, signer: signer)
        }
    }
}
