import Domain
import Foundation

/// Reads form definitions from YAML, resolving `include:` and checking everything a clerk
/// could get wrong: unknown keys and types, conditions naming missing fields, includes that do
/// not exist, YAML syntax. Every problem names the file, the line and the key.
struct FormLoader {
    /// The `forms/` directory; includes are relative to it.
    let directory: String
    var errors: [ConfigError] = []

    init(directory: String) { self.directory = directory }

    static let formKeys: Set<String> = [
        "id", "title", "series", "version", "levels", "tracks", "include", "fields", "rules", "pledge", "section",
        "specialty_field",
    ]
    static let partKeys: Set<String> = ["include", "fields", "rules", "pledge", "description", "section"]
    static let commonFieldKeys: Set<String> = [
        "id", "label", "type", "required", "required_when", "visible_when", "help", "section",
    ]
    /// The section of a form's own fields when the form names none.
    static let defaultSection = "专业技术工作"
    static let typeKeys: [String: Set<String>] = [
        "text": ["min_length", "max_length"],
        "number": ["minimum", "maximum", "integer"],
        "date": ["not_before"],
        "choice": ["options"],
        "boolean": [],
        "id_number": ["birth_date_field"],
        "credit_code": [],
        "phone": [],
        "email": [],
        "group": ["fields", "min", "max", "limits_when"],
        "attachment": ["media_types", "max_size", "min", "max", "limits_when"],
    ]

    /// Parsed pieces of one file and its includes, before cross-checks.
    struct Parts {
        var fields: [(FieldDefinition, ConfigNode)] = []
        var rules: [(CrossRule, ConfigNode)] = []
        var pledge: PledgeDefinition?
        /// Conditions to check once all fields are known.
        var conditions: [(Condition, ConfigNode)] = []
    }

    /// Loads one form file (`forms/<id>.yaml`). Problems are appended to `errors`; returns nil
    /// when the form cannot be used.
    mutating func loadForm(path: String) -> FormDefinition? {
        let name = (path as NSString).lastPathComponent
        let root: ConfigNode
        do { root = try ConfigNode.load(path: path) } catch {
            errors.append(error)
            return nil
        }
        let before = errors.count
        record { () throws(ConfigError) in try root.requireOnly(FormLoader.formKeys) }
        var id = "", title = "", version = "1"
        var series = Series.engineering
        var levels: [Level] = []
        var tracks: [Track] = [.normal]
        record { () throws(ConfigError) in
            id = try root.required("id").string()
            if id + ".yaml" != name {
                throw try root.required("id").error(
                    "申报表编号应与文件名一致(\(name) 应写 id: \((name as NSString).deletingPathExtension))")
            }
        }
        record { () throws(ConfigError) in title = try root.required("title").string() }
        record { () throws(ConfigError) in version = try root.required("version").string() }
        record { () throws(ConfigError) in
            let node = try root.required("series")
            let s = try node.string()
            guard let value = Series(rawValue: s) ?? Series.allCases.first(where: { $0.chinese == s }) else {
                throw node.error("未知的系列“\(s)”")
            }
            series = value
        }
        record { () throws(ConfigError) in
            let node = try root.required("levels")
            levels = try FormLoader.levels(node)
            if levels.isEmpty { throw node.error("至少列出一个级别") }
        }
        record { () throws(ConfigError) in
            if let node = root["tracks"] { tracks = try FormLoader.tracks(node) }
        }
        var parts = Parts()
        var visiting: [String] = [name]
        if let include = root["include"] { loadIncludes(include, into: &parts, visiting: &visiting) }
        loadBody(root, into: &parts, section: sectionTitle(root) ?? FormLoader.defaultSection)

        var form = FormDefinition(
            id: id, title: title, series: series, version: version, levels: levels, tracks: tracks,
            fields: parts.fields.map(\.0), rules: parts.rules.map(\.0), pledge: parts.pledge, file: name)
        if let node = root["specialty_field"] {
            record { () throws(ConfigError) in
                let field = try node.string()
                switch parts.fields.first(where: { $0.0.id == field })?.0.type {
                case .text?, .choice?: form.specialtyField = field
                case nil: throw node.error("专业字段“\(field)”不存在")
                default: throw node.error("专业字段“\(field)”应为文本或选项")
                }
            }
        }
        // Cross-checks: duplicate ids, conditions and rules naming missing fields.
        var seen: [String: ConfigNode] = [:]
        for (field, node) in parts.fields {
            if field.id == FormDefinition.levelField || field.id == FormDefinition.trackField {
                errors.append(node.error("字段编号“\(field.id)”为保留字(级别与通道由系统提供)", childKey: "id"))
            } else if let first = seen[field.id] {
                errors.append(node.error("字段编号“\(field.id)”重复(首次出现在 \(first.file):\(first.line))", childKey: "id"))
            } else {
                seen[field.id] = node
            }
        }
        for (condition, node) in parts.conditions { check(condition, node: node, form: form) }
        for (rule, ruleNode) in parts.rules {
            let node = ruleNode["any_of"] ?? ruleNode
            for alternative in rule.anyOf {
                switch form.field(alternative.field)?.type {
                case .group?, .attachment?: break
                case nil: errors.append(node.error("规则引用了不存在的字段“\(alternative.field)”"))
                default: errors.append(node.error("字段“\(alternative.field)”不是可重复项或附件,不能计数"))
                }
            }
        }
        for (field, node) in parts.fields { checkInner(field, node: node, siblings: form.fields) }
        form.fields = parts.fields.map(\.0)
        return errors.count == before ? form : nil
    }

    private mutating func record(_ body: () throws(ConfigError) -> Void) {
        do { try body() } catch { errors.append(error) }
    }

    static func levels(_ node: ConfigNode) throws(ConfigError) -> [Level] {
        var out: [Level] = []
        for item in node.isSequence ? try node.items() : [node] {
            let s = try item.string()
            guard let level = Level(rawValue: s) ?? Level(chinese: s) else {
                throw item.error("未知的级别“\(s)”(可用: \(Level.allCases.map(\.rawValue).joined(separator: "、")))")
            }
            out.append(level)
        }
        return out
    }

    static func tracks(_ node: ConfigNode) throws(ConfigError) -> [Track] {
        var out: [Track] = []
        for item in node.isSequence ? try node.items() : [node] {
            let s = try item.string()
            guard let track = Track(rawValue: s) ?? Track.allCases.first(where: { $0.chinese == s }) else {
                throw item.error("未知的申报通道“\(s)”(可用: \(Track.allCases.map(\.rawValue).joined(separator: "、")))")
            }
            out.append(track)
        }
        return out
    }

    private mutating func loadIncludes(_ node: ConfigNode, into parts: inout Parts, visiting: inout [String]) {
        let items: [ConfigNode]
        do { items = node.isSequence ? try node.items() : [node] } catch {
            errors.append(error)
            return
        }
        for item in items {
            guard let relative = try? item.string() else {
                errors.append(item.error("应为文件路径(相对于 forms 目录)"))
                continue
            }
            let full = (directory as NSString).appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: full) else {
                errors.append(item.error("引用的文件“\(relative)”不存在"))
                continue
            }
            guard !visiting.contains(relative) else {
                errors.append(item.error("循环引用: \((visiting + [relative]).joined(separator: " → "))"))
                continue
            }
            let part: ConfigNode
            do { part = try ConfigNode.load(path: full) } catch {
                errors.append(ConfigError(file: relative, line: error.line, key: error.key, message: error.message))
                continue
            }
            let named = ConfigNode(node: part.node, file: relative, path: "")
            record { () throws(ConfigError) in try named.requireOnly(FormLoader.partKeys) }
            visiting.append(relative)
            if let nested = named["include"] { loadIncludes(nested, into: &parts, visiting: &visiting) }
            visiting.removeLast()
            loadBody(named, into: &parts, section: sectionTitle(named) ?? FormLoader.defaultSection)
        }
    }

    /// The `section:` of a file: the heading its fields appear under (form steps, 申报表).
    private mutating func sectionTitle(_ root: ConfigNode) -> String? {
        guard let node = root["section"] else { return nil }
        do throws(ConfigError) {
            let s = try node.string().trimmingCharacters(in: .whitespaces)
            if s.isEmpty { throw node.error("section 不能为空") }
            return s
        } catch {
            errors.append(error)
            return nil
        }
    }

    private mutating func loadBody(_ root: ConfigNode, into parts: inout Parts, section: String) {
        if let fields = root["fields"] {
            do throws(ConfigError) {
                for item in try fields.items() {
                    if var f = field(item, conditions: &parts.conditions) {
                        f.section = sectionTitle(item) ?? section
                        parts.fields.append((f, item))
                    }
                }
            } catch { errors.append(error) }
        }
        if let rules = root["rules"] {
            do throws(ConfigError) {
                for item in try rules.items() {
                    if let r = rule(item, conditions: &parts.conditions) { parts.rules.append((r, item)) }
                }
            } catch { errors.append(error) }
        }
        if let pledge = root["pledge"] {
            if parts.pledge != nil {
                errors.append(pledge.error("承诺书只能定义一次"))
            } else {
                parts.pledge = self.pledge(pledge)
            }
        }
    }

    private mutating func pledge(_ node: ConfigNode) -> PledgeDefinition? {
        do throws(ConfigError) {
            try node.requireOnly(["text", "waives"])
            let text = try node.required("text").string()
            var waives: [PledgeDefinition.WaivedProof] = []
            if let list = node["waives"] {
                for (key, value) in try list.entries() {
                    waives.append(.init(id: key, label: try value.string()))
                }
            }
            return PledgeDefinition(text: text, waives: waives)
        } catch {
            errors.append(error)
            return nil
        }
    }

    private mutating func rule(_ node: ConfigNode, conditions: inout [(Condition, ConfigNode)]) -> CrossRule? {
        do throws(ConfigError) {
            try node.requireOnly(["id", "when", "any_of", "message"])
            let id = try node.required("id").string()
            var when: Condition?
            if let w = node["when"] {
                when = try FormLoader.condition(w)
                conditions.append((when!, w))
            }
            var alternatives: [CrossRule.Alternative] = []
            for item in try node.required("any_of").items() {
                try item.requireOnly(["field", "min"])
                let min = try item.int("min", default: 1, in: 0...1000)
                alternatives.append(.init(field: try item.required("field").string(), min: min))
            }
            if alternatives.isEmpty { throw node.error("any_of 至少需要一项", childKey: "any_of") }
            return CrossRule(id: id, when: when, anyOf: alternatives, message: try node.required("message").string())
        } catch {
            errors.append(error)
            return nil
        }
    }

    private mutating func field(_ node: ConfigNode, conditions: inout [(Condition, ConfigNode)]) -> FieldDefinition? {
        do throws(ConfigError) {
            let id = try node.required("id").string()
            guard id.first?.isLetter == true, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw node.error("字段编号应为英文字母、数字和下划线,以字母开头", childKey: "id")
            }
            let typeNode = try node.required("type")
            let typeName = try typeNode.string()
            guard let extra = FormLoader.typeKeys[typeName] else {
                throw typeNode.error(
                    "未知的字段类型“\(typeName)”(可用: \(FormLoader.typeKeys.keys.sorted().joined(separator: "、")))")
            }
            try node.requireOnly(FormLoader.commonFieldKeys.union(extra))
            let label = try node.required("label").string()
            let required = try node["required"]?.bool() ?? false
            var requiredWhen: Condition?
            if let w = node["required_when"] {
                requiredWhen = try FormLoader.condition(w)
                conditions.append((requiredWhen!, w))
            }
            var visibleWhen: Condition?
            if let w = node["visible_when"] {
                visibleWhen = try FormLoader.condition(w)
                conditions.append((visibleWhen!, w))
            }
            let type = try fieldType(typeName, node: node, conditions: &conditions)
            return FieldDefinition(
                id: id, label: label, type: type, required: required, requiredWhen: requiredWhen,
                help: try node["help"]?.string(), visibleWhen: visibleWhen)
        } catch {
            errors.append(error)
            return nil
        }
    }

    private mutating func fieldType(
        _ name: String, node: ConfigNode, conditions: inout [(Condition, ConfigNode)]
    ) throws(ConfigError) -> FieldType {
        switch name {
        case "text":
            let max = try node.int(
                "max_length", default: FormLimits.defaultTextLength, in: 1...FormLimits.absoluteTextLength)
            let min = try node.int("min_length", default: 1, in: 1...max)
            return .text(minLength: min, maxLength: max)
        case "number":
            let minimum = try node["minimum"]?.double()
            let maximum = try node["maximum"]?.double()
            if let minimum, let maximum, minimum > maximum {
                throw node.error("minimum 大于 maximum", childKey: "minimum")
            }
            return .number(minimum: minimum, maximum: maximum, integer: try node["integer"]?.bool() ?? false)
        case "date":
            return .date(notBefore: try node["not_before"]?.string())
        case "choice":
            let optionsNode = try node.required("options")
            var options: [ChoiceOption] = []
            if optionsNode.isMapping {
                for (key, value) in try optionsNode.entries() {
                    options.append(.init(value: key, label: try value.string()))
                }
            } else {
                for item in try optionsNode.items() {
                    let s = try item.string()
                    options.append(.init(value: s, label: s))
                }
            }
            if options.isEmpty { throw optionsNode.error("至少需要一个选项") }
            return .choice(options: options)
        case "boolean": return .boolean
        case "id_number": return .residentID(birthDateField: try node["birth_date_field"]?.string())
        case "credit_code": return .creditCode
        case "phone": return .phone
        case "email": return .email
        case "group":
            var children: [FieldDefinition] = []
            var ids = Set<String>()
            for item in try node.required("fields").items() {
                guard let f = field(item, conditions: &conditions) else { continue }
                if !ids.insert(f.id).inserted { errors.append(item.error("字段编号“\(f.id)”重复", childKey: "id")) }
                if f.requiredWhen != nil {
                    errors.append(item.error("可重复项内的字段不支持 required_when", childKey: "required_when"))
                }
                if f.visibleWhen != nil {
                    errors.append(item.error("可重复项内的字段不支持 visible_when（请写在整个可重复项上）", childKey: "visible_when"))
                }
                if let limits = f.limits, !limits.overrides.isEmpty {
                    errors.append(item.error("可重复项内的字段不支持 limits_when", childKey: "limits_when"))
                }
                children.append(f)
            }
            let (min, max, limits) = try counts(node, conditions: &conditions)
            return .group(fields: children, min: min, max: max, limitsWhen: limits)
        case "attachment":
            let types = try node.required("media_types").stringList()
            for t in types where !t.contains("/") {
                throw node.error("“\(t)”不是媒体类型(如 application/pdf)", childKey: "media_types")
            }
            let sizeNode = try node.required("max_size")
            let size = try FormLoader.bytes(sizeNode)
            let (min, max, limits) = try counts(node, conditions: &conditions)
            return .attachment(mediaTypes: types, maxBytes: size, min: min, max: max, limitsWhen: limits)
        default:
            throw node.error("未知的字段类型“\(name)”", childKey: "type")
        }
    }

    private func counts(
        _ node: ConfigNode, conditions: inout [(Condition, ConfigNode)]
    ) throws(ConfigError) -> (Int, Int, [LimitOverride]) {
        let max = try node.int("max", default: FormLimits.defaultGroupMax, in: 1...1000)
        let min = try node.int("min", default: 0, in: 0...max)
        var limits: [LimitOverride] = []
        if let list = node["limits_when"] {
            for item in try list.items() {
                try item.requireOnly(["when", "min", "max"])
                let w = try item.required("when")
                let condition = try FormLoader.condition(w)
                conditions.append((condition, w))
                let lmin = try item["min"].map { n throws(ConfigError) in try n.int() }
                let lmax = try item["max"].map { n throws(ConfigError) in try n.int() }
                if lmin == nil && lmax == nil { throw item.error("limits_when 的每一项至少需要 min 或 max") }
                if let lmin, let lmax, lmin > lmax { throw item.error("min 大于 max", childKey: "min") }
                limits.append(LimitOverride(when: condition, min: lmin, max: lmax))
            }
        }
        return (min, max, limits)
    }

    /// `10MB`, `500KB` or a number of bytes.
    static func bytes(_ node: ConfigNode) throws(ConfigError) -> Int {
        let s = try node.string().uppercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            if let n = Int(s.dropLast(suffix.count)), n > 0 { return n * factor }
        }
        if let n = Int(s), n > 0 { return n }
        throw node.error("应为大小,如 10MB、500KB 或字节数")
    }

    // MARK: Conditions

    static let conditionKeys: Set<String> = [
        "level", "level_not", "track", "track_not", "equals", "not_equals", "filled", "empty", "any", "all", "not",
    ]

    /// Parses a condition; field names are checked later, when all fields are known.
    static func condition(_ node: ConfigNode) throws(ConfigError) -> Condition {
        try node.requireOnly(conditionKeys)
        var parts: [Condition] = []
        for (key, value) in try node.entries() {
            switch key {
            case "level", "level_not":
                let levels = try FormLoader.levels(value).map { JSONValue.string($0.rawValue) }
                let c = Condition.equals(field: FormDefinition.levelField, values: levels)
                parts.append(key == "level" ? c : .not(c))
            case "track", "track_not":
                let tracks = try FormLoader.tracks(value).map { JSONValue.string($0.rawValue) }
                let c = Condition.equals(field: FormDefinition.trackField, values: tracks)
                parts.append(key == "track" ? c : .not(c))
            case "equals", "not_equals":
                for (field, v) in try value.entries() {
                    let values = try (v.isSequence ? v.items() : [v]).map { n throws(ConfigError) in try scalar(n) }
                    let c = Condition.equals(field: field, values: values)
                    parts.append(key == "equals" ? c : .not(c))
                }
            case "filled", "empty":
                for field in try value.stringList() {
                    parts.append(key == "filled" ? .filled(field) : .not(.filled(field)))
                }
            case "any", "all":
                var list: [Condition] = []
                for item in try value.items() { list.append(try condition(item)) }
                parts.append(key == "any" ? .any(list) : .all(list))
            default:  // "not"
                parts.append(.not(try condition(value)))
            }
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    /// A YAML scalar as JSON: unquoted true/false are Booleans, unquoted numbers are numbers.
    static func scalar(_ node: ConfigNode) throws(ConfigError) -> JSONValue {
        let s = try node.string()
        if !node.isQuoted {
            switch s {
            case "true", "yes": return .bool(true)
            case "false", "no": return .bool(false)
            default: if let d = Double(s) { return .number(d) }
            }
        }
        return .string(s)
    }

    /// A condition may only read top-level fields (or the level and the track), and compare a
    /// choice with its options, a Boolean with true/false.
    private mutating func check(_ condition: Condition, node: ConfigNode, form: FormDefinition) {
        switch condition {
        case .all(let cs), .any(let cs): for c in cs { check(c, node: node, form: form) }
        case .not(let c): check(c, node: node, form: form)
        case .filled(let field):
            if form.field(field) == nil { errors.append(node.error("条件引用了不存在的字段“\(field)”")) }
        case .equals(let field, let values):
            if field == FormDefinition.levelField {
                // Shared parts name levels some forms lack; only a condition that can never hold is wrong.
                if !values.contains(where: { v in form.levels.contains { .string($0.rawValue) == v } }) {
                    errors.append(node.error("条件中的级别都不在本表的 levels 中,条件永远不成立"))
                }
                return
            }
            if field == FormDefinition.trackField { return }
            guard let def = form.field(field) else {
                errors.append(node.error("条件引用了不存在的字段“\(field)”"))
                return
            }
            for value in values {
                switch (def.type, value) {
                case (.choice(let options), .string(let s)):
                    if !options.contains(where: { $0.value == s }) {
                        errors.append(node.error("“\(s)”不是字段“\(field)”的选项"))
                    }
                case (.boolean, .bool), (.number, .number), (.text, .string): break
                default:
                    errors.append(node.error("值 \(value.canonical) 与字段“\(field)”的类型(\(def.type.name))不符"))
                }
            }
        }
    }

    /// Checks inside a field: a date's `not_before` and an ID's birth-date field name siblings.
    private mutating func checkInner(_ field: FieldDefinition, node: ConfigNode, siblings: [FieldDefinition]) {
        switch field.type {
        case .date(let notBefore?):
            if !siblings.contains(where: { if case .date = $0.type { $0.id == notBefore } else { false } }) {
                errors.append(node.error("not_before 引用的“\(notBefore)”不是同级的日期字段", childKey: "not_before"))
            }
        case .residentID(let birth?):
            if !siblings.contains(where: { if case .date = $0.type { $0.id == birth } else { false } }) {
                errors.append(node.error("birth_date_field 引用的“\(birth)”不是同级的日期字段", childKey: "birth_date_field"))
            }
        case .group(let children, _, _, _):
            if let items = node["fields"].flatMap({ try? $0.items() }) {
                for child in children {
                    if let n = items.first(where: { (try? $0.required("id").string()) == child.id }) {
                        checkInner(child, node: n, siblings: children)
                    }
                }
            }
        default: break
        }
    }
}
