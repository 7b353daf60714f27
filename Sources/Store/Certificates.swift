import Foundation
import GRDB
import Workflow

/// The office's certificate runs, read from the log in SQL: the applications a confirmation
/// 文号 covers (their `confirmed`/`filed` event names it), how many of them hold a certificate,
/// and the certificates issued (`issued` events of certificate streams) — counted, listed and
/// searched without loading any application's state. The applications' events are found
/// through the expression indexes of the migration `2026-12-05-certificate-runs` (the 文号
/// inside each payload); the certificates are read from `certificate_index` (migration
/// `2026-12-07-certificate-index`, written with each `issued` event), so a page of a 文号 with
/// 20,000 certificates reads one page of rows.
///
/// An application holds a certificate exactly when its status is `certified` or `archived`
/// (only `recordCertificate` leads there, and nothing leads back).

/// One confirmation 文号 with its applications and how many hold a certificate.
public struct CertificateBatch: Sendable, Equatable {
    public var number: String
    public var total: Int
    public var certified: Int
    public var pending: Int { total - certified }
}

/// A search of the issued certificates: those of one 文号 (or all), a part of the holder's
/// name, resident ID number, the certificate number, the application number or the unit's
/// name, the series and level; paged in SQL, by certificate number.
public struct CertificateQuery: Sendable, Equatable {
    public var number: String?
    public var text: String?
    public var series: String?
    public var level: String?
    public var offset: Int
    public var limit: Int
    /// Only certificates of applications of this jurisdiction (a county's staff; nil: all).
    public var jurisdiction: String?

    public init(
        number: String? = nil, text: String? = nil, series: String? = nil, level: String? = nil, offset: Int = 0,
        limit: Int = 50, jurisdiction: String? = nil
    ) {
        self.jurisdiction = jurisdiction
        self.number = number
        self.text = text
        self.series = series
        self.level = level
        self.offset = offset
        self.limit = limit
    }
}

/// One issued certificate as listed, with its certificate document when there is one: the
/// certificate stream's, or the one its application queued at confirmation (both render the
/// same file, named by the certificate number), a rendered one first.
public struct CertificateRow: Sendable, Equatable {
    public var number: String
    public var applicationID: String
    public var holderName: String
    public var residentID: String?
    public var unitID: String?
    public var unitName: String?
    public var series: String
    public var level: String
    public var approvalDocumentNumber: String
    public var issuedOn: String
    /// The certificate stream's status (`valid`, `revoked`).
    public var status: String
    public var documentID: Int64?
    /// The document's queue status (`pending`, `rendered`, `failed`) and whether it has a file.
    public var documentStatus: String?
    public var documentRendered: Bool
}

extension EventStore {
    /// The applications confirmed (or filed) under `number`, as a common table `members(id)`.
    private static let members = """
        members(id) AS (
            SELECT stream_id FROM events
            WHERE stream_kind = 'application' AND type = 'confirmed'
                AND json_extract(payload, '$.confirmed.documentNumber') = ?1
            UNION
            SELECT stream_id FROM events
            WHERE stream_kind = 'application' AND type = 'filed'
                AND json_extract(payload, '$.filed.documentNumber') = ?1)
        """

    /// The applications `number` covers that are confirmed, filed, certified or archived, and
    /// how many of them hold a certificate (nil when the 文号 covers none).
    public func certificateBatch(number: String) throws(StoreError) -> CertificateBatch? {
        try read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        WITH \(Self.members)
                        SELECT COUNT(*), COALESCE(SUM(s.status IN ('certified', 'archived')), 0) FROM members m
                        JOIN streams s ON s.kind = 'application' AND s.id = m.id
                        WHERE s.status IN ('confirmed', 'filed', 'certified', 'archived')
                        """), arguments: [number])
            guard let row, let total = row[0] as Int?, total > 0 else { return nil }
            return CertificateBatch(number: number, total: total, certified: row[1])
        }
    }

    /// Up to `limit` applications of `number` still without a certificate (confirmed or
    /// filed), in id order, after `after`.
    public func applicationsAwaitingCertificate(number: String, after: String? = nil, limit: Int = .max)
        throws(StoreError) -> [String]
    {
        try read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        WITH \(Self.members)
                        SELECT m.id FROM members m
                        JOIN streams s ON s.kind = 'application' AND s.id = m.id
                        WHERE s.status IN ('confirmed', 'filed') AND m.id > ?2
                        ORDER BY m.id LIMIT ?3
                        """), arguments: [number, after ?? "", limit])
        }
    }

    /// The applications of `number` that hold a certificate, in id order.
    public func applicationsCertified(number: String) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        WITH \(Self.members)
                        SELECT m.id FROM members m
                        JOIN streams s ON s.kind = 'application' AND s.id = m.id
                        WHERE s.status IN ('certified', 'archived')
                        ORDER BY m.id
                        """), arguments: [number])
        }
    }

    /// Every confirmation 文号 with applications confirmed, filed, certified or archived, the
    /// latest confirmation first. The partial indexes hold exactly the `confirmed`/`filed`
    /// events: scanning them reads a tenth of the application events (8 ms instead of 60 ms
    /// for a season of 2,000).
    /// `jurisdiction`: only the 文号 whose applications are of that jurisdiction (a county's
    /// staff; nil: all).
    public func certificateBatches(jurisdiction: String? = nil) throws(StoreError) -> [CertificateBatch] {
        let scoped = jurisdiction.map { _ in "\n                    JOIN application_index a ON a.id = d.id AND a.jurisdiction = ?" } ?? ""
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH decided(id, number, seq) AS (
                        SELECT stream_id, json_extract(payload, '$.confirmed.documentNumber'), seq
                        FROM events INDEXED BY events_confirmed_by_number
                        WHERE stream_kind = 'application' AND type = 'confirmed'
                        UNION ALL
                        SELECT stream_id, json_extract(payload, '$.filed.documentNumber'), seq
                        FROM events INDEXED BY events_filed_by_number
                        WHERE stream_kind = 'application' AND type = 'filed')
                    SELECT d.number, COUNT(*), COALESCE(SUM(s.status IN ('certified', 'archived')), 0), MIN(d.seq) AS first
                    FROM decided d JOIN streams s ON s.kind = 'application' AND s.id = d.id\(scoped)
                    WHERE s.status IN ('confirmed', 'filed', 'certified', 'archived') AND d.number IS NOT NULL
                    GROUP BY d.number ORDER BY first DESC
                    """, arguments: StatementArguments(jurisdiction.map { [$0] } ?? [])
            ).map { CertificateBatch(number: $0[0], total: $0[1], certified: $0[2]) }
        }
    }

    /// One page of the certificates `query` selects (by certificate number) and how many it
    /// selects in all, from `certificate_index` (one row a certificate, ordered by number within
    /// its 文号): the page's numbers are read from the index first, then only its rows whole
    /// with their documents. A 文号's page walks its part of the index (no event JSON, no join);
    /// a search by text scans the index's rows of the 文号 against the people and units that
    /// match (each found once).
    public func certificates(_ query: CertificateQuery) throws(StoreError) -> (rows: [CertificateRow], total: Int) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        var joins: [String] = []
        if let number = query.number {
            conditions.append("c.approval = ?")
            arguments.append(number)
        }
        let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if query.jurisdiction != nil {
            joins.append("LEFT JOIN application_index a ON a.id = c.application_id")
        }
        if let jurisdiction = query.jurisdiction {
            conditions.append("a.jurisdiction = ?")
            arguments.append(jurisdiction)
        }
        if let series = query.series {
            conditions.append("c.series = ?")
            arguments.append(series)
        }
        if let level = query.level {
            conditions.append("c.level = ?")
            arguments.append(level)
        }
        if !text.isEmpty {
            let pattern = "%" + Self.likeEscaped(text) + "%"
            // The people and units that match are found once each (a list SQLite builds
            // before the scan), not joined to every certificate: half the time at 20,000.
            conditions.append(
                """
                (c.number LIKE ? ESCAPE '\\' OR c.application_id LIKE ? ESCAPE '\\' OR c.holder_name LIKE ? ESCAPE '\\'
                 OR c.holder_id IN (SELECT id FROM people WHERE name LIKE ? ESCAPE '\\' OR resident_id LIKE ? ESCAPE '\\')
                 OR c.application_id IN (SELECT ua.id FROM units u JOIN application_index ua ON ua.unit_id = u.id
                     WHERE u.name LIKE ? ESCAPE '\\'))
                """)
            arguments.append(contentsOf: Array(repeating: pattern, count: 6))
        }
        let from =
            "FROM certificate_index c" + joins.map { "\n" + $0 }.joined()
            + (conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: "\n    AND "))
        let filter = StatementArguments(arguments.map { $0.databaseValue })
        let page = StatementArguments(
            (arguments + [max(1, query.limit), max(0, query.offset)]).map { $0.databaseValue })
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: filter) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.number, c.application_id, c.holder_name, p.resident_id, a.unit_id, u.name,
                        c.series, c.level, c.approval, c.issued_on, s.status,
                        COALESCE(
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'certificate' AND d.stream_id = c.number
                                AND +d.kind = 'certificate' AND d.status = 'rendered' ORDER BY d.id DESC LIMIT 1),
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'application'
                                AND d.stream_id = c.application_id
                                AND +d.kind = 'certificate' AND d.status = 'rendered' ORDER BY d.id DESC LIMIT 1),
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'certificate' AND d.stream_id = c.number
                                AND +d.kind = 'certificate' ORDER BY d.id DESC LIMIT 1)) AS doc
                    FROM (SELECT c.number AS number \(from) ORDER BY c.number LIMIT ? OFFSET ?) AS page
                    JOIN certificate_index c ON c.number = page.number
                    JOIN streams s ON s.kind = 'certificate' AND s.id = c.number
                    LEFT JOIN people p ON p.id = c.holder_id
                    LEFT JOIN application_index a ON a.id = c.application_id
                    LEFT JOIN units u ON u.id = a.unit_id
                    ORDER BY c.number
                    """, arguments: page)
            var documents: [Int64: (status: String, rendered: Bool)] = [:]
            let ids = rows.compactMap { $0[11] as Int64? }
            if !ids.isEmpty {
                for r in try Row.fetchAll(
                    db,
                    sql: "SELECT id, status, path IS NOT NULL FROM documents WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(ids))
                {
                    documents[r[0]] = (r[1], r[2])
                }
            }
            return (
                rows.map { r in
                    let doc: Int64? = r[11]
                    let d = doc.flatMap { documents[$0] }
                    return CertificateRow(
                        number: r[0], applicationID: r[1] ?? "", holderName: r[2] ?? "", residentID: r[3], unitID: r[4],
                        unitName: r[5], series: r[6] ?? "", level: r[7] ?? "", approvalDocumentNumber: r[8] ?? "",
                        issuedOn: r[9] ?? "", status: r[10], documentID: doc, documentStatus: d?.status,
                        documentRendered: d.map { $0.status == "rendered" && $0.rendered } ?? false)
                }, total
            )
        }
    }
}

extension StoreTransaction {
    /// The `certificate_index` row of certificate stream `number`, written with its `issued`
    /// event (`execute`): what the lists and searches of the certificates read.
    func indexCertificate(_ number: String, _ d: CertificateDetails) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO certificate_index
                    (number, approval, application_id, holder_id, holder_name, series, level, issued_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run([
            .text(number), .text(d.approvalDocumentNumber), .text(d.applicationID), .text(d.holderID),
            .text(d.holderName), .text(d.series.rawValue), .text(d.level.rawValue), .text(d.issuedOn.description),
        ])
    }

    /// Each `issued` event as the `certificate_index` row it makes (number, approval,
    /// application_id, holder_id, holder_name, series, level, issued_on): what the rebuild
    /// writes and the audit compares. (The migration that made the table keeps its own copy:
    /// a shipped migration never changes.)
    static let issuedRows = """
        SELECT stream_id, json_extract(payload, '$.issued.details.approvalDocumentNumber'),
            json_extract(payload, '$.issued.details.applicationID'),
            json_extract(payload, '$.issued.details.holderID'),
            json_extract(payload, '$.issued.details.holderName'),
            json_extract(payload, '$.issued.details.series'),
            json_extract(payload, '$.issued.details.level'),
            json_extract(payload, '$.issued.details.issuedOn')
        FROM events WHERE stream_kind = 'certificate' AND type = 'issued'
        """

    /// `certificate_index` written again from the log's `issued` events (a projection rebuilt).
    func rebuildCertificateIndex() throws {
        try db.execute(
            sql: """
                DELETE FROM certificate_index;
                INSERT OR REPLACE INTO certificate_index
                    (number, approval, application_id, holder_id, holder_name, series, level, issued_on)
                \(Self.issuedRows) ORDER BY seq;
                """)
    }
}
