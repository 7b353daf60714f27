import Domain
import Foundation
import GRDB

/// The public notices 评审结果公示 as published: every `publicNoticeStarted` event of the log is
/// one entry of its batch (the application, its period), read with what the notice shows —
/// the person's name and masked ID number, the unit's name, series and level. Nothing else
/// about the person leaves the store here.
public struct NoticeBatchQuery: Sendable, Equatable {
    /// Part of an entry's name or unit name.
    public var text: String?
    /// Only batches with an entry of this series / level (raw values).
    public var series: String?
    public var level: String?
    /// Only batches whose period starts or ends in this year.
    public var year: Int?
    /// Only the batches in notice on `today` (`.current`: the last day not passed, or an entry
    /// still in notice — an objection under investigation holds it) or only the others
    /// (`.ended`); nil: every batch.
    public var phase: Phase?
    public var today: Day
    public var offset: Int
    public var limit: Int

    public enum Phase: Sendable, Equatable { case current, ended }

    public init(
        text: String? = nil, series: String? = nil, level: String? = nil, year: Int? = nil, phase: Phase? = nil,
        today: Day, offset: Int = 0, limit: Int = 20
    ) {
        self.text = text
        self.series = series
        self.level = level
        self.year = year
        self.phase = phase
        self.today = today
        self.offset = offset
        self.limit = limit
    }
}

/// One notice batch: its period, how many people it published and how many match the search.
public struct NoticeBatchRow: Sendable, Equatable {
    public var batchID: String
    public var start: Day
    public var end: Day
    public var people: Int
    public var matching: Int
    /// An entry is still in notice (set by `noticeBatch` only).
    public var inNotice: Bool = false
}

/// One published entry of a batch.
public struct NoticeEntryRow: Sendable, Equatable {
    public var applicationID: String
    public var name: String?
    public var maskedID: String?
    public var unitName: String?
    public var series: String
    public var level: String
}

extension EventStore {
    /// The log's notice entries: application, batch, first and last day.
    static let noticeEntriesSQL = """
        SELECT e.stream_id AS app,
               json_extract(e.payload, '$.publicNoticeStarted.batchID') AS batch,
               json_extract(e.payload, '$.publicNoticeStarted.start') AS start,
               json_extract(e.payload, '$.publicNoticeStarted.end') AS end
        FROM events e WHERE e.type = 'publicNoticeStarted' AND e.stream_kind = 'application'
        """

    /// The batches with an entry still in notice (the application in public notice or under
    /// investigation, and this its latest notice).
    static let activeBatchesSQL = """
        SELECT DISTINCT n.batch AS batch FROM n
        JOIN streams s ON s.kind = 'application' AND s.id = n.app
        WHERE s.status IN ('public-notice', 'investigation')
          AND NOT EXISTS (SELECT 1 FROM n n2 WHERE n2.app = n.app AND n2.start > n.start)
        """

    /// One page of the notice batches `query` selects, latest first, and how many it selects.
    public func noticeBatches(_ query: NoticeBatchQuery) throws(StoreError) -> (rows: [NoticeBatchRow], total: Int) {
        var entryConditions: [String] = []
        var entryArguments: [any DatabaseValueConvertible] = []
        if let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            let pattern = "%" + Self.likeEscaped(text) + "%"
            entryConditions.append("(p.name LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')")
            entryArguments += [pattern, pattern]
        }
        if let series = query.series {
            entryConditions.append("a.series = ?")
            entryArguments.append(series)
        }
        if let level = query.level {
            entryConditions.append("a.level = ?")
            entryArguments.append(level)
        }
        var batchConditions: [String] = []
        var batchArguments: [any DatabaseValueConvertible] = []
        if let year = query.year {
            batchConditions.append("(substr(b.start, 1, 4) = ? OR substr(b.end, 1, 4) = ?)")
            batchArguments += [String(year), String(year)]
        }
        switch query.phase {
        case .current:
            batchConditions.append("(b.end >= ? OR b.batch IN (SELECT batch FROM active))")
            batchArguments.append(query.today.description)
        case .ended:
            batchConditions.append("b.end < ? AND b.batch NOT IN (SELECT batch FROM active)")
            batchArguments.append(query.today.description)
        case nil: break
        }
        let from = """
            WITH n AS (\(Self.noticeEntriesSQL)),
            active AS (\(Self.activeBatchesSQL)),
            b AS (SELECT batch, MIN(start) AS start, MAX(end) AS end, COUNT(DISTINCT app) AS people FROM n GROUP BY batch),
            m AS (
                SELECT n.batch AS batch, COUNT(DISTINCT n.app) AS hits FROM n
                JOIN application_index a ON a.id = n.app
                LEFT JOIN people p ON p.id = a.person_id
                LEFT JOIN units u ON u.id = a.unit_id
                \(entryConditions.isEmpty ? "" : "WHERE " + entryConditions.joined(separator: " AND "))
                GROUP BY n.batch)
            SELECT b.batch, b.start, b.end, b.people, m.hits FROM b JOIN m ON m.batch = b.batch
            \(batchConditions.isEmpty ? "" : "WHERE " + batchConditions.joined(separator: " AND "))
            """
        let arguments = entryArguments + batchArguments
        let filter = StatementArguments(arguments.map { $0.databaseValue })
        let page = StatementArguments(
            (arguments + [max(1, query.limit), max(0, query.offset)]).map { $0.databaseValue })
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(from))", arguments: filter) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "\(from)\nORDER BY b.start DESC, b.batch DESC LIMIT ? OFFSET ?", arguments: page)
            return (
                rows.compactMap { r -> NoticeBatchRow? in
                    guard let start = Self.day(r[1]), let end = Self.day(r[2]) else { return nil }
                    return NoticeBatchRow(batchID: r[0], start: start, end: end, people: r[3], matching: r[4])
                }, total
            )
        }
    }

    /// One batch's period (first start, last end) and its entries as published, by application
    /// number; nil when no notice has this batch id.
    public func noticeBatch(_ batchID: String) throws(StoreError) -> (row: NoticeBatchRow, entries: [NoticeEntryRow])? {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    WITH n AS (\(Self.noticeEntriesSQL)), active AS (\(Self.activeBatchesSQL))
                    SELECT n.app, n.start, n.end, p.name, p.resident_id, u.name, a.series, a.level,
                           n.batch IN (SELECT batch FROM active)
                    FROM n JOIN application_index a ON a.id = n.app
                    LEFT JOIN people p ON p.id = a.person_id
                    LEFT JOIN units u ON u.id = a.unit_id
                    WHERE n.batch = ? ORDER BY n.app
                    """, arguments: [batchID])
            guard !rows.isEmpty else { return nil }
            var start: Day?
            var end: Day?
            var entries: [NoticeEntryRow] = []
            var seen: Set<String> = []
            let inNotice: Bool = rows[0][8]
            for r in rows {
                if let s = Self.day(r[1]), start.map({ s < $0 }) ?? true { start = s }
                if let e = Self.day(r[2]), end.map({ e > $0 }) ?? true { end = e }
                let app: String = r[0]
                guard seen.insert(app).inserted else { continue }
                let resident: String? = r[4]
                entries.append(
                    NoticeEntryRow(
                        applicationID: app, name: r[3], maskedID: resident.map { Self.masked($0) }, unitName: r[5],
                        series: r[6], level: r[7]))
            }
            guard let start, let end else { return nil }
            return (
                NoticeBatchRow(
                    batchID: batchID, start: start, end: end, people: entries.count, matching: entries.count,
                    inNotice: inNotice),
                entries
            )
        }
    }

    static func day(_ text: String?) -> Day? { text.flatMap { Day($0) } }

    /// As the notice shows an ID number: the first four and last four characters.
    static func masked(_ value: String) -> String {
        (try? ResidentID(value).masked) ?? String(value.prefix(4)) + String(repeating: "*", count: 10)
            + String(value.suffix(4))
    }
}
