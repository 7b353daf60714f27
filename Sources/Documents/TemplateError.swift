import Foundation

/// Where something is in a template: a line and column for text templates, a part and a
/// paragraph / table cell for ODT templates. `english` is for logs, `chinese` for office users.
public struct TemplatePlace: Sendable, Equatable, CustomStringConvertible {
    public let template: String
    public let english: String
    public let chinese: String

    public init(template: String, english: String, chinese: String) {
        self.template = template
        self.english = english
        self.chinese = chinese
    }

    public var description: String { "\(template): \(english)" }
}

/// A name the data did not provide, with the place of its tag.
public struct MissingName: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let place: TemplatePlace
    public var description: String { "'\(name)' at \(place)" }
}

/// Limits a template must keep; a template beyond them is refused when it is compiled.
public enum TemplateLimits {
    /// Sections (`{{#x}}`, `{{^x}}`) open inside one another, in HTML and ODT templates alike
    /// (a partial counts its own). Bounds the renderer's recursion and the ODT compiler's work.
    public static let maximumSectionDepth = 100
    /// What one rendering may write (one document's HTML, or one ODT part): sections over lists
    /// inside one another and partials that include themselves grow the output exponentially
    /// (`{{#items}}` 40 deep over two items, found by fuzzing, asked for 2 GB and more).
    public static let maximumOutputBytes = 64 << 20
    /// Tags one rendering may visit (the same repetition writing nothing, e.g. empty partials
    /// that include themselves twice): a real document visits a few thousand.
    public static let maximumRenderSteps = 1_000_000
}

/// Every error the Documents module throws. `description` is English (logs);
/// `chinese` is the message for office users.
public enum TemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Strict mode: names the data did not provide, every one of them with its place.
    case missingNames([MissingName])
    case unclosedSection(name: String, opened: TemplatePlace)
    case mismatchedSection(open: String, opened: TemplatePlace, close: String, closed: TemplatePlace)
    case unexpectedClose(name: String, at: TemplatePlace)
    case unclosedTag(at: TemplatePlace)
    case invalidTag(tag: String, at: TemplatePlace)
    case missingPartial(name: String, at: TemplatePlace)
    /// A section opened inside more than `limit` others; `tag` is the opening tag as written.
    case sectionsTooDeep(tag: String, at: TemplatePlace, limit: Int)
    /// Rendering went beyond `TemplateLimits.maximumOutputBytes` or `maximumRenderSteps`.
    case renderTooLarge(template: String)
    /// An ODT template whose zip holds an entry name that could leave the package's folder when
    /// extracted (absolute, `..`, `.`, empty segment, backslash, drive letter, control character).
    case unsafeEntryName(template: String, entry: String)
    /// A section in an ODT template whose tags cannot be mapped onto the document structure.
    case sectionLayout(name: String, at: TemplatePlace, reason: String, chineseReason: String)
    /// The ODT's XML contains a DOCTYPE or entity declaration (refused: no DTDs, no entities).
    case forbiddenDeclaration(part: String, what: String)
    case malformedXML(part: String, message: String)
    case package(String)
    case image(slot: String, reason: String)
    case io(String)

    public var description: String {
        switch self {
        case .missingNames(let names):
            return "template data is missing \(names.count) name(s): "
                + names.map { "'\($0.name)' (\($0.place))" }.joined(separator: "; ")
        case .unclosedSection(let name, let opened):
            return "section '\(name)' opened at \(opened) is never closed"
        case .mismatchedSection(let open, let opened, let close, let closed):
            return "section '\(open)' opened at \(opened) is closed by '{{/\(close)}}' at \(closed)"
        case .unexpectedClose(let name, let at):
            return "'{{/\(name)}}' at \(at) closes a section that is not open"
        case .unclosedTag(let at):
            return "tag at \(at) is not closed"
        case .invalidTag(let tag, let at):
            return "invalid tag '\(tag)' at \(at)"
        case .missingPartial(let name, let at):
            return "partial '\(name)' used at \(at) does not exist"
        case .sectionsTooDeep(let tag, let at, let limit):
            return "section '\(tag)' at \(at) is nested more than \(limit) levels deep"
        case .renderTooLarge(let template):
            return
                "template \(template) renders more than \(TemplateLimits.maximumOutputBytes >> 20) MB or visits more than \(TemplateLimits.maximumRenderSteps) tags (sections over lists or partials repeat themselves); refused"
        case .unsafeEntryName(let template, let entry):
            return "template \(template) has an unsafe entry name \(Self.shown(entry)); refused"
        case .sectionLayout(let name, let at, let reason, _):
            return "section '\(name)' at \(at): \(reason)"
        case .forbiddenDeclaration(let part, let what):
            return "\(part) contains \(what); templates with DTDs or entity declarations are refused"
        case .malformedXML(let part, let message):
            return "\(part) is not well-formed XML: \(message)"
        case .package(let message):
            return "ODT package error: \(message)"
        case .image(let slot, let reason):
            return "image '\(slot)': \(reason)"
        case .io(let message):
            return message
        }
    }

    public var chinese: String {
        switch self {
        case .missingNames(let names):
            return "模板数据缺少 \(names.count) 项："
                + names.map { "「\($0.name)」（\($0.place.template)，\($0.place.chinese)）" }.joined(separator: "；")
        case .unclosedSection(let name, let opened):
            return "区块「\(name)」（\(opened.template)，\(opened.chinese)开始）没有结束标记 {{/\(name)}}"
        case .mismatchedSection(let open, let opened, let close, let closed):
            return "区块「\(open)」（\(opened.chinese)开始）被 {{/\(close)}}（\(closed.chinese)）错误地结束，两者名称应一致"
        case .unexpectedClose(let name, let at):
            return "结束标记 {{/\(name)}}（\(at.template)，\(at.chinese)）没有对应的开始标记"
        case .unclosedTag(let at):
            return "标记没有闭合（\(at.template)，\(at.chinese)），缺少 }}"
        case .invalidTag(let tag, let at):
            return "无效的标记「\(tag)」（\(at.template)，\(at.chinese)）"
        case .missingPartial(let name, let at):
            return "引用的子模板「\(name)」不存在（\(at.template)，\(at.chinese)）"
        case .sectionsTooDeep(let tag, let at, let limit):
            return "模板 \(at.template) 的区块嵌套超过 \(limit) 层：\(tag)（\(at.chinese)）"
        case .renderTooLarge(let template):
            return
                "模板 \(template) 生成的内容超过 \(TemplateLimits.maximumOutputBytes >> 20) MB 或展开超过 \(TemplateLimits.maximumRenderSteps) 个标记（区块或子模板层层重复），已拒绝生成"
        case .unsafeEntryName(let template, let entry):
            return "模板 \(template) 含有不安全的文件名：\(Self.shown(entry))"
        case .sectionLayout(let name, let at, _, let chineseReason):
            return "区块「\(name)」（\(at.template)，\(at.chinese)）：\(chineseReason)"
        case .forbiddenDeclaration(let part, _):
            return "模板文件 \(part) 含有 DOCTYPE 或实体声明，出于安全原因拒绝使用"
        case .malformedXML(let part, let message):
            return "模板文件 \(part) 不是格式正确的 XML：\(message)"
        case .package(let message):
            return "ODT 文件包错误：\(message)"
        case .image(let slot, let reason):
            return "图片「\(slot)」无法插入：\(reason)"
        case .io(let message):
            return "读写文件出错：\(message)"
        }
    }

    /// A name as printed in a message: control characters as `\u{…}` escapes.
    static func shown(_ name: String) -> String {
        var out = ""
        for u in name.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || !XMLText.isAllowed(u) {
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
