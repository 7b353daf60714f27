import Foundation
import Testing

@testable import Documents

/// Builds a small ODT template around `body` (office:text content).
func makeODT(_ body: String, styles: String = "", name: String = "test.odt") throws -> ODTTemplate {
    try ODTTemplate(bytes: try makeODTPackage(body, styles: styles), name: name)
}

/// The package bytes of `makeODT`'s template, with `extra` files added (listed in the manifest).
func makeODTPackage(_ body: String, styles: String = "", extra: [(name: String, xml: String)] = []) throws -> [UInt8] {
    let ns = """
        xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
        xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" \
        xmlns:xlink="http://www.w3.org/1999/xlink" \
        xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
        xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
        """
    let content = """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-content \(ns) office:version="1.3"><office:automatic-styles>\
        <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>\
        <style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>\
        </office:automatic-styles><office:body><office:text>\(body)</office:text></office:body></office:document-content>
        """
    let stylesXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-styles \(ns) office:version="1.3"><office:styles/>\
        <office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>\
        <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">\(styles)\
        </style:master-page></office:master-styles></office:document-styles>
        """
    return try ODTPackageWriter.package([("content.xml", content), ("styles.xml", stylesXML)] + extra)
}

/// Text of the body of rendered content.xml (between <office:text> tags).
func body(_ xml: String) -> String {
    guard let a = xml.range(of: "<office:text>"), let b = xml.range(of: "</office:text>") else { return xml }
    return String(xml[a.upperBound..<b.lowerBound])
}

func row(_ cells: [String]) -> String {
    "<table:table-row>"
        + cells.map { "<table:table-cell office:value-type=\"string\"><text:p>\($0)</text:p></table:table-cell>" }
        .joined()
        + "</table:table-row>"
}

func table(_ rows: [String], columns: Int) -> String {
    "<table:table table:name=\"T\"><table:table-column table:number-columns-repeated=\"\(columns)\"/>"
        + rows.joined() + "</table:table>"
}

struct ODTFeatureTests {
    @Test func tagsSplitAcrossSpansMatchAndKeepTheFirstRunsStyle() throws {
        let t = try makeODT(
            "<text:p>尊敬的{{hol<text:span text:style-name=\"T1\">der_na</text:span><text:span text:style-name=\"T2\">me}}同志</text:span></text:p>"
        )
        let xml = body(try t.renderPart("content.xml", data: ["holder_name": "李秀英"])!)
        #expect(
            xml
                == "<text:p>尊敬的李秀英<text:span text:style-name=\"T1\"></text:span><text:span text:style-name=\"T2\">同志</text:span></text:p>"
        )
        // Zero-width marks inside a tag (a soft page break, a bookmark) do not stop it.
        let t3 = try makeODT("<text:p>{{na<text:bookmark text:name=\"b\"/>me}}<text:soft-page-break/>！</text:p>")
        #expect(
            body(try t3.renderPart("content.xml", data: ["name": "王五"])!)
                == "<text:p>王五<text:bookmark text:name=\"b\"/><text:soft-page-break/>！</text:p>")
        // A tag starting inside a span keeps that span's style.
        let t2 = try makeODT("<text:p>姓名：<text:span text:style-name=\"T1\">{{na</text:span>me}}</text:p>")
        #expect(
            body(try t2.renderPart("content.xml", data: ["name": "张三"])!)
                == "<text:p>姓名：<text:span text:style-name=\"T1\">张三</text:span></text:p>")
    }

    @Test func sectionFillingATableRowRepeatsTheRow() throws {
        let t = try makeODT(
            table([row(["起止", "单位"]), row(["{{#work_history}}{{period}}", "{{unit}}{{/work_history}}"])], columns: 2))
        let data: TemplateValue = [
            "work_history": [
                ["period": "2010—2015", "unit": "甲单位"], ["period": "2016—", "unit": "乙单位"],
                ["period": "x", "unit": "丙"],
            ]
        ]
        let xml = body(try t.renderPart("content.xml", data: data)!)
        #expect(xml.components(separatedBy: "<table:table-row>").count - 1 == 4)
        #expect(
            xml.contains(
                "<text:p>2010—2015</text:p></table:table-cell><table:table-cell office:value-type=\"string\"><text:p>甲单位</text:p>"
            ))
        let empty = body(try t.renderPart("content.xml", data: ["work_history": []])!)
        #expect(empty.components(separatedBy: "<table:table-row>").count - 1 == 1)
    }

    @Test func sectionFromTheStartOfOneRowToTheEndOfTheNextRepeatsBothRows() throws {
        let t = try makeODT(
            table([row(["{{#works}}题名", "{{title}}"]), row(["出处", "{{venue}}{{/works}}"])], columns: 2)
                + "<text:p>{{#people}}姓名：{{name}}</text:p><text:p>单位：{{unit}}{{/people}}</text:p>")
        let xml = body(
            try t.renderPart(
                "content.xml",
                data: [
                    "works": [["title": "甲", "venue": "A"], ["title": "乙", "venue": "B"]],
                    "people": [["name": "张三", "unit": "一"], ["name": "李四", "unit": "二"]],
                ])!)
        #expect(xml.components(separatedBy: "<table:table-row>").count - 1 == 4)
        #expect(xml.contains("<text:p>B</text:p>"))
        #expect(
            xml.hasSuffix("<text:p>姓名：张三</text:p><text:p>单位：一</text:p><text:p>姓名：李四</text:p><text:p>单位：二</text:p>"))
    }

    @Test func conditionalParagraphDisappearsWhenFalse() throws {
        let t = try makeODT(
            "<text:p>A</text:p><text:p>{{#revoked}}已撤销：{{date}}{{/revoked}}</text:p><text:p>{{^revoked}}有效{{/revoked}}</text:p>"
        )
        #expect(
            body(try t.renderPart("content.xml", data: ["revoked": false, "date": "x"])!)
                == "<text:p>A</text:p><text:p>有效</text:p>")
        #expect(
            body(try t.renderPart("content.xml", data: ["revoked": true, "date": "2026年"])!)
                == "<text:p>A</text:p><text:p>已撤销：2026年</text:p>")
    }

    @Test func standaloneSectionParagraphsRepeatWhatIsBetweenAndNest() throws {
        // Block section over a heading paragraph and a table whose row repeats (nested list).
        let t = try makeODT(
            "<text:p>{{#sessions}}</text:p><text:p>会议：{{name}}</text:p>"
                + table([row(["{{#votes}}{{who}}", "{{yes}}{{/votes}}"])], columns: 2)
                + "<text:p>{{/sessions}}</text:p><text:p>完</text:p>")
        let data: TemplateValue = [
            "sessions": [
                ["name": "一", "votes": [["who": "甲", "yes": 5], ["who": "乙", "yes": 3]]],
                ["name": "二", "votes": [["who": "丙", "yes": 7]]],
            ]
        ]
        let xml = body(try t.renderPart("content.xml", data: data)!)
        #expect(!xml.contains("{{"))
        #expect(xml.components(separatedBy: "<table:table ").count - 1 == 2)
        #expect(xml.components(separatedBy: "<table:table-row>").count - 1 == 3)
        #expect(xml.hasPrefix("<text:p>会议：一</text:p>"))
        #expect(xml.hasSuffix("<text:p>完</text:p>"))
        #expect(xml.contains("<text:p>丙</text:p>"))
    }

    @Test func sectionInAListItemRepeatsTheItem() throws {
        let t = try makeODT(
            "<text:list><text:list-item><text:p>{{#items}}{{.}}{{/items}}</text:p></text:list-item></text:list>")
        let xml = body(try t.renderPart("content.xml", data: ["items": ["学历证书", "继续教育证明"]])!)
        #expect(
            xml
                == "<text:list><text:list-item><text:p>学历证书</text:p></text:list-item><text:list-item><text:p>继续教育证明</text:p></text:list-item></text:list>"
        )
    }

    @Test func valuesAreTextNeverMarkup() throws {
        let t = try makeODT("<text:p>{{a}}|{{{a}}}|{{&amp;a}}</text:p><text:p>{{b}}</text:p>")
        let hostile = "<text:span>x</text:span>&\"'<script>alert('x')</script>"
        let xml = body(try t.renderPart("content.xml", data: ["a": .string(hostile), "b": "第一行\n第二行\tTab   三空格"])!)
        let escaped = "&lt;text:span&gt;x&lt;/text:span&gt;&amp;\"'&lt;script&gt;alert('x')&lt;/script&gt;"
        #expect(xml.contains("<text:p>\(escaped)|\(escaped)|\(escaped)</text:p>"))
        #expect(xml.contains("<text:p>第一行<text:line-break/>第二行<text:tab/>Tab <text:s text:c=\"2\"/>三空格</text:p>"))
        // The whole package stays valid.
        let dir = Paths.tempDir("hostile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("h.odt")
        try Data(try t.render(["a": .string(hostile), "b": "x\ny"])).write(to: f)
        let r = try validateODT(f)
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func headerAndFooterTagsInStylesXMLAreRendered() throws {
        let t = try makeODT(
            "<text:p>{{x}}</text:p>",
            styles: "<style:footer><text:p>{{issuer}} 第<text:page-number>1</text:page-number>页</text:p></style:footer>")
        let xml = try t.renderPart("styles.xml", data: ["x": "1", "issuer": "焦作市职称改革领导小组办公室"])!
        #expect(xml.contains("<text:p>焦作市职称改革领导小组办公室 第<text:page-number>1</text:page-number>页</text:p>"))
    }

    @Test func strictModeListsEveryMissingNameWithItsParagraph() throws {
        let t = try makeODT(
            "<text:p>{{holder_name}}</text:p><text:p>编号：{{certificate_number}}</text:p>"
                + table([row(["{{#rows}}{{date}}", "{{event}}{{/rows}}"])], columns: 2))
        do {
            _ = try t.render(["holder_name": "张三", "rows": [["date": "d"]]])
            Issue.record("expected missing names")
        } catch let e as TemplateError {
            guard case .missingNames(let names) = e else {
                Issue.record("wrong error \(e)")
                return
            }
            #expect(names.map(\.name) == ["certificate_number", "event"])
            #expect(names[0].place.english.contains("content.xml, paragraph 2"))
            #expect(names[1].place.english.contains("table 'T', row 1, cell 2"))
            #expect(e.chinese.contains("第 2 段"))
            #expect(e.chinese.contains("表格「T」第 1 行第 2 格"))
            #expect(e.description.contains("certificate_number"))
        }
        // Not strict: missing names render empty.
        #expect(throws: Never.self) { _ = try t.render(["rows": []], strict: false) }
    }

    @Test func unclosedAndMismatchedSectionsNameTheTagAndPlace() throws {
        #expect {
            _ = try makeODT("<text:p>x</text:p><text:p>{{#works}}{{title}}</text:p>")
        } throws: { e in
            guard let t = e as? TemplateError, case .unclosedSection(let name, let at) = t else { return false }
            return name == "works" && at.english.contains("paragraph 2") && t.chinese.contains("works")
        }
        #expect {
            _ = try makeODT("<text:p>{{#a}}x{{/b}}</text:p>")
        } throws: { e in
            guard let t = e as? TemplateError, case .mismatchedSection(let o, _, let c, _) = t else { return false }
            return o == "a" && c == "b"
        }
        #expect {
            _ = try makeODT("<text:p>{{name</text:p>")
        } throws: { e in
            guard let t = e as? TemplateError, case .unclosedTag = t else { return false }
            return true
        }
    }

    @Test func doctypeAndEntitiesAreRefused() throws {
        let evil = """
            <?xml version="1.0"?>
            <!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&xxe;</office:document-content>
            """
        let bytes = try ODTPackageWriter.package([("content.xml", evil), ("styles.xml", "<x/>")])
        #expect {
            _ = try ODTTemplate(bytes: bytes, name: "evil.odt")
        } throws: { e in
            guard let t = e as? TemplateError, case .forbiddenDeclaration(let part, _) = t else { return false }
            return part == "content.xml" && t.chinese.contains("拒绝")
        }
    }

    @Test func photoAndQRFramesGetImagesWithManifestEntries() throws {
        let frame = { (name: String) in
            "<text:p><draw:frame draw:name=\"\(name)\" text:anchor-type=\"as-char\" svg:width=\"3cm\" svg:height=\"3cm\"><draw:image xlink:href=\"Pictures/x.png\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\"/></draw:frame></text:p>"
        }
        let t = try makeODT(frame("image:photo") + frame("qr:verify.url") + "<text:p>{{name}}</text:p>")
        #expect(t.imagePlaceholders.map(\.kind) == ["image", "qr"])
        let photo = try QRCode.png("photo stand-in", scale: 2)
        let bytes = try t.render(
            ["name": "张三", "verify": ["url": "https://example.gov.cn/v/1"]], images: ["photo": photo])
        let dir = Paths.tempDir("images")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("i.odt")
        try Data(bytes).write(to: f)
        let r = try validateODT(f)
        #expect(r.status == 0, "\(r.output)")
        let list = try run([
            "python3", "-c",
            "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(z.namelist()); print(z.read('META-INF/manifest.xml').decode()); print(z.read('content.xml').decode())",
            f.path,
        ])
        #expect(list.output.contains("'Pictures/image-1.png'"))
        #expect(list.output.contains("'Pictures/qr-2.png'"))
        #expect(list.output.contains("manifest:full-path=\"Pictures/image-1.png\" manifest:media-type=\"image/png\""))
        #expect(list.output.contains("xlink:href=\"Pictures/image-1.png\""))
        #expect(list.output.contains("xlink:href=\"Pictures/qr-2.png\""))
        // Missing image and URL in strict mode: both reported.
        #expect {
            _ = try t.render(["name": "x"])
        } throws: { e in
            guard let t = e as? TemplateError, case .missingNames(let names) = t else { return false }
            return Set(names.map(\.name)) == ["image:photo", "verify.url"]
        }
    }

    @Test func packageIsDeterministicWithMimetypeFirstAndNoExtraFields() throws {
        let t = try makeODT("<text:p>{{x}}</text:p>")
        let a = try t.render(["x": "1"])
        let b = try t.render(["x": "1"])
        #expect(a == b)
        // Local header of the first entry: "mimetype", stored (method 0), no extra field.
        #expect(Array(a[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(a[8] == 0 && a[9] == 0)
        #expect(a[28] == 0 && a[29] == 0)
        #expect(String(decoding: a[30..<38], as: UTF8.self) == "mimetype")
        let dir = Paths.tempDir("det")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("d.odt")
        try Data(a).write(to: f)
        let info = try run([
            "python3", "-c",
            "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(sorted({(i.date_time, len(i.extra)) for i in z.infolist()}))",
            f.path,
        ])
        #expect(info.output.trimmingCharacters(in: .whitespacesAndNewlines) == "[((2026, 1, 1, 0, 0, 0), 0)]")
    }
}

struct LibreOfficeFixtureTests {
    @Test func templateSavedByLibreOfficeRendersAndPassesExtendedValidation() throws {
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let t = try ODTTemplate(contentsOf: Paths.fixtures.appendingPathComponent("libreoffice-saved.odt"))
        let data: TemplateValue = [
            "holder_name": "李秀英", "certificate_number": "豫焦职证2026GC000137", "issuer": "焦作市职称改革领导小组办公室",
            "records": [["date": "2026年6月8日", "event": "颁发证书"], ["date": "2026年7月1日", "event": "聘任"]],
            "revoked": false, "verification_url": "https://zcps.jiaozuo.gov.cn/verify/1",
        ]
        let xml = try t.renderPart("content.xml", data: data)!
        #expect(xml.contains("证书持有人：李秀英<text:span text:style-name=\"T1\"></text:span>"))
        #expect(xml.contains("<text:span text:style-name=\"T1\">编号：豫焦职证2026GC000137</text:span>。"))
        #expect(xml.components(separatedBy: "颁发证书").count == 2 && xml.contains("聘任"))
        #expect(!xml.contains("本证书已撤销"))
        #expect(!xml.contains("{{"))
        let dir = Paths.tempDir("lo-fixture")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("out.odt")
        try t.write(data, to: f)
        let r = try validateODT(f, extended: true)
        #expect(r.status == 0, "\(r.output)")
        let names = try run([
            "python3", "-c", "import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).namelist())", f.path,
        ])
        #expect(!names.output.contains("Thumbnails/"))
        #expect(names.output.contains("Pictures/qr-1.png"))
        #expect(names.output.hasPrefix("['mimetype'"))
    }

    @Test func libraryRendersByNameInBothFormats() throws {
        let library = TemplateLibrary(directory: Paths.templates)
        #expect(Set(library.names).isSuperset(of: Shipped.names))
        let data = try Shipped.sample("acceptance-notice")
        let odt = try library.render("acceptance-notice", as: .odt, data: data)
        #expect(odt.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let html = String(decoding: try library.render("acceptance-notice", as: .html, data: data), as: UTF8.self)
        #expect(html.contains("职称评审申报受理通知书") && html.contains("李秀英"))
        #expect(DocumentFormat(fileExtension: "ODT") == .odt)
    }
}
