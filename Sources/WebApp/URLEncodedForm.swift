/// One posted form field: its name and value, in the order the browser sent them.
public struct FormPair: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The `application/x-www-form-urlencoded` parser (WHATWG URL standard, "urlencoded parsing").
///
/// `&` separates pairs, the first `=` splits name from value, `+` is a space, `%XX` is a byte;
/// the bytes are UTF-8 (invalid sequences become U+FFFD). As the standard says, a `%` not
/// followed by two hex digits stays a literal `%`. Repeated names are kept, in order.
///
/// ```swift
/// let body = try await request.body.collect(upTo: URLEncodedForm.Limits.standard.bytes)
/// let pairs = try URLEncodedForm.parse(Array(body.readableBytesView))
/// ```
public enum URLEncodedForm {
    public struct Limits: Sendable {
        /// The whole body.
        public var bytes: Int
        public var pairs: Int
        /// One name, encoded.
        public var nameBytes: Int
        /// One value, encoded.
        public var valueBytes: Int

        public init(bytes: Int, pairs: Int, nameBytes: Int, valueBytes: Int) {
            self.bytes = bytes
            self.pairs = pairs
            self.nameBytes = nameBytes
            self.valueBytes = valueBytes
        }

        /// 1 MB, 2,000 pairs, names up to 200 bytes, values up to 200 KB (a 20,000-character
        /// Chinese text is 60 KB of UTF-8, up to 180 KB percent-encoded).
        public static let standard = Limits(bytes: 1 << 20, pairs: 2000, nameBytes: 200, valueBytes: 200 << 10)
    }

    /// Parses a body into its pairs.
    /// - Throws: `WebError.payloadTooLarge` beyond `limits.bytes`, `.badRequest` beyond the
    ///   other limits.
    public static func parse(_ body: [UInt8], limits: Limits = .standard) throws(WebError) -> [FormPair] {
        guard body.count <= limits.bytes else { throw .payloadTooLarge }
        var pairs: [FormPair] = []
        for segment in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < limits.pairs else {
                throw .badRequest(field: "表单", message: "提交的栏目过多(不能超过\(limits.pairs)项)。")
            }
            let equals = segment.firstIndex(of: UInt8(ascii: "="))
            let name = segment[segment.startIndex..<(equals ?? segment.endIndex)]
            let value = equals.map { segment[segment.index(after: $0)...] } ?? []
            guard name.count <= limits.nameBytes else {
                throw .badRequest(field: "表单", message: "栏目名称过长。")
            }
            guard value.count <= limits.valueBytes else {
                throw .badRequest(field: "表单", message: "某一栏目的内容过长(不能超过\(limits.valueBytes / 1024)KB)。")
            }
            pairs.append(FormPair(decode(name), decode(value)))
        }
        return pairs
    }

    /// Decodes one name or value: `+` → space, `%XX` → byte, then UTF-8.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%"), let h = bytes.index(i, offsetBy: 1, limitedBy: bytes.endIndex),
                h != bytes.endIndex, let l = bytes.index(h, offsetBy: 1, limitedBy: bytes.endIndex), l != bytes.endIndex,
                let high = hexValue(bytes[h]), let low = hexValue(bytes[l])
            {
                out.append(high << 4 | low)
                i = l
            } else {
                out.append(b)
            }
            i = bytes.index(after: i)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes pairs as a body (the inverse of `parse`; spaces as `+`).
    public static func encode(_ pairs: [FormPair]) -> String {
        pairs.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case 0x20: out += "+"
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(hex[Int(b >> 4)])
                out.unicodeScalars.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
