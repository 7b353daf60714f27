import Domain
import Foundation
import GRDB
import Workflow

/// The office's administration: the office profile (from the `administration` stream) and the
/// account changes an administrator makes, each with its event in the same transaction.
extension EventStore {
    /// The office this database serves (`pingshen init`), nil for a database never set up.
    public func officeProfile() throws(StoreError) -> OfficeProfile? {
        try load(AdministrationMachine.self, id: AdministrationMachine.streamID)?.state.office
    }

    /// Staff accounts (every role an administrator gives), by user name.
    public func staffAccounts() throws(StoreError) -> [Account] {
        let roles = AdministrationMachine.staffRoles.map(\.rawValue)
        return try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM accounts WHERE role IN (\(roles.map { _ in "?" }.joined(separator: ","))) ORDER BY username",
                arguments: StatementArguments(roles)
            ).map(Account.init(row:))
        }
    }

    /// Sets a new password with a one-time reset code: only while the code is unused and not
    /// expired; the code is spent at once. - Returns: false for a wrong, used or expired code
    /// (the caller says only that, whichever it was).
    public func redeemResetCode(
        username: String, codeHash: String, newPasswordHash: String, now: Date
    ) throws(StoreError) -> Bool {
        try write { tx in
            let changed = try tx.db.execute(
                sql: """
                    UPDATE accounts SET password_hash = ?, reset_code_hash = NULL, reset_expires_at = NULL
                    WHERE username = ? AND reset_code_hash = ? AND reset_expires_at > ? AND disabled = 0
                    """,
                arguments: [newPasswordHash, username, codeHash, Timestamp.format(now)])
            _ = changed
            let spent = tx.db.changesCount > 0
            if spent {
                // Every session of the account ends with the old password.
                try tx.db.execute(
                    sql: "DELETE FROM web_sessions WHERE account_id = (SELECT id FROM accounts WHERE username = ?)",
                    arguments: [username])
            }
            return spent
        }
    }
}

extension StoreTransaction {
    /// Inserts a staff account (the caller records `staffCreated` in the same transaction).
    /// - Throws: `StoreError.refused` when the user name is taken (case-insensitive).
    public func insertStaffAccount(_ new: NewAccount, now: Date) throws {
        let taken = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ? COLLATE NOCASE)",
            arguments: [new.username])
        if taken == true {
            throw StoreError.refused(
                Refusal(rule: "administration.username-taken", message: "用户名“\(new.username)”已被使用"))
        }
        try db.execute(
            sql: """
                INSERT INTO accounts (username, password_hash, role, display_name, person_id, unit_id, expert_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                new.username, new.passwordHash, new.role.rawValue, new.displayName, new.personID, new.unitID,
                new.expertID, Timestamp.format(now),
            ])
    }

    /// Sets the county an office or committee account works for (nil: the city's); its sessions
    /// end, so the next sign-in acts in the new scope.
    public func setAccountCounty(username: String, _ county: String?) throws {
        try db.execute(sql: "UPDATE accounts SET county = ? WHERE username = ?", arguments: [county, username])
        try db.execute(
            sql: "DELETE FROM web_sessions WHERE account_id = (SELECT id FROM accounts WHERE username = ?)",
            arguments: [username])
    }

    /// Disables or enables an account by user name; a disabled account's sessions end.
    public func setAccountDisabled(username: String, _ disabled: Bool) throws {
        try db.execute(
            sql: "UPDATE accounts SET disabled = ? WHERE username = ?", arguments: [disabled ? 1 : 0, username])
        if disabled {
            try db.execute(
                sql: "DELETE FROM web_sessions WHERE account_id = (SELECT id FROM accounts WHERE username = ?)",
                arguments: [username])
        }
    }

    /// Keeps the SHA-256 of a one-time reset code until `expires` (replacing an earlier code).
    public func setResetCode(username: String, codeHash: String, expires: Date) throws {
        try db.execute(
            sql: "UPDATE accounts SET reset_code_hash = ?, reset_expires_at = ? WHERE username = ?",
            arguments: [codeHash, Timestamp.format(expires), username])
    }
}
