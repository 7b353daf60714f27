import Foundation
import Testing
import ZipKit

@testable import Documents

// Issue 13: what users type can never make a document unopenable (items 4), templates cannot
// carry unsafe entry names or nest sections without bound (item 6).

/// A value with every kind of character XML 1.0 forbids, between characters it allows that
/// share their first UTF-8 bytes (fullwidth forms EF BC.., U+FFE5 = EF BF A5, U+FFFD = EF BF BD).
let forbiddenValue = "甲\u{FFFE}乙\u{0}丙\u{1}丁\u{FFFF}戊\u{B}\u{C}\u{1F}己，（\u{FFE5}）\u{FFFD}😀"
/// The same value as the writers must write it: each forbidden character replaced by U+FFFD.
let forbiddenValueCleaned = "甲\u{FFFD}乙\u{FFFD}丙\u{FFFD}丁\u{FFFD}戊\u{FFFD}\u{FFFD}\u{FFFD}己，（\u{FFE5}）\u{FFFD}😀"

/// True when no scalar of `s` is one XML 1.0 forbids (checked against the production itself,
/// not against `XMLText`).
func onlyXMLCharacters(_ s: String) -> Bool {
    s.unicodeScalars.allSatisfy { u in
        let v = u.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || (0x10000...0x10FFFF).contains(v)
    }
}

struct XMLTextTests {
    @Test func isAllowedFollowsTheCharProductionOfXML10() {
        let allowed: [UInt32] = [
            0x9, 0xA, 0xD, 0x20, 0x7F, 0x85, 0xD7FF, 0xE000, 0xFF0C, 0xFFE5, 0xFFFD, 0x10000, 0x10FFFF,
        ]
        let forbidden: [UInt32] = [0x0, 0x1, 0x8, 0xB, 0xC, 0xE, 0x1F, 0xFFFE, 0xFFFF]
        for v in allowed { #expect(XMLText.isAllowed(Unicode.Scalar(v)!), "U+\(String(v, radix: 16))") }
        for v in forbidden { #expect(!XMLText.isAllowed(Unicode.Scalar(v)!), "U+\(String(v, radix: 16))") }
    }

    @Test func cleanReplacesForbiddenCharactersWithTheReplacementCharacter() {
        #expect(XMLText.clean(forbiddenValue) == forbiddenValueCleaned)
        #expect(XMLText.clean(forbiddenValueCleaned) == forbiddenValueCleaned)
        #expect(XMLText.clean("张三\t\r\n") == "张三\t\r\n")
        #expect(XMLText.clean("") == "")
        #expect(XMLText.firstDisallowed(in: forbiddenValue) == "\u{FFFE}")
        #expect(XMLText.firstDisallowed(in: "a\u{1}b\u{0}") == "\u{1}")
        #expect(XMLText.firstDisallowed(in: forbiddenValueCleaned) == nil)
    }

    /// The writers' byte-level shortcut (a byte < 0x20 or EF BF BE/BF) agrees with the
    /// production for every scalar of the Basic Multilingual Plane and the plane boundaries.
    @Test func byteLevelCheckAgreesWithTheScalarLevelOne() {
        var disagreements: [String] = []
        let values = Array(0...0xFFFF) + [0x10000, 0x1F600, 0xFFFFE, 0x10FFFF]
        for v in values {
            guard let u = Unicode.Scalar(v) else { continue }  // surrogates cannot be in a String
            let bytes = Array(String(Character(u)).utf8)
            let k = bytes.withUnsafeBufferPointer { XMLText.forbiddenLength($0, at: 0) }
            let expected = XMLText.isAllowed(u) ? 0 : bytes.count
            if k != expected { disagreements.append("U+\(String(v, radix: 16))") }
            // The fast loops look no further unless the first byte is suspicious.
            if expected > 0 && !XMLText.isSuspicious(bytes[0]) {
                disagreements.append("not suspicious: U+\(String(v, radix: 16))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
        #expect(XMLText.clean(bytes: Array(forbiddenValue.utf8)) == Array(forbiddenValueCleaned.utf8))
    }
}

struct ForbiddenCharacterTests {
    @Test func htmlWritesNoForbiddenCharacterEscapedRawOrInTheTemplate() throws {
        let t = try MustacheTemplate(
            source: "<p title=\"{{a}}\">{{a}}|{{{a}}}|{{& a}}|{{n}}</p>\u{0}\u{FFFE}", name: "x.html")
        let html = try t.render(["a": .string(forbiddenValue + "<b>&"), "n": 3])
        let e = forbiddenValueCleaned + "&lt;b&gt;&amp;"
        let r = forbiddenValueCleaned + "<b>&"
        #expect(html == "<p title=\"\(e)\">\(e)|\(r)|\(r)|3</p>\u{FFFD}\u{FFFD}")
        #expect(onlyXMLCharacters(html))
        // Tab, line feed and carriage return are characters XML allows: kept as they are.
        #expect(try t.render(["a": "1\t2\n3\r4", "n": 0]).hasPrefix("<p title=\"1\t2\n3\r4\">1\t2\n3\r4|"))
    }

    @Test func odtValuesLoseForbiddenCharactersAndThePackageValidates() throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let t = try makeODT(
            "<text:p>{{a}}</text:p><text:p>{{{a}}}</text:p>"
                + table([row(["{{#rows}}{{.}}", "{{a}}{{/rows}}"])], columns: 2),
            styles: "<style:footer><text:p>{{a}}</text:p></style:footer>")
        let data: TemplateValue = ["a": .string(forbiddenValue + "\n末"), "rows": [.string(forbiddenValue)]]
        let content = try t.renderPart("content.xml", data: data)!
        let styles = try t.renderPart("styles.xml", data: data)!
        #expect(body(content).hasPrefix("<text:p>\(forbiddenValueCleaned)<text:line-break/>末</text:p>"))
        #expect(styles.contains("<text:p>\(forbiddenValueCleaned)<text:line-break/>末</text:p>"))
        #expect(onlyXMLCharacters(content) && onlyXMLCharacters(styles))

        let dir = Paths.tempDir("forbidden-odt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("f.odt")
        try Data(try t.render(data)).write(to: f)
        let v = try validateODT(f)
        #expect(v.status == 0, "\(v.output)")
        let x = dir.appendingPathComponent("x")
        let unzip = try run([
            "python3", "-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", f.path, x.path,
        ])
        #expect(unzip.status == 0, "\(unzip.output)")
        for part in ["content.xml", "styles.xml"] {
            let r = try run(["xmllint", "--noout", x.appendingPathComponent(part).path])
            #expect(r.status == 0, "\(part): \(r.output)")
        }
    }

    static func forbidden(_ v: TemplateValue) -> TemplateValue {
        switch v {
        case .string: return .string(forbiddenValue)
        case .array(let l): return .list(l.map(forbidden))
        case .object(let o): return .object(o.mapValues(forbidden))
        default: return v
        }
    }

    /// Every shipped document, every text field holding forbidden characters: the ODT passes
    /// the OASIS validator (content.xml, styles.xml, meta.xml), the HTML parses as XML.
    @Test(arguments: Shipped.names)
    func shippedDocumentsStayValidWhateverIsTyped(_ name: String) throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let data = Self.forbidden(try Shipped.sample(name))
        let odt = try Shipped.odt(name)
        var images: [String: [UInt8]] = [:]
        for p in odt.imagePlaceholders where p.kind == "image" { images[p.key] = try QRCode.png("image", scale: 2) }
        let dir = Paths.tempDir("forbidden-shipped")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("\(name).odt")
        try Data(try odt.render(data, images: images)).write(to: f)
        let v = try validateODT(f)
        #expect(v.status == 0, "\(name): \(v.output)")

        let html = try Shipped.html(name).renderHTMLDocument(data, images: images)
        #expect(html.contains(forbiddenValueCleaned))
        #expect(onlyXMLCharacters(html))
        let h = dir.appendingPathComponent("\(name).html")
        try html.write(to: h, atomically: true, encoding: .utf8)
        let r = try run(["xmllint", "--noout", h.path])
        #expect(r.status == 0, "\(name): \(r.output)")
    }
}

struct UnsafeEntryNameTests {
    static let unsafe = [
        "../../x", "/etc/cron.d/x", "Pictures\\x.png", "Pictures//x.png", "./x.xml", "Pictures/./x.png",
        "Pictures/../../x", "..", "C:/x", "c:x", "x/..",
    ]

    @Test(arguments: unsafe)
    func templateWithAnUnsafeEntryNameIsRefusedNamingTheEntry(_ entry: String) throws {
        let bytes = try makeODTPackage("<text:p>{{x}}</text:p>", extra: [(entry, "<x/>")])
        #expect {
            _ = try ODTTemplate(bytes: bytes, name: "evil.odt")
        } throws: { e in
            guard let t = e as? TemplateError, case .unsafeEntryName(let template, let got) = t else { return false }
            return template == "evil.odt" && got == entry
                && t.chinese == "模板 evil.odt 含有不安全的文件名：\(TemplateError.shown(entry))"
                && t.description.contains("evil.odt")
        }
    }

    /// libzip will not write a control character in a name; Python's zipfile does.
    @Test func templateWithAControlCharacterInANameIsRefused() throws {
        let dir = Paths.tempDir("entry-control")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("evil.odt")
        try Data(try makeODTPackage("<text:p>{{x}}</text:p>")).write(to: f)
        let add = try run([
            "python3", "-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1], 'a').writestr('Pictures/a\\x01b', 'x')",
            f.path,
        ])
        #expect(add.status == 0, "\(add.output)")
        #expect {
            _ = try ODTTemplate(contentsOf: f)
        } throws: { e in
            guard let t = e as? TemplateError, case .unsafeEntryName(_, let got) = t else { return false }
            return got == "Pictures/a\u{1}b" && t.chinese == "模板 evil.odt 含有不安全的文件名：Pictures/a\\u{1}b"
        }
    }

    @Test func namesOfOrdinaryPackagesAreSafe() throws {
        for n in [
            "mimetype", "content.xml", "META-INF/manifest.xml", "Configurations2/toolbar/", "Pictures/a..b.png",
            "..x", "x..", ".hidden/y", "Pictures/图片 1.png",
        ] {
            #expect(ZipEntryName.isSafe(n), "\(n)")
        }
        #expect(!ZipEntryName.isSafe(""))
        #expect(!ZipEntryName.isSafe("a\u{7F}"))
        #expect(!ZipEntryName.isSafe("dir//"))
        // A template with such names loads and its entries are copied into each document.
        let t = try ODTTemplate(
            bytes: try makeODTPackage(
                "<text:p>{{x}}</text:p>", extra: [("Pictures/a..b.xml", "<x/>"), (".hidden/y", "<y/>")]),
            name: "ok.odt")
        let dir = Paths.tempDir("entry-names")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("ok.odt")
        try Data(try t.render(["x": "1"])).write(to: f)
        let names = try run([
            "python3", "-c", "import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).namelist())", f.path,
        ])
        #expect(names.output.contains("'Pictures/a..b.xml'") && names.output.contains("'.hidden/y'"), "\(names.output)")
    }

    @Test func theLibreOfficeFixtureWithDirectoryEntriesStillLoads() throws {
        #expect(throws: Never.self) {
            _ = try ODTTemplate(contentsOf: Paths.fixtures.appendingPathComponent("libreoffice-saved.odt"))
        }
    }
}

struct SectionDepthTests {
    static func nested(_ n: Int, open: String = "{{#a}}", close: String = "{{/a}}") -> String {
        String(repeating: open, count: n) + "x" + String(repeating: close, count: n)
    }

    /// Runs `body` and returns how long it took (whatever it threw is returned too).
    static func timed(_ body: () throws -> Void) -> (Duration, (any Error)?) {
        var error: (any Error)? = nil
        let d = ContinuousClock().measure {
            do { try body() } catch let e { error = e }
        }
        return (d, error)
    }

    static func isTooDeep(_ e: (any Error)?, tag: String = "{{#a}}") -> Bool {
        guard let t = e as? TemplateError, case .sectionsTooDeep(let got, _, let limit) = t else { return false }
        return got == tag && limit == 100 && t.chinese.contains("区块嵌套超过 100 层")
    }

    @Test func htmlAcceptsOneHundredNestedSections() throws {
        let t = try MustacheTemplate(source: Self.nested(100), name: "deep.html")
        #expect(try t.render(["a": true]) == "x")
        // Siblings do not add up: 300 sections side by side, each two deep.
        let wide = try MustacheTemplate(source: String(repeating: "{{#a}}{{^b}}y{{/b}}{{/a}}", count: 300))
        #expect(try wide.render(["a": true, "b": false]) == String(repeating: "y", count: 300))
    }

    @Test(arguments: [101, 100_000])
    func htmlRefusesDeeperNestingQuickly(_ n: Int) throws {
        let (d, e) = Self.timed { _ = try MustacheTemplate(source: "<p>\n" + Self.nested(n), name: "deep.html") }
        #expect(Self.isTooDeep(e), "\(String(describing: e))")
        #expect(d < .seconds(1), "\(d)")
        if let t = e as? TemplateError, case .sectionsTooDeep(_, let at, _) = t {
            #expect(at.template == "deep.html" && at.english == "line 2, column 601")
            #expect(t.chinese == "模板 deep.html 的区块嵌套超过 100 层：{{#a}}（第 2 行第 601 列）")
        }
        // Inverted sections count alike, in partials too.
        #expect {
            _ = try MustacheTemplate(source: "{{>p}}", partials: ["p": Self.nested(101, open: "{{^a}}")])
        } throws: { Self.isTooDeep($0, tag: "{{^a}}") }
    }

    /// A partial calling itself inside 99 sections: 64 partial levels used to mean 6,400
    /// nested calls (a crash on an 8 MB stack in a debug build); the renderer now stops
    /// entering partials at a bounded depth. Rendered on a 4 MB thread.
    @Test func selfCallingPartialsInsideDeepSectionsKeepTheRecursionBounded() throws {
        let p = String(repeating: "{{#a}}", count: 99) + "L{{#b}}{{>p}}{{/b}}" + String(repeating: "{{/a}}", count: 99)
        let t = try MustacheTemplate(source: "{{>p}}", partials: ["p": p])
        var levels: TemplateValue = ["b": false]
        for _ in 0..<63 { levels = ["b": levels] }
        let data: TemplateValue = ["a": true, "b": levels]
        let result = RenderResult()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.text = try? t.render(data)
            done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
        done.wait()
        let text = try #require(result.text)
        #expect(text.hasPrefix("LL") && text.count < 64 && Set(text) == ["L"], "\(text)")
    }

    final class RenderResult: @unchecked Sendable {
        var text: String? = nil
    }

    @Test func odtAcceptsOneHundredNestedSections() throws {
        let inline = try makeODT("<text:p>\(Self.nested(100))</text:p>")
        #expect(body(try inline.renderPart("content.xml", data: ["a": true])!) == "<text:p>x</text:p>")
        let paragraphs = try makeODT(
            String(repeating: "<text:p>{{#a}}</text:p>", count: 100) + "<text:p>x</text:p>"
                + String(repeating: "<text:p>{{/a}}</text:p>", count: 100))
        #expect(body(try paragraphs.renderPart("content.xml", data: ["a": true])!) == "<text:p>x</text:p>")
    }

    /// 10,000 nested sections took 105 s to compile (inline in one paragraph); now every
    /// shape is refused at the 101st, quickly.
    @Test(arguments: [101, 10_000])
    func odtRefusesDeeperNestingQuickly(_ n: Int) throws {
        let inlineXML = "<text:p>\(Self.nested(n))</text:p>"
        let paragraphsXML =
            String(repeating: "<text:p>{{#a}}</text:p>", count: n) + "<text:p>x</text:p>"
            + String(repeating: "<text:p>{{/a}}</text:p>", count: n)
        for (shape, xml) in [("inline", inlineXML), ("paragraphs", paragraphsXML)] {
            let bytes = try makeODTPackage(xml)
            let (d, e) = Self.timed { _ = try ODTTemplate(bytes: bytes, name: "deep.odt") }
            #expect(Self.isTooDeep(e), "\(shape): \(String(describing: e))")
            #expect(d < .seconds(1), "\(shape): \(d)")
            if let t = e as? TemplateError, case .sectionsTooDeep(_, let at, _) = t {
                #expect(at.template == "deep.odt")
                #expect(t.chinese.hasPrefix("模板 deep.odt 的区块嵌套超过 100 层：{{#a}}（content.xml 第 "))
                if shape == "paragraphs" { #expect(at.english.contains("paragraph 101")) }
            }
        }
    }

    /// Many sections side by side in one paragraph compiled in quadratic time (5,000: 3 s in
    /// a debug build); now linearly.
    @Test func odtCompilesManyInlineSectionsInLinearTime() throws {
        let bytes = try makeODTPackage("<text:p>" + String(repeating: "{{#a}}x{{/a}}", count: 10_000) + "</text:p>")
        var t: ODTTemplate? = nil
        let (d, e) = Self.timed { t = try ODTTemplate(bytes: bytes, name: "wide.odt") }
        #expect(e == nil)
        #expect(d < .seconds(3), "\(d)")
        let xml = try t.map { body(try $0.renderPart("content.xml", data: ["a": true])!) }
        #expect(xml == "<text:p>" + String(repeating: "x", count: 10_000) + "</text:p>")
    }
}
