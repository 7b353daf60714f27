import Domain
import Foundation
import Signing
import ZipKit

@testable import Archive

/// Real packages for the four-property check and the transfer tests: the shipped ODT and HTML
/// templates as documents, a PNG attachment, JSON records, and a DA/T 46 `metadata.xml` tag
/// file covered by the signed tag manifest — as the archiver writes them.
enum ArchivePackageFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let templates = root.appendingPathComponent("templates")
    static let odfTools = root.appendingPathComponent("Tests/Conformance/odf")
    static let documentNumber = "焦职改〔2026〕12号"
    static let fonds = "J012"

    static func template(_ name: String) -> [UInt8] {
        Array((try? Data(contentsOf: templates.appendingPathComponent(name))) ?? Data())
    }

    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF,
        0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    /// One catalogued record: its payload path, title, kind and 件号.
    struct Record {
        var path: String
        var title: String
        var retention: RetentionPeriod = .permanent
        var item: Int
    }

    static func defaultPayload() -> [BagFile] {
        [
            BagFile(path: "decision/qualification-notice/通知.odt", bytes: template("qualification-notice.odt")),
            BagFile(path: "decision/qualification-notice/通知.html", bytes: template("qualification-notice.html")),
            BagFile(path: "committee/S-2026-01/minutes.odt", bytes: template("minutes.odt")),
            BagFile(path: "committee/S-2026-01/vote-record.odt", bytes: template("vote-record.odt")),
            BagFile(path: "applications/A-001/dossier/attachments/photo.png", bytes: png),
            BagFile(path: "applications/A-001/events.json", bytes: Array("[{\"version\":1}]\n".utf8)),
            BagFile(path: "heads.json", bytes: Array("{\"decision\":\"\(documentNumber)\",\"streams\":[]}\n".utf8)),
        ]
    }

    static func defaultRecords() -> [Record] {
        [
            Record(path: "decision/qualification-notice/通知.odt", title: "关于张三等同志取得高级工程师资格的通知", item: 1),
            Record(path: "decision/qualification-notice/通知.html", title: "关于张三等同志取得高级工程师资格的通知（网页版）", item: 2),
            Record(path: "committee/S-2026-01/minutes.odt", title: "评审会议纪要", item: 3),
            Record(path: "committee/S-2026-01/vote-record.odt", title: "投票记录", item: 4),
            Record(
                path: "applications/A-001/dossier/attachments/photo.png", title: "申报附件：照片", retention: .years30,
                item: 1),
        ]
    }

    static func format(of path: String) -> String {
        LongTermFormat.claimed(byName: path)?.rawValue ?? "?"
    }

    /// `metadata.xml` for `records`, describing the files in `payload` (a record whose file is
    /// not in the payload is described with empty bytes).
    static func metadata(_ records: [Record], payload: [BagFile], fonds: String = fonds) -> [UInt8] {
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<电子文件元数据 全宗号=\"\(fonds)\">\n"
        for r in records {
            let bytes = payload.first { $0.path == r.path }?.bytes ?? []
            let code = try! ArchivalCode(
                fonds: fonds, year: 2026, retention: r.retention, organisation: "ZCB", item: r.item)
            xml += """
                  <记录>
                    <题名>\(e(r.title))</题名>
                    <文号>\(e(documentNumber))</文号>
                    <责任者>焦作市职称改革领导小组办公室</责任者>
                    <日期>2026-04-02</日期>
                    <保管期限>\(r.retention.chinese)</保管期限>
                    <密级>公开</密级>
                    <档号>\(code)</档号>
                    <件号>\(r.item)</件号>
                    <计算机文件名>\(e(r.path))</计算机文件名>
                    <计算机文件大小>\(bytes.count)</计算机文件大小>
                    <格式信息>\(format(of: r.path))</格式信息>
                    <数字摘要 算法="SHA-256">\(SHA256Digest.hex(of: bytes))</数字摘要>
                  </记录>

                """
        }
        xml += "</电子文件元数据>\n"
        return Array(xml.utf8)
    }

    static func info(date: Day = Day(year: 2026, month: 4, day: 2)!) -> BagInfo {
        BagInfo(
            sourceOrganization: "焦作市职称改革领导小组办公室", baggingDate: date, externalIdentifier: documentNumber,
            externalDescription: "取得资格通知 \(documentNumber) 及其所依据的评审材料")
    }

    /// A signed package with `metadata.xml` listed in its tag manifest.
    static func package(
        keyring: OfficeKeyring, payload: [BagFile] = defaultPayload(), records: [Record] = defaultRecords(),
        metadata: [UInt8]? = nil, name: String = "decision-2026-12", info: BagInfo = info()
    ) throws -> BagPackage {
        var bag = try BagWriter.build(name: name, payload: payload, info: info, keyring: keyring)
        bag.files[PackageMetadata.path] = metadata ?? Self.metadata(records, payload: payload)
        let tags = [BagLayout.declaration, BagLayout.info, BagLayout.manifest, PackageMetadata.path]
        let tagManifest = BagLayout.manifest(tags.map { ($0, BagLayout.sha256Hex(bag.files[$0]!)) })
        bag.files[BagLayout.tagManifest] = tagManifest
        let (keyID, signature) = keyring.sign(tagManifest)
        bag.files[BagLayout.signature] = BagLayout.signatureFile(keyID: keyID, signature: signature)
        return bag
    }

    /// The package written as a folder in `directory`.
    static func write(
        _ bag: BagPackage, into directory: String
    ) throws -> String {
        try BagWriter.write(bag, into: directory, replace: true)
    }

    /// The template ODT with one entry's bytes replaced (or added).
    static func odt(_ template: String, replacing part: String, with bytes: [UInt8]) throws -> [UInt8] {
        let reader = try ZipReader(bytes: Self.template(template))
        var writer = ZipWriter(time: ZipWriter.time(year: 2026, month: 4, day: 2))
        var replaced = false
        for (i, name) in reader.names.enumerated() {
            if name == part {
                writer.add(name, bytes: bytes, compression: .deflate(level: 6))
                replaced = true
            } else {
                writer.copy(name, from: reader, index: i)
            }
        }
        if !replaced { writer.add(part, bytes: bytes, compression: .deflate(level: 6)) }
        return try writer.finish()
    }

    static func entry(_ template: String, _ part: String) throws -> [UInt8] {
        let reader = try ZipReader(bytes: Self.template(template))
        return try reader.read(reader.names.firstIndex(of: part)!)
    }
}
