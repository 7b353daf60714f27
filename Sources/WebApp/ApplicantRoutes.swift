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
        uploads = try services.configuration.dataDirectory.map {
            try UploadStore(dataDirectory: $0, limits: services.configuration.uploadLimits)
        }
    }

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/apply").add(middleware: RequireRole([.applicant]))
        group.get { _, context in try home(context) }
        group.get("new") { _, context in try newPage(context, problem: nil) }
        group.post("new") { request, context in try await create(request, context) }
        group.get("{id}") { request, context in
            let draft = try owned(context)
            let submitted = request.uri.queryParameters.get("submitted") == "1"
            return try applicationPage(context, draft, flash: nil, receipt: submitted ? try receipt(draft) : nil)
        }
        // The form opens at its first step; the steps post to `{id}/step/{n}` (+Steps).
        group.get("{id}/form") { request, context in
            let draft = try owned(context)
            try requireEditable(draft)
            let saved = request.uri.queryParameters.get("saved") == "1"
            return try stepPage(
                context, draft, number: 1, data: try JSONValue.parse(draft.data), problems: [],
                flash: saved ? "草稿已保存。" : nil)
        }
        addSteps(to: group)
        group.post("{id}/form") { request, context in try await saveForm(request, context) }
        group.get("{id}/pledge") { _, context in
            let draft = try owned(context)
            _ = try requireEditable(draft)
            return try pledgePage(context, draft, reasons: [])
        }
        group.post("{id}/submit") { request, context in try await submit(request, context) }
        group.post("{id}/correction") { request, context in
            try await step(request, context) { form in
                (.answerCorrection(note: try Self.text(form, "note", "补正说明", max: 2000)), "补正材料已提交，请等待职改办审核。")
            }
        }
        group.post("{id}/reexamination") { request, context in
            try await step(request, context) { form in
                (.requestReexamination(reason: try Self.text(form, "reason", "复查理由", max: 2000)), "复查申请已提交。")
            }
        }
        group.post("{id}/withdraw") { request, context in
            try await step(
                request, context,
                confirm: { form, draft in
                    let reason = try Self.text(form, "reason", "撤回原因", max: 500)
                    return ConfirmStep.Ask(
                        heading: "确认撤回申报",
                        consequences: [
                            "撤回申报\(draft.applicationID)，撤回原因：\(reason)。",
                            "撤回后本申报即告终止，不能恢复；如需再次申报，须重新填写申报表。",
                        ], back: "/apply/\(draft.applicationID)")
                }
            ) { form in
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

    /// What of the form can be edited: all of it before the first submission and after the unit
    /// returned it; during a correction only the fields the notice names (everything else
    /// stays locked); nothing otherwise (nil).
    func editableForm(_ draft: DraftRecord) throws -> FormDefinition? {
        let form = try services.forms.form(draft.formID)
        guard let current = try state(draft.applicationID) else { return form }
        switch current.state.stage {
        case .draft, .none: return form
        case .correction:
            guard let fields = current.state.correction?.fields, !fields.isEmpty else { return nil }
            return form.restricted(to: Set(fields))
        default: return nil
        }
    }

    /// The editable form, or the refusal naming the rule.
    @discardableResult
    func requireEditable(_ draft: DraftRecord) throws -> FormDefinition {
        guard let form = try editableForm(draft) else {
            throw WebError.refused(rule: "application.locked", message: "申报已提交，申报表不能再修改。")
        }
        return form
    }

    /// Whether the draft is being edited to answer a correction (only some fields open).
    func isCorrecting(_ draft: DraftRecord) throws -> Bool {
        try state(draft.applicationID)?.state.stage == .correction
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
                "status": .string(current.map { $0.state.stage.chinese } ?? "草稿（未提交）"),
                "updated": .string(WebServices.beijingTime(draft.updatedAt)),
            ])
        }
        return try services.pages.response(
            .applyHome, title: "我的申报", data: ["applications": .list(rows), "hasApplications": .bool(!rows.isEmpty)],
            context: context)
    }

    /// The choice of series, level and track: nothing chosen for the applicant (请选择) but the
    /// normal track; after a refusal the choices made stay selected.
    func newPage(_ context: WebRequestContext, problem: String?, chosen: FormBody? = nil) throws -> Response {
        let forms: [TemplateValue] = services.forms.forms.values.sorted { $0.id < $1.id }.map { form in
            [
                "id": .string(form.id), "title": .string(form.title), "selected": .bool(chosen?["form"] == form.id),
                "levels": .list(form.levels.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
            ]
        }
        let levels: [TemplateValue] = Level.allCases.map {
            ["value": .string($0.rawValue), "label": .string($0.chinese), "selected": .bool(chosen?["level"] == $0.rawValue)]
        }
        let track = chosen?["track"] ?? Track.normal.rawValue
        let tracks: [TemplateValue] = Track.allCases.map {
            ["value": .string($0.rawValue), "label": .string($0.chinese), "selected": .bool(track == $0.rawValue)]
        }
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
            return try newPage(context, problem: "请选择申报系列（申报表）。", chosen: body)
        }
        guard let level = body["level"].flatMap(Level.init(rawValue:)), form.levels.contains(level) else {
            let allowed = form.levels.map(\.chinese).joined(separator: "、")
            let problem = body["level"].map { $0.isEmpty } ?? true ? "请选择申报级别。" : ""
            return try newPage(context, problem: "\(problem)“\(form.title)”可申报的级别为：\(allowed)。", chosen: body)
        }
        let track = body["track"].flatMap(Track.init(rawValue:)) ?? .normal
        guard form.tracks.contains(track) || track == .normal else {
            let allowed = form.tracks.map(\.chinese).joined(separator: "、")
            return try newPage(context, problem: "“\(form.title)”可选的申报途径为：常规申报、\(allowed)。", chosen: body)
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
        _ context: WebRequestContext, _ draft: DraftRecord, form: FormDefinition? = nil, data: JSONValue,
        problems: [Problem], flash: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let form = try form ?? requireEditable(draft)
        let view = FormView(
            form: form, data: data, problems: problems, csrfToken: context.csrfToken,
            action: "/apply/\(draft.applicationID)/form")
        return try services.pages.response(
            .applyForm, title: form.title,
            data: [
                "form": view.value, "id": .string(draft.applicationID), "flash": flash.map { .string($0) } ?? .null,
                "correcting": .bool(try isCorrecting(draft)),
            ], context: context, status: status)
    }

    /// A declaration page's post: its fields, and its files streamed to uploads/.incoming as
    /// they arrive (within the request's, the account's and the server's limits), each accepted
    /// within its field's count and the account's quota — a refused file is a problem beside its
    /// field. `form` is what this post may answer (the whole form, or one step's fields).
    func receivePost(
        _ request: Request, draft: DraftRecord, form: FormDefinition, stored: JSONValue
    ) async throws -> (pairs: [FormPair], accepted: [(path: String, attachment: JSONValue)], problems: [Problem]) {
        var request = request
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            return (try await request.form().pairs, [], [])
        }
        let multipart = try await MultipartFormData.receive(
            request, contentType: type, uploads: uploads, accountID: draft.accountID, form: form)
        defer { multipart.discardSpooled() }
        var accepted: [(path: String, attachment: JSONValue)] = []
        var problems: [Problem] = []
        var batch = UploadBatch(
            uploads: uploads, store: services.store, form: form, stored: stored, accountID: draft.accountID,
            now: services.now)
        for file in multipart.files where file.size > 0 {
            do {
                accepted.append((file.name, try batch.accept(file)))
            } catch {
                if let problem = error.problem { problems.append(problem) } else { throw error }
            }
        }
        return (multipart.fields, accepted, problems)
    }

    func saveForm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let draft = try owned(context)
        let form = try requireEditable(draft)
        let whole = try services.forms.form(draft.formID)
        let stored = try JSONValue.parse(draft.data)
        let (pairs, accepted, uploadProblems) = try await receivePost(
            request, draft: draft, form: form, stored: stored)
        let submission = FormSubmission(form: form, pairs: pairs, stored: stored, uploads: accepted)
        // Only the open fields change (all of them, or those a correction names); the rest of
        // the declaration is kept exactly as stored, whatever else was posted.
        let saved = whole.pruned(  // what the declaration does not ask (another track's fields) is not kept
            form.fields.count == whole.fields.count
                ? submission.data
                : whole.merging(submission.data, into: stored, only: Set(form.fields.map(\.id))))
        let now = services.now
        try services.store.write { tx in
            try tx.saveDraft(
                DraftRecord(
                    applicationID: draft.applicationID, accountID: draft.accountID, formID: draft.formID,
                    data: saved.canonical, updatedAt: Timestamp.format(now)))
        }
        let restricted = form.fields.count != whole.fields.count
        var problems =
            uploadProblems + submission.problems(includingValidation: submission.action == .submit && !restricted)
        if submission.action == .submit, problems.isEmpty, restricted {
            problems = whole.validate(saved).problems  // the whole declaration must be valid again
        }
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
        // The whole declaration as it will be archived, read once more before signing.
        let preview: TemplateValue =
            if let data = try? JSONValue.parse(draft.data) {
                .object(
                    WebServices.declarationValues(form.present(data), fileBase: "/apply/\(draft.applicationID)/files/"))
            } else { .null }
        let steps = (try? editableForm(draft))?.steps(for: (try? JSONValue.parse(draft.data)) ?? .object([:])) ?? []
        return try services.pages.response(
            .applyPledge, title: "告知承诺书",
            data: [
                "steps": Self.indicator(steps, current: 0, base: "/apply/\(draft.applicationID)"),
                "hasSteps": .bool(!steps.isEmpty),
                "preview": preview,
                "id": .string(draft.applicationID), "form": .string(form.title), "version": .string(form.version),
                "paragraphs": .list(paragraphs), "waived": .list(waived), "hasWaived": .bool(!waived.isEmpty),
                "reasons": .list(reasons.map { .string(ChineseText.fullWidth($0)) }), "hasReasons": .bool(!reasons.isEmpty),
                "correcting": .bool(try isCorrecting(draft)),
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
                context, draft, reasons: ["请阅读告知承诺书，勾选“本人已阅读并作出上述承诺”后再提交。"], status: .unprocessableContent)
        }
        let form = try services.forms.form(draft.formID)
        let data = try JSONValue.parse(draft.data)
        let intake = Intake(store: services.store, rules: services.rules, forms: services.forms)
        if try isCorrecting(draft) {
            let note = (body["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard note.count <= 2000 else {
                throw WebError.badRequest(field: "补正说明", message: "补正说明不能超过2000字。")
            }
            do {
                try intake.answerCorrection(
                    applicationID: draft.applicationID, formID: form.id, data: data,
                    note: note.isEmpty ? "已按补正通知修改申报表" : note, now: services.now)
            } catch let refusal as IntakeRefusal {
                if case .invalid(let problems) = refusal { return try problemStep(context, draft, data, problems) }
                throw WebError.refused(rule: "correction", message: refusal.chinese)
            }
            await services.actions.issueDocuments()
            return seeOther("/apply/\(draft.applicationID)")
        }
        // (A correction cannot change the ID number unless the notice names it; the Intake checks that.)
        if let person = identity.account.personID, data["id_number"]?.string.map({ "P-" + $0.uppercased() }) != person {
            let problem = Problem(path: "id_number", rule: "account.id-number", message: "公民身份号码须与注册账户一致")
            return try problemStep(context, draft, data, [problem])
        }
        let facts = try services.forms.rules(for: form.id).facts(declaredIn: data, series: form.series)
        do {
            try intake.submit(
                Declaration(formID: form.id, applicationID: draft.applicationID, data: data, facts: facts),
                now: services.now)
        } catch let refusal as IntakeRefusal {
            switch refusal {
            case .invalid(let problems):
                return try problemStep(context, draft, data, problems)
            case .ineligible(let decision):
                return try pledgePage(
                    context, draft, reasons: decision.reasons.map(\.message), status: .unprocessableContent)
            default:
                throw WebError.refused(rule: "intake", message: refusal.chinese)
            }
        }
        await services.actions.issueDocuments()
        return seeOther("/apply/\(draft.applicationID)?submitted=1")
    }

    /// The step holding the first of `problems`, showing them (the other steps' as links).
    func problemStep(
        _ context: WebRequestContext, _ draft: DraftRecord, _ data: JSONValue, _ problems: [Problem]
    ) throws -> Response {
        let steps = try requireEditable(draft).steps(for: data)
        let number = problems.first.flatMap { Self.owner(of: $0, in: steps) }?.number ?? 1
        return try stepPage(context, draft, number: number, data: data, problems: problems, status: .unprocessableContent)
    }

    /// The receipt shown once after a submission: the number, when (Beijing time), the
    /// declaration's digest and what happens next.
    func receipt(_ draft: DraftRecord) throws -> TemplateValue? {
        guard let stage = try state(draft.applicationID)?.state.stage, stage != .draft, stage != .none,
            let stored = try services.store.declaration(applicationID: draft.applicationID)
        else { return nil }
        // The 申报表 just issued, to open or keep (rendered at once after the submission).
        let form = try services.documents(forStream: ApplicationMachine.kind, id: draft.applicationID)
            .last { $0.kind == DocumentKind.declarationForm.rawValue }
        return [
            "id": .string(draft.applicationID), "at": .string(WebServices.beijingTime(stored.submittedAt)),
            "page": .string("/apply/\(draft.applicationID)"),
            "document": form.map { .string("/documents/\($0.id).html") } ?? .null,
            "documentODT": form.map { .string("/documents/\($0.id).odt") } ?? .null,
            "next": .string(
                stage == .unitReview
                    ? "下一步：单位审核——您的工作单位核对申报材料后进行单位内部公示（\(services.policy.unitNoticeWorkingDays)个工作日），公示期满无异议后推荐至职改办资格审核；每一步办理结果都会发送到您的站内消息。"
                    : "当前状态：\(stage.chinese)。"),
        ]
    }

    // MARK: the application

    func applicationPage(
        _ context: WebRequestContext, _ draft: DraftRecord, flash: String?, receipt: TemplateValue? = nil
    ) throws -> Response {
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
        // Held at the unit's step while the unit is suspended: say why and until when.
        var held: TemplateValue = .null
        if [.unitReview, .unitNotice, .qualificationReview].contains(stage), let unitID = s?.profile?.unitID,
            let standing = try services.store.load(UnitStandingMachine.self, id: unitID)?.state,
            let until = UnitStandingMachine.suspendedUntil(standing), BarEnd.isInForce(until: until, on: services.today)
        {
            held = .string(
                "您所在单位因提供虚假材料被暂停职称评审和聘任工作（\(BarEnd.chinese(until: until, then: "恢复"))），暂停期间单位不能公示、推荐，职改办不能受理，您的申报暂停在当前环节。")
        }
        let values: [String: TemplateValue] = [
            "id": .string(draft.applicationID), "form": .string(form?.title ?? draft.formID),
            "level": .string(level?.chinese ?? ""),
            "track": .string((data["track"]?.string).flatMap(Track.init(rawValue:))?.chinese ?? "常规申报"),
            "status": .string(stage == .none ? "草稿（未提交）" : stage.chinese),
            "flash": flash.map { .string($0) } ?? .null,
            "receipt": receipt ?? .null,
            "editable": .bool(editable),
            "returnReason": (stage == .draft ? s?.unitReturnReason : nil).map { .string($0) } ?? .null,
            "correction": stage == .correction
                ? [
                    "items": .list((s?.correction?.items ?? []).map { .string($0) }),
                    "deadline": .string(s?.correction?.deadline.chinese ?? ""),
                    // Fields named: answered by changing them in the form and signing again.
                    "editsForm": .bool(!(s?.correction?.fields ?? []).isEmpty),
                ] : .null,
            "reexamination": .bool(stage == .failed || stage == .refused),
            "withdraw": .bool(withdrawable.contains(stage)),
            "held": held,
            "certificate": s?.certificateNumber.map { .string($0) } ?? .null,
            "timeline": .list(timeline), "hasTimeline": .bool(!timeline.isEmpty),
            "documents": .list(documents), "hasDocuments": .bool(!documents.isEmpty),
        ]
        return try services.pages.response(.applyApplication, title: "申报 \(draft.applicationID)", data: values, context: context)
    }

    /// Runs the applicant's command built from the posted form, then shows the application.
    func step(
        _ request: Request, _ context: WebRequestContext,
        confirm: ((FormBody, DraftRecord) throws -> ConfirmStep.Ask)? = nil,
        _ build: (FormBody) throws -> (ApplicationCommand, String)
    ) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try owned(context)
        var request = request
        let body = try await request.form()
        if let confirm, !ConfirmStep.confirmed(body) {
            let ask = try confirm(body, draft)
            return try ConfirmStep.page(
                services.pages, form: body, action: request.uri.path, ask: ask, context: context)
        }
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

    /// `attachment` with the name as RFC 5987 UTF-8 and, as the fallback, its printable ASCII.
    static func disposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" })
        return DocumentRoutes.attachment(name, fallback: ascii.isEmpty ? "attachment" : ascii)
    }

    /// A required free-text field of a step's form, trimmed, 1 to `max` characters.
    static func text(_ form: FormBody, _ name: String, _ label: String, max: Int) throws -> String {
        let text = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(text.count) else {
            throw WebError.badRequest(field: label, message: "请填写\(label)（1至\(max)字）。")
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
