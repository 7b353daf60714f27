import Domain
import Forms
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import WebApp

/// What one applicant's uploads may cost (issue 13, items 1 and 6): a field's file count is
/// checked as files arrive (not only at submission), an account has a quota, bodies are
/// streamed to disk within per-request and in-flight limits, and nothing is left behind in
/// `uploads/.incoming`.
@Suite struct UploadLimitTests {
    static let portal = ApplicantPortalTests()

    func configuration(_ adjust: (inout UploadLimits) -> Void = { _ in }) throws -> (WebConfiguration, EventStore) {
        var (configuration, store) = try Self.portal.configuration()
        adjust(&configuration.uploadLimits)
        return (configuration, store)
    }

    /// A distinct small PDF.
    static func pdf(_ n: Int) -> [UInt8] { Array("%PDF-1.4\n% file \(n)\n%%EOF\n".utf8) }

    /// A multipart body saving the draft with `files` for `field`.
    static func upload(_ files: [[UInt8]], field: String = "other_materials", ext: String = "pdf") -> (
        body: ByteBuffer, type: String
    ) {
        let boundary = "----pingshen-limit-test"
        var bytes: [UInt8] = []
        func line(_ s: String) { bytes += Array((s + "\r\n").utf8) }
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"_action\"")
        line("")
        line("save")
        for (i, file) in files.enumerated() {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(field)\"; filename=\"材料\(i).\(ext)\"")
            line("Content-Type: application/pdf")
            line("")
            bytes += file
            line("")
        }
        line("--\(boundary)--")
        return (ByteBuffer(bytes: bytes), "multipart/form-data; boundary=\(boundary)")
    }

    func attachments(_ store: EventStore, _ id: String, field: String = "other_materials") throws -> Int {
        let draft = try #require(try store.draft(applicationID: id, accountID: 1))
        return try JSONValue.parse(draft.data)[field]?.array?.count ?? 0
    }

    @Test func aFieldsFileCountIsCheckedAtUpload() async throws {
        let (configuration, store) = try configuration()
        let dataDirectory = try #require(configuration.dataDirectory)
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await Self.portal.registerExamplePerson(&browser)
            let id = try await Self.portal.start(&browser)
            _ = try await browser.get("/apply/\(id)/form")
            // 其他证明材料 takes at most 10 files: ten posts of one file each go in …
            for n in 0..<10 {
                let page = try await Self.portal.postMultipart(&browser, "/apply/\(id)/form", Self.upload([Self.pdf(n)]))
                #expect(page.status == .seeOther, "file \(n)")
            }
            #expect(try attachments(store, id) == 10)
            // … the eleventh is refused as it arrives, named on its field, the draft unchanged.
            let eleventh = try await Self.portal.postMultipart(&browser, "/apply/\(id)/form", Self.upload([Self.pdf(10)]))
            #expect(eleventh.status == .unprocessableContent)
            #expect(eleventh.body.contains("最多上传10个文件，已有10个"))
            #expect(try attachments(store, id) == 10)
            // Several in one post: only those that fit.
            let photo = try await Self.portal.postMultipart(
                &browser, "/apply/\(id)/form",
                Self.upload([[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], [0xFF, 0xD8, 0xFF, 0xE0, 4, 5, 6]], field: "photo", ext: "jpg"))
            #expect(photo.status == .unprocessableContent)
            #expect(try attachments(store, id, field: "photo") == 1)
        }
        let incoming = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads/.incoming").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).isEmpty)
    }

    @Test func anAccountHasAnUploadQuota() async throws {
        let (configuration, store) = try configuration { $0.accountQuota = UploadUsage(files: 3, bytes: 1 << 20) }
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await Self.portal.registerExamplePerson(&browser)
            let id = try await Self.portal.start(&browser)
            _ = try await browser.get("/apply/\(id)/form")
            let four = try await Self.portal.postMultipart(
                &browser, "/apply/\(id)/form", Self.upload((0..<4).map(Self.pdf)))
            #expect(four.status == .unprocessableContent)
            #expect(four.body.contains("您的账户上传的文件已达上限"))
            #expect(try attachments(store, id) == 3)
            #expect(try store.uploadUsage(accountID: 1) == UploadUsage(files: 3, bytes: (0..<3).map { Self.pdf($0).count }.reduce(0, +)))
            // Content uploaded before costs nothing again.
            let again = try await Self.portal.postMultipart(&browser, "/apply/\(id)/form", Self.upload([Self.pdf(0)]))
            #expect(again.status == .seeOther)
            #expect(try attachments(store, id) == 4)
        }
    }

    @Test func aBodyIsRefusedUnreadBeyondTheRequestAndInFlightLimits() async throws {
        let (configuration, store) = try configuration {
            $0.requestBytes = 4000
            $0.accountInFlightBytes = 2000
        }
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            try await Self.portal.registerExamplePerson(&browser)
            let id = try await Self.portal.start(&browser)
            _ = try await browser.get("/apply/\(id)/form")
            /// Posts one PDF and a filler field: the body is about `size` bytes (Content-Length).
            func post(size: Int) async throws -> TestBrowser.Page {
                let base = Self.upload([Self.pdf(1)])
                let filler = max(0, size - base.body.readableBytes - 120)
                var bytes = Array(base.body.readableBytesView)
                let boundary = "----pingshen-limit-test"
                bytes.removeLast("--\(boundary)--\r\n".utf8.count)
                bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"filler\"\r\n\r\n".utf8)
                bytes += Array(repeating: 0x61, count: filler) + Array("\r\n--\(boundary)--\r\n".utf8)
                var headers = browser.cookieHeader()
                headers[.contentType] = base.type
                return try await browser.client.execute(
                    uri: "/apply/\(id)/form?_csrf=\(encoded(browser.csrf ?? ""))", method: .post, headers: headers,
                    body: ByteBuffer(bytes: bytes)
                ) { TestBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
            }
            let tooLong = try await post(size: 5000)
            #expect(tooLong.status == .contentTooLarge)
            // Beyond what one account may have in flight: 503 with Retry-After, nothing saved.
            let busy = try await post(size: 3000)
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.headers[.retryAfter] != nil)
            #expect(busy.body.contains("服务器繁忙"))
            #expect(try attachments(store, id) == 0)
            // Within both: saved.
            let fine = try await post(size: 1000)
            #expect(fine.status == .seeOther)
            #expect(try attachments(store, id) == 1)
        }
    }
}
