import Domain
import Foundation
import GRDB
import Workflow

/// One decision in the archive outbox: queued by the step that made it, built after commit.
public struct ArchiveOutboxEntry: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, built, failed
    }

    public var decision: ArchiveDecision
    /// The package covers the log up to this event (the last one of the decision's transaction).
    public var asOfSeq: Int
    public var queuedAt: String
    public var status: Status
    public var attempts: Int
    public var builtAt: String?
    /// The package's name once built.
    public var package: String?
    /// Why the last attempt failed (English, for the log and the archivist's page).
    public var error: String?

    init?(row: Row) {
        guard let decision = ArchiveDecision(kind: row["kind"], reference: row["reference"]),
            let status = Status(rawValue: row["status"])
        else { return nil }
        self.decision = decision
        asOfSeq = row["as_of_seq"]
        queuedAt = row["queued_at"]
        self.status = status
        attempts = row["attempts"]
        builtAt = row["built_at"]
        package = row["package"]
        error = row["error"]
    }
}

extension StoreTransaction {
    /// Queues the decisions this transaction's steps made, as of its last event. Called by
    /// `EventStore.write` just before the commit; a decision queued again (rebuilt) is pending
    /// anew as of the later point.
    func queueArchives() throws {
        guard !archives.isEmpty else { return }
        let last = try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
        let now = Timestamp.format(Date())
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO archive_outbox (kind, reference, as_of_seq, queued_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (kind, reference) DO UPDATE SET
                    as_of_seq = excluded.as_of_seq, queued_at = excluded.queued_at,
                    status = 'pending', attempts = 0, error = NULL
                """)
        for a in archives {
            try upsert.run([.text(a.kind), .text(a.description), .integer(last), .text(now)])
        }
        archives = []
    }
}

extension EventStore {
    /// The outbox, optionally only one status, in the order the decisions were made.
    public func archiveOutbox(status: ArchiveOutboxEntry.Status? = nil) throws(StoreError) -> [ArchiveOutboxEntry] {
        try read { db in
            let rows =
                if let status {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM archive_outbox WHERE status = ? ORDER BY as_of_seq, kind, reference",
                        arguments: [status.rawValue])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM archive_outbox ORDER BY as_of_seq, kind, reference")
                }
            return rows.compactMap(ArchiveOutboxEntry.init(row:))
        }
    }

    /// One decision's outbox entry (nil: never queued).
    public func archiveOutboxEntry(_ decision: ArchiveDecision) throws(StoreError) -> ArchiveOutboxEntry? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM archive_outbox WHERE kind = ? AND reference = ?",
                arguments: [decision.kind, decision.description]
            ).flatMap(ArchiveOutboxEntry.init(row:))
        }
    }

    /// Records a built package — only if the entry is still the one built (as of `asOfSeq`):
    /// a decision queued again meanwhile stays pending.
    public func markArchiveBuilt(
        _ decision: ArchiveDecision, asOfSeq: Int, package: String, at: Date
    ) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: """
                    UPDATE archive_outbox SET status = 'built', package = ?, built_at = ?, error = NULL,
                        attempts = attempts + 1
                    WHERE kind = ? AND reference = ? AND as_of_seq = ?
                    """,
                arguments: [package, Timestamp.format(at), decision.kind, decision.description, asOfSeq])
        }
    }

    /// Records a failed attempt (the builder retries failed entries later).
    public func markArchiveFailed(_ decision: ArchiveDecision, asOfSeq: Int, reason: String) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: """
                    UPDATE archive_outbox SET status = 'failed', error = ?, attempts = attempts + 1
                    WHERE kind = ? AND reference = ? AND as_of_seq = ?
                    """,
                arguments: [reason, decision.kind, decision.description, asOfSeq])
        }
    }

    /// Queues a decision made before the outbox existed (a database from an earlier version),
    /// as of the log's end now. Already queued: unchanged.
    public func queueArchiveIfMissing(_ decision: ArchiveDecision) throws(StoreError) {
        try write { tx in
            let last = try Int.fetchOne(tx.db, sql: "SELECT MAX(seq) FROM events") ?? 0
            try tx.db.execute(
                sql: """
                    INSERT INTO archive_outbox (kind, reference, as_of_seq, queued_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (kind, reference) DO NOTHING
                    """,
                arguments: [decision.kind, decision.description, last, Timestamp.format(Date())])
        }
    }

    /// A stream's events up to the log position `seq` (its history as of that point).
    public func events(kind: String, id: String, upToSeq seq: Int) throws(StoreError) -> [StoredEvent] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM events WHERE stream_kind = ? AND stream_id = ? AND seq <= ? ORDER BY version",
                arguments: [kind, id, seq]
            ).map(StoredEvent.init(row:))
        }
    }

    /// A stream's state as of the log position `seq`, from the log alone, with its version
    /// then (nil: the stream did not exist yet).
    public func state<M: Machine>(_ machine: M.Type, id: String, upToSeq seq: Int) throws(StoreError) -> (
        version: Int, state: M.State
    )? {
        let history = try history(machine, id: id, upToSeq: seq)
        guard let last = history.last else { return nil }
        return (last.stored.version, history.reduce(M.initial) { M.evolve($0, $1.event) })
    }
}
