import CLibXML2
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

    /// Parses the file (libxml2's streaming reader: no network, no DTD, no entities). Read node
    /// by node, never as a tree: a package of tens of thousands of records is parsed in the
    /// memory of its records, not of a document tree (the tree of a 2,000-application season's
    /// largest package took 70 MB).
    public static func parse(_ bytes: [UInt8]) throws(MarkupProblem) -> PackageMetadata {
        if contains(bytes, "<!ENTITY") { throw MarkupProblem(message: "含实体声明（<!ENTITY>），不予解析", line: nil) }
        guard !bytes.isEmpty else { throw MarkupProblem(message: "文件为空", line: nil) }
        let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue) | Int32(XML_PARSE_NOWARNING.rawValue)
        xmlResetLastError()
        let made = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReaderForMemory($0, Int32(buf.count), path, "UTF-8", options)
            }
        }
        guard let reader = made else { throw MarkupProblem(message: "不是格式良好的 XML", line: nil) }
        defer { xmlFreeTextReader(reader) }
        func string(_ p: UnsafePointer<xmlChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        func attribute(_ name: String) -> String? {
            guard let v = xmlTextReaderGetAttribute(reader, name) else { return nil }
            defer { free(v) }  // xmlFree is free() unless a program replaces it; this one never does
            return String(cString: v)
        }
        var fonds: String?
        var sawRoot = false
        var records: [Record] = []
        var field: String?  // the depth-2 element whose text is being read
        var text = ""
        func close() {
            if let field, !records.isEmpty {
                records[records.count - 1].fields[field] = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            field = nil
            text = ""
        }
        while true {
            let step = xmlTextReaderRead(reader)
            if step == 0 { break }
            guard step == 1 else {
                var message = "不是格式良好的 XML"
                var line: Int?
                if let err = xmlGetLastError(), let m = err.pointee.message {
                    message += "（" + String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines) + "）"
                    line = Int(err.pointee.line)
                }
                throw MarkupProblem(message: message, line: line)
            }
            let type = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
            switch type {
            case 10:  // DOCTYPE: only a bare `<!DOCTYPE name>`
                if let open = firstIndex(bytes, "<!DOCTYPE") {
                    let declaration = bytes[open...].prefix { $0 != UInt8(ascii: ">") }
                    if contains(Array(declaration), "SYSTEM") || contains(Array(declaration), "PUBLIC")
                        || declaration.contains(UInt8(ascii: "["))
                    {
                        throw MarkupProblem(message: "含 DTD 声明（外部标识或内部子集），不予接受", line: nil)
                    }
                }
            case 1:  // an element starts
                let local = string(xmlTextReaderConstLocalName(reader))
                let name = string(xmlTextReaderConstName(reader))
                if depth == 0 {
                    guard local == rootName else {
                        throw MarkupProblem(message: "根元素应为 <\(rootName)>，实为 <\(name)>", line: 1)
                    }
                    sawRoot = true
                    fonds = attribute("全宗号")
                } else if depth == 1 {
                    close()
                    guard local == recordName else {
                        throw MarkupProblem(message: "<\(rootName)> 下应只有 <\(recordName)>，见到 <\(name)>", line: line)
                    }
                    records.append(Record(fields: [:], digestAlgorithm: nil, line: line))
                } else if depth == 2, !records.isEmpty {
                    close()
                    if local == "数字摘要" { records[records.count - 1].digestAlgorithm = attribute("算法") }
                    if xmlTextReaderIsEmptyElement(reader) == 1 {
                        records[records.count - 1].fields[local] = ""
                    } else {
                        field = local
                    }
                }
            case 3, 4, 13, 14:  // text, CDATA and white space: the depth-2 element's own text
                if field != nil, depth == 3 { text += string(xmlTextReaderConstValue(reader)) }
            case 15:  // an element ends
                if depth == 2 { close() }
            default:
                break
            }
        }
        guard sawRoot else { throw MarkupProblem(message: "没有根元素", line: nil) }
        return PackageMetadata(fonds: fonds, records: records)
    }

    static func firstIndex(_ bytes: [UInt8], _ needle: String) -> Int? {
        let n = Array(needle.utf8)
        guard !n.isEmpty, bytes.count >= n.count else { return nil }
        var i = 0
        while i <= bytes.count - n.count {
            if bytes[i] == n[0] {
                var k = 1
                while k < n.count && bytes[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func contains(_ bytes: [UInt8], _ needle: String) -> Bool { firstIndex(bytes, needle) != nil }

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
