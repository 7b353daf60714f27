import Domain
@testable import Forms
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// Issue 14: the declaration as steps — the form's sections one page each, then 预览并承诺;
/// the fields of the chosen track and level only (the definition's `visible_when`, decided on
/// the server); each step's problems beside its fields; a receipt after the submission.
@Suite struct DeclarationStepsTests {
    let portal = ApplicantPortalTests()

    // MARK: the steps from the definition

    @Test func stepsFollowTheFormsSections() throws {
        let form = try FormSupport.engineering
        var data = try FormSupport.example.object ?? [:]
        data["track"] = nil
        let steps = form.steps(for: .object(data))
        let titles = steps.map(\.title)
        let sections = form.sections.map(\.title)
        // Every step is a section of the definition, in the definition's order (the section of
        // attachments only last); on the normal track 申报通道 asks only the youth relief's
        // evidence (能力业绩特别突出, read by adjustments.youth on any track).
        #expect(titles.allSatisfy(sections.contains))
        let normalChannel = try #require(steps.first { $0.title == "申报通道" })
        #expect(normalChannel.fieldIDs.sorted() == ["outstanding_evidence", "outstanding_results"])
        #expect(titles.first == sections.first)
        #expect(titles.last == "附件材料")
        let rest = titles.dropLast()
        #expect(Array(rest) == sections.filter { rest.contains($0) }, "\(titles) against \(sections)")
        #expect(steps.map(\.number) == Array(1...steps.count))
        // Each asked field in exactly one step, and the specialty leads the first.
        let asked = form.visibleFields(in: .object(data)).map(\.id)
        #expect(steps.flatMap(\.fieldIDs).sorted() == asked.sorted())
        #expect(steps.first?.fieldIDs.first == form.specialtyField)

        data["track"] = "exceptional"
        let exceptional = form.steps(for: .object(data))
        let channel = try #require(exceptional.first { $0.title == "申报通道" })
        #expect(channel.fieldIDs.contains("referees"))
        #expect(!channel.fieldIDs.contains("talent_category"), "the green channel's field")
        #expect(!channel.fieldIDs.contains("outstanding_results"), "asked on the normal and 举荐 tracks only")
        #expect(exceptional.count == steps.count)
    }

    @Test func aFormWithoutASectionSkipsIt() throws {
        func field(_ id: String, _ section: String, _ type: FieldType = .text(minLength: 1, maxLength: 20))
            -> FieldDefinition
        {
            var f = FieldDefinition(id: id, label: id, type: type, required: false, requiredWhen: nil)
            f.section = section
            return f
        }
        var form = try FormSupport.engineering
        form.specialtyField = nil
        form.fields = [
            field("photo", "附件材料", .attachment(mediaTypes: ["image/jpeg"], maxBytes: 1000, min: 0, max: 1, limitsWhen: [])),
            field("name", "基本信息"), field("report", "专业技术工作"), field("phone", "基本信息"),
        ]
        let steps = form.steps(for: ["level": "intermediate"])
        #expect(steps.map(\.title) == ["基本信息", "专业技术工作", "附件材料"])
        #expect(steps.first?.fieldIDs == ["name", "phone"])
        #expect(steps[0].holds(problemAt: "level") && !steps[1].holds(problemAt: "level"))
        #expect(steps[1].holds(problemAt: "report") && steps[2].holds(problemAt: "photo[0]"))
    }

    // MARK: the pages

    static func owner(of problem: Problem, in steps: [FormStep]) -> FormStep? {
        steps.first { $0.holds(problemAt: problem.path) }
    }

    /// What a browser posts from a step page, with `changes` typed over it.
    func pairs(_ html: String, _ changes: [(String, String)] = [], action: String) throws -> [(String, String)] {
        var pairs = try FormSupport.submittedPairs(html, action: action)
            .filter { $0.name != "_csrf" }.map { ($0.name, $0.value) }
        for (name, value) in changes {
            pairs.removeAll { $0.0 == name }
            pairs.append((name, value))
        }
        return pairs
    }

    @Test func otherTracksFieldsAreNeitherShownNorKept() async throws {
        let (configuration, store) = try portal.configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await portal.registerExamplePerson(&browser)
            // Nothing chosen for the applicant: series and level start at 请选择; the track at 常规申报.
            let new = try await browser.get("/apply/new")
            for name in ["form", "level"] {
                let select = try #require(
                    new.body.firstMatch(of: try Regex("<select id=\"\(name)\"[^>]*>([^§]*?)</select>")))
                let options = String(select.output[1].substring ?? "")
                #expect(options.hasPrefix("\n<option value=\"\">请选择</option>"), "\(name): \(options.prefix(80))")
                #expect(!options.contains("selected"), "\(name) has a choice made for the applicant")
            }
            #expect(new.body.contains("<option value=\"normal\" selected=\"selected\">常规申报</option>"))
            let id = try await portal.start(&browser)
            let first = try await browser.get("/apply/\(id)/form")
            #expect(first.status == .ok)
            #expect(try xmllintProblems(first.body) == "")
            // The normal track's steps: none shows another track's field, by name or label.
            let form = try FormSupport.engineering
            let steps = form.steps(for: ["level": "intermediate"])
            var seen: [String] = []
            for step in steps {
                let page = try await browser.get("/apply/\(id)/step/\(step.number)")
                #expect(page.status == .ok)
                let text = devolutionPageText(page.body)
                seen.append(text)
                for label in ["引进人才类别", "破格推荐专家", "举荐专家", "优秀青年人才举荐书"] {
                    #expect(!text.contains(label), "step \(step.number) shows \(label)")
                }
                for name in ["referees", "talent_category", "youth_referees"] {
                    #expect(!page.body.contains("name=\"\(name)"), "step \(step.number) has an input \(name)")
                }
            }
            #expect(seen.joined().contains("工作经历"))
            // 能力业绩特别突出 is asked on the normal track too: a young applicant's relief of the
            // years (adjustments.youth) applies on any track and reads it.
            #expect(seen.joined().contains("能力业绩特别突出"))
            // Posted anyway: ignored, not stored.
            let crafted = try pairs(
                first.body,
                [
                    ("talent_category", "overseas-high-level"), ("referees[0].name", "某专家"),
                    ("outstanding_results", "特别突出"), ("phone", "13903910000"),
                ], action: "save")
            let saved = try await browser.post("/apply/\(id)/step/1", crafted)
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/apply/\(id)/step/1?saved=1")
            let draft = try JSONValue.parse(try #require(try store.draft(applicationID: id, accountID: 1)).data)
            #expect(draft["phone"]?.string == "13903910000")
            #expect(draft["talent_category"] == nil && draft["referees"] == nil)
            // The whole-form post ignores them too.
            _ = try await browser.get("/apply/\(id)/form")
            let whole = try await browser.post(
                "/apply/\(id)/form", [("referees[0].name", "某专家"), ("phone", "13903910000"), ("_action", "save")])
            #expect(whole.status == .seeOther)
            let again = try JSONValue.parse(try #require(try store.draft(applicationID: id, accountID: 1)).data)
            #expect(again["referees"] == nil)

            // Choosing 破格 on the first step brings its step, with the referees.
            let page = try await browser.get("/apply/\(id)/step/1")
            let chosen = try await browser.post(
                "/apply/\(id)/step/1", try pairs(page.body, [("track", "exceptional"), ("level", "intermediate")], action: "save"))
            #expect(chosen.status == .seeOther)
            let withChannel = form.steps(for: ["level": "intermediate", "track": "exceptional"])
            let channel = try #require(withChannel.first { $0.title == "申报通道" })
            let channelPage = try await browser.get("/apply/\(id)/step/\(channel.number)")
            #expect(devolutionPageText(channelPage.body).contains("破格推荐专家"))
            #expect(!devolutionPageText(channelPage.body).contains("引进人才类别"))
        }
    }

    @Test func aStepShowsItsOwnProblemsBesideItsFields() async throws {
        let (configuration, store) = try portal.configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await portal.registerExamplePerson(&browser)
            let id = try await portal.start(&browser)
            let first = try await browser.get("/apply/\(id)/step/1")
            let text = devolutionPageText(first.body)
            // The indicator: every step in order, the current one marked, 预览并承诺 last.
            let steps = try FormSupport.engineering.steps(for: ["level": "intermediate"])
            #expect(first.body.contains("<a href=\"/apply/\(id)/step/1\" aria-current=\"step\">"))
            #expect(!first.body.contains("<a href=\"/apply/\(id)/step/2\" aria-current"))
            var at = text.startIndex
            for title in steps.map(\.title) + ["预览并承诺"] {
                let found = try #require(text.range(of: title, range: at..<text.endIndex), "\(title) in order")
                at = found.upperBound
            }
            #expect(text.contains("第1步（共\(steps.count + 1)步）：基本信息"))
            // No series or level chosen for the applicant on the first step: 请选择 first.
            #expect(first.body.contains("<option value=\"intermediate\" selected=\"selected\">中级</option>"))
            // 下一步 with a wrong phone: the step stays, the problem beside the phone only.
            let wrong = try await browser.post(
                "/apply/\(id)/step/1", try pairs(first.body, [("phone", "12345"), ("gender", "male")], action: "next"))
            #expect(wrong.status == .unprocessableContent)
            let shown = devolutionPageText(wrong.body)
            #expect(shown.contains("请修改以下"))
            #expect(shown.contains("联系电话"))
            #expect(wrong.body.contains(#/<div class="field has-problem">\s*<label for="f-phone">/#))
            #expect(wrong.body.contains("href=\"#f-phone\""))
            #expect(!shown.contains("最高学历"), "another step's problems are not shown on this one")
            #expect(!wrong.body.contains("id=\"other-step-problems\""))
            // The draft kept what was typed.
            let draft = try JSONValue.parse(try #require(try store.draft(applicationID: id, accountID: 1)).data)
            #expect(draft["phone"]?.string == "12345")
            #expect(draft["gender"]?.string == "male")
            // 上一步 and 下一步 save without script; 下一步 on a finished step goes on.
            let example = try FormSupport.example
            var fixes: [(String, String)] = []
            for id in steps[0].fieldIDs {
                if let s = example[id]?.string { fixes.append((id, s)) }
            }
            let fixed = try await browser.post("/apply/\(id)/step/1", try pairs(wrong.body, fixes, action: "next"))
            #expect(fixed.status == .seeOther)
            #expect(fixed.location == "/apply/\(id)/step/2")
            let second = try await browser.get("/apply/\(id)/step/2")
            #expect(devolutionPageText(second.body).contains("上一步"))
            let back = try await browser.post("/apply/\(id)/step/2", try pairs(second.body, action: "prev"))
            #expect(back.location == "/apply/\(id)/step/1")
            // A rule across steps (论文、代表作或项目之一) does not hold up 下一步 on the way.
            let papers = try #require(steps.first { $0.fieldIDs.contains("papers") })
            let papersPage = try await browser.get("/apply/\(id)/step/\(papers.number)")
            let onward = try await browser.post(
                "/apply/\(id)/step/\(papers.number)", try pairs(papersPage.body, action: "next"))
            #expect(onward.location == "/apply/\(id)/step/\(papers.number + 1)")

            // The last step's 预览并承诺 checks everything: its own problems (the photo) beside
            // its fields, the other steps' problems listed as links to them.
            let last = steps.count
            let lastPage = try await browser.get("/apply/\(id)/step/\(last)")
            #expect(devolutionPageText(lastPage.body).contains("预览并承诺"))
            let all = try await browser.post("/apply/\(id)/step/\(last)", try pairs(lastPage.body, action: "next"))
            #expect(all.status == .unprocessableContent)
            let whole = devolutionPageText(all.body)
            #expect(whole.contains("第\(last)步（共\(last + 1)步）：\(steps[last - 1].title)"))
            #expect(whole.contains("近期免冠照片"))
            #expect(whole.contains("其他步骤尚有问题"))
            let problems = try FormSupport.engineering.validate(
                JSONValue.parse(try #require(try store.draft(applicationID: id, accountID: 1)).data)
            ).problems
            let firstProblem = try #require(problems.first)
            let firstWithProblem = try #require(DeclarationStepsTests.owner(of: firstProblem, in: steps))
            #expect(firstWithProblem.number < last)
            #expect(all.body.contains("href=\"/apply/\(id)/step/\(firstWithProblem.number)?check=1\""))
            // Signing the pledge over an incomplete declaration: the step of the first problem.
            _ = try await browser.get("/apply/\(id)/pledge")
            let refused = try await browser.post("/apply/\(id)/submit", ["agree": "yes"])
            #expect(refused.status == .unprocessableContent)
            #expect(
                devolutionPageText(refused.body).contains(
                    "第\(firstWithProblem.number)步（共\(last + 1)步）：\(firstWithProblem.title)"))
            // A link to a step with problems shows them there.
            let checked = try await browser.get("/apply/\(id)/step/\(firstWithProblem.number)?check=1")
            #expect(devolutionPageText(checked.body).contains("请修改以下"))
        }
    }

    @Test func theReceiptSaysWhatWasSubmittedAndWhatComesNext() async throws {
        let (configuration, _) = try portal.configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await portal.registerExamplePerson(&browser)
            let id = try await portal.start(&browser)
            _ = try await browser.get("/apply/\(id)/form")
            let filled = try await portal.postMultipart(
                &browser, "/apply/\(id)/form",
                try portal.multipart([:], action: "save", csrf: try #require(browser.csrf), photo: true))
            #expect(filled.status == .seeOther)
            // From the last step, 预览并承诺 opens the preview and the pledge.
            let steps = try FormSupport.engineering.steps(for: FormSupport.example)
            let last = try await browser.get("/apply/\(id)/step/\(steps.count)")
            let onward = try await browser.post("/apply/\(id)/step/\(steps.count)", try pairs(last.body, action: "next"))
            #expect(onward.status == .seeOther)
            #expect(onward.location == "/apply/\(id)/pledge")
            let pledge = try await browser.get("/apply/\(id)/pledge")
            #expect(pledge.body.contains("<a href=\"/apply/\(id)/pledge\" aria-current=\"step\">"))
            let preview = devolutionPageText(pledge.body)
            #expect(preview.contains("申报表预览") && preview.contains("张三") && preview.contains("证件照.jpg"))
            let submitted = try await browser.post("/apply/\(id)/submit", ["agree": "yes"])
            #expect(submitted.location == "/apply/\(id)?submitted=1")
            let page = try await browser.get("/apply/\(id)?submitted=1")
            #expect(try xmllintProblems(page.body) == "")
            let text = devolutionPageText(page.body)
            #expect(text.contains("申报已提交"))
            #expect(text.contains("申报编号："))
            #expect(text.contains(id))
            #expect(text.contains("提交时间（北京时间）："))
            #expect(text.contains("下一步：单位审核"))
            #expect(text.contains("查看办理进度"))
            #expect(text.contains("查看申报表"))
            let link = try #require(page.body.firstMatch(of: #/href="(/documents/[0-9]+\.html)" id="receipt-declaration"/#))
            let document = try await browser.get(String(link.output.1))
            #expect(document.status == .ok)
            #expect(document.body.contains("张三"))
            // Shown once: the application's page without the flag has no receipt.
            #expect(!devolutionPageText(try await browser.get("/apply/\(id)").body).contains("申报已提交"))
        }
    }
}
