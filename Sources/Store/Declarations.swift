import Foundation
import GRDB

/// A declaration as one submission stored it: the form and its version, the data (canonical
/// JSON) with its digest, the signed pledge record (JSON) and the exact pledge text signed.
/// Written with the submit step, in its transaction; never changed afterwards (a correction
/// answered with new data is a new row at a later version).
public struct StoredDeclaration: Sendable, Equatable {
    public var applicationID: String
    /// The application's version right after the submission that stored it.
    public var version: Int
    public var formID: String
    public var formVersion: String
    /// The declaration data, canonical JSON.
    public var data: String
    public var dataSHA256: String
    /// The pledge record (who, when, both digests), JSON.
    public var pledge: String
    /// The pledge text exactly as signed; nil for declarations stored before it was kept.
    public var pledgeText: String?
    /// When it was submitted (ISO 8601).
    public var submittedAt: String

    public init(
        applicationID: String, version: Int, formID: String, formVersion: String, data: String, dataSHA256: String,
        pledge: String, pledgeText: String?, submittedAt: String
    ) {
        self.applicationID = applicationID
        self.version = version
        self.formID = formID
        self.formVersion = formVersion
        self.data = data
        self.dataSHA256 = dataSHA256
        self.pledge = pledge
        self.pledgeText = pledgeText
        self.submittedAt = submittedAt
    }

    init(row: Row) {
        self.init(
            applicationID: row["application_id"], version: row["version"], formID: row["form_id"],
            formVersion: row["form_version"], data: row["data"], dataSHA256: row["data_sha256"], pledge: row["pledge"],
            pledgeText: row["pledge_text"], submittedAt: row["submitted_at"])
    }
}

extension StoreTransaction {
    /// Stores a submission's declaration (in the transaction of its submit step).
    public func record(_ d: StoredDeclaration) throws {
        try db.execute(
            sql: """
                INSERT INTO declarations (application_id, version, form_id, form_version, data, data_sha256,
                                          pledge, pledge_text, submitted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                d.applicationID, d.version, d.formID, d.formVersion, d.data, d.dataSHA256, d.pledge, d.pledgeText,
                d.submittedAt,
            ])
    }
}

extension EventStore {
    /// The declaration of an application's latest submission at or before `version` (nil: now).
    public func declaration(applicationID: String, asOf version: Int? = nil) throws(StoreError) -> StoredDeclaration? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM declarations WHERE application_id = ? AND version <= ?
                    ORDER BY version DESC LIMIT 1
                    """,
                arguments: [applicationID, version ?? Int.max]
            ).map(StoredDeclaration.init(row:))
        }
    }

    /// Every submission's declaration of an application, oldest first (a correction's answer
    /// beside the original).
    public func declarations(applicationID: String) throws(StoreError) -> [StoredDeclaration] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM declarations WHERE application_id = ? ORDER BY version",
                arguments: [applicationID]
            ).map(StoredDeclaration.init(row:))
        }
    }

    /// The latest declaration of each of these applications (one query; for lists and batches).
    public func latestDeclarations(applicationIDs: [String]) throws(StoreError) -> [String: StoredDeclaration] {
        guard !applicationIDs.isEmpty else { return [:] }
        return try read { db in
            var out: [String: StoredDeclaration] = [:]
            for chunk in stride(from: 0, to: applicationIDs.count, by: 500).map({
                Array(applicationIDs[$0..<min($0 + 500, applicationIDs.count)])
            }) {
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM declarations WHERE application_id IN (\(marks)) ORDER BY application_id, version",
                    arguments: StatementArguments(chunk))
                for row in rows {
                    let d = StoredDeclaration(row: row)
                    out[d.applicationID] = d
                }
            }
            return out
        }
    }
}
