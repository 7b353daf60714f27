/// The declaration as steps: which fields are asked for a declaration (`visible_when:`), what
/// is kept of it, and the sections of the form as the steps of the web form.
extension FormDefinition {
    /// Whether `field` is asked for this declaration: its `visible_when:` holds (always when it
    /// has none). Read on the server from the declaration's own values (track, level …).
    public func isVisible(_ field: FieldDefinition, in data: [String: JSONValue]) -> Bool {
        field.visibleWhen?.holds(in: data) ?? true
    }

    /// The top-level fields asked for this declaration, in form order.
    public func visibleFields(in data: JSONValue) -> [FieldDefinition] {
        let object = data.object ?? [:]
        return fields.filter { isVisible($0, in: object) }
    }

    /// `data` without the values of fields it does not ask (another track's, another level's):
    /// what a draft keeps after the applicant changed the track or the level. Conditions read
    /// the declaration as it was posted, so a hidden field never decides another's visibility.
    public func pruned(_ data: JSONValue) -> JSONValue {
        guard var object = data.object else { return data }
        let before = object
        for field in fields where object[field.id] != nil && !isVisible(field, in: before) {
            object[field.id] = nil
        }
        return .object(object)
    }

    /// The steps of the web form for this declaration: the form's sections (`section:`) in order
    /// of first appearance, each with its fields that are asked; a section with none asked is
    /// skipped (the 申报通道 section on the normal track), and a section of attachments only
    /// comes last, just before the preview. The specialty field (`specialty_field:`) leads its
    /// section. The level and the track belong to the first step.
    public func steps(for data: JSONValue) -> [FormStep] {
        let object = data.object ?? [:]
        var steps: [FormStep] = []
        for section in sections {
            var ids = section.fields.filter { isVisible($0, in: object) }.map(\.id)
            guard !ids.isEmpty else { continue }
            if let specialty = specialtyField, let i = ids.firstIndex(of: specialty), i > 0 {
                ids.remove(at: i)
                ids.insert(specialty, at: 0)
            }
            let attachmentsOnly = ids.allSatisfy { id in
                if case .attachment? = field(id)?.type { true } else { false }
            }
            steps.append(FormStep(title: section.title, fieldIDs: ids, attachmentsOnly: attachmentsOnly))
        }
        let ordered = steps.filter { !$0.attachmentsOnly } + steps.filter(\.attachmentsOnly)
        return ordered.enumerated().map { i, step in
            var s = step
            s.number = i + 1
            return s
        }
    }

    /// The top-level field a problem's path belongs to: `papers[0].title` → `papers`.
    public static func topField(ofPath path: String) -> String {
        String(path.prefix { $0 != "[" && $0 != "." })
    }
}

/// One step of the web form: a section's title and the top-level fields it asks, in order.
public struct FormStep: Sendable, Equatable {
    /// 1-based position among the steps.
    public var number = 0
    public var title: String
    public var fieldIDs: [String]
    /// Every field of the step is an attachment (the step goes last).
    public var attachmentsOnly = false

    public init(title: String, fieldIDs: [String], attachmentsOnly: Bool = false) {
        self.title = title
        self.fieldIDs = fieldIDs
        self.attachmentsOnly = attachmentsOnly
    }

    /// Whether a problem at `path` (a validator path) is about a field of this step; the level
    /// and the track (and a whole-form problem) belong to the first step.
    public func holds(problemAt path: String) -> Bool {
        let top = FormDefinition.topField(ofPath: path)
        if top.isEmpty || top == FormDefinition.levelField || top == FormDefinition.trackField { return number == 1 }
        return fieldIDs.contains(top)
    }
}
