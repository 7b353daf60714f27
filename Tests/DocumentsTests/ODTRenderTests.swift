import Foundation
import Testing

@testable import Documents

/// The shipped templates and their sample data.
enum Shipped {
    static let names = [
        "pledge", "declaration-form", "acceptance-notice", "correction-notice", "refusal-notice", "public-notice",
        "qualification-notice", "certificate", "revocation-decision", "minutes", "vote-record",
    ]

    static func sample(_ name: String) throws -> TemplateValue {
        try TemplateValue(json: Data(contentsOf: Paths.templates.appendingPathComponent("samples/\(name).json")))
    }

    static func odt(_ name: String) throws -> ODTTemplate {
        try ODTTemplate(contentsOf: Paths.templates.appendingPathComponent("\(name).odt"))
    }

    static func html(_ name: String) throws -> MustacheTemplate {
        try MustacheTemplate(contentsOf: Paths.templates.appendingPathComponent("\(name).html"))
    }
}

func validateODT(_ url: URL, extended: Bool = false) throws -> ProcessResult {
    let script = Paths.conformance.appendingPathComponent("odf/validate-odt.sh").path
    return try run(["bash", script] + (extended ? ["--extended"] : []) + [url.path])
}

struct ShippedTemplateTests {
    @Test(arguments: Shipped.names)
    func rendersAndValidates(_ name: String) throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let t = try Shipped.odt(name)
        let bytes = try t.render(try Shipped.sample(name))
        let dir = Paths.tempDir("shipped")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("\(name).odt")
        try Data(bytes).write(to: out)
        let r = try validateODT(out)
        #expect(r.status == 0, "\(name): \(r.output)")
        // Deterministic: the same template and data give the same bytes.
        #expect(try t.render(try Shipped.sample(name)) == bytes)
    }

    @Test(arguments: Shipped.names)
    func htmlRendersWellFormed(_ name: String) throws {
        let html = try Shipped.html(name).renderHTMLDocument(try Shipped.sample(name))
        let dir = Paths.tempDir("html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("\(name).html")
        try html.write(to: out, atomically: true, encoding: .utf8)
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let r = try run(["xmllint", "--noout", out.path])
        #expect(r.status == 0, "\(name): \(r.output)")
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("\"Noto Serif CJK SC\", \"Noto Sans CJK SC\""))
    }
}
