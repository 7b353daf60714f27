import Crypto
import Foundation
import Signing

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
        case unknownKey  // the signing key is not among the known keys
    }

    public var kind: Kind
    /// The file concerned (inside the bag), if any.
    public var path: String?
    /// Detail in English.
    public var detail: String

    public init(_ kind: Kind, path: String? = nil, _ detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
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
            case .unknownKey: "signed by an unknown key"
            }
        return path.map { "\(what): \($0): \(detail)" } ?? "\(what): \(detail)"
    }

    /// For users, in Chinese.
    public var chinese: String {
        let p = path ?? ""
        return switch kind {
        case .notABag: "不是有效的 BagIt 1.0 归档包:\(detail)"
        case .unreadable: "归档包无法读取:\(detail)"
        case .unsafePath: "发现不安全的路径(绝对路径或含“..”),已拒绝:\(p)"
        case .changed: "文件内容被改动(校验值不符):\(p)"
        case .missing: "文件缺失(清单中列出但不存在):\(p)"
        case .added: "多出未登记的文件:\(p)"
        case .malformed: "清单格式错误:\(p) \(detail)"
        case .oxum: "数据文件总量与 Payload-Oxum 不符:\(detail)"
        case .signatureMissing: "缺少签名文件 \(BagLayout.signature)"
        case .signatureMalformed: "签名文件格式错误:\(detail)"
        case .signatureInvalid: "签名无效(签名与标签清单不符,可能被替换或清单被改动):\(detail)"
        case .unknownKey: "签名密钥未知(不在已知公钥列表中):\(detail)"
        }
    }
}

/// What `BagVerifier.verify` found.
public struct BagReport: Sendable, Equatable {
    /// Every problem found, in a stable order.
    public var problems: [BagProblem]
    /// The key that signed the tag manifest, when the signature verified.
    public var signedBy: PublicKeyEntry?
    public var payloadFileCount: Int
    public var payloadBytes: Int
    /// `External-Identifier` from bag-info.txt.
    public var externalIdentifier: String?

    /// Complete, every checksum matches and the signature is valid under a known key.
    public var isValid: Bool { problems.isEmpty && signedBy != nil }
}

/// Checks a package written by `BagWriter` (a folder or a `.zip` of it): complete, every
/// checksum right, the tag manifest right, the signature valid under a known key (current or
/// retired). Reports every problem, not just the first.
///
/// ```swift
/// let report = try BagVerifier.verify(path: "archive/decision-2026-12.zip", keys: keys)
/// if !report.isValid { report.problems.forEach { print($0.chinese) } }
/// ```
public enum BagVerifier {
    /// Verifies a folder or a `.zip`.
    public static func verify(path: String, keys: PublicKeySet) -> BagReport {
        let contents = BagReader.read(path: path)
        return verify(files: contents.files, keys: keys, readProblems: contents.problems)
    }

    /// Verifies files already in memory (path inside the bag → bytes).
    public static func verify(
        files: [String: [UInt8]], keys: PublicKeySet, readProblems: [BagProblem] = []
    )
        -> BagReport
    {
        var problems = readProblems
        var report = BagReport(problems: [], signedBy: nil, payloadFileCount: 0, payloadBytes: 0)
        if files.isEmpty, readProblems.contains(where: { $0.kind == .unreadable }) {
            report.problems = problems
            return report
        }
        // bagit.txt
        if let decl = files[BagLayout.declaration] {
            let text = String(decoding: decl, as: UTF8.self)
            if !text.contains("BagIt-Version: 1.0") || !text.contains("Tag-File-Character-Encoding: UTF-8") {
                problems.append(.init(.notABag, path: BagLayout.declaration, "not BagIt-Version 1.0 with UTF-8"))
            }
        } else {
            problems.append(.init(.notABag, path: BagLayout.declaration, "bagit.txt is missing"))
        }
        // Payload manifest.
        var listed: Set<String> = []
        if let manifest = files[BagLayout.manifest] {
            let (entries, bad) = parseManifest(manifest, name: BagLayout.manifest)
            problems += bad
            let payloadEntries = entries.filter { entry in
                guard entry.path.hasPrefix(BagLayout.payloadDirectory) else {
                    problems.append(.init(.malformed, path: entry.path, "payload manifest lists a file outside data/"))
                    return false
                }
                return true
            }
            listed = Set(payloadEntries.map(\.path))
            let present = payloadEntries.map { files[$0.path] }
            let hashes = parallelMap(present.count) { i in present[i].map(BagLayout.sha256Hex) }
            for (entry, hash) in zip(payloadEntries, hashes) {
                guard let hash else {
                    problems.append(.init(.missing, path: entry.path, "listed in \(BagLayout.manifest)"))
                    continue
                }
                if hash != entry.hash {
                    problems.append(.init(.changed, path: entry.path, "expected \(entry.hash), found \(hash)"))
                }
            }
        } else {
            problems.append(.init(.missing, path: BagLayout.manifest, "the payload manifest is missing"))
        }
        let payload = files.filter { $0.key.hasPrefix(BagLayout.payloadDirectory) }
        report.payloadFileCount = payload.count
        report.payloadBytes = payload.values.reduce(0) { $0 + $1.count }
        for path in payload.keys.sorted(by: BagLayout.pathOrder) where !listed.contains(path) {
            problems.append(.init(.added, path: path, "not listed in \(BagLayout.manifest)"))
        }
        // Tag manifest.
        var tagListed: Set<String> = []
        if let tagManifest = files[BagLayout.tagManifest] {
            let (entries, bad) = parseManifest(tagManifest, name: BagLayout.tagManifest)
            problems += bad
            for entry in entries {
                tagListed.insert(entry.path)
                guard let bytes = files[entry.path] else {
                    problems.append(.init(.missing, path: entry.path, "listed in \(BagLayout.tagManifest)"))
                    continue
                }
                let hash = BagLayout.sha256Hex(bytes)
                if hash != entry.hash {
                    problems.append(.init(.changed, path: entry.path, "expected \(entry.hash), found \(hash)"))
                }
            }
            for required in [BagLayout.declaration, BagLayout.info, BagLayout.manifest]
            where !tagListed.contains(required) && files[required] != nil {
                problems.append(.init(.added, path: required, "not covered by \(BagLayout.tagManifest)"))
            }
        } else {
            problems.append(.init(.missing, path: BagLayout.tagManifest, "the tag manifest is missing"))
        }
        for path in files.keys.sorted(by: BagLayout.pathOrder)
        where !path.hasPrefix(BagLayout.payloadDirectory) && !tagListed.contains(path)
            && ![BagLayout.tagManifest, BagLayout.signature, BagLayout.declaration, BagLayout.info, BagLayout.manifest]
                .contains(path)
        {
            problems.append(.init(.added, path: path, "tag file not listed in \(BagLayout.tagManifest)"))
        }
        // bag-info.txt: Payload-Oxum.
        if let info = files[BagLayout.info] {
            let fields = parseInfo(info)
            report.externalIdentifier = fields.first { $0.label == "External-Identifier" }?.value
            if let oxum = fields.first(where: { $0.label == "Payload-Oxum" })?.value {
                let expected = "\(report.payloadBytes).\(report.payloadFileCount)"
                if oxum != expected {
                    problems.append(.init(.oxum, path: BagLayout.info, "bag-info says \(oxum), payload is \(expected)"))
                }
            }
        } else {
            problems.append(.init(.missing, path: BagLayout.info, "bag-info.txt is missing"))
        }
        // Signature over the exact bytes of the tag manifest.
        if let signatureFile = files[BagLayout.signature] {
            switch parseSignature(signatureFile) {
            case .failure(let problem): problems.append(problem)
            case .success(let sig):
                if let entry = keys.entry(sig.keyID) {
                    if let key = entry.signingKey, let tagManifest = files[BagLayout.tagManifest],
                        key.isValidSignature(sig.signature, for: tagManifest)
                    {
                        report.signedBy = entry
                    } else {
                        problems.append(
                            .init(
                                .signatureInvalid, path: BagLayout.signature,
                                "the signature does not verify under key \(sig.keyID)"))
                    }
                } else {
                    problems.append(
                        .init(.unknownKey, path: BagLayout.signature, "key \(sig.keyID) is not among the known keys"))
                }
            }
        } else {
            problems.append(.init(.signatureMissing, path: BagLayout.signature, "no signature file"))
        }
        report.problems = problems
        return report
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

/// Reads a package's files into memory from a folder or a zip.
public enum BagReader {
    /// Files by their path inside the bag, and the problems met while reading (unsafe
    /// entries, symbolic links, an unreadable archive).
    public static func read(path: String) -> (files: [String: [UInt8]], problems: [BagProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ([:], [.init(.unreadable, path: nil, "\(path) does not exist")])
        }
        return isDirectory.boolValue ? readFolder(path) : readZip(path)
    }

    static func readZip(_ path: String) -> (files: [String: [UInt8]], problems: [BagProblem]) {
        let entries: (files: [String: [UInt8]], refused: [(name: String, reason: String)])
        do { entries = try BagZip.read(path: path) } catch {
            return ([:], [.init(.unreadable, path: nil, error.description)])
        }
        var problems = entries.refused.map { BagProblem(.unsafePath, path: $0.name, $0.reason) }
        // Strip the one top folder when every entry is inside it and it holds bagit.txt.
        var files = entries.files
        let tops = Set(files.keys.map { String($0.split(separator: "/", maxSplits: 1)[0]) })
        if tops.count == 1, let top = tops.first, files["\(top)/\(BagLayout.declaration)"] != nil {
            var stripped: [String: [UInt8]] = [:]
            for (k, v) in files { stripped[String(k.dropFirst(top.count + 1))] = v }
            files = stripped
        } else if files[BagLayout.declaration] == nil {
            problems.append(.init(.notABag, path: nil, "the zip holds no bagit.txt at its top or in one top folder"))
        }
        return (files, problems)
    }

    static func readFolder(_ path: String) -> (files: [String: [UInt8]], problems: [BagProblem]) {
        let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var files: [String: [UInt8]] = [:]
        var problems: [BagProblem] = []
        var stack = [""]
        let fm = FileManager.default
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? root : root.appendingPathComponent(rel)
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: dir.path) } catch {
                problems.append(.init(.unreadable, path: rel, "\(error)"))
                continue
            }
            for name in names {
                let child = rel.isEmpty ? name : "\(rel)/\(name)"
                let url = root.appendingPathComponent(child)
                var st = stat()
                guard lstat(url.path, &st) == 0 else {
                    problems.append(.init(.unreadable, path: child, "cannot stat"))
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: stack.append(child)
                case S_IFREG:
                    do { files[child] = Array(try Data(contentsOf: url)) } catch {
                        problems.append(.init(.unreadable, path: child, "\(error)"))
                    }
                default:
                    problems.append(.init(.unsafePath, path: child, "not a regular file (symbolic link or device)"))
                }
            }
        }
        return (files, problems)
    }
}
