import Domain
import Forms
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing
import Workflow

@testable import WebApp

/// The applicant's portal, as a person uses it: register, start a declaration, fill the form
/// with a mistake, fix it, upload the photo, sign the pledge, submit, follow the application.
@Suite struct ApplicantPortalTests {
    static let password = "Zhicheng2026pw"

    func configuration() throws -> (WebConfiguration, EventStore) {
        let store = try EventStore(inMemory: ())
        var configuration = try WebFixture.get().configuration(store: store)
        configuration.dataDirectory = try WebFixture.temporaryDataDirectory()
        return (configuration, store)
    }

    /// Registers the example declaration's person (张三, 41080219880512123X).
    func registerExamplePerson(_ browser: inout TestBrowser, username: String = "zhangsan") async throws {
        _ = try await browser.get("/register")
        let answer = try await browser.post(
            "/register",
            [
                "username": username, "display_name": "张三",
                "id_number": try FormSupport.example["id_number"]!.string!, "password": Self.password,
                "password_confirm": Self.password,
            ])
        #expect(answer.status == .seeOther)
    }

    func start(_ browser: inout TestBrowser) async throws -> String {
        _ = try await browser.get("/apply/new")
        let created = try await browser.post(
            "/apply/new", ["form": "engineering", "level": "intermediate", "track": "normal"])
        #expect(created.status == .seeOther)
        let location = try #require(created.location)
        #expect(location.hasPrefix("/apply/W2026-"))
        #expect(location.hasSuffix("/form"))
        return String(location.dropFirst("/apply/".count).dropLast("/form".count))
    }

    /// The example's inputs with `changes` applied, as multipart with a JPEG photo.
    func multipart(
        _ changes: [String: String], action: String, csrf: String, photo: Bool
    ) throws -> (body: ByteBuffer, type: String) {
        var pairs = try FormSupport.submittedPairs(FormSupport.page(try FormSupport.example), action: action)
            .filter { $0.name != "_csrf" && $0.name != "_action" }
        for (name, value) in changes {
            pairs.removeAll { $0.name == name }
            pairs.append(FormPair(name, value))
        }
        pairs.append(FormPair("_action", action))
        pairs.append(FormPair("_csrf", csrf))
        let boundary = "----pingshen-test-boundary"
        var bytes: [UInt8] = []
        func line(_ s: String) { bytes += Array((s + "\r\n").utf8) }
        for pair in pairs {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(pair.name)\"")
            line("")
            line(pair.value)
        }
        if photo {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"photo\"; filename=\"证件照.jpg\"")
            line("Content-Type: image/jpeg")
            line("")
            bytes += [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 2048) + [0xFF, 0xD9]
            line("")
        }
        line("--\(boundary)--")
        return (ByteBuffer(bytes: bytes), "multipart/form-data; boundary=\(boundary)")
    }

    func postMultipart(
        _ browser: inout TestBrowser, _ uri: String, _ payload: (body: ByteBuffer, type: String)
    ) async throws -> TestBrowser.Page {
        var headers = browser.cookieHeader()
        headers[.contentType] = payload.type
        // The token of a multipart form travels in the query string (as `FormView` writes the action).
        let target = uri + (uri.contains("?") ? "&" : "?") + "_csrf=" + encoded(browser.csrf ?? "")
        let page = try await browser.client.execute(uri: target, method: .post, headers: headers, body: payload.body) {
            TestBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
        browser.absorb(page)
        return page
    }

    @Test func anApplicantFillsSignsAndSubmitsTheEngineeringForm() async throws {
        let (configuration, store) = try configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await registerExamplePerson(&browser)
            let home = try await browser.get("/apply")
            #expect(home.body.contains("您还没有申报"))
            let id = try await start(&browser)
            let blank = try await browser.get("/apply/\(id)/form")
            #expect(blank.status == .ok)
            #expect(blank.body.contains("张三"))
            #expect(try xmllintProblems(blank.body) == "")

            // A mistake: the phone number. Every problem shows, the draft (with the photo) is kept.
            let wrong = try await postMultipart(
                &browser, "/apply/\(id)/form",
                try multipart(["phone": "12345"], action: "submit", csrf: try #require(browser.csrf), photo: true))
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("f-phone"))
            #expect(wrong.body.contains("证件照.jpg"))
            let saved = try #require(try store.draft(applicationID: id, accountID: 1))
            #expect(saved.data.contains("12345"))
            #expect(saved.data.contains("image/jpeg"))

            // Fixed: on to the pledge (the photo comes from the saved draft, not the client).
            let fixed = try await postMultipart(
                &browser, "/apply/\(id)/form",
                try multipart(["phone": "13903910000"], action: "submit", csrf: try #require(browser.csrf), photo: false))
            #expect(fixed.status == .seeOther)
            #expect(fixed.location == "/apply/\(id)/pledge")

            let pledge = try await browser.get("/apply/\(id)/pledge")
            #expect(pledge.body.contains("告知承诺书"))
            #expect(try xmllintProblems(pledge.body) == "")
            // The whole declaration is shown once more before signing: the corrected phone, the
            // name, and the photo from the draft (linked to the applicant's own file).
            let preview = try #require(pledge.body.range(of: "id=\"preview\"")).lowerBound
            let pledgeText = try #require(pledge.body.range(of: "id=\"pledge-text\"")).lowerBound
            let previewPart = String(pledge.body[preview..<pledgeText])
            #expect(previewPart.contains("申报表预览") && previewPart.contains("13903910000") && previewPart.contains("张三"))
            #expect(previewPart.contains("src=\"/apply/\(id)/files/"))
            let unsigned = try await browser.post("/apply/\(id)/submit", [:])
            #expect(unsigned.status == .unprocessableContent)
            #expect(unsigned.body.contains("请阅读告知承诺书"))
            #expect(try store.load(ApplicationMachine.self, id: id) == nil)

            let submitted = try await browser.post("/apply/\(id)/submit", ["agree": "yes"])
            #expect(submitted.status == .seeOther)
            #expect(submitted.location == "/apply/\(id)?submitted=1")
            // The receipt: the number, the time in Beijing time and the next step, once.
            let receipt = try await browser.get("/apply/\(id)?submitted=1")
            #expect(receipt.body.contains("id=\"receipt\""))
            #expect(receipt.body.contains("申报编号：<strong>\(id)</strong>"))
            #expect(receipt.body.contains("提交时间（北京时间）"))
            #expect(receipt.body.contains("下一步：单位审核——您的工作单位核对申报材料后进行单位内部公示"))
            #expect(try xmllintProblems(receipt.body) == "")
            #expect(!(try await browser.get("/apply/\(id)")).body.contains("id=\"receipt\""))
            let state = try #require(try store.load(ApplicationMachine.self, id: id)?.state)
            #expect(state.stage == .unitReview)
            #expect(state.pledge != nil)

            let page = try await browser.get("/apply/\(id)")
            #expect(page.body.contains(ApplicationStage.unitReview.chinese))
            #expect(page.body.contains("签署告知承诺书并提交申报"))
            #expect(page.body.contains("撤回申报"))
            // The documents the submission issued: the pledge and the declaration form, downloadable.
            #expect(page.body.contains(DocumentKind.pledge.chinese))
            let link = try #require(
                page.body.range(of: #"/documents/\d+\.odt"#, options: .regularExpression).map { String(page.body[$0]) })
            let odt = try await browser.get(link)
            #expect(odt.status == .ok)
            #expect(odt.headers[.contentType] == "application/vnd.oasis.opendocument.text")
            #expect(try xmllintProblems(page.body) == "")
            // Submitted: the form is locked.
            #expect(try await browser.get("/apply/\(id)/form").status == .conflict)
            // Withdrawal needs a reason; with one, the application is withdrawn in one step.
            _ = try await browser.get("/apply/\(id)")
            let noReason = try await browser.post("/apply/\(id)/withdraw", ["reason": "  "])
            #expect(noReason.status == .badRequest)
            #expect(noReason.body.contains("请填写撤回原因"))
            // The first post asks for confirmation (the reason carried as a hidden field); 确认 withdraws.
            let asked = try await browser.post("/apply/\(id)/withdraw", ["reason": "本年度暂不申报"])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("确认撤回申报"))
            #expect(asked.body.contains("name=\"reason\" value=\"本年度暂不申报\""))
            #expect(asked.body.contains("href=\"/apply/\(id)\">返回</a>"))
            #expect(try xmllintProblems(asked.body) == "")
            #expect(try store.load(ApplicationMachine.self, id: id)?.state.stage != .withdrawn)
            let withdrawn = try await browser.post(
                "/apply/\(id)/withdraw", ["reason": "本年度暂不申报", "confirm": "yes"])
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.body.contains("申报已撤回"))
            #expect(try store.load(ApplicationMachine.self, id: id)?.state.stage == .withdrawn)
            // Withdrawn twice: the machine refuses; the page says why, signed in as who.
            let again = try await browser.post("/apply/\(id)/withdraw", ["reason": "再次撤回", "confirm": "yes"])
            #expect(again.status == .conflict)
            #expect(again.body.contains("本次操作未保存"))
            #expect(again.body.contains("退出登录"))
        }
    }

    @Test func savingADraftRedirectsToTheSavedForm() async throws {
        let (configuration, store) = try configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await registerExamplePerson(&browser)
            let id = try await start(&browser)
            _ = try await browser.get("/apply/\(id)/form")
            let saved = try await postMultipart(
                &browser, "/apply/\(id)/form",
                try multipart(["specialty": "computing"], action: "save", csrf: try #require(browser.csrf), photo: false))
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/apply/\(id)/form?saved=1")
            let page = try await browser.get(try #require(saved.location))
            #expect(page.body.contains("草稿已保存"))
            #expect(try store.draft(applicationID: id, accountID: 1)?.data.contains("智能产线改造") == true)
            // Adding a row is saved too and comes back at the new row.
            let added = try await postMultipart(
                &browser, "/apply/\(id)/form",
                try multipart([:], action: "add:projects", csrf: try #require(browser.csrf), photo: false))
            #expect(added.status == .seeOther)
            #expect(added.location?.hasPrefix("/apply/\(id)/form#") == true)
        }
    }

    @Test func anotherApplicantsApplicationIsNotFound() async throws {
        let (configuration, _) = try configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var owner = TestBrowser(client)
            try await registerExamplePerson(&owner)
            let id = try await start(&owner)
            var other = TestBrowser(client)
            _ = try await other.get("/register")
            _ = try await other.post(
                "/register",
                [
                    "username": "lisi", "display_name": "李四", "id_number": "110105194912310038",
                    "password": Self.password, "password_confirm": Self.password,
                ])
            for path in ["/apply/\(id)", "/apply/\(id)/form", "/apply/\(id)/pledge"] {
                #expect(try await other.get(path).status == .notFound, "\(path)")
            }
            _ = try await other.get("/apply")
            #expect(try await other.post("/apply/\(id)/withdraw", ["reason": "x"]).status == .notFound)
            #expect(try await owner.get("/apply/\(id)").status == .ok)
        }
    }

    @Test func aLevelTheFormDoesNotOfferIsRefusedByName() async throws {
        let (configuration, store) = try configuration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await registerExamplePerson(&browser)
            _ = try await browser.get("/apply/new")
            let refused = try await browser.post(
                "/apply/new", ["form": "rural-practical-talent", "level": "full-senior", "track": "normal"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("可申报的级别"))
            #expect(try store.drafts(accountID: 1).isEmpty)
        }
    }
}
