import Foundation

/// The one JSON tree of the project: what an applicant submits (form data, attachment metadata,
/// facts) and the data a document template is rendered with (`Documents.TemplateValue` is this
/// type).
///
/// Numbers are `Double` (JSON has one number type). Build values in Swift through the literal
/// conformances (`["name": "张三", "works": [["title": "…"]]]`), parse them with
/// `JSONValue(json:)`, write them with `canonical` (RFC 8785, the bytes every hash covers) or
/// `pretty`.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var number: Double? { if case .number(let d) = self { d } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    /// Member of an object value, `nil` for anything else or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// RFC 8785 canonical JSON (JCS): object members sorted by the UTF-16 code units of their
    /// names, no whitespace, numbers as ECMAScript writes them, strings escaped minimally. The
    /// text declarations' data digests cover. A number that is not finite (no parser makes one)
    /// is written `null`.
    public var canonical: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        CanonicalJSON.write(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Pretty JSON with keys in canonical order, two-space indentation (for people and for the
    /// schema export).
    public var pretty: String {
        var out: [UInt8] = []
        CanonicalJSON.writePretty(self, indent: 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
