import Domain
import Foundation
import GRDB
import Workflow

/// Units registering with the office (`UnitRegistrationMachine`): the HR account waiting for the
/// office's decision, bound to its unit when approved; each table change in the transaction of
/// the registration's event.
extension EventStore {
    /// Registrations in a stage (nil: all), by credit code, with their state.
    public func unitRegistrations(
        _ stage: UnitRegistrationState.Stage? = nil
    ) throws(StoreError) -> [(creditCode: String, state: UnitRegistrationState)] {
        let ids = try streamIDs(UnitRegistrationMachine.self, status: stage?.rawValue)
        var result: [(creditCode: String, state: UnitRegistrationState)] = []
        for id in ids {
            if let loaded = try load(UnitRegistrationMachine.self, id: id) { result.append((id, loaded.state)) }
        }
        return result
    }

    /// Accounts bound to a unit (its HR accounts), by user name.
    public func accounts(unitID: String) throws(StoreError) -> [Account] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM accounts WHERE unit_id = ? ORDER BY username", arguments: [unitID]
            ).map(Account.init(row:))
        }
    }
}

extension StoreTransaction {
    /// The registry id of the unit with this credit code, nil when none.
    public func registeredUnitID(creditCode: CreditCode) throws -> String? {
        try UnitRecord.fetch(creditCode: creditCode, db: db)?.id
    }

    /// The HR account of a unit that applied: disabled, bound to no unit, until the office decides.
    /// - Throws: `StoreError.refused` when the user name is taken (case-insensitive).
    public func insertPendingUnitAccount(username: String, passwordHash: String, displayName: String, now: Date) throws {
        let taken = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ? COLLATE NOCASE)", arguments: [username])
        if taken == true {
            throw StoreError.refused(
                Refusal(rule: "unit-registration.username-taken", message: "用户名“\(username)”已被使用"))
        }
        try db.execute(
            sql: """
                INSERT INTO accounts (username, password_hash, role, display_name, created_at, disabled)
                VALUES (?, ?, ?, ?, ?, 1)
                """,
            arguments: [username, passwordHash, Role.unitHR.rawValue, displayName, Timestamp.format(now)])
    }

    /// Approved: the unit into the registry (unless already there, e.g. through an application)
    /// and its waiting HR account enabled and bound to it.
    public func approveUnitRegistration(_ unit: UnitRecord, username: String) throws {
        let existing = try UnitRecord.fetch(creditCode: unit.creditCode, db: db)
        if existing == nil { try insert(unit) }
        if let existing, existing.county == nil, let county = unit.county {
            // A unit an application brought in before it registered: the county it names now.
            try db.execute(sql: "UPDATE units SET county = ? WHERE id = ?", arguments: [county, existing.id])
        }
        try db.execute(
            sql: "UPDATE accounts SET disabled = 0, unit_id = ? WHERE username = ? AND role = ? AND unit_id IS NULL",
            arguments: [existing?.id ?? unit.id, username, Role.unitHR.rawValue])
        guard db.changesCount == 1 else {
            throw StoreError.refused(
                Refusal(rule: "unit-registration.account-missing", message: "找不到该单位待审核的人事账户“\(username)”"))
        }
    }

    /// Refused: the waiting account goes (its user name is free again; it never signed in).
    public func dropPendingUnitAccount(username: String) throws {
        try db.execute(
            sql: "DELETE FROM accounts WHERE username = ? AND role = ? AND unit_id IS NULL AND disabled = 1",
            arguments: [username, Role.unitHR.rawValue])
    }
}
