import Foundation
import Signing
import Store

/// One way the database's log no longer matches a package's signed `heads.json`.
public struct HeadsProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case package  // the package itself does not verify (see `bagProblem`)
        case headsMissing  // no readable data/heads.json
        case streamMissing  // the stream is gone from the log
        case versionMissing  // the log no longer reaches the signed version
        case rewritten  // the event at the signed version has another hash: history rewritten
        case chainBroken  // the log up to that version does not recompute (edited in place)
    }

    public var kind: Kind
    public var stream: String
    public var version: Int
    public var detail: String

    public var description: String { "\(kind.rawValue): \(stream) v\(version): \(detail)" }

    public var chinese: String {
        switch kind {
        case .package: "归档包校验未通过:\(detail)"
        case .headsMissing: "归档包中没有可读的 heads.json"
        case .streamMissing: "记录 \(stream) 已从数据库中消失(归档时为第 \(version) 版)"
        case .versionMissing: "记录 \(stream) 的事件被删除:数据库已不含归档时的第 \(version) 个事件"
        case .rewritten: "记录 \(stream) 的历史被改写:第 \(version) 个事件的哈希与已签名归档不符"
        case .chainBroken: "记录 \(stream) 第 \(version) 个事件之前的内容被修改(哈希链不符)"
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

    /// Checks a package's signed `heads.json` against the database: for every stream it lists,
    /// the log must still hold an event at that version with that hash, and the events up to
    /// it must recompute and chain. `audit()` finds edits that break the chain; this also finds
    /// a history rewritten consistently (hashes recomputed), which only a signed head can show.
    /// - Parameter keys: when given, the package must also verify under them.
    public static func verifyHeads(
        store: EventStore, package path: String, keys: PublicKeySet? = nil
    )
        throws(StoreError) -> HeadsReport
    {
        let contents = BagReader.read(path: path)
        var problems: [HeadsProblem] = []
        if let keys {
            let report = BagVerifier.verify(files: contents.files, keys: keys, readProblems: contents.problems)
            for p in report.problems {
                problems.append(.init(kind: .package, stream: p.path ?? "", version: 0, detail: p.chinese))
            }
        }
        guard let bytes = contents.files["data/" + HeadsFile.path],
            let heads = try? JSONDecoder().decode(HeadsFile.self, from: Data(bytes))
        else {
            problems.append(.init(kind: .headsMissing, stream: "", version: 0, detail: "no data/heads.json"))
            return HeadsReport(streamsChecked: 0, problems: problems)
        }
        for head in heads.streams {
            let key = "\(head.kind)/\(head.id)"
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
