import Documents
import Foundation
import JSONKit
import ZipKit

/// A format on the long-term preservation list the four-property check accepts.
public enum LongTermFormat: String, Sendable, CaseIterable, Codable {
    case odt = "ODT", html = "HTML", json = "JSON", xml = "XML", txt = "TXT", png = "PNG", jpeg = "JPEG", pdf = "PDF"

    /// The formats of a retention schedule's `long_term_formats` (names it does not know are
    /// left out: the schedule's reader refuses them).
    public static func list(_ names: [String]) -> Set<LongTermFormat> {
        Set(names.compactMap { LongTermFormat(rawValue: $0.uppercased()) })
    }

    /// The format a file name's extension claims, or nil (not on the list).
    public static func claimed(byName name: String) -> LongTermFormat? {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "odt": return .odt
        case "html", "htm", "xhtml": return .html
        case "json": return .json
        case "xml": return .xml
        case "txt": return .txt
        case "png": return .png
        case "jpg", "jpeg": return .jpeg
        case "pdf": return .pdf
        default: return nil
        }
    }
}

/// What inspecting one file found: each list holds Chinese sentences (the file is named by
/// the caller).
struct FileFindings: Sendable, Equatable {
    var format: LongTermFormat?
    /// Not on the list, or the content is not what the name claims.
    var formatProblems: [String] = []
    /// Not well-formed (HTML, XML, JSON, the XML parts of an ODT).
    var wellFormedProblems: [String] = []
    /// Executable programs, scripts, macros, event handlers.
    var executable: [String] = []
    /// References to anything outside the package (links, remote images, style sheets).
    var external: [String] = []
    /// Encrypted entries or documents.
    var encrypted: [String] = []
}

/// The pure inspections of the four-property check, one file at a time: its format against
/// the long-term list (by name and by content), well-formedness, and executable, external or
/// encrypted content. No I/O: the bytes are given.
enum ContentInspection {
    /// The most bytes read out of one ODT entry.
    static let maxODTEntryBytes = 32 << 20

    /// - Parameter allowed: the office's long-term list (`policy/retention.yaml`); a format the
    ///   check recognises but the list leaves out fails like an unknown one.
    static func inspect(
        path: String, bytes: [UInt8], allowed: Set<LongTermFormat> = Set(LongTermFormat.allCases)
    ) -> FileFindings {
        var f = FileFindings()
        executableMagic(bytes).map { f.executable.append($0) }
        let list = LongTermFormat.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: "、")
        guard let format = LongTermFormat.claimed(byName: path) else {
            let ext = path.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }
            f.formatProblems.append(
                "格式不在长期保存格式清单内（\(ext.map { "扩展名 .\($0)" } ?? "无扩展名")；清单：\(list)）")
            return f
        }
        f.format = format
        guard allowed.contains(format) else {
            f.formatProblems.append("\(format.rawValue) 不在本单位的长期保存格式清单内（清单：\(list)）")
            return f
        }
        switch format {
        case .png:
            if !bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                f.formatProblems.append("扩展名为 PNG，内容却不是 PNG 图像")
            }
        case .jpeg:
            if !bytes.starts(with: [0xFF, 0xD8, 0xFF]) { f.formatProblems.append("扩展名为 JPEG，内容却不是 JPEG 图像") }
        case .pdf:
            if !bytes.starts(with: Array("%PDF-".utf8)) {
                f.formatProblems.append("扩展名为 PDF，内容却不是 PDF 文件")
            } else {
                inspectPDF(bytes, into: &f)
            }
        case .txt, .json, .html, .xml:
            guard String(validating: bytes, as: UTF8.self) != nil, !bytes.contains(0) else {
                f.formatProblems.append("不是 UTF-8 编码的文本")
                return f
            }
            switch format {
            case .json:
                do { _ = try JSONValue(json: Data(bytes)) } catch let e as JSONSyntaxError {
                    f.wellFormedProblems.append(e.chinese)
                } catch { f.wellFormedProblems.append("JSON 数据格式错误") }
            case .html: inspectHTML(bytes, into: &f)
            case .xml: inspectXML(bytes, part: "", into: &f)
            default: break
            }
        case .odt: inspectODT(bytes, into: &f)
        }
        return f
    }

    // MARK: - executables

    /// ELF, PE, Mach-O or a script's `#!` at the start of the file.
    static func executableMagic(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "可执行程序（ELF）" }
        if b.starts(with: Array("#!".utf8)) { return "脚本（以“#!”开头）" }
        if b.starts(with: [0x4D, 0x5A]), b.count >= 0x40 {
            let offset = Int(b[0x3C]) | Int(b[0x3D]) << 8 | Int(b[0x3E]) << 16 | Int(b[0x3F]) << 24
            if offset >= 0, offset + 4 <= b.count, Array(b[offset..<offset + 4]) == [0x50, 0x45, 0, 0] {
                return "可执行程序（Windows PE）"
            }
        }
        for magic: [UInt8] in [
            [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE],
        ]
        where b.starts(with: magic) {
            return "可执行程序（Mach-O）"
        }
        return nil
    }

    // MARK: - references

    /// Whether a reference leaves the package: a URL with a scheme that fetches (`http:`,
    /// `https:`, `ftp:`, `file:` …), a network path (`//host`, `\\host`) or a path above it.
    static func isExternal(_ value: String) -> Bool {
        let v = head(value)
        for prefix in ["http:", "https:", "ftp:", "ftps:", "file:", "smb:", "//", "\\\\", "../", "/"]
        where v.hasPrefix(prefix) {
            return true
        }
        return false
    }

    /// The start of a value as its prefix is checked: leading white space (and line breaks)
    /// dropped, lower case — only the first characters (Foundation's trimming of every
    /// attribute value was a fifth of a package's filing check).
    static func head(_ value: String) -> String {
        String(value.drop(while: { $0.isWhitespace || $0.isNewline }).prefix(32)).lowercased()
    }

    static func isScriptURL(_ value: String) -> Bool {
        let v = head(value)
        return v.hasPrefix("javascript:") || v.hasPrefix("vbscript:") || v.hasPrefix("vnd.sun.star.script:")
            || v.hasPrefix("macro:")
    }

    /// `url(…)` and `@import` in CSS that load from outside.
    static func externalInCSS(_ css: String) -> [String] {
        var out: [String] = []
        let lower = css.lowercased()
        var rest = lower[...]
        while let r = rest.range(of: "url(") {
            let after = rest[r.upperBound...]
            let end = after.firstIndex(of: ")") ?? after.endIndex
            let target = after[..<end].trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\"'"))
            if isExternal(target) { out.append(target) }
            rest = after[end...]
        }
        var imports = lower[...]
        while let r = imports.range(of: "@import") {
            let after = imports[r.upperBound...]
            let end = after.firstIndex(of: ";") ?? after.endIndex
            out.append("@import" + after[..<end])
            imports = after[end...]
        }
        return out
    }

    // MARK: - HTML and XML

    static let activeHTMLElements: Set<String> = ["script", "iframe", "frame", "frameset", "object", "embed", "applet"]
    static let referenceAttributes: Set<String> = [
        "href", "src", "srcset", "action", "formaction", "data", "poster", "background", "cite", "longdesc",
        "manifest", "codebase", "usemap", "profile",
    ]

    static func inspectHTML(_ bytes: [UInt8], into f: inout FileFindings) {
        // Raw, whatever the parser makes of it: a script element is named even in a broken page.
        if contains(bytes, caseInsensitive: "<script") { f.executable.append("含脚本（<script>）") }
        let elements: [MarkupElement]
        do { elements = try MarkupInspection.elements(ofXML: bytes, part: "page.html") } catch {
            f.wellFormedProblems.append("HTML 不是格式良好的（XHTML）文档：\(error.description)")
            if contains(bytes, caseInsensitive: "http://") || contains(bytes, caseInsensitive: "https://") {
                f.external.append("含网络地址（文档无法解析，未能逐项判断）")
            }
            return
        }
        for e in elements {
            let name = e.localName.lowercased()
            if activeHTMLElements.contains(name), name != "script" {
                f.executable.append("含外部对象或框架 <\(e.localName)>（第 \(e.line) 行）")
            }
            for a in e.attributes {
                let attr = a.name.split(separator: ":").last.map { String($0).lowercased() } ?? ""
                if attr.hasPrefix("on"), attr.count > 2 {
                    f.executable.append("含事件脚本属性 \(a.name)（<\(e.localName)>，第 \(e.line) 行）")
                }
                if isScriptURL(a.value) {
                    f.executable.append("含脚本地址 \(a.name)=“\(a.value.prefix(60))”（第 \(e.line) 行）")
                }
                if referenceAttributes.contains(attr) {
                    let values =
                        attr == "srcset"
                        ? a.value.split(separator: ",").map { String($0.split(separator: " ").first ?? "") } : [a.value]
                    for v in values where isExternal(v) {
                        f.external.append("外部引用 \(a.name)=“\(v.prefix(80))”（<\(e.localName)>，第 \(e.line) 行）")
                    }
                }
                if attr == "style" {
                    for u in externalInCSS(a.value) { f.external.append("样式中的外部引用 \(u.prefix(80))（第 \(e.line) 行）") }
                }
                if name == "meta", attr == "content", e.attribute("http-equiv")?.lowercased() == "refresh",
                    a.value.lowercased().contains("url=")
                {
                    f.external.append("自动跳转（meta refresh）到 \(a.value.prefix(80))（第 \(e.line) 行）")
                }
            }
            if name == "style" {
                for u in externalInCSS(e.text) { f.external.append("样式表中的外部引用 \(u.prefix(80))（第 \(e.line) 行）") }
            }
        }
    }

    static func inspectXML(_ bytes: [UInt8], part: String, into f: inout FileFindings) {
        do {
            let elements = try MarkupInspection.elements(ofXML: bytes, part: part.isEmpty ? "file.xml" : part)
            for e in elements {
                for a in e.attributes where a.name.hasSuffix("href") && isExternal(a.value) {
                    f.external.append("外部引用 \(a.name)=“\(a.value.prefix(80))”（第 \(e.line) 行）")
                }
            }
        } catch {
            f.wellFormedProblems.append((part.isEmpty ? "" : "\(part) ") + "不是格式良好的 XML：\(error.description)")
        }
    }

    // MARK: - ODT

    static let scriptNamespace = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
    static let odtMediaType = "application/vnd.oasis.opendocument.text"

    static func inspectODT(_ bytes: [UInt8], into f: inout FileFindings) {
        let zip: ZipReader
        do { zip = try ZipReader(bytes: bytes) } catch {
            f.formatProblems.append("扩展名为 ODT，内容却不是可读的 ODF 文档包（\(error.message)）")
            return
        }
        let names = zip.names
        if names.first != "mimetype" || (try? zip.read(0, limit: 256)) != Array(odtMediaType.utf8) {
            f.formatProblems.append("不是 ODF 文本文档（mimetype 不是 \(odtMediaType) 或不在首位）")
        }
        for (i, name) in names.enumerated() {
            if zip.isEncrypted(i) { f.encrypted.append("文档包中的 \(name) 已加密") }
            if name.hasPrefix("Basic/") || name.hasPrefix("Scripts/") {
                f.executable.append("含宏（\(name)）")
            }
        }
        for part in ["content.xml", "styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml"] {
            guard let i = names.firstIndex(of: part) else {
                if part == "content.xml" || part == "META-INF/manifest.xml" {
                    f.wellFormedProblems.append("文档包缺少 \(part)")
                }
                continue
            }
            guard !zip.isEncrypted(i) else { continue }
            let xml: [UInt8]
            do { xml = try zip.read(i, limit: maxODTEntryBytes) } catch {
                f.wellFormedProblems.append("文档包中的 \(part) 无法读出（\(error.message)）")
                continue
            }
            let elements: [MarkupElement]
            do { elements = try MarkupInspection.elements(ofXML: xml, part: part) } catch {
                f.wellFormedProblems.append("文档包中的 \(part) 不是格式良好的 XML：\(error.description)")
                continue
            }
            for e in elements {
                if part == "META-INF/manifest.xml", e.localName == "encryption-data" {
                    f.encrypted.append("文档已加密（manifest.xml 中有 encryption-data，第 \(e.line) 行）")
                }
                if e.namespace == scriptNamespace {
                    f.executable.append("含脚本或宏事件 <\(e.name)>（\(part) 第 \(e.line) 行）")
                }
                if ["dde-connection-decl", "dde-source", "dde-link"].contains(e.localName) {
                    f.external.append("含 DDE 外部数据链接 <\(e.name)>（\(part) 第 \(e.line) 行）")
                }
                for a in e.attributes {
                    if isScriptURL(a.value) {
                        f.executable.append("含宏或脚本地址 \(a.name)=“\(a.value.prefix(60))”（\(part) 第 \(e.line) 行）")
                    } else if a.name.hasSuffix("href"), isExternal(a.value) {
                        let what = e.localName == "image" ? "远程图像" : (e.localName == "a" ? "外部链接" : "外部引用")
                        f.external.append("\(what) \(a.name)=“\(a.value.prefix(80))”（\(part) 第 \(e.line) 行）")
                    }
                }
            }
        }
    }

    // MARK: - PDF

    /// PDF names found as tokens in the file's bytes (those in compressed object streams
    /// are not seen: the check reads what is in the clear). A PDF's hyperlinks (`/URI`) are
    /// not external references in the sense of the check: nothing is loaded from them to show
    /// the page (applicants' originals keep theirs).
    static func inspectPDF(_ bytes: [UInt8], into f: inout FileFindings) {
        for (token, encrypted) in [
            ("/JavaScript", false), ("/JS", false), ("/Launch", false), ("/EmbeddedFile", false), ("/Encrypt", true),
        ] where containsPDFName(bytes, token) {
            if encrypted {
                f.encrypted.append("PDF 已加密（\(token)）")
            } else {
                f.executable.append("PDF 含 \(token)（脚本、启动程序或内嵌文件）")
            }
        }
    }

    static func containsPDFName(_ bytes: [UInt8], _ name: String) -> Bool {
        let n = Array(name.utf8)
        guard bytes.count >= n.count else { return false }
        let delimiters = Set(Array(" \t\r\n\u{0C}\0()<>[]{}/%".utf8))
        var i = 0
        while i <= bytes.count - n.count {
            if bytes[i] == n[0], Array(bytes[i..<i + n.count]) == n {
                let next = i + n.count
                if next == bytes.count || delimiters.contains(bytes[next]) { return true }
            }
            i += 1
        }
        return false
    }

    // MARK: - bytes

    static func contains(_ bytes: [UInt8], caseInsensitive needle: String) -> Bool {
        let n = Array(needle.lowercased().utf8)
        guard !n.isEmpty, bytes.count >= n.count else { return false }
        var i = 0
        while i <= bytes.count - n.count {
            var k = 0
            while k < n.count {
                var b = bytes[i + k]
                if b >= 0x41 && b <= 0x5A { b += 0x20 }
                if b != n[k] { break }
                k += 1
            }
            if k == n.count { return true }
            i += 1
        }
        return false
    }
}
