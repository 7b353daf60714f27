import Domain
import Foundation

/// The four properties DA/T 70-2018 checks in an electronic record: authenticity 真实性,
/// integrity 完整性, usability 可用性 and security 安全性.
public enum ArchiveProperty: String, Codable, Sendable, CaseIterable {
    case authenticity, integrity, usability, security

    public var chinese: String {
        switch self {
        case .authenticity: "真实性"
        case .integrity: "完整性"
        case .usability: "可用性"
        case .security: "安全性"
        }
    }
}

/// The result of one item: 通过, 不通过 or 不适用.
public enum CheckOutcome: String, Codable, Sendable, Equatable {
    case passed, failed, notApplicable = "not-applicable"

    public var chinese: String {
        switch self {
        case .passed: "通过"
        case .failed: "不通过"
        case .notApplicable: "不适用"
        }
    }
}

/// When a package is checked (DA/T 70: at filing, at hand-over, at receipt and in keeping).
public enum CheckOccasion: String, Codable, Sendable, CaseIterable {
    case filing, onDemand = "on-demand", transfer, receipt

    public var chinese: String {
        switch self {
        case .filing: "归档检测"
        case .onDemand: "抽查检测"
        case .transfer: "移交检测"
        case .receipt: "接收检测"
        }
    }
}

/// One item of the check: what was checked, its result and, when it failed, every file
/// concerned with why (in Chinese).
public struct CheckItem: Codable, Sendable, Equatable {
    public var property: ArchiveProperty
    /// Stable identifier (`authenticity.signature`, `usability.odf-schema` …).
    public var id: String
    /// The item's Chinese name (签名有效性 …).
    public var name: String
    public var outcome: CheckOutcome
    /// Chinese lines: what passed, or each failure naming its file.
    public var details: [String]
    /// Paths inside the package concerned by a failure (`data/…`, `metadata.xml`).
    public var files: [String]

    public init(
        _ property: ArchiveProperty, id: String, name: String, outcome: CheckOutcome, details: [String],
        files: [String] = []
    ) {
        self.property = property
        self.id = id
        self.name = name
        self.outcome = outcome
        self.details = details
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case property, id, name, outcome, details, files
        case outcomeChinese = "outcome_chinese"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(property, forKey: .property)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(outcome.chinese, forKey: .outcomeChinese)
        try c.encode(details, forKey: .details)
        try c.encode(files, forKey: .files)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        property = try c.decode(ArchiveProperty.self, forKey: .property)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        outcome = try c.decode(CheckOutcome.self, forKey: .outcome)
        details = try c.decode([String].self, forKey: .details)
        files = try c.decode([String].self, forKey: .files)
    }
}

/// The four-property check of one package (DA/T 70), as JSON (`<package>.check.json`, stable
/// field names, format `pingshen-four-property-check/1`) and as a Chinese HTML page
/// (`<package>.check.html`), kept beside the package.
public struct FourPropertyReport: Codable, Sendable, Equatable {
    public static let formatName = "pingshen-four-property-check/1"

    public var format = Self.formatName
    /// The package's file or folder name (`decision-2026-12`, `decision-2026-12.zip`).
    public var package: String
    public var externalIdentifier: String?
    public var baggingDate: String?
    public var occasion: CheckOccasion
    /// When checked (ISO 8601, UTC).
    public var checkedAt: String
    /// Where the trusted keys came from (Chinese).
    public var trust: String
    /// The key that signed the package, when its signature holds.
    public var signedBy: String?
    public var items: [CheckItem]

    public init(
        package: String, externalIdentifier: String?, baggingDate: String?, occasion: CheckOccasion,
        checkedAt: String, trust: String, signedBy: String?, items: [CheckItem]
    ) {
        self.package = package
        self.externalIdentifier = externalIdentifier
        self.baggingDate = baggingDate
        self.occasion = occasion
        self.checkedAt = checkedAt
        self.trust = trust
        self.signedBy = signedBy
        self.items = items
    }

    /// Every item passed or does not apply.
    public var passed: Bool { !items.contains { $0.outcome == .failed } }

    /// A property fails when one of its items fails; passes when one passes and none fails.
    public func outcome(of property: ArchiveProperty) -> CheckOutcome {
        let mine = items.filter { $0.property == property }
        if mine.contains(where: { $0.outcome == .failed }) { return .failed }
        return mine.contains(where: { $0.outcome == .passed }) ? .passed : .notApplicable
    }

    public func item(_ id: String) -> CheckItem? { items.first { $0.id == id } }

    /// The items that failed.
    public var failures: [CheckItem] { items.filter { $0.outcome == .failed } }

    enum CodingKeys: String, CodingKey {
        case format, package, occasion, trust, items, result, properties
        case externalIdentifier = "external_identifier"
        case baggingDate = "bagging_date"
        case checkedAt = "checked_at"
        case signedBy = "signed_by"
        case occasionChinese = "occasion_chinese"
        case resultChinese = "result_chinese"
    }

    struct PropertySummary: Codable {
        var property: ArchiveProperty
        var name: String
        var outcome: CheckOutcome
        var outcomeChinese: String
        enum CodingKeys: String, CodingKey {
            case property, name, outcome
            case outcomeChinese = "outcome_chinese"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(package, forKey: .package)
        try c.encode(externalIdentifier, forKey: .externalIdentifier)
        try c.encode(baggingDate, forKey: .baggingDate)
        try c.encode(occasion, forKey: .occasion)
        try c.encode(occasion.chinese, forKey: .occasionChinese)
        try c.encode(checkedAt, forKey: .checkedAt)
        try c.encode(trust, forKey: .trust)
        try c.encode(signedBy, forKey: .signedBy)
        try c.encode(passed ? "passed" : "failed", forKey: .result)
        try c.encode(passed ? "通过" : "不通过", forKey: .resultChinese)
        try c.encode(
            ArchiveProperty.allCases.map {
                PropertySummary(
                    property: $0, name: $0.chinese, outcome: outcome(of: $0), outcomeChinese: outcome(of: $0).chinese)
            }, forKey: .properties)
        try c.encode(items, forKey: .items)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        package = try c.decode(String.self, forKey: .package)
        externalIdentifier = try c.decodeIfPresent(String.self, forKey: .externalIdentifier)
        baggingDate = try c.decodeIfPresent(String.self, forKey: .baggingDate)
        occasion = try c.decode(CheckOccasion.self, forKey: .occasion)
        checkedAt = try c.decode(String.self, forKey: .checkedAt)
        trust = try c.decode(String.self, forKey: .trust)
        signedBy = try c.decodeIfPresent(String.self, forKey: .signedBy)
        items = try c.decode([CheckItem].self, forKey: .items)
    }

    /// Sorted keys, two-space indentation, LF at the end.
    public func json() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding plain strings, arrays and enums cannot fail.
        return Array((try? e.encode(self)) ?? Data()) + [0x0A]
    }

    /// The report as lines of Chinese text (what `pingshen archive check` prints).
    public var text: String {
        var lines: [String] = []
        lines.append(
            "四性检测（DA/T 70，\(occasion.chinese)）：\(package)"
                + (externalIdentifier.map { "，所载决定 \($0)" } ?? "") + (baggingDate.map { "，日期 \($0)" } ?? ""))
        lines.append("信任依据：\(trust)" + (signedBy.map { "；签名密钥 \($0)" } ?? ""))
        for property in ArchiveProperty.allCases {
            lines.append("【\(property.chinese)】\(outcome(of: property).chinese)")
            for item in items where item.property == property {
                lines.append("  \(item.name)：\(item.outcome.chinese)")
                for d in item.details { lines.append("    - \(d)") }
            }
        }
        lines.append(passed ? "结论：四性检测通过。" : "结论：四性检测不通过，共 \(failures.count) 项不通过。")
        return lines.joined(separator: "\n")
    }

    /// A Chinese HTML page (every value escaped; no script, no external reference).
    public func html() -> String {
        func e(_ s: String) -> String { HTMLEscape.escape(s) }
        var body = ""
        body += "<h1>电子档案四性检测报告</h1>\n"
        body += "<table class=\"meta\"><tbody>\n"
        body += "<tr><th>归档包</th><td>\(e(package))</td></tr>\n"
        body += "<tr><th>所载决定</th><td>\(e(externalIdentifier ?? "（未知）"))</td></tr>\n"
        body += "<tr><th>归档日期</th><td>\(e(baggingDate ?? "（未知）"))</td></tr>\n"
        body += "<tr><th>检测环节</th><td>\(e(occasion.chinese))</td></tr>\n"
        body += "<tr><th>检测时间</th><td>\(e(checkedAt))</td></tr>\n"
        body += "<tr><th>信任依据</th><td>\(e(trust))</td></tr>\n"
        body += "<tr><th>签名密钥</th><td>\(e(signedBy ?? "（签名未通过验证）"))</td></tr>\n"
        body += "<tr><th>结论</th><td class=\"\(passed ? "passed" : "failed")\">\(passed ? "通过" : "不通过")</td></tr>\n"
        body += "</tbody></table>\n"
        for property in ArchiveProperty.allCases {
            let outcome = outcome(of: property)
            body += "<h2>\(e(property.chinese))：<span class=\"\(outcome.rawValue)\">\(e(outcome.chinese))</span></h2>\n"
            body += "<table class=\"items\"><thead><tr><th>检测项目</th><th>结果</th><th>说明</th></tr></thead><tbody>\n"
            for item in items where item.property == property {
                let details = item.details.map { "<li>\(e($0))</li>" }.joined()
                body +=
                    "<tr><td>\(e(item.name))</td><td class=\"\(item.outcome.rawValue)\">\(e(item.outcome.chinese))</td><td><ul>\(details)</ul></td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8"/>
            <title>四性检测报告 \(e(package))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em; }
            table { border-collapse: collapse; margin-bottom: 1em; }
            th, td { border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
            .passed { color: #060; } .failed { color: #b00; font-weight: bold; } .not-applicable { color: #666; }
            ul { margin: 0; padding-left: 1.2em; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }
}

/// HTML text escaping for the reports this module writes.
enum HTMLEscape {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Characters XML forbids become U+FFFD (the report is also read as XHTML).
                if ch.value < 0x20 && ch != "\n" && ch != "\t" || (0xFFFE...0xFFFF).contains(ch.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }
}
