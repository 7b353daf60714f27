import Foundation
import GRDB
import Workflow

/// Where a queued document stands: waiting to be rendered, rendered (with its path) or failed.
public enum DocumentStatus: String, Sendable, Codable, CaseIterable {
    case pending, rendered, failed
}

/// One row of the documents queue: a document a workflow step asked for, queued in the step's
/// transaction, and — once rendered — where: `path` is the `.odt` relative to the documents
/// folder (`<kind>/<name>.odt`), the `.html` sits beside it.
public struct StoredDocument: Sendable, Equatable {
    /// Queue order: a later request has a larger id.
    public var id: Int64
    /// The kind as stored (`DocumentKind.rawValue`); `documentKind` is nil for a kind this build
    /// does not know.
    public var kind: String
    public var subject: String
    /// The stream whose step queued it and the stream's version right after that step.
    public var streamKind: String
    public var streamID: String
    public var version: Int
    public var status: DocumentStatus
    public var path: String?
    /// When the step that queued it was recorded (ISO 8601).
    public var createdAt: String

    public var documentKind: DocumentKind? { DocumentKind(rawValue: kind) }
    /// The request as the workflow made it (nil for an unknown kind).
    public var request: DocumentRequest? { documentKind.map { DocumentRequest($0, subject: subject) } }
    public var isRendered: Bool { status == .rendered && path != nil }

    static let columns = "id, kind, subject, stream_kind, stream_id, version, status, path, created_at"

    init(row: Row) {
        id = row[0]
        kind = row[1]
        subject = row[2]
        streamKind = row[3]
        streamID = row[4]
        version = row[5]
        let raw: String = row[6]
        // Only this module writes the status; anything else is shown as a failure, never as done.
        status = DocumentStatus(rawValue: raw) ?? .failed
        path = row[7]
        createdAt = row[8]
    }
}

extension EventStore {
    /// The queue in queue order: every request of one status, or all (`status` nil).
    public func documents(status: DocumentStatus?) throws(StoreError) -> [StoredDocument] {
        try read { db in
            if let status {
                return try Row.fetchAll(
                    db, sql: "SELECT \(StoredDocument.columns) FROM documents WHERE status = ? ORDER BY id",
                    arguments: [status.rawValue]
                ).map(StoredDocument.init(row:))
            }
            return try Row.fetchAll(db, sql: "SELECT \(StoredDocument.columns) FROM documents ORDER BY id")
                .map(StoredDocument.init(row:))
        }
    }

    /// The requests of one kind (any status), for one subject or all, in queue order.
    public func documents(kind: DocumentKind, subject: String? = nil) throws(StoreError) -> [StoredDocument] {
        try read { db in
            if let subject {
                return try Row.fetchAll(
                    db.cachedStatement(
                        sql: "SELECT \(StoredDocument.columns) FROM documents WHERE kind = ? AND subject = ? ORDER BY id"),
                    arguments: [kind.rawValue, subject]
                ).map(StoredDocument.init(row:))
            }
            return try Row.fetchAll(
                db, sql: "SELECT \(StoredDocument.columns) FROM documents WHERE kind = ? ORDER BY id",
                arguments: [kind.rawValue]
            ).map(StoredDocument.init(row:))
        }
    }

    /// The documents the steps of one stream queued (any kind and status), oldest first: an
    /// application's notices, a session's minutes, a certificate.
    public func documents(streamKind: String, streamID: String) throws(StoreError) -> [StoredDocument] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(StoredDocument.columns) FROM documents
                        WHERE stream_kind = ? AND stream_id = ? ORDER BY id
                        """),
                arguments: [streamKind, streamID]
            ).map(StoredDocument.init(row:))
        }
    }

    /// One request by id.
    public func document(id: Int64) throws(StoreError) -> StoredDocument? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(StoredDocument.columns) FROM documents WHERE id = ?"),
                arguments: [id]
            ).map(StoredDocument.init(row:))
        }
    }

    /// Requests of the same kind and subject queued before request `id` (0 for the first): a
    /// second refusal after a re-examination is the subject's second document of its kind.
    public func documentCount(kind: DocumentKind, subject: String, before id: Int64) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM documents WHERE kind = ? AND subject = ? AND id < ?"),
                arguments: [kind.rawValue, subject, id]) ?? 0
        }
    }

    /// The place of request `id` among the requests of its kind (1, 2, …; stable, the queue only
    /// grows), or with `distinctSubjects` among the distinct subjects of its kind queued so far
    /// (documents shared by a batch count once). Without `id`, how many there are.
    public func documentOrdinal(
        kind: DocumentKind, through id: Int64 = .max, distinctSubjects: Bool = false
    ) throws(StoreError) -> Int {
        let sql =
            distinctSubjects
            ? "SELECT COUNT(DISTINCT subject) FROM documents WHERE kind = ? AND id <= ?"
            : "SELECT COUNT(*) FROM documents WHERE kind = ? AND id <= ?"
        return try read { db in try Int.fetchOne(db.cachedStatement(sql: sql), arguments: [kind.rawValue, id]) ?? 0 }
    }

    /// Records what rendering did, in one transaction: each rendered request with the path of
    /// its `.odt` (relative to the documents folder), each failed one without a path.
    public func markDocuments(rendered: [(id: Int64, path: String)], failed: [Int64]) throws(StoreError) {
        guard !rendered.isEmpty || !failed.isEmpty else { return }
        try write { tx in try tx.markDocuments(rendered: rendered, failed: failed) }
    }
}

extension StoreTransaction {
    /// `EventStore.markDocuments` inside a caller's transaction.
    public func markDocuments(rendered: [(id: Int64, path: String)], failed: [Int64]) throws {
        let done = try db.cachedStatement(sql: "UPDATE documents SET status = 'rendered', path = ? WHERE id = ?")
        for (id, path) in rendered { try done.execute(arguments: [path, id]) }
        let bad = try db.cachedStatement(sql: "UPDATE documents SET status = 'failed', path = NULL WHERE id = ?")
        for id in failed { try bad.execute(arguments: [id]) }
    }
}
