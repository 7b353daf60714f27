import Domain
import Forms
import Foundation
import Testing

@testable import WebApp

@Suite("Form bodies")
struct FormBodyTests {
    func parse(_ text: String, limits: URLEncodedForm.Limits = .standard) throws -> [FormPair] {
        try URLEncodedForm.parse(Array(text.utf8), limits: limits)
    }

    @Test func urlencodedEdgeCases() throws {
        #expect(try parse("name=%E5%BC%A0%E4%B8%89&unit=a+b") == [FormPair("name", "张三"), FormPair("unit", "a b")])
        #expect(try parse("x=1%2B1&y=%2b") == [FormPair("x", "1+1"), FormPair("y", "+")])
        #expect(try parse("a=1&a=2&&b&=v&c=") == [
            FormPair("a", "1"), FormPair("a", "2"), FormPair("b", ""), FormPair("", "v"), FormPair("c", ""),
        ])
        // Malformed escapes stay literal (WHATWG); invalid UTF-8 becomes U+FFFD.
        #expect(try parse("p=100%&q=%G1&r=%4&s=%") == [
            FormPair("p", "100%"), FormPair("q", "%G1"), FormPair("r", "%4"), FormPair("s", "%"),
        ])
        #expect(try parse("t=%E5%BC") == [FormPair("t", "\u{FFFD}")])
        #expect(try parse("k%5B0%5D.title=a%3Db%26c") == [FormPair("k[0].title", "a=b&c")])
        // Raw UTF-8 (not percent-encoded) is read as UTF-8 too.
        #expect(try parse("n=李四") == [FormPair("n", "李四")])
        // The encoder is the inverse.
        let pairs = [FormPair("名 字", "a+b&c=d%e\n张"), FormPair("papers[0].title", "")]
        #expect(try parse(URLEncodedForm.encode(pairs)) == pairs)
    }

    @Test func urlencodedLimits() throws {
        let small = URLEncodedForm.Limits(bytes: 100, pairs: 3, nameBytes: 5, valueBytes: 10)
        #expect(throws: WebError.payloadTooLarge) { try parse(String(repeating: "a", count: 101), limits: small) }
        #expect(throws: WebError.self) { try parse("a=1&b=2&c=3&d=4", limits: small) }
        #expect(throws: WebError.self) { try parse("toolong=1", limits: small) }
        #expect(throws: WebError.self) { try parse("a=12345678901", limits: small) }
        #expect(try parse("a=1&b=2&c=3", limits: small).count == 3)
    }

    // MARK: multipart

    static let boundary = "----PingshenBoundary7MA4YWxk"
    static let contentType = "multipart/form-data; boundary=\(boundary)"

    /// A body from parts given as (headers, content).
    static func body(_ parts: [(String, [UInt8])], boundary: String = boundary, close: Bool = true) -> [UInt8] {
        var out: [UInt8] = Array("preamble to ignore\r\n".utf8)
        for (headers, content) in parts {
            out += Array("--\(boundary)\r\n\(headers)\r\n\r\n".utf8)
            out += content
            out += Array("\r\n".utf8)
        }
        if close { out += Array("--\(boundary)--\r\nepilogue".utf8) }
        return out
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR\r\n--".utf8)
    static let pdf: [UInt8] = Array("%PDF-1.7\r\n%âãÏÓ\r\n1 0 obj\r\n--\(boundary)x\r\nendobj\r\n%%EOF".utf8)

    @Test func twoFilesAndFields() throws {
        let body = Self.body([
            ("Content-Disposition: form-data; name=\"_csrf\"", Array("tok".utf8)),
            ("Content-Disposition: form-data; name=\"name\"", Array("张三".utf8)),
            (
                "Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\Users\\张三\\照片.png\"\r\nContent-Type: image/png",
                Self.png
            ),
            (
                "content-disposition: form-data; name=\"other_materials\"; filename=\"a.pdf\"; filename*=UTF-8''%E8%AF%81%E6%98%8E%20%E6%9D%90%E6%96%99.pdf\r\nContent-Type: application/pdf",
                Self.pdf
            ),
            ("Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\nContent-Type: application/octet-stream", []),
            ("Content-Disposition: form-data; name=\"note\"", Array("第一行\r\n第二行".utf8)),
        ])
        let form = try MultipartFormData.parse(body, contentType: Self.contentType)
        #expect(form.parts.count == 6)
        #expect(form.fields == [FormPair("_csrf", "tok"), FormPair("name", "张三"), FormPair("note", "第一行\r\n第二行")])
        #expect(form.files.count == 2)
        let photo = form.files[0]
        #expect(photo.name == "photo")
        #expect(photo.filename == "C:\\Users\\张三\\照片.png")
        #expect(photo.contentType == "image/png")
        #expect(photo.body == Self.png)
        #expect(UploadStore.displayName(photo.filename!) == "照片.png")
        let other = form.files[1]
        #expect(other.filename == "证明 材料.pdf")
        #expect(other.body == Self.pdf)
        #expect(other.headers.map(\.name) == ["content-disposition", "content-type"])
    }

    @Test func aLargeFileIsReadWhole() throws {
        var content = Self.pdf
        content += [UInt8](repeating: 0x2D, count: 20 << 20)  // dashes, as the boundary starts
        content += Array("\r\n--\(Self.boundary)-not-the-end".utf8)
        let body = Self.body([
            ("Content-Disposition: form-data; name=\"other_materials\"; filename=\"big.pdf\"", content),
            ("Content-Disposition: form-data; name=\"_action\"", Array("save".utf8)),
        ])
        let started = Date()
        let form = try MultipartFormData.parse(body, contentType: Self.contentType)
        print("20 MB multipart parsed in \(Date().timeIntervalSince(started)) s")
        #expect(form.files.first?.body == content)
        #expect(form.fields == [FormPair("_action", "save")])
    }

    @Test func quotedBoundaryAndNoPreamble() throws {
        var body = Array("--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--abc--".utf8)
        var form = try MultipartFormData.parse(body, contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"abc\"")
        #expect(form.fields == [FormPair("a", "")])
        body = Array("--abc--\r\n".utf8)
        form = try MultipartFormData.parse(body, contentType: "multipart/form-data; boundary=abc")
        #expect(form.parts.isEmpty)
    }

    @Test func malformedBodiesAreRefused() throws {
        let good = Self.body([("Content-Disposition: form-data; name=\"a\"", Array("1".utf8))])
        func refused(_ body: [UInt8], _ contentType: String = Self.contentType, limits: MultipartFormData.Limits = .standard)
            -> WebError?
        {
            do {
                _ = try MultipartFormData.parse(body, contentType: contentType, limits: limits)
                return nil
            } catch { return error }
        }
        #expect(refused(good) == nil)
        // Bad or missing boundary.
        #expect(refused(good, "multipart/form-data")?.field == "上传内容")
        #expect(refused(good, "multipart/form-data; boundary=")?.field == "上传内容")
        #expect(refused(good, "multipart/form-data; boundary=\(String(repeating: "x", count: 71))") != nil)
        #expect(refused(good, "multipart/form-data; boundary=a\u{1}b") != nil)
        #expect(refused(good, "application/x-www-form-urlencoded") != nil)
        #expect(refused(good, "multipart/form-data; boundary=other")?.message.contains("找不到分隔符") == true)
        // Unterminated, LF-only, missing disposition, not form-data, no name.
        #expect(refused(Self.body([("Content-Disposition: form-data; name=\"a\"", [0x31])], close: false)) != nil)
        #expect(refused(Array("--\(Self.boundary)\nContent-Disposition: form-data; name=\"a\"\n\n1\n--\(Self.boundary)--".utf8)) != nil)
        #expect(refused(Self.body([("Content-Type: text/plain", [0x31])])) != nil)
        #expect(refused(Self.body([("Content-Disposition: attachment; name=\"a\"", [0x31])])) != nil)
        #expect(refused(Self.body([("Content-Disposition: form-data; filename=\"a\"", [0x31])])) != nil)
        #expect(refused(Self.body([("Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"", [0x31])])) != nil)
        #expect(refused(Self.body([("Content-Disposition: form-data; name=\"a\"; filename*=UTF-8''%E5%G", [0x31])])) != nil)
        // Limits: total size, parts, header size, field size.
        #expect(refused(good, limits: .init(bytes: good.count - 1, parts: 10, headerBytes: 1000, fieldBytes: 1000)) == .payloadTooLarge)
        let three = Self.body(Array(repeating: ("Content-Disposition: form-data; name=\"a\"", [0x31]), count: 3))
        #expect(refused(three, limits: .init(bytes: 1 << 20, parts: 2, headerBytes: 1000, fieldBytes: 1000)) != nil)
        let longHeader = Self.body([("Content-Disposition: form-data; name=\"\(String(repeating: "a", count: 2000))\"", [0x31])])
        #expect(
            refused(longHeader, limits: .init(bytes: 1 << 20, parts: 10, headerBytes: 1000, fieldBytes: 1000))?.message
                .contains("头部过长") == true)
        let bigField = Self.body([("Content-Disposition: form-data; name=\"a\"", Array(repeating: 0x31, count: 2000))])
        #expect(refused(bigField, limits: .init(bytes: 1 << 20, parts: 10, headerBytes: 1000, fieldBytes: 1000)) != nil)
    }

    @Test func multipartFieldsFeedTheSubmission() throws {
        let form = try FormSupport.engineering
        let pairs = try FormSupport.submittedPairs(try FormSupport.page(try FormSupport.example), action: "submit")
        let body = Self.body(
            pairs.map { ("Content-Disposition: form-data; name=\"\($0.name)\"", Array($0.value.utf8)) }
                + [("Content-Disposition: form-data; name=\"other_materials\"; filename=\"\"", [])])
        let parsed = try MultipartFormData.parse(body, contentType: Self.contentType)
        #expect(parsed.fields == pairs)
        #expect(parsed.files.isEmpty)
        let s = FormSubmission(form: form, pairs: parsed.fields, stored: try FormSupport.example)
        #expect(try s.data == FormSupport.example)
    }
}
