import Domain

/// One problem in submitted form data: where (a field path such as `papers[2].journal`),
/// which rule, and what to do, in Chinese.
public struct Problem: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var path: String
    public var rule: String
    public var message: String

    public init(path: String, rule: String, message: String) {
        self.path = path
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(path.isEmpty ? "(整表)" : path): [\(rule)] \(message)" }
}

/// The outcome of validating form data: every problem found in one pass.
public struct ValidationReport: Sendable, Equatable {
    public var formID: String
    public var problems: [Problem]
    public var isValid: Bool { problems.isEmpty }

    /// `{"form": …, "valid": …, "problems": [{"path", "rule", "message"}]}` for machines.
    public var json: JSONValue {
        .object([
            "form": .string(formID),
            "valid": .bool(isValid),
            "problems": .array(
                problems.map {
                    .object(["path": .string($0.path), "rule": .string($0.rule), "message": .string($0.message)])
                }
            ),
        ])
    }
}

/// Patterns shared by validation and the JSON Schema export, so both agree.
enum Patterns {
    static let mobile = "1[3-9][0-9]{9}"
    static let landline = "0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?"
    static let phone = "^(\(mobile)|\(landline))$"
    static let email = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$"
    static let date = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    static let residentID = "^[0-9]{17}[0-9Xx]$"
    static let creditCode = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    static let sha256 = "^[0-9a-f]{64}$"
    static let emailMaxLength = 254

    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.wholeMatch(of: regex) != nil
    }
}

extension FormDefinition {
    /// Validates submitted data against this form: every problem at once, nothing changed.
    ///
    /// ```swift
    /// let report = form.validate(try JSONValue.parse(json))
    /// for p in report.problems { print(p.path, p.rule, p.message) }
    /// ```
    /// - Parameter data: the JSON object the applicant submitted (with `level` and `track`).
    /// - Returns: the report; `isValid` when there is no problem.
    public func validate(_ data: JSONValue) -> ValidationReport {
        var v = Validator(form: self)
        v.run(data)
        return ValidationReport(formID: id, problems: v.problems)
    }

    /// Whether a field is required for this data (statically, by its condition, or because a
    /// count limit asks for at least one entry).
    public func isRequired(_ field: FieldDefinition, in data: [String: JSONValue]) -> Bool {
        guard isVisible(field, in: data) else { return false }
        if field.required || field.requiredWhen?.holds(in: data) == true { return true }
        return (countLimits(of: field, in: data)?.min ?? 0) > 0
    }

    /// The count limits of a group or attachment field for this data (first matching
    /// `limits_when` entry, else the base limits). Nil for other fields.
    public func countLimits(of field: FieldDefinition, in data: [String: JSONValue]) -> (min: Int, max: Int)? {
        let base: (Int, Int, [LimitOverride])
        switch field.type {
        case .group(_, let min, let max, let limits): base = (min, max, limits)
        case .attachment(_, _, let min, let max, let limits): base = (min, max, limits)
        default: return nil
        }
        var (min, max) = (base.0, base.1)
        if let o = base.2.first(where: { $0.when.holds(in: data) }) {
            min = o.min ?? min
            max = o.max ?? max
        }
        if field.required || field.requiredWhen?.holds(in: data) == true { min = Swift.max(min, 1) }
        return (min, max)
    }
}

struct Validator {
    let form: FormDefinition
    var problems: [Problem] = []

    mutating func add(_ path: String, _ rule: String, _ message: String) {
        problems.append(Problem(path: path, rule: rule, message: message))
    }

    mutating func run(_ data: JSONValue) {
        guard case .object(let object) = data else {
            add("", "form.not-object", "申报数据应为 JSON 对象")
            return
        }
        let known = Set(form.fields.map(\.id)).union([FormDefinition.levelField, FormDefinition.trackField])
        for key in object.keys.sorted() where !known.contains(key) {
            add(key, "field.unknown", "本表没有字段“\(bounded(key))”,请删除")
        }
        switch object[FormDefinition.levelField] {
        case nil: add(FormDefinition.levelField, "field.required", "请选择申报级别")
        case .string(let s)? where form.levels.contains { $0.rawValue == s }: break
        default:
            add(
                FormDefinition.levelField, "level.invalid",
                "申报级别应为以下之一: \(form.levels.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: "、"))")
        }
        switch object[FormDefinition.trackField] {
        case nil:
            if !form.tracks.contains(.normal) {
                add(
                    FormDefinition.trackField, "field.required",
                    "请选择申报通道: \(form.tracks.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: "、"))")
            }
        case .string(let s)? where form.tracks.contains { $0.rawValue == s }: break
        default:
            add(
                FormDefinition.trackField, "track.invalid",
                "申报通道应为以下之一: \(form.tracks.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: "、"))")
        }
        for field in form.fields where form.isVisible(field, in: object) {  // a hidden field is not asked
            let value = object[field.id]
            if value == nil {
                if form.isRequired(field, in: object) { missing(field, path: field.id, data: object) }
                continue
            }
            check(
                value!, field: field, path: field.id, label: field.label, siblings: object, top: object,
                siblingFields: form.fields)
        }
        for rule in form.rules where rule.when?.holds(in: object) ?? true {
            let met = rule.anyOf.contains { alt in (object[alt.field]?.array?.count ?? 0) >= alt.min }
            if !met {
                let needs = rule.anyOf.map { "\(form.label(of: $0.field))不少于\($0.min)项" }.joined(separator: ",或")
                add(rule.anyOf[0].field, rule.id, "\(rule.message)(需满足其一: \(needs))")
            }
        }
    }

    mutating func missing(_ field: FieldDefinition, path: String, data: [String: JSONValue]) {
        var because = ""
        if !field.required, let c = field.requiredWhen, c.holds(in: data) { because = "(因\(c.chinese(in: form)))" }
        add(path, "field.required", "“\(field.label)”为必填项\(because)")
    }

    /// Shows at most 50 characters of something the applicant typed.
    func bounded(_ s: String) -> String { s.count > 50 ? String(s.prefix(50)) + "…" : s }

    mutating func check(
        _ value: JSONValue, field: FieldDefinition, path: String, label: String,
        siblings: [String: JSONValue], top: [String: JSONValue], siblingFields: [FieldDefinition]
    ) {
        func wrongType(_ expected: String) { add(path, "field.type", "“\(label)”应为\(expected)") }
        switch field.type {
        case .text(let minLength, let maxLength):
            guard case .string(let s) = value else { return wrongType("文字") }
            let n = s.unicodeScalars.count
            if n < minLength || n > maxLength {
                add(path, "text.length", "“\(label)”长度应为\(minLength)至\(maxLength)个字符,实为\(n)个")
            }
        case .number(let minimum, let maximum, let integer):
            guard case .number(let d) = value else { return wrongType("数字") }
            if integer && d != d.rounded() { add(path, "number.integer", "“\(label)”应为整数") }
            if let minimum, d < minimum { add(path, "number.range", "“\(label)”不应小于\(JSONValue.format(minimum))") }
            if let maximum, d > maximum { add(path, "number.range", "“\(label)”不应大于\(JSONValue.format(maximum))") }
        case .date(let notBefore):
            guard case .string(let s) = value else { return wrongType("日期(YYYY-MM-DD)") }
            guard s.unicodeScalars.count == 10, let day = Day(s) else {
                return add(path, "date.format", "“\(label)”应为有效日期,格式 YYYY-MM-DD,实为“\(bounded(s))”")
            }
            if let notBefore, let other = siblings[notBefore]?.string.flatMap({ Day($0) }), day < other {
                let earlier = siblingFields.first { $0.id == notBefore }?.label ?? notBefore
                add(path, "date.order", "“\(label)”(\(day))不应早于“\(earlier)”(\(other))")
            }
        case .choice(let options):
            guard case .string(let s) = value, options.contains(where: { $0.value == s }) else {
                return add(
                    path, "choice.option",
                    "“\(label)”应为以下之一: \(options.map { $0.value == $0.label ? $0.value : "\($0.value)(\($0.label))" }.joined(separator: "、"))"
                )
            }
        case .boolean:
            guard case .bool = value else { return wrongType("是(true)或否(false)") }
        case .residentID(let birthField):
            guard case .string(let s) = value else { return wrongType("身份证号码(文字)") }
            guard s.unicodeScalars.count <= 18 else {
                return add(path, "id-number.invalid", "“\(label)”: 身份证号码应为18位")
            }
            let id: ResidentID
            do { id = try ResidentID(s) } catch {
                return add(path, "id-number.invalid", "“\(label)”: \(error.chinese)")
            }
            let birthKey = birthField ?? "birth_date"
            if let birth = siblings[birthKey]?.string.flatMap({ Day($0) }), birth != id.birthDate {
                add(
                    path, "id-number.birth-date",
                    "身份证号码中的出生日期\(id.birthDate.chinese)与所填出生日期\(birth.chinese)不一致")
            }
        case .creditCode:
            guard case .string(let s) = value else { return wrongType("统一社会信用代码(文字)") }
            guard s.unicodeScalars.count <= 18 else {
                return add(path, "credit-code.invalid", "“\(label)”: 统一社会信用代码应为18位")
            }
            do { _ = try CreditCode(s) } catch { add(path, "credit-code.invalid", "“\(label)”: \(error.chinese)") }
        case .phone:
            guard case .string(let s) = value else { return wrongType("电话号码(文字)") }
            if s.unicodeScalars.count > 20 || !Patterns.matches(s, Patterns.phone) {
                add(path, "phone.format", "“\(label)”应为手机号码(1开头11位)或固定电话(如 0391-1234567)")
            }
        case .email:
            guard case .string(let s) = value else { return wrongType("电子邮箱(文字)") }
            if s.unicodeScalars.count > Patterns.emailMaxLength || !Patterns.matches(s, Patterns.email) {
                add(path, "email.format", "“\(label)”不是有效的电子邮箱地址")
            }
        case .group(let children, _, _, _):
            guard case .array(let items) = value else { return wrongType("列表") }
            let limits = form.countLimits(of: field, in: top)!
            if items.count < limits.min || items.count > limits.max {
                add(path, "group.count", "“\(label)”应填写\(countText(limits))项,实为\(items.count)项")
            }
            let known = Set(children.map(\.id))
            for (i, item) in items.enumerated() {
                let itemPath = "\(path)[\(i)]"
                let itemLabel = "\(label)第\(i + 1)项"
                guard case .object(let object) = item else {
                    add(itemPath, "field.type", "“\(itemLabel)”应为对象")
                    continue
                }
                for key in object.keys.sorted() where !known.contains(key) {
                    add("\(itemPath).\(key)", "field.unknown", "“\(itemLabel)”没有字段“\(bounded(key))”,请删除")
                }
                for child in children {
                    let childPath = "\(itemPath).\(child.id)"
                    if let v = object[child.id] {
                        check(
                            v, field: child, path: childPath, label: "\(itemLabel)·\(child.label)", siblings: object,
                            top: top, siblingFields: children)
                    } else if child.required || (form.countLimits(of: child, in: top)?.min ?? 0) > 0 {
                        add(childPath, "field.required", "“\(itemLabel)·\(child.label)”为必填项")
                    }
                }
            }
        case .attachment(let mediaTypes, let maxBytes, _, _, _):
            guard case .array(let items) = value else { return wrongType("附件列表") }
            let limits = form.countLimits(of: field, in: top)!
            if items.count < limits.min || items.count > limits.max {
                add(path, "attachment.count", "“\(label)”应上传\(countText(limits))个文件,实为\(items.count)个")
            }
            for (i, item) in items.enumerated() {
                checkAttachment(
                    item, path: "\(path)[\(i)]", label: "\(label)第\(i + 1)个文件", types: mediaTypes, maxBytes: maxBytes)
            }
        }
    }

    func countText(_ limits: (min: Int, max: Int)) -> String {
        limits.min == limits.max ? "\(limits.min)" : "\(limits.min)至\(limits.max)"
    }

    static let attachmentKeys: Set<String> = ["name", "media_type", "size", "sha256"]

    mutating func checkAttachment(_ item: JSONValue, path: String, label: String, types: [String], maxBytes: Int) {
        guard case .object(let o) = item else { return add(path, "field.type", "“\(label)”应为附件信息(名称、类型、大小、SHA-256)") }
        for key in o.keys.sorted() where !Validator.attachmentKeys.contains(key) {
            add("\(path).\(key)", "field.unknown", "“\(label)”没有字段“\(bounded(key))”")
        }
        switch o["name"] {
        case .string(let s)? where (1...FormLimits.metadataLength).contains(s.unicodeScalars.count): break
        case nil: add("\(path).name", "field.required", "“\(label)”缺少文件名")
        default: add("\(path).name", "attachment.name", "“\(label)”的文件名应为1至\(FormLimits.metadataLength)个字符")
        }
        switch o["media_type"] {
        case .string(let s)? where types.contains(s): break
        case nil: add("\(path).media_type", "field.required", "“\(label)”缺少文件类型")
        default:
            add("\(path).media_type", "attachment.media-type", "“\(label)”的文件类型应为: \(types.joined(separator: "、"))")
        }
        switch o["size"] {
        case .number(let d)? where d == d.rounded() && d >= 0 && d <= Double(maxBytes): break
        case nil: add("\(path).size", "field.required", "“\(label)”缺少文件大小")
        default: add("\(path).size", "attachment.size", "“\(label)”的大小不应超过\(Validator.size(maxBytes))")
        }
        switch o["sha256"] {
        case .string(let s)? where Patterns.matches(s, Patterns.sha256): break
        case nil: add("\(path).sha256", "field.required", "“\(label)”缺少 SHA-256 校验值")
        default: add("\(path).sha256", "attachment.sha256", "“\(label)”的 SHA-256 应为64位小写十六进制")
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)MB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)KB" }
        return "\(bytes)字节"
    }
}
