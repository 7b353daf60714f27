import Domain

extension FormDefinition {
    /// The form as a JSON Schema (draft 2020-12), so other systems validate the same data.
    ///
    /// The schema expresses types, lengths, bounds, options, patterns, counts, unknown fields and
    /// every conditional requirement (`if`/`then`). It is a *superset* check where JSON Schema
    /// cannot follow Pingshen: the GB 11643 and GB 32100 check characters, the birth date inside
    /// the ID number, calendar validity of dates (2021-02-30) and date order (end ≥ start).
    /// Data Pingshen accepts always passes the schema; data the schema refuses, Pingshen refuses.
    ///
    /// ```swift
    /// print(form.jsonSchema.pretty)
    /// ```
    public var jsonSchema: JSONValue {
        var properties: [String: JSONValue] = [
            FormDefinition.levelField: [
                "title": "申报级别",
                "enum": .array(levels.map { .string($0.rawValue) }),
            ],
            FormDefinition.trackField: [
                "title": "申报通道",
                "enum": .array(tracks.map { .string($0.rawValue) }),
            ],
        ]
        var required: [JSONValue] = [.string(FormDefinition.levelField)]
        if !tracks.contains(.normal) { required.append(.string(FormDefinition.trackField)) }
        var allOf: [JSONValue] = []

        for field in fields {
            // A field asked only under a condition (`visible_when:`) is neither validated nor
            // kept otherwise, so its checks apply only under that condition; elsewhere any value
            // passes, as Pingshen ignores (and drops) it.
            var own: [JSONValue] = []
            let schema = SchemaWriter.schema(of: field, nested: false)
            if field.visibleWhen == nil {
                properties[field.id] = schema
                if field.required { required.append(.string(field.id)) }
            } else {
                properties[field.id] = ["title": .string(field.label)]
                own.append(["properties": [field.id: schema]])
                if field.required { own.append(["required": [.string(field.id)]]) }
            }
            if let when = field.requiredWhen, !field.required {
                var then: [String: JSONValue] = ["required": [.string(field.id)]]
                if field.isCounted { then["properties"] = [field.id: ["minItems": 1]] }
                own.append(["if": SchemaWriter.schema(of: when), "then": .object(then)])
            }
            if let chain = SchemaWriter.countChain(of: field) { own.append(chain) }
            if field.required, let limits = field.limits, !limits.overrides.isEmpty {
                own.append(["properties": [field.id: ["minItems": 1]]])
            }
            if let visible = field.visibleWhen, !own.isEmpty {
                allOf.append(["if": SchemaWriter.schema(of: visible), "then": ["allOf": .array(own)]])
            } else {
                allOf += own
            }
        }
        for rule in rules {
            let anyOf: JSONValue = .array(
                rule.anyOf.map { alt in
                    [
                        "required": [.string(alt.field)],
                        "properties": [alt.field: ["minItems": .number(Double(alt.min))]],
                    ]
                })
            let check: JSONValue = ["anyOf": anyOf, "description": .string("\(rule.id): \(rule.message)")]
            if let when = rule.when {
                allOf.append(["if": SchemaWriter.schema(of: when), "then": check])
            } else {
                allOf.append(check)
            }
        }
        var schema: [String: JSONValue] = [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string("urn:pingshen:form:\(id):\(version)"),
            "title": .string(title),
            "description": .string(
                "Pingshen 申报表 \(id) 版本 \(version)。校验位(身份证号、统一社会信用代码)、日期有效性与先后顺序由 Pingshen 另行校验。"),
            "type": "object",
            "additionalProperties": false,
            "properties": .object(properties),
            "required": .array(required),
        ]
        if !allOf.isEmpty { schema["allOf"] = .array(allOf) }
        return .object(schema)
    }
}

extension FieldDefinition {
    /// Groups and attachments have count limits.
    var isCounted: Bool {
        switch type {
        case .group, .attachment: true
        default: false
        }
    }

    var limits: (min: Int, max: Int, overrides: [LimitOverride])? {
        switch type {
        case .group(_, let min, let max, let o): (min, max, o)
        case .attachment(_, _, let min, let max, let o): (min, max, o)
        default: nil
        }
    }
}

enum SchemaWriter {
    static func schema(of field: FieldDefinition, nested: Bool) -> JSONValue {
        var s: [String: JSONValue] = ["title": .string(field.label)]
        if let help = field.help { s["description"] = .string(help) }
        switch field.type {
        case .text(let minLength, let maxLength):
            s["type"] = "string"
            s["minLength"] = .number(Double(minLength))
            s["maxLength"] = .number(Double(maxLength))
        case .number(let minimum, let maximum, let integer):
            s["type"] = integer ? "integer" : "number"
            if let minimum { s["minimum"] = .number(minimum) }
            if let maximum { s["maximum"] = .number(maximum) }
        case .date:
            s["type"] = "string"
            s["format"] = "date"
            s["pattern"] = .string(Patterns.date)
        case .choice(let options):
            s["type"] = "string"
            s["enum"] = .array(options.map { .string($0.value) })
        case .boolean:
            s["type"] = "boolean"
        case .residentID:
            s["type"] = "string"
            s["pattern"] = .string(Patterns.residentID)
        case .creditCode:
            s["type"] = "string"
            s["pattern"] = .string(Patterns.creditCode)
        case .phone:
            s["type"] = "string"
            s["maxLength"] = 20
            s["pattern"] = .string(Patterns.phone)
        case .email:
            s["type"] = "string"
            s["maxLength"] = .number(Double(Patterns.emailMaxLength))
            s["pattern"] = .string(Patterns.email)
        case .group(let children, let min, let max, let overrides):
            var props: [String: JSONValue] = [:]
            var required: [JSONValue] = []
            for child in children {
                props[child.id] = schema(of: child, nested: true)
                if child.required || (child.limits?.min ?? 0) > 0 { required.append(.string(child.id)) }
            }
            s["type"] = "array"
            s["items"] = [
                "type": "object", "additionalProperties": false, "properties": .object(props),
                "required": .array(required),
            ]
            if overrides.isEmpty || nested {
                s["maxItems"] = .number(Double(max))
                if min > 0 || field.required { s["minItems"] = .number(Double(Swift.max(min, field.required ? 1 : 0))) }
            }
        case .attachment(let types, let maxBytes, let min, let max, let overrides):
            s["type"] = "array"
            s["items"] = [
                "type": "object", "additionalProperties": false,
                "required": ["name", "media_type", "size", "sha256"],
                "properties": [
                    "name": [
                        "type": "string", "minLength": 1, "maxLength": .number(Double(FormLimits.metadataLength)),
                    ],
                    "media_type": ["enum": .array(types.map { .string($0) })],
                    "size": ["type": "integer", "minimum": 0, "maximum": .number(Double(maxBytes))],
                    "sha256": ["type": "string", "pattern": .string(Patterns.sha256)],
                ],
            ]
            if overrides.isEmpty || nested {
                s["maxItems"] = .number(Double(max))
                if min > 0 || field.required { s["minItems"] = .number(Double(Swift.max(min, field.required ? 1 : 0))) }
            }
        }
        return .object(s)
    }

    /// Top-level count limits: the base limits, or an if/then/else chain over `limits_when`
    /// (first match wins, as in validation). A positive minimum also makes the field required.
    static func countChain(of field: FieldDefinition) -> JSONValue? {
        guard let (min, max, overrides) = field.limits else { return nil }
        func limits(_ lo: Int, _ hi: Int) -> JSONValue {
            var p: [String: JSONValue] = ["maxItems": .number(Double(hi))]
            if lo > 0 { p["minItems"] = .number(Double(lo)) }
            var s: [String: JSONValue] = ["properties": [field.id: .object(p)]]
            if lo > 0 { s["required"] = [.string(field.id)] }
            return .object(s)
        }
        if overrides.isEmpty {
            return min > 0 ? ["required": [.string(field.id)]] : nil
        }
        var chain = limits(min, max)
        for o in overrides.reversed() {
            chain = ["if": schema(of: o.when), "then": limits(o.min ?? min, o.max ?? max), "else": chain]
        }
        return chain
    }

    /// A condition as a schema that an instance satisfies exactly when the condition holds.
    static func schema(of condition: Condition) -> JSONValue {
        switch condition {
        case .all(let cs): return cs.isEmpty ? .object([:]) : ["allOf": .array(cs.map(schema(of:)))]
        case .any(let cs): return ["anyOf": .array(cs.map(schema(of:)))]
        case .not(let c): return ["not": schema(of: c)]
        case .equals(let field, let values):
            let present: JSONValue = ["required": [.string(field)], "properties": [field: ["enum": .array(values)]]]
            if field == FormDefinition.trackField, values.contains(.string(Track.normal.rawValue)) {
                return ["anyOf": [["not": ["required": [.string(field)]]], present]]
            }
            return present
        case .filled(let field):
            return [
                "required": [.string(field)],
                "properties": [field: ["not": ["anyOf": [["const": nil], ["const": ""], ["const": []]]]]],
            ]
        }
    }
}
