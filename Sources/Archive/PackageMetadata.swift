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
    /// largest package took 70 MB). A package's own metadata is read with `scan`, in the memory
    /// of one record.
    public static func parse(_ bytes: [UInt8]) throws(MarkupProblem) -> PackageMetadata {
        var records: [Record] = []
        let fonds = try scan(.bytes(bytes)) { records.append($0) }
        return PackageMetadata(fonds: fonds, records: records)
    }

    /// Where `scan` reads the file from.
    public enum Source {
        case bytes([UInt8])
        /// An open file, read from its start in libxml2's chunks (the caller closes it).
        case descriptor(Int32)
    }

    /// Reads the file record by record, handing each to `visit` as soon as its `</记录>` is
    /// read; nothing of a record is kept after. `root` learns the root's 全宗号 before the
    /// first record. The same rules as `parse`: no network, an internal DTD subset or an
    /// external identifier refused (entity declarations live only there).
    /// - Returns: the root's 全宗号.
    @discardableResult
    public static func scan(
        _ source: Source, root: (String?) -> Void = { _ in }, visit: (Record) -> Void
    ) throws(MarkupProblem) -> String? {
        let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue) | Int32(XML_PARSE_NOWARNING.rawValue)
        xmlResetLastError()
        let made: xmlTextReaderPtr?
        switch source {
        case .bytes(let bytes):
            if contains(bytes, "<!ENTITY") { throw MarkupProblem(message: "含实体声明（<!ENTITY>），不予解析", line: nil) }
            guard !bytes.isEmpty else { throw MarkupProblem(message: "文件为空", line: nil) }
            // The reader parses from the buffer as it goes: the whole reading stays inside it.
            return try bytes.withUnsafeBufferPointer { buf throws(MarkupProblem) in
                let start = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
                guard let reader = xmlReaderForMemory(start, Int32(buf.count), path, "UTF-8", options) else {
                    throw MarkupProblem(message: "不是格式良好的 XML", line: nil)
                }
                defer { xmlFreeTextReader(reader) }
                return try scan(reader: reader, root: root, visit: visit)
            }
        case .descriptor(let fd):
            var st = stat()
            if fstat(fd, &st) == 0, st.st_size == 0 { throw MarkupProblem(message: "文件为空", line: nil) }
            made = xmlReaderForFd(fd, path, "UTF-8", options)
        }
        guard let reader = made else { throw MarkupProblem(message: "不是格式良好的 XML", line: nil) }
        defer { xmlFreeTextReader(reader) }
        return try scan(reader: reader, root: root, visit: visit)
    }

    private static func scan(
        reader: xmlTextReaderPtr, root: (String?) -> Void, visit: (Record) -> Void
    ) throws(MarkupProblem) -> String? {
        func string(_ p: UnsafePointer<xmlChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        func attribute(_ name: String) -> String? {
            guard let v = xmlTextReaderGetAttribute(reader, name) else { return nil }
            defer { free(v) }  // xmlFree is free() unless a program replaces it; this one never does
            return String(cString: v)
        }
        var fonds: String?
        var sawRoot = false
        var record: Record?  // the record being read
        var field: String?  // the depth-2 element whose text is being read
        var text = ""
        func close() {
            if let field, record != nil {
                record!.fields[field] = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            field = nil
            text = ""
        }
        func finishRecord() {
            close()
            if let done = record { visit(done) }
            record = nil
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
            case 10:  // DOCTYPE: only a bare `<!DOCTYPE name>` (no identifier, no internal subset)
                if let node = xmlTextReaderCurrentNode(reader) {
                    let dtd = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self).pointee
                    if dtd.ExternalID != nil || dtd.SystemID != nil || dtd.children != nil {
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
                    root(fonds)
                } else if depth == 1 {
                    finishRecord()
                    guard local == recordName else {
                        throw MarkupProblem(message: "<\(rootName)> 下应只有 <\(recordName)>，见到 <\(name)>", line: line)
                    }
                    record = Record(fields: [:], digestAlgorithm: nil, line: line)
                    if xmlTextReaderIsEmptyElement(reader) == 1 { finishRecord() }
                } else if depth == 2, record != nil {
                    close()
                    if local == "数字摘要" { record!.digestAlgorithm = attribute("算法") }
                    if xmlTextReaderIsEmptyElement(reader) == 1 {
                        record!.fields[local] = ""
                    } else {
                        field = local
                    }
                }
            case 3, 4, 13, 14:  // text, CDATA and white space: the depth-2 element's own text
                if field != nil, depth == 3 { text += string(xmlTextReaderConstValue(reader)) }
            case 15:  // an element ends
                if depth == 2 { close() } else if depth == 1 { finishRecord() }
            default:
                break
            }
        }
        finishRecord()
        guard sawRoot else { throw MarkupProblem(message: "没有根元素", line: nil) }
        return fonds
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
        var audit = Audit(fonds: fonds)
        for r in records { audit.add(r) }
        return audit.problems
    }

    /// Gaps and repeats in the 件号 of each series (全宗号-年度-保管期限-机构) among these
    /// records: within one package the numbers run without a gap.
    public func itemNumberProblems() -> [String] {
        var audit = Audit(fonds: fonds)
        for r in records { audit.add(r) }
        return audit.itemNumberProblems()
    }

    /// The checks of `problems()` and `itemNumberProblems()` made record by record, as `scan`
    /// reads them: what it keeps is each record's 档号 and file name, not the record.
    public struct Audit: Sendable {
        public let fonds: String?
        public private(set) var recordCount = 0
        public private(set) var problems: [(record: String, problem: String)] = []
        /// 档号 → the file name (or label) of the record that has it.
        private var codes: [String: String] = [:]
        /// The files catalogued (relative to `data/`).
        public private(set) var files: Set<String> = []
        private var bySeries: [String: [Int]] = [:]

        public init(fonds: String?) {
            self.fonds = fonds
            if fonds?.isEmpty ?? true { problems.append((PackageMetadata.path, "根元素 <\(PackageMetadata.rootName)> 缺少全宗号属性")) }
        }

        public mutating func add(_ r: Record) {
            recordCount += 1
            let label = r.label
            for name in PackageMetadata.requiredFields {
                guard let v = r[name] else {
                    problems.append((label, "缺少 <\(name)>"))
                    continue
                }
                if v.isEmpty, !PackageMetadata.mayBeEmpty.contains(name) { problems.append((label, "<\(name)> 为空")) }
            }
            if let text = r["档号"], !text.isEmpty {
                do {
                    let code = try ArchivalCode(parsing: text)
                    if let fonds, !fonds.isEmpty, code.fonds != fonds {
                        problems.append((label, "档号 \(text) 的全宗号与元数据文件的全宗号 \(fonds) 不符"))
                    }
                    if let p = r["保管期限"], !p.isEmpty, RetentionPeriod(text: p) != code.retention {
                        problems.append((label, "档号 \(text) 的保管期限代码与 <保管期限> “\(p)” 不符"))
                    }
                    if let item = r["件号"], !item.isEmpty, Int(item) != code.item {
                        problems.append((label, "档号 \(text) 的件号与 <件号> “\(item)” 不符"))
                    }
                    if let other = codes[code.description] {
                        problems.append((label, "档号 \(text) 与 \(other) 重复"))
                    } else {
                        codes[code.description] = label
                    }
                    bySeries[code.series, default: []].append(code.item)
                } catch {
                    problems.append((label, "档号“\(text)”不符合 DA/T 13：\(error.description)"))
                }
            }
            if let p = r["保管期限"], !p.isEmpty, RetentionPeriod(text: p) == nil {
                problems.append((label, "<保管期限> “\(p)” 不是 永久、30年 或 10年"))
            }
            if let s = r["计算机文件大小"], !s.isEmpty, Int(s) == nil || Int(s)! < 0 {
                problems.append((label, "<计算机文件大小> “\(s)” 不是字节数"))
            }
            if r["数字摘要"] != nil {
                if r.digestAlgorithm?.uppercased() != "SHA-256" {
                    problems.append((label, "<数字摘要> 的算法应为 SHA-256，实为“\(r.digestAlgorithm ?? "（未注明）")”"))
                }
                if let d = r["数字摘要"], !d.isEmpty, d.count != 64 || !d.allSatisfy(\.isHexDigit) {
                    problems.append((label, "<数字摘要> 不是 64 位十六进制的 SHA-256 值"))
                }
            }
            if let f = r["计算机文件名"], !f.isEmpty {
                if let reason = SafePath.problem(f) {
                    problems.append((label, "<计算机文件名> 不是包内的安全路径（\(reason)）"))
                }
                if !files.insert(f).inserted { problems.append((label, "同一文件被著录两次")) }
            }
        }

        /// Gaps and repeats in the 件号 of each series.
        public func itemNumberProblems() -> [String] {
            var out: [String] = []
            for (series, items) in bySeries.sorted(by: { $0.key < $1.key }) {
                let sorted = items.sorted()
                guard let first = sorted.first, let last = sorted.last else { continue }
                var missing: [Int] = []
                var missingCount = 0
                var repeated: [Int] = []
                var previous = first - 1
                for item in sorted {
                    if item == previous {
                        if repeated.last != item { repeated.append(item) }
                        continue
                    }
                    if item > previous + 1 {
                        missingCount += item - previous - 1
                        var m = previous + 1
                        while m < item && missing.count < 10 {
                            missing.append(m)
                            m += 1
                        }
                    }
                    previous = item
                }
                if missingCount > 0 {
                    let shown = missing.map { String(format: "%04d", $0) }.joined(separator: "、")
                    out.append(
                        "\(series) 的件号在 \(String(format: "%04d", first)) 至 \(String(format: "%04d", last)) 之间缺号：\(shown)\(missingCount > 10 ? " 等 \(missingCount) 个" : "")"
                    )
                }
                if !repeated.isEmpty {
                    out.append("\(series) 的件号重复：\(repeated.map { String(format: "%04d", $0) }.joined(separator: "、"))")
                }
            }
            return out
        }
    }
}
