import Foundation

// One Mustache engine for both outputs. The parser turns template bytes into a tree of
// `MustacheNode`s (literal byte segments and holes); the renderer appends bytes to a buffer.
// HTML templates are parsed from their text; ODT templates are parsed from the XML the ODT
// compiler writes (markup as literal text, tags as holes), so both share parser, tree and
// renderer and differ only in how a value is escaped.

/// A (possibly dotted) name; no parts means the implicit iterator `.`.
struct MustacheName: Sendable, Equatable {
    let parts: [String]
    let full: String

    init(_ text: String) {
        full = text
        parts = text == "." ? [] : text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}

indirect enum MustacheNode: Sendable {
    case text([UInt8])
    case variable(MustacheName, escaped: Bool, at: Int)
    case section(MustacheName, inverted: Bool, body: [MustacheNode], at: Int)
    case partial(String, indent: [UInt8], at: Int)
}

/// How values are written: HTML-escaped, ODF text (always text, never markup), or raw.
enum Escaping: Sendable {
    case html
    case odt
}

/// Maps a byte offset of the parsed source to a place a person can find.
typealias PlaceResolver = @Sendable (Int) -> TemplatePlace

/// The kind of one tag, as written between the delimiters.
enum TagKind: Equatable {
    case variable(escaped: Bool)
    case sectionOpen(inverted: Bool)
    case sectionClose
    case comment
    case partial
    case delimiters
}

/// Classifies the inside of a tag (between the delimiters, triple braces already told apart).
func classifyTag(_ inner: Substring, triple: Bool) -> (TagKind, String) {
    if triple { return (.variable(escaped: false), inner.trimmingCharacters(in: .whitespaces)) }
    guard let first = inner.first else { return (.variable(escaped: true), "") }
    let rest = inner.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
    switch first {
    case "&": return (.variable(escaped: false), rest)
    case "#": return (.sectionOpen(inverted: false), rest)
    case "^": return (.sectionOpen(inverted: true), rest)
    case "/": return (.sectionClose, rest)
    case "!": return (.comment, "")
    case ">": return (.partial, rest)
    case "=": return (.delimiters, String(inner))
    default: return (.variable(escaped: true), inner.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

struct MustacheParser {
    let source: [UInt8]
    let standaloneLines: Bool
    let allowDelimiterChange: Bool
    let locate: PlaceResolver

    private var otag: [UInt8] = Array("{{".utf8)
    private var ctag: [UInt8] = Array("}}".utf8)

    init(
        source: [UInt8], standaloneLines: Bool = true, allowDelimiterChange: Bool = true,
        locate: @escaping PlaceResolver
    ) {
        self.source = source
        self.standaloneLines = standaloneLines
        self.allowDelimiterChange = allowDelimiterChange
        self.locate = locate
    }

    private func find(_ needle: [UInt8], from: Int) -> Int? {
        let n = needle.count
        guard n > 0, source.count >= n else { return nil }
        var i = from
        let first = needle[0]
        let last = source.count - n
        while i <= last {
            if source[i] == first {
                var k = 1
                while k < n && source[i + k] == needle[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }

    private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    mutating func parse() throws -> [MustacheNode] {
        struct Frame {
            var name: String
            var inverted: Bool
            var at: Int
            var nodes: [MustacheNode]
        }
        var stack: [Frame] = [Frame(name: "", inverted: false, at: 0, nodes: [])]
        var pending: [UInt8] = []
        var pos = 0

        func flush() {
            if !pending.isEmpty {
                stack[stack.count - 1].nodes.append(.text(pending))
                pending.removeAll(keepingCapacity: true)
            }
        }

        while pos < source.count {
            guard let ts = find(otag, from: pos) else {
                pending.append(contentsOf: source[pos...])
                break
            }
            pending.append(contentsOf: source[pos..<ts])
            var innerStart = ts + otag.count
            var triple = false
            var closer = ctag
            if innerStart < source.count, source[innerStart] == UInt8(ascii: "{"), otag == Array("{{".utf8) {
                triple = true
                innerStart += 1
                closer = [UInt8(ascii: "}")] + ctag
            } else if innerStart < source.count, source[innerStart] == UInt8(ascii: "=") {
                closer = [UInt8(ascii: "=")] + ctag
            }
            guard let ce = find(closer, from: innerStart) else { throw TemplateError.unclosedTag(at: locate(ts)) }
            let te = ce + closer.count
            let innerBytes = source[innerStart..<ce]
            var inner = Substring(String(decoding: innerBytes, as: UTF8.self))
            if closer.first == UInt8(ascii: "="), !triple { inner = inner + "=" }
            let (kind, name) = classifyTag(inner, triple: triple)

            // Standalone lines: a block tag alone on its line removes the whole line.
            var standalone = false
            var indent: [UInt8] = []
            var after = te
            if standaloneLines, kind != .variable(escaped: true), kind != .variable(escaped: false) {
                var b = ts
                while b > 0, isBlank(source[b - 1]) { b -= 1 }
                if b == 0 || source[b - 1] == 0x0A {
                    var a = te
                    while a < source.count, isBlank(source[a]) { a += 1 }
                    if a == source.count {
                        standalone = true
                        after = a
                    } else if source[a] == 0x0A {
                        standalone = true
                        after = a + 1
                    } else if source[a] == 0x0D, a + 1 < source.count, source[a + 1] == 0x0A {
                        standalone = true
                        after = a + 2
                    }
                    if standalone {
                        indent = Array(source[b..<ts])
                        pending.removeLast(ts - b)
                    }
                }
            }
            pos = standalone ? after : te

            switch kind {
            case .comment:
                break
            case .delimiters:
                guard allowDelimiterChange else {
                    throw TemplateError.invalidTag(tag: "{{\(inner)}}", at: locate(ts))
                }
                let body = inner.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard body.count == 2 else { throw TemplateError.invalidTag(tag: String(inner), at: locate(ts)) }
                otag = Array(body[0].utf8)
                ctag = Array(body[1].utf8)
            case .variable(let escaped):
                guard !name.isEmpty else { throw TemplateError.invalidTag(tag: "{{\(inner)}}", at: locate(ts)) }
                flush()
                stack[stack.count - 1].nodes.append(.variable(MustacheName(name), escaped: escaped, at: ts))
            case .sectionOpen(let inverted):
                guard !name.isEmpty else { throw TemplateError.invalidTag(tag: "{{\(inner)}}", at: locate(ts)) }
                // stack[0] is the template itself: stack.count sections are open once this one is.
                guard stack.count <= TemplateLimits.maximumSectionDepth else {
                    throw TemplateError.sectionsTooDeep(
                        tag: String(decoding: source[ts..<te], as: UTF8.self), at: locate(ts),
                        limit: TemplateLimits.maximumSectionDepth)
                }
                flush()
                stack.append(Frame(name: name, inverted: inverted, at: ts, nodes: []))
            case .sectionClose:
                flush()
                guard stack.count > 1 else { throw TemplateError.unexpectedClose(name: name, at: locate(ts)) }
                let frame = stack.removeLast()
                guard frame.name == name else {
                    throw TemplateError.mismatchedSection(
                        open: frame.name, opened: locate(frame.at), close: name, closed: locate(ts))
                }
                stack[stack.count - 1].nodes.append(
                    .section(MustacheName(frame.name), inverted: frame.inverted, body: frame.nodes, at: frame.at))
            case .partial:
                flush()
                stack[stack.count - 1].nodes.append(.partial(name, indent: standalone ? indent : [], at: ts))
            }
        }
        flush()
        if stack.count > 1 {
            let open = stack[stack.count - 1]
            throw TemplateError.unclosedSection(name: open.name, opened: locate(open.at))
        }
        return stack[0].nodes
    }
}

/// Line and column (1-based, columns in characters) of a byte offset in UTF-8 text.
func lineColumn(_ source: [UInt8], _ offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    let end = min(offset, source.count)
    while i < end {
        let b = source[i]
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
        i += 1
    }
    return (line, column)
}

func textPlaceResolver(name: String, source: [UInt8]) -> PlaceResolver {
    return { offset in
        let (l, c) = lineColumn(source, offset)
        return TemplatePlace(template: name, english: "line \(l), column \(c)", chinese: "第 \(l) 行第 \(c) 列")
    }
}

/// Partials by name: parsed once, source kept for re-parsing with a standalone indentation.
struct PartialTable: Sendable {
    var parsed: [String: [MustacheNode]] = [:]
    var sources: [String: [UInt8]] = [:]
    var names: [String: String] = [:]

    init() {}

    init(_ partials: [String: String], templateName: String) throws {
        for (name, text) in partials {
            let bytes = XMLText.clean(bytes: Array(text.utf8))
            sources[name] = bytes
            var p = MustacheParser(source: bytes, locate: textPlaceResolver(name: "partial '\(name)'", source: bytes))
            parsed[name] = try p.parse()
        }
    }

    func nodes(_ name: String, indent: [UInt8]) throws -> [MustacheNode]? {
        guard !indent.isEmpty else { return parsed[name] }
        guard let src = sources[name] else { return nil }
        var indented: [UInt8] = []
        indented.reserveCapacity(src.count + indent.count * 4)
        var atLineStart = true
        for b in src {
            if atLineStart { indented.append(contentsOf: indent) }
            indented.append(b)
            atLineStart = b == 0x0A
        }
        var p = MustacheParser(
            source: indented, locate: textPlaceResolver(name: "partial '\(name)'", source: indented))
        return try p.parse()
    }
}

/// Renders a parsed tree into bytes.
struct MustacheRenderer {
    let escaping: Escaping
    let strict: Bool
    let partials: PartialTable
    var out: [UInt8]
    var stack: [TemplateValue]
    var missing: [(name: String, at: Int, partial: String?)] = []
    var partialDepth = 0
    /// Sections and partials the renderer is inside (its recursion depth).
    var depth = 0
    var currentPartial: String? = nil
    /// The template's name, for `TemplateError.renderTooLarge`.
    var templateName = "template"
    /// Tags visited so far (bounded by `TemplateLimits.maximumRenderSteps`).
    var steps = 0
    let stepLimit = Self.budget.steps
    let byteLimit = Self.budget.bytes
    /// The one list given a batch at a time (`StreamedList`), read where a section names it and
    /// the data does not hold it.
    var streamed: StreamedList? = nil
    /// Takes what is written so far and empties `out`, after each item of `streamed` once
    /// `out` holds `StreamedList.flushBytes`; nil: everything stays in `out`.
    var sink: ((inout [UInt8]) throws -> Void)? = nil

    /// `TemplateLimits`' render budget. Only the mustache and odt fuzz targets lower it (to fuzz
    /// at thousands of inputs a second instead of one input a second at the limit).
    nonisolated(unsafe) static var budget = (
        steps: TemplateLimits.maximumRenderSteps, bytes: TemplateLimits.maximumOutputBytes
    )

    /// A partial is not entered this deep (nor past 64 partials inside one another): each
    /// template or partial nests at most `TemplateLimits.maximumSectionDepth` sections, so
    /// the recursion stays under about 360 levels however partials call themselves.
    static let maximumPartialEntryDepth = 256

    init(escaping: Escaping, strict: Bool, partials: PartialTable, capacity: Int) {
        self.escaping = escaping
        self.strict = strict
        self.partials = partials
        out = []
        out.reserveCapacity(capacity)
        stack = []
        stack.reserveCapacity(8)
    }

    func lookup(_ name: MustacheName) -> TemplateValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: TemplateValue? = nil
        var i = stack.count - 1
        while i >= 0 {
            if case .object(let o) = stack[i], let v = o[first] {
                found = v
                break
            }
            i -= 1
        }
        guard var cur = found else { return nil }
        var k = 1
        while k < name.parts.count {
            guard case .object(let o) = cur, let v = o[name.parts[k]] else { return nil }
            cur = v
            k += 1
        }
        return cur
    }

    mutating func noteMissing(_ name: MustacheName, at: Int) {
        guard strict else { return }
        if !missing.contains(where: { $0.at == at && $0.name == name.full && $0.partial == currentPartial }) {
            missing.append((name.full, at, currentPartial))
        }
    }

    mutating func render(_ nodes: [MustacheNode]) throws {
        for node in nodes {
            steps += 1
            if steps > stepLimit || out.count > byteLimit {
                throw TemplateError.renderTooLarge(template: templateName)
            }
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let name, let escaped, let at):
                guard let v = lookup(name) else {
                    noteMissing(name, at: at)
                    continue
                }
                write(v, escaped: escaped)
            case .section(let name, let inverted, let body, let at):
                let found = lookup(name)
                if found == nil, let list = streamed, name.parts.count == 1, name.full == list.name {
                    depth += 1
                    if inverted {
                        if list.count == 0 { try render(body) }
                    } else {
                        try renderStreamed(list, body)
                    }
                    depth -= 1
                    continue
                }
                if found == nil { noteMissing(name, at: at) }
                let v = found ?? .null
                depth += 1
                defer { depth -= 1 }
                if inverted {
                    if !v.isTruthy { try render(body) }
                } else if case .array(let items) = v {
                    for item in items {
                        stack.append(item)
                        try render(body)
                        stack.removeLast()
                    }
                } else if v.isTruthy {
                    stack.append(v)
                    try render(body)
                    stack.removeLast()
                }
            case .partial(let name, let indent, let at):
                guard let nodes = try partials.nodes(name, indent: indent) else {
                    if strict {
                        throw TemplateError.missingPartial(
                            name: name,
                            at: TemplatePlace(
                                template: currentPartial ?? "template", english: "offset \(at)", chinese: "第 \(at) 字节"))
                    }
                    continue
                }
                guard partialDepth < 64, depth < Self.maximumPartialEntryDepth else { continue }
                partialDepth += 1
                depth += 1
                let saved = currentPartial
                currentPartial = name
                try render(nodes)
                currentPartial = saved
                depth -= 1
                partialDepth -= 1
            }
        }
    }

    /// A section over the streamed list: its body once per item, as for an array in the data,
    /// a batch of items at a time; what is written handed to `sink` as it grows. Each item's
    /// body is bounded by the render budget on its own (the list's length is the data's, not
    /// the template's).
    mutating func renderStreamed(_ list: StreamedList, _ body: [MustacheNode]) throws {
        let before = steps
        var k = 0
        while true {
            let items = try list.batch(k)
            k += 1
            if items.isEmpty { break }
            for item in items {
                stack.append(item)
                try render(body)
                stack.removeLast()
                steps = before
                if let flush = sink, out.count >= StreamedList.flushBytes {
                    try flush(&out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    @inline(__always)
    mutating func write(_ v: TemplateValue, escaped: Bool) {
        switch v {
        case .string(let s): writeText(s, escaped: escaped)
        case .null: break
        default: writeText(v.text, escaped: escaped)
        }
    }

    mutating func writeText(_ s: String, escaped: Bool) {
        var s = s
        s.withUTF8 { buf in
            switch escaping {
            case .html:
                if escaped { appendHTMLEscaped(buf) } else { appendXMLChars(buf) }
            case .odt:
                appendODFText(buf)
            }
        }
    }

    /// The bytes as they are, except characters XML forbids (→ U+FFFD, see `XMLText`).
    mutating func appendXMLChars(_ buf: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var i = 0
        let n = buf.count
        while i < n {
            guard XMLText.isSuspicious(buf[i]) else {
                i += 1
                continue
            }
            let k = XMLText.forbiddenLength(buf, at: i)
            if k == 0 {
                i += 1
                continue
            }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i])) }
            appendStatic("\u{FFFD}")
            i += k
            start = i
        }
        if start < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<n])) }
    }

    /// HTML text: `& < > " '` escaped, characters XML forbids replaced by U+FFFD.
    mutating func appendHTMLEscaped(_ buf: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var i = 0
        let n = buf.count
        let table = htmlByteClass
        while i < n {
            let b = buf[i]
            if table[Int(b)] == 0 {
                i += 1
                continue
            }
            let rep: StaticString
            var width = 1
            switch b {
            case UInt8(ascii: "&"): rep = "&amp;"
            case UInt8(ascii: "<"): rep = "&lt;"
            case UInt8(ascii: ">"): rep = "&gt;"
            case UInt8(ascii: "\""): rep = "&quot;"
            case UInt8(ascii: "'"): rep = "&#39;"
            default:
                width = XMLText.forbiddenLength(buf, at: i)
                if width == 0 {
                    i += 1
                    continue
                }
                rep = "\u{FFFD}"
            }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i])) }
            out.append(contentsOf: UnsafeBufferPointer(start: rep.utf8Start, count: rep.utf8CodeUnitCount))
            i += width
            start = i
        }
        if start < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start...])) }
    }

    /// A value as ODF paragraph text: XML-escaped, newline → `<text:line-break/>`,
    /// tab → `<text:tab/>`, a run of n ≥ 2 spaces → one space + `<text:s text:c="n-1"/>`,
    /// characters XML forbids (other C0 controls, U+FFFE, U+FFFF) → U+FFFD (see `XMLText`).
    /// Never markup from the value.
    mutating func appendODFText(_ buf: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var i = 0
        let n = buf.count
        let table = odtByteClass
        while i < n {
            let b = buf[i]
            let c = table[Int(b)]
            if c == 0
                || (c == 2 && !(i + 1 < n && buf[i + 1] == 0x20))
                || (c == 3 && XMLText.forbiddenLength(buf, at: i) == 0)
            {
                i += 1
                continue
            }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i])) }
            switch b {
            case UInt8(ascii: "&"): appendStatic("&amp;")
            case UInt8(ascii: "<"): appendStatic("&lt;")
            case UInt8(ascii: ">"): appendStatic("&gt;")
            case 0x0A: appendStatic("<text:line-break/>")
            case 0x0D:
                appendStatic("<text:line-break/>")
                if i + 1 < n && buf[i + 1] == 0x0A { i += 1 }
            case 0x09: appendStatic("<text:tab/>")
            case 0x20:
                var run = 1
                while i + run < n && buf[i + run] == 0x20 { run += 1 }
                out.append(0x20)
                if run == 2 {
                    appendStatic("<text:s/>")
                } else {
                    appendStatic("<text:s text:c=\"")
                    out.append(contentsOf: String(run - 1).utf8)
                    appendStatic("\"/>")
                }
                i += run - 1
            case 0xEF:  // U+FFFE or U+FFFF
                appendStatic("\u{FFFD}")
                i += 2
            default:  // other C0 controls are not allowed in XML 1.0
                appendStatic("\u{FFFD}")
            }
            i += 1
            start = i
        }
        if start < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<n])) }
    }

    @inline(__always)
    mutating func appendStatic(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}

/// A compiled Mustache template for text output (HTML by default): parse once, render many.
///
/// ```swift
/// let t = try MustacheTemplate(source: "<p>{{name}}</p>", name: "x.html")
/// let html = try t.render(["name": "张三"])          // strict: unknown names throw
/// ```
public struct MustacheTemplate: Sendable {
    public let name: String
    let nodes: [MustacheNode]
    let partials: PartialTable
    let locate: PlaceResolver

    /// Parses `source`. `partials` are other templates by name (`{{> name}}`).
    /// Characters XML forbids in the template's own text become U+FFFD (see `XMLText`), as in values.
    public init(source: String, name: String = "template", partials: [String: String] = [:]) throws {
        let bytes = XMLText.clean(bytes: Array(source.utf8))
        self.name = name
        let locate = textPlaceResolver(name: name, source: bytes)
        var parser = MustacheParser(source: bytes, locate: locate)
        nodes = try parser.parse()
        self.partials = try PartialTable(partials, templateName: name)
        self.locate = locate
    }

    /// Reads and parses a template file (UTF-8).
    public init(contentsOf url: URL, partials: [String: String] = [:]) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TemplateError.io("cannot read template \(url.path)")
        }
        try self.init(source: String(decoding: data, as: UTF8.self), name: url.lastPathComponent, partials: partials)
    }

    /// Renders with HTML escaping of `{{x}}` (`& < > " '`); `{{{x}}}` and `{{&x}}` are raw.
    /// In strict mode (the default) every name the data lacks is reported in one error.
    public func render(_ data: TemplateValue, strict: Bool = true) throws -> String {
        String(decoding: try renderBytes(data, strict: strict), as: UTF8.self)
    }

    /// As `render`, returning UTF-8 bytes.
    public func renderBytes(_ data: TemplateValue, strict: Bool = true) throws -> [UInt8] {
        var r = MustacheRenderer(escaping: .html, strict: strict, partials: partials, capacity: 4096)
        r.templateName = name
        r.stack.append(data)
        try r.render(nodes)
        try throwMissing(r.missing)
        return r.out
    }

    /// The names a strict rendering found missing, each with its place (in this template or
    /// in a partial), as the error `render`, `renderBytes` and a streamed write throw.
    func throwMissing(_ missing: [(name: String, at: Int, partial: String?)]) throws(TemplateError) {
        guard !missing.isEmpty else { return }
        throw TemplateError.missingNames(
            missing.map { m in
                MissingName(
                    name: m.name,
                    place: m.partial == nil
                        ? locate(m.at)
                        : TemplatePlace(
                            template: "partial '\(m.partial!)'", english: "offset \(m.at)", chinese: "第 \(m.at) 字节")
                )
            })
    }
}

/// A copy of a tree that shares no storage with the original (see `RenderContext`).
func deepCopy(_ nodes: [MustacheNode]) -> [MustacheNode] {
    func fresh(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }
    return nodes.map { node in
        switch node {
        case .text(let b): return .text(Array(b))
        case .variable(let n, let e, let at): return .variable(MustacheName(fresh(n.full)), escaped: e, at: at)
        case .section(let n, let inv, let body, let at):
            return .section(MustacheName(fresh(n.full)), inverted: inv, body: deepCopy(body), at: at)
        case .partial(let n, let indent, let at): return .partial(fresh(n), indent: Array(indent), at: at)
        }
    }
}

// Byte tables of the escape loops: one load and one compare per byte of ordinary text
// (measured faster than chains of comparisons). Written once, never changed: shared freely.

/// How the ODF text loop treats a byte: 0 copy, 1 look at (`& < >`, C0 controls), 2 a space
/// (look at when a space follows), 3 0xEF (look at when U+FFFE / U+FFFF starts there).
nonisolated(unsafe) let odtByteClass: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 {
        switch b {
        case 0x26, 0x3C, 0x3E, 0x00..<0x20: p[b] = 1
        case 0x20: p[b] = 2
        case 0xEF: p[b] = 3
        default: p[b] = 0
        }
    }
    return UnsafePointer(p)
}()

/// 1 for bytes the HTML escape loop must look at: `& < > " '`, C0 controls but tab/LF/CR, 0xEF.
nonisolated(unsafe) let htmlByteClass: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 {
        let special =
            b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || b == 0xEF
            || (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D)
        p[b] = special ? 1 : 0
    }
    return UnsafePointer(p)
}()
