import Foundation

/// RFC 8785 JSON Canonicalization Scheme (JCS): the one canonical JSON of the project, for
/// every hash — event payloads (`encode`, through the store) and declarations' data digests
/// (`JSONValue.canonical`).
///
/// The rules, as RFC 8785 §3.2 gives them:
/// - no whitespace; object members sorted by their names' UTF-16 code units (§3.2.3), which is
///   UTF-8 byte order except where one name has a character U+E000…U+FFFF and the other one
///   above U+FFFF at the first difference;
/// - strings (§3.2.2.2): `"` and `\` escaped, U+0008/09/0A/0C/0D as `\b \t \n \f \r`, the other
///   characters below U+0020 as `\u00xx` (lower-case hex), everything else as it is (UTF-8);
/// - numbers (§3.2.2.3): as ECMAScript's Number.prototype.toString — the shortest digits that
///   read back as the same double, plain from 1e-6 up to 1e21 (`0.000001`, `100000000000000000000`),
///   exponential outside (`1e-7`, `1e+21`), `-0` as `0`; NaN and infinities refused.
///
/// One extension: integers of Swift's integer types are written with all their digits. Up to
/// 2^53 that is what JCS writes; a larger one (a `UInt64` seed) is kept exact where JCS would
/// round it through a double — every text this writes is otherwise its own JCS form.
///
/// ```swift
/// try CanonicalJSON.encode(event)        // {"submitted":{"on":"2026-03-02",…}}
/// JSONValue.object(data).canonical       // the declaration text the digest covers
/// ```
public enum CanonicalJSON {
    /// The canonical JSON text of `value`.
    /// - Throws: `EncodingError.invalidValue` for NaN or an infinite number, or what the
    ///   value's own `encode(to:)` throws.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let node = try JSONTree.node(for: value, path: nil)
        var out: [UInt8] = []
        out.reserveCapacity(512)
        JSONTree.write(node, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: the rules, shared by both writers

    /// Whether member name `a` sorts before `b`: UTF-16 code-unit order (RFC 8785 §3.2.3),
    /// computed on the UTF-8 bytes without allocating.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n {
                    let p = x[i]
                    let q = y[i]
                    if p != q {
                        // Lead bytes EE/EF start U+E000…U+FFFF (one UTF-16 unit ≥ 0xE000); F0…F4 start a
                        // supplementary character (a surrogate pair, first unit 0xD800…0xDBFF): in
                        // UTF-16 the supplementary character comes first, in UTF-8 the other.
                        if p >= 0xF0, q == 0xEE || q == 0xEF { return true }
                        if q >= 0xF0, p == 0xEE || p == 0xEF { return false }
                        return p < q
                    }
                    i += 1
                }
                return x.count < y.count
            }
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A string as RFC 8785 §3.2.2.2 writes it, quotes included.
    public static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[start..<i])
                start = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(b >> 4)],
                        hexDigits[Int(b & 0xF)],
                    ])
                }
            }
            out.append(contentsOf: bytes[start..<bytes.count])
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A finite double as ECMAScript's Number.prototype.toString writes it (RFC 8785 §3.2.2.3);
    /// nil for NaN and infinities.
    public static func number(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        // Integers below 2^53 (most numbers written here): their digits.
        if value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        // Swift's description has the shortest digits that read back as the same double (the
        // digits ECMAScript uses); only the layout differs.
        return layout(value.description)
    }

    /// The shortest-digit text of a `Float` laid out as ECMAScript would (read as a double it
    /// is the same text again).
    static func number(_ value: Float) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        return layout(value.description)
    }

    /// ECMAScript's layout of a decimal given as Swift writes it (`-1.2345e-07`, `123.5`).
    static func layout(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self))!
            bytes.removeSubrange(e...)
        }
        // digits × 10^(point − digits.count), with the leading and trailing zeros removed.
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for b in bytes {
            if b == UInt8(ascii: ".") {
                seenPoint = true
            } else {
                digits.append(b)
                if !seenPoint { point += 1 }
            }
        }
        while let first = digits.first, first == UInt8(ascii: "0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0"), digits.count > 1 { digits.removeLast() }
        // ECMAScript: value = 0.d1d2…dk × 10^n.
        let k = digits.count
        let n = point + exponent
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += digits
            out += [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[0..<n]
            out.append(UInt8(ascii: "."))
            out += digits[n...]
        } else if -6 < n && n <= 0 {
            out += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            out += [UInt8](repeating: UInt8(ascii: "0"), count: -n)
            out += digits
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            out += Array(String(abs(n - 1)).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: JSONValue

    static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: (number(d) ?? "null").utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted(by: precedes).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                write(o[k]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writePretty(_ value: JSONValue, indent: Int, to out: inout [UInt8]) {
        func pad(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
        switch value {
        case .array(let a) where !a.isEmpty:
            out.append(contentsOf: "[\n".utf8)
            for (i, v) in a.enumerated() {
                pad(indent + 2)
                writePretty(v, indent: indent + 2, to: &out)
                out.append(contentsOf: (i == a.count - 1 ? "\n" : ",\n").utf8)
            }
            pad(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let o) where !o.isEmpty:
            out.append(contentsOf: "{\n".utf8)
            let keys = o.keys.sorted(by: precedes)
            for (i, k) in keys.enumerated() {
                pad(indent + 2)
                writeString(k, to: &out)
                out.append(contentsOf: ": ".utf8)
                writePretty(o[k]!, indent: indent + 2, to: &out)
                out.append(contentsOf: (i == keys.count - 1 ? "\n" : ",\n").utf8)
            }
            pad(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(value, to: &out)
        }
    }
}
