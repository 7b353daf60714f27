import Crypto
import Domain
import Foundation
import Signing

/// The transfer list 移交清单 of a hand-over batch: each package with its decision, records,
/// 档号 range, size and digest, and its four-property check at hand-over. Written as
/// `transfer-list.json` (these bytes are signed) and `transfer-list.html`.
public struct TransferList: Codable, Sendable, Equatable {
    public static let formatName = "pingshen-transfer-list/1"

    public struct Entry: Codable, Sendable, Equatable {
        /// The package's file or folder name in `packages/` (`decision-2026-12.zip`).
        public var name: String
        /// `zip` or `folder`.
        public var kind: String
        public var externalIdentifier: String?
        public var baggingDate: String?
        /// Records catalogued in its `metadata.xml` (0 when it has none).
        public var records: Int
        /// Its 档号, one range per series (全宗号-年度-保管期限-机构), permanent first: within a
        /// package the 件号 of a series run without a gap.
        public var codeRanges: [CodeRange]
        /// Bytes of the zip, or of every file of the folder.
        public var bytes: Int
        /// SHA-256 of the zip file, or of the folder's `tagmanifest-sha256.txt` (which covers
        /// every other file through the manifests).
        public var sha256: String
        public var digestOf: String
        /// The hand-over check: `passed` or `failed`, and its report in `reports/`.
        public var check: String
        public var report: String

        enum CodingKeys: String, CodingKey {
            case name, kind, records, bytes, sha256, check, report
            case externalIdentifier = "external_identifier"
            case baggingDate = "bagging_date"
            case codeRanges = "code_ranges"
            case digestOf = "digest_of"
        }

        /// The 档号 ranges as one line (`J012-2026-Y-ZCB-0001 至 0004（4 件）；…`).
        public var rangesText: String {
            codeRanges.map { r in
                let last = r.last.split(separator: "-").last.map(String.init) ?? r.last
                return r.first == r.last ? "\(r.first)（1 件）" : "\(r.first) 至 \(last)（\(r.count) 件）"
            }.joined(separator: "；")
        }
    }

    /// The first and last 档号 of one series in a package, and how many records it holds.
    public struct CodeRange: Codable, Sendable, Equatable {
        public var first: String
        public var last: String
        public var count: Int
    }

    /// The ranges of `codes`, one per series, permanent before 30 and 10 years.
    public static func ranges(_ codes: [ArchivalCode]) -> [CodeRange] {
        let bySeries = Dictionary(grouping: codes, by: \.series)
        return bySeries.values.map { $0.sorted() }.sorted { a, b in
            (b[0].retention, a[0].series) < (a[0].retention, b[0].series)
        }.map { CodeRange(first: $0.first!.description, last: $0.last!.description, count: $0.count) }
    }

    public var format = Self.formatName
    /// The batch's name (`移交-2026-J012`).
    public var batch: String
    /// 移交单位.
    public var sourceOrganization: String
    public var fonds: String?
    public var year: Int
    /// The day of the hand-over (the signature is checked for it).
    public var createdOn: String
    public var packages: [Entry]

    enum CodingKeys: String, CodingKey {
        case format, batch, fonds, year, packages
        case sourceOrganization = "source_organization"
        case createdOn = "created_on"
    }

    public var totalRecords: Int { packages.reduce(0) { $0 + $1.records } }
    public var totalBytes: Int { packages.reduce(0) { $0 + $1.bytes } }

    public func json() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? e.encode(self)) ?? Data()) + [0x0A]
    }

    public func html() -> String {
        func e(_ s: String) -> String { HTMLEscape.escape(s) }
        var rows = ""
        for (n, p) in packages.enumerated() {
            let range = p.rangesText
            rows +=
                "<tr><td>\(n + 1)</td><td>\(e(p.name))</td><td>\(e(p.externalIdentifier ?? ""))</td><td>\(e(p.baggingDate ?? ""))</td><td>\(p.records)</td><td>\(e(range.isEmpty ? "（未著录）" : range))</td><td>\(p.bytes)</td><td class=\"digest\">\(e(p.sha256))</td><td>\(p.check == "passed" ? "通过" : "不通过")</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8"/>
            <title>电子档案移交清单 \(e(batch))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em; }
            table { border-collapse: collapse; }
            th, td { border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; }
            .digest { font-family: monospace; font-size: 80%; word-break: break-all; }
            </style>
            </head>
            <body>
            <h1>电子档案移交清单</h1>
            <p>批次：\(e(batch))；移交单位：\(e(sourceOrganization))；全宗号：\(e(fonds ?? "（未著录）"))；年度：\(year)；移交日期：\(e(createdOn))</p>
            <p>共 \(packages.count) 个归档包，\(totalRecords) 件，\(totalBytes) 字节。本清单（transfer-list.json）附移交单位的 Ed25519 签名（transfer-list.sig）；接收方须以移交单位另行提供的公钥核验，批次内的任何公钥均不予信任。</p>
            <table><thead><tr><th>序号</th><th>归档包</th><th>所载决定</th><th>归档日期</th><th>件数</th><th>档号范围</th><th>字节数</th><th>SHA-256</th><th>移交检测</th></tr></thead><tbody>
            \(rows)</tbody></table>
            </body>
            </html>

            """
    }
}

/// The receipt 接收回执 the receiving side writes into the batch (`receipt.json`, `receipt.html`).
public struct TransferReceipt: Codable, Sendable, Equatable {
    public static let formatName = "pingshen-transfer-receipt/1"

    public struct PackageResult: Codable, Sendable, Equatable {
        public var name: String
        public var accepted: Bool
        public var problems: [String]
    }

    public var format = Self.formatName
    public var batch: String?
    /// SHA-256 of the `transfer-list.json` received.
    public var listSHA256: String?
    public var receivedAt: String
    /// Where the receiver's trusted keys came from.
    public var trust: String
    public var accepted: Bool
    /// Problems with the batch as a whole (the list, its signature, packages not listed).
    public var problems: [String]
    public var packages: [PackageResult]

    enum CodingKeys: String, CodingKey {
        case format, batch, trust, accepted, problems, packages
        case listSHA256 = "list_sha256"
        case receivedAt = "received_at"
    }

    public func json() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? e.encode(self)) ?? Data()) + [0x0A]
    }

    /// Lines of Chinese text (what `pingshen archive receive` prints).
    public var text: String {
        var lines = ["接收检测：批次 \(batch ?? "（未知）")，信任依据：\(trust)"]
        for p in problems { lines.append("  - \(p)") }
        for p in packages {
            lines.append("  \(p.name)：\(p.accepted ? "接收" : "不接收")")
            for d in p.problems { lines.append("    - \(d)") }
        }
        lines.append(accepted ? "结论：接收。" : "结论：不接收。")
        return lines.joined(separator: "\n")
    }

    public func html() -> String {
        func e(_ s: String) -> String { HTMLEscape.escape(s) }
        var body = "<h1>电子档案接收回执</h1>\n"
        body += "<p>批次：\(e(batch ?? "（未知）"))；接收检测时间：\(e(receivedAt))；信任依据：\(e(trust))</p>\n"
        body += "<p>移交清单 SHA-256：\(e(listSHA256 ?? "（无）"))</p>\n"
        body += "<p class=\"\(accepted ? "passed" : "failed")\">结论：\(accepted ? "接收" : "不接收")</p>\n"
        if !problems.isEmpty { body += "<ul>" + problems.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n" }
        body += "<table><thead><tr><th>归档包</th><th>结果</th><th>问题</th></tr></thead><tbody>\n"
        for p in packages {
            body +=
                "<tr><td>\(e(p.name))</td><td>\(p.accepted ? "接收" : "不接收")</td><td><ul>\(p.problems.map { "<li>\(e($0))</li>" }.joined())</ul></td></tr>\n"
        }
        body += "</tbody></table>\n"
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8"/>
            <title>电子档案接收回执</title>
            <style>
            body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em; }
            table { border-collapse: collapse; }
            th, td { border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
            .passed { color: #060; } .failed { color: #b00; font-weight: bold; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }
}

/// Hand-over 移交 of packages to the archives bureau, and their receipt.
///
/// A batch folder holds `packages/` (each package copied as it is, folder or zip),
/// `reports/<package>.check.json|html` (the four-property check at hand-over),
/// `transfer-list.json` and `.html` (the 移交清单) and `transfer-list.sig` (the office's
/// Ed25519 signature over the JSON's bytes). No key travels in the batch: the receiver is
/// given the sender's public keys separately and trusts only those (`receive(keys:)`).
///
/// ```swift
/// let list = try Transfer.make(from: "data/archive", year: 2026, names: nil, into: "batch-2026",
///                              keyring: keyring, organization: "焦作市职改办", fonds: "J012", check: check)
/// let receipt = Transfer.receive(batch: "batch-2026", check: receiverCheck)
/// ```
public enum Transfer {
    public static let listFile = "transfer-list.json"
    public static let listHTML = "transfer-list.html"
    public static let signatureFile = "transfer-list.sig"
    public static let packagesFolder = "packages"
    public static let reportsFolder = "reports"
    public static let receiptFile = "receipt.json"
    public static let receiptHTML = "receipt.html"
    public static let receiptReportsFolder = "receipt-reports"

    /// Why a batch could not be made.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var message: String
        /// The packages whose hand-over check failed, with their reports.
        public var failed: [FourPropertyReport]
        public var description: String { message }
    }

    /// The packages of `directory` for `year` (by `Bagging-Date`), or those named: one per
    /// package — the zip when both the folder and its zip are there.
    public static func select(
        from directory: String, year: Int, names: [String]?
    ) throws(Refusal) -> [String] {
        let all = ArchiveFolder.packageNames(in: directory)
        func base(_ n: String) -> String { n.lowercased().hasSuffix(".zip") ? String(n.dropLast(4)) : n }
        var chosen: [String: String] = [:]
        for name in all {
            if let names, !names.contains(name) && !names.contains(base(name)) { continue }
            let info = BagContainer.open(path: (directory as NSString).appendingPathComponent(name), budget: .standard)
            let fields = (try? info.read(BagLayout.info, limit: 1 << 20)).map(BagVerifier.parseInfo) ?? []
            let day = fields.first { $0.label == "Bagging-Date" }.flatMap { Day($0.value) }
            if names == nil, day?.year != year { continue }
            if let existing = chosen[base(name)], existing.lowercased().hasSuffix(".zip") { continue }
            chosen[base(name)] = name
        }
        if let names {
            for n in names where chosen[base(n)] == nil {
                throw Refusal(message: "\(directory) 中没有归档包 \(n)", failed: [])
            }
        }
        return chosen.values.sorted(by: BagLayout.pathOrder)
    }

    /// Makes the batch in `batch` (a new or empty folder): checks each package for the
    /// hand-over (all must pass, else nothing is signed), copies them, writes the reports, the
    /// list and its signature.
    @discardableResult
    public static func make(
        packages: [String], from directory: String, into batch: String, batchName: String, year: Int,
        keyring: OfficeKeyring, organization: String, fonds: String?, check: FourPropertyCheck, now: Date = Date()
    ) throws(Refusal) -> TransferList {
        guard !packages.isEmpty else { throw Refusal(message: "没有可移交的归档包", failed: []) }
        let fm = FileManager.default
        let batchURL = URL(fileURLWithPath: batch, isDirectory: true).standardizedFileURL
        if let existing = try? fm.contentsOfDirectory(atPath: batchURL.path), !existing.isEmpty {
            throw Refusal(message: "移交批次文件夹 \(batch) 已存在且不为空，请指定新的文件夹", failed: [])
        }
        let source = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        // The hand-over check first: a failing package stops the batch.
        var reports: [(name: String, report: FourPropertyReport)] = []
        for name in packages {
            let path: String
            do { path = try SafePath.join(source, name).path } catch {
                throw Refusal(message: error.chinese, failed: [])
            }
            reports.append((name, check.check(path: path, occasion: .transfer, now: now)))
        }
        let failing = reports.filter { !$0.report.passed }.map(\.report)
        if !failing.isEmpty {
            throw Refusal(
                message: "\(failing.count) 个归档包未通过移交检测，未生成移交批次：\(failing.map(\.package).joined(separator: "、"))",
                failed: failing)
        }
        var entries: [TransferList.Entry] = []
        do {
            let packagesURL = try SafePath.join(batchURL, packagesFolder)
            let reportsURL = try SafePath.join(batchURL, reportsFolder)
            try fm.createDirectory(at: packagesURL, withIntermediateDirectories: true)
            try fm.createDirectory(at: reportsURL, withIntermediateDirectories: true)
            for (name, report) in reports {
                let from = try SafePath.join(source, name)
                let to = try SafePath.join(packagesURL, name)
                try fm.copyItem(at: from, to: to)
                let written = try FourPropertyCheck.writeReports(
                    report, besidePackage: reportsURL.appendingPathComponent(name).path)
                entries.append(
                    try entry(
                        name: name, at: to.path, report: report,
                        reportPath: "\(reportsFolder)/\(written.json.lastPathComponent)"))
            }
            let list = TransferList(
                batch: batchName, sourceOrganization: organization, fonds: fonds, year: year,
                createdOn: Day(now).description, packages: entries)
            let json = list.json()
            try ArchiveFolder.writeAtomically(json, to: try SafePath.join(batchURL, listFile))
            try ArchiveFolder.writeAtomically(Array(list.html().utf8), to: try SafePath.join(batchURL, listHTML))
            let (keyID, signature) = keyring.sign(json)
            let sig = """
                Algorithm: Ed25519
                Key-Id: \(keyID)
                Signed-File: \(listFile)
                Signature: \(Data(signature).base64EncodedString())

                """
            try ArchiveFolder.writeAtomically(Array(sig.utf8), to: try SafePath.join(batchURL, signatureFile))
            return list
        } catch let e as ArchiveError {
            throw Refusal(message: e.chinese, failed: [])
        } catch {
            throw Refusal(message: "无法写出移交批次：\(error.localizedDescription)", failed: [])
        }
    }

    static func entry(
        name: String, at path: String, report: FourPropertyReport, reportPath: String
    ) throws -> TransferList.Entry {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        _ = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        let sha256: String
        let bytes: Int
        if isDirectory.boolValue {
            sha256 = try fileSHA256(path + "/" + BagLayout.tagManifest)
            bytes = folderBytes(path)
        } else {
            sha256 = try fileSHA256(path)
            bytes = (try fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        }
        // Records and their 档号 range from the package's metadata.
        let bag = BagContainer.open(path: path, budget: .standard)
        var records = 0
        var codes: [ArchivalCode] = []  // every record's
        if bag.entries[PackageMetadata.path] != nil {
            var (count, found): (Int, [ArchivalCode]) = (0, [])
            let scanned = bag.scanMetadata(limit: VerificationBudget.standard.maxStreamedTagFileBytes, root: { _ in }) {
                count += 1
                if let code = $0["档号"].flatMap({ try? ArchivalCode(parsing: $0) }) { found.append(code) }
            }
            if case .success = scanned { (records, codes) = (count, found) }
        }
        return TransferList.Entry(
            name: name, kind: isDirectory.boolValue ? "folder" : "zip", externalIdentifier: report.externalIdentifier,
            baggingDate: report.baggingDate, records: records, codeRanges: TransferList.ranges(codes), bytes: bytes,
            sha256: sha256,
            digestOf: isDirectory.boolValue ? BagLayout.tagManifest : "zip", check: report.passed ? "passed" : "failed",
            report: reportPath)
    }

    static func fileSHA256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ArchiveError.io(path: path, reason: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.lowercase(hasher.finalize())
    }

    static func folderBytes(_ path: String) -> Int {
        var total = 0
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        while let rel = walker.nextObject() as? String {
            var st = stat()
            if lstat(path + "/" + rel, &st) == 0, st.st_mode & S_IFMT == S_IFREG { total += Int(st.st_size) }
        }
        return total
    }

    // MARK: - receipt

    /// Checks a batch as the receiving archives would, trusting only `check.keys` (the
    /// sender's public keys, handed over separately): the list's signature on its date, every
    /// listed package present with its digest and decision, no package that is not listed, and
    /// the four-property check of each (occasion: receipt). Writes nothing; see
    /// `writeReceipt`.
    public static func receive(
        batch: String, check: FourPropertyCheck, now: Date = Date()
    ) -> (receipt: TransferReceipt, reports: [String: FourPropertyReport]) {
        let batchURL = URL(fileURLWithPath: batch, isDirectory: true).standardizedFileURL
        var problems: [String] = []
        var receipt = TransferReceipt(
            batch: nil, listSHA256: nil, receivedAt: FourPropertyCheck.timestamp(now), trust: check.trust,
            accepted: false, problems: [], packages: [])
        guard let json = smallFile(batchURL.appendingPathComponent(listFile).path) else {
            receipt.problems = ["批次中没有可读的移交清单 \(listFile)（须为不超过 64 MiB 的普通文件）"]
            return (receipt, [:])
        }
        receipt.listSHA256 = SHA256Digest.hex(of: Array(json))
        let list: TransferList
        do { list = try JSONDecoder().decode(TransferList.self, from: json) } catch {
            receipt.problems = ["移交清单 \(listFile) 无法解析：\(error.localizedDescription)"]
            return (receipt, [:])
        }
        receipt.batch = list.batch
        if list.format != TransferList.formatName {
            problems.append("移交清单格式为“\(list.format)”，不是 \(TransferList.formatName)")
        }
        // The signature, under the keys the receiver was given, on the list's date.
        problems += signatureProblems(
            list: Array(json),
            signature: smallFile(batchURL.appendingPathComponent(signatureFile).path).map(Array.init),
            keys: check.keys, date: Day(list.createdOn))
        // Packages in the batch but not listed.
        let present =
            (try? FileManager.default.contentsOfDirectory(
                atPath: batchURL.appendingPathComponent(packagesFolder).path)) ?? []
        let listed = Set(list.packages.map(\.name))
        for name in present.sorted() where !listed.contains(name) && !name.hasPrefix(".") {
            problems.append("批次中的 \(packagesFolder)/\(name) 不在移交清单中")
        }
        var reports: [String: FourPropertyReport] = [:]
        for entry in list.packages {
            var mine: [String] = []
            let url: URL
            do {
                guard !entry.name.contains("/") else { throw ArchiveError.unsafePath(entry.name, reason: "one name") }
                url = try SafePath.join(batchURL.appendingPathComponent(packagesFolder, isDirectory: true), entry.name)
            } catch {
                receipt.packages.append(.init(name: entry.name, accepted: false, problems: ["清单中的包名不安全：\(entry.name)"]))
                continue
            }
            guard FileManager.default.fileExists(atPath: url.path) else {
                receipt.packages.append(.init(name: entry.name, accepted: false, problems: ["清单所列归档包不在批次中"]))
                continue
            }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let digestPath = isDirectory.boolValue ? url.path + "/" + BagLayout.tagManifest : url.path
            if (try? fileSHA256(digestPath)) != entry.sha256 {
                mine.append("SHA-256 与移交清单不符（\(isDirectory.boolValue ? BagLayout.tagManifest : "压缩包")）")
            }
            let report = check.check(path: url.path, occasion: .receipt, now: now)
            reports[entry.name] = report
            if report.externalIdentifier != entry.externalIdentifier {
                mine.append("所载决定为“\(report.externalIdentifier ?? "")”，移交清单为“\(entry.externalIdentifier ?? "")”")
            }
            for item in report.failures {
                mine.append("\(item.property.chinese)·\(item.name)不通过：" + item.details.prefix(5).joined(separator: "；"))
            }
            receipt.packages.append(.init(name: entry.name, accepted: mine.isEmpty, problems: mine))
        }
        if list.packages.isEmpty { problems.append("移交清单中没有归档包") }
        receipt.problems = problems
        receipt.accepted = problems.isEmpty && receipt.packages.allSatisfy(\.accepted)
        return (receipt, reports)
    }

    /// A regular file (not a link) of at most `limit` bytes, or nil.
    static func smallFile(_ path: String, limit: Int = 64 << 20) -> Data? {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, Int(st.st_size) <= limit else { return nil }
        return FileManager.default.contents(atPath: path)
    }

    static func signatureProblems(list: [UInt8], signature: [UInt8]?, keys: PublicKeySet, date: Day?) -> [String] {
        guard let signature else { return ["批次中没有移交清单的签名 \(signatureFile)"] }
        let parsed: BagVerifier.ParsedSignature
        let fields = BagVerifier.parseInfo(signature)
        func value(_ label: String) -> String? { fields.first { $0.label == label }?.value }
        guard value("Algorithm") == "Ed25519", value("Signed-File") == listFile, let keyID = value("Key-Id"),
            let text = value("Signature"), let raw = Data(base64Encoded: text), raw.count == 64
        else { return ["移交清单的签名文件格式错误"] }
        parsed = .init(keyID: keyID, signature: raw)
        guard let entry = keys.entry(parsed.keyID) else {
            return ["移交清单的签名密钥 \(parsed.keyID) 不在接收方持有的移交单位公钥中（批次内的公钥一律不予信任）"]
        }
        guard let key = entry.signingKey, key.isValidSignature(parsed.signature, for: list) else {
            return ["移交清单的签名无效（清单被改动或签名被替换）"]
        }
        guard let date else { return ["移交清单的日期无法识别，无法核对签名密钥的有效期"] }
        switch entry.validity(on: date) {
        case .valid: return []
        case .revoked(let on): return ["移交清单的签名密钥已于 \(on) 吊销，清单日期为 \(date)"]
        case .notYetValid(let from): return ["移交清单的签名密钥自 \(from) 起生效，清单日期为 \(date)"]
        case .expired(let until): return ["移交清单的签名密钥有效期至 \(until)，清单日期为 \(date)"]
        case .malformed: return ["公钥文件中该密钥的日期无法识别"]
        }
    }

    /// Writes `receipt.json`, `receipt.html` and each package's check report at receipt
    /// (`receipt-reports/`) into the batch.
    public static func writeReceipt(
        _ receipt: TransferReceipt, reports: [String: FourPropertyReport], into batch: String
    ) throws(ArchiveError) {
        let batchURL = URL(fileURLWithPath: batch, isDirectory: true).standardizedFileURL
        let folder = try SafePath.join(batchURL, receiptReportsFolder)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .io(path: folder.path, reason: "\(error)")
        }
        for (name, report) in reports where !name.contains("/") {
            try FourPropertyCheck.writeReports(report, besidePackage: try SafePath.join(folder, name).path)
        }
        try ArchiveFolder.writeAtomically(receipt.json(), to: try SafePath.join(batchURL, receiptFile))
        try ArchiveFolder.writeAtomically(Array(receipt.html().utf8), to: try SafePath.join(batchURL, receiptHTML))
    }
}
