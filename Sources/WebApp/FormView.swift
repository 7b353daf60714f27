import Documents
import Domain
import Forms

/// A declaration form 申报表 ready to render: every field of a `FormDefinition` with its label,
/// help, required mark, input, current value and problems, as the `form` value of the
/// `declaration-form` page (`web/pages/form-fields.html`, `form-field.html`).
///
/// Input names are the validator's paths (`papers[0].title`), input ids follow from them
/// (`FormView.inputID(for:)`), so every `Problem` lands next to its field and in the summary
/// at the top, which links to it. Repeatable groups and attachments are edited with submit
/// buttons (`_action` = `add:papers`, `remove:papers:2`, `remove-file:photo:0`), so the page
/// works without JavaScript; `FormSubmission` reads them back.
///
/// ```swift
/// let view = FormView(form: form, data: draft, problems: report.problems, csrfToken: token,
///                     action: "/apply/engineering")
/// return try pages.response(.declarationForm, title: form.title, data: ["form": view.value],
///                           context: context)
/// ```
public struct FormView: Sendable {
    /// The `form` object the templates render.
    public let value: TemplateValue

    /// A submit button of the form: `_action` = `value` (`save`, `prev`, `next` …).
    public struct Button: Sendable {
        public var value: String
        public var label: String
        public var primary = false
        /// Posted without the browser's own checks (saving, going back).
        public var skipChecks = true
        public init(_ value: String, _ label: String, primary: Bool = false, skipChecks: Bool = true) {
            self.value = value
            self.label = label
            self.primary = primary
            self.skipChecks = skipChecks
        }
    }

    /// Text fields allowing more than this many characters get a `<textarea>`.
    static let textareaThreshold = 200

    /// - Parameters:
    ///   - form: the form definition.
    ///   - data: the current declaration, possibly partial (a draft) or holding unparsed input.
    ///   - problems: from `FormSubmission.problems(includingValidation:)` or `form.validate(_:)`.
    ///   - csrfToken: written into the hidden `_csrf` input.
    ///   - action: the URL the form posts to (`?_csrf=` is added when the form takes files, as
    ///     `SessionMiddleware` reads the token of a multipart body from the query string).
    ///   - step: render only this step's fields (the level and the track with the first step,
    ///     when `choices`); nil: every field the declaration asks.
    ///   - choices: whether the level and the track can be chosen (not while correcting).
    ///   - buttons: the submit buttons at the end; nil: 保存草稿 and 提交申报.
    public init(
        form: FormDefinition, data: JSONValue, problems: [Problem], csrfToken: String, action: String,
        step: FormStep? = nil, choices: Bool = true, buttons: [Button]? = nil
    ) {
        var builder = Builder(form: form, top: data.object ?? [:])
        builder.collectTargets(data)
        builder.assign(problems)
        let fields = builder.topFields(data, step: step, choices: choices)
        let summary: [TemplateValue] = builder.summary.map { entry in
            [
                "message": .string(ChineseText.fullWidth(clean(entry.message))),
                "href": entry.target.map { .string("#" + FormPath.inputID($0)) } ?? .null,
            ]
        }
        // `SessionMiddleware` reads the token of a multipart post from the query string.
        let target =
            builder.hasAttachments
            ? action + (action.contains("?") ? "&" : "?") + "_csrf=" + URLEncodedForm.encode(csrfToken) : action
        value = [
            "title": .string(form.title), "version": .string(form.version), "action": .string(target),
            "csrf": .string(csrfToken),
            "enctype": .string(builder.hasAttachments ? "multipart/form-data" : "application/x-www-form-urlencoded"),
            "hasProblems": .bool(!summary.isEmpty), "problemCount": .number(Double(summary.count)),
            "summary": .list(summary), "fields": .list(fields),
            "hasButtons": .bool(buttons != nil),
            "buttons": .list(
                (buttons ?? []).map {
                    [
                        "value": .string($0.value), "label": .string($0.label), "primary": .bool($0.primary),
                        "skipChecks": .bool($0.skipChecks),
                    ]
                }),
        ]
    }

    /// The HTML id of the input for a problem path: `papers[0].title` → `f-papers-0-title`.
    public static func inputID(for path: String) -> String { FormPath.inputID(path) }
}

extension Pages.Page {
    /// The applicant's declaration form: `data["form"]` is a `FormView.value`.
    static let declarationForm = Pages.Page("declaration-form")
}

/// A number as an input shows it: integral values without a fraction (`80`, `1200.5`).
func numberText(_ d: Double) -> String {
    if d.isFinite, d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
    return d.isFinite ? "\(d)" : ""
}

/// Removes what XML 1.0 cannot carry (C0 controls but tab and newlines, U+FFFE, U+FFFF).
func clean(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isForbiddenInXML) else { return s }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: s.unicodeScalars.filter { !isForbiddenInXML($0) })
    return String(out)
}

private func isForbiddenInXML(_ u: Unicode.Scalar) -> Bool {
    (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || u.value == 0xFFFE || u.value == 0xFFFF
}

private struct Builder {
    let form: FormDefinition
    let top: [String: JSONValue]
    /// Every path that gets an element with an id (fields, groups, rows).
    var targets: Set<String> = []
    var problemsByTarget: [String: [Problem]] = [:]
    var summary: [(message: String, target: String?)] = []
    var hasAttachments = false

    init(form: FormDefinition, top: [String: JSONValue]) {
        self.form = form
        self.top = top
    }

    // MARK: rows and targets

    func rowCount(_ field: FieldDefinition, _ value: JSONValue?) -> Int {
        let present = value?.array?.count ?? 0
        let min = form.countLimits(of: field, in: top)?.min ?? 0
        return Swift.max(present, min)
    }

    mutating func collectTargets(_ data: JSONValue) {
        targets.insert(FormDefinition.levelField)
        targets.insert(FormDefinition.trackField)
        for field in form.fields { collect(field, path: field.id, value: data[field.id]) }
    }

    mutating func collect(_ field: FieldDefinition, path: String, value: JSONValue?) {
        targets.insert(path)
        guard case .group(let children, _, _, _) = field.type else { return }
        for i in 0..<rowCount(field, value) {
            let rowPath = "\(path)[\(i)]"
            targets.insert(rowPath)
            let row = value?.array.flatMap { $0.indices.contains(i) ? $0[i] : nil }
            for child in children { collect(child, path: "\(rowPath).\(child.id)", value: row?[child.id]) }
        }
    }

    /// Each problem goes to the closest rendered element containing its path.
    mutating func assign(_ problems: [Problem]) {
        for problem in problems {
            let target = FormPath.prefixes(problem.path).first { targets.contains($0) }
            if let target { problemsByTarget[target, default: []].append(problem) }
            summary.append((problem.message, target))
        }
    }

    // MARK: nodes

    mutating func topFields(_ data: JSONValue, step: FormStep?, choices: Bool) -> [TemplateValue] {
        var nodes: [TemplateValue] = []
        if choices && (step?.number ?? 1) == 1 { nodes += choiceNodes(data) }
        // Only the fields this declaration asks (`visible_when`: the chosen track and level),
        // decided here on the server; choosing another track or level and saving shows others.
        let shown = step.map { $0.fieldIDs.compactMap(form.field) } ?? form.fields
        for field in shown where form.isVisible(field, in: top) {
            nodes.append(node(field, path: field.id, value: data[field.id], required: form.isRequired(field, in: top)))
        }
        return nodes
    }

    func choiceNodes(_ data: JSONValue) -> [TemplateValue] {
        var nodes: [TemplateValue] = []
        let levels = form.levels.map { (value: $0.rawValue, label: $0.chinese) }
        let tracks = form.tracks.map { (value: $0.rawValue, label: $0.chinese) }
        nodes.append(
            choiceNode(
                path: FormDefinition.levelField, label: "申报级别", help: nil, required: true, options: levels,
                value: data[FormDefinition.levelField]))
        nodes.append(
            choiceNode(
                path: FormDefinition.trackField, label: "申报通道",
                help: form.tracks.contains(.normal) ? "不选择即为常规申报" : nil,
                required: !form.tracks.contains(.normal), options: tracks, value: data[FormDefinition.trackField]))
        return nodes
    }

    func base(path: String, label: String, help: String?, required: Bool) -> [String: TemplateValue] {
        let id = FormPath.inputID(path)
        let problems = problemsByTarget[path] ?? []
        var described: [String] = []
        if help != nil { described.append(id + "-help") }
        if !problems.isEmpty { described.append(id + "-problems") }
        return [
            "path": .string(path), "id": .string(id), "name": .string(path), "label": .string(label),
            "help": help.map { .string($0) } ?? .null, "helpID": .string(id + "-help"), "required": .bool(required),
            "problems": .list(problems.map { ["message": .string(ChineseText.fullWidth(clean($0.message)))] }),
            "hasProblems": .bool(!problems.isEmpty), "problemsID": .string(id + "-problems"),
            "describedBy": described.isEmpty ? .null : .string(described.joined(separator: " ")),
            "isInput": false, "isTextarea": false, "isSelect": false, "isCheckbox": false, "isGroup": false,
            "isAttachment": false, "type": "text", "value": "", "maxLength": .null, "minLength": .null, "min": .null,
            "max": .null, "step": .null, "pattern": .null, "inputMode": .null, "autocomplete": .null,
            "options": .list([]), "checked": false, "rows": .list([]), "canAdd": false, "addAction": "",
            "countText": .null, "files": .list([]), "hasFiles": false, "canUpload": false, "accept": "",
            "limitText": .null,
        ]
    }

    func choiceNode(
        path: String, label: String, help: String?, required: Bool, options: [(value: String, label: String)], value: JSONValue?
    ) -> TemplateValue {
        var n = base(path: path, label: label, help: help, required: required)
        n["isSelect"] = true
        let current = value.map(Self.text) ?? ""
        var list: [TemplateValue] = options.map {
            ["value": .string($0.value), "label": .string($0.label), "selected": .bool($0.value == current)]
        }
        if !current.isEmpty, !options.contains(where: { $0.value == current }) {
            // Keep an unknown value visible (and posted back) so its problem can be read.
            list.append(["value": .string(clean(current)), "label": .string("(无效选项)" + clean(current)), "selected": true])
        }
        n["options"] = .list(list)
        return .object(n)
    }

    /// The text an input shows for a stored value.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .number(let d): numberText(d)
        case .bool(let b): b ? "true" : "false"
        case .null, .array, .object: ""
        }
    }

    mutating func node(
        _ field: FieldDefinition, path: String, value: JSONValue?, required: Bool
    ) -> TemplateValue {
        var n = base(path: path, label: field.label, help: field.help, required: required)
        let shown = clean(value.map(Self.text) ?? "")
        switch field.type {
        case .text(let minLength, let maxLength):
            n[maxLength > FormView.textareaThreshold ? "isTextarea" : "isInput"] = true
            n["maxLength"] = .string(String(maxLength))
            if minLength > 0 { n["minLength"] = .string(String(minLength)) }
            n["value"] = .string(shown)
        case .number(let minimum, let maximum, let integer):
            n["isInput"] = true
            n["inputMode"] = integer ? "numeric" : "decimal"
            n["value"] = .string(shown)
            // Input that is not a number yet (`abc`) stays visible: a number input would blank it.
            if value?.string == nil {
                n["type"] = "number"
                n["step"] = integer ? "1" : "any"
                n["min"] = minimum.map { .string(numberText($0)) } ?? .null
                n["max"] = maximum.map { .string(numberText($0)) } ?? .null
            }
        case .date:
            n["isInput"] = true
            // Likewise a value that is not a date (`2024/1/5`) is shown as typed.
            let isDate = value?.string.map { $0.utf8.count == 10 && Day($0) != nil } ?? true
            n["type"] = isDate ? "date" : "text"
            n["value"] = .string(shown)
        case .choice(let options):
            return choiceNode(
                path: path, label: field.label, help: field.help, required: required,
                options: options.map { ($0.value, $0.label) }, value: value)
        case .boolean:
            // An unchecked box is an answer (`false`): no required mark.
            n["required"] = false
            n["isCheckbox"] = true
            n["checked"] = .bool(value?.bool == true)
        case .residentID:
            n["isInput"] = true
            n["maxLength"] = "18"
            n["pattern"] = "[0-9]{17}[0-9Xx]"
            n["autocomplete"] = "off"
            n["value"] = .string(shown)
        case .creditCode:
            n["isInput"] = true
            n["maxLength"] = "18"
            n["pattern"] = "[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}"
            n["autocomplete"] = "off"
            n["value"] = .string(shown)
        case .phone:
            n["isInput"] = true
            n["type"] = "tel"
            n["maxLength"] = "20"
            n["autocomplete"] = path == field.id ? "tel" : "off"
            n["value"] = .string(shown)
        case .email:
            n["isInput"] = true
            n["type"] = "email"
            n["maxLength"] = "254"
            n["autocomplete"] = path == field.id ? "email" : "off"
            n["value"] = .string(shown)
        case .group(let children, _, _, _):
            n["isGroup"] = true
            let limits = form.countLimits(of: field, in: top) ?? (0, FormLimits.defaultGroupMax)
            let items = value?.array ?? []
            let count = rowCount(field, value)
            var rows: [TemplateValue] = []
            for i in 0..<count {
                let rowPath = "\(path)[\(i)]"
                let row = items.indices.contains(i) ? (items[i].object ?? [:]) : [:]
                var r = base(path: rowPath, label: "\(field.label)第\(i + 1)项", help: nil, required: false)
                r["index"] = .number(Double(i))
                r["canRemove"] = .bool(count > limits.min)
                r["removeAction"] = .string("remove:\(path):\(i)")
                r["fields"] = .list(
                    children.map { child in
                        let isRequired =
                            child.required || child.requiredWhen?.holds(in: top) == true
                            || (form.countLimits(of: child, in: top)?.min ?? 0) > 0
                        return node(child, path: "\(rowPath).\(child.id)", value: row[child.id], required: isRequired)
                    })
                rows.append(.object(r))
            }
            n["rows"] = .list(rows)
            n["canAdd"] = .bool(count < limits.max)
            n["addAction"] = .string("add:\(path)")
            n["countText"] = .string(Self.countText(limits, unit: "项"))
        case .attachment(let mediaTypes, let maxBytes, _, _, _):
            hasAttachments = true
            n["isAttachment"] = true
            let limits = form.countLimits(of: field, in: top) ?? (0, 1)
            let files = value?.array ?? []
            n["files"] = .list(
                files.enumerated().map { i, file in
                    [
                        "fileName": .string(clean(file["name"]?.string ?? "(未命名文件)")),
                        "size": .string(file["size"]?.number.map { UploadStore.size(Int($0)) } ?? ""),
                        "removeAction": .string("remove-file:\(path):\(i)"),
                    ]
                })
            n["hasFiles"] = .bool(!files.isEmpty)
            n["canUpload"] = .bool(files.count < limits.max)
            n["accept"] = .string(Self.accept(mediaTypes))
            n["limitText"] = .string(
                "格式: \(mediaTypes.map(UploadStore.typeName).joined(separator: "、"));单个文件不超过\(UploadStore.size(maxBytes));\(Self.countText(limits, unit: "个文件"))"
            )
        }
        return .object(n)
    }

    static func countText(_ limits: (min: Int, max: Int), unit: String) -> String {
        switch (limits.min, limits.max) {
        case (let a, let b) where a == b: "须\(a)\(unit)"
        case (0, let b): "最多\(b)\(unit)"
        case (let a, let b): "\(a)至\(b)\(unit)"
        }
    }

    static func accept(_ mediaTypes: [String]) -> String {
        var parts: [String] = []
        for t in mediaTypes {
            parts.append(t)
            parts.append(contentsOf: UploadStore.extensions[t, default: []].map { "." + $0 })
        }
        return parts.joined(separator: ",")
    }
}
