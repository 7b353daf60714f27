import Domain
import Forms
import Foundation
import Testing

@testable import WebApp

@Suite("Uploads")
struct UploadTests {
    let form: FormDefinition

    init() throws { form = try FormSupport.engineering }

    static func temporaryStore() throws -> (UploadStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-uploads-\(UUID().uuidString)")
        return (try UploadStore(dataDirectory: dir.path), dir)
    }

    func part(_ name: String, _ filename: String, _ body: [UInt8]) -> MultipartFormData.Part {
        MultipartFormData.Part(name: name, filename: filename, contentType: "application/pdf", headers: [], body: body)
    }

    func refusal(_ store: UploadStore, _ part: MultipartFormData.Part) -> WebError? {
        do {
            _ = try store.accept(part, form: form)
            return nil
        } catch { return error }
    }

    static let pdf = Array("%PDF-1.4\n%\u{E2}\u{E3}\n1 0 obj << >> endobj\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 40)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 1, count: 40)

    @Test func anAcceptedFileIsStoredByItsHash() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let attachment = try store.accept(part("other_materials", "../../证明.pdf", Self.pdf), form: form)
        let sha = SHA256Digest.hex(of: Self.pdf)
        #expect(attachment == ["name": "证明.pdf", "media_type": "application/pdf", "size": .number(Double(Self.pdf.count)), "sha256": .string(sha)])
        let path = dir.appendingPathComponent("uploads/\(sha.prefix(2))/\(sha)").path
        #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == Self.pdf)
        #expect(store.contents(sha256: sha) == Self.pdf)
        // The temporary folder is left empty, and the same content again is fine.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.incoming.path).isEmpty)
        #expect(try store.accept(part("representative_works[2].file", "again.pdf", Self.pdf), form: form)["sha256"] == .string(sha))
        // The object passes the validator.
        var data = try FormSupport.example.object!
        data["other_materials"] = [attachment]
        #expect(form.validate(.object(data)).isValid)
        // JPEG and PNG where images are allowed.
        #expect(try store.accept(part("photo", "me.JPG", Self.jpeg), form: form)["media_type"] == "image/jpeg")
        #expect(try store.accept(part("photo", "me", Self.png), form: form)["media_type"] == "image/png")
    }

    @Test func theRealTypeDecides() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A PNG named .pdf: refused where only PDF is allowed, and where both are allowed.
        let pngAsPDF = refusal(store, part("representative_works[0].file", "论文.pdf", Self.png))
        #expect(pngAsPDF?.field == "代表作文件")
        #expect(pngAsPDF?.message.contains("只接受 PDF 格式") == true)
        #expect(pngAsPDF?.problem?.path == "representative_works[0].file")
        #expect(pngAsPDF?.status == .unprocessableContent)
        #expect(refusal(store, part("other_materials", "scan.pdf", Self.png))?.message.contains("扩展名") == true)
        // A PDF for the photo; an unknown type; an empty file.
        #expect(refusal(store, part("photo", "photo.jpg", Self.pdf))?.message.contains("只接受 JPEG、PNG") == true)
        #expect(refusal(store, part("other_materials", "a.docx", Array("PK\u{3}\u{4}".utf8)))?.message.contains("无法识别") == true)
        #expect(refusal(store, part("other_materials", "a.pdf", []))?.message.contains("空文件") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path) == [".incoming"])
    }

    @Test func oversizeFilesAreRefused() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = Self.png + Array(repeating: 0, count: 2 << 20)  // the photo allows 2 MB
        let r = refusal(store, part("photo", "big.png", big))
        #expect(r?.field == "近期免冠照片")
        #expect(r?.message.contains("超过了2MB的上限") == true)
        #expect(store.contents(sha256: SHA256Digest.hex(of: big)) == nil)
    }

    @Test func theSizeLimitIsInclusive() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let limit = 20 << 20  // 其他证明材料: 20MB
        var exact = Self.pdf + Array(repeating: 0x20, count: limit - Self.pdf.count)
        let started = Date()
        #expect(try store.accept(part("other_materials", "full.pdf", exact), form: form)["size"] == .number(Double(limit)))
        print("20 MB accepted in \(Date().timeIntervalSince(started)) s")
        exact.append(0x20)
        #expect(refusal(store, part("other_materials", "over.pdf", exact))?.message.contains("超过了20MB的上限") == true)
    }

    @Test func pathsNeverLeaveTheUploadsFolder() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The field name is not a path: unknown names are refused.
        for name in ["../../etc/passwd", "photo/../../x", "name", "papers[0].title", ""] {
            #expect(refusal(store, part(name, "a.pdf", Self.pdf))?.field == "附件", "\(name)")
        }
        // Only a 64-hex SHA-256 names a stored file.
        for sha in ["../../../etc/passwd", String(repeating: "A", count: 64), "ab", String(repeating: ".", count: 64)] {
            #expect(store.url(sha256: sha) == nil)
        }
        let url = try #require(store.url(sha256: String(repeating: "a", count: 64)))
        #expect(url.path.hasPrefix(dir.standardizedFileURL.path + "/uploads/aa/"))
        // A hostile file name is only displayed, never used.
        let hostile = try store.accept(part("other_materials", "/etc/../../passwd\u{202E}fdp.exe\u{0}.pdf", Self.pdf), form: form)
        #expect(hostile["name"] == "passwdfdp.exe.pdf")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("passwd").path))
    }

    @Test func aPostedFormWithFilesIsReadInOneCall() throws {
        let (store, dir) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var draft = try FormSupport.example.object!
        draft["representative_works"] = [["title": "代表作"]]
        let html = try FormSupport.page(.object(draft))
        let pairs = try FormSupport.submittedPairs(html)
        let body = FormBodyTests.body(
            pairs.map { ("Content-Disposition: form-data; name=\"\($0.name)\"", Array($0.value.utf8)) } + [
                ("Content-Disposition: form-data; name=\"other_materials\"; filename=\"证明.pdf\"", Self.pdf),
                ("Content-Disposition: form-data; name=\"representative_works[0].file\"; filename=\"作品.pdf\"", Self.png),
                ("Content-Disposition: form-data; name=\"photo\"; filename=\"\"", []),
            ])
        let s = try FormSubmission.read(
            body: body, contentType: FormBodyTests.contentType, form: form, stored: .object(draft), uploads: store)
        #expect(s.data.at("other_materials[0].name") == "证明.pdf")
        #expect(s.data.at("other_materials[0].sha256") == .string(SHA256Digest.hex(of: Self.pdf)))
        #expect(s.data.at("representative_works[0].file") == nil)
        #expect(s.inputProblems.map(\.path) == ["representative_works[0].file"])
        #expect(s.anchor == "f-representative_works-0-file")
        #expect(s.data["photo"] == draft["photo"])
        // The refusal is shown next to the file input.
        let page = try FormSupport.page(s.data, problems: s.problems(includingValidation: false))
        #expect(fieldMarkup(page, id: "f-representative_works-0-file")?.contains("只接受 PDF 格式") == true)
        // The URL-encoded form of the same page, and an unsupported type.
        let plain = try FormSubmission.read(
            body: Array(URLEncodedForm.encode(pairs).utf8), contentType: "application/x-www-form-urlencoded",
            form: form, stored: .object(draft), uploads: store)
        #expect(plain.data == .object(draft))
        #expect(throws: WebError.self) {
            try FormSubmission.read(body: [], contentType: "text/plain", form: form, stored: .object(draft), uploads: store)
        }
    }

    @Test func displayNames() throws {
        #expect(UploadStore.displayName("C:\\Users\\张三\\照片.png") == "照片.png")
        #expect(UploadStore.displayName("../../../x.pdf") == "x.pdf")
        #expect(UploadStore.displayName(" \u{7}\t证明\n材料.pdf ") == "证明材料.pdf")
        #expect(UploadStore.displayName("..") == "未命名文件")
        #expect(UploadStore.displayName("") == "未命名文件")
        #expect(UploadStore.displayName(".hidden.pdf") == "hidden.pdf")
        let long = UploadStore.displayName(String(repeating: "长", count: 300) + ".pdf")
        #expect(long.count == 100)
        #expect(long.hasSuffix("….pdf"))
    }
}
