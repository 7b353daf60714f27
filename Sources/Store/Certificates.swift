import Foundation
import GRDB

/// The office's certificate runs, read from the log in SQL: the applications a confirmation
/// 文号 covers (their `confirmed`/`filed` event names it), how many of them hold a certificate,
/// and the certificates issued (`issued` events of certificate streams) — counted, listed and
/// searched without loading any application's state. The events are found through the
/// expression indexes of the migration `2026-12-05-certificate-runs` (the 文号 inside each
/// payload), so a page of a 文号 with 20,000 applications reads one page of rows.
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
    /// selects in all. The page is chosen first (event rows only), then only its rows are read
    /// whole with their documents.
    public func certificates(_ query: CertificateQuery) throws(StoreError) -> (rows: [CertificateRow], total: Int) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let number = query.number {
            conditions.append("json_extract(e.payload, '$.issued.details.approvalDocumentNumber') = ?")
            arguments.append(number)
        }
        if let jurisdiction = query.jurisdiction {
            conditions.append("a.jurisdiction = ?")
            arguments.append(jurisdiction)
        }
        if let series = query.series {
            conditions.append("json_extract(e.payload, '$.issued.details.series') = ?")
            arguments.append(series)
        }
        if let level = query.level {
            conditions.append("json_extract(e.payload, '$.issued.details.level') = ?")
            arguments.append(level)
        }
        if let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            let pattern = "%" + Self.likeEscaped(text) + "%"
            conditions.append(
                """
                (e.stream_id LIKE ? ESCAPE '\\' OR json_extract(e.payload, '$.issued.details.applicationID') LIKE ? ESCAPE '\\'
                 OR json_extract(e.payload, '$.issued.details.holderName') LIKE ? ESCAPE '\\'
                 OR p.name LIKE ? ESCAPE '\\' OR p.resident_id LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')
                """)
            arguments.append(contentsOf: Array(repeating: pattern, count: 6))
        }
        let joins = """
            JOIN streams s ON s.kind = 'certificate' AND s.id = e.stream_id
            LEFT JOIN people p ON p.id = json_extract(e.payload, '$.issued.details.holderID')
            LEFT JOIN application_index a ON a.id = json_extract(e.payload, '$.issued.details.applicationID')
            LEFT JOIN units u ON u.id = a.unit_id
            """
        let from = """
            FROM events e
            \(joins)
            WHERE e.stream_kind = 'certificate' AND e.type = 'issued'
            """ + conditions.map { "\n    AND " + $0 }.joined()
        let filter = StatementArguments(arguments.map { $0.databaseValue })
        let page = StatementArguments(
            (arguments + [max(1, query.limit), max(0, query.offset)]).map { $0.databaseValue })
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: filter) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.stream_id, json_extract(e.payload, '$.issued.details.applicationID'),
                        json_extract(e.payload, '$.issued.details.holderName'), p.resident_id, a.unit_id, u.name,
                        json_extract(e.payload, '$.issued.details.series'), json_extract(e.payload, '$.issued.details.level'),
                        json_extract(e.payload, '$.issued.details.approvalDocumentNumber'),
                        json_extract(e.payload, '$.issued.details.issuedOn'), s.status,
                        COALESCE(
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'certificate' AND d.stream_id = e.stream_id
                                AND +d.kind = 'certificate' AND d.status = 'rendered' ORDER BY d.id DESC LIMIT 1),
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'application'
                                AND d.stream_id = json_extract(e.payload, '$.issued.details.applicationID')
                                AND +d.kind = 'certificate' AND d.status = 'rendered' ORDER BY d.id DESC LIMIT 1),
                            (SELECT d.id FROM documents d WHERE d.stream_kind = 'certificate' AND d.stream_id = e.stream_id
                                AND +d.kind = 'certificate' ORDER BY d.id DESC LIMIT 1)) AS doc
                    FROM (SELECT e.seq AS seq \(from) ORDER BY e.stream_id LIMIT ? OFFSET ?) AS page
                    JOIN events e ON e.seq = page.seq
                    \(joins)
                    ORDER BY e.stream_id
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
