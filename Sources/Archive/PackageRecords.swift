import Documents
import Domain
import Foundation
import Store
import Workflow

/// The records 件 of a package as the archive catalogues them: one per payload file, each with
/// its record kind (the `policy/retention.yaml` key that sets its retention and organisation
/// code), its title, size, format and digest. Pure: the 件号 are given by the store when the
/// package is filed (`EventStore.fileArchiveRecords`), and `metadataFile` writes the DA/T 46
/// metadata (`metadata.xml`, the format `PackageMetadata` reads) from them.
public enum PackageRecords {
    /// A payload file as a record, before it is numbered.
    public struct Planned: Sendable, Equatable {
        /// Relative to `data/`.
        public var path: String
        /// The retention schedule's record kind.
        public var kind: String
        public var title: String
        /// The application the record belongs to (nil: the decision's or a session's own).
        public var applicationID: String?
        public var size: Int
        public var format: String
        public var sha256: String
    }

    /// A numbered record, as catalogued and as written into `metadata.xml`.
    public struct Filed: Sendable, Equatable {
        public var planned: Planned
        public var code: ArchivalCode
        public var documentNumber: String?
        /// 责任者: the office that made the decision.
        public var responsible: String
        public var date: Day
        /// 密级. Personal data (dossiers, declarations) is 内部; published decisions 公开.
        public var classification: String

        public init(
            planned: Planned, code: ArchivalCode, documentNumber: String?, responsible: String, date: Day,
            classification: String
        ) {
            self.planned = planned
            self.code = code
            self.documentNumber = documentNumber
            self.responsible = responsible
            self.date = date
            self.classification = classification
        }
    }

    /// The record kind of a payload path (`decision/qualification-notice/A1.odt` →
    /// `qualification-notice`; `applications/A1/declarations/3.json` → `declaration`).
    public static func kind(ofPath path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        let file = parts.last ?? ""
        switch parts.first {
        case "decision":
            return parts.count > 2 ? parts[1] : "qualification-notice"
        case "committee":
            return file == "session.json" ? "session" : "event-log"
        case "applications":
            guard parts.count > 3 else { return file == "application.json" ? "application" : "event-log" }
            switch parts[2] {
            case "declarations": return "declaration"
            case "dossier": return parts[3] == "attachments" ? "attachment" : parts[3]
            default: return "event-log"
            }
        case "certificates":
            return "event-log"
        default:
            return path == HeadsFile.path ? "heads" : "event-log"
        }
    }

    /// The application a payload path belongs to (`applications/A1/…` → `A1`), nil for the
    /// decision's and the sessions' own files.
    public static func applicationID(ofPath path: String) -> String? {
        let parts = path.split(separator: "/", maxSplits: 2)
        return parts.count > 1 && parts[0] == "applications" ? String(parts[1]) : nil
    }

    /// The format a file is kept in, by its name (the long-term list: ODT, HTML, JSON, XML, PNG,
    /// JPEG, PDF, TXT).
    public static func format(ofPath path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "odt": "ODT"
        case "html", "htm": "HTML"
        case "json": "JSON"
        case "xml": "XML"
        case "png": "PNG"
        case "jpg", "jpeg": "JPEG"
        case "pdf": "PDF"
        case "txt": "TXT"
        default: (path as NSString).pathExtension.uppercased()
        }
    }

    /// The records of a package's payload, in path order.
    /// - Parameters:
    ///   - names: the Chinese name of each record kind (from the retention schedule).
    ///   - person: an application's holder, for the title (`张三`), nil when unknown.
    public static func plan(
        payload: [BagFile], names: (String) -> String?, person: (String) -> String?
    ) -> [Planned] {
        plan(
            written: payload.map { WrittenFile(path: $0.path, size: $0.bytes.count, sha256: BagLayout.sha256Hex($0.bytes)) },
            names: names, person: person)
    }

    /// The records of a payload written (`BagStreamWriter`: sizes and digests taken while
    /// writing), in path order.
    public static func plan(
        written payload: [WrittenFile], names: (String) -> String?, person: (String) -> String?
    ) -> [Planned] {
        payload.sorted { BagLayout.pathOrder($0.path, $1.path) }.map { f in
            let kind = kind(ofPath: f.path)
            let parts = f.path.split(separator: "/").map(String.init)
            let applicationID = applicationID(ofPath: f.path)
            var title = names(kind) ?? kind
            if let applicationID {
                let who = person(applicationID).map { "\($0)，" } ?? ""
                title += "（\(who)申报 \(applicationID)）"
            } else if parts.first == "committee", parts.count > 1 {
                title += "（评审会议 \(parts[1])）"
            }
            let format = format(ofPath: f.path)
            if format == "HTML" { title += "（网页版）" }
            return Planned(
                path: f.path, kind: kind, title: title, applicationID: applicationID, size: f.size, format: format,
                sha256: f.sha256)
        }
    }

    /// The 密级 of a record kind: what holds personal data is 内部, the rest 公开.
    public static func classification(ofKind kind: String) -> String {
        ["qualification-notice", "public-notice", "certificate"].contains(kind) ? "公开" : "内部"
    }

    /// `metadata.xml`: the DA/T 46 elements of every record (escaped; records in 档号 order).
    /// Small packages and tests; the archive builder writes the same text streamed, from the
    /// catalogue (`metadataHeader`, `metadataEntry`, `metadataFooter`).
    public static func metadataFile(fonds: String, organization: String, records: [Filed]) -> BagFile {
        var xml = metadataHeader(fonds: fonds, organization: organization)
        for r in records.sorted(by: { $0.code < $1.code }) { xml += metadataEntry(r) }
        xml += metadataFooter
        return BagFile(path: PackageMetadata.path, bytes: Array(xml.utf8))
    }

    static func escape(_ s: String) -> String {
        // Most values (titles, paths, digests) hold nothing to escape: one pass over the bytes
        // then returns them as they are (a quarter of a million records a city package).
        var s = s
        let plain = s.withUTF8 { bytes in
            for (i, b) in bytes.enumerated() {
                switch b {
                case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), 0..<0x20: return false
                // U+FFFE and U+FFFF (EF BF BE, EF BF BF); other EF… scalars (fullwidth ，（）) are plain.
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE: return false
                default: continue
                }
            }
            return true
        }
        if plain { return s }
        // Characters XML 1.0 does not allow become U+FFFD (`XMLText`), then the markup is escaped.
        return XMLText.clean(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The declaration and the root's start tag of `metadata.xml`.
    public static func metadataHeader(fonds: String, organization: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<电子文件元数据 全宗号=\"\(escape(fonds))\" 立档单位=\"\(escape(organization))\" 标准=\"DA/T 46-2009\">\n"
    }

    /// One record's `<记录>` element.
    public static func metadataEntry(_ r: Filed) -> String {
        let p = r.planned
        let esc = escape
        var xml = "  <记录>\n"
        xml += "    <档号>\(esc(r.code.description))</档号>\n"
        xml += "    <件号>\(r.code.item)</件号>\n"
        xml += "    <题名>\(esc(p.title))</题名>\n"
        xml += "    <文号>\(esc(r.documentNumber ?? ""))</文号>\n"
        xml += "    <责任者>\(esc(r.responsible))</责任者>\n"
        xml += "    <日期>\(r.date.description)</日期>\n"
        xml += "    <保管期限>\(r.code.retention.chinese)</保管期限>\n"
        xml += "    <密级>\(esc(r.classification))</密级>\n"
        xml += "    <计算机文件名>\(esc(p.path))</计算机文件名>\n"
        xml += "    <计算机文件大小>\(p.size)</计算机文件大小>\n"
        xml += "    <格式信息>\(esc(p.format))</格式信息>\n"
        xml += "    <数字摘要 算法=\"SHA-256\">\(p.sha256)</数字摘要>\n"
        xml += "  </记录>\n"
        return xml
    }

    /// The root's end tag.
    public static let metadataFooter = "</电子文件元数据>\n"
}

extension PackageRecords.Filed {
    /// A record as the catalogue holds it (`EventStore.forEachArchiveRecord`).
    public init(catalogued r: CatalogueRecord, responsible: String) throws(ArchiveError) {
        let code: ArchivalCode
        do { code = try ArchivalCode(parsing: r.code) } catch { throw .filing("档号 \(r.code)：\(error)") }
        guard let date = Day(r.date) else { throw .filing("档号 \(r.code) 的日期“\(r.date)”不是 YYYY-MM-DD") }
        self.init(
            planned: PackageRecords.Planned(
                path: r.path, kind: r.kind, title: r.title, applicationID: r.applicationID, size: r.size,
                format: r.format, sha256: r.sha256),
            code: code, documentNumber: r.documentNumber, responsible: responsible, date: date,
            classification: r.classification)
    }
}
