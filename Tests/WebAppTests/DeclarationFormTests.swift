import Documents
import Domain
import Forms
import Foundation
import Testing

@testable import WebApp

@Suite("Declaration form")
struct DeclarationFormTests {
    let form: FormDefinition
    let example: JSONValue

    init() throws {
        form = try FormSupport.engineering
        example = try FormSupport.example
    }

    @Test func everyFieldIsRenderedWithLabelTypeAndRequiredMark() throws {
        let html = try FormSupport.page(example)
        #expect(try xmllintProblems(html) == "")
        #expect(!html.contains("<script"))
        #expect(!html.contains("style="))
        #expect(html.contains("<input type=\"hidden\" name=\"_csrf\" value=\"token-1\" />"))
        #expect(html.contains("enctype=\"multipart/form-data\""))
        #expect(html.contains("action=\"/apply/engineering?_csrf=token-1\""))
        let asked = example.object ?? [:]
        for field in form.fields where form.isVisible(field, in: asked) {
            #expect(html.contains("id=\"f-\(field.id)\""), "field \(field.id)")
            #expect(html.contains(">\(field.label)"), "label of \(field.id)")
        }
        // Fields asked only on other tracks are not shown (FormTrackFieldsTests).
        for field in form.fields where !form.isVisible(field, in: asked) {
            #expect(!html.contains("id=\"f-\(field.id)\""), "field \(field.id) of another track")
        }
        #expect(html.contains("id=\"f-level\""))
        #expect(html.contains("<option value=\"intermediate\" selected=\"selected\">中级</option>"))
        // Input kinds.
        #expect(fieldMarkup(html, id: "f-birth_date")?.contains("type=\"date\" value=\"1988-05-12\"") == true)
        #expect(fieldMarkup(html, id: "f-phone")?.contains("type=\"tel\"") == true)
        #expect(fieldMarkup(html, id: "f-email")?.contains("type=\"email\"") == true)
        #expect(fieldMarkup(html, id: "f-id_number")?.contains("maxlength=\"18\"") == true)
        #expect(fieldMarkup(html, id: "f-projects-0-funding")?.contains("type=\"number\"") == true)
        #expect(fieldMarkup(html, id: "f-projects-0-funding")?.contains("value=\"80\" min=\"0\" max=\"1000000\" step=\"any\"") == true)
        #expect(html.contains("<textarea id=\"f-technical_report\""))
        #expect(html.contains("<select id=\"f-specialty\" name=\"specialty\" required=\"required\""))
        #expect(html.contains("<input id=\"f-grassroots_project\" name=\"grassroots_project\" type=\"checkbox\""))
        // Required mark: 姓名 is required, 电子邮箱 is not.
        #expect(html.contains("<label for=\"f-name\">姓名<span class=\"required\""))
        #expect(html.contains("<label for=\"f-email\">电子邮箱</label>"))
        // Groups: rows with their index, markers, add button; attachments with files and accept=.
        #expect(html.contains("<input type=\"hidden\" name=\"education[0]\" value=\"\" />"))
        #expect(html.contains("name=\"education[0].school\""))
        #expect(html.contains("value=\"add:papers\""))
        #expect(html.contains("<span class=\"file-name\">photo.jpg</span>"))
        #expect(html.contains("value=\"remove-file:photo:0\""))
        #expect(html.contains("accept=\"application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png\""))
        // 照片 allows one file: it has one, so no file input is offered.
        #expect(!html.contains("id=\"f-photo-upload\""))
        #expect(html.contains("id=\"f-other_materials-upload\" name=\"other_materials\" type=\"file\""))
        // The one work_history row is the minimum: no 删除; education (max 8) may add.
        #expect(!html.contains("value=\"remove:work_history:0\""))
    }

    @Test func hostileValuesAreEscaped() throws {
        var data = example.object!
        data["name"] = "<script>alert(\"x\")</script>"
        data["unit_name"] = "\" onfocus=\"alert(1)' &amp;"
        data["technical_report"] = "</textarea><script>evil()</script>\u{1}\u{FFFF}"
        data["specialty"] = "<b>bad</b>"
        data["photo"] = [["name": "<img src=x>.jpg", "media_type": "image/jpeg", "size": 10, "sha256": "ab"]]
        let problems = [Problem(path: "name", rule: "x", message: "<i>message</i>")]
        let html = try FormSupport.page(.object(data), problems: problems, csrf: "\"><script>")
        #expect(html.contains("action=\"/apply/engineering?_csrf=%22%3E%3Cscript%3E\""))
        #expect(try xmllintProblems(html) == "")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>bad"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<i>message"))
        #expect(html.contains("value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\""))
        #expect(html.contains("value=\"&quot; onfocus=&quot;alert(1)&#39; &amp;amp;\""))
        #expect(html.contains("(无效选项)&lt;b&gt;bad&lt;/b&gt;"))
        // The values come back unchanged (control characters dropped).
        let back = FormSubmission(form: form, pairs: try FormSupport.submittedPairs(html), stored: .object(data))
        #expect(back.data["name"] == "<script>alert(\"x\")</script>")
        #expect(back.data["unit_name"] == "\" onfocus=\"alert(1)' &amp;")
        #expect(back.data["technical_report"] == "</textarea><script>evil()</script>")
        #expect(back.csrfToken == "\"><script>")
    }

    @Test func theExampleRoundTripsThroughThePage() throws {
        #expect(form.validate(example).isValid)
        let html = try FormSupport.page(example)
        let pairs = try FormSupport.submittedPairs(html, action: "submit")
        // Through the wire format and the parser.
        let body = Array(URLEncodedForm.encode(pairs).utf8)
        let parsed = try URLEncodedForm.parse(body)
        #expect(parsed == pairs)
        let submission = FormSubmission(form: form, pairs: parsed, stored: example)
        #expect(submission.action == .submit)
        #expect(submission.csrfToken == "token-1")
        #expect(submission.problems(includingValidation: true) == [])
        #expect(submission.data == example)
    }

    @Test func attachmentsComeFromTheStoredDraftNeverFromTheClient() throws {
        let html = try FormSupport.page(example)
        var pairs = try FormSupport.submittedPairs(html)
        pairs.append(FormPair("photo", "{\"name\":\"x\",\"sha256\":\"00\"}"))
        pairs.append(FormPair("other_materials", "evil"))
        let s = FormSubmission(form: form, pairs: pairs, stored: example)
        #expect(s.data["photo"] == example["photo"])
        #expect(s.data["other_materials"] == nil)
        // Without a stored draft there is no photo at all.
        #expect(FormSubmission(form: form, pairs: pairs).data["photo"] == nil)
    }

    @Test func problemsAppearNextToTheirFieldsAndInTheSummary() throws {
        var data = example.object!
        data["name"] = nil
        data["phone"] = "12345"
        data["papers"] = [["journal": "机械工程学报", "published_on": "2021-03-01", "author_rank": 1]]
        let problems = form.validate(.object(data)).problems
        #expect(problems.map(\.path).contains("papers[0].title"))
        let html = try FormSupport.page(.object(data), problems: problems)
        #expect(try xmllintProblems(html) == "")
        #expect(html.contains("请修改以下 \(problems.count) 处问题后再提交"))
        for p in problems {
            let id = FormView.inputID(for: p.path)
            let message = ChineseText.fullWidth(p.message)  // shown with full-width punctuation
            #expect(html.contains("<a href=\"#\(id)\">\(message)</a>"), "summary link for \(p.path)")
            let markup = try #require(fieldMarkup(html, id: id), "field \(p.path)")
            #expect(markup.contains("aria-describedby=\"\(id)-problems\""))
            #expect(markup.contains("<ul class=\"field-problems\" id=\"\(id)-problems\">\n<li>\(message)</li>"))
        }
        #expect(html.contains("<div class=\"field has-problem\">\n<label for=\"f-papers-0-title\">题目"))
        // A problem under an attachment object goes to the attachment field.
        let nested = [Problem(path: "photo[0].media_type", rule: "attachment.media-type", message: "类型不对")]
        let page = try FormSupport.page(example, problems: nested)
        #expect(page.contains("<a href=\"#f-photo\">类型不对</a>"))
        #expect(fieldMarkup(page, id: "f-photo")?.contains("<li>类型不对</li>") == true)
        // One the page cannot place stays in the summary, without a link.
        let loose = try FormSupport.page(example, problems: [Problem(path: "extra", rule: "field.unknown", message: "多余")])
        #expect(loose.contains("<li>多余</li>"))
    }

    @Test func rowsAreAddedAndRemovedWithoutJavaScript() throws {
        // 添加一行 to papers: the page comes back with an empty row and everything else kept.
        var html = try FormSupport.page(example)
        var s = FormSubmission(form: form, pairs: try FormSupport.submittedPairs(html, action: "add:papers"), stored: example)
        #expect(s.action == .addRow(group: "papers"))
        #expect(s.data["papers"] == [[:]])
        #expect(s.data["name"] == "张三")
        #expect(s.anchor == "f-papers-0")
        html = try FormSupport.page(s.data)
        #expect(html.contains("name=\"papers[0].title\""))
        #expect(html.contains("value=\"remove:papers:0\""))

        // Fill the row in (as a browser would) and add a second one.
        var pairs = try FormSupport.submittedPairs(html, action: "add:papers").map { pair -> FormPair in
            switch pair.name {
            case "papers[0].title": FormPair(pair.name, "第一篇")
            case "papers[0].author_rank": FormPair(pair.name, "2")
            default: pair
            }
        }
        var stored = s.data
        s = FormSubmission(form: form, pairs: pairs, stored: stored)
        #expect(s.data.at("papers[0].title") == "第一篇")
        #expect(s.data.at("papers[0].author_rank") == 2)
        #expect(s.data["papers"]?.array?.count == 2)

        // Remove the first: the second moves up, the other values stay.
        html = try FormSupport.page(s.data)
        pairs = try FormSupport.submittedPairs(html, action: "remove:papers:0").map {
            $0.name == "papers[1].title" ? FormPair($0.name, "第二篇") : $0
        }
        stored = s.data
        s = FormSubmission(form: form, pairs: pairs, stored: stored)
        #expect(s.data["papers"] == [["title": "第二篇"]])
        #expect(s.anchor == "f-papers")
        #expect(s.data["projects"] == example["projects"])

        // Removing the last row leaves no papers at all.
        html = try FormSupport.page(s.data)
        s = FormSubmission(form: form, pairs: try FormSupport.submittedPairs(html, action: "remove:papers:0"), stored: s.data)
        #expect(s.data["papers"] == nil)
        #expect(s.data == example)
    }

    @Test func rowLimitsAreRespected() throws {
        // 代表作: at most 3 at the intermediate level.
        var data = example
        for n in 1...4 {
            let html = try FormSupport.page(data)
            let s = FormSubmission(
                form: form, pairs: try FormSupport.submittedPairs(html, action: "add:representative_works"), stored: data)
            data = s.data
            #expect(data["representative_works"]?.array?.count == min(n, 3))
            if n == 4 {
                #expect(s.inputProblems.map(\.rule) == ["group.count"])
                #expect(!html.contains("value=\"add:representative_works\""))
            }
        }
        // work_history has min 1: its only row cannot be removed, and a page for data without
        // any row still offers one to fill in.
        let html = try FormSupport.page(example)
        let s = FormSubmission(
            form: form, pairs: try FormSupport.submittedPairs(html, action: "remove:work_history:0"), stored: example)
        #expect(s.data["work_history"] == example["work_history"])
        var empty = example.object!
        empty["work_history"] = nil
        #expect(try FormSupport.page(.object(empty)).contains("name=\"work_history[0].start_date\""))
    }

    @Test func unreadableNumbersComeBackWithAChineseProblem() throws {
        let html = try FormSupport.page(example)
        let pairs = try FormSupport.submittedPairs(html, action: "submit").map {
            $0.name == "projects[0].funding" ? FormPair($0.name, "abc") : $0
        }
        let s = FormSubmission(form: form, pairs: pairs, stored: example)
        #expect(s.data.at("projects[0].funding") == "abc")
        let problems = s.problems(includingValidation: true)
        #expect(problems.count == 1)
        #expect(problems.first?.path == "projects[0].funding")
        #expect(problems.first?.rule == "input.number")
        #expect(problems.first?.message.contains("经费(万元)") == true)
        #expect(s.anchor == "f-projects-0-funding")
        let page = try FormSupport.page(s.data, problems: problems)
        let markup = try #require(fieldMarkup(page, id: "f-projects-0-funding"))
        #expect(markup.contains("type=\"text\" value=\"abc\""))
        #expect(markup.contains("不是有效的数字"))
        // A date that is not YYYY-MM-DD stays visible too, with the validator's problem.
        var data = example.object!
        data["birth_date"] = "1988/5/12"
        let dated = try FormSupport.page(.object(data), problems: form.validate(.object(data)).problems)
        let date = try #require(fieldMarkup(dated, id: "f-birth_date"))
        #expect(date.contains("type=\"text\" value=\"1988/5/12\""))
        #expect(date.contains("YYYY-MM-DD"))
    }

    @Test func valuesAreNormalised() throws {
        let pairs = [
            FormPair("name", "  张三 \r\n"), FormPair("projects[0]", ""), FormPair("projects[0].funding", "１，２００．５"),
            FormPair("projects[0].name", ""), FormPair("technical_report", "第一段\r\n第二段\u{7}"),
            FormPair("id_number", "41080219880512123x"), FormPair("education[0]", ""),
            FormPair("education[0].county_graduate", "true"), FormPair("grassroots_project", "true"),
            FormPair("unknown", "ignored"), FormPair("papers[9999].title", "ignored"),
        ]
        let s = FormSubmission(form: form, pairs: pairs)
        #expect(s.data["name"] == "张三")
        #expect(s.data["technical_report"] == "第一段\n第二段")
        #expect(s.data["id_number"] == "41080219880512123X")
        #expect(s.data["projects"] == [["funding": 1200.5]])
        #expect(s.data["education"] == [["county_graduate": true]])
        #expect(s.data["grassroots_project"] == true)
        #expect(s.data["unknown"] == nil)
        #expect(s.data["papers"] == nil)
        #expect(s.action == .save)
        #expect(s.inputProblems == [])
    }

    @Test(arguments: try FormSupport.library.formIDs)
    func everyShippedFormRenders(_ id: String) throws {
        let form = try FormSupport.library.form(id)
        for level in form.levels {
            let data: JSONValue = ["level": .string(level.rawValue)]
            let problems = form.validate(data).problems
            let html = try FormSupport.page(data, problems: problems, form: form)
            #expect(try xmllintProblems(html) == "", "\(id) \(level)")
            for field in form.fields where form.isVisible(field, in: data.object ?? [:]) {
                #expect(html.contains("id=\"f-\(field.id)\""), "\(id): \(field.id)")
            }
            // Ids are unique, and every problem has a place or a summary line.
            let ids = html.matches(of: #/ id="([^"]+)"/#).map { String($0.output.1) }
            #expect(Set(ids).count == ids.count, "duplicate ids in \(id)")
            #expect(html.contains("请修改以下 \(problems.count) 处问题"))
            // An empty draft posts back without input problems.
            let s = FormSubmission(form: form, pairs: try FormSupport.submittedPairs(html), stored: data)
            #expect(s.inputProblems == [])
            #expect(s.data["level"] == data["level"])
        }
    }

    @Test func actionsAreRead() throws {
        #expect(FormSubmission.Action("submit") == .submit)
        #expect(FormSubmission.Action(nil) == .save)
        #expect(FormSubmission.Action("add:papers") == .addRow(group: "papers"))
        #expect(FormSubmission.Action("remove:papers:2") == .removeRow(group: "papers", index: 2))
        #expect(
            FormSubmission.Action("remove-file:representative_works[1].file:0")
                == .removeFile(field: "representative_works[1].file", index: 0))
        #expect(FormSubmission.Action("remove:papers:x") == .save)
        #expect(FormSubmission.Action("remove:papers:-1") == .save)
        #expect(FormSubmission.Action("drop table") == .save)
    }

    @Test func filesAreRemovedAndUploadsAttached() throws {
        let html = try FormSupport.page(example)
        var s = FormSubmission(form: form, pairs: try FormSupport.submittedPairs(html, action: "remove-file:photo:0"), stored: example)
        #expect(s.data["photo"] == nil)
        let pdf: JSONValue = ["name": "a.pdf", "media_type": "application/pdf", "size": 10, "sha256": .string(String(repeating: "a", count: 64))]
        var added = example.object!
        added["representative_works"] = [["title": "代表作"]]
        let page = try FormSupport.page(.object(added))
        #expect(page.contains("name=\"representative_works[0].file\" type=\"file\" accept=\"application/pdf,.pdf\""))
        s = FormSubmission(
            form: form, pairs: try FormSupport.submittedPairs(page), stored: .object(added),
            uploads: [(path: "representative_works[0].file", attachment: pdf), (path: "other_materials", attachment: pdf)])
        #expect(s.data.at("representative_works[0].file") == [pdf])
        #expect(s.data["other_materials"] == [pdf])
        #expect(s.data["photo"] == example["photo"])
    }

    @Test func pathsAndIDs() throws {
        #expect(FormView.inputID(for: "papers[0].title") == "f-papers-0-title")
        #expect(FormPath.steps("papers[10].title") == [.key("papers"), .index(10), .key("title")])
        #expect(FormPath.steps("a[1][2]") == [.key("a"), .index(1), .index(2)])
        for bad in ["", "[0]", "a[", "a[x]", "a..b", "a]", "a[1]b", "a[00000]", ".a"] {
            #expect(FormPath.steps(bad) == nil, "\(bad)")
        }
        #expect(FormPath.prefixes("papers[1].title") == ["papers[1].title", "papers[1]", "papers"])
        #expect(form.fieldDefinition(at: "representative_works[3].file")?.label == "代表作文件")
        #expect(form.fieldDefinition(at: "representative_works.file") == nil)
        #expect(form.fieldDefinition(at: "name[0]") == nil)
    }
}
