import Documents
import Hummingbird

extension Pages.Page {
    static let confirmAction = Pages.Page("confirm-action")
}

/// The confirmation step of an irreversible action (withdraw, vote, convene, close, accept).
///
/// The action's form posts without `confirm=yes`: the answer is a page saying what will happen,
/// carrying the same fields as hidden inputs and a 确认 button that posts them again with
/// `confirm=yes` (and a 返回 link). Only that second post runs the step. No script: two plain
/// forms.
struct ConfirmStep {
    /// Whether the form carries the confirmation.
    static func confirmed(_ form: FormBody) -> Bool { form["confirm"] == "yes" }

    /// What the confirmation page says.
    struct Ask: Sendable {
        var heading: String
        var consequences: [String]
        var back: String
        var button: String = "确认"
    }

    static func page(
        _ pages: Pages, form: FormBody, action: String, ask: Ask, context: WebRequestContext
    ) throws -> Response {
        try page(
            pages, form: form, action: action, heading: ask.heading, consequences: ask.consequences, back: ask.back,
            button: ask.button, context: context)
    }

    /// The confirmation page for `form` posted to `action`.
    /// - Parameters:
    ///   - heading: what the action is (确认撤回申报).
    ///   - consequences: what will happen, one sentence each.
    ///   - back: the page the action's form was on.
    static func page(
        _ pages: Pages, form: FormBody, action: String, heading: String, consequences: [String], back: String,
        button: String = "确认", context: WebRequestContext
    ) throws -> Response {
        let fields: [TemplateValue] = form.pairs.filter { $0.name != "_csrf" && $0.name != "confirm" }.map {
            ["name": .string($0.name), "value": .string($0.value)]
        }
        return try pages.response(
            .confirmAction, title: heading,
            data: [
                "heading": .string(heading), "action": .string(action), "back": .string(back),
                "button": .string(button),
                "consequences": .list(consequences.map { ["text": .string($0)] }),
                "fields": .list(fields),
            ], context: context)
    }
}
