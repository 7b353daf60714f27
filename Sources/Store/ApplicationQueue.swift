import Foundation
import GRDB

/// A search of the applications for the consoles' queues: the `application_index` projection
/// joined with the status (`streams`), the person (`people`: name, resident ID number) and the
/// unit (`units`: name), filtered, ordered and paged in SQL.
public struct ApplicationQuery: Sendable, Equatable {
    /// Only this unit's applications (the unit named in the profile): unit HR.
    public var unit: String?
    /// Only applications of this jurisdiction (`Routing`: a county's code for a county's staff;
    /// nil: every one — the city's staff).
    public var jurisdiction: String?
    /// A part of the applicant's name, resident ID number, the application number or the
    /// unit's name (case-insensitive for ASCII, so `x` finds an ID ending in `X`).
    public var text: String?
    /// Only these statuses (empty: every status).
    public var statuses: [String]
    /// Only this series / level (raw values).
    public var series: String?
    public var level: String?
    /// Statuses listed before the others (the items waiting for the viewer's action).
    public var first: [String]
    public var offset: Int
    public var limit: Int

    public init(
        unit: String? = nil, text: String? = nil, statuses: [String] = [], series: String? = nil,
        level: String? = nil, first: [String] = [], offset: Int = 0, limit: Int = 50, jurisdiction: String? = nil
    ) {
        self.unit = unit
        self.jurisdiction = jurisdiction
        self.text = text
        self.statuses = statuses
        self.series = series
        self.level = level
        self.first = first
        self.offset = offset
        self.limit = limit
    }
}

/// One row of a queue.
public struct ApplicationQueueRow: Sendable, Equatable {
    public var id: String
    public var status: String
    public var personID: String
    public var personName: String?
    public var residentID: String?
    public var unitID: String
    public var unitName: String?
    public var series: String
    public var level: String
    public var track: String
}

extension EventStore {
    /// One page of the applications `query` selects (in `query.first` order, then by
    /// application number) and how many it selects in all.
    public func applicationQueue(_ query: ApplicationQuery) throws(StoreError) -> (
        rows: [ApplicationQueueRow], total: Int
    ) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let unit = query.unit {
            conditions.append("a.unit_id = ?")
            arguments.append(unit)
        }
        if let jurisdiction = query.jurisdiction {
            conditions.append("a.jurisdiction = ?")
            arguments.append(jurisdiction)
        }
        if !query.statuses.isEmpty {
            conditions.append("s.status IN (\(Array(repeating: "?", count: query.statuses.count).joined(separator: ", ")))")
            arguments.append(contentsOf: query.statuses)
        }
        if let series = query.series {
            conditions.append("a.series = ?")
            arguments.append(series)
        }
        if let level = query.level {
            conditions.append("a.level = ?")
            arguments.append(level)
        }
        if let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            let pattern = "%" + Self.likeEscaped(text) + "%"
            conditions.append(
                "(a.id LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\' OR p.resident_id LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')"
            )
            arguments.append(contentsOf: [pattern, pattern, pattern, pattern])
        }
        let from = """
            FROM application_index a
            JOIN streams s ON s.kind = 'application' AND s.id = a.id
            LEFT JOIN people p ON p.id = a.person_id
            LEFT JOIN units u ON u.id = a.unit_id
            """ + (conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: " AND "))
        var order = "a.id"
        var orderArguments: [any DatabaseValueConvertible] = []
        if !query.first.isEmpty {
            order =
                "CASE WHEN s.status IN (\(Array(repeating: "?", count: query.first.count).joined(separator: ", "))) THEN 0 ELSE 1 END, a.id"
            orderArguments = query.first
        }
        let filter = StatementArguments(arguments.map { $0.databaseValue })
        let page = StatementArguments(
            (arguments + orderArguments + [max(1, query.limit), max(0, query.offset)]).map { $0.databaseValue })
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: filter) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, s.status, a.person_id, p.name, p.resident_id, a.unit_id, u.name, a.series, a.level, a.track
                    \(from)
                    ORDER BY \(order) LIMIT ? OFFSET ?
                    """, arguments: page)
            return (
                rows.map { r in
                    ApplicationQueueRow(
                        id: r[0], status: r[1], personID: r[2], personName: r[3], residentID: r[4], unitID: r[5],
                        unitName: r[6], series: r[7], level: r[8], track: r[9])
                }, total
            )
        }
    }

    /// How many of one unit's applications are in each status.
    public func applicationQueueCounts(unit: String) throws(StoreError) -> [(status: String, count: Int)] {
        try indexedStatusCounts(where: "a.unit_id", is: unit)
    }

    /// How many indexed applications whose `column` (of `application_index a`, named by the
    /// caller, never from input) is `value` are in each status.
    private func indexedStatusCounts(where column: String, is value: String) throws(StoreError)
        -> [(status: String, count: Int)]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.status, COUNT(*) FROM application_index a
                    JOIN streams s ON s.kind = 'application' AND s.id = a.id
                    WHERE \(column) = ? GROUP BY s.status ORDER BY s.status
                    """, arguments: [value]
            ).map { (status: $0[0] as String, count: $0[1] as Int) }
        }
    }

    /// How many applications of `jurisdiction` are in each status (nil: of the whole city, from
    /// the streams alone): the office console's counts for a county's staff and the city's.
    public func applicationStatusCounts(jurisdiction: String?) throws(StoreError) -> [(status: String, count: Int)] {
        guard let jurisdiction else { return try statusCounts(kind: "application") }
        return try indexedStatusCounts(where: "a.jurisdiction", is: jurisdiction)
    }

    /// The jurisdiction of application `id` as indexed (nil when not indexed).
    public func applicationJurisdiction(_ id: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT jurisdiction FROM application_index WHERE id = ?", arguments: [id])
        }
    }

    /// `text` with LIKE's wildcards and the escape character escaped (`\`).
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
