import Crypto
import Domain
import Foundation
import Store
import Testing

@testable import WebApp

/// The multipart parser read piece by piece, as a body arrives from the network: the same parts
/// whatever the pieces' sizes, files written to the spool folder (never kept in memory), the
/// content beyond a field's limit counted but not written, and nothing left after a broken body.
@Suite struct MultipartStreamTests {
    static func spoolFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func parse(
        _ body: [UInt8], pieces: Int, spool: FileSpool? = nil, limits: MultipartFormData.Limits = .standard
    ) throws(WebError) -> MultipartFormData {
        var parser = MultipartParser(boundary: FormBodyTests.boundary, limits: limits, spool: spool)
        var offset = 0
        do {
            while offset < body.count {
                let end = min(body.count, offset + pieces)
                try parser.feed(body[offset..<end])
                offset = end
            }
            return try parser.finish()
        } catch {
            parser.abandon()
            throw error
        }
    }

    static let body = FormBodyTests.body([
        ("Content-Disposition: form-data; name=\"_csrf\"", Array("tok".utf8)),
        ("Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png", FormBodyTests.png),
        ("Content-Disposition: form-data; name=\"other_materials\"; filename=\"b.pdf\"", FormBodyTests.pdf),
        ("Content-Disposition: form-data; name=\"note\"", Array("第一行\r\n--第二行".utf8)),
    ])

    @Test func anyPieceSizeGivesTheSameParts() throws {
        let whole = try MultipartFormData.parse(Self.body, contentType: FormBodyTests.contentType)
        #expect(whole.parts.count == 4)
        for pieces in [1, 2, 3, 5, 7, 13, 31, 64, 1000] {
            #expect(try Self.parse(Self.body, pieces: pieces).parts == whole.parts, "pieces of \(pieces)")
        }
    }

    @Test func filesGoToTheSpoolFolder() throws {
        let folder = try Self.spoolFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = FileSpool(folder: folder) { name in name == "photo" ? 10 : 1 << 20 }
        for pieces in [1, 4, 9, 100] {
            let form = try Self.parse(Self.body, pieces: pieces, spool: spool)
            #expect(form.fields == [FormPair("_csrf", "tok"), FormPair("note", "第一行\r\n--第二行")])
            let photo = try #require(form.files.first { $0.name == "photo" }?.spooled)
            let pdf = try #require(form.files.first { $0.name == "other_materials" }?.spooled)
            // The PNG (20 bytes) is beyond the photo's limit here: counted, not kept.
            #expect(!photo.complete)
            #expect(photo.size == FormBodyTests.png.count)
            #expect(photo.head == Array(FormBodyTests.png.prefix(16)))
            #expect(!FileManager.default.fileExists(atPath: photo.url.path))
            // The PDF is on disk whole, with its SHA-256; nothing of it is in memory.
            #expect(pdf.complete)
            #expect(form.files.first { $0.name == "other_materials" }?.body.isEmpty == true)
            #expect(FileManager.default.contents(atPath: pdf.url.path).map { [UInt8]($0) } == FormBodyTests.pdf)
            #expect(pdf.sha256 == SHA256Digest.hex(of: FormBodyTests.pdf))
            form.discardSpooled()
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    @Test func aBrokenBodyLeavesNothingBehind() throws {
        let folder = try Self.spoolFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = FileSpool(folder: folder) { _ in 1 << 20 }
        var cut = Self.body
        cut.removeLast(40)  // the closing delimiter and a little of the last part
        #expect(throws: WebError.self) { try Self.parse(cut, pieces: 7, spool: spool) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // Beyond the whole body's limit: refused as it arrives, files removed.
        let small = MultipartFormData.Limits(bytes: 100, parts: 10, headerBytes: 1000, fieldBytes: 1000)
        #expect(throws: WebError.payloadTooLarge) { try Self.parse(Self.body, pieces: 30, spool: spool, limits: small) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aSpooledFileIsAcceptedByMovingIt() throws {
        let (store, dir) = try UploadTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let form = try FormSupport.engineering
        let spool = FileSpool(folder: store.incoming) { _ in 20 << 20 }
        let parsed = try Self.parse(Self.body, pieces: 11, spool: spool)
        defer { parsed.discardSpooled() }
        let part = try #require(parsed.files.first { $0.name == "other_materials" })
        let attachment = try store.accept(part, form: form)
        let sha = SHA256Digest.hex(of: FormBodyTests.pdf)
        #expect(attachment["sha256"] == .string(sha))
        #expect(store.contents(sha256: sha) == FormBodyTests.pdf)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.incoming.path).filter { !$0.hasPrefix(".") }.count == 1)  // the photo's, discarded by the defer
    }
}
