import Documents
import Domain
import Foundation

/// The DA/T 46 metadata file of a package as the four-property check reads it: the root tag
/// file `metadata.xml`, `<电子文件元数据 全宗号="…">` with one `<记录>` per record holding
/// `<题名>`, `<文号>`, `<责任者>`, `<日期>`, `<保管期限>`, `<密级>`, `<档号>`, `<件号>`,
/// `<计算机文件名>` (the payload path relative to `data/`), `<计算机文件大小>` (bytes),
/// `<格式信息>` and `<数字摘要 算法="SHA-256">`.
public struct PackageMetadata: Sendable, Equatable {
    public static let path = "metadata.xml"
    public static let rootName = "电子文件元数据"
    public static let recordName = "记录"
    /// Every element a record must hold; only 文号 may be empty (a record without one).
    public static let requiredFields = [
        "题名", "文号", "责任者", "日期", "保管期限", "密级", "档号", "件号", "计算机文件名", "计算机文件大小", "格式信息", "数字摘要",
    ]
    public static let mayBeEmpty: Set<String> = ["文号"]

    public struct Record: Sendable, Equatable {
        /// Element name → its text (trimmed).
        public var fields: [String: String]
        /// The 算法 attribute of 数字摘要.
        public var digestAlgorithm: String?
        /// The line of the `<记录>` element.
        public var line: Int

        public subscript(_ name: String) -> String? { fields[name] }

        /// How the check names the record: its file, else its 档号, else its line.
        public var label: String {
            if let f = fields["计算机文件名"], !f.isEmpty { return "data/" + f }
            if let c = fields["档号"], !c.isEmpty { return "档号 \(c)" }
            return "metadata.xml 第 \(line) 行的记录"
        }
    }

    /// The 全宗号 attribute of the root.
    public var fonds: String?
    public var records: [Record]

    public init(fonds: String?, records: [Record]) {
        self.fonds = fonds
        self.records = records
    }

    /// Parses the file (libxml2, no network, no DTD, no entities).
    public static func parse(_ bytes: [UInt8]) throws(MarkupProblem) -> PackageMetadata {
        let elements = try MarkupInspection.elements(ofXML: bytes, part: path)
        guard let root = elements.first, root.localName == rootName else {
            throw MarkupProblem(message: "根元素应为 <\(rootName)>，实为 <\(elements.first?.name ?? "")>", line: 1)
        }
        var records: [Record] = []
        for e in elements.dropFirst() {
            if e.depth == 1 {
                guard e.localName == recordName else {
                    throw MarkupProblem(message: "<\(rootName)> 下应只有 <\(recordName)>，见到 <\(e.name)>", line: e.line)
                }
                records.append(Record(fields: [:], digestAlgorithm: nil, line: e.line))
            } else if e.depth == 2, !records.isEmpty {
                records[records.count - 1].fields[e.localName] = e.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if e.localName == "数字摘要" { records[records.count - 1].digestAlgorithm = e.attribute("算法") }
            }
        }
        return PackageMetadata(fonds: root.attribute("全宗号"), records: records)
    }

    /// What is missing or inconsistent in the records themselves (no file is read): every
    /// required element present, 档号 well-formed and agreeing with the root's 全宗号, the
    /// record's 保管期限 and 件号, sizes numbers, digests SHA-256, no 档号 or file twice.
    public func problems() -> [(record: String, problem: String)] {
        var out: [(String, String)] = []
        if fonds?.isEmpty ?? true { out.append((Self.path, "根元素 <\(Self.rootName)> 缺少全宗号属性")) }
        var codes: [String: String] = [:]
        var files: [String: String] = [:]
        for r in records {
            let label = r.label
            for name in Self.requiredFields {
                guard let v = r[name] else {
                    out.append((label, "缺少 <\(name)>"))
                    continue
                }
                if v.isEmpty, !Self.mayBeEmpty.contains(name) { out.append((label, "<\(name)> 为空")) }
            }
            if let text = r["档号"], !text.isEmpty {
                do {
                    let code = try ArchivalCode(parsing: text)
                    if let fonds, !fonds.isEmpty, code.fonds != fonds {
                        out.append((label, "档号 \(text) 的全宗号与元数据文件的全宗号 \(fonds) 不符"))
                    }
                    if let p = r["保管期限"], !p.isEmpty, RetentionPeriod(text: p) != code.retention {
                        out.append((label, "档号 \(text) 的保管期限代码与 <保管期限> “\(p)” 不符"))
                    }
                    if let item = r["件号"], !item.isEmpty, Int(item) != code.item {
                        out.append((label, "档号 \(text) 的件号与 <件号> “\(item)” 不符"))
                    }
                    if let other = codes[code.description] {
                        out.append((label, "档号 \(text) 与 \(other) 重复"))
                    } else {
                        codes[code.description] = label
                    }
                } catch {
                    out.append((label, "档号“\(text)”不符合 DA/T 13：\(error.description)"))
                }
            }
            if let p = r["保管期限"], !p.isEmpty, RetentionPeriod(text: p) == nil {
                out.append((label, "<保管期限> “\(p)” 不是 永久、30年 或 10年"))
            }
            if let s = r["计算机文件大小"], !s.isEmpty, Int(s) == nil || Int(s)! < 0 {
                out.append((label, "<计算机文件大小> “\(s)” 不是字节数"))
            }
            if r["数字摘要"] != nil {
                if r.digestAlgorithm?.uppercased() != "SHA-256" {
                    out.append((label, "<数字摘要> 的算法应为 SHA-256，实为“\(r.digestAlgorithm ?? "（未注明）")”"))
                }
                if let d = r["数字摘要"], !d.isEmpty, d.count != 64 || !d.allSatisfy(\.isHexDigit) {
                    out.append((label, "<数字摘要> 不是 64 位十六进制的 SHA-256 值"))
                }
            }
            if let f = r["计算机文件名"], !f.isEmpty {
                if let reason = SafePath.problem(f) {
                    out.append((label, "<计算机文件名> 不是包内的安全路径（\(reason)）"))
                }
                if files[f] != nil { out.append((label, "同一文件被著录两次")) }
                files[f] = label
            }
        }
        return out
    }

    /// Gaps and repeats in the 件号 of each series (全宗号-年度-保管期限-机构) among these
    /// records: within one package the numbers run without a gap.
    public func itemNumberProblems() -> [String] {
        var bySeries: [String: [Int]] = [:]
        for r in records {
            guard let text = r["档号"], let code = try? ArchivalCode(parsing: text) else { continue }
            bySeries[code.series, default: []].append(code.item)
        }
        var out: [String] = []
        for (series, items) in bySeries.sorted(by: { $0.key < $1.key }) {
            let sorted = items.sorted()
            guard let first = sorted.first, let last = sorted.last else { continue }
            let present = Set(sorted)
            let missing = (first...last).filter { !present.contains($0) }
            if !missing.isEmpty {
                let shown = missing.prefix(10).map { String(format: "%04d", $0) }.joined(separator: "、")
                out.append(
                    "\(series) 的件号在 \(String(format: "%04d", first)) 至 \(String(format: "%04d", last)) 之间缺号：\(shown)\(missing.count > 10 ? " 等 \(missing.count) 个" : "")"
                )
            }
            if present.count != sorted.count {
                let repeated = Dictionary(grouping: sorted, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
                out.append("\(series) 的件号重复：\(repeated.map { String(format: "%04d", $0) }.joined(separator: "、"))")
            }
        }
        return out
    }
}
