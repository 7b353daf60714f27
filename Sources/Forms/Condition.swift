import Domain

/// When a requirement or limit applies. Written in YAML as a mapping whose entries must all
/// hold, e.g.
///
/// ```yaml
/// required_when: {level: [deputy-senior, full-senior], track_not: [special-evaluation]}
/// required_when: {equals: {work_location: urban}, level: [deputy-senior, full-senior]}
/// required_when: {any: [{equals: {rural_school: true}}, {filled: [support_teaching]}]}
/// ```
///
/// Keys: `level`, `level_not`, `track`, `track_not` (lists of values; an absent track is
/// `normal`), `equals` / `not_equals` (field: value or list of values), `filled` / `empty`
/// (lists of field ids), `any` / `all` (lists of conditions), `not` (a condition).
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// The field's value is one of these (an absent field matches nothing).
    case equals(field: String, values: [JSONValue])
    case filled(String)

    public func holds(in data: [String: JSONValue]) -> Bool {
        switch self {
        case .all(let cs): return cs.allSatisfy { $0.holds(in: data) }
        case .any(let cs): return cs.contains { $0.holds(in: data) }
        case .not(let c): return !c.holds(in: data)
        case .equals(let field, let values):
            var value = data[field]
            if value == nil, field == FormDefinition.trackField { value = .string(Track.normal.rawValue) }
            guard let value else { return false }
            return values.contains(value)
        case .filled(let field):
            guard let value = data[field] else { return false }
            switch value {
            case .null: return false
            case .array(let a): return !a.isEmpty
            case .string(let s): return !s.isEmpty
            default: return true
            }
        }
    }

    /// Field ids the condition reads.
    public var fieldsRead: [String] {
        switch self {
        case .all(let cs), .any(let cs): cs.flatMap(\.fieldsRead)
        case .not(let c): c.fieldsRead
        case .equals(let f, _), .filled(let f): [f]
        }
    }

    /// In Chinese, for messages: “申报级别为副高级或正高级”.
    func chinese(in form: FormDefinition) -> String {
        switch self {
        case .all(let cs): return cs.map { $0.chinese(in: form) }.joined(separator: "且")
        case .any(let cs): return "(" + cs.map { $0.chinese(in: form) }.joined(separator: "或") + ")"
        case .not(let c): return "并非“\(c.chinese(in: form))”"
        case .equals(let field, let values):
            let label = form.label(of: field)
            let shown = values.map { form.display(value: $0, of: field) }.joined(separator: "或")
            return "\(label)为\(shown)"
        case .filled(let field): return "填写了\(form.label(of: field))"
        }
    }
}

extension FormDefinition {
    public func label(of field: String) -> String {
        switch field {
        case FormDefinition.levelField: "申报级别"
        case FormDefinition.trackField: "申报通道"
        default: self.field(field)?.label ?? field
        }
    }

    func display(value: JSONValue, of field: String) -> String {
        switch (field, value) {
        case (FormDefinition.levelField, .string(let s)): return Level(rawValue: s)?.chinese ?? s
        case (FormDefinition.trackField, .string(let s)): return Track(rawValue: s)?.chinese ?? s
        case (_, .bool(let b)): return b ? "是" : "否"
        case (_, .string(let s)):
            if case .choice(let options) = self.field(field)?.type, let o = options.first(where: { $0.value == s }) {
                return o.label
            }
            return s
        default: return value.canonical
        }
    }
}
