import Domain

/// Errors of the Forms module that are not problems in an office's data file
/// (those are `ConfigError`) nor in an applicant's data (those are `Problem`s).
public enum FormsError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidJSON(String)
    case unknownForm(String)
    case definitions([ConfigError])
    case dataInvalid([Problem])

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "JSON 格式错误: \(reason)"
        case .unknownForm(let id): "没有编号为“\(id)”的申报表"
        case .definitions(let errors): errors.map(\.description).joined(separator: "\n")
        case .dataInvalid(let problems): problems.map(\.description).joined(separator: "\n")
        }
    }
}

/// One declaration form 申报表 for one series (or route), as read from `forms/<id>.yaml`
/// with its includes resolved.
public struct FormDefinition: Sendable {
    /// `engineering`, `primary-secondary-teachers`, `skills-to-engineering` …
    public var id: String
    public var title: String
    /// The title series the form leads to (the skills route leads to engineering).
    public var series: Series
    /// The form's version; the pledge text belongs to it.
    public var version: String
    /// Levels one may apply for with this form, lowest first.
    public var levels: [Level]
    public var tracks: [Track]
    /// Top-level fields in order (includes first, then the form's own), without `level` and `track`.
    public var fields: [FieldDefinition]
    public var rules: [CrossRule]
    public var pledge: PledgeDefinition?
    /// The file the form was read from (for messages).
    public var file: String
    /// The field holding the declared specialty 专业 (`specialty_field:`), printed on the 申报表,
    /// the notices and the certificate; nil when the form has none (the committee's scope is used).
    public var specialtyField: String? = nil

    /// Field names reserved for the level and the track every form carries.
    public static let levelField = "level"
    public static let trackField = "track"

    public func field(_ id: String) -> FieldDefinition? { fields.first { $0.id == id } }

    /// The form with only `fieldIDs` (in form order) and no cross-field rules: what an applicant
    /// may change to answer a correction notice. Validate the merged data with the whole form.
    public func restricted(to fieldIDs: Set<String>) -> FormDefinition {
        var r = self
        r.fields = fields.filter { fieldIDs.contains($0.id) }
        r.rules = []
        return r
    }

    /// `data` with the values of `fieldIDs` taken from `changes` (a field missing there is
    /// removed); every other value stays as it was.
    public func merging(_ changes: JSONValue, into data: JSONValue, only fieldIDs: Set<String>) -> JSONValue {
        var object = data.object ?? [:]
        for id in fieldIDs where field(id) != nil {
            object[id] = changes[id]
        }
        return .object(object)
    }

    /// The declared specialty as its reader sees it (a choice's label), or nil.
    public func specialty(in data: JSONValue) -> String? {
        guard let id = specialtyField, let field = field(id), let value = data[id]?.string, !value.isEmpty else {
            return nil
        }
        if case .choice(let options) = field.type { return options.first { $0.value == value }?.label ?? value }
        return value
    }

    /// The form's sections in order of first appearance, each with its top-level fields.
    public var sections: [(title: String, fields: [FieldDefinition])] {
        var out: [(title: String, fields: [FieldDefinition])] = []
        for f in fields {
            if let i = out.firstIndex(where: { $0.title == f.section }) { out[i].fields.append(f) }
            else { out.append((f.section, [f])) }
        }
        return out
    }
}

/// One field of a form, or of a repeatable group.
public struct FieldDefinition: Sendable {
    public var id: String
    public var label: String
    public var type: FieldType
    public var required: Bool
    public var requiredWhen: Condition?
    /// An explanation shown to the applicant.
    public var help: String?
    /// The heading the field appears under (the step of the web form, the section of the
    /// 申报表): the field's `section:`, else its file's, else 专业技术工作. Empty inside groups.
    public var section: String = ""
    /// When the field is asked at all (`visible_when:`, top-level fields): a field whose
    /// condition does not hold for the declaration (another track, another level) is not shown,
    /// not required, not validated and not kept (`FormDefinition.pruned`). Nil: always.
    public var visibleWhen: Condition? = nil
}

/// Count limits that apply when a condition holds (first match wins).
public struct LimitOverride: Sendable {
    public var when: Condition
    public var min: Int?
    public var max: Int?
}

public indirect enum FieldType: Sendable {
    case text(minLength: Int, maxLength: Int)
    case number(minimum: Double?, maximum: Double?, integer: Bool)
    /// `notBefore`: a sibling date field this one may not precede (an end date after its start).
    case date(notBefore: String?)
    case choice(options: [ChoiceOption])
    case boolean
    case residentID(birthDateField: String?)
    case creditCode
    case phone
    case email
    case group(fields: [FieldDefinition], min: Int, max: Int, limitsWhen: [LimitOverride])
    case attachment(mediaTypes: [String], maxBytes: Int, min: Int, max: Int, limitsWhen: [LimitOverride])

    public var name: String {
        switch self {
        case .text: "text"
        case .number: "number"
        case .date: "date"
        case .choice: "choice"
        case .boolean: "boolean"
        case .residentID: "id_number"
        case .creditCode: "credit_code"
        case .phone: "phone"
        case .email: "email"
        case .group: "group"
        case .attachment: "attachment"
        }
    }
}

public struct ChoiceOption: Sendable, Hashable {
    public var value: String
    public var label: String
}

/// A rule across fields: "at least one of these alternatives", e.g. representative works
/// 代表作 in place of papers.
public struct CrossRule: Sendable {
    public struct Alternative: Sendable {
        public var field: String
        public var min: Int
    }
    public var id: String
    public var when: Condition?
    public var anyOf: [Alternative]
    public var message: String
}

/// The pledge 承诺书 of a form version: its exact text and the proofs it waives (checked after
/// the decision instead, 事后核查).
public struct PledgeDefinition: Sendable, Equatable {
    public struct WaivedProof: Sendable, Equatable, Codable, Hashable {
        public var id: String
        public var label: String
        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }
    public var text: String
    public var waives: [WaivedProof]
}

/// Limits every string must respect even when a definition says nothing.
public enum FormLimits {
    /// Default `max_length` of a text field.
    public static let defaultTextLength = 200
    /// No text field may allow more than this.
    public static let absoluteTextLength = 20_000
    /// Attachment file names and other metadata strings.
    public static let metadataLength = 255
    /// Default maximum count of a repeatable group.
    public static let defaultGroupMax = 50
}
