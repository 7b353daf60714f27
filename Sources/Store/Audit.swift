import Foundation
import GRDB

/// What `audit verify` found.
public struct AuditReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case edited  // the stored hash does not match the event's contents
            case deleted  // a version is missing, or the projection is ahead of the log
            case reordered  // an event does not chain to the previous one
            case projection  // the projection's head does not match the log
        }
        public var kind: Kind
        public var seq: Int?
        public var stream: String
        public var version: Int
        public var detail: String

        public var description: String {
            let at = seq.map { "event #\($0)" } ?? "stream head"
            return "\(kind.rawValue): \(at) \(stream) v\(version): \(detail)"
        }

        /// For users, in Chinese.
        public var chinese: String {
            let what =
                switch kind {
                case .edited: "被修改"
                case .deleted: "被删除"
                case .reordered: "顺序被改动"
                case .projection: "与当前状态不符"
                }
            return "记录 \(stream) 第 \(version) 个事件\(what):\(detail)"
        }
    }

    public var eventsChecked: Int
    public var streamsChecked: Int
    /// Every problem, the earliest in the log first.
    public var problems: [Problem]

    public var isIntact: Bool { problems.isEmpty }
    public var first: Problem? { problems.first }
}

extension EventStore {
    /// Walks the whole log: recomputes each event's hash, checks each stream's versions run
    /// 1, 2, 3 … and chain by hash, and that the projection's head is the log's last event.
    public func audit() throws(StoreError) -> AuditReport {
        try read { db in
            var problems: [AuditReport.Problem] = []
            var count = 0
            var heads: [String: (version: Int, hash: String)] = [:]
            var stream = ""
            var expectedVersion = 1
            var previous = EventHash.genesis
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY stream_kind, stream_id, version")
            while let row = try cursor.next() {
                let e = StoredEvent(row: row)
                count += 1
                let key = "\(e.streamKind)/\(e.streamID)"
                if key != stream {
                    stream = key
                    expectedVersion = 1
                    previous = EventHash.genesis
                }
                if EventHash.hash(e.hashFields) != e.hash {
                    problems.append(
                        .init(kind: .edited, seq: e.seq, stream: key, version: e.version, detail: "hash mismatch"))
                }
                if e.version != expectedVersion {
                    problems.append(
                        .init(
                            kind: .deleted, seq: e.seq, stream: key, version: e.version,
                            detail: "expected version \(expectedVersion)"))
                } else if e.prevHash != previous {
                    problems.append(
                        .init(
                            kind: .reordered, seq: e.seq, stream: key, version: e.version,
                            detail: "previous hash differs"))
                }
                expectedVersion = e.version + 1
                previous = e.hash
                heads[key] = (e.version, e.hash)
            }
            let streams = try Row.fetchAll(db, sql: "SELECT kind, id, version, head_hash FROM streams")
            for s in streams {
                let key = "\(s["kind"] as String)/\(s["id"] as String)"
                let version: Int = s["version"]
                let hash: String = s["head_hash"]
                guard let head = heads[key] else {
                    problems.append(
                        .init(kind: .deleted, seq: nil, stream: key, version: version, detail: "no events in the log"))
                    continue
                }
                if head.version < version {
                    problems.append(
                        .init(
                            kind: .deleted, seq: nil, stream: key, version: version,
                            detail: "log ends at version \(head.version)"))
                } else if head.version != version || head.hash != hash {
                    problems.append(
                        .init(kind: .projection, seq: nil, stream: key, version: version, detail: "head hash differs"))
                }
            }
            problems.sort { ($0.seq ?? Int.max, $0.stream) < ($1.seq ?? Int.max, $1.stream) }
            return AuditReport(eventsChecked: count, streamsChecked: streams.count, problems: problems)
        }
    }
}
