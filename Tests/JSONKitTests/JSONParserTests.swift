import Foundation
import JSONKit
import Testing

/// The one JSON parser (template data, batches, form data): RFC 8259 text, with the byte
/// offset of the first error.
@Suite struct JSONParserTests {
    @Test func valuesOfEveryKind() throws {
        let v = try JSONValue(json: #"{"a":[1,-0,2.5e3,1E-2,true,false,null,"x\u4e2d\ud83d\ude02\/"],"b":{}}"#)
        #expect(v == ["a": [1, 0, 2500, 0.01, true, false, nil, "x中😂/"], "b": [:]])
        #expect(try JSONValue(json: "\u{FEFF} [ ] ") == [])
        #expect(try JSONValue(json: #"{"k":1,"k":2}"#) == ["k": 2])
    }

    @Test func numbersFollowTheGrammar() {
        for bad in [
            "01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x10", "1.2.3", "Infinity", "NaN", "1e400", "-1e999",
        ] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try JSONValue(json: "[\(bad)]") }
        }
        for good in ["0", "-0", "10", "1.5", "1e5", "1E+5", "1e-5", "-0.0e0", "1e308"] {
            #expect((try? JSONValue(json: good)) != nil, "\(good)")
        }
    }

    /// Found by `fuzz-json`: a high surrogate followed by an escape that is not a low surrogate
    /// trapped (arithmetic overflow). It stands alone as U+FFFD, the next escape is read on its own.
    @Test func unpairedSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONValue(json: #""\ud83d\ud8d3d""#) == "\u{FFFD}\u{FFFD}d")
        #expect(try JSONValue(json: #""\ud83d\u0041""#) == "\u{FFFD}A")
        #expect(try JSONValue(json: #""\ud83d\ud83d\ude00""#) == "\u{FFFD}😀")
        #expect(try JSONValue(json: #""\ude00\ud83d""#) == "\u{FFFD}\u{FFFD}")
        #expect(throws: JSONSyntaxError.self) { try JSONValue(json: #""\ud83d\uzzzz""#) }
    }

    @Test func errorsSayWhere() {
        #expect {
            try JSONValue(json: #"{"a":}"#)
        } throws: { e in
            (e as? JSONSyntaxError)?.offset == 5
        }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(json: "\"a\u{1}b\"") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(json: "[1] x") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(json: String(repeating: "[", count: 600)) }
    }
}
