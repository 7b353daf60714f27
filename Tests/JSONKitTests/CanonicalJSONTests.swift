import Foundation
import JSONKit
import Testing

/// RFC 8785 (JCS), the canonical JSON of every hash: the vectors of the RFC and of its
/// author's test data (`Fixtures/rfc8785/SOURCE.md`), and both writers — `JSONValue.canonical`
/// and `CanonicalJSON.encode` (event payloads) — giving the same bytes.
@Suite struct CanonicalJSONTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rfc8785")

    /// A fixture's bytes; a missing file fails the test that asked, naming it.
    static func fixture(_ name: String) throws -> Data {
        let url = fixtures.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return data
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture not readable: \(path)" }
    }

    @Test(arguments: ["arrays", "french", "structures", "unicode", "values", "weird"])
    func rfc8785TestData(_ name: String) throws {
        let input = try JSONValue(json: try Self.fixture("input/\(name).json"))
        let expected = String(decoding: try Self.fixture("output/\(name).json"), as: UTF8.self)
        #expect(input.canonical == expected)
        // The canonical text is its own canonical form, and the Codable front agrees.
        #expect(try JSONValue(json: expected).canonical == expected)
        #expect(try CanonicalJSON.encode(input) == expected)
    }

    @Test func rfc8785AppendixBNumbers() throws {
        let lines = String(decoding: try Self.fixture("numbers.txt"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 29)
        for line in lines {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            let bits = try #require(UInt64(parts[0], radix: 16))
            let value = Double(bitPattern: bits)
            let expected = parts[1].isEmpty ? nil : String(parts[1])
            #expect(CanonicalJSON.number(value) == expected, "\(parts[0])")
            if let expected {
                #expect(Double(expected) == value || (value == 0 && Double(expected) == 0), "\(parts[0]) reads back")
                #expect(JSONValue.number(value).canonical == expected)
                #expect(try CanonicalJSON.encode([value]) == "[\(expected)]")
            } else {
                #expect(throws: EncodingError.self) { try CanonicalJSON.encode([value]) }
            }
        }
    }

    @Test func numbersAroundTheLayoutEdges() throws {
        let cases: [(Double, String)] = [
            (1e20, "100000000000000000000"), (1e21, "1e+21"), (1e-6, "0.000001"), (1e-7, "1e-7"),
            (1.5e-5, "0.000015"), (1e16, "10000000000000000"), (-0.0, "0"), (0.1, "0.1"), (-3.75, "-3.75"),
            (5, "5"), (-5, "-5"), (123_456_789.123, "123456789.123"), (794_000_000.125, "794000000.125"),
            (1.0 / 3.0, "0.3333333333333333"), (2e-7, "2e-7"), (1.2345e-7, "1.2345e-7"), (1.2345e25, "1.2345e+25"),
        ]
        for (value, text) in cases {
            #expect(CanonicalJSON.number(value) == text, "\(value)")
        }
    }

    /// Random doubles: the text reads back as the same double and is its own canonical form.
    @Test func randomDoublesRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let text = try #require(CanonicalJSON.number(value))
            #expect(Double(text) == value || value == 0, "\(value) → \(text)")
            #expect(try JSONValue(json: text).canonical == text)
        }
    }

    @Test func keysSortByUTF16CodeUnits() throws {
        // U+FB33 is one UTF-16 unit 0xFB33, 😂 is the pair D83D DE02: in UTF-16 the emoji comes
        // first, in UTF-8 (F0… against EF…) the other way round.
        let keys = [
            "b", "C", "a10", "a2", "_x", "é", "Z", "中", "aB", "ab", "Ab", "", "a", "\u{FB33}", "😂", "\u{E000}", "𝄞",
        ]
        var forward: [String: Int] = [:]
        for (i, k) in keys.enumerated() { forward[k] = i }
        var backward: [String: Int] = Dictionary(minimumCapacity: 64)
        for (i, k) in keys.enumerated().reversed() { backward[k] = i }
        let a = try CanonicalJSON.encode(forward)
        #expect(a == (try CanonicalJSON.encode(backward)))
        let order = keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
        #expect(order.suffix(5) == ["中", "𝄞", "😂", "\u{E000}", "\u{FB33}"])
        let expected = "{" + order.map { "\"\($0)\":\(forward[$0]!)" }.joined(separator: ",") + "}"
        #expect(a == expected)
        let value = JSONValue.object(forward.mapValues { .number(Double($0)) })
        #expect(value.canonical == expected)
        for x in keys {
            for y in keys {
                #expect(
                    CanonicalJSON.precedes(x, y) == Array(x.utf16).lexicographicallyPrecedes(Array(y.utf16)),
                    "\(x) \(y)")
            }
        }
    }

    @Test func stringsAreEscapedAsTheRFCSays() throws {
        var control = ""
        for i in 0..<32 { control.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        #expect(
            JSONValue.string(control).canonical
                == #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
                + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#)
        #expect(try CanonicalJSON.encode("a\u{1}\"\\/\n中") == #""a\u0001\"\\/\n中""#)
        #expect(
            JSONValue.string("\u{7F}\u{80}\u{2028}\u{2029}</script>").canonical
                == "\"\u{7F}\u{80}\u{2028}\u{2029}</script>\"")
    }

    /// For the shapes the store writes — ASCII keys, integers, strings of any kind, dates as
    /// seconds with milliseconds — the canonical bytes are Foundation's sorted-keys bytes, the
    /// store's payload format before RFC 8785 (so logs written before and after are alike).
    @Test func payloadShapesAreFoundationsSortedKeysBytes() throws {
        struct Person: Codable, Equatable {
            var name: String
            var age: Int
            var title: String?
            var tags: [String]
            var scores: [String: Int]
            var retired: Bool
            var signedAt: Date
            var seed: UInt64
        }
        enum Step: Codable, Equatable {
            case created(on: String, by: Person)
            case voted(Int, Int, note: String?)
            case closed
            case batch([Step])
        }
        var control = ""
        for i in 0..<32 { control.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        let p = Person(
            name: "王芳\"\\/\(control)\u{2028}😀", age: -41, title: nil, tags: ["高级工程师", ""],
            scores: ["z": 1, "a": -2, "A2026-00001": 3], retired: false,
            signedAt: Date(timeIntervalSinceReferenceDate: 794_000_000.125), seed: .max)
        let steps: [Step] = [
            .created(on: "2026-03-02", by: p), .voted(5, -1, note: nil), .voted(0, 0, note: "弃权"), .closed,
            .batch([.closed, .batch([])]),
        ]
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try CanonicalJSON.encode(steps) == String(decoding: try foundation.encode(steps), as: UTF8.self))
        let back = try JSONDecoder().decode([Step].self, from: Data(try CanonicalJSON.encode(steps).utf8))
        #expect(back == steps)
    }

    /// Hand-written `encode(to:)` shapes: single values, nested containers filled after they
    /// were attached, super encoders, a key written twice, a value that writes nothing.
    struct Odd: Encodable {
        enum K: String, CodingKey { case a, b, nested, list, sup, empty }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            var nested = c.nestedContainer(keyedBy: K.self, forKey: .nested)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try c.encode(1, forKey: .b)
            try nested.encode("later", forKey: .a)
            try list.encode(true)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: K.self)
            try inner.encode(2.5, forKey: .a)
            try c.encode("first", forKey: .a)
            try c.encode("second", forKey: .a)
            var sup = c.superEncoder(forKey: .sup).singleValueContainer()
            try sup.encode("上级")
            try c.encode(Empty(), forKey: .empty)
        }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test func handWrittenEncoders() throws {
        #expect(
            try CanonicalJSON.encode(Odd())
                == #"{"a":"second","b":1,"empty":{},"list":[true,null,{"a":2.5}],"nested":{"a":"later"},"sup":"上级"}"#)
    }

    @Test func integersKeepAllTheirDigits() throws {
        struct N: Encodable {
            var big: UInt64 = .max
            var small: Int64 = .min
            var i8: Int8 = -128
            var u16: UInt16 = 65535
        }
        #expect(
            try CanonicalJSON.encode(N())
                == #"{"big":18446744073709551615,"i8":-128,"small":-9223372036854775808,"u16":65535}"#)
    }

    @Test func theSameValueAlwaysGivesTheSameBytes() throws {
        // Fresh dictionaries (their iteration order varies with capacity and seed) every time.
        let outputs = try (0..<20).map { n -> String in
            var scores: [String: Int] = Dictionary(minimumCapacity: n * 7)
            for k in (0..<30).shuffled() { scores["专家\(k)"] = k }
            return try CanonicalJSON.encode(scores)
        }
        #expect(Set(outputs).count == 1)
    }

    /// Both writers agree on random trees (the Codable front writes `JSONValue` through its
    /// `encode(to:)`).
    @Test func bothWritersAgree() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", "0", "中", "é", "\u{FB33}", "😂", "\"", "\\", "\n", "\u{1}", " "]
        func string() -> String {
            String((0..<Int.random(in: 0...5, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        func tree(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2:
                let d = Double(bitPattern: rng.next())
                return .number(d.isFinite ? d : Double(Int.random(in: -1000...1000, using: &rng)))
            case 3: return .string(string())
            case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in tree(depth + 1) })
            default:
                var o: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...5, using: &rng) { o[string()] = tree(depth + 1) }
                return .object(o)
            }
        }
        for _ in 0..<500 {
            let value = tree(0)
            let text = value.canonical
            #expect(try CanonicalJSON.encode(value) == text)
            #expect(try JSONValue(json: text) == value)
        }
    }

    @Test func thePrettyFormKeepsTheCanonicalOrder() {
        let v: JSONValue = ["b": [1, 2.5, []], "a": ["x": nil, "😂": true, "\u{FB33}": [:]], "c": [:]]
        #expect(
            v.pretty == """
                {
                  "a": {
                    "x": null,
                    "😂": true,
                    "\u{FB33}": {}
                  },
                  "b": [
                    1,
                    2.5,
                    []
                  ],
                  "c": {}
                }
                """)
    }
}
