import Foundation
import Testing

@testable import Documents

struct HTMLTests {
    /// Replaces every string in a value with a hostile one (keeping booleans, lists, numbers).
    static func hostile(_ v: TemplateValue) -> TemplateValue {
        switch v {
        case .string: return .string("<script>alert('x')</script>\"&'")
        case .array(let l): return .list(l.map(hostile))
        case .object(let o): return .object(o.mapValues(hostile))
        default: return v
        }
    }

    @Test(arguments: Shipped.names)
    func hostileValuesAreEscapedAndTheDocumentStaysWellFormed(_ name: String) throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let html = try Shipped.html(name).renderHTMLDocument(Self.hostile(try Shipped.sample(name)))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;&#39;"))
        let dir = Paths.tempDir("hostile-html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("\(name).html")
        try html.write(to: f, atomically: true, encoding: .utf8)
        let r = try run(["xmllint", "--noout", f.path])
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func strictModeReportsEveryMissingNameWithLineAndColumn() throws {
        let t = try MustacheTemplate(source: "<p>{{a}}</p>\n<p>{{#list}}{{b}} {{c.d}}{{/list}}</p>\n", name: "x.html")
        do {
            _ = try t.render(["list": [["b": "1"], ["b": "2"]]])
            Issue.record("expected an error")
        } catch let e as TemplateError {
            guard case .missingNames(let names) = e else {
                Issue.record("\(e)")
                return
            }
            #expect(names.map(\.name) == ["a", "c.d"])
            #expect(names[0].place.english == "line 1, column 4")
            #expect(names[1].place.english == "line 2, column 19")
            #expect(e.chinese.contains("第 2 行第 19 列"))
        }
        #expect(try t.render(["a": .null, "list": []]) == "<p></p>\n<p></p>\n")  // null counts as present
    }

    @Test func unclosedSectionNamesTheTagAndWhereItOpened() throws {
        #expect {
            _ = try MustacheTemplate(source: "a\n  {{#works}}\n{{title}}\n", name: "w.html")
        } throws: { e in
            guard let t = e as? TemplateError, case .unclosedSection(let name, let at) = t else { return false }
            return name == "works" && at.english == "line 2, column 3" && at.template == "w.html"
        }
        #expect {
            _ = try MustacheTemplate(source: "{{#a}}{{/b}}", name: "m.html")
        } throws: { e in
            guard let t = e as? TemplateError, case .mismatchedSection("a", _, "b", _) = t else { return false }
            return true
        }
    }

    @Test func certificateHTMLEmbedsAQRCodeThatDecodes() throws {
        guard requireTool("zbarimg", package: "zbar-tools") else { return }
        let data = try Shipped.sample("certificate")
        let html = try Shipped.html("certificate").renderHTMLDocument(data)
        let prefix = "data:image/png;base64,"
        guard let r = html.range(of: prefix), let end = html[r.upperBound...].firstIndex(of: "\"") else {
            Issue.record("no data URI")
            return
        }
        let png = Data(base64Encoded: String(html[r.upperBound..<end]))!
        let dir = Paths.tempDir("qr")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("qr.png")
        try png.write(to: f)
        let z = try run(["zbarimg", "--raw", "-q", f.path], stderr: false)
        #expect(z.output.trimmingCharacters(in: .whitespacesAndNewlines) == data["verification_url"]!.text)
    }
}

struct TemplateValueTests {
    @Test func parsesJSON() throws {
        let v = try TemplateValue(
            json: #"{"a":"张\"三\u4e2d\ud83d\ude00","n":85,"d":1.5,"t":true,"z":null,"l":[1,"x",false],"o":{}}"#)
        #expect(v["a"] == .string("张\"三中😀"))
        #expect(v["n"]?.text == "85")
        #expect(v["d"]?.text == "1.5")
        #expect(v["t"] == .bool(true))
        #expect(v["z"] == .null)
        #expect(v["l"] == [1, "x", false])
        #expect(v["o"] == .object([:]))
        #expect(throws: JSONSyntaxError.self) { try TemplateValue(json: "{\"a\":}") }
        let decoded = try JSONDecoder().decode(TemplateValue.self, from: Data(#"{"x":[true,2,"s",null]}"#.utf8))
        #expect(decoded == ["x": [true, 2, "s", nil]])
    }
}

struct BatchTests {
    @Test(arguments: [1, 2])
    func rendersOneDocumentPerLineWithProgressAndSummary(threads: Int) throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let dir = Paths.tempDir("batch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let jsonl = dir.appendingPathComponent("records.jsonl")
        var lines: [String] = []
        let sample = try Shipped.sample("certificate")
        for i in 0..<25 {
            guard case .object(var o) = sample else { return }
            o["certificate_number"] = .string("NO\(i)")
            let data = try JSONEncoder().encode(TemplateValue.object(o))
            lines.append(String(decoding: data, as: UTF8.self))
        }
        lines.insert("{\"broken\": ", at: 3)  // line 4 fails, the others go on
        lines.insert("", at: 7)  // blank lines are skipped
        try (lines.joined(separator: "\n") + "\n").write(to: jsonl, atomically: true, encoding: .utf8)
        let counter = BatchState()
        let out = dir.appendingPathComponent("out")
        let summary = try BatchRenderer.render(
            try Shipped.odt("certificate"), records: jsonl, outputDirectory: out, nameField: "certificate_number",
            threads: threads, progressEvery: 5, progress: { _ in _ = counter.done() })
        #expect(summary.documents == 25)
        #expect(summary.failed == 1)
        #expect(summary.failures.first?.line == 4)
        #expect(summary.documentsPerSecond > 0)
        #expect(counter.snapshot().0 >= 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files.count == 25)
        #expect(files.contains("NO7.odt"))
        let r = try validateODT(out.appendingPathComponent("NO7.odt"))
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func htmlBatchWritesOneFilePerRecord() throws {
        let dir = Paths.tempDir("batch-html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let jsonl = dir.appendingPathComponent("r.jsonl")
        let sample = String(decoding: try JSONEncoder().encode(try Shipped.sample("vote-record")), as: UTF8.self)
        try (Array(repeating: sample, count: 7).joined(separator: "\r\n")).write(
            to: jsonl, atomically: true, encoding: .utf8)
        let summary = try BatchRenderer.render(
            try Shipped.html("vote-record"), records: jsonl, outputDirectory: dir.appendingPathComponent("out"),
            threads: 2)
        #expect(summary.documents == 7 && summary.failed == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted()
        #expect(files == (1...7).map { String(format: "%06d.html", $0) })
    }

    @Test func benchmarkRunsAndReportsNumbers() throws {
        let r = try RenderBenchmark.run(documents: 200, batchDocuments: 300)
        #expect(r.oneThreadDocumentsPerSecond > 0)
        #expect(r.twoThreadDocumentsPerSecond > 0)
        #expect(r.batchDocuments == 300)
        #expect(r.peakRSSMegabytes > 0)
        // The benchmark certificate is a valid package.
        let t = try RenderBenchmark.certificateTemplate()
        let dir = Paths.tempDir("bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        for i in 0..<2 {
            let f = dir.appendingPathComponent("c\(i).odt")
            try Data(try t.render(RenderBenchmark.sampleRecord(i))).write(to: f)
            let v = try validateODT(f)
            #expect(v.status == 0, "\(v.output)")
        }
    }
}
