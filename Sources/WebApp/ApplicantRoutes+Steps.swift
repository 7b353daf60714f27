import Documents
import Domain
import Forms
import Foundation
import Hummingbird
import Store

extension Pages.Page {
    static let applyStep = Pages.Page("apply-step")
}

/// The declaration as steps (`/apply/{id}/step/{n}`): the form's sections for this declaration
/// (`FormDefinition.steps(for:)` — only the fields its track and level ask), one page each,
/// then 预览并承诺 (the pledge page). Every post saves the draft: 上一步, 保存草稿, 下一步, rows
/// and files; 下一步 checks the step's fields and stays on the step with its problems beside
/// them; on the last step it checks the whole declaration and opens the preview, or shows the
/// first step holding a problem with the others listed by step. No script needed.
extension ApplicantRoutes {
    func addSteps(to group: RouterGroup<WebRequestContext>) {
        group.get("{id}/step/{n}") { request, context in
            let draft = try owned(context)
            try requireEditable(draft)
            let data = try JSONValue.parse(draft.data)
            let query = request.uri.queryParameters
            // `?check=1`: the saved draft checked, as the links to a step with problems ask.
            let problems = query.get("check") == "1" ? try validate(draft, data) : []
            return try stepPage(
                context, draft, number: try stepNumber(context), data: data, problems: problems,
                flash: query.get("saved") == "1" ? "草稿已保存。" : nil)
        }
        group.post("{id}/step/{n}") { request, context in try await saveStep(request, context) }
    }

    /// The `{n}` parameter: a positive number (a step past the last is the last).
    func stepNumber(_ context: WebRequestContext) throws -> Int {
        guard let text = context.parameters.get("n"), text.count <= 3, let n = Int(text), n >= 1 else {
            throw WebError.notFound
        }
        return n
    }

    /// The whole declaration checked as the submission will check it (a correction: the form
    /// with the changes merged).
    func validate(_ draft: DraftRecord, _ data: JSONValue) throws -> [Problem] {
        try services.forms.form(draft.formID).validate(data).problems
    }

    /// The step holding a problem (the first step for the level, the track and whole-form ones).
    static func owner(of problem: Problem, in steps: [FormStep]) -> FormStep? {
        steps.first { $0.holds(problemAt: problem.path) } ?? steps.first
    }

    /// One step's page: the step indicator, the step's fields with its problems beside them, the
    /// other steps' problems as links, and the buttons.
    func stepPage(
        _ context: WebRequestContext, _ draft: DraftRecord, number: Int, data: JSONValue, problems: [Problem],
        flash: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let form = try requireEditable(draft)
        let correcting = try isCorrecting(draft)
        let steps = form.steps(for: data)
        guard !steps.isEmpty else { return seeOther("/apply/\(draft.applicationID)/pledge") }
        let step = steps[min(number, steps.count) - 1]
        let base = "/apply/\(draft.applicationID)"
        var byStep: [Int: [Problem]] = [:]
        for problem in problems {
            if let owner = Self.owner(of: problem, in: steps) { byStep[owner.number, default: []].append(problem) }
        }
        var buttons: [FormView.Button] = []
        if step.number > 1 { buttons.append(.init("prev", "上一步")) }
        buttons.append(.init("save", "保存草稿"))
        buttons.append(
            step.number < steps.count
                ? .init("next", "下一步", primary: true, skipChecks: false)
                : .init("next", "预览并承诺", primary: true, skipChecks: false))
        let view = FormView(
            form: form, data: data, problems: byStep[step.number] ?? [], csrfToken: context.csrfToken,
            action: "\(base)/step/\(step.number)", step: step, choices: !correcting, buttons: buttons)
        var others: [TemplateValue] = []
        for other in steps where other.number != step.number {
            guard let count = byStep[other.number]?.count else { continue }
            let item: [String: TemplateValue] = [
                "number": .number(Double(other.number)), "title": .string(other.title),
                "count": .number(Double(count)), "href": .string("\(base)/step/\(other.number)?check=1"),
            ]
            others.append(.object(item))
        }
        return try services.pages.response(
            .applyStep, title: "\(form.title)：\(step.title)",
            data: [
                "form": view.value, "id": .string(draft.applicationID), "formTitle": .string(form.title),
                "flash": flash.map { .string($0) } ?? .null, "correcting": .bool(correcting),
                "step": ["number": .number(Double(step.number)), "title": .string(step.title)],
                "stepCount": .number(Double(steps.count + 1)),
                "steps": Self.indicator(steps, current: step.number, base: base, problems: byStep),
                "otherProblems": .list(others), "hasOtherProblems": .bool(!others.isEmpty),
            ], context: context, status: status)
    }

    /// The step indicator: each step a link (the current one marked `aria-current="step"`), then
    /// 预览并承诺 — current (0) on the pledge page.
    static func indicator(
        _ steps: [FormStep], current: Int, base: String, problems: [Int: [Problem]] = [:]
    ) -> TemplateValue {
        var items: [TemplateValue] = steps.map { step in
            [
                "number": .number(Double(step.number)), "title": .string(step.title),
                "href": .string("\(base)/step/\(step.number)"), "current": .bool(step.number == current),
                "problems": problems[step.number].map { .number(Double($0.count)) } ?? .null,
            ]
        }
        items.append([
            "number": .number(Double(steps.count + 1)), "title": "预览并承诺", "href": .string("\(base)/pledge"),
            "current": .bool(current == 0), "problems": .null,
        ])
        return .list(items)
    }

    func saveStep(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let draft = try owned(context)
        let form = try requireEditable(draft)
        let whole = try services.forms.form(draft.formID)
        let correcting = try isCorrecting(draft)
        let stored = try JSONValue.parse(draft.data)
        let before = form.steps(for: stored)
        guard !before.isEmpty else { return seeOther("/apply/\(draft.applicationID)/pledge") }
        let step = before[min(try stepNumber(context), before.count) - 1]
        // Only this step's fields are read from the post (a hidden field posted is ignored).
        let stepForm = form.restricted(to: Set(step.fieldIDs))
        let (pairs, accepted, uploadProblems) = try await receivePost(
            request, draft: draft, form: stepForm, stored: stored)
        let submission = FormSubmission(form: stepForm, pairs: pairs, stored: stored, uploads: accepted)
        // The step's fields as posted over the stored draft; then whatever the declaration no
        // longer asks (another track's or level's fields) is dropped.
        var object = stored.object ?? [:]
        var changed = Set(step.fieldIDs)
        if step.number == 1 && !correcting { changed.formUnion([FormDefinition.levelField, FormDefinition.trackField]) }
        for id in changed { object[id] = submission.data[id] }
        for id in step.fieldIDs {
            // An unticked box is an answer once the box is asked (its requiredness may depend
            // on values of other steps, which the step's post does not carry).
            if let field = whole.field(id), case .boolean = field.type, object[id] == nil,
                whole.isRequired(field, in: object)
            {
                object[id] = .bool(false)
            }
        }
        let saved = whole.pruned(.object(object))
        let now = services.now
        try services.store.write { tx in
            try tx.saveDraft(
                DraftRecord(
                    applicationID: draft.applicationID, accountID: draft.accountID, formID: draft.formID,
                    data: saved.canonical, updatedAt: Timestamp.format(now)))
        }
        let base = "/apply/\(draft.applicationID)"
        let inputProblems = uploadProblems + submission.inputProblems
        let after = form.steps(for: saved)
        // The same section after the save (a changed track may add or drop steps before it).
        let here = after.first { $0.title == step.title }?.number ?? min(step.number, max(after.count, 1))
        let action = pairs.last { $0.name == "_action" }?.value ?? "save"
        func again(_ problems: [Problem], number: Int = here) throws -> Response {
            try stepPage(context, draft, number: number, data: saved, problems: problems, status: .unprocessableContent)
        }
        switch action {
        case "prev":
            return seeOther("\(base)/step/\(max(here - 1, 1))")
        case "next", "submit":
            let explained = Set(inputProblems.map(\.path))
            let all = inputProblems + whole.validate(saved).problems.filter { !explained.contains($0.path) }
            let current = after.first { $0.number == here }
            // A rule across fields (代表作可替代论文: papers, works or projects) spans steps: it
            // is checked with the whole declaration, from the last step, not on the way.
            let crossRules = Set(whole.rules.map(\.id))
            let mine = all.filter { p in
                current.map { Self.owner(of: p, in: after) == $0 } ?? true
                    && (here == after.count || !crossRules.contains(p.rule))
            }
            if !mine.isEmpty { return try again(here < after.count ? mine : all) }
            if here < after.count { return seeOther("\(base)/step/\(here + 1)") }
            // The last step: the whole declaration must be complete before the preview.
            if let first = all.first, let owner = Self.owner(of: first, in: after) {
                return try again(all, number: owner.number)
            }
            return seeOther("\(base)/pledge")
        default:
            if !inputProblems.isEmpty { return try again(inputProblems) }
            if action == "save" { return seeOther("\(base)/step/\(here)?saved=1") }
            // A row or a file added or removed: back to it.
            return seeOther("\(base)/step/\(here)" + (submission.anchor.map { "#" + $0 } ?? ""))
        }
    }
}
