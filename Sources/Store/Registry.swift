import Domain
import Foundation
import GRDB

/// A unit (employer) in the registry.
public struct UnitRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var creditCode: CreditCode
    public var kind: UnitKind
    /// Universities, hospitals, research institutes and large enterprises review on their own.
    public var hasSelfReviewAuthority: Bool
    /// The county 县（市、区） the unit belongs to (six-digit division code), nil at city level:
    /// devolved series and levels go to that county's committee (`Routing`).
    public var county: String?

    public init(
        id: String, name: String, creditCode: CreditCode, kind: UnitKind, hasSelfReviewAuthority: Bool,
        county: String? = nil
    ) {
        self.county = county
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.kind = kind
        self.hasSelfReviewAuthority = hasSelfReviewAuthority
    }
}

/// A person (applicant or certificate holder).
public struct PersonRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var residentID: ResidentID
    public var unitID: String
    public var currentLevel: Level?
    public var isRetired: Bool

    public init(
        id: String, name: String, residentID: ResidentID, unitID: String, currentLevel: Level?, isRetired: Bool = false
    ) {
        self.id = id
        self.name = name
        self.residentID = residentID
        self.unitID = unitID
        self.currentLevel = currentLevel
        self.isRetired = isRetired
    }
}

/// A review committee 评审委员会 and its term.
public struct CommitteeRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var series: Series
    public var level: Level
    /// 按系列 or a specialty 专业.
    public var scope: String
    public var memberCount: Int
    public var termStart: Day
    public var termEnd: Day
    /// `city`, a county's division code or `unit:<unit id>` (`Routing`): whose applications it reviews.
    public var jurisdiction: String

    public init(
        id: String, name: String, series: Series, level: Level, scope: String, memberCount: Int, termStart: Day,
        termEnd: Day, jurisdiction: String = "city"
    ) {
        self.jurisdiction = jurisdiction
        self.id = id
        self.name = name
        self.series = series
        self.level = level
        self.scope = scope
        self.memberCount = memberCount
        self.termStart = termStart
        self.termEnd = termEnd
    }
}

/// An expert in a committee's pool. Expert lists are not published.
public struct ExpertRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var unitID: String
    public var committeeID: String
    public var title: String
    public var termEnd: Day

    public init(id: String, name: String, unitID: String, committeeID: String, title: String, termEnd: Day) {
        self.id = id
        self.name = name
        self.unitID = unitID
        self.committeeID = committeeID
        self.title = title
        self.termEnd = termEnd
    }
}

extension StoreTransaction {
    public func insert(_ u: UnitRecord) throws {
        try db.execute(
            sql: "INSERT INTO units (id, name, credit_code, kind, self_review, county) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [u.id, u.name, u.creditCode.value, u.kind.rawValue, u.hasSelfReviewAuthority, u.county])
    }

    public func insert(_ p: PersonRecord) throws {
        try db.execute(
            sql:
                "INSERT INTO people (id, name, resident_id, unit_id, current_level, retired) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [p.id, p.name, p.residentID.value, p.unitID, p.currentLevel?.rawValue, p.isRetired])
    }

    public func insert(_ c: CommitteeRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO committees (id, name, series, level, scope, member_count, term_start, term_end, jurisdiction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                c.id, c.name, c.series.rawValue, c.level.rawValue, c.scope, c.memberCount, c.termStart.description,
                c.termEnd.description, c.jurisdiction,
            ])
    }

    public func insert(_ e: ExpertRecord) throws {
        try db.execute(
            sql: "INSERT INTO experts (id, name, unit_id, committee_id, title, term_end) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [e.id, e.name, e.unitID, e.committeeID, e.title, e.termEnd.description])
    }

    /// The last step a resumable job completed (0 when it never ran).
    public func jobStep(_ job: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT step FROM job_progress WHERE job = ?", arguments: [job]) ?? 0
    }

    public func setJobStep(_ job: String, _ step: Int) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO job_progress (job, step) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET step = excluded.step"
        ).run([.text(job), .integer(step)])
    }
}

/// Registry reads.
public enum RegistryError: Error, CustomStringConvertible {
    case badRow(String)
    public var description: String {
        switch self {
        case .badRow(let s): "registry row does not decode: \(s)"
        }
    }
}

extension EventStore {
    public func unit(_ id: String) throws(StoreError) -> UnitRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM units WHERE id = ?", arguments: [id]).map(Self.unit) }
    }

    public func person(_ id: String) throws(StoreError) -> PersonRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM people WHERE id = ?", arguments: [id]).map(Self.person)
        }
    }

    /// The unit registered with a credit code, and the person with a resident ID number.
    public func registered(creditCode: CreditCode, residentID: ResidentID) throws(StoreError) -> (
        unit: UnitRecord?, person: PersonRecord?
    ) {
        try read { db in
            (try UnitRecord.fetch(creditCode: creditCode, db: db), try PersonRecord.fetch(residentID: residentID, db: db))
        }
    }

    public func experts(committee: String) throws(StoreError) -> [ExpertRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM experts WHERE committee_id = ? ORDER BY id", arguments: [committee]
            )
            .map(Self.expert)
        }
    }

    /// Units by id, at most `limit`.
    public func units(limit: Int = 1_000) throws(StoreError) -> [UnitRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM units ORDER BY id LIMIT ?", arguments: [limit]).map(Self.unit)
        }
    }

    public func committees() throws(StoreError) -> [CommitteeRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM committees ORDER BY id").map(Self.committee) }
    }

    /// Names of the resumable jobs recorded in the database.
    public func jobs() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT job FROM job_progress ORDER BY job") }
    }

    public func jobStep(_ job: String) throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT step FROM job_progress WHERE job = ?", arguments: [job]) ?? 0
        }
    }

    static func unit(_ r: Row) throws -> UnitRecord {
        guard let kind = UnitKind(rawValue: r["kind"]) else { throw RegistryError.badRow("unit kind") }
        return UnitRecord(
            id: r["id"], name: r["name"], creditCode: try CreditCode(r["credit_code"] as String), kind: kind,
            hasSelfReviewAuthority: r["self_review"], county: r["county"])
    }

    static func person(_ r: Row) throws -> PersonRecord {
        PersonRecord(
            id: r["id"], name: r["name"], residentID: try ResidentID(r["resident_id"] as String), unitID: r["unit_id"],
            currentLevel: (r["current_level"] as String?).flatMap(Level.init(rawValue:)), isRetired: r["retired"])
    }

    static func expert(_ r: Row) throws -> ExpertRecord {
        guard let end = Day(r["term_end"] as String) else { throw RegistryError.badRow("expert term") }
        return ExpertRecord(
            id: r["id"], name: r["name"], unitID: r["unit_id"], committeeID: r["committee_id"], title: r["title"],
            termEnd: end)
    }

    static func committee(_ r: Row) throws -> CommitteeRecord {
        guard let series = Series(rawValue: r["series"]), let level = Level(rawValue: r["level"]),
            let start = Day(r["term_start"] as String), let end = Day(r["term_end"] as String)
        else { throw RegistryError.badRow("committee") }
        return CommitteeRecord(
            id: r["id"], name: r["name"], series: series, level: level, scope: r["scope"],
            memberCount: r["member_count"], termStart: start, termEnd: end, jurisdiction: r["jurisdiction"] ?? "city")
    }
}

extension UnitRecord {
    /// The unit with a credit code, if registered.
    static func fetch(creditCode: CreditCode, db: Database) throws -> UnitRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM units WHERE credit_code = ?", arguments: [creditCode.value])
            .map(EventStore.unit)
    }
}

extension PersonRecord {
    /// The person with a resident ID number, if registered.
    static func fetch(residentID: ResidentID, db: Database) throws -> PersonRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM people WHERE resident_id = ?", arguments: [residentID.value])
            .map(EventStore.person)
    }
}
