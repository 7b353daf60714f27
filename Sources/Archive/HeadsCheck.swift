import Foundation
import Signing
import Store
import Workflow

/// One way a package and the database disagree: the decision or its applications are not
/// the database's, or the log no longer matches the package's signed `heads.json`.
public struct HeadsProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case package  // the package itself does not verify (see `bagProblem`)
        case headsMissing  // no readable data/heads.json
        case streamMissing  // the stream is gone from the log
        case versionMissing  // the log no longer reaches the signed version
        case rewritten  // the event at the signed version has another hash: history rewritten
        case chainBroken  // the log up to that version does not recompute (edited in place)
        case decisionMissing  // the database holds no decision of the package's External-Identifier
        case applicationMissing  // the database's decision covers an application the package lacks
        case applicationExtra  // the package holds an application the database's decision does not cover
        case headsMismatch  // heads.json does not list exactly the package's streams, or names another decision
        case logMismatch  // a stream's events.json in the package does not end at its signed head
    }

    public var kind: Kind
    public var stream: String
    public var version: Int
    public var detail: String

    public var description: String { "\(kind.rawValue): \(stream) v\(version): \(detail)" }

    public var chinese: String {
        switch kind {
        case .package: "归档包校验未通过：\(detail)"
        case .headsMissing: "归档包中没有可读的 heads.json"
        case .streamMissing: "记录 \(stream) 已从数据库中消失（归档时为第 \(version) 版）"
        case .versionMissing: "记录 \(stream) 的事件被删除：数据库已不含归档时的第 \(version) 个事件"
        case .rewritten: "记录 \(stream) 的历史被改写：第 \(version) 个事件的哈希与已签名归档不符"
        case .chainBroken: "记录 \(stream) 第 \(version) 个事件之前的内容被修改（哈希链不符）"
        case .decisionMissing: "数据库中没有归档包所载的决定“\(stream)”"
        case .applicationMissing: "数据库中决定所含的申报 \(stream) 不在归档包中"
        case .applicationExtra: "归档包中的申报 \(stream) 不属于数据库中的该决定"
        case .headsMismatch: "heads.json 与归档包内容不符：\(detail)"
        case .logMismatch: "归档包中记录 \(stream) 的事件日志与已签名的记录头不符：\(detail)"
        }
    }
}

public struct HeadsReport: Sendable, Equatable {
    public var streamsChecked: Int
    public var problems: [HeadsProblem]
    public var isIntact: Bool { problems.isEmpty }
}

extension DecisionArchiver {
    /// The heads (version, hash) of the given streams now, from the log.
    public static func collectHeads(
        store: EventStore, streams: [(kind: String, id: String)]
    ) throws(StoreError)
        -> [StreamHead]
    {
        var heads: [StreamHead] = []
        for s in streams {
            if let last = try store.events(kind: s.kind, id: s.id).last {
                heads.append(StreamHead(kind: s.kind, id: s.id, version: last.version, hash: last.hash))
            }
        }
        return heads.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    }

    /// Checks a package against the database: the decision in its `External-Identifier`
    /// exists, the applications in the package are exactly the decision's, `heads.json` names
    /// that decision and lists exactly the package's streams, each stream's `events.json` ends
    /// at its listed head, and for every listed head the log still holds an event at that
    /// version with that hash, the events up to it recomputing and chaining. `audit()` finds
    /// edits that break the chain; this also finds a history rewritten consistently (hashes
    /// recomputed), which only a signed head can show.
    /// - Parameter keys: when given, the package must also verify under them (the office's
    ///   keyring); the caller that verified it already passes nil.
    public static func verifyHeads(
        store: EventStore, package path: String, keys: PublicKeySet? = nil, budget: VerificationBudget = .standard
    ) throws(StoreError) -> HeadsReport {
        try verifyHeads(store: store, bag: BagContainer.open(path: path, budget: budget), keys: keys, budget: budget)
    }

    /// `verifyHeads` on a package already listed (the four-property check's: a season's
    /// confirmation lists a quarter of a million files, not to be listed twice).
    static func verifyHeads(
        store: EventStore, bag: BagContainer, keys: PublicKeySet?, budget: VerificationBudget
    ) throws(StoreError) -> HeadsReport {
        var problems: [HeadsProblem] = []
        if let keys {
            for p in BagVerifier.verify(bag, keys: keys, budget: budget).problems {
                problems.append(.init(kind: .package, stream: p.path ?? "", version: 0, detail: p.chinese))
            }
        }
        func json(_ inside: String) -> [UInt8]? { try? bag.read(inside, limit: budget.maxTagFileBytes) }
        let fields = json(BagLayout.info).map(BagVerifier.parseInfo) ?? []
        guard let id = fields.first(where: { $0.label == "External-Identifier" })?.value, !id.isEmpty else {
            problems.append(.init(kind: .decisionMissing, stream: "", version: 0, detail: "no External-Identifier"))
            return HeadsReport(streamsChecked: 0, problems: problems)
        }
        let paths = Set(bag.entries.keys)
        let decision = BagVerifier.decision(externalIdentifier: id, listed: paths)
        func folders(_ prefix: String, holding file: String) -> Set<String> {
            var out: Set<String> = []
            for p in paths where p.hasPrefix(prefix) {
                let rest = p.dropFirst(prefix.count)
                guard let slash = rest.firstIndex(of: "/") else { continue }
                if rest[rest.index(after: slash)...] == file { out.insert(String(rest[..<slash])) }
            }
            return out
        }
        let packageApplications = folders("data/applications/", holding: "application.json")
        if let members = try Self.members(of: decision, store: store, fromLog: true) {
            let expected = Set(members.applications.map(\.id))
            for a in expected.subtracting(packageApplications).sorted(by: BagLayout.pathOrder) {
                problems.append(.init(kind: .applicationMissing, stream: a, version: 0, detail: "decision \(id)"))
            }
            for a in packageApplications.subtracting(expected).sorted(by: BagLayout.pathOrder) {
                problems.append(.init(kind: .applicationExtra, stream: a, version: 0, detail: "decision \(id)"))
            }
        } else {
            problems.append(.init(kind: .decisionMissing, stream: id, version: 0, detail: "\(decision)"))
        }
        guard let bytes = json("data/" + HeadsFile.path),
            let heads = try? JSONDecoder().decode(HeadsFile.self, from: Data(bytes))
        else {
            problems.append(.init(kind: .headsMissing, stream: "", version: 0, detail: "no data/heads.json"))
            return HeadsReport(streamsChecked: 0, problems: problems)
        }
        if heads.decision != id {
            problems.append(
                .init(
                    kind: .headsMismatch, stream: "", version: 0,
                    detail: "heads.json 所载决定为“\(heads.decision)”，bag-info.txt 为“\(id)”"))
        }
        struct LoggedEvent: Decodable {
            var version: Int
            var hash: String
        }
        /// A log as the check needs it: whether it has events, and its last.
        struct LogEnd {
            var isEmpty: Bool
            var last: LoggedEvent?
        }
        // Every stream whose log the package holds with events must be listed, and no other.
        // Only each log's last event is kept (a season's confirmation holds 35,000 logs).
        var logs: [String: LogEnd?] = [:]
        for (kind, prefix) in [
            (ApplicationMachine.kind, "data/applications/"), (CommitteeSessionMachine.kind, "data/committee/"),
            (CertificateMachine.kind, "data/certificates/"),
        ] {
            for id in folders(prefix, holding: "events.json") {
                logs["\(kind)/\(id)"] = json("\(prefix)\(id)/events.json").flatMap {
                    (try? JSONDecoder().decode([LoggedEvent].self, from: Data($0))).map {
                        LogEnd(isEmpty: $0.isEmpty, last: $0.last)
                    }
                }
            }
        }
        let listed = Set(heads.streams.map { "\($0.kind)/\($0.id)" })
        for (s, log) in logs.sorted(by: { BagLayout.pathOrder($0.key, $1.key) })
        where !listed.contains(s) && (log.map { !$0.isEmpty } ?? true) {
            problems.append(
                .init(kind: .headsMismatch, stream: s, version: 0, detail: "\(s) 的事件日志在包中，但 heads.json 未列出"))
        }
        for s in listed.subtracting(logs.keys).sorted(by: BagLayout.pathOrder) {
            problems.append(.init(kind: .headsMismatch, stream: s, version: 0, detail: "heads.json 列出 \(s)，但包中没有其事件日志"))
        }
        for head in heads.streams {
            let key = "\(head.kind)/\(head.id)"
            if let log = logs[key] {
                let last = log?.last
                if last?.version != head.version || last?.hash != head.hash {
                    problems.append(
                        .init(
                            kind: .logMismatch, stream: key, version: head.version,
                            detail: last.map { "包内日志止于第 \($0.version) 个事件（\($0.hash.prefix(12))…）" } ?? "包内日志无法读取"))
                }
            }
            let events = try store.events(kind: head.kind, id: head.id)
            if events.isEmpty {
                problems.append(.init(kind: .streamMissing, stream: key, version: head.version, detail: "no events"))
                continue
            }
            guard let at = events.first(where: { $0.version == head.version }) else {
                problems.append(
                    .init(
                        kind: .versionMissing, stream: key, version: head.version,
                        detail: "log has versions up to \(events.last?.version ?? 0)"))
                continue
            }
            if at.hash != head.hash {
                problems.append(
                    .init(
                        kind: .rewritten, stream: key, version: head.version,
                        detail: "signed \(head.hash), database \(at.hash)"))
                continue
            }
            var previous = EventHash.genesis
            for (n, e) in events.prefix(while: { $0.version <= head.version }).enumerated() {
                let fields = EventHash.Fields(
                    previous: e.prevHash, streamKind: e.streamKind, streamID: e.streamID, version: e.version,
                    type: e.type, actorID: e.actorID, actorRole: e.actorRole, recordedAt: e.recordedAt,
                    payload: e.payload)
                if e.version != n + 1 || e.prevHash != previous || EventHash.hash(fields) != e.hash {
                    problems.append(
                        .init(
                            kind: .chainBroken, stream: key, version: e.version,
                            detail: "event \(e.version) does not recompute or chain"))
                    break
                }
                previous = e.hash
            }
        }
        return HeadsReport(streamsChecked: heads.streams.count, problems: problems)
    }
}
