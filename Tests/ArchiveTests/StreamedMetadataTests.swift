import Documents
import Domain
import Foundation
import Signing
import Testing

@testable import Archive

/// `metadata.xml` read record by record (issue 15: a 20,000 season's confirmation wrote 177 MB
/// of it, and the filing check, which read it whole up to 64 MiB, failed the package).
@Suite struct StreamedMetadataTests {
    let dir = temporaryDirectory()
    typealias Fixture = ArchivePackageFixture

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    /// The file on disk, opened as the check opens it.
    func scanFile(_ bytes: [UInt8]) throws -> (fonds: String?, records: [PackageMetadata.Record]) {
        let path = dir + "/metadata-\(UUID().uuidString).xml"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        var records: [PackageMetadata.Record] = []
        let fonds = try PackageMetadata.scan(.descriptor(fd)) { records.append($0) }
        return (fonds, records)
    }

    /// The metadata's escaping returns a plain value as it is and escapes the rest exactly as
    /// the general way does (characters XML forbids → U+FFFD, then the markup).
    @Test func metadataValuesAreEscapedAsTheGeneralWayDoes() {
        func general(_ s: String) -> String {
            XMLText.clean(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let values = [
            "", "申报表（A2026-00042）.odt", "applications/A1/dossier/pledge/A1.html", "张三，李四：“评审”",
            "a & b", "<script>", "x > y", "\"引号\"", "tab\there", "line\nbreak", "nul\u{0}byte", "\u{FFFE}", "end\u{FFFF}",
            "\u{FFFD}", "\u{FF0C}\u{FF08}\u{FF09}", "\u{1F600}", "焦职改〔2026〕12号",
        ]
        for v in values { #expect(PackageRecords.escape(v) == general(v), "\(v.unicodeScalars.map { $0.value })") }
        #expect(PackageRecords.escape("\u{FFFF}<") == "\u{FFFD}&lt;")
    }

    @Test func readingFromTheFileGivesWhatParsingTheBytesGives() throws {
        let bytes = Fixture.metadata(Fixture.defaultRecords(), payload: Fixture.defaultPayload())
        let whole = try PackageMetadata.parse(bytes)
        let streamed = try scanFile(bytes)
        #expect(whole.records.count == 5)
        #expect(streamed.fonds == "J012")
        #expect(streamed.records == whole.records)
        #expect(streamed.records.map { $0["档号"] ?? "" }.first == "J012-2026-Y-ZCB-0001")
    }

    @Test func aDTDSubsetOrAnExternalIdentifierIsRefusedFromAFileToo() throws {
        for prolog in [
            "<!DOCTYPE 电子文件元数据 [<!ENTITY a \"aaaaaaaa\">]>",
            "<!DOCTYPE 电子文件元数据 SYSTEM \"http://example.invalid/x.dtd\">",
        ] {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\(prolog)\n<电子文件元数据 全宗号=\"J012\"><记录><题名>&a;</题名></记录></电子文件元数据>"
            #expect(throws: MarkupProblem.self, "\(prolog)") { try scanFile(Array(xml.utf8)) }
        }
        let bare = "<?xml version=\"1.0\"?>\n<!DOCTYPE 电子文件元数据>\n<电子文件元数据 全宗号=\"J012\"></电子文件元数据>"
        #expect(try scanFile(Array(bare.utf8)).fonds == "J012")
        #expect(throws: MarkupProblem.self) { try scanFile([]) }
        #expect(throws: MarkupProblem.self) { try scanFile(Array("<电子文件元数据><记录>".utf8)) }
    }

    @Test func theAuditFindsWhatTheWholeFileChecksFound() throws {
        // Gaps past ten, a repeat and a duplicate file, counted as the whole-file check did.
        var records = Fixture.defaultRecords()
        records.append(.init(path: "decision/qualification-notice/通知.odt", title: "重复", item: 20))
        records.append(.init(path: "x/y.json", title: "重号", item: 20))
        let bytes = Fixture.metadata(records, payload: Fixture.defaultPayload())
        let metadata = try PackageMetadata.parse(bytes)
        var audit = PackageMetadata.Audit(fonds: metadata.fonds)
        for r in metadata.records { audit.add(r) }
        #expect(audit.recordCount == 7)
        #expect(audit.itemNumberProblems() == metadata.itemNumberProblems())
        let gaps = audit.itemNumberProblems().joined(separator: "\n")
        #expect(gaps.contains("J012-2026-Y-ZCB 的件号在 0001 至 0020 之间缺号：0005、0006、0007、0008、0009、0010、0011、0012、0013、0014 等 15 个"))
        #expect(gaps.contains("J012-2026-Y-ZCB 的件号重复：0020"))
        #expect(audit.problems.contains { $0.problem == "同一文件被著录两次" })
        #expect(audit.problems.contains { $0.problem.contains("档号 J012-2026-Y-ZCB-0020 与 data/decision/qualification-notice/通知.odt 重复") })
    }

    /// A package whose metadata is larger than the limit on a tag file read whole (64 MiB)
    /// passes its check: the file is hashed in chunks and read record by record.
    @Test func metadataLargerThanATagFileReadWholePassesTheCheck() throws {
        let k = try keyring()
        var xml = String(decoding: Fixture.metadata(Fixture.defaultRecords(), payload: Fixture.defaultPayload()), as: UTF8.self)
        // 64 KiB of hexadecimal noise: beyond deflate's 32 KiB window, so the zip form stays
        // under the check's 100:1 compression limit.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<(1 << 16)).map { _ -> Character in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Array("0123456789abcdef")[Int(state >> 60)]
        }
        let filler = "<!--" + String(noise) + "-->\n"
        let padding = String(repeating: filler, count: (VerificationBudget.standard.maxTagFileBytes / filler.utf8.count) + 8)
        xml = xml.replacingOccurrences(of: "</电子文件元数据>", with: padding + "</电子文件元数据>")
        #expect(xml.utf8.count > VerificationBudget.standard.maxTagFileBytes)
        let path = try Fixture.write(try Fixture.package(keyring: k, metadata: Array(xml.utf8)), into: dir)
        let report = FourPropertyCheck(keys: k.publicKeys, trust: "测试密钥库").check(
            path: path, occasion: .filing, now: fixedNow)
        #expect(report.failures.map(\.details) == [])
        #expect(report.item("integrity.metadata")?.outcome == .passed)
        #expect(report.item("authenticity.metadata")?.outcome == .passed)
        #expect(report.item("integrity.manifest")?.outcome == .passed)
        // The zip form's entry is streamed through a temporary file (a small one here: the
        // large file's path is the folder's).
        let zip = dir + "/decision-2026-12.zip"
        try BagZip.write(try Fixture.package(keyring: k), date: Fixture.info().baggingDate, to: zip)
        let zipped = FourPropertyCheck(keys: k.publicKeys, trust: "测试密钥库").check(
            path: zip, occasion: .filing, now: fixedNow)
        #expect(zipped.failures.map(\.details) == [])
        #expect(zipped.item("authenticity.metadata")?.details.first?.hasPrefix("5 条记录") == true)
    }
}
