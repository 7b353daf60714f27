import Domain
import Foundation
import GRDB

/// One record 件 of the archive's catalogue (`archive_records`).
public struct CatalogueRecord: Sendable, Equatable {
    /// The 档号 (`J012-2026-Y-ZCB-0007`).
    public var code: String
    /// The 档号 without its 件号 (`J012-2026-Y-ZCB`): the numbering series.
    public var series: String
    public var item: Int
    /// The package's name (`decision-2026-12`).
    public var package: String
    /// The decision (文号 or session id).
    public var decision: String
    /// The file, relative to the package's `data/`.
    public var path: String
    /// The retention schedule's record kind.
    public var kind: String
    public var title: String
    public var documentNumber: String?
    /// YYYY-MM-DD.
    public var date: String
    public var year: Int
    /// The retention code (Y, D30, D10).
    public var retention: String
    public var classification: String
    public var size: Int
    public var format: String
    public var sha256: String
    public var applicationID: String?
    public var personName: String?
    public var idNumber: String?
    public var certificateNumber: String?
    /// The title series 职称系列 (its Chinese name).
    public var titleSeries: String?
    /// The level (its Chinese name).
    public var level: String?

    public init(
        series: String, package: String, decision: String, path: String, kind: String, title: String,
        documentNumber: String?, date: String, year: Int, retention: String, classification: String, size: Int,
        format: String, sha256: String, applicationID: String? = nil, personName: String? = nil,
        idNumber: String? = nil, certificateNumber: String? = nil, titleSeries: String? = nil, level: String? = nil
    ) {
        self.code = ""
        self.item = 0
        self.series = series
        self.package = package
        self.decision = decision
        self.path = path
        self.kind = kind
        self.title = title
        self.documentNumber = documentNumber
        self.date = date
        self.year = year
        self.retention = retention
        self.classification = classification
        self.size = size
        self.format = format
        self.sha256 = sha256
        self.applicationID = applicationID
        self.personName = personName
        self.idNumber = idNumber
        self.certificateNumber = certificateNumber
        self.titleSeries = titleSeries
        self.level = level
    }

    init(row: Row) {
        code = row["code"]
        series = row["series"]
        item = row["item"]
        package = row["package"]
        decision = row["decision"]
        path = row["path"]
        kind = row["kind"]
        title = row["title"]
        documentNumber = row["document_number"]
        date = row["date"]
        year = row["year"]
        retention = row["retention"]
        classification = row["classification"]
        size = row["size"]
        format = row["format"]
        sha256 = row["sha256"]
        applicationID = row["application_id"]
        personName = row["person_name"]
        idNumber = row["id_number"]
        certificateNumber = row["certificate_number"]
        titleSeries = row["title_series"]
        level = row["level"]
    }
}

/// A search of the catalogue: free text over 文号, 档号, name, ID number, certificate number,
/// application and title; year and series; paged.
public struct CatalogueQuery: Sendable, Equatable {
    public var text: String?
    public var year: Int?
    public var titleSeries: String?
    public var package: String?
    public var limit: Int
    public var offset: Int

    public init(
        text: String? = nil, year: Int? = nil, titleSeries: String? = nil, package: String? = nil, limit: Int = 50,
        offset: Int = 0
    ) {
        self.text = text
        self.year = year
        self.titleSeries = titleSeries
        self.package = package
        self.limit = limit
        self.offset = offset
    }
}

extension EventStore {
    /// Files a package's records in the catalogue, in one transaction: a record already filed
    /// (same package and path) keeps its 件号 and is updated; each new one takes the next
    /// number of its series, in the order given — so one package's new records run without a
    /// gap. `code` joins the series and the 件号 (`format`: the caller's 档号 writer).
    /// - Returns: every record with its code and 件号.
    public func fileArchiveRecords(
        _ records: [CatalogueRecord], code format: @escaping (_ series: String, _ item: Int) -> String
    ) throws(StoreError) -> [CatalogueRecord] {
        var out: [CatalogueRecord] = []
        try fileArchiveRecords(streaming: records, code: format) { out.append($0) }
        return out
    }

    /// `fileArchiveRecords(_:code:)` for a package of any size: the records are taken from
    /// `records` one at a time (a lazy sequence: never all in memory) and each is handed to
    /// `filed` with its code and 件号 once written — all in one transaction.
    /// - Returns: the number of records filed.
    @discardableResult
    public func fileArchiveRecords(
        streaming records: some Sequence<CatalogueRecord>, code format: @escaping (_ series: String, _ item: Int) -> String,
        filed: (CatalogueRecord) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        try write { tx in
            let db = tx.db
            let existing = try db.cachedStatement(
                sql: "SELECT code, item, series FROM archive_records WHERE package = ? AND path = ?")
            let remove = try db.cachedStatement(sql: "DELETE FROM archive_records WHERE package = ? AND path = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO archive_records (code, series, item, package, decision, path, kind, title,
                        document_number, date, year, retention, classification, size, format, sha256,
                        application_id, person_name, id_number, certificate_number, title_series, level)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (code) DO UPDATE SET
                        title = excluded.title, document_number = excluded.document_number,
                        date = excluded.date, size = excluded.size, format = excluded.format,
                        sha256 = excluded.sha256, person_name = excluded.person_name,
                        id_number = excluded.id_number, certificate_number = excluded.certificate_number,
                        title_series = excluded.title_series, level = excluded.level
                    """)
            var count = 0
            for var r in records {
                if let row = try Row.fetchOne(existing, arguments: [r.package, r.path]),
                    (row["series"] as String) == r.series
                {
                    r.code = row["code"]
                    r.item = row["item"]
                } else {
                    try remove.execute(arguments: [r.package, r.path])
                    r.item = try tx.nextNumber("archive-item/\(r.series)")
                    r.code = format(r.series, r.item)
                }
                try insert.execute(arguments: [
                    r.code, r.series, r.item, r.package, r.decision, r.path, r.kind, r.title, r.documentNumber,
                    r.date, r.year, r.retention, r.classification, r.size, r.format, r.sha256, r.applicationID,
                    r.personName, r.idNumber, r.certificateNumber, r.titleSeries, r.level,
                ])
                filed(r)
                count += 1
            }
            return count
        }
    }

    /// Every record filed under `package`, in 档号 order (series, then 件号: the order of
    /// `ArchivalCode`), read through a cursor and handed to `body` one at a time — the
    /// metadata of a package of a quarter of a million records without holding them. `body`
    /// returns false to stop.
    public func forEachArchiveRecord(package: String, _ body: (CatalogueRecord) -> Bool) throws(StoreError) {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM archive_records WHERE package = ? ORDER BY series, item", arguments: [package])
            while let row = try rows.next() {
                if !body(CatalogueRecord(row: row)) { break }
            }
        }
    }

    /// Catalogue records matching `query`, in 档号 order, with the number of all matches.
    public func archiveCatalogue(_ query: CatalogueQuery) throws(StoreError) -> (records: [CatalogueRecord], total: Int) {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let like = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            let columns = [
                "code", "decision", "document_number", "person_name", "id_number", "certificate_number",
                "application_id", "title",
            ]
            clauses.append("(" + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments += Array(repeating: like, count: columns.count)
        }
        if let year = query.year {
            clauses.append("year = ?")
            arguments.append(year)
        }
        if let s = query.titleSeries, !s.isEmpty {
            clauses.append("title_series = ?")
            arguments.append(s)
        }
        if let p = query.package, !p.isEmpty {
            clauses.append("package = ?")
            arguments.append(p)
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = max(1, min(query.limit, 500))
        let offset = max(0, query.offset)
        return try read { db in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM archive_records \(filter)",
                    arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM archive_records \(filter) ORDER BY series, item LIMIT \(limit) OFFSET \(offset)",
                arguments: StatementArguments(arguments))
            return (rows.map(CatalogueRecord.init(row:)), total)
        }
    }

    /// The years and title series the catalogue holds (the archivist's filters).
    public func archiveCatalogueFacets() throws(StoreError) -> (years: [Int], titleSeries: [String]) {
        try read { db in
            (
                try Int.fetchAll(db, sql: "SELECT DISTINCT year FROM archive_records ORDER BY year DESC"),
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT DISTINCT title_series FROM archive_records WHERE title_series IS NOT NULL ORDER BY title_series"
                )
            )
        }
    }
}
