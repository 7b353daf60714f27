@_exported import JSONKit

/// The data a template is rendered with: the project's one JSON tree, `JSONKit.JSONValue`.
///
/// Build it in Swift (`["name": "张三", "works": [["title": "…"]]]` through the literal
/// conformances) or parse it from JSON with `TemplateValue(json:)`.
public typealias TemplateValue = JSONValue

extension JSONValue {
    /// A list value (`.array`), the name templates use for repeated sections.
    public static func list(_ items: [JSONValue]) -> JSONValue { .array(items) }

    /// Mustache truthiness: `false`, `null`, an empty list and an empty string are falsy.
    public var isTruthy: Bool {
        switch self {
        case .bool(let b): return b
        case .null: return false
        case .array(let l): return !l.isEmpty
        case .string(let s): return !s.isEmpty
        case .number, .object: return true
        }
    }

    /// The text a value interpolates as (`85` for 85.0, `1.1` for 1.1, empty for null).
    public var text: String {
        switch self {
        case .string(let s): return s
        case .number(let d): return JSONValue.templateText(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        case .array(let l): return l.map(\.text).joined(separator: ",")
        case .object: return ""
        }
    }

    static func templateText(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
