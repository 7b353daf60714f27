import Documents
import Domain
import Forms
import Foundation
import Hummingbird
import Intake
import Store
import Workflow

extension Pages.Page {
    static let applyHome = Pages.Page("apply-home")
    static let applyNew = Pages.Page("apply-new")
    static let applyForm = Pages.Page("apply-form")
    static let applyPledge = Pages.Page("apply-pledge")
    static let applyApplication = Pages.Page("apply-application")
}

/// The applicant's portal (`/apply`): start a declaration (form, level, track), fill the form
/// rendered from its definition with drafts saved at every post, upload attachments, read and
/// sign the pledge, submit; then follow the application — timeline, documents, answering a
/// correction notice, re-examination, withdrawal, the certificate.
///
/// Every application is reached through the `drafts` row that ties it to the signed-in
/// account: another applicant's id answers 404, exactly like an id that does not exist.
struct ApplicantRoutes {
    let services: WebServices
    let uploads: UploadStore?

    init(services: WebServices) throws {
        self.services = services
        uploads = try services.configuration.dataDirectory.map { try UploadStore(dataDirectory: $0) }
    }

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/apply").add(middleware: RequireRole([.applicant]))
        group.get { _, context in try home(context) }
        group.get("new") { _, context in try newPage(context, problem: nil) }
        group.post("new") { request, context in try await create(request, context) }
        group.get("{id}") { _, context in try applicationPage(context, try owned(context), flash: nil) }
        group.get("{id}/form") { request, context in
            let draft = try owned(context)
            try requireEditable(draft)
            let saved = request.uri.queryParameters.get("saved") == "1"
            return try formPage(
                context, draft, data: try JSONValue.parse(draft.data), problems: [],
                flash: saved ? "草稿已保存。" : nil)
        }
        group.post("{id}/form") { request, context in try await saveForm(request, context) }
        group.get("{id}/pledge") { _, context in
            let draft = try owned(context)
            try requireEditable(draft)
            return try pledgePage(context, draft, reasons: [])
        }
        group.post("{id}/submit") { request, context in try await submit(request, context) }
        group.post("{id}/correction") { request, context in
            try await step(request, context) { form in
                (.answerCorrection(note: try Self.text(form, "note", "补正说明", max: 2000)), "补正材料已提交,请等待职改办审核。")
            }
        }
        group.post("{id}/reexamination") { request, context in
            try await step(request, context) { form in
                (.requestReexamination(reason: try Self.text(form, "reason", "复查理由", max: 2000)), "复查申请已提交。")
            }
        }
        group.post("{id}/withdraw") { request, context in
            try await step(request, context) { form in
                (.withdraw(reason: try Self.text(form, "reason", "撤回原因", max: 500)), "申报已撤回。")
            }
        }
        group.get("{id}/files/{sha}") { _, context in try attachment(context) }
    }

    // MARK: ownership

    /// The signed-in applicant's draft named by the `{id}` parameter, or 404.
    func owned(_ context: WebRequestContext) throws -> DraftRecord {
        let identity = try context.requireIdentity()
        guard let id = context.parameters.get("id"), id.count <= 64,
            let draft = try services.store.draft(applicationID: id, accountID: identity.account.id)
        else { throw WebError.notFound }
        return draft
    }

    func state(_ id: String) throws -> Versioned<ApplicationState>? {
        try services.store.load(ApplicationMachine.self, id: id)
    }

    /// The form can be edited before the first submission and after the unit returned it.
    func isEditable(_ draft: DraftRecord) throws -> Bool {
        guard let current = try state(draft.applicationID) else { return true }
        return current.state.stage == .draft || current.state.stage == .none
    }

    func requireEditable(_ draft: DraftRecord) throws {
        guard try isEditable(draft) else {
            throw WebError.refused(rule: "application.locked", message: "申报已提交,申报表不能再修改。")
        }
    }

    // MARK: home and new

    func home(_ context: WebRequestContext) throws -> Response {
        let identity = try context.requireIdentity()
        var rows: [TemplateValue] = []
        for draft in try services.store.drafts(accountID: identity.account.id) {
            let current = try state(draft.applicationID)
            let form = try? services.forms.form(draft.formID)
            let data = (try? JSONValue.parse(draft.data)) ?? .object([:])
            let level = data["level"]?.string.flatMap(Level.init(rawValue:))
            rows.append([
                "id": .string(draft.applicationID), "form": .string(form?.title ?? draft.formID),
                "level": .string(level?.chinese ?? ""),
                "status": .string(current.map { $0.state.stage.chinese } ?? "草稿(未提交)"),
                "updated": .string(String(draft.updatedAt.prefix(10))),
            ])
        }
        return try services.pages.response(
            .applyHome, title: "我的申报", data: ["applications": .list(rows), "hasApplications": .bool(!rows.isEmpty)],
            context: context)
    }

    func newPage(_ context: WebRequestContext, problem: String?) throws -> Response {
        let forms: [TemplateValue] = services.forms.forms.values.sorted { $0.id < $1.id }.map { form in
            [
                "id": .string(form.id), "title": .string(form.title),
                "levels": .list(form.levels.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
            ]
        }
        let levels: [TemplateValue] = Level.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }
        let tracks: [TemplateValue] = Track.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }
        return try services.pages.response(
            .applyNew, title: "新建申报",
            data: [
                "forms": .list(forms), "levels": .list(levels), "tracks": .list(tracks),
                "problem": problem.map { .string($0) } ?? .null,
            ], context: context, status: problem == nil ? .ok : .unprocessableContent)
    }

    func create(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var request = request
        let body = try await request.form()
        guard let form = body["form"].flatMap({ services.forms.forms[$0] }) else {
            return try newPage(context, problem: "请选择申报系列(申报表)。")
        }
        guard let level = body["level"].flatMap(Level.init(rawValue:)), form.levels.contains(level) else {
            let allowed = form.levels.map(\.chinese).joined(separator: "、")
            return try newPage(context, problem: "“\(form.title)”可申报的级别为:\(allowed)。")
        }
        let track = body["track"].flatMap(Track.init(rawValue:)) ?? .normal
        guard form.tracks.contains(track) || track == .normal else {
            let allowed = form.tracks.map(\.chinese).joined(separator: "、")
            return try newPage(context, problem: "“\(form.title)”可选的申报途径为:常规申报、\(allowed)。")
        }
        var data: [String: JSONValue] = ["level": .string(level.rawValue), "track": .string(track.rawValue)]
        data["name"] = .string(identity.account.displayName)
        if let person = identity.account.personID, person.hasPrefix("P-") {
            data["id_number"] = .string(String(person.dropFirst(2)))
        }
        let now = services.now
        let year = Day(now).components.year
        let id = try services.store.write { tx in
            let number = try tx.nextNumber("web-application-\(year)")
            let id = "W\(year)-\(String(format: "%05d", number))"
            try tx.saveDraft(
                DraftRecord(
                    applicationID: id, accountID: identity.account.id, formID: form.id,
                    data: JSONValue.object(data).canonical, updatedAt: Timestamp.format(now)))
            return id
        }
        return seeOther("/apply/\(id)/form")
    }

    // MARK: the form

    func formPage(
        _ context: WebRequestContext, _ draft: DraftRecord, data: JSONValue, problems: [Problem], flash: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let form = try services.forms.form(draft.formID)
        let view = FormView(
            form: form, data: data, problems: problems, csrfToken: context.csrfToken,
            action: "/apply/\(draft.applicationID)/form")
        return try services.pages.response(
            .applyForm, title: form.title,
            data: [
                "form": view.value, "id": .string(draft.applicationID), "flash": flash.map { .string($0) } ?? .null,
            ], context: context, status: status)
    }

    func saveForm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let draft = try owned(context)
        try requireEditable(draft)
        let form = try services.forms.form(draft.formID)
        let stored = try JSONValue.parse(draft.data)
        var request = request
        var pairs: [FormPair]
        var accepted: [(path: String, attachment: JSONValue)] = []
        var uploadProblems: [Problem] = []
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let multipart = try MultipartFormData.parse(Array(body.readableBytesView), contentType: type)
            pairs = multipart.fields
            for file in multipart.files where !file.body.isEmpty {
                guard let uploads else { throw WebError.internal }
                do {
                    accepted.append((file.name, try uploads.accept(file, form: form)))
                } catch {
                    if let problem = error.problem { uploadProblems.append(problem) } else { throw error }
                }
            }
        } else {
            pairs = try await request.form().pairs
        }
        let submission = FormSubmission(form: form, pairs: pairs, stored: stored, uploads: accepted)
        let now = services.now
        try services.store.write { tx in
            try tx.saveDraft(
                DraftRecord(
                    applicationID: draft.applicationID, accountID: draft.accountID, formID: draft.formID,
                    data: submission.data.canonical, updatedAt: Timestamp.format(now)))
        }
        let problems = uploadProblems + submission.problems(includingValidation: submission.action == .submit)
        if submission.action == .submit {
            if problems.isEmpty { return seeOther("/apply/\(draft.applicationID)/pledge") }
            return try formPage(
                context, draft, data: submission.data, problems: problems, status: .unprocessableContent)
        }
        if problems.isEmpty {
            // Post/Redirect/Get: the saved draft is shown by a GET (a reload posts nothing twice).
            let saved = submission.action == .save ? "?saved=1" : ""
            return seeOther("/apply/\(draft.applicationID)/form\(saved)" + (submission.anchor.map { "#" + $0 } ?? ""))
        }
        return try formPage(context, draft, data: submission.data, problems: problems, status: .unprocessableContent)
    }

    // MARK: pledge and submission

    func pledgePage(
        _ context: WebRequestContext, _ draft: DraftRecord, reasons: [String], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let form = try services.forms.form(draft.formID)
        let pledge = form.pledge
        let paragraphs = (pledge?.text ?? "").split(separator: "\n", omittingEmptySubsequences: true).map {
            TemplateValue.string(String($0))
        }
        let waived: [TemplateValue] = (pledge?.waives ?? []).map { .string($0.label) }
        return try services.pages.response(
            .applyPledge, title: "告知承诺书",
            data: [
                "id": .string(draft.applicationID), "form": .string(form.title), "version": .string(form.version),
                "paragraphs": .list(paragraphs), "waived": .list(waived), "hasWaived": .bool(!waived.isEmpty),
                "reasons": .list(reasons.map { .string($0) }), "hasReasons": .bool(!reasons.isEmpty),
            ], context: context, status: status)
    }

    func submit(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try owned(context)
        try requireEditable(draft)
        var request = request
        let body = try await request.form()
        guard body["agree"] == "yes" else {
            return try pledgePage(
                context, draft, reasons: ["请阅读告知承诺书,勾选“本人已阅读并作出上述承诺”后再提交。"], status: .unprocessableContent)
        }
        let form = try services.forms.form(draft.formID)
        let data = try JSONValue.parse(draft.data)
        if let person = identity.account.personID, data["id_number"]?.string.map({ "P-" + $0.uppercased() }) != person {
            let problem = Problem(path: "id_number", rule: "account.id-number", message: "公民身份号码须与注册账户一致")
            return try formPage(context, draft, data: data, problems: [problem], status: .unprocessableContent)
        }
        let facts = try services.forms.rules(for: form.id).facts(declaredIn: data, series: form.series)
        let intake = Intake(store: services.store, rules: services.rules, forms: services.forms)
        do {
            try intake.submit(
                Declaration(formID: form.id, applicationID: draft.applicationID, data: data, facts: facts),
                now: services.now)
        } catch let refusal as IntakeRefusal {
            switch refusal {
            case .invalid(let problems):
                return try formPage(context, draft, data: data, problems: problems, status: .unprocessableContent)
            case .ineligible(let decision):
                return try pledgePage(
                    context, draft, reasons: decision.reasons.map(\.message), status: .unprocessableContent)
            default:
                throw WebError.refused(rule: "intake", message: refusal.chinese)
            }
        }
        await services.actions.issueDocuments()
        return seeOther("/apply/\(draft.applicationID)")
    }

    // MARK: the application

    func applicationPage(_ context: WebRequestContext, _ draft: DraftRecord, flash: String?) throws -> Response {
        let form = try? services.forms.form(draft.formID)
        let data = (try? JSONValue.parse(draft.data)) ?? .object([:])
        let current = try state(draft.applicationID)
        let stage = current?.state.stage ?? .none
        let s = current?.state
        var timeline: [TemplateValue] = []
        if current != nil {
            for (_, event) in try services.store.history(ApplicationMachine.self, id: draft.applicationID) {
                timeline.append(["day": .string(event.day.description), "text": .string(event.chinese)])
            }
        }
        let documents: [TemplateValue] =
            try s.map { try services.documents(forApplication: $0, id: draft.applicationID).map(\.templateValue) } ?? []
        let level = (data["level"]?.string).flatMap(Level.init(rawValue:))
        let editable = stage == .none || stage == .draft
        let withdrawable: Set<ApplicationStage> = [.unitReview, .unitNotice, .qualificationReview, .correction, .accepted]
        let values: [String: TemplateValue] = [
            "id": .string(draft.applicationID), "form": .string(form?.title ?? draft.formID),
            "level": .string(level?.chinese ?? ""),
            "track": .string((data["track"]?.string).flatMap(Track.init(rawValue:))?.chinese ?? "常规申报"),
            "status": .string(stage == .none ? "草稿(未提交)" : stage.chinese),
            "flash": flash.map { .string($0) } ?? .null,
            "editable": .bool(editable),
            "returnReason": (stage == .draft ? s?.unitReturnReason : nil).map { .string($0) } ?? .null,
            "correction": stage == .correction
                ? [
                    "items": .list((s?.correction?.items ?? []).map { .string($0) }),
                    "deadline": .string(s?.correction?.deadline.description ?? ""),
                ] : .null,
            "reexamination": .bool(stage == .failed || stage == .refused),
            "withdraw": .bool(withdrawable.contains(stage)),
            "certificate": s?.certificateNumber.map { .string($0) } ?? .null,
            "timeline": .list(timeline), "hasTimeline": .bool(!timeline.isEmpty),
            "documents": .list(documents), "hasDocuments": .bool(!documents.isEmpty),
        ]
        return try services.pages.response(.applyApplication, title: "申报 \(draft.applicationID)", data: values, context: context)
    }

    /// Runs the applicant's command built from the posted form, then shows the application.
    func step(
        _ request: Request, _ context: WebRequestContext,
        _ build: (FormBody) throws -> (ApplicationCommand, String)
    ) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try owned(context)
        var request = request
        let body = try await request.form()
        let (command, done) = try build(body)
        let version = Int(body["version"] ?? "")
        try await services.actions.perform(
            ApplicationMachine.self, id: draft.applicationID, command, as: identity.account.actor,
            expectedVersion: version)
        return try applicationPage(context, draft, flash: done)
    }

    /// One of the applicant's own attachments (by its SHA-256, only when the draft holds it).
    func attachment(_ context: WebRequestContext) throws -> Response {
        let draft = try owned(context)
        guard let sha = context.parameters.get("sha"), let uploads,
            let file = Self.attachments(in: try JSONValue.parse(draft.data)).first(where: { $0["sha256"]?.string == sha }),
            let bytes = uploads.contents(sha256: sha)
        else { throw WebError.notFound }
        let type = file["media_type"]?.string ?? "application/octet-stream"
        let name = file["name"]?.string ?? "attachment"
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: Self.disposition(name)],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `attachment` with the name as RFC 5987 UTF-8 and an ASCII fallback.
    static func disposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .init(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
        return "attachment; filename=\"\(ascii.isEmpty ? "attachment" : ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// A required free-text field of a step's form, trimmed, 1 to `max` characters.
    static func text(_ form: FormBody, _ name: String, _ label: String, max: Int) throws -> String {
        let text = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(text.count) else {
            throw WebError.badRequest(field: label, message: "请填写\(label)(1至\(max)字)。")
        }
        return text
    }

    /// Every attachment object anywhere in a declaration.
    static func attachments(in value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let o):
            if o["sha256"] != nil, o["media_type"] != nil { return [value] }
            return o.keys.sorted().flatMap { attachments(in: o[$0]!) }
        case .array(let a): return a.flatMap(attachments(in:))
        default: return []
        }
    }
}
