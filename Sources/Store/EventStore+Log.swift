import Domain
import Foundation
import GRDB
import Workflow

/// One stored event, as in the log.
public struct StoredEvent: Sendable, Equatable, Codable {
    public var seq: Int
    public var streamKind: String
    public var streamID: String
    public var version: Int
    public var type: String
    public var payload: String
    public var actorID: String
    public var actorRole: String
    public var recordedAt: String
    public var prevHash: String
    public var hash: String

    init(row: Row) {
        seq = row["seq"]
        streamKind = row["stream_kind"]
        streamID = row["stream_id"]
        version = row["version"]
        type = row["type"]
        payload = row["payload"]
        actorID = row["actor_id"]
        actorRole = row["actor_role"]
        recordedAt = row["recorded_at"]
        prevHash = row["prev_hash"]
        hash = row["hash"]
    }

    var hashFields: EventHash.Fields {
        EventHash.Fields(
            previous: prevHash, streamKind: streamKind, streamID: streamID, version: version, type: type,
            actorID: actorID, actorRole: actorRole, recordedAt: recordedAt, payload: payload)
    }
}

extension EventStore {
    /// A stream's events in order.
    public func events(kind: String, id: String) throws(StoreError) -> [StoredEvent] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE stream_kind = ? AND stream_id = ? ORDER BY version",
                arguments: [kind, id]
            ).map(StoredEvent.init(row:))
        }
    }

    /// One event of a stream (nil when the stream has no such version): when a step was
    /// recorded and by whom.
    public func event(kind: String, id: String, version: Int) throws(StoreError) -> StoredEvent? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM events WHERE stream_kind = ? AND stream_id = ? AND version = ?"),
                arguments: [kind, id, version]
            ).map(StoredEvent.init(row:))
        }
    }

    /// The state rebuilt from the log alone, ignoring the projection.
    public func replay<M: Machine>(_ machine: M.Type, id: String) throws(StoreError) -> M.State {
        try history(machine, id: id).reduce(M.initial) { M.evolve($0, $1.event) }
    }

    /// Ids of the streams of a machine, optionally only those in a status.
    public func streamIDs<M: Machine>(_ machine: M.Type, status: String? = nil) throws(StoreError) -> [String] {
        try read { db in
            if let status {
                return try String.fetchAll(
                    db, sql: "SELECT id FROM streams WHERE kind = ? AND status = ? ORDER BY id",
                    arguments: [M.kind, status])
            }
            return try String.fetchAll(
                db, sql: "SELECT id FROM streams WHERE kind = ? ORDER BY id", arguments: [M.kind])
        }
    }

    /// Counts of streams per status for a machine (office queues).
    public func statusCounts(kind: String) throws(StoreError) -> [(status: String, count: Int)] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM streams WHERE kind = ? GROUP BY status ORDER BY status",
                arguments: [kind]
            ).map { ($0["status"], $0["n"]) }
        }
    }

    /// Replays every stream of a machine from the log and compares with the projection.
    /// - Returns: the ids whose projection differs from the log (empty when consistent).
    public func projectionMismatches<M: Machine>(_ machine: M.Type) throws(StoreError) -> [String] {
        var bad: [String] = []
        for id in try streamIDs(machine) {
            let replayed = try replay(machine, id: id)
            let projected = try load(machine, id: id)?.state
            if projected != replayed { bad.append(id) }
        }
        return bad
    }

    /// Rewrites a machine's projection from the log (after a schema change or a repair), with
    /// the application index for applications.
    public func rebuildProjection<M: Machine>(_ machine: M.Type) throws(StoreError) {
        let ids = try read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT stream_id FROM events WHERE stream_kind = ? ORDER BY stream_id",
                arguments: [M.kind])
        }
        var rows: [(String, Int, String, String, String, String)] = []
        var profiles: [(String, ApplicationProfile)] = []
        for id in ids {
            let events = try events(kind: M.kind, id: id)
            let state = try replay(machine, id: id)
            guard let last = events.last else { continue }
            if let profile = (state as? ApplicationState)?.profile { profiles.append((id, profile)) }
            do {
                let json = try SortedJSONEncoder.encode(state)
                rows.append((id, last.version, M.status(of: state), json, last.hash, last.recordedAt))
            } catch {
                throw .corrupt(stream: "\(M.kind)/\(id)", reason: "state does not encode: \(error)")
            }
        }
        cache.removeAll()
        try write { tx in
            try tx.db.execute(sql: "DELETE FROM streams WHERE kind = ?", arguments: [M.kind])
            try tx.db.execute(sql: "DELETE FROM snapshots WHERE kind = ?", arguments: [M.kind])
            for r in rows {
                try tx.db.execute(
                    sql: """
                        INSERT INTO streams (kind, id, version, status, head_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [M.kind, r.0, r.1, r.2, r.4, r.5])
                try tx.db.execute(
                    sql: "INSERT INTO snapshots (kind, id, version, state) VALUES (?, ?, ?, ?)",
                    arguments: [M.kind, r.0, r.1, r.3])
            }
            if M.kind == ApplicationMachine.kind {
                try tx.db.execute(sql: "DELETE FROM application_index")
                for (id, p) in profiles { try tx.indexApplication(id, p) }
            }
            if M.kind == CertificateMachine.kind { try tx.rebuildCertificateIndex() }
        }
    }
}
