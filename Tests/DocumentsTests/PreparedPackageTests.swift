import Foundation
import Testing
import ZipKit

@testable import Documents

/// Documents assembled from the entries prepared once per template (`PreparedPackage`,
/// `ZipAssembler`) against the plain path, every entry through libzip's `ZipWriter`.
@Suite struct PreparedPackageTests {
    /// Every entry of a package, decompressed, in the archive's order.
    static func entries(_ bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        let reader = try ZipReader(bytes: bytes)
        return try (0..<reader.count).map { (reader.name($0), try reader.read($0)) }
    }

    static func plain(_ t: ODTTemplate, _ data: TemplateValue) throws -> [UInt8] {
        try t.contexts.with { try t.render(data, images: [:], strict: true, context: $0, packaging: .libzip) }
    }

    static func expectSame(_ fast: [UInt8], _ plain: [UInt8], _ label: String) throws {
        let a = try entries(fast)
        let b = try entries(plain)
        #expect(a.map(\.name) == b.map(\.name), "\(label)")
        for (x, y) in zip(a, b) { #expect(x.bytes == y.bytes, "\(label): \(x.name)") }
        // The framing is libzip's own, so the bytes are the same too.
        #expect(fast == plain, "\(label): the package bytes differ")
    }

    @Test(arguments: Shipped.names)
    func preparedEqualsPlainAndValidates(_ name: String) throws {
        let t = try Shipped.odt(name)
        #expect(t.prepared != nil)
        let data = try Shipped.sample(name)
        let fast = try t.render(data)
        try Self.expectSame(fast, try Self.plain(t, data), name)
        // The static entries are the template's compressed bytes as they are.
        let template = try ZipReader(bytes: [UInt8](Data(contentsOf: Paths.templates.appendingPathComponent("\(name).odt"))))
        let out = try ZipReader(bytes: fast)
        #expect(out.name(0) == "mimetype" && out.isStored(0))
        for i in 0..<template.count where !template.isStored(i) {
            let n = template.name(i)
            if n == "meta.xml" || n == "settings.xml" { #expect(out.names.firstIndex(of: n).map { !out.isStored($0) } == true, "\(name): \(n)") }
        }
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let dir = Paths.tempDir("prepared")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("\(name).odt")
        try Data(fast).write(to: file)
        let r = try validateODT(file)
        #expect(r.status == 0, "\(name): \(r.output)")
    }

    /// The benchmark's generated certificates (QR code, blank photo, revoked or not, 5 rows).
    @Test func generatedCertificatesEqualThePlainPath() throws {
        let t = try Shipped.odt("certificate")
        for i in 0..<6 {
            let data = DiskBenchmark.certificate(i)
            let fast = try t.render(data)
            try Self.expectSame(fast, try Self.plain(t, data), "certificate \(i)")
            let content = String(decoding: try #require(Self.entries(fast).first { $0.name == "content.xml" }).bytes, as: UTF8.self)
            #expect(content.contains("豫焦职证2026GC\(String(format: "%06d", i))"))
            #expect(content.contains("本证书已于2026年9月1日依") == (i % 2 == 1))
        }
        // A picture given as bytes (the photo frame) goes through the same framing.
        var photo = DiskBenchmark.certificate(7)
        if case .object(var o) = photo {
            o["has_photo"] = true
            o["photo"] = "photo"
            photo = .object(o)
        }
        let png = PNGEncoder.encodeBilevel(width: 3, height: 2) { x, _ in x == 1 }
        let fast = try t.render(photo, images: ["photo": png])
        let plain = try t.contexts.with { try t.render(photo, images: ["photo": png], strict: true, context: $0, packaging: .libzip) }
        try Self.expectSame(fast, plain, "certificate with photo")
        #expect(try Self.entries(fast).contains { $0.bytes == png })
    }

    /// Compressed generated parts are written by libzip, entry for entry the same content.
    @Test func compressedPartsGoThroughZipWriter() throws {
        let url = Paths.templates.appendingPathComponent("certificate.odt")
        let deflated = try ODTTemplate(contentsOf: url, compression: .deflate(level: 6))
        #expect(deflated.prepared == nil)
        let stored = try ODTTemplate(contentsOf: url)
        let data = DiskBenchmark.certificate(3)
        let a = try Self.entries(try deflated.render(data))
        let b = try Self.entries(try stored.render(data))
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) { #expect(x.bytes == y.bytes, "\(x.name)") }
    }

    /// A batch on two threads writes each record's rendered bytes, one file per record.
    @Test func batchFilesAreTheRenderedDocuments() throws {
        let t = try Shipped.odt("certificate")
        let dir = Paths.tempDir("prepared-batch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = dir.appendingPathComponent("r.jsonl")
        try DiskBenchmark.writeRecords(9, to: records)
        let out = dir.appendingPathComponent("out")
        let s = try BatchRenderer.render(t, records: records, outputDirectory: out, nameField: "certificate_number", threads: 2)
        #expect(s.documents == 9 && s.failed == 0)
        for i in 0..<9 {
            let file = out.appendingPathComponent("豫焦职证2026GC\(String(format: "%06d", i)).odt")
            let written = [UInt8](try Data(contentsOf: file))
            #expect(written == (try Self.plain(t, DiskBenchmark.certificate(i))), "\(file.lastPathComponent)")
        }
        guard requireTool("xmllint", package: "libxml2-utils") else { return }
        let r = try validateODT(out.appendingPathComponent("豫焦职证2026GC000001.odt"))
        #expect(r.status == 0, "\(r.output)")
    }
}
