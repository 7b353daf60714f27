import Foundation

/// Output format of a document.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case odt
    case html

    /// The format for a file name's extension (`.odt`, `.html`/`.htm`), nil for others.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "odt": self = .odt
        case "html", "htm": self = .html
        default: return nil
        }
    }
}

/// The templates of a directory (normally `templates/`), compiled on first use and kept.
///
/// ```swift
/// let library = TemplateLibrary(directory: URL(fileURLWithPath: "templates"))
/// let odt = try library.render("certificate", as: .odt, data: record)   // bytes of the .odt
/// let html = try library.render("certificate", as: .html, data: record)  // UTF-8 bytes
/// ```
public final class TemplateLibrary: @unchecked Sendable {
    public let directory: URL
    private let lock = NSLock()
    private var odtCache: [String: ODTTemplate] = [:]
    private var htmlCache: [String: MustacheTemplate] = [:]

    public init(directory: URL) { self.directory = directory }

    /// Names of the templates present (files `NAME.odt` or `NAME.html`).
    public var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(
            files.filter { $0.hasSuffix(".odt") || $0.hasSuffix(".html") }.map {
                ($0 as NSString).deletingPathExtension
            }
        )
        .sorted()
    }

    public func odt(_ name: String) throws -> ODTTemplate {
        lock.lock()
        defer { lock.unlock() }
        if let t = odtCache[name] { return t }
        let t = try ODTTemplate(contentsOf: directory.appendingPathComponent("\(name).odt"))
        odtCache[name] = t
        return t
    }

    public func html(_ name: String) throws -> MustacheTemplate {
        lock.lock()
        defer { lock.unlock() }
        if let t = htmlCache[name] { return t }
        let t = try MustacheTemplate(contentsOf: directory.appendingPathComponent("\(name).html"))
        htmlCache[name] = t
        return t
    }

    /// Renders template `name` in `format`: the .odt package bytes, or the HTML as UTF-8.
    public func render(
        _ name: String, as format: DocumentFormat, data: TemplateValue, images: [String: [UInt8]] = [:],
        strict: Bool = true
    ) throws -> [UInt8] {
        switch format {
        case .odt: return try odt(name).render(data, images: images, strict: strict)
        case .html: return Array(try html(name).renderHTMLDocument(data, images: images, strict: strict).utf8)
        }
    }
}

extension ODTTemplate {
    /// Renders one document and writes it to `url`.
    public func write(
        _ data: TemplateValue, to url: URL, images: [String: [UInt8]] = [:], strict: Bool = true
    ) throws {
        let bytes = try render(data, images: images, strict: strict)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw TemplateError.io("cannot write \(url.path)")
        }
    }
}
