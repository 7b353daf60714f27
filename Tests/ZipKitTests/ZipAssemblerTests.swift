import Foundation
import Testing
import ZipKit

/// `ZipAssembler`: archives assembled from entries prepared once must be the archives
/// `ZipWriter` (libzip) writes for the same entries, byte for byte.
@Suite struct ZipAssemblerTests {
    static let day = ZipWriter.time(year: 2026, month: 1, day: 1)

    /// A template-like source archive: a deflated entry, a stored one, a non-ASCII name.
    static func source() throws -> ZipReader {
        var zip = ZipWriter(time: ZipWriter.time(year: 2025, month: 7, day: 9, hour: 13))
        zip.add("meta.xml", bytes: Array(String(repeating: "<m>评审</m>", count: 80).utf8), compression: .deflate(level: 9))
        zip.add("Pictures/a.png", bytes: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], compression: .store)
        zip.add("附件/说明.txt", bytes: Array("中文说明".utf8), compression: .deflate(level: 6))
        return try ZipReader(bytes: try zip.finish())
    }

    @Test(arguments: [nil, UInt32(0o644)])
    func assembledEqualsWhatLibzipWrites(unixMode: UInt32?) throws {
        let reader = try Self.source()
        let assembler = try ZipAssembler(time: Self.day, unixMode: unixMode)
        var statics = ZipWriter(time: Self.day, unixMode: unixMode)
        statics.add("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), compression: .store)
        statics.add("settings.xml", bytes: Array(String(repeating: "<s/>", count: 300).utf8), compression: .deflate(level: 6))
        for i in 0..<reader.count { statics.copy(reader.name(i), from: reader, index: i) }
        let prepared = try assembler.prepare(statics)
        #expect(prepared.map(\.name) == ["mimetype", "settings.xml", "meta.xml", "Pictures/a.png", "附件/说明.txt"])

        // Two different documents, generated entries between and after the prepared ones.
        for n in [1, 2000] {
            let content = Array(String(repeating: "<p>第\(n)份</p>", count: n).utf8)
            var plain = ZipWriter(time: Self.day, unixMode: unixMode)
            plain.add("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), compression: .store)
            plain.add("content.xml", bytes: content, compression: .store)
            plain.add("settings.xml", bytes: Array(String(repeating: "<s/>", count: 300).utf8), compression: .deflate(level: 6))
            for i in 0..<reader.count { plain.copy(reader.name(i), from: reader, index: i) }
            plain.add("empty", bytes: [], compression: .store)
            plain.add("Pictures/qr-2.png", bytes: [UInt8](repeating: UInt8(n % 251), count: n), compression: .store)
            let expected = try plain.finish()

            let assembled = assembler.archive(
                [.prepared(prepared[0]), .stored(name: "content.xml", bytes: content), .prepared(prepared[1])]
                    + prepared[2...].map { .prepared($0) }
                    + [
                        .stored(name: "empty", bytes: []),
                        .stored(name: "Pictures/qr-2.png", bytes: [UInt8](repeating: UInt8(n % 251), count: n)),
                    ])
            #expect(assembled == expected)

            let back = try ZipReader(bytes: try #require(assembled))
            #expect(back.names == ["mimetype", "content.xml", "settings.xml", "meta.xml", "Pictures/a.png", "附件/说明.txt", "empty", "Pictures/qr-2.png"])
            #expect(try back.read(1) == content)
            #expect(try back.read(3) == (try reader.read(0)))
            #expect(try back.read(5) == Array("中文说明".utf8))
        }
    }

    @Test func aStoredNonASCIINameIsLeftToZipWriter() throws {
        let assembler = try ZipAssembler(time: Self.day)
        #expect(assembler.archive([.stored(name: "文件.txt", bytes: [1])]) == nil)
        #expect(assembler.archive([.stored(name: "a.txt", bytes: [1])]) != nil)
    }

    @Test func preparedEntriesNeedTheAssemblersTime() throws {
        let assembler = try ZipAssembler(time: Self.day)
        var other = ZipWriter(time: ZipWriter.time(year: 2026, month: 1, day: 2))
        other.add("a", bytes: [1], compression: .store)
        #expect(throws: ZipError.self) { try assembler.prepare(other) }
    }
}
