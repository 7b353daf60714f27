import Domain
import Foundation
import GRDB
import Workflow

/// Committees set up by a decision and the expert pool (`CommitteeRegistryMachine`): the
/// registry rows written in the transaction of the stream's event, and the typed reads the web
/// and the command line list and export.
extension StoreTransaction {
    /// A committee into the registry with its jurisdiction and 文号. A unit's committee
    /// (`unit:<id>`) needs the unit's self-review grant in force for its series and level
    /// (seed item 6); otherwise the step is refused and the transaction writes nothing.
    public func insertCommittee(_ c: CommitteeSetUp) throws {
        if let unit = Routing.unitID(of: c.jurisdiction) {
            let grant = try load(UnitStandingMachine.self, id: unit)?.state.selfReview
            guard let grant, grant.covers(c.series, c.level) else {
                throw StoreError.refused(
                    Refusal(
                        rule: "committee-registry.unit-not-granted",
                        message: "单位\(unit)未经授权自主评审\(c.series.chinese)\(c.level.chinese)职称（须由人社部门以文件授予），不能组建该单位的评审委员会"))
            }
        }
        try insert(
            CommitteeRecord(
                id: c.id, name: c.name, series: c.series, level: c.level, scope: c.scope, memberCount: c.memberCount,
                termStart: c.termStart, termEnd: c.termEnd, jurisdiction: c.jurisdiction))
        try db.execute(
            sql: "UPDATE committees SET decision_number = ? WHERE id = ?", arguments: [c.decisionNumber, c.id])
    }

    /// Experts into the pool.
    public func insertExperts(_ experts: [ExpertEntry]) throws {
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO experts (id, name, unit_id, committee_id, title, term_end, unit_credit_code, unit_name,
                    specialties, term_start, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for e in experts {
            try statement.execute(arguments: [
                e.id, e.name, e.unitID, e.committeeID, e.title, e.termEnd.description, e.unitCreditCode?.value, e.unitName,
                e.specialties.joined(separator: "\n"), e.termStart.description, e.status.rawValue,
            ])
        }
    }

    /// The registry id of the unit with a credit code, or the id it will get (as `Intake` gives it).
    public func unitID(forExpertUnit code: CreditCode) throws -> String {
        try registeredUnitID(creditCode: code) ?? "U-" + code.value
    }
}

extension EventStore {
    /// Committees with their decision's details (those set up before the decisions were kept
    /// read as the city's, with no 文号).
    public func committeeSetUps() throws(StoreError) -> [CommitteeSetUp] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM committees ORDER BY id").map { r in
                let c = try Self.committee(r)
                return CommitteeSetUp(
                    id: c.id, name: c.name, series: c.series, level: c.level, jurisdiction: c.jurisdiction,
                    scope: c.scope, memberCount: c.memberCount, termStart: c.termStart, termEnd: c.termEnd,
                    decisionNumber: r["decision_number"] ?? "")
            }
        }
    }

    /// The experts of a committee the pool marks suspended (暂停): not drawn.
    public func suspendedExpertIDs(committee: String) throws(StoreError) -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT id FROM experts WHERE committee_id = ? AND status = 'suspended'",
                    arguments: [committee]))
        }
    }

    /// The whole pool (nil: every committee), by committee and id.
    public func expertPool(committee: String? = nil) throws(StoreError) -> [ExpertEntry] {
        try read { db in
            let rows =
                if let committee {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM experts WHERE committee_id = ? ORDER BY id", arguments: [committee])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM experts ORDER BY committee_id, id")
                }
            return try rows.map(Self.expertEntry)
        }
    }

    /// One expert of the pool as the pool holds it now; nil for an unknown id.
    public func expertEntry(id: String) throws(StoreError) -> ExpertEntry? {
        try read { db in try Self.expertEntry(id: id, db: db) }
    }

    static func expertEntry(id: String, db: Database) throws -> ExpertEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM experts WHERE id = ?", arguments: [id]).map(expertEntry)
    }

    static func expertEntry(_ r: Row) throws -> ExpertEntry {
        let e = try Self.expert(r)
        let code = (r["unit_credit_code"] as String?).flatMap { try? CreditCode($0) }
        return ExpertEntry(
            id: e.id, name: e.name,
            unitCreditCode: code,
            unitName: r["unit_name"] ?? "", unitID: e.unitID, title: e.title,
            specialties: (r["specialties"] as String).split(separator: "\n").map(String.init),
            committeeID: e.committeeID, termStart: (r["term_start"] as String?).flatMap(Day.init) ?? e.termEnd,
            termEnd: e.termEnd, status: ExpertEntry.Status(rawValue: r["status"]) ?? .active)
    }

    /// The accounts of experts, by expert id.
    public func expertAccounts() throws(StoreError) -> [String: Account] {
        try read { db in
            let accounts = try Row.fetchAll(
                db, sql: "SELECT * FROM accounts WHERE role = ? AND expert_id IS NOT NULL", arguments: [Role.expert.rawValue]
            ).map(Account.init(row:))
            return Dictionary(accounts.map { ($0.expertID!, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }
}

extension StoreTransaction {
    /// One expert of the pool as the pool holds it in this transaction.
    public func expertEntry(id: String) throws -> ExpertEntry? { try EventStore.expertEntry(id: id, db: db) }

    /// The account of an expert, if one was issued.
    public func account(expertID: String) throws -> Account? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM accounts WHERE role = ? AND expert_id = ? LIMIT 1",
            arguments: [Role.expert.rawValue, expertID]
        ).map(Account.init(row:))
    }
}
