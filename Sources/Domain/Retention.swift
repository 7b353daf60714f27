import Foundation

// The office's retention schedule 归档范围和保管期限表 and the archival code 档号 (DA/T 13).
//
// Public API the archive builds on (kept stable):
//
//     let schedule = try RetentionSchedule.load(path: "policy/retention.yaml")   // or Rulebook.load(…).retention
//     let period = schedule.retention(forRecordKind: "qualification-notice")      // .permanent
//     let organisation = schedule.organisation(forRecordKind: "qualification-notice")  // "ZCB"
//     let code = try ArchivalCode(fonds: "J012", year: 2026, retention: period, organisation: organisation, item: 7)
//     code.description                                                            // "J012-2026-Y-ZCB-0007"
//     ArchivalCode(parsing: "J012-2026-Y-ZCB-0007")                               // the same code
//
// Record kinds are the `DocumentKind` raw values of the Workflow module (`qualification-notice`,
// `minutes`, `vote-record` …) and the package's other records: `dossier`, `declaration`,
// `attachment`, `event-log`, `application`, `session`, `heads`. Pure: nothing here reads a
// file except `RetentionSchedule.load(path:)`.

/// A retention period 保管期限 with its DA/T 13 code.
public enum RetentionPeriod: String, Sendable, Equatable, Hashable, CaseIterable, Codable, Comparable,
    CustomStringConvertible
{
    /// 永久 (code `Y`).
    case permanent = "Y"
    /// 定期 30 年 (code `D30`).
    case years30 = "D30"
    /// 定期 10 年 (code `D10`).
    case years10 = "D10"

    /// The DA/T 13 code used in the 档号: `Y`, `D30`, `D10`.
    public var code: String { rawValue }

    /// The Chinese name: 永久, 30年, 10年.
    public var chinese: String {
        switch self {
        case .permanent: "永久"
        case .years30: "30年"
        case .years10: "10年"
        }
    }

    /// Years kept; nil for permanent.
    public var years: Int? {
        switch self {
        case .permanent: nil
        case .years30: 30
        case .years10: 10
        }
    }

    /// From a code (`Y`, `D30`, `D10`) or a Chinese name (`永久`, `30年`, `10年`, also `定期30年`).
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let p = RetentionPeriod(rawValue: t.uppercased()) {
            self = p
            return
        }
        switch t {
        case "永久": self = .permanent
        case "30年", "定期30年", "30 年": self = .years30
        case "10年", "定期10年", "10 年": self = .years10
        default: return nil
        }
    }

    /// Shorter periods sort first; `permanent` is the greatest.
    public static func < (a: RetentionPeriod, b: RetentionPeriod) -> Bool {
        (a.years ?? Int.max) < (b.years ?? Int.max)
    }

    public var description: String { chinese }
}

/// The office's 归档范围和保管期限表: for each kind of record, its Chinese name, its retention
/// period and its organisation (问题) code in the 档号. Read from `policy/retention.yaml`;
/// `defaults` is the schedule shipped there.
public struct RetentionSchedule: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The record kind (`qualification-notice`, `dossier` …).
        public var kind: String
        /// The Chinese name (取得资格通知).
        public var name: String
        public var retention: RetentionPeriod
        /// The 机构(问题)代码 in the 档号.
        public var organisation: String

        public init(kind: String, name: String, retention: RetentionPeriod, organisation: String) {
            self.kind = kind
            self.name = name
            self.retention = retention
            self.organisation = organisation
        }
    }

    /// The organisation code used where an entry names none.
    public var defaultOrganisation: String
    /// Entries in file order.
    public var entries: [Entry]
    /// The formats the four-property check accepts for long-term keeping (`long_term_formats`),
    /// each one of `knownFormats`.
    public var longTermFormats: [String]

    /// The formats the check can recognise by content (so the only ones a schedule may list).
    public static let knownFormats = ["ODT", "HTML", "JSON", "XML", "TXT", "PNG", "JPEG", "PDF"]

    public init(defaultOrganisation: String, entries: [Entry], longTermFormats: [String] = knownFormats) {
        self.defaultOrganisation = defaultOrganisation
        self.entries = entries
        self.longTermFormats = longTermFormats
    }

    /// The entry of a record kind, or nil when the schedule does not list it.
    public func entry(forRecordKind kind: String) -> Entry? { entries.first { $0.kind == kind } }

    /// The retention period of a record kind, or nil when the schedule does not list it (a
    /// record outside the 归档范围: the caller refuses to number it rather than guess).
    public func retention(forRecordKind kind: String) -> RetentionPeriod? { entry(forRecordKind: kind)?.retention }

    /// The organisation (问题) code of a record kind (the default when it is not listed).
    public func organisation(forRecordKind kind: String) -> String {
        entry(forRecordKind: kind)?.organisation ?? defaultOrganisation
    }

    /// The longest retention among the given kinds (a package is kept as long as its longest
    /// record); nil when none is listed.
    public func longestRetention(forRecordKinds kinds: [String]) -> RetentionPeriod? {
        kinds.compactMap { retention(forRecordKind: $0) }.max()
    }

    /// The record kinds every schedule must list: the archive files them all.
    public static let requiredKinds: [String] = defaults.entries.map(\.kind)

    /// The shipped schedule (the same as `policy/retention.yaml`).
    public static let defaults = RetentionSchedule(
        defaultOrganisation: "ZCB",
        entries: [
            ("qualification-notice", "取得资格通知", RetentionPeriod.permanent),
            ("certificate", "专业技术职务任职资格证书（存根）", .permanent),
            ("revocation-decision", "撤销决定书", .permanent),
            ("reexamination-decision", "复查决定书", .permanent),
            ("minutes", "评审会议纪要", .permanent),
            ("vote-record", "投票记录", .permanent),
            ("session", "评审会议记录（评审安排、出席、回避、计票结果）", .permanent),
            ("application", "申报记录（受理至确认的办理情况）", .permanent),
            ("event-log", "办理过程事件日志", .permanent),
            ("heads", "记录头哈希清单", .permanent),
            ("dossier", "申报材料", .years30),
            ("declaration-form", "申报表", .years30),
            ("pledge", "承诺书", .years30),
            ("declaration", "申报数据及签署记录", .years30),
            ("attachment", "申报附件", .years30),
            ("refusal-notice", "不予受理通知书", .years30),
            ("acceptance-notice", "受理通知书", .years10),
            ("correction-notice", "补正材料通知书", .years10),
            ("public-notice", "评审结果公示", .years10),
        ].map { Entry(kind: $0.0, name: $0.1, retention: $0.2, organisation: "ZCB") })

    /// Reads `retention.yaml`. Unknown keys, a period that is not 永久/30年/10年 (or Y/D30/D10),
    /// an organisation code that cannot stand in a 档号, a kind listed twice or a required kind
    /// missing name the file, the line and the key.
    ///
    /// ```yaml
    /// organisation: ZCB
    /// long_term_formats: [ODT, HTML, JSON, XML, TXT, PNG, JPEG, PDF]
    /// records:
    ///   qualification-notice: { name: 取得资格通知, retention: 永久 }
    ///   public-notice: { name: 评审结果公示, retention: 10年, organisation: ZCB }
    /// ```
    public static func parse(_ root: ConfigNode) throws(ConfigError) -> RetentionSchedule {
        try root.requireOnly(["organisation", "records", "long_term_formats"])
        let organisationNode = try root.required("organisation")
        let organisation = try organisationNode.string()
        if let problem = ArchivalCode.organisationProblem(organisation) { throw organisationNode.error(problem) }
        let records = try root.required("records")
        var entries: [Entry] = []
        for (kind, node) in try records.entries() {
            guard !kind.isEmpty, kind.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw node.error("记录类型应为小写字母、数字和“-”组成的标识，如 qualification-notice")
            }
            guard !entries.contains(where: { $0.kind == kind }) else { throw node.error("记录类型重复") }
            try node.requireOnly(["name", "retention", "organisation"])
            let name = try node.required("name").string()
            let retentionNode = try node.required("retention")
            guard let retention = RetentionPeriod(text: try retentionNode.string()) else {
                throw retentionNode.error("保管期限应为 永久、30年 或 10年（或代码 Y、D30、D10）")
            }
            var org = organisation
            if let o = node["organisation"] {
                org = try o.string()
                if let problem = ArchivalCode.organisationProblem(org) { throw o.error(problem) }
            }
            entries.append(Entry(kind: kind, name: name, retention: retention, organisation: org))
        }
        for kind in requiredKinds where !entries.contains(where: { $0.kind == kind }) {
            throw records.error("缺少记录类型“\(kind)”的保管期限（每类归档记录都须列出）", childKey: kind)
        }
        var formats = knownFormats
        if let node = root["long_term_formats"] {
            formats = []
            for item in try node.items() {
                let name = try item.string().uppercased()
                guard knownFormats.contains(name) else {
                    throw item.error("不是可检测的格式（可选：\(knownFormats.joined(separator: "、"))）")
                }
                if !formats.contains(name) { formats.append(name) }
            }
            guard !formats.isEmpty else { throw node.error("长期保存格式清单不能为空") }
        }
        return RetentionSchedule(defaultOrganisation: organisation, entries: entries, longTermFormats: formats)
    }

    public static func load(path: String) throws(ConfigError) -> RetentionSchedule {
        try parse(ConfigNode.load(path: path))
    }

    /// `DIR/retention.yaml` when it exists, else the defaults (an office that has not yet
    /// written its own schedule files under the shipped one).
    public static func load(directory: String) throws(ConfigError) -> RetentionSchedule {
        let path = (directory as NSString).appendingPathComponent("retention.yaml")
        guard FileManager.default.fileExists(atPath: path) else { return defaults }
        return try load(path: path)
    }
}

/// Why an archival code cannot be made or read.
public struct ArchivalCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part concerned: 全宗号, 年度, 保管期限, 机构(问题)代码, 件号 or 档号.
    public var part: String
    /// In Chinese.
    public var message: String

    public init(part: String, message: String) {
        self.part = part
        self.message = message
    }

    public var description: String { "\(part)：\(message)" }
}

/// A 档号 per DA/T 13: 全宗号-年度-保管期限代码-机构(问题)代码-件号, the 件号 zero-padded to four
/// digits: `J012-2026-Y-ZCB-0007`. Beyond 9999 the 件号 takes more digits (`…-ZCB-12345`): the
/// archive files one record per file, and a city's season holds more than 9,999 files a series
/// (about 14 per application) — a departure from DA/T 13's four digits until records are filed
/// one 件 per applicant's dossier. Every part is checked when made and when parsed; the parts
/// hold no `-`, so the text reads back to the same code.
public struct ArchivalCode: Sendable, Equatable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 全宗号, given by the archives (e.g. `J012`).
    public let fonds: String
    /// 年度 (the year the records were made).
    public let year: Int
    public let retention: RetentionPeriod
    /// 机构(问题)代码 (e.g. `ZCB`).
    public let organisation: String
    /// 件号, 1…999999, gap-free within fonds, year, retention and organisation.
    public let item: Int

    public static let itemRange = 1...999_999
    public static let yearRange = 1900...9999

    public init(
        fonds: String, year: Int, retention: RetentionPeriod, organisation: String, item: Int
    ) throws(ArchivalCodeError) {
        if let p = Self.fondsProblem(fonds) { throw ArchivalCodeError(part: "全宗号", message: p) }
        guard Self.yearRange.contains(year) else {
            throw ArchivalCodeError(part: "年度", message: "应为四位年份，实为 \(year)")
        }
        if let p = Self.organisationProblem(organisation) {
            throw ArchivalCodeError(part: "机构(问题)代码", message: p)
        }
        guard Self.itemRange.contains(item) else {
            throw ArchivalCodeError(part: "件号", message: "应在 1 至 999999 之间，实为 \(item)")
        }
        self.fonds = fonds
        self.year = year
        self.retention = retention
        self.organisation = organisation
        self.item = item
    }

    /// Reads `J012-2026-Y-ZCB-0007`; the 件号 has four digits (more only above 9999).
    public init(parsing text: String) throws(ArchivalCodeError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw ArchivalCodeError(part: "档号", message: "应为 全宗号-年度-保管期限代码-机构(问题)代码-件号 五段，实为“\(text)”")
        }
        guard parts[1].count == 4, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(parts[1]) else {
            throw ArchivalCodeError(part: "年度", message: "应为四位数字，实为“\(parts[1])”")
        }
        guard let retention = RetentionPeriod(rawValue: parts[2]) else {
            throw ArchivalCodeError(part: "保管期限", message: "代码应为 Y、D30 或 D10，实为“\(parts[2])”")
        }
        guard (4...6).contains(parts[4].count), parts[4].allSatisfy({ $0.isASCII && $0.isNumber }),
            let item = Int(parts[4]), parts[4].count == 4 || item > 9999
        else {
            throw ArchivalCodeError(part: "件号", message: "应为四位数字（9999 以上按实际位数），实为“\(parts[4])”")
        }
        try self.init(fonds: parts[0], year: year, retention: retention, organisation: parts[3], item: item)
    }

    /// `J012-2026-Y-ZCB-0007`.
    public var description: String {
        let padded = String(repeating: "0", count: max(0, 4 - String(item).count)) + String(item)
        return "\(fonds)-\(year)-\(retention.code)-\(organisation)-\(padded)"
    }

    /// The codes of one series (全宗号, 年度, 保管期限, 机构) share this prefix; 件号 run within it.
    public var series: String { "\(fonds)-\(year)-\(retention.code)-\(organisation)" }

    /// Ordered by series, then 件号.
    public static func < (a: ArchivalCode, b: ArchivalCode) -> Bool {
        (a.series, a.item) < (b.series, b.item)
    }

    /// Why a 全宗号 cannot stand in a 档号 (nil: it can): 1 to 10 upper-case ASCII letters and
    /// digits (DA/T 13: given by the archives, usually four characters such as `J012`).
    public static func fondsProblem(_ fonds: String) -> String? {
        codePartProblem(fonds)
    }

    /// Why a 机构(问题)代码 cannot stand in a 档号 (nil: it can): as for the 全宗号.
    public static func organisationProblem(_ code: String) -> String? {
        codePartProblem(code)
    }

    static func codePartProblem(_ text: String) -> String? {
        if text.isEmpty { return "不能为空" }
        if text.count > 10 { return "最多 10 个字符，实为 \(text.count) 个" }
        guard text.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            return "只能由大写英文字母和数字组成（不含“-”、空格和汉字），实为“\(text)”"
        }
        return nil
    }

    // Codable as its text.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
