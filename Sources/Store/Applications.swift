import Domain
import Foundation
import GRDB
import Workflow

/// The `application_index` projection: who and what each application is about (person, unit,
/// series, level, track) — the profile of its `created` event, which no later step changes.
/// Written in the transaction of the step that sets the profile (`StoreTransaction.execute`),
/// so lists by unit need neither the log nor event JSON. The status stays in `streams` (one
/// place, updated by every step); queries join the two by primary key.
extension StoreTransaction {
    /// Writes (or rewrites) the index row of application stream `id`.
    func indexApplication(_ id: String, _ p: ApplicationProfile) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO application_index (id, person_id, unit_id, series, level, track, jurisdiction)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, unit_id = excluded.unit_id,
                    series = excluded.series, level = excluded.level, track = excluded.track,
                    jurisdiction = excluded.jurisdiction
                """
        ).run([
            .text(id), .text(p.personID), .text(p.unitID), .text(p.series.rawValue),
            .text(p.level.rawValue), .text(p.track.rawValue), .text(Routing.jurisdiction(of: p)),
        ])
    }
}

extension EventStore {
    /// Application ids with their status, in id order: one unit's applications (the unit named
    /// in the application's profile) or all (`unit` nil), optionally only those in `status`
    /// and only those of `jurisdiction` (a county's staff: `Routing`'s jurisdiction indexed).
    public func applications(unit: String?, status: String? = nil, jurisdiction: String? = nil) throws(StoreError)
        -> [(id: String, status: String)]
    {
        try read { db in
            let rows: [Row]
            if unit == nil, jurisdiction == nil {
                if let status {
                    rows = try Row.fetchAll(
                        db.cachedStatement(
                            sql: "SELECT id, status FROM streams WHERE kind = 'application' AND status = ? ORDER BY id"),
                        arguments: [status])
                } else {
                    rows = try Row.fetchAll(
                        db.cachedStatement(sql: "SELECT id, status FROM streams WHERE kind = 'application' ORDER BY id"))
                }
            } else {
                var conditions: [String] = []
                var arguments: [any DatabaseValueConvertible] = []
                if let unit {
                    conditions.append("a.unit_id = ?")
                    arguments.append(unit)
                }
                if let jurisdiction {
                    conditions.append("a.jurisdiction = ?")
                    arguments.append(jurisdiction)
                }
                if let status {
                    conditions.append("s.status = ?")
                    arguments.append(status)
                }
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT a.id, s.status FROM application_index a
                            JOIN streams s ON s.kind = 'application' AND s.id = a.id
                            WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.id
                            """), arguments: StatementArguments(arguments.map { $0.databaseValue }))
            }
            return rows.map { (id: $0[0] as String, status: $0[1] as String) }
        }
    }

    /// Every confirmation and filing 文号 an application received (取得资格通知 and 备案), sorted:
    /// the decisions the archive packages.
    public func applicationDocumentNumbers() throws(StoreError) -> [String] {
        try read { db in
            try String?.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT json_extract(payload, '$.confirmed.documentNumber') FROM events
                    WHERE stream_kind = 'application' AND type = 'confirmed'
                    UNION
                    SELECT DISTINCT json_extract(payload, '$.filed.documentNumber') FROM events
                    WHERE stream_kind = 'application' AND type = 'filed'
                    """)
        }.compactMap { $0 }.sorted()
    }

    /// The applications whose log confirms or files them under `documentNumber` 文号 (a
    /// decision's members; callers check the state too).
    public func applicationIDs(documentNumber: String) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT stream_id FROM events
                    WHERE stream_kind = 'application'
                      AND ((type = 'confirmed' AND json_extract(payload, '$.confirmed.documentNumber') = ?)
                        OR (type = 'filed' AND json_extract(payload, '$.filed.documentNumber') = ?))
                    ORDER BY stream_id
                    """, arguments: [documentNumber, documentNumber])
        }
    }
}
