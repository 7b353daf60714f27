import Foundation
import Testing
import ZipKit

/// The one libzip wrapper: what the ODT writer and the bag zips rely on.
@Suite struct ZipKitTests {
    static let day = ZipWriter.time(year: 2026, month: 3, day: 2)

    static func sample(unixMode: UInt32? = nil) throws -> [UInt8] {
        var zip = ZipWriter(time: day, unixMode: unixMode)
        zip.add("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), compression: .store)
        zip.add(
            "content.xml", bytes: Array(String(repeating: "<p>职称</p>", count: 200).utf8),
            compression: .deflate(level: 6))
        zip.add("empty", bytes: [], compression: .deflate(level: 6))
        zip.add("目录/文件.txt", bytes: Array("中文".utf8), compression: .store)
        return try zip.finish()
    }

    @Test func writtenEntriesReadBackInOrderWithTheirMethod() throws {
        let reader = try ZipReader(bytes: try Self.sample())
        #expect(reader.names == ["mimetype", "content.xml", "empty", "目录/文件.txt"])
        #expect(reader.isStored(0))
        #expect(!reader.isStored(1))
        #expect(try reader.read(0) == Array("application/vnd.oasis.opendocument.text".utf8))
        #expect(try reader.read(1).count == 200 * "<p>职称</p>".utf8.count)
        #expect(try reader.read(2) == [])
        #expect(try reader.read(3) == Array("中文".utf8))
        #expect(throws: ZipError.self) { try reader.read(1, limit: 10) }
    }

    /// Empty entries take no buffer (the 1-byte copy made for them leaked; LeakSanitizer in
    /// the odt fuzz target found it): stored or deflated, they read back empty.
    @Test func emptyEntriesReadBackEmpty() throws {
        var zip = ZipWriter(time: Self.day)
        zip.add("a", bytes: [], compression: .store)
        zip.add("b", bytes: [], compression: .deflate(level: 1))
        zip.add("c", bytes: [7], compression: .store)
        let reader = try ZipReader(bytes: try zip.finish())
        #expect(reader.names == ["a", "b", "c"])
        #expect(try reader.read(0) == [] && reader.isStored(0))
        #expect(try reader.read(1) == [] && reader.read(2) == [7])
    }

    @Test func theFirstStoredEntryStartsAtByte30() throws {
        // The ODT rule: "mimetype" first, stored, no extra field, so its text is at offset 38.
        let bytes = try Self.sample()
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(String(decoding: bytes[30..<38], as: UTF8.self) == "mimetype")
        #expect(String(decoding: bytes[38..<77], as: UTF8.self) == "application/vnd.oasis.opendocument.text")
    }

    @Test func equalEntriesGiveEqualBytesWithTheFixedTime() throws {
        let a = try Self.sample()
        #expect(a == (try Self.sample()))
        // DOS date of every local header: 2026-03-02 → ((2026-1980) << 9) | (3 << 5) | 2, time 00:00.
        let dosDate = UInt16((2026 - 1980) << 9 | 3 << 5 | 2)
        #expect(UInt16(a[10]) | UInt16(a[11]) << 8 == 0)
        #expect(UInt16(a[12]) | UInt16(a[13]) << 8 == dosDate)
        #expect(a != (try Self.sample(unixMode: 0o644)))
    }

    @Test func copiedEntriesKeepTheirCompressedBytes() throws {
        let source = try ZipReader(bytes: try Self.sample())
        var zip = ZipWriter(time: Self.day)
        for i in 0..<source.count { zip.copy(source.name(i), from: source, index: i) }
        let copy = try zip.finish()
        #expect(copy == (try Self.sample()))
    }

    @Test func unixPermissionsArePythonReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zipkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.zip").path
        try Data(try Self.sample(unixMode: 0o644)).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            "import sys, zipfile; print(sorted({i.external_attr >> 16 for i in zipfile.ZipFile(sys.argv[1]).infolist()}))",
            path,
        ]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "[\(0o100644)]")
    }

    @Test func notAZipIsAnError() throws {
        #expect(throws: ZipError.self) { try ZipReader(bytes: Array("PK but not really".utf8)) }
        // libzip reads zero bytes as an archive without entries.
        #expect(try ZipReader(bytes: []).count == 0)
    }

    @Test func unsafeEntryNames() {
        for n in ["mimetype", "META-INF/manifest.xml", "Configurations2/toolbar/", "..x", ".hidden/y", "图片 1.png"] {
            #expect(ZipEntryName.problem(n) == nil, "\(n)")
        }
        let bad: [String: String] = [
            "": "empty name", "/etc/passwd": "absolute path", "a\\b": "backslash in path",
            "a\u{1}": "control character in path",
            "C:evil": "drive letter", "c:/x": "drive letter", "a//b": "empty component (//)", "./a": "\".\" component",
            "a/../../b": "\"..\" component", "..": "\"..\" component",
        ]
        for (name, reason) in bad { #expect(ZipEntryName.problem(name) == reason, "\(name)") }
    }
}
