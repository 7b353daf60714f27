import Crypto
import Domain
import Foundation
import Signing
import Store
import ZipKit

/// The four-property check of DA/T 70-2018 on one signed package (a folder or a `.zip`), at
/// filing, on demand, at hand-over and at receipt:
///
/// - 真实性 authenticity: the signature under the trusted keys given (the office's keyring,
///   or the keys a receiver was handed — never a key inside the package) on the package's
///   `Bagging-Date`; the content is what was signed; the name is its decision's; the DA/T 46
///   metadata (`metadata.xml`) agrees with the content (each record's size, SHA-256 and
///   format); with a database, the package's decision, applications and heads are the log's.
/// - 完整性 integrity: the manifests complete and matching; the metadata complete; no gap in
///   件号 among the package's records; every catalogued record has its content.
/// - 可用性 usability: every file in a long-term format (by name and by content); HTML, XML
///   and JSON well-formed (and the XML inside each ODT); every ODT valid against the ODF
///   schema and opened by LibreOffice (the outside programs of `ExternalChecks`); and a plain
///   line that no 版式 copy (OFD/PDF) exists yet.
/// - 安全性 security: no executable, script or macro; no reference outside the package;
///   nothing encrypted.
///
/// ```swift
/// let check = FourPropertyCheck(keys: try OfficeKeyring.trustedKeys(directory: "data/keys"), trust: "职改办密钥库")
/// let report = check.check(path: "data/archive/decision-2026-12", occasion: .onDemand)
/// try FourPropertyCheck.writeReports(report, besidePackage: "data/archive/decision-2026-12")
/// ```
public struct FourPropertyCheck: Sendable {
    public var keys: PublicKeySet
    /// Where the keys came from, in Chinese (printed in the report).
    public var trust: String
    /// The office's database, for the identity check; nil: not checked (not applicable).
    public var store: EventStore?
    public var external: ExternalChecks
    public var budget: VerificationBudget
    /// Whether a package without `metadata.xml` fails (it does: DA/T 46 metadata is required).
    public var requireMetadata: Bool
    /// The long-term list (`RetentionSchedule.longTermFormats` through `LongTermFormat.list`).
    public var formats: Set<LongTermFormat>
    /// Findings of files already inspected, shared by the checks of one archive run (a
    /// session's package and its decision's hold the same applications' files); nil: none.
    public var memo: InspectionMemo?

    public init(
        keys: PublicKeySet, trust: String, store: EventStore? = nil, external: ExternalChecks = .none,
        budget: VerificationBudget = .standard, requireMetadata: Bool = true,
        formats: Set<LongTermFormat> = Set(LongTermFormat.allCases), memo: InspectionMemo? = nil
    ) {
        self.memo = memo
        self.keys = keys
        self.trust = trust
        self.store = store
        self.external = external
        self.budget = budget
        self.requireMetadata = requireMetadata
        self.formats = formats
    }

    static let signatureKinds: Set<BagProblem.Kind> = [
        .signatureMissing, .signatureMalformed, .signatureInvalid, .unknownKey, .keyNotValid, .keyRevoked,
    ]

    /// Checks the package at `path`. Never throws: what cannot be read fails its items.
    public func check(path: String, occasion: CheckOccasion, now: Date = Date()) -> FourPropertyReport {
        let bag = BagContainer.open(path: path, budget: budget)
        // Every file the verifier hashes is inspected in the same read (`readContents` reads
        // only what it did not see: files the manifest does not list).
        let observed = Observed()
        let (formats, memo, budget) = (self.formats, self.memo, self.budget)
        let observer = BagVerifier.PayloadObserver(wholeLimit: budget.maxTagFileBytes) { path, bytes, hash in
            observed.add(
                Self.record(
                    path: path, bytes: bytes, sha256: hash, bag: bag, formats: formats, memo: memo,
                    limit: budget.maxTagFileBytes))
        }
        let verified = BagVerifier.verify(bag, keys: keys, budget: budget, observer: observer)
        var items: [CheckItem] = []
        let problems = verified.problems

        // 真实性: the signature.
        let signature = problems.filter { Self.signatureKinds.contains($0.kind) }
        if let key = verified.signedBy, signature.isEmpty {
            items.append(
                CheckItem(
                    .authenticity, id: "authenticity.signature", name: "签名有效性", outcome: .passed,
                    details: [
                        "签名有效：密钥 \(key.keyID)，在归档日期 \(verified.baggingDate?.description ?? "") 有效，依据\(trust)（归档包内或旁附的公钥一律不予信任）"
                    ]))
        } else {
            items.append(
                CheckItem(
                    .authenticity, id: "authenticity.signature", name: "签名有效性", outcome: .failed,
                    details: signature.isEmpty ? ["签名未能验证（依据\(trust)）"] : signature.map(\.chinese),
                    files: [BagLayout.signature]))
        }
        // 真实性: the content is what was signed.
        let changed = problems.filter { $0.kind == .changed }
        items.append(
            changed.isEmpty
                ? CheckItem(
                    .authenticity, id: "authenticity.content", name: "内容与签名清单一致", outcome: .passed,
                    details: ["\(verified.payloadFileCount) 个数据文件的 SHA-256 校验值与已签名的清单一致"])
                : CheckItem(
                    .authenticity, id: "authenticity.content", name: "内容与签名清单一致", outcome: .failed,
                    details: changed.map(\.chinese), files: changed.compactMap(\.path)))
        // 真实性: the name is its decision's.
        let identity = problems.filter { $0.kind == .identity }
        items.append(
            identity.isEmpty
                ? CheckItem(
                    .authenticity, id: "authenticity.identity", name: "归档包名称与所载决定一致",
                    outcome: verified.externalIdentifier == nil ? .failed : .passed,
                    details: verified.externalIdentifier.map { ["归档包 \(verified.name ?? "") 所载决定为“\($0)”"] }
                        ?? ["bag-info.txt 中没有可读的 External-Identifier"])
                : CheckItem(
                    .authenticity, id: "authenticity.identity", name: "归档包名称与所载决定一致", outcome: .failed,
                    details: identity.map(\.chinese), files: identity.compactMap(\.path)))

        // 完整性: the manifests.
        let manifestKinds: Set<BagProblem.Kind> = [
            .notABag, .unreadable, .unsafePath, .changed, .missing, .added, .malformed, .oxum, .budget,
        ]
        let manifest = problems.filter { manifestKinds.contains($0.kind) }
        items.append(
            manifest.isEmpty
                ? CheckItem(
                    .integrity, id: "integrity.manifest", name: "清单完整、校验值相符", outcome: .passed,
                    details: ["清单所列 \(verified.payloadFileCount) 个数据文件齐全，无缺失、无多余，共 \(verified.payloadBytes) 字节"])
                : CheckItem(
                    .integrity, id: "integrity.manifest", name: "清单完整、校验值相符", outcome: .failed,
                    details: manifest.map(\.chinese), files: manifest.compactMap(\.path)))

        // Read the contents once: digests for the metadata, inspections for usability and security.
        let readable =
            !problems.contains { $0.kind == .budget }
            && !(bag.entries.isEmpty && problems.contains { $0.kind == .unreadable })
        var contents = ContentPass()
        if readable { contents = readContents(bag, observed: observed.take()) }

        // The metadata (DA/T 46).
        items += metadataItems(bag: bag, contents: contents, readable: readable)

        // 真实性: the database.
        items.append(databaseItem(bag: bag))

        // 可用性 and 安全性.
        items += usabilityItems(bag: bag, contents: contents, readable: readable)
        items += securityItems(bag: bag, contents: contents, readable: readable)

        let order = ArchiveProperty.allCases
        items.sort { order.firstIndex(of: $0.property)! < order.firstIndex(of: $1.property)! }
        return FourPropertyReport(
            package: URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent,
            externalIdentifier: verified.externalIdentifier, baggingDate: verified.baggingDate?.description,
            occasion: occasion, checkedAt: Self.timestamp(now), trust: trust, signedBy: verified.signedBy?.keyID,
            items: items)
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    // MARK: - reading

    struct FileRecord {
        var path: String
        var size: Int
        var sha256: String?
        var findings: FileFindings
        var readProblem: String?
    }

    struct ContentPass {
        var files: [FileRecord] = []
    }

    /// Reads and inspects every payload file, one at a time per core (each worker with its own
    /// reader); nothing of a file is kept but its record.
    func readContents(_ bag: BagContainer, observed: [String: FileRecord] = [:]) -> ContentPass {
        var pass = ContentPass()
        let all = bag.entries.keys.filter { $0.hasPrefix(BagLayout.payloadDirectory) }.sorted(by: BagLayout.pathOrder)
        let paths = all.filter { observed[$0] == nil }
        final class Records: @unchecked Sendable {
            var items: [FileRecord?]
            let lock = NSLock()
            init(_ n: Int) { items = Array(repeating: nil, count: n) }
        }
        let records = Records(paths.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        let (budget, formats) = (self.budget, self.formats)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let cursor = BagContainer.Cursor(bag, shared: false)
            var i = w
            while i < paths.count {
                let path = paths[i]
                let inside = String(path.dropFirst(BagLayout.payloadDirectory.count))
                let record: FileRecord
                do throws(BagProblem) {
                    let bytes = try bag.read(path, limit: budget.maxTagFileBytes, cursor: cursor)
                    record = Self.record(
                        path: path, bytes: bytes, sha256: SHA256Digest.hex(of: bytes), bag: bag, formats: formats,
                        memo: nil, limit: budget.maxTagFileBytes)
                } catch {
                    record = FileRecord(
                        path: path, size: bag.entries[path]?.size ?? 0, sha256: nil, findings: FileFindings(),
                        readProblem: error.kind == .budget
                            ? "文件超过 \(budget.maxTagFileBytes >> 20) MiB，未检查其内容" : error.chinese)
                }
                records.lock.lock()
                records.items[i] = record
                records.lock.unlock()
                i += workers
            }
        }
        var read = records.items.makeIterator()
        pass.files = all.map { observed[$0] ?? read.next()!! }
        return pass
    }

    /// A payload file's record from its bytes (nil: larger than a tag file read whole, so not
    /// inspected) — its findings from `memo` when the same bytes under the same kind of name
    /// were inspected before.
    static func record(
        path: String, bytes: [UInt8]?, sha256: String, bag: BagContainer, formats: Set<LongTermFormat>,
        memo: InspectionMemo?, limit: Int
    ) -> FileRecord {
        guard let bytes else {
            return FileRecord(
                path: path, size: bag.entries[path]?.size ?? 0, sha256: sha256, findings: FileFindings(),
                readProblem: "文件超过 \(limit >> 20) MiB，未检查其内容")
        }
        let inside = String(path.dropFirst(BagLayout.payloadDirectory.count))
        let findings: FileFindings
        if let memo, let known = memo.findings(sha256: sha256, path: inside, formats: formats) {
            findings = known
        } else {
            findings = ContentInspection.inspect(path: inside, bytes: bytes, allowed: formats)
            memo?.remember(findings, sha256: sha256, path: inside, formats: formats)
        }
        return FileRecord(path: path, size: bytes.count, sha256: sha256, findings: findings)
    }

    /// The records the verifier's observer made, from its threads.
    final class Observed: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [String: FileRecord] = [:]

        func add(_ record: FileRecord) {
            lock.lock()
            records[record.path] = record
            lock.unlock()
        }

        func take() -> [String: FileRecord] {
            lock.lock()
            defer { lock.unlock() }
            let out = records
            records = [:]
            return out
        }
    }

    // MARK: - metadata

    func metadataItems(bag: BagContainer, contents: ContentPass, readable: Bool) -> [CheckItem] {
        let names = (
            authenticity: "元数据与内容一致（大小、数字摘要、格式）", complete: "元数据齐全（DA/T 46）", items: "件号连续无缺号",
            content: "著录记录均有内容"
        )
        func all(_ outcome: CheckOutcome, _ detail: String, files: [String] = []) -> [CheckItem] {
            [
                CheckItem(
                    .authenticity, id: "authenticity.metadata", name: names.authenticity,
                    outcome: outcome == .failed ? .notApplicable : outcome, details: [detail]),
                CheckItem(
                    .integrity, id: "integrity.metadata", name: names.complete, outcome: outcome, details: [detail],
                    files: files),
                CheckItem(
                    .integrity, id: "integrity.item-numbers", name: names.items,
                    outcome: outcome == .failed ? .notApplicable : outcome, details: [detail]),
                CheckItem(
                    .integrity, id: "integrity.content", name: names.content,
                    outcome: outcome == .failed ? .notApplicable : outcome, details: [detail]),
            ]
        }
        guard readable else { return all(.failed, "归档包无法读取或超出校验限额，未能检查元数据") }
        guard bag.entries[PackageMetadata.path] != nil else {
            return all(
                requireMetadata ? .failed : .notApplicable,
                "归档包中没有元数据文件 \(PackageMetadata.path)（DA/T 46 电子文件元数据），无法核对各记录的档号、件号、大小和数字摘要",
                files: [PackageMetadata.path])
        }
        // Read record by record (the metadata of a season's confirmation is ≈ 180 MB): each
        // record is audited and compared with its file as it is read, then dropped.
        let byPath = Dictionary(contents.files.indices.map { (contents.files[$0].path, $0) }, uniquingKeysWith: { a, _ in a })
        var audit: PackageMetadata.Audit?
        var missing: [String] = []
        var disagreements: [String] = []
        var disagreeingFiles: [String] = []
        let scanned = bag.scanMetadata(limit: budget.maxStreamedTagFileBytes, root: { audit = .init(fonds: $0) }) { r in
            audit?.add(r)
            guard let name = r["计算机文件名"], !name.isEmpty else { return }
            let path = "data/" + name
            guard let index = byPath[path] else {
                missing.append(path)
                return
            }
            let file = contents.files[index]
            var wrong: [String] = []
            if let s = r["计算机文件大小"], let size = Int(s), size != file.size {
                wrong.append("大小著录为 \(size) 字节，实为 \(file.size) 字节")
            }
            if let d = r["数字摘要"], let actual = file.sha256, d.lowercased() != actual {
                wrong.append("数字摘要与文件内容不符（著录 \(d.prefix(12))…，实为 \(actual.prefix(12))…）")
            }
            if let f = r["格式信息"], !f.isEmpty, let actual = file.findings.format,
                !f.uppercased().contains(actual.rawValue) && !(actual == .jpeg && f.uppercased().contains("JPG"))
            {
                wrong.append("格式著录为“\(f)”，实为 \(actual.rawValue)")
            }
            if !wrong.isEmpty {
                disagreements.append("\(path)：" + wrong.joined(separator: "；"))
                disagreeingFiles.append(path)
            }
        }
        switch scanned {
        case .failure(.read(let problem)):
            return all(
                .failed, "元数据文件 \(PackageMetadata.path) 无法读取：\(problem.chinese)", files: [PackageMetadata.path])
        case .failure(.parse(let problem)):
            return all(
                .failed, "元数据文件 \(PackageMetadata.path) 无法解析：\(problem.description)", files: [PackageMetadata.path])
        case .success:
            break
        }
        let metadata = audit ?? PackageMetadata.Audit(fonds: nil)
        var items: [CheckItem] = []
        // integrity.metadata
        let own = metadata.problems
        let recordCount = metadata.recordCount
        if recordCount == 0 {
            items.append(
                CheckItem(
                    .integrity, id: "integrity.metadata", name: names.complete, outcome: .failed,
                    details: ["元数据文件 \(PackageMetadata.path) 中没有任何 <记录>"], files: [PackageMetadata.path]))
        } else if own.isEmpty {
            let uncatalogued = contents.files.filter { !metadata.files.contains(String($0.path.dropFirst(BagLayout.payloadDirectory.count))) }.count
            items.append(
                CheckItem(
                    .integrity, id: "integrity.metadata", name: names.complete, outcome: .passed,
                    details: ["\(recordCount) 条记录的元数据齐全，档号符合 DA/T 13（全宗号 \(metadata.fonds ?? "")）"]
                        + (uncatalogued > 0 ? ["另有 \(uncatalogued) 个数据文件未单独著录（事件日志、申报数据等随所属记录归档）"] : [])))
        } else {
            items.append(
                CheckItem(
                    .integrity, id: "integrity.metadata", name: names.complete, outcome: .failed,
                    details: own.map { "\($0.record)：\($0.problem)" }, files: [PackageMetadata.path]))
        }
        // integrity.item-numbers
        let gaps = metadata.itemNumberProblems()
        items.append(
            gaps.isEmpty
                ? CheckItem(
                    .integrity, id: "integrity.item-numbers", name: names.items,
                    outcome: recordCount == 0 ? .notApplicable : .passed,
                    details: ["包内各记录的件号连续，无缺号、无重号（跨归档包的连续性由档案目录核对）"])
                : CheckItem(
                    .integrity, id: "integrity.item-numbers", name: names.items, outcome: .failed, details: gaps,
                    files: [PackageMetadata.path]))
        // integrity.content and authenticity.metadata
        items.append(
            missing.isEmpty
                ? CheckItem(
                    .integrity, id: "integrity.content", name: names.content,
                    outcome: recordCount == 0 ? .notApplicable : .passed,
                    details: ["元数据著录的 \(recordCount) 条记录在包内都有其文件"])
                : CheckItem(
                    .integrity, id: "integrity.content", name: names.content, outcome: .failed,
                    details: missing.map { "著录的记录缺少内容：\($0) 不在归档包中" }, files: missing))
        items.append(
            disagreements.isEmpty
                ? CheckItem(
                    .authenticity, id: "authenticity.metadata", name: names.authenticity,
                    outcome: recordCount == 0 ? .notApplicable : .passed,
                    details: ["\(recordCount - missing.count) 条记录的大小、SHA-256 数字摘要和格式与文件内容一致"])
                : CheckItem(
                    .authenticity, id: "authenticity.metadata", name: names.authenticity, outcome: .failed,
                    details: disagreements, files: disagreeingFiles))
        return items
    }

    // MARK: - database

    func databaseItem(bag: BagContainer) -> CheckItem {
        let name = "与数据库一致（决定、申报、记录头哈希）"
        guard let store else {
            return CheckItem(
                .authenticity, id: "authenticity.database", name: name, outcome: .notApplicable,
                details: ["未指定数据库，未核对归档包与事件日志"])
        }
        do {
            let heads = try DecisionArchiver.verifyHeads(store: store, bag: bag, keys: nil, budget: budget)
            return heads.isIntact
                ? CheckItem(
                    .authenticity, id: "authenticity.database", name: name, outcome: .passed,
                    details: ["决定存在，所含申报与数据库相符，\(heads.streamsChecked) 条记录的头哈希与事件日志一致"])
                : CheckItem(
                    .authenticity, id: "authenticity.database", name: name, outcome: .failed,
                    details: heads.problems.map(\.chinese))
        } catch {
            return CheckItem(
                .authenticity, id: "authenticity.database", name: name, outcome: .failed,
                details: ["数据库读取失败：\(error.chinese)"])
        }
    }

    // MARK: - usability

    func usabilityItems(bag: BagContainer, contents: ContentPass, readable: Bool) -> [CheckItem] {
        let names = (
            formats: "格式在长期保存格式清单内", wellFormed: "文件格式良好（HTML、XML、JSON 及 ODT 内部文件）",
            schema: "ODT 符合 ODF 规范（OASIS RelaxNG 校验）", opens: "LibreOffice 能打开 ODT", layout: "版式文件（OFD/PDF）"
        )
        guard readable else {
            let d = ["归档包无法读取或超出校验限额，未能检查"]
            return [
                CheckItem(.usability, id: "usability.formats", name: names.formats, outcome: .failed, details: d),
                CheckItem(
                    .usability, id: "usability.well-formed", name: names.wellFormed, outcome: .failed, details: d),
                CheckItem(.usability, id: "usability.odf-schema", name: names.schema, outcome: .failed, details: d),
                CheckItem(.usability, id: "usability.opens", name: names.opens, outcome: .failed, details: d),
                CheckItem(
                    .usability, id: "usability.fixed-layout", name: names.layout, outcome: .notApplicable,
                    details: [Self.noFixedLayoutCopy]),
            ]
        }
        var items: [CheckItem] = []
        // Formats.
        var formatFailures: [(String, String)] = []
        for f in contents.files {
            if let p = f.readProblem { formatFailures.append((f.path, p)) }
            for p in f.findings.formatProblems { formatFailures.append((f.path, p)) }
        }
        let counts = Dictionary(grouping: contents.files.compactMap(\.findings.format), by: { $0 }).mapValues(\.count)
        let summary = LongTermFormat.allCases.compactMap { f in counts[f].map { "\(f.rawValue) \($0) 个" } }
            .joined(separator: "、")
        items.append(
            formatFailures.isEmpty
                ? CheckItem(
                    .usability, id: "usability.formats", name: names.formats,
                    outcome: contents.files.isEmpty ? .notApplicable : .passed,
                    details: ["全部 \(contents.files.count) 个文件均为长期保存格式（\(summary.isEmpty ? "无" : summary)）"])
                : CheckItem(
                    .usability, id: "usability.formats", name: names.formats, outcome: .failed,
                    details: formatFailures.map { "\($0.0)：\($0.1)" }, files: unique(formatFailures.map(\.0))))
        // Well-formed.
        let malformed = contents.files.flatMap { f in f.findings.wellFormedProblems.map { (f.path, $0) } }
        let markupCount = contents.files.filter { [.html, .xml, .json, .odt].contains($0.findings.format) }.count
        items.append(
            malformed.isEmpty
                ? CheckItem(
                    .usability, id: "usability.well-formed", name: names.wellFormed,
                    outcome: markupCount == 0 ? .notApplicable : .passed,
                    details: ["\(markupCount) 个 HTML、XML、JSON 和 ODT 文件均格式良好"])
                : CheckItem(
                    .usability, id: "usability.well-formed", name: names.wellFormed, outcome: .failed,
                    details: malformed.map { "\($0.0)：\($0.1)" }, files: unique(malformed.map(\.0))))
        // The outside programs on every ODT.
        let odts = contents.files.filter { $0.findings.format == .odt && $0.sha256 != nil }
        items += externalItems(bag: bag, odts: odts, names: (names.schema, names.opens))
        // No fixed-layout copy yet.
        let pdfs = counts[.pdf] ?? 0
        items.append(
            CheckItem(
                .usability, id: "usability.fixed-layout", name: names.layout, outcome: .notApplicable,
                details: [Self.noFixedLayoutCopy]
                    + (pdfs > 0 ? ["包内 \(pdfs) 个 PDF 文件是申请人上传的附件原件，不是文书的版式副本"] : [])))
        return items
    }

    static let noFixedLayoutCopy =
        "归档包中尚无文书的版式文件（OFD/PDF）副本：文书目前只以流式格式（ODT、HTML）保存，长期保存所需的版式副本尚待生成。"

    /// The outside programs on each ODT, read again from the package one at a time into a
    /// work folder (the content pass keeps no file's bytes: a package of any size is checked in
    /// the memory of its largest file).
    func externalItems(bag: BagContainer, odts: [FileRecord], names: (schema: String, opens: String)) -> [CheckItem] {
        guard !odts.isEmpty else {
            return [
                CheckItem(
                    .usability, id: "usability.odf-schema", name: names.schema, outcome: .notApplicable,
                    details: ["包内没有 ODT 文件"]),
                CheckItem(
                    .usability, id: "usability.opens", name: names.opens, outcome: .notApplicable,
                    details: ["包内没有 ODT 文件"]),
            ]
        }
        if external.odfSchema == nil && external.opens == nil {
            let d = ["未执行：本次检测未配置外部检测程序（ODF 校验、LibreOffice），\(odts.count) 个 ODT 未经该项检测"]
            return [
                CheckItem(
                    .usability, id: "usability.odf-schema", name: names.schema, outcome: .notApplicable, details: d),
                CheckItem(.usability, id: "usability.opens", name: names.opens, outcome: .notApplicable, details: d),
            ]
        }
        // Each ODT under a name of its own (dossiers share names such as 申报表.odt).
        let work = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("pingshen-check-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var files: [(record: FileRecord, url: URL)] = []
        var writeFailure: String?
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            for (n, f) in odts.enumerated() {
                let url = try SafePath.join(work, String(format: "f%05d.odt", n + 1))
                try Data(try bag.read(f.path, limit: budget.maxTagFileBytes)).write(to: url)
                files.append((f, url))
            }
        } catch { writeFailure = "无法写出临时文件供外部程序检测：\(error)" }
        if let writeFailure {
            return [
                CheckItem(
                    .usability, id: "usability.odf-schema", name: names.schema, outcome: .failed,
                    details: [writeFailure]),
                CheckItem(
                    .usability, id: "usability.opens", name: names.opens, outcome: .failed, details: [writeFailure]),
            ]
        }
        var items: [CheckItem] = []
        if let schema = external.odfSchema {
            let urls = files.map(\.url)
            let results = parallelMap(urls.count) { schema(urls[$0]) }
            let failed = zip(files, results).compactMap { f, r in r.map { (f.record.path, $0) } }
            items.append(
                failed.isEmpty
                    ? CheckItem(
                        .usability, id: "usability.odf-schema", name: names.schema, outcome: .passed,
                        details: ["\(files.count) 个 ODT 均通过 ODF 规范校验"])
                    : CheckItem(
                        .usability, id: "usability.odf-schema", name: names.schema, outcome: .failed,
                        details: failed.map { "\($0.0)：\($0.1)" }, files: failed.map(\.0)))
        } else {
            items.append(
                CheckItem(
                    .usability, id: "usability.odf-schema", name: names.schema, outcome: .notApplicable,
                    details: ["未执行：本次检测未配置 ODF 校验程序"]))
        }
        if let opens = external.opens {
            let failed = opens(files.map(\.url))
            let named = files.compactMap { f in failed[f.url].map { (f.record.path, $0) } }
            items.append(
                named.isEmpty
                    ? CheckItem(
                        .usability, id: "usability.opens", name: names.opens, outcome: .passed,
                        details: ["LibreOffice 打开并转换了全部 \(files.count) 个 ODT"])
                    : CheckItem(
                        .usability, id: "usability.opens", name: names.opens, outcome: .failed,
                        details: named.map { "\($0.0)：\($0.1)" }, files: named.map(\.0)))
        } else {
            items.append(
                CheckItem(
                    .usability, id: "usability.opens", name: names.opens, outcome: .notApplicable,
                    details: ["未执行：本次检测未配置 LibreOffice"]))
        }
        return items
    }

    // MARK: - security

    func securityItems(bag: BagContainer, contents: ContentPass, readable: Bool) -> [CheckItem] {
        let names = (executable: "无可执行程序、脚本或宏", external: "无外部引用", encrypted: "无加密内容")
        guard readable else {
            let d = ["归档包无法读取或超出校验限额，未能检查"]
            return [
                CheckItem(.security, id: "security.executable", name: names.executable, outcome: .failed, details: d),
                CheckItem(.security, id: "security.external", name: names.external, outcome: .failed, details: d),
                CheckItem(.security, id: "security.encryption", name: names.encrypted, outcome: .failed, details: d),
            ]
        }
        func item(_ id: String, _ name: String, _ found: [(String, String)], passed: String) -> CheckItem {
            found.isEmpty
                ? CheckItem(.security, id: id, name: name, outcome: .passed, details: [passed])
                : CheckItem(
                    .security, id: id, name: name, outcome: .failed, details: found.map { "\($0.0)：\($0.1)" },
                    files: unique(found.map(\.0)))
        }
        let n = contents.files.count
        let executable = contents.files.flatMap { f in f.findings.executable.map { (f.path, $0) } }
        let external = contents.files.flatMap { f in f.findings.external.map { (f.path, $0) } }
        var encrypted = contents.files.flatMap { f in f.findings.encrypted.map { (f.path, $0) } }
        // The package's own zip: no entry encrypted.
        if case .zip(let zipPath) = bag.storage, let reader = try? ZipFileReader(path: zipPath) {
            for i in 0..<reader.count where reader.isEncrypted(i) {
                encrypted.append((reader.name(i), "归档包压缩文件中的条目已加密"))
            }
        }
        return [
            item("security.executable", names.executable, executable, passed: "\(n) 个文件中没有可执行程序、脚本、宏或事件脚本"),
            item("security.external", names.external, external, passed: "HTML 和 ODT 文件中没有指向包外的链接、图像、样式或数据源"),
            item("security.encryption", names.encrypted, encrypted, passed: "没有加密的文件、文档或压缩条目"),
        ]
    }

    func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    // MARK: - reports beside the package

    /// The report files of the package at `path`: `<name>.check.json` and `<name>.check.html`
    /// beside it, `<name>` being the folder's or the zip's file name (`decision-2026-12`,
    /// `decision-2026-12.zip`), so a folder and its zip keep reports of their own.
    public static func reportPaths(besidePackage path: String) -> (json: URL, html: URL) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        return (
            folder.appendingPathComponent(name + ArchiveFolder.reportJSONSuffix),
            folder.appendingPathComponent(name + ArchiveFolder.reportHTMLSuffix)
        )
    }

    /// The report last written beside the package (nil: none, or unreadable) — for a catalogue
    /// showing each package's latest result without checking it again.
    public static func existingReport(besidePackage path: String) -> FourPropertyReport? {
        let json = reportPaths(besidePackage: path).json
        guard let data = Transfer.smallFile(json.path) else { return nil }
        return try? JSONDecoder().decode(FourPropertyReport.self, from: data)
    }

    /// Writes the JSON and HTML reports beside the package (each through a temporary file
    /// renamed into place).
    @discardableResult
    public static func writeReports(
        _ report: FourPropertyReport, besidePackage path: String
    ) throws(ArchiveError) -> (json: URL, html: URL) {
        let paths = reportPaths(besidePackage: path)
        try ArchiveFolder.writeAtomically(report.json(), to: paths.json)
        try ArchiveFolder.writeAtomically(Array(report.html().utf8), to: paths.html)
        return paths
    }
}

/// What lies in an archive folder (`DIR/archive`): packages (folders and `.zip`s), their check
/// reports (`<package>.check.json`, `.check.html`), `public-keys.json` and transfer batches'
/// work files (names starting with `.`).
public enum ArchiveFolder {
    public static let reportJSONSuffix = ".check.json"
    public static let reportHTMLSuffix = ".check.html"

    /// Whether a name in an archive folder is a check report rather than a package.
    public static func isReport(_ name: String) -> Bool {
        name.hasSuffix(reportJSONSuffix) || name.hasSuffix(reportHTMLSuffix)
    }

    /// The packages in `directory`, by name: folders holding `bagit.txt` and `.zip` files;
    /// not reports, keys or hidden files.
    public static func packageNames(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { name in
            guard !name.hasPrefix("."), !isReport(name), name != "public-keys.json", name != "keys" else {
                return false
            }
            var isDirectory: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
            return isDirectory.boolValue
                ? FileManager.default.fileExists(
                    atPath: (path as NSString).appendingPathComponent(BagLayout.declaration))
                : name.lowercased().hasSuffix(".zip")
        }.sorted(by: BagLayout.pathOrder)
    }

    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(ArchiveError) {
        let folder = url.deletingLastPathComponent()
        let staging = try SafePath.join(folder, ".\(url.lastPathComponent).partial-\(getpid())")
        do {
            try Data(bytes).write(to: staging)
        } catch { throw .io(path: staging.path, reason: "\(error)") }
        guard rename(staging.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: staging)
            throw .io(path: url.path, reason: reason)
        }
    }
}

/// What the content inspection found in files already inspected, by content: a file's findings
/// depend only on its bytes, the kind of name it has (its extension) and the long-term list, so
/// a file met again — the same dossier in a session's package and in its decision's — is not
/// inspected again. Only clean findings (a format, no problem) are kept, about 50 bytes a file;
/// a file with a problem is inspected each time, so its report always says it afresh.
public final class InspectionMemo: @unchecked Sendable {
    struct Key: Hashable {
        var digest: (UInt64, UInt64, UInt64, UInt64)
        /// The name's extension, lower-cased (a short string: stored inline).
        var ext: String

        static func == (a: Key, b: Key) -> Bool {
            a.digest == b.digest && a.ext == b.ext
        }

        func hash(into h: inout Hasher) {
            h.combine(digest.0)
            h.combine(digest.1)
            h.combine(digest.2)
            h.combine(digest.3)
            h.combine(ext)
        }

        init?(sha256: String, path: String) {
            let utf8 = Array(sha256.utf8)
            guard utf8.count == 64 else { return nil }
            var words: [UInt64] = []
            for w in 0..<4 {
                var v: UInt64 = 0
                for c in utf8[(w * 16)..<(w * 16 + 16)] {
                    let d: UInt8
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                    default: return nil
                    }
                    v = v << 4 | UInt64(d)
                }
                words.append(v)
            }
            digest = (words[0], words[1], words[2], words[3])
            ext = (path as NSString).pathExtension.lowercased()
        }
    }

    private let lock = NSLock()
    private var clean: [Key: LongTermFormat] = [:]
    private var formats: Set<LongTermFormat>?

    public init() {}

    /// How many files' findings are kept.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return clean.count
    }

    func findings(sha256: String, path: String, formats: Set<LongTermFormat>) -> FileFindings? {
        guard let key = Key(sha256: sha256, path: path) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        guard self.formats == formats, let format = clean[key] else { return nil }
        return FileFindings(format: format)
    }

    func remember(_ findings: FileFindings, sha256: String, path: String, formats: Set<LongTermFormat>) {
        guard let format = findings.format, findings == FileFindings(format: format),
            let key = Key(sha256: sha256, path: path)
        else { return }
        lock.lock()
        defer { lock.unlock() }
        if self.formats != formats {
            self.formats = formats
            clean = [:]
        }
        clean[key] = format
    }
}
