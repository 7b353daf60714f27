import Crypto
import Foundation
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `multipart/form-data` body (RFC 7578 over RFC 2046): its parts in order.
///
/// Parsing is strict where leniency would hide a broken or hostile body: the boundary must
/// come from the `Content-Type`, lines end with CRLF, every part needs a
/// `Content-Disposition: form-data; name="…"`, the closing delimiter must be present, and the
/// limits (`Limits`) hold. `filename*=UTF-8''…` (RFC 5987) wins over `filename`; browsers send
/// `filename="…"` in raw UTF-8, which is read as such.
///
/// One parser (`MultipartParser`) reads a body piece by piece as it arrives: plain fields are
/// kept in memory (each at most `Limits.fieldBytes`), files are written to a `FileSpool`
/// (`uploads/.incoming/`) as they come, so a request never holds a whole upload in memory.
/// `parse(_:contentType:)` feeds it a body already in memory (tests, small bodies; files in
/// memory too).
///
/// ```swift
/// // In a route (after SessionMiddleware checked the token from the query string):
/// let form = try await MultipartFormData.receive(request, contentType: type, uploads: uploads,
///                                                accountID: account.id, form: definition)
/// defer { form.discardSpooled() }
/// let pairs = form.fields            // for FormSubmission
/// for file in form.files { … }       // for UploadBatch.accept
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
        /// The content, when kept in memory (plain fields; files when nothing spools them).
        public var body: [UInt8]
        /// A file's content written to disk as it arrived (nil when `body` holds it).
        public var spooled: SpooledFile?

        public init(
            name: String, filename: String?, contentType: String?, headers: [(name: String, value: String)],
            body: [UInt8], spooled: SpooledFile? = nil
        ) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.headers = headers
            self.body = body
            self.spooled = spooled
        }

        /// The content's size in bytes (of the whole content sent, also when a spooled file
        /// stopped being written beyond its limit).
        public var size: Int { spooled?.size ?? body.count }

        public static func == (a: Part, b: Part) -> Bool {
            a.name == b.name && a.filename == b.filename && a.contentType == b.contentType && a.body == b.body
                && a.spooled == b.spooled && a.headers.map(\.name) == b.headers.map(\.name)
                && a.headers.map(\.value) == b.headers.map(\.value)
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

        /// 32 MB (`UploadLimits.requestBytes`; the largest file a form allows is 20 MB),
        /// 2,000 parts, 8 KB of headers per part, 200 KB per plain field.
        public static let standard = Limits(bytes: 32 << 20, parts: 2000, headerBytes: 8 << 10, fieldBytes: 200 << 10)
    }

    public var parts: [Part]

    /// The plain fields as pairs, in order (values decoded as UTF-8).
    public var fields: [FormPair] {
        parts.filter { $0.filename == nil }.map { FormPair($0.name, String(decoding: $0.body, as: UTF8.self)) }
    }

    /// The files chosen (file inputs left empty — empty name and body — are skipped).
    public var files: [Part] { parts.filter { $0.filename != nil && !($0.filename!.isEmpty && $0.size == 0) } }

    /// Removes the spooled files no one took (`UploadStore` moves the accepted ones away).
    public func discardSpooled() {
        for part in parts { part.spooled?.discard() }
    }

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

    /// Parses `body` sent with `contentType`, files kept in memory.
    /// - Throws: `WebError.payloadTooLarge` beyond `limits.bytes`; `WebError.badRequest` (field
    ///   `上传内容`) for a malformed body or beyond the other limits.
    public static func parse(_ body: [UInt8], contentType: String, limits: Limits = .standard) throws(WebError)
        -> MultipartFormData
    {
        guard body.count <= limits.bytes else { throw .payloadTooLarge }
        var parser = MultipartParser(boundary: try boundary(contentType: contentType), limits: limits)
        do {
            try parser.feed(body[...])
            return try parser.finish()
        } catch {
            parser.abandon()
            throw error
        }
    }

    /// The first index of `needle` in `haystack[from..<until]`.
    static func search(_ needle: [UInt8], in haystack: [UInt8], from: Int, until: Int? = nil) -> Int? {
        let end = (until ?? haystack.count) - needle.count
        guard !needle.isEmpty, from <= end else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in search(n, in: h, from: from, end: end) }
        }
    }

    /// The first index `i` in `from...end` where `n` starts in `h`.
    static func search(_ n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int? {
        guard !n.isEmpty, from <= end else { return nil }
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

    static func parseHeaders(_ block: ArraySlice<UInt8>) throws(WebError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        guard !block.isEmpty else { return headers }
        var lines: [ArraySlice<UInt8>] = []
        var start = block.startIndex
        var i = block.startIndex
        while i < block.endIndex {
            if block[i] == 0x0D {
                guard i + 1 < block.endIndex, block[i + 1] == 0x0A else { throw malformed("头部含有单独的回车符") }
                lines.append(block[start..<i])
                i += 2
                start = i
            } else if block[i] == 0x0A {
                throw malformed("头部换行应为 CRLF")
            } else {
                i += 1
            }
        }
        lines.append(block[start..<block.endIndex])
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

    /// A part's name, file name and type from its headers (the content comes later).
    static func describe(headers: [(name: String, value: String)]) throws(WebError) -> Part {
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
        return Part(name: name, filename: filename, contentType: contentType, headers: headers, body: [])
    }
}

/// Where `MultipartParser` writes file parts: each file into a new `SpooledFile`, up to the
/// byte limit `maximum(name)` gives for the part's field (nil: the field takes no files);
/// content beyond it is counted, not written.
public struct FileSpool: Sendable {
    let folder: URL
    let maximum: @Sendable (String) -> Int?

    public init(folder: URL, maximum: @escaping @Sendable (String) -> Int?) {
        self.folder = folder
        self.maximum = maximum
    }
}

/// A file part written to disk as it arrived: its temporary path, the size sent, the SHA-256
/// of the content and its first bytes (for the type). `complete` is false when the content
/// went beyond the field's limit (or the field takes no files) and was not kept.
public struct SpooledFile: Sendable, Equatable {
    public let url: URL
    public let size: Int
    public let sha256: String
    /// Up to the first 16 bytes, for `UploadStore.sniff`.
    public let head: [UInt8]
    public let complete: Bool

    /// Removes the temporary file (nothing when it was moved away already).
    public func discard() { _ = unlink(url.path) }
}

/// The incremental `multipart/form-data` parser behind `MultipartFormData`: `feed` it the body
/// as it arrives, then `finish`. Memory is bounded by the limits (fields, headers) and a few
/// delimiters' worth of look-behind, whatever the body's size.
struct MultipartParser {
    enum State {
        /// Before the first delimiter (the preamble is skipped).
        case preamble
        /// Just after a delimiter: `--` ends the body, else optional blanks and CRLF.
        case afterDelimiter
        case headers
        case content
        /// After the closing delimiter: the epilogue is ignored.
        case done
    }

    let limits: MultipartFormData.Limits
    let spool: FileSpool?
    /// CRLF `--` boundary: what precedes every part (the body is read as if it began with CRLF,
    /// so a first delimiter at the very start needs no special case).
    let delimiter: [UInt8]
    var state = State.preamble
    var pending: [UInt8] = Array("\r\n".utf8)
    var start = 0
    var total = 0
    var parts: [MultipartFormData.Part] = []
    var current: MultipartFormData.Part?
    var writer: SpoolWriter?

    init(boundary: String, limits: MultipartFormData.Limits, spool: FileSpool? = nil) {
        self.limits = limits
        self.spool = spool
        delimiter = Array("\r\n--".utf8) + Array(boundary.utf8)
    }

    static func malformed(_ message: String) -> WebError { MultipartFormData.malformed(message) }

    mutating func feed(_ bytes: some Collection<UInt8>) throws(WebError) {
        total += bytes.count
        guard total <= limits.bytes else { throw .payloadTooLarge }
        if start > 0, start >= pending.count / 2 {
            pending.removeFirst(start)
            start = 0
        }
        pending.append(contentsOf: bytes)
        try process(atEnd: false)
    }

    /// The parts, once the whole body was fed.
    mutating func finish() throws(WebError) -> MultipartFormData {
        try process(atEnd: true)
        switch state {
        case .done: return MultipartFormData(parts: parts)
        case .preamble: throw Self.malformed("找不到分隔符")
        case .afterDelimiter: throw Self.malformed("分隔符后应换行(CRLF)")
        case .headers:
            throw Self.malformed(pending.count - start >= limits.headerBytes ? "某一部分的头部过长" : "某一部分缺少头部结束的空行")
        case .content: throw Self.malformed("内容不完整(缺少结束分隔符)")
        }
    }

    /// Removes what was spooled (the body was refused or the connection failed).
    mutating func abandon() {
        writer?.close()
        writer?.file.discard()
        writer = nil
        for part in parts { part.spooled?.discard() }
    }

    mutating func process(atEnd: Bool) throws(WebError) {
        while true {
            let available = pending.count - start
            switch state {
            case .done:
                start = pending.count  // the epilogue
                return
            case .preamble:
                guard let found = find(delimiter, from: start) else {
                    // Keep what could still be the start of the delimiter.
                    start = max(start, pending.count - (delimiter.count - 1))
                    return
                }
                start = found + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard available >= 2 else {
                    if atEnd { return }
                    return
                }
                if pending[start] == 0x2D, pending[start + 1] == 0x2D {
                    state = .done
                    continue
                }
                var i = start
                while i < pending.count, pending[i] == 0x20 || pending[i] == 0x09 { i += 1 }
                guard pending.count >= i + 2 else {
                    if atEnd { throw Self.malformed("分隔符后应换行(CRLF)") }
                    return
                }
                guard pending[i] == 0x0D, pending[i + 1] == 0x0A else { throw Self.malformed("分隔符后应换行(CRLF)") }
                start = i + 2
                guard parts.count < limits.parts else { throw Self.malformed("栏目过多(不能超过\(limits.parts)项)") }
                state = .headers
            case .headers:
                if available >= 2, pending[start] == 0x0D, pending[start + 1] == 0x0A {
                    try begin(headers: [])  // no headers at all
                    start += 2
                    state = .content
                    continue
                }
                let limit = min(pending.count, start + limits.headerBytes + 4)
                guard let end = find(Array("\r\n\r\n".utf8), from: start, until: limit) else {
                    if limit - start >= limits.headerBytes + 4 { throw Self.malformed("某一部分的头部过长") }
                    return
                }
                try begin(headers: try MultipartFormData.parseHeaders(pending[start..<end]))
                start = end + 4
                state = .content
            case .content:
                var from = start
                while true {
                    guard let found = find(delimiter, from: from) else {
                        // Everything but a possible beginning of the delimiter is content.
                        let keep = max(start, pending.count - (delimiter.count - 1))
                        try emit(start..<keep)
                        start = keep
                        if atEnd { try emit(start..<pending.count); start = pending.count }
                        return
                    }
                    let next = found + delimiter.count
                    if next == pending.count {
                        guard atEnd else {
                            try emit(start..<found)
                            start = found
                            return
                        }
                    } else {
                        let b = pending[next]
                        if b == 0x2D, next + 1 == pending.count, !atEnd {
                            try emit(start..<found)
                            start = found
                            return
                        }
                        let isDelimiter =
                            b == 0x0D || b == 0x20 || b == 0x09 || (b == 0x2D && next + 1 < pending.count && pending[next + 1] == 0x2D)
                        if !isDelimiter {
                            from = found + 1
                            continue
                        }
                    }
                    try emit(start..<found)
                    try endPart()
                    start = next
                    state = .afterDelimiter
                    break
                }
            }
        }
    }

    /// The first index of `needle` in `pending[from..<until]`.
    func find(_ needle: [UInt8], from: Int, until: Int? = nil) -> Int? {
        let end = (until ?? pending.count) - needle.count
        guard from <= end else { return nil }
        return pending.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in MultipartFormData.search(n, in: h, from: from, end: end) }
        }
    }

    mutating func begin(headers: [(name: String, value: String)]) throws(WebError) {
        let part = try MultipartFormData.describe(headers: headers)
        if part.filename != nil, let spool {
            writer = try SpoolWriter(folder: spool.folder, maximum: spool.maximum(part.name) ?? 0)
        }
        current = part
    }

    mutating func emit(_ range: Range<Int>) throws(WebError) {
        guard !range.isEmpty, var part = current else { return }
        if var spooling = writer {
            writer = nil  // a failed write removes its file: nothing left to abandon
            let chunk = pending[range]
            var failure: WebError?
            chunk.withUnsafeBytes { raw in
                do throws(WebError) { try spooling.write(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            writer = spooling
            return
        }
        if part.filename == nil, part.body.count + range.count > limits.fieldBytes {
            throw .badRequest(
                field: MultipartFormData.malformedField,
                message: "栏目“\(part.name)”的内容过长(不能超过\(limits.fieldBytes / 1024)KB)。")
        }
        current = nil  // no copy of the body while appending
        part.body.append(contentsOf: pending[range])
        current = part
    }

    mutating func endPart() throws(WebError) {
        guard var part = current else { return }
        if var spooling = writer {
            writer = nil  // a failed finish removes its file
            part.spooled = try spooling.finish()
        }
        parts.append(part)
        current = nil
    }
}

/// Writes one spooled file: `O_EXCL` in the spool folder, SHA-256 and size as it goes, stops
/// writing (and removes the file) beyond `maximum`, but keeps counting.
struct SpoolWriter {
    let file: SpooledFile
    var fd: Int32
    let maximum: Int
    var size = 0
    var hasher = SHA256()
    var head: [UInt8] = []
    var over = false

    init(folder: URL, maximum: Int) throws(WebError) {
        let url = folder.appendingPathComponent(UUID().uuidString.lowercased())
        fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .internal }
        file = SpooledFile(url: url, size: 0, sha256: "", head: [], complete: false)
        self.maximum = maximum
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(WebError) {
        if head.count < 16 { head.append(contentsOf: bytes.prefix(16 - head.count)) }
        size += bytes.count
        if over { return }
        if size > maximum {
            over = true
            close()
            file.discard()
            return
        }
        hasher.update(bufferPointer: bytes)
        guard writeAll(fd, bytes) else {
            close()
            file.discard()
            throw .internal
        }
    }

    mutating func close() {
        if fd >= 0 { closeDescriptor(fd) }
        fd = -1
    }

    /// Closes the file: its description (incomplete when it went beyond the limit).
    mutating func finish() throws(WebError) -> SpooledFile {
        if !over, fd >= 0, fsync(fd) != 0 {
            close()
            file.discard()
            throw .internal
        }
        close()
        let digest = over ? "" : EventHash.hex(hasher.finalize())
        return SpooledFile(url: file.url, size: size, sha256: digest, head: head, complete: !over)
    }
}

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR). - Returns: false on an error.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, base + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

func closeDescriptor(_ fd: Int32) { _ = close(fd) }

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
