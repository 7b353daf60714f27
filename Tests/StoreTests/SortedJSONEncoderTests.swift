import Foundation
import Testing

@testable import Store

/// The store's encoder must write exactly what Foundation's sorted-keys encoder writes (the
/// log's hashes cover these bytes) and decode back to the same value.
@Suite struct SortedJSONEncoderTests {
    static func foundation<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// Same bytes as Foundation, and decodes back to the value.
    func check<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try SortedJSONEncoder.encode(value)
        #expect(ours == (try Self.foundation(value)), sourceLocation: sourceLocation)
        let back = try JSONDecoder().decode(T.self, from: Data(ours.utf8))
        #expect(back == value, sourceLocation: sourceLocation)
    }

    struct Person: Codable, Equatable {
        var name: String
        var age: Int
        var title: String?
        var tags: [String]
        var scores: [String: Int]
        var retired: Bool
    }

    enum Step: Codable, Equatable {
        case created(on: String, by: Person)
        case voted(Int, Int, note: String?)
        case closed
        case batch([Step])
    }

    struct Numbers: Codable, Equatable {
        var d: [Double]
        var f: Float
        var big: UInt64
        var small: Int64
        var i8: Int8
        var u16: UInt16
        var at: Date
        var blob: Data
        var link: URL
    }

    @Test func unusualStringsAreEscapedLikeFoundation() throws {
        var control = ""
        for i in 0..<32 { control.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        let strings = [
            "", "plain", "职称评审委员会", "焦职改〔2026〕3号", "引号\"与反斜杠\\", "a/b//c", control, "\u{7F}\u{80}\u{2028}\u{2029}",
            "\u{FEFF}BOM", "emoji 😀👨‍👩‍👧", "tab\there\r\nline", "\\u0041 is not A", "end\\",
        ]
        for s in strings { try check([s]) }
        try check(strings)
        #expect(try SortedJSONEncoder.encode("a\u{1}\"\\/\n中") == #""a\u0001\"\\/\n中""#)
    }

    @Test func keysAreSortedByUTF8BytesWhateverTheInsertionOrder() throws {
        let keys = ["b", "C", "a10", "a2", "_x", "é", "Z", "中", "aB", "ab", "Ab", "", "a"]
        var forward: [String: Int] = [:]
        for (i, k) in keys.enumerated() { forward[k] = i }
        var backward: [String: Int] = Dictionary(minimumCapacity: 64)
        for (i, k) in keys.enumerated().reversed() { backward[k] = i }
        let a = try SortedJSONEncoder.encode(forward)
        #expect(a == (try SortedJSONEncoder.encode(backward)))
        #expect(a.hasPrefix(#"{"":11,"Ab":10,"C":1,"Z":6,"_x":4,"a":12,"a10":2,"a2":3,"aB":8,"ab":9,"b":0,"#))
        try check(forward)
        try check([1: "一", 10: "十", 2: "二"])
    }

    @Test func structsEnumsAndOptionalsMatchFoundation() throws {
        let p = Person(
            name: "王芳", age: 41, title: nil, tags: ["高级工程师", ""], scores: ["z": 1, "a": -2], retired: false)
        try check(p)
        var q = p
        q.title = "副高级"
        q.retired = true
        try check(q)
        let steps: [Step] = [
            .created(on: "2026-03-02", by: p), .voted(5, -1, note: nil), .voted(0, 0, note: "弃权"), .closed,
            .batch([.closed, .batch([])]),
        ]
        try check(steps)
        try check([[Int]]())
        try check([[String: String]()])
    }

    @Test func numbersDatesAndDataMatchFoundation() throws {
        let n = Numbers(
            d: [0, -0.0, 5, 0.1, 1e16, 1e-5, 2.5e-7, 123_456_789.123, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -3.75],
            f: 0.1, big: .max, small: .min, i8: -128, u16: 65535,
            at: Date(timeIntervalSinceReferenceDate: 794_000_000.125), blob: Data([0, 1, 2, 250, 255]),
            link: URL(string: "https://rsj.jiaozuo.gov.cn/verify?n=1&c=中")!)
        try check(n)
        #expect(try SortedJSONEncoder.encode([5.0, -0.0, 1e16]) == "[5,-0,1e+16]")
        #expect(throws: EncodingError.self) { try SortedJSONEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try SortedJSONEncoder.encode(["x": Double.infinity]) }
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

    @Test func handWrittenEncodersMatchFoundation() throws {
        let ours = try SortedJSONEncoder.encode(Odd())
        #expect(ours == (try Self.foundation(Odd())))
        #expect(ours == #"{"a":"second","b":1,"empty":{},"list":[true,null,{"a":2.5}],"nested":{"a":"later"},"sup":"上级"}"#)
    }

    @Test func theSameValueAlwaysGivesTheSameBytes() throws {
        // Fresh dictionaries (their iteration order varies with capacity and seed) every time.
        let outputs = try (0..<20).map { n -> String in
            var scores: [String: Int] = Dictionary(minimumCapacity: n * 7)
            for k in (0..<30).shuffled() { scores["专家\(k)"] = k }
            return try SortedJSONEncoder.encode(
                Person(name: "李", age: 1, title: nil, tags: [], scores: scores, retired: false))
        }
        #expect(Set(outputs).count == 1)
    }
}
