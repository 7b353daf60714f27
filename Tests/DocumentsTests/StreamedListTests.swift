import Foundation
import Testing
import ZipKit

@testable import Documents

/// A list document rendered with its list streamed (`StreamedList`, written into its file a
/// batch at a time) against the same document rendered with the list whole in its data.
@Suite struct StreamedListTests {
    /// The shipped sample with its list grown to `count` distinct rows, and the list apart.
    static func sample(_ template: String, key: String, count: Int) throws -> (
        head: [String: TemplateValue], rows: [TemplateValue]
    ) {
        guard case .object(var o) = try Shipped.sample(template), case .array(let given)? = o[key],
            case .object(let row) = given[0]
        else { throw TemplateError.io("unexpected sample \(template)") }
        o[key] = nil
        o["count"] = .number(Double(count))
        let rows: [TemplateValue] = (0..<count).map { i in
            var r = row
            r["number"] = .number(Double(i + 1))
            r["name"] = .string("测试人员\(i + 1)号")
            r["unit"] = .string(i % 3 == 0 ? "某单位 & <分部>" : "焦作市第\(i % 17)中学")
            return .object(r)
        }
        return (o, rows)
    }

    static func list(_ key: String, _ rows: [TemplateValue], batch: Int) -> StreamedList {
        StreamedList(name: key, count: rows.count) { k in
            Array(rows[min(k * batch, rows.count)..<min((k + 1) * batch, rows.count)])
        }
    }

    /// The text a reader sees in a part: the characters of its text nodes, tags left out.
    static func visibleText(_ xml: [UInt8]) -> String {
        var out = ""
        var inTag = false
        for ch in String(decoding: xml, as: UTF8.self) {
            if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        return out.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
    }

    @Test(arguments: [("public-notice", "candidates"), ("qualification-notice", "people")])
    func streamedEqualsWhole(_ template: String, _ key: String) throws {
        // 3,000 rows: content.xml passes StreamedList.flushBytes several times.
        let (head, rows) = try Self.sample(template, key: key, count: 3_000)
        var whole = head
        whole[key] = .array(rows)
        let library = TemplateLibrary(directory: Paths.templates)
        let dir = Paths.tempDir("streamed")
        defer { try? FileManager.default.removeItem(at: dir) }
        for format in DocumentFormat.allCases {
            let expected = try library.render(template, as: format, data: .object(whole))
            for batch in [1, 7, 500, 5_000] {
                let path = dir.appendingPathComponent("\(template)-\(batch).\(format.rawValue)").path
                try library.write(
                    template, as: format, data: .object(head), streaming: Self.list(key, rows, batch: batch), to: path)
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(written == expected, "\(template).\(format.rawValue), batches of \(batch)")
                // What a reader sees: every row, in order, the last one too.
                let part =
                    format == .odt
                    ? try ZipReader(bytes: written).read(ZipReader(bytes: written).names.firstIndex(of: "content.xml")!)
                    : written
                let text = Self.visibleText(part)
                #expect(text.contains("测试人员1号"))
                #expect(text.contains("测试人员3000号"))
                #expect(text.contains("某单位 & <分部>"))
                let first = try #require(text.range(of: "测试人员2999号"))
                #expect(text[first.upperBound...].contains("测试人员3000号"))
            }
        }
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let odt = dir.appendingPathComponent("\(template)-7.odt")
        let r = try validateODT(odt)
        #expect(r.status == 0, "\(r.output)")
    }

    /// An empty list renders as an empty array would (inverted sections too), and a name the
    /// data lacks fails as it does whole — the half-written file removed.
    @Test func emptyListAndMissingNames() throws {
        let t = try MustacheTemplate(source: "<p>{{title}}</p>{{#rows}}<i>{{n}}</i>{{/rows}}{{^rows}}<b>无</b>{{/rows}}")
        let dir = Paths.tempDir("streamed-empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.html").path
        let empty = StreamedList(name: "rows", count: 0) { _ in [] }
        try t.writeHTMLDocument(["title": "名单"], streaming: empty, to: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            == (try t.renderHTMLDocument(["title": "名单", "rows": .array([])])))
        let two = Self.list("rows", [["n": 1], ["m": 2]], batch: 1)
        #expect(throws: TemplateError.self) { try t.writeHTMLDocument(["title": "名单"], streaming: two, to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let odt = dir.appendingPathComponent("b.odt").path
        let (head, rows) = try Self.sample("public-notice", key: "candidates", count: 3)
        var broken = rows
        broken[1] = ["number": 2]
        #expect(throws: TemplateError.self) {
            try TemplateLibrary(directory: Paths.templates).write(
                "public-notice", as: .odt, data: .object(head), streaming: Self.list("candidates", broken, batch: 2),
                to: odt)
        }
        #expect(!FileManager.default.fileExists(atPath: odt))
    }
}
