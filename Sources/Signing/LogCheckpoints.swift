import Crypto
import Domain
import Foundation
import Store

/// One checkpoint as written outside the database (`DIR/checkpoints/<n>.json`): the signed
/// body exactly as in the database, the key and signature, and the heads that changed since
/// the previous checkpoint (every head in the first), so the full set of heads at each
/// checkpoint can be rebuilt from the files alone and matched against its signed root.
public struct CheckpointFile: Codable, Sendable, Equatable {
    public var body: String
    public var keyID: String
    public var signature: String
    public var changedHeads: [CheckpointHead]

    public init(body: String, keyID: String, signature: String, changedHeads: [CheckpointHead]) {
        self.body = body
        self.keyID = keyID
        self.signature = signature
        self.changedHeads = changedHeads
    }
}

/// One thing wrong with the log's checkpoints or with the history they sign.
public struct CheckpointProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case rowMissing  // the file exists, the database's row is gone
        case fileMissing  // the database's row exists, the file is gone
        case bothMissing  // a number in the chain is in neither place
        case differs  // row and file disagree
        case malformed  // a body or file that does not read
        case unknownKey  // signed by a key not in the keyring
        case keyNotValid  // the key was not valid (or revoked) on the checkpoint's day
        case signatureInvalid
        case chainBroken  // `previous` is not the previous checkpoint's hash, or seqs go back
        case headsFileMismatch  // the heads rebuilt from the files do not give the signed root
        case streamDeleted  // a stream the checkpoint signs is gone from the log
        case streamTruncated  // its last events before the checkpoint are gone
        case streamRewritten  // the event at the signed version has another hash
        case streamInserted  // a stream (or events) the checkpoint does not know, dated before it
        case historyChanged  // the log before the checkpoint differs, no file to say where
        case noKeyring  // checkpoints exist but no keyring to check their signatures
    }

    public var kind: Kind
    public var number: Int
    public var stream: String?
    public var detail: String

    public init(_ kind: Kind, number: Int, stream: String? = nil, _ detail: String) {
        self.kind = kind
        self.number = number
        self.stream = stream
        self.detail = detail
    }

    public var description: String {
        "\(kind.rawValue): checkpoint \(number)\(stream.map { " \($0)" } ?? ""): \(detail)"
    }

    /// For users, in Chinese.
    public var chinese: String {
        let s = stream ?? ""
        return switch kind {
        case .rowMissing: "数据库中的第 \(number) 号检查点被删除（检查点文件仍在）"
        case .fileMissing: "第 \(number) 号检查点文件缺失（数据库中仍有记录）"
        case .bothMissing: "第 \(number) 号检查点在数据库和检查点文件夹中都不存在（被删除）"
        case .differs: "第 \(number) 号检查点在数据库中与检查点文件中的内容不一致（其一被改动）"
        case .malformed: "第 \(number) 号检查点无法读取：\(detail)"
        case .unknownKey: "第 \(number) 号检查点的签名密钥不在职改办密钥库中：\(detail)"
        case .keyNotValid: "第 \(number) 号检查点的签名密钥在其建立之日无效：\(detail)"
        case .signatureInvalid: "第 \(number) 号检查点的签名无效（检查点被改动或伪造）"
        case .chainBroken: "第 \(number) 号检查点与前一检查点接不上（检查点被删除、替换或改动）：\(detail)"
        case .headsFileMismatch: "第 \(number) 号检查点文件所列记录头与签名不符（文件被改动）"
        case .streamDeleted: "记录 \(s) 已从数据库中消失（第 \(number) 号检查点时为第 \(detail) 版）"
        case .streamTruncated: "记录 \(s) 的事件被删除：第 \(number) 号检查点时为第 \(detail)"
        case .streamRewritten: "记录 \(s) 的历史被改写：\(detail)与第 \(number) 号检查点签名的哈希不符"
        case .streamInserted: "记录 \(s) 在第 \(number) 号检查点之前的日志中出现了检查点未记录的事件（伪造或补录）：\(detail)"
        case .historyChanged: "第 \(number) 号检查点之前的事件日志已被改动：\(detail)"
        case .noKeyring: "有 \(number) 个检查点，但未找到职改办密钥库，无法核验其签名（请用 --keyring 指定）"
        }
    }
}

/// What `LogCheckpoints.verify` found.
public struct CheckpointReport: Sendable, Equatable {
    /// Checkpoints found (in the database or as files).
    public var checkpoints: Int
    public var problems: [CheckpointProblem]
    /// The newest checkpoint's body, when one verified.
    public var latest: CheckpointBody?
    /// Events recorded after the newest checkpoint (not yet anchored by a signature).
    public var eventsAfterLatest: Int

    public var isIntact: Bool { problems.isEmpty }
}

/// Signed checkpoints of the event log: every stream's head, signed with the office key, kept in
/// the database and as files in `DIR/checkpoints/`. The hash chain shows an event edited in
/// place; a checkpoint also shows a history deleted or rewritten consistently before it —
/// an edited event with the chain recomputed, the last events cut with the stream's row fixed,
/// a whole stream deleted — because the heads no longer give the signed root.
///
/// ```swift
/// let made = try LogCheckpoints.create(store: store, keyring: keyring, directory: "data/checkpoints", now: Date())
/// let report = try LogCheckpoints.verify(store: store, keys: keyring.publicKeys, directory: "data/checkpoints")
/// ```
public enum LogCheckpoints {
    /// `DIR/checkpoints` of a data folder.
    public static func directory(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("checkpoints").path
    }

    /// The file of checkpoint `number` in `directory`.
    public static func file(_ number: Int, in directory: String) -> String {
        URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent("\(number).json").path
    }

    /// Makes the next checkpoint (see `EventStore.appendCheckpoint`), signs it with the
    /// keyring's current key and writes its file.
    /// - Throws: `StoreError.corrupt` when the log before the previous checkpoint was changed
    ///   (nothing is signed), `SigningError` when the file cannot be written (the database row
    ///   is kept; `verify` names the missing file).
    public static func create(
        store: EventStore, keyring: OfficeKeyring, directory: String, now: Date
    ) throws -> AppendedCheckpoint {
        let appended = try store.appendCheckpoint(now: now) { bytes in
            let (keyID, signature) = keyring.sign(bytes)
            return (keyID, Data(signature).base64EncodedString())
        }
        let file = CheckpointFile(
            body: appended.stored.body, keyID: appended.stored.keyID, signature: appended.stored.signature,
            changedHeads: appended.changedHeads)
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch { throw SigningError.io(path: directory, reason: "\(error)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let bytes: Data
        do { bytes = try encoder.encode(file) } catch { throw SigningError.io(path: directory, reason: "\(error)") }
        try OfficeKeyring.writeFile(
            URL(fileURLWithPath: Self.file(appended.stored.number, in: directory)), Array(bytes) + [0x0A], mode: 0o644)
        return appended
    }

    /// Checks every checkpoint, in the database and in `directory`: both present and equal,
    /// numbered without a gap, each chained to the one before, signed by a key of `keys` valid
    /// on its day; the heads rebuilt from the files give each signed root; and the log as it is
    /// now still has, at each checkpoint's last seq, exactly the heads and the number of events
    /// it signed — naming each stream deleted, cut short, rewritten or inserted.
    /// - Parameters:
    ///   - keys: the office's keyring (nil: none found; any checkpoint is then a problem).
    ///   - directory: `DIR/checkpoints` (nil: not known; every file then counts as missing).
    public static func verify(
        store: EventStore, keys: PublicKeySet?, directory: String?
    ) throws(StoreError) -> CheckpointReport {
        var problems: [CheckpointProblem] = []
        let rows = Dictionary(try store.checkpoints().map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var files: [Int: CheckpointFile] = [:]
        var unreadable: Set<Int> = []
        if let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for name in names where name.hasSuffix(".json") {
                guard let n = Int(name.dropLast(5)), n > 0, String(n) + ".json" == name else { continue }
                let path = Self.file(n, in: directory)
                var st = stat()
                guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size < 1 << 30,
                    let data = FileManager.default.contents(atPath: path),
                    let file = try? JSONDecoder().decode(CheckpointFile.self, from: data)
                else {
                    unreadable.insert(n)
                    continue
                }
                files[n] = file
            }
        }
        let last = max(rows.keys.max() ?? 0, files.keys.max() ?? 0, unreadable.max() ?? 0)
        guard last > 0 else {
            return CheckpointReport(
                checkpoints: 0, problems: [], latest: nil, eventsAfterLatest: try store.eventCount())
        }
        if keys == nil {
            problems.append(.init(.noKeyring, number: last, "no keyring to check the signatures"))
        }

        // The signed bodies in order, each checked in both places.
        struct Checked {
            var body: CheckpointBody
            /// The body's text whose signature held.
            var text: String
            var file: CheckpointFile?
        }
        var checked: [Int: Checked] = [:]
        var previousText: String?
        var previousBody: CheckpointBody?
        for n in 1...last {
            let row = rows[n]
            let file = files[n]
            if unreadable.contains(n) {
                problems.append(.init(.malformed, number: n, "\(n).json does not read"))
            }
            switch (row, file) {
            case (nil, nil):
                if !unreadable.contains(n) { problems.append(.init(.bothMissing, number: n, "")) }
            case (nil, _?): problems.append(.init(.rowMissing, number: n, ""))
            case (_?, nil):
                if directory == nil || !unreadable.contains(n) { problems.append(.init(.fileMissing, number: n, "")) }
            case (let r?, let f?):
                if r.body != f.body || r.keyID != f.keyID || r.signature != f.signature {
                    problems.append(.init(.differs, number: n, ""))
                }
            }
            // Prefer the copy whose signature holds (the other was changed).
            var candidates: [(text: String, keyID: String, signature: String)] = []
            if let row { candidates.append((row.body, row.keyID, row.signature)) }
            if let file { candidates.append((file.body, file.keyID, file.signature)) }
            guard !candidates.isEmpty else {
                previousText = nil
                previousBody = nil
                continue
            }
            var chosen: (text: String, body: CheckpointBody)?
            var firstProblem: CheckpointProblem?
            for c in candidates {
                guard let body = CheckpointBody.parse(c.text), body.format == CheckpointBody.currentFormat else {
                    firstProblem = firstProblem ?? .init(.malformed, number: n, "body does not read")
                    continue
                }
                if let keys {
                    if let problem = signatureProblem(
                        n, c.text, keyID: c.keyID, signature: c.signature, body: body, keys: keys)
                    {
                        firstProblem = firstProblem ?? problem
                        continue
                    }
                }
                chosen = (c.text, body)
                break
            }
            if let firstProblem, chosen == nil || candidates.count == 1 { problems.append(firstProblem) }
            guard let chosen else {
                previousText = nil
                previousBody = nil
                continue
            }
            let body = chosen.body
            if body.number != n {
                problems.append(.init(.chainBroken, number: n, "编号记为 \(body.number)"))
            }
            if n > 1 {
                if let previousText, let previousBody {
                    if body.previous != CheckpointBody.hash(ofText: previousText) {
                        problems.append(.init(.chainBroken, number: n, "所记前一检查点的哈希不符"))
                    }
                    if body.maxSeq < previousBody.maxSeq || body.eventCount < previousBody.eventCount {
                        problems.append(.init(.chainBroken, number: n, "所覆盖的事件少于前一检查点"))
                    }
                }
            } else if body.previous != EventHash.genesis {
                problems.append(.init(.chainBroken, number: n, "第一个检查点之前还有检查点"))
            }
            checked[n] = Checked(body: body, text: chosen.text, file: file)
            previousText = chosen.text
            previousBody = body
        }

        // The heads each checkpoint signs, rebuilt from the files in order, against the log now
        // (one walk through the log in seq order; the last cut counts every event).
        let numbers = checked.keys.sorted()
        var known: [String: CheckpointHead]? = [:]
        var previousNumber = 0
        var total = 0
        try store.walkHeads(cuts: numbers.map { checked[$0]!.body.maxSeq } + [Int.max]) { index, now, count in
            guard index < numbers.count else {
                total = count
                return
            }
            let n = numbers[index]
            let entry = checked[n]!
            let body = entry.body
            // Rebuild the signed heads from the files: only along an unbroken run from 1.
            if var heads = known, n == previousNumber + 1, let file = entry.file, file.body == entry.text {
                for h in file.changedHeads { heads[h.stream] = h }
                if CheckpointBody.root(of: heads.values) == body.root, heads.count == body.streamCount {
                    known = heads
                } else {
                    problems.append(.init(.headsFileMismatch, number: n, ""))
                    known = nil
                }
            } else {
                known = nil
            }
            previousNumber = n
            guard CheckpointBody.root(of: now.values) != body.root || count != body.eventCount else { return }
            guard let signed = known else {
                problems.append(
                    .init(
                        .historyChanged, number: n,
                        "签名时共 \(body.streamCount) 条记录、\(body.eventCount) 个事件，现为 \(now.count) 条记录、\(count) 个事件"))
                return
            }
            var named = 0
            for (stream, head) in signed.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                guard let current = now[stream] else {
                    problems.append(.init(.streamDeleted, number: n, stream: stream, "\(head.version)"))
                    named += 1
                    continue
                }
                if current.version < head.version {
                    problems.append(
                        .init(
                            .streamTruncated, number: n, stream: stream,
                            "\(head.version) 版，现只到第 \(current.version) 版"))
                    named += 1
                } else if current.version > head.version {
                    problems.append(
                        .init(
                            .streamInserted, number: n, stream: stream,
                            "检查点时为第 \(head.version) 版，现在检查点之前已有第 \(current.version) 版"))
                    named += 1
                } else if current.hash != head.hash {
                    problems.append(.init(.streamRewritten, number: n, stream: stream, "第 \(head.version) 个事件的哈希"))
                    named += 1
                }
            }
            for (stream, head) in now.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
            where signed[stream] == nil {
                problems.append(.init(.streamInserted, number: n, stream: stream, "第 1 至第 \(head.version) 个事件"))
                named += 1
            }
            if named == 0 {
                problems.append(
                    .init(
                        .historyChanged, number: n,
                        "签名时共 \(body.eventCount) 个事件，现在检查点之前有 \(count) 个（有事件被插入或删除）"))
            }
        }
        let latest = numbers.last.flatMap { checked[$0]?.body }
        return CheckpointReport(
            checkpoints: last, problems: problems, latest: latest,
            eventsAfterLatest: max(0, total - (latest?.eventCount ?? 0)))
    }

    /// Why a checkpoint's signature does not hold under `keys` on its day, or nil.
    static func signatureProblem(
        _ n: Int, _ text: String, keyID: String, signature: String, body: CheckpointBody, keys: PublicKeySet
    ) -> CheckpointProblem? {
        guard let entry = keys.entry(keyID) else { return .init(.unknownKey, number: n, "密钥 \(keyID)") }
        guard let key = entry.signingKey, let raw = Data(base64Encoded: signature),
            key.isValidSignature(raw, for: Array(text.utf8))
        else { return .init(.signatureInvalid, number: n, "") }
        guard let day = PublicKeyEntry.day(ofStamp: body.createdAt) else {
            return .init(.malformed, number: n, "建立时间无法识别：\(body.createdAt)")
        }
        switch entry.validity(on: day) {
        case .valid: return nil
        case .revoked(let on): return .init(.keyNotValid, number: n, "密钥 \(keyID) 已于 \(on) 吊销，检查点建于 \(day)")
        case .notYetValid(let from): return .init(.keyNotValid, number: n, "密钥 \(keyID) 自 \(from) 起生效，检查点建于 \(day)")
        case .expired(let until): return .init(.keyNotValid, number: n, "密钥 \(keyID) 的有效期至 \(until)，检查点建于 \(day)")
        case .malformed: return .init(.keyNotValid, number: n, "密钥库中密钥 \(keyID) 的日期无法识别")
        }
    }
}
