/// A `multipart/form-data` body (RFC 7578 over RFC 2046): its parts in order.
///
/// Parsing is strict where leniency would hide a broken or hostile body: the boundary must
/// come from the `Content-Type`, lines end with CRLF, every part needs a
/// `Content-Disposition: form-data; name="…"`, the closing delimiter must be present, and the
/// limits (`Limits`) hold. `filename*=UTF-8''…` (RFC 5987) wins over `filename`; browsers send
/// `filename="…"` in raw UTF-8, which is read as such.
///
/// ```swift
/// let body = try await request.body.collect(upTo: MultipartFormData.Limits.standard.bytes)
/// let form = try MultipartFormData.parse(Array(body.readableBytesView),
///                                        contentType: request.headers[.contentType] ?? "")
/// let pairs = form.fields            // for FormSubmission
/// for file in form.files { … }       // for UploadStore.accept
/// ```
public struct MultipartFormData: Sendable {
    /// One part: a field or a file.
    public struct Part: Sendable, Equatable {
        /// The `name` parameter: the input's name (a field path).
        public var name: String
        /// The file name as sent (nil for plain fields; empty when no file was chosen).
        public var filename: String?
        /// The part's `Content-Type` as declared by the client (never trusted for files).
        public var contentType: String?
        /// Every header of the part, names lowercased, in order.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public static func == (a: Part, b: Part) -> Bool {
            a.name == b.name && a.filename == b.filename && a.contentType == b.contentType && a.body == b.body
                && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
        }
    }

    public struct Limits: Sendable {
        /// The whole body.
        public var bytes: Int
        public var parts: Int
        /// The header block of one part.
        public var headerBytes: Int
        /// The value of one plain (non-file) field.
        public var fieldBytes: Int

        public init(bytes: Int, parts: Int, headerBytes: Int, fieldBytes: Int) {
            self.bytes = bytes
            self.parts = parts
            self.headerBytes = headerBytes
            self.fieldBytes = fieldBytes
        }

        /// 32 MB (`WebRequestContext.maxUploadSize`; the largest file a form allows is 20 MB),
        /// 2,000 parts, 8 KB of headers per part, 200 KB per plain field.
        public static let standard = Limits(bytes: 32 << 20, parts: 2000, headerBytes: 8 << 10, fieldBytes: 200 << 10)
    }

    public var parts: [Part]

    /// The plain fields as pairs, in order (values decoded as UTF-8).
    public var fields: [FormPair] {
        parts.filter { $0.filename == nil }.map { FormPair($0.name, String(decoding: $0.body, as: UTF8.self)) }
    }

    /// The files chosen (file inputs left empty — empty name and body — are skipped).
    public var files: [Part] { parts.filter { $0.filename != nil && !($0.filename!.isEmpty && $0.body.isEmpty) } }

    static let malformedField = "上传内容"

    static func malformed(_ message: String) -> WebError {
        .badRequest(field: malformedField, message: "提交的表单格式不正确:\(message)。请返回页面重新提交。")
    }

    /// The boundary of a `multipart/form-data` content type.
    /// - Throws: `WebError.badRequest` when the type is another or the boundary is missing or invalid.
    public static func boundary(contentType: String) throws(WebError) -> String {
        let (type, parameters) = HeaderValue.parse(contentType)
        guard type == "multipart/form-data" else { throw malformed("内容类型应为 multipart/form-data") }
        guard let boundary = parameters["boundary"], (1...70).contains(boundary.utf8.count) else {
            throw malformed("缺少分隔符(boundary)或分隔符长度不在1至70之间")
        }
        // RFC 2046 bchars; the last one may not be a space.
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        guard boundary.utf8.allSatisfy(allowed.contains), boundary.utf8.last != 0x20 else {
            throw malformed("分隔符(boundary)含有不允许的字符")
        }
        return boundary
    }

    /// Parses `body` sent with `contentType`.
    /// - Throws: `WebError.payloadTooLarge` beyond `limits.bytes`; `WebError.badRequest` (field
    ///   `上传内容`) for a malformed body or beyond the other limits.
    public static func parse(_ body: [UInt8], contentType: String, limits: Limits = .standard) throws(WebError)
        -> MultipartFormData
    {
        guard body.count <= limits.bytes else { throw .payloadTooLarge }
        let boundary = try Self.boundary(contentType: contentType)
        let dash = Array("--".utf8) + Array(boundary.utf8)
        let delimiter = Array("\r\n".utf8) + dash
        var parts: [Part] = []

        // The first delimiter: at the very start, or after a preamble ending in CRLF.
        var position: Int
        if body.starts(with: dash) {
            position = dash.count
        } else if let found = search(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw malformed("找不到分隔符")
        }
        while true {
            // After a delimiter: `--` closes; otherwise optional padding then CRLF.
            if body.count >= position + 2, body[position] == 0x2D, body[position + 1] == 0x2D { break }
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A else {
                throw malformed("分隔符后应换行(CRLF)")
            }
            position += 2
            guard parts.count < limits.parts else { throw malformed("栏目过多(不能超过\(limits.parts)项)") }

            // Headers end at an empty line.
            let headerEnd: Int
            let headerLimit = min(body.count, position + limits.headerBytes + 4)
            if body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A {
                headerEnd = position - 2  // no headers at all
            } else if let found = search(Array("\r\n\r\n".utf8), in: body, from: position, until: headerLimit) {
                headerEnd = found
            } else {
                throw malformed(headerLimit - position >= limits.headerBytes ? "某一部分的头部过长" : "某一部分缺少头部结束的空行")
            }
            let headers = try parseHeaders(Array(body[position..<max(position, headerEnd)]))
            let contentStart = headerEnd + 4
            guard let end = delimiterEnd(delimiter, in: body, from: contentStart) else {
                throw malformed("内容不完整(缺少结束分隔符)")
            }
            let part = try makePart(headers: headers, body: Array(body[contentStart..<end]))
            if part.filename == nil, part.body.count > limits.fieldBytes {
                throw .badRequest(field: malformedField, message: "栏目“\(part.name)”的内容过长(不能超过\(limits.fieldBytes / 1024)KB)。")
            }
            parts.append(part)
            position = end + delimiter.count
        }
        return MultipartFormData(parts: parts)
    }

    static func parseHeaders(_ block: [UInt8]) throws(WebError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        guard !block.isEmpty else { return headers }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < block.count {
            if block[i] == 0x0D {
                guard i + 1 < block.count, block[i + 1] == 0x0A else { throw malformed("头部含有单独的回车符") }
                lines.append(block[start..<i])
                i += 2
                start = i
            } else if block[i] == 0x0A {
                throw malformed("头部换行应为 CRLF")
            } else {
                i += 1
            }
        }
        lines.append(block[start..<block.count])
        for line in lines {
            if let first = line.first, first == 0x20 || first == 0x09 {
                // Obsolete line folding: continue the previous header.
                guard !headers.isEmpty else { throw malformed("头部以空白开始") }
                headers[headers.count - 1].value += " " + String(decoding: line, as: UTF8.self).trimmingBlanks
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw malformed("头部缺少冒号") }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw malformed("头部名称无效") }
            headers.append((name, String(decoding: line[line.index(after: colon)...], as: UTF8.self).trimmingBlanks))
        }
        return headers
    }

    static func makePart(headers: [(name: String, value: String)], body: [UInt8]) throws(WebError) -> Part {
        let dispositions = headers.filter { $0.name == "content-disposition" }
        guard dispositions.count == 1, let disposition = dispositions.first else {
            throw malformed("每一部分应有且只有一个 Content-Disposition 头")
        }
        let (kind, parameters) = HeaderValue.parse(disposition.value)
        guard kind == "form-data" else { throw malformed("Content-Disposition 应为 form-data") }
        guard let name = parameters["name"] else { throw malformed("某一部分缺少名称(name)") }
        var filename = parameters["filename"]
        if let extended = parameters["filename*"] {
            guard let decoded = HeaderValue.decodeExtended(extended) else { throw malformed("filename* 编码无效") }
            filename = decoded
        }
        let contentType = headers.last { $0.name == "content-type" }?.value
        return Part(name: name, filename: filename, contentType: contentType, headers: headers, body: body)
    }

    /// The next delimiter from `from`: a match followed by `--`, white space or CRLF (the
    /// boundary followed by anything else is content).
    static func delimiterEnd(_ delimiter: [UInt8], in body: [UInt8], from: Int) -> Int? {
        var start = from
        while let found = search(delimiter, in: body, from: start) {
            let next = found + delimiter.count
            if next == body.count { return found }
            let b = body[next]
            if b == 0x0D || b == 0x20 || b == 0x09 || (b == 0x2D && next + 1 < body.count && body[next + 1] == 0x2D) {
                return found
            }
            start = found + 1
        }
        return nil
    }

    /// The first index of `needle` in `haystack[from..<until]`.
    static func search(_ needle: [UInt8], in haystack: [UInt8], from: Int, until: Int? = nil) -> Int? {
        let end = (until ?? haystack.count) - needle.count
        guard !needle.isEmpty, from <= end else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let first = n[0]
                var i = max(0, from)
                while i <= end {
                    if h[i] == first {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

/// `type/subtype; key=value; key="quoted \" value"` header values.
enum HeaderValue {
    /// The lowercased token before the first `;` and the parameters (names lowercased,
    /// quoted strings unescaped). A repeated parameter keeps its first value.
    static func parse(_ value: String) -> (String, [String: String]) {
        let scalars = Array(value.unicodeScalars)
        var i = 0
        func skipSpace() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
        func token(until stops: Set<Unicode.Scalar>) -> String {
            var out = String.UnicodeScalarView()
            while i < scalars.count, !stops.contains(scalars[i]) {
                out.append(scalars[i])
                i += 1
            }
            return String(out).trimmingBlanks
        }
        let type = token(until: [";"]).lowercased()
        var parameters: [String: String] = [:]
        while i < scalars.count {
            i += 1  // ';'
            skipSpace()
            let name = token(until: ["=", ";"]).lowercased()
            var parameterValue = ""
            if i < scalars.count, scalars[i] == "=" {
                i += 1
                skipSpace()
                if i < scalars.count, scalars[i] == "\"" {
                    i += 1
                    var out = String.UnicodeScalarView()
                    while i < scalars.count, scalars[i] != "\"" {
                        // Only `\"` and `\\` are escapes: browsers send Windows paths unescaped.
                        if scalars[i] == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" {
                            i += 1
                        }
                        out.append(scalars[i])
                        i += 1
                    }
                    i += 1  // closing quote
                    parameterValue = String(out)
                    _ = token(until: [";"])
                } else {
                    parameterValue = token(until: [";"])
                }
            }
            if !name.isEmpty, parameters[name] == nil { parameters[name] = parameterValue }
        }
        return (type, parameters)
    }

    /// RFC 5987 `charset'language'percent-encoded` (UTF-8 only; ISO-8859-1 as Latin-1).
    static func decodeExtended(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        let charset = pieces[0].lowercased()
        var bytes: [UInt8] = []
        var iterator = Array(pieces[2].utf8).makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "%") {
                guard let h = iterator.next().flatMap(URLEncodedForm.hexValue), let l = iterator.next().flatMap(URLEncodedForm.hexValue)
                else { return nil }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(b)
            }
        }
        switch charset {
        case "utf-8":
            return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            return nil
        }
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
