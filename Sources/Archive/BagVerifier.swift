import Crypto
import Domain
import Foundation
import Signing
import Workflow

/// One thing wrong with a package.
public struct BagProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notABag  // bagit.txt missing or not BagIt 1.0
        case unreadable  // the folder or zip cannot be read
        case unsafePath  // an entry with an absolute path, `..` or another unsafe name
        case changed  // a file's checksum differs from its manifest
        case missing  // a file listed in a manifest is absent
        case added  // a file no manifest lists
        case malformed  // a manifest or bag-info line cannot be read
        case oxum  // Payload-Oxum differs from the payload
        case signatureMissing
        case signatureMalformed
        case signatureInvalid  // does not verify under the named key
        case unknownKey  // the signing key is not in the trusted keyring
        case keyNotValid  // the key was not yet or no longer valid on the package's date
        case keyRevoked  // the key was revoked on or before the package's date
        case identity  // the package's name is not that of the decision it holds
        case budget  // reading would cost more than the verification budget: stopped
    }

    public var kind: Kind
    /// The file concerned (inside the bag), if any.
    public var path: String?
    /// Detail in English.
    public var detail: String
    /// Detail in Chinese, when the message needs one (dates, sizes, names).
    public var chineseDetail: String?

    public init(_ kind: Kind, path: String? = nil, _ detail: String, zh chineseDetail: String? = nil) {
        self.kind = kind
        self.path = path
        self.detail = detail
        self.chineseDetail = chineseDetail
    }

    public var description: String {
        let what: String =
            switch kind {
            case .notABag: "not a BagIt 1.0 bag"
            case .unreadable: "unreadable"
            case .unsafePath: "unsafe path refused"
            case .changed: "file changed (checksum mismatch)"
            case .missing: "file missing"
            case .added: "file added (not in any manifest)"
            case .malformed: "malformed"
            case .oxum: "Payload-Oxum mismatch"
            case .signatureMissing: "signature missing"
            case .signatureMalformed: "signature file malformed"
            case .signatureInvalid: "signature invalid"
            case .unknownKey: "signed by a key not in the trusted keyring"
            case .keyNotValid: "signing key not valid on the package's date"
            case .keyRevoked: "signing key revoked"
            case .identity: "package name does not match its decision"
            case .budget: "verification budget exceeded"
            }
        return path.map { "\(what): \($0): \(detail)" } ?? "\(what): \(detail)"
    }

    /// For users, in Chinese.
    public var chinese: String {
        let p = path ?? ""
        let d = chineseDetail ?? detail
        return switch kind {
        case .notABag: "不是有效的 BagIt 1.0 归档包：\(d)"
        case .unreadable: "归档包无法读取：\(p.isEmpty ? "" : p + "，")\(d)"
        case .unsafePath: "发现不安全的路径（绝对路径、含“..”、链接或设备文件），已拒绝：\(p)"
        case .changed: "文件内容被改动（校验值不符）：\(p)"
        case .missing: "文件缺失（清单中列出但不存在）：\(p)"
        case .added: "多出未登记的文件：\(p)"
        case .malformed: "清单格式错误：\(p) \(d)"
        case .oxum: "数据文件总量与 Payload-Oxum 不符：\(d)"
        case .signatureMissing: "缺少签名文件 \(BagLayout.signature)"
        case .signatureMalformed: "签名文件格式错误：\(d)"
        case .signatureInvalid: "签名无效（签名与标签清单不符，可能被替换或清单被改动）：\(d)"
        case .unknownKey: "签名密钥不在职改办密钥库中（归档包自带或旁附的公钥一律不予信任）：\(d)"
        case .keyNotValid: "签名密钥在归档包日期不在有效期内：\(d)"
        case .keyRevoked: "签名密钥已被吊销，吊销之日及以后日期的归档包不予认可：\(d)"
        case .identity: "归档包名称与其所载决定不符（可能被改名或顶替其他归档包）：\(d)"
        case .budget: "归档包超出校验限额，已停止读取（疑似压缩炸弹或异常大文件）：\(d)"
        }
    }
}

/// What `BagVerifier.verify` found.
public struct BagReport: Sendable, Equatable {
    /// Every problem found, in a stable order.
    public var problems: [BagProblem]
    /// The key that signed the tag manifest, when the signature verified under a key of the
    /// trusted set that was valid (and not revoked) on the package's `Bagging-Date`.
    public var signedBy: PublicKeyEntry?
    public var payloadFileCount: Int
    public var payloadBytes: Int
    /// `External-Identifier` from bag-info.txt.
    public var externalIdentifier: String?
    /// `Bagging-Date` from bag-info.txt: the decision's date, the day the signature is for.
    public var baggingDate: Day?
    /// The package's name as found: its folder's name or its zip's name without `.zip`.
    public var name: String?
    /// The decision the package holds (from `External-Identifier` and its payload).
    public var decision: ArchiveDecision?

    public init(
        problems: [BagProblem] = [], signedBy: PublicKeyEntry? = nil, payloadFileCount: Int = 0, payloadBytes: Int = 0,
        externalIdentifier: String? = nil, baggingDate: Day? = nil, name: String? = nil
    ) {
        self.problems = problems
        self.signedBy = signedBy
        self.payloadFileCount = payloadFileCount
        self.payloadBytes = payloadBytes
        self.externalIdentifier = externalIdentifier
        self.baggingDate = baggingDate
        self.name = name
    }

    /// Complete, every checksum matches, the name agrees with the decision it holds and the
    /// signature is valid under a trusted key valid on the package's date.
    public var isValid: Bool { problems.isEmpty && signedBy != nil }
}

/// Checks a package written by `BagWriter` (a folder or a `.zip` of it): complete, every
/// checksum right, the tag manifest right, the signature valid under a key of the trusted set
/// — the office's keyring, never keys inside or beside the package — that was valid and not
/// revoked on the package's `Bagging-Date`, and the package's name that of the decision in
/// its `External-Identifier`. Files are hashed while read, in chunks, within a
/// `VerificationBudget`. Reports every problem, not just the first.
///
/// ```swift
/// let trusted = try OfficeKeyring.trustedKeys(directory: "data/keys")
/// let report = BagVerifier.verify(path: "archive/decision-2026-12.zip", keys: trusted)
/// if !report.isValid { report.problems.forEach { print($0.chinese) } }
/// ```
public enum BagVerifier {
    /// Verifies a folder or a `.zip`.
    public static func verify(
        path: String, keys: PublicKeySet, budget: VerificationBudget = .standard
    ) -> BagReport {
        verify(BagContainer.open(path: path, budget: budget), keys: keys, budget: budget)
    }

    /// Verifies files already in memory (path inside the bag → bytes). `name` is the package's
    /// name to check against its `External-Identifier`; nil skips that check (fuzzing, tests).
    public static func verify(
        files: [String: [UInt8]], name: String?, keys: PublicKeySet, budget: VerificationBudget = .standard
    ) -> BagReport {
        verify(BagContainer.memory(files, name: name), keys: keys, budget: budget)
    }

    /// Sees each payload file as the verifier hashes it (on the hashing threads): its path, its
    /// whole bytes when it is no larger than `wholeLimit` (nil otherwise) and its SHA-256 — so
    /// the four-property check inspects each file in the same read that verifies it, instead
    /// of reading every byte a second time.
    struct PayloadObserver: Sendable {
        var wholeLimit: Int
        var observe: @Sendable (_ path: String, _ bytes: [UInt8]?, _ sha256: String) -> Void
    }

    static func verify(
        _ bag: BagContainer, keys: PublicKeySet, budget: VerificationBudget, observer: PayloadObserver? = nil
    ) -> BagReport {
        var problems = bag.problems
        var report = BagReport(name: bag.name)
        // Nothing to read, or the listing already broke the budget: stop before reading.
        if bag.entries.isEmpty && problems.contains(where: { $0.kind == .unreadable })
            || problems.contains(where: { $0.kind == .budget })
        {
            report.problems = problems
            return report
        }
        func tagFile(_ path: String) -> [UInt8]? {
            guard bag.entries[path] != nil else { return nil }
            do { return try bag.read(path, limit: budget.maxTagFileBytes) } catch {
                problems.append(error)
                return nil
            }
        }
        // bagit.txt
        if let decl = tagFile(BagLayout.declaration) {
            let text = String(decoding: decl, as: UTF8.self)
            if !text.contains("BagIt-Version: 1.0") || !text.contains("Tag-File-Character-Encoding: UTF-8") {
                problems.append(.init(.notABag, path: BagLayout.declaration, "not BagIt-Version 1.0 with UTF-8"))
            }
        } else if bag.entries[BagLayout.declaration] == nil {
            problems.append(.init(.notABag, path: BagLayout.declaration, "bagit.txt is missing"))
        }
        var manifestBytes = tagFile(BagLayout.manifest)
        let tagManifestBytes = tagFile(BagLayout.tagManifest)
        let infoBytes = tagFile(BagLayout.info)
        let signatureBytes = tagFile(BagLayout.signature)
        let fields = infoBytes.map(parseInfo) ?? []
        func field(_ label: String) -> String? { fields.first { $0.label == label }?.value }
        report.externalIdentifier = field("External-Identifier")
        report.baggingDate = field("Bagging-Date").flatMap { Day($0) }

        // The signature first (tag files only): a valid one vouches for the payload's size.
        var signatureProblems: [BagProblem] = []
        if let signatureBytes {
            switch parseSignature(signatureBytes) {
            case .failure(let problem): signatureProblems.append(problem)
            case .success(let sig):
                if let entry = keys.entry(sig.keyID) {
                    if let key = entry.signingKey, let tagManifestBytes,
                        key.isValidSignature(sig.signature, for: tagManifestBytes)
                    {
                        if let day = report.baggingDate {
                            switch entry.validity(on: day) {
                            case .valid: report.signedBy = entry
                            case .revoked(let on):
                                signatureProblems.append(
                                    .init(
                                        .keyRevoked, path: BagLayout.signature,
                                        "key \(sig.keyID) was revoked on \(on); the package is dated \(day)",
                                        zh: "密钥 \(sig.keyID) 已于 \(on) 吊销，归档包日期为 \(day)"))
                            case .notYetValid(let from):
                                signatureProblems.append(
                                    .init(
                                        .keyNotValid, path: BagLayout.signature,
                                        "key \(sig.keyID) is valid from \(from); the package is dated \(day)",
                                        zh: "密钥 \(sig.keyID) 自 \(from) 起生效，归档包日期为 \(day)"))
                            case .expired(let until):
                                signatureProblems.append(
                                    .init(
                                        .keyNotValid, path: BagLayout.signature,
                                        "key \(sig.keyID) was valid until \(until); the package is dated \(day)",
                                        zh: "密钥 \(sig.keyID) 的有效期至 \(until)，归档包日期为 \(day)"))
                            case .malformed(let what):
                                signatureProblems.append(
                                    .init(
                                        .keyNotValid, path: BagLayout.signature,
                                        "the keyring's dates of key \(sig.keyID) cannot be read: \(what)",
                                        zh: "职改办密钥库中密钥 \(sig.keyID) 的日期无法识别"))
                            }
                        } else {
                            signatureProblems.append(
                                .init(
                                    .keyNotValid, path: BagLayout.info,
                                    "no readable Bagging-Date: the key's validity cannot be checked",
                                    zh: "bag-info.txt 中没有可识别的 Bagging-Date，无法核对签名密钥的有效期"))
                        }
                    } else {
                        signatureProblems.append(
                            .init(
                                .signatureInvalid, path: BagLayout.signature,
                                "the signature does not verify under key \(sig.keyID)"))
                    }
                } else {
                    signatureProblems.append(
                        .init(
                            .unknownKey, path: BagLayout.signature, "key \(sig.keyID) is not in the trusted keyring",
                            zh: "密钥 \(sig.keyID)"))
                }
            }
        } else if bag.entries[BagLayout.signature] == nil {
            signatureProblems.append(.init(.signatureMissing, path: BagLayout.signature, "no signature file"))
        }

        // Payload manifest.
        var listed: Set<String> = []
        var payloadEntries: [(hash: String, path: String)] = []
        if let bytes = manifestBytes {
            manifestBytes = nil  // parsed: its bytes (≈ 140 a file) are not needed again
            let (entries, bad) = parseManifest(bytes, name: BagLayout.manifest)
            problems += bad
            payloadEntries = entries.compactMap { entry in
                guard entry.path.hasPrefix(BagLayout.payloadDirectory) else {
                    problems.append(.init(.malformed, path: entry.path, "payload manifest lists a file outside data/"))
                    return nil
                }
                // The listing's own string for the path: a quarter of a million paths held once.
                if let i = bag.entries.index(forKey: entry.path) { return (entry.hash, bag.entries.keys[i]) }
                return entry
            }
            listed = Set(payloadEntries.map(\.path))
        } else if bag.entries[BagLayout.manifest] == nil {
            problems.append(.init(.missing, path: BagLayout.manifest, "the payload manifest is missing"))
        }
        report.decision = report.externalIdentifier.map { decision(externalIdentifier: $0, listed: listed) }
        let payload = bag.entries.filter { $0.key.hasPrefix(BagLayout.payloadDirectory) }
        report.payloadFileCount = payload.count
        report.payloadBytes = payload.values.reduce(0) { $0 + $1.size }

        // What may be read: the signed Payload-Oxum (and a little) once the signature holds.
        let oxum = field("Payload-Oxum")
        let signedOctets = report.signedBy == nil ? nil : oxum.flatMap { Int($0.split(separator: ".").first ?? "") }
        let limit = signedOctets.map { $0 + budget.signedSlackBytes } ?? budget.maxPayloadBytes
        let present = payloadEntries.filter { payload[$0.path] != nil }
        let declared = present.reduce(0) { $0 + (payload[$1.path]?.size ?? 0) }
        var budgetProblem: BagProblem?
        var hashes: [String?] = Array(repeating: nil, count: present.count)
        if declared > limit {
            budgetProblem = BagProblem(
                .budget, path: nil,
                "payload files hold \(declared) bytes, more than the \(limit) allowed (\(signedOctets == nil ? "unsigned budget" : "signed Payload-Oxum")): no checksum computed",
                zh:
                    "数据文件共 \(declared) 字节，超出允许的 \(limit) 字节（\(signedOctets == nil ? "签名未通过验证时的校验限额" : "已签名的 Payload-Oxum 加余量")），未计算任何校验值"
            )
        } else {
            let outcome = hashPayload(
                bag, paths: present.map(\.path), limit: limit, chunk: budget.chunkBytes, observer: observer)
            hashes = outcome.hashes
            problems += outcome.problems
            if outcome.overBudget {
                budgetProblem = BagProblem(
                    .budget, path: nil, "more than \(limit) bytes came out of the payload: reading stopped",
                    zh: "读出的数据超过 \(limit) 字节，已停止读取")
            }
        }
        var payloadProblems: [BagProblem] = []
        for entry in payloadEntries where payload[entry.path] == nil {
            payloadProblems.append(.init(.missing, path: entry.path, "listed in \(BagLayout.manifest)"))
        }
        for (entry, hash) in zip(present, hashes) {
            if let hash, hash != entry.hash {
                payloadProblems.append(.init(.changed, path: entry.path, "expected \(entry.hash), found \(hash)"))
            }
        }
        problems += payloadProblems.sorted { BagLayout.pathOrder($0.path ?? "", $1.path ?? "") }
        if let budgetProblem { problems.append(budgetProblem) }
        for path in payload.keys.sorted(by: BagLayout.pathOrder) where !listed.contains(path) {
            problems.append(.init(.added, path: path, "not listed in \(BagLayout.manifest)"))
        }
        // Tag manifest.
        var tagListed: Set<String> = []
        if let tagManifestBytes {
            let (entries, bad) = parseManifest(tagManifestBytes, name: BagLayout.tagManifest)
            problems += bad
            for entry in entries {
                tagListed.insert(entry.path)
                guard bag.entries[entry.path] != nil else {
                    problems.append(.init(.missing, path: entry.path, "listed in \(BagLayout.tagManifest)"))
                    continue
                }
                // Hashed in chunks, so a tag file written streamed (`metadata.xml`) may be as
                // large as the streamed limit; the files read whole were bounded when read.
                let hashLimit = max(budget.maxTagFileBytes, budget.maxStreamedTagFileBytes)
                let hash: String?
                do {
                    hash = try bag.sha256(entry.path, cursor: bag.main, limit: hashLimit, chunk: budget.chunkBytes).hash
                } catch {
                    problems.append(error)
                    continue
                }
                guard let hash else {
                    problems.append(
                        .init(
                            .budget, path: entry.path, "larger than \(hashLimit) bytes: not read",
                            zh: "\(entry.path) 超过 \(hashLimit) 字节，未读取"))
                    continue
                }
                if hash != entry.hash {
                    problems.append(.init(.changed, path: entry.path, "expected \(entry.hash), found \(hash)"))
                }
            }
            for required in [BagLayout.declaration, BagLayout.info, BagLayout.manifest]
            where !tagListed.contains(required) && bag.entries[required] != nil {
                problems.append(.init(.added, path: required, "not covered by \(BagLayout.tagManifest)"))
            }
        } else if bag.entries[BagLayout.tagManifest] == nil {
            problems.append(.init(.missing, path: BagLayout.tagManifest, "the tag manifest is missing"))
        }
        for path in bag.entries.keys.sorted(by: BagLayout.pathOrder)
        where !path.hasPrefix(BagLayout.payloadDirectory) && !tagListed.contains(path)
            && ![BagLayout.tagManifest, BagLayout.signature, BagLayout.declaration, BagLayout.info, BagLayout.manifest]
                .contains(path)
        {
            problems.append(.init(.added, path: path, "tag file not listed in \(BagLayout.tagManifest)"))
        }
        // bag-info.txt: Payload-Oxum.
        if infoBytes != nil {
            if let oxum {
                let expected = "\(report.payloadBytes).\(report.payloadFileCount)"
                if oxum != expected {
                    problems.append(.init(.oxum, path: BagLayout.info, "bag-info says \(oxum), payload is \(expected)"))
                }
            }
        } else if bag.entries[BagLayout.info] == nil {
            problems.append(.init(.missing, path: BagLayout.info, "bag-info.txt is missing"))
        }
        problems += signatureProblems
        // The package's name is the decision's: a package copied under another's name fails.
        if let name = bag.name, infoBytes != nil {
            problems += identityProblems(
                name: name, topFolder: bag.topFolder, externalIdentifier: report.externalIdentifier, listed: listed)
        }
        report.problems = problems
        return report
    }

    /// The county code in a package name of a confirmation's or revocation's package
    /// (`decision-410821-2026-1` → 410821): six ASCII digits after the kind, not a year's four.
    static func countyCode(in name: String, decision: ArchiveDecision) -> String? {
        let kind: String
        switch decision {
        case .confirmation: kind = "decision-"
        case .revocation: kind = "revocation-"
        case .session, .reexamination: return nil
        }
        guard name.hasPrefix(kind) else { return nil }
        let code = name.dropFirst(kind.count).prefix { $0 != "-" }
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(code)
    }

    /// The package name a decision's package must have: `DecisionArchiver.packageName` of the
    /// decision in `External-Identifier` — a session's when the payload holds that session's
    /// `committee/<id>/session.json`, else a confirmation 文号's.
    static func identityProblems(
        name: String, topFolder: String?, externalIdentifier: String?, listed: Set<String>
    ) -> [BagProblem] {
        guard let id = externalIdentifier, !id.isEmpty else {
            return [
                .init(
                    .identity, path: BagLayout.info, "no External-Identifier to check the name \(name) against",
                    zh: "bag-info.txt 中没有 External-Identifier，无法核对归档包名称 \(name)")
            ]
        }
        let decision = decision(externalIdentifier: id, listed: listed)
        // A county's decision carries the county's division code after the kind
        // (`decision-410821-2026-1`, `DecisionArchiver.countyPrefixes`); the package alone does
        // not say which county a 文号 prefix is, so any county code is accepted here (the
        // database check names the decision the package must hold).
        let expected = countyCode(in: name, decision: decision).map { DecisionArchiver.packageName(decision, county: $0) }
            ?? DecisionArchiver.packageName(decision)
        var out: [BagProblem] = []
        if name != expected {
            out.append(
                .init(
                    .identity, path: BagLayout.info,
                    "the package is named \(name) but holds \(id), whose package is \(expected)",
                    zh: "归档包名为 \(name)，但 bag-info.txt 的 External-Identifier 为“\(id)”，其归档包名应为 \(expected)"))
        }
        if let topFolder, topFolder != expected {
            out.append(
                .init(
                    .identity, path: topFolder,
                    "the zip's top folder is \(topFolder) but it holds \(id), whose package is \(expected)",
                    zh: "压缩包内顶层文件夹为 \(topFolder)，但所载决定“\(id)”的归档包名应为 \(expected)"))
        }
        return out
    }

    /// The decision a package holds, from its `External-Identifier` and its payload listing.
    static func decision(externalIdentifier id: String, listed: Set<String>) -> ArchiveDecision {
        if listed.contains("\(BagLayout.payloadDirectory)committee/\(id)/session.json") { return .session(id: id) }
        let revocation = "\(BagLayout.payloadDirectory)decision/\(DocumentKind.revocationDecision.rawValue)/"
        let reexamination = "\(BagLayout.payloadDirectory)decision/\(DocumentKind.reexaminationDecision.rawValue)/"
        if listed.contains(where: { $0.hasPrefix(revocation) }) { return .revocation(documentNumber: id) }
        if listed.contains(where: { $0.hasPrefix(reexamination) }) { return .reexamination(applicationID: id) }
        return .confirmation(documentNumber: id)
    }

    /// Hashes the payload files in chunks on every core (each worker with its own reader),
    /// stopping once `limit` bytes have been read in all.
    static func hashPayload(
        _ bag: BagContainer, paths: [String], limit: Int, chunk: Int, observer: PayloadObserver? = nil
    ) -> (hashes: [String?], problems: [BagProblem], overBudget: Bool) {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var read = 0
            var over = false
            var hashes: [String?]
            var problems: [(Int, BagProblem)] = []
            init(_ n: Int) { hashes = Array(repeating: nil, count: n) }
        }
        let shared = Shared(paths.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let cursor = BagContainer.Cursor(bag, shared: false)
            var i = w
            while i < paths.count {
                shared.lock.lock()
                let remaining = limit - shared.read
                let stop = shared.over
                shared.lock.unlock()
                if stop { return }
                let path = paths[i]
                let result: Result<(hash: String?, end: BagContainer.ReadEnd), BagProblem> = Result {
                    () throws(BagProblem) in
                    guard let observer else {
                        return try bag.sha256(path, cursor: cursor, limit: max(remaining, 0), chunk: chunk)
                    }
                    // Hashed and, when small enough, kept whole for the observer.
                    let declared = bag.entries[path]?.size ?? 0
                    var whole: [UInt8]? = declared <= observer.wholeLimit ? [] : nil
                    whole?.reserveCapacity(declared)
                    var hasher = SHA256()
                    let end = try cursor.stream(path, limit: max(remaining, 0), chunk: chunk) { piece in
                        hasher.update(bufferPointer: piece)
                        if whole != nil {
                            if whole!.count + piece.count <= observer.wholeLimit {
                                whole!.append(contentsOf: piece)
                            } else {
                                whole = nil
                            }
                        }
                    }
                    if case .overLimit = end { return (nil, end) }
                    let hash = Hex.lowercase(hasher.finalize())
                    observer.observe(path, whole, hash)
                    return (hash, end)
                }
                shared.lock.lock()
                switch result {
                case .success(let r):
                    switch r.end {
                    case .complete(let n):
                        shared.read += n
                        shared.hashes[i] = r.hash
                    case .overLimit(let n):
                        shared.read += n
                        shared.over = true
                    }
                case .failure(let problem): shared.problems.append((i, problem))
                }
                if shared.read > limit { shared.over = true }
                shared.lock.unlock()
                i += workers
            }
        }
        return (shared.hashes, shared.problems.sorted { $0.0 < $1.0 }.map(\.1), shared.over)
    }

    static func parseManifest(
        _ bytes: [UInt8], name: String
    ) -> (
        entries: [(hash: String, path: String)], problems: [BagProblem]
    ) {
        var entries: [(hash: String, path: String)] = []
        var problems: [BagProblem] = []
        let text = String(decoding: bytes, as: UTF8.self)
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                problems.append(.init(.malformed, path: name, "line \(n + 1) has no path"))
                continue
            }
            let hash = line[..<space].lowercased()
            let path = BagLayout.decode(String(line[space...].drop { $0 == " " || $0 == "\t" }))
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else {
                problems.append(.init(.malformed, path: name, "line \(n + 1) has no SHA-256 checksum"))
                continue
            }
            if let reason = SafePath.problem(path) {
                problems.append(.init(.unsafePath, path: path, "in \(name) line \(n + 1): \(reason)"))
                continue
            }
            entries.append((hash, path))
        }
        return (entries, problems)
    }

    static func parseInfo(_ bytes: [UInt8]) -> [BagInfo.Field] {
        var fields: [BagInfo.Field] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append(
                .init(
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        return fields
    }

    struct ParsedSignature {
        var keyID: String
        var signature: Data
    }

    static func parseSignature(_ bytes: [UInt8]) -> Result<ParsedSignature, BagProblem> {
        let fields = parseInfo(bytes)
        func value(_ label: String) -> String? { fields.first { $0.label == label }?.value }
        guard value("Algorithm") == "Ed25519" else {
            return .failure(.init(.signatureMalformed, path: BagLayout.signature, "Algorithm is not Ed25519"))
        }
        guard value("Signed-File") == BagLayout.tagManifest else {
            return .failure(
                .init(.signatureMalformed, path: BagLayout.signature, "Signed-File is not \(BagLayout.tagManifest)"))
        }
        guard let keyID = value("Key-Id"), !keyID.isEmpty else {
            return .failure(.init(.signatureMalformed, path: BagLayout.signature, "no Key-Id"))
        }
        guard let text = value("Signature"), let signature = Data(base64Encoded: text), signature.count == 64 else {
            return .failure(.init(.signatureMalformed, path: BagLayout.signature, "no 64-byte base64 Signature"))
        }
        return .success(ParsedSignature(keyID: keyID, signature: signature))
    }
}

/// Reads a package's files into memory from a folder or a zip, within a budget (for tests and
/// small packages; the verifier streams instead).
public enum BagReader {
    /// Files by their path inside the bag, and the problems met while reading (unsafe
    /// entries, symbolic links, an unreadable archive, the budget).
    public static func read(
        path: String, budget: VerificationBudget = .standard
    ) -> (files: [String: [UInt8]], problems: [BagProblem]) {
        let bag = BagContainer.open(path: path, budget: budget)
        var problems = bag.problems
        guard !problems.contains(where: { $0.kind == .budget }) else { return ([:], problems) }
        var files: [String: [UInt8]] = [:]
        var total = 0
        for p in bag.entries.keys.sorted(by: BagLayout.pathOrder) {
            do {
                let bytes = try bag.read(p, limit: budget.maxPayloadBytes - total)
                total += bytes.count
                files[p] = bytes
            } catch {
                problems.append(error)
                if error.kind == .budget { break }
            }
        }
        return (files, problems)
    }
}
