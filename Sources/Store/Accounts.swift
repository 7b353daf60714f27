import Domain
import Foundation
import GRDB

/// A person who signs in to the web site, with the role they act in.
///
/// The password is kept only as a bcrypt hash (computed by the web layer). An applicant's
/// account names the person (`P-<ID number>`), a unit HR account the unit, an expert's account
/// the expert record; office accounts name nothing.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var passwordHash: String
    public var role: Role
    public var displayName: String
    public var personID: String?
    public var unitID: String?
    public var expertID: String?
    public var disabled: Bool
    /// The e-mail address the person gave (nil: none) and whether a code mailed to it came back.
    public var email: String?
    public var emailConfirmed: Bool
    /// The county 县（市、区） an office or committee account works for (nil: the city's).
    public var county: String?

    /// The actor this account acts as in the workflow. An expert acts under the expert record's
    /// id (the committee session machine checks it); everyone else under `web-<username>`.
    public var actor: Actor {
        switch role {
        case .expert: Actor(id: expertID ?? "web-\(username)", role: .expert)
        default: Actor(id: "web-\(username)", role: role, unitID: unitID, personID: personID, county: county)
        }
    }

    init(row: Row) {
        id = row["id"]
        username = row["username"]
        passwordHash = row["password_hash"]
        role = Role(rawValue: row["role"]) ?? .public
        displayName = row["display_name"]
        personID = row["person_id"]
        unitID = row["unit_id"]
        expertID = row["expert_id"]
        disabled = row["disabled"]
        email = row["email"]
        emailConfirmed = row["email_confirmed"] ?? false
        county = row["county"]
    }
}

/// What a new account needs; `passwordHash` is already a bcrypt hash.
public struct NewAccount: Sendable {
    public var username: String
    public var passwordHash: String
    public var role: Role
    public var displayName: String
    public var personID: String?
    public var unitID: String?
    public var expertID: String?

    public init(
        username: String, passwordHash: String, role: Role, displayName: String, personID: String? = nil,
        unitID: String? = nil, expertID: String? = nil
    ) {
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.displayName = displayName
        self.personID = personID
        self.unitID = unitID
        self.expertID = expertID
    }
}

/// What `EventStore.register(_:now:)` did.
public enum AccountRegistration: Sendable, Equatable {
    case created(Account)
    /// Another account has this user name (case-insensitive): nothing written.
    case usernameTaken
    /// The person (ID number) has an account already: nothing written.
    case personTaken
}

/// A signed-in browser: the account, the CSRF token of its forms and when it expires.
public struct WebSessionRecord: Sendable, Equatable {
    /// SHA-256 (hex) of the cookie's token; the token itself is never stored.
    public var tokenHash: String
    public var accountID: Int64
    public var csrf: String
    /// Seconds since 1970.
    public var expiresAt: Double

    public init(tokenHash: String, accountID: Int64, csrf: String, expiresAt: Double) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}

/// An applicant's declaration draft: the row that ties an application to its account.
public struct DraftRecord: Sendable, Equatable {
    public var applicationID: String
    public var accountID: Int64
    public var formID: String
    /// Canonical JSON of the draft's data.
    public var data: String
    public var updatedAt: String

    public init(applicationID: String, accountID: Int64, formID: String, data: String, updatedAt: String) {
        self.applicationID = applicationID
        self.accountID = accountID
        self.formID = formID
        self.data = data
        self.updatedAt = updatedAt
    }
}

extension EventStore {
    /// Creates an account. - Returns: nil when the user name is taken (case-insensitive) or the
    /// person has an account already (`register(_:now:)` tells which).
    public func insertAccount(_ new: NewAccount, now: Date) throws(StoreError) -> Account? {
        if case .created(let account) = try register(new, now: now) { return account }
        return nil
    }

    /// Creates an account unless its user name (case-insensitive) or its person is taken — checked
    /// and inserted in one write transaction, so registrations racing each other make one account
    /// (the unique index on `person_id` backs this up).
    public func register(_ new: NewAccount, now: Date) throws(StoreError) -> AccountRegistration {
        try write { tx in
            let taken = try Bool.fetchOne(
                tx.db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ?)", arguments: [new.username])
            if taken == true { return .usernameTaken }
            if let person = new.personID {
                let has = try Bool.fetchOne(
                    tx.db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE person_id = ?)", arguments: [person])
                if has == true { return .personTaken }
            }
            try tx.db.execute(
                sql: """
                    INSERT INTO accounts (username, password_hash, role, display_name, person_id, unit_id, expert_id,
                                          created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.username, new.passwordHash, new.role.rawValue, new.displayName, new.personID, new.unitID,
                    new.expertID, Timestamp.format(now),
                ])
            guard
                let account = try Row.fetchOne(
                    tx.db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [tx.db.lastInsertedRowID]
                ).map(Account.init(row:))
            else { throw StoreError.database("the account just inserted was not found") }
            return .created(account)
        }
    }

    public func account(username: String) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE username = ?", arguments: [username])
                .map(Account.init(row:))
        }
    }

    public func account(id: Int64) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id]).map(Account.init(row:))
        }
    }

    /// Accounts in `role`, by user name.
    public func accounts(role: Role) throws(StoreError) -> [Account] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM accounts WHERE role = ? ORDER BY username", arguments: [role.rawValue])
                .map(Account.init(row:))
        }
    }

    public func insertSession(_ session: WebSessionRecord, now: Date) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: "INSERT INTO web_sessions (token_hash, account_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    session.tokenHash, session.accountID, session.csrf, Timestamp.format(now), session.expiresAt,
                ])
        }
    }

    /// The session and its account, when the session exists, has not expired and the account is enabled.
    public func session(tokenHash: String, now: Date) throws(StoreError) -> (WebSessionRecord, Account)? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                        SELECT s.token_hash, s.csrf, s.expires_at, a.*
                        FROM web_sessions s JOIN accounts a ON a.id = s.account_id
                        WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled = 0
                        """),
                    arguments: [tokenHash, now.timeIntervalSince1970])
            else { return nil }
            let account = Account(row: row)
            return (
                WebSessionRecord(
                    tokenHash: row["token_hash"], accountID: account.id, csrf: row["csrf"], expiresAt: row["expires_at"]),
                account
            )
        }
    }

    public func deleteSession(tokenHash: String) throws(StoreError) {
        try write { tx in try tx.db.execute(sql: "DELETE FROM web_sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    /// Removes expired sessions. - Returns: how many.
    @discardableResult
    public func deleteExpiredSessions(now: Date) throws(StoreError) -> Int {
        try write { tx in
            try tx.db.execute(sql: "DELETE FROM web_sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return tx.db.changesCount
        }
    }

    /// A value of the web site's settings (the demo's simulated clock).
    public func webSetting(_ key: String) throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM web_settings WHERE key = ?", arguments: [key]) }
    }

    public func setWebSetting(_ key: String, _ value: String) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: "INSERT INTO web_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }
}

extension StoreTransaction {
    /// Saves (or replaces) a draft in this transaction.
    public func saveDraft(_ draft: DraftRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO drafts (application_id, account_id, form_id, data, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (application_id) DO UPDATE SET form_id = excluded.form_id, data = excluded.data,
                    updated_at = excluded.updated_at
                WHERE drafts.account_id = excluded.account_id
                """,
            arguments: [draft.applicationID, draft.accountID, draft.formID, draft.data, draft.updatedAt])
    }
}

extension EventStore {
    /// The draft of `applicationID` when it belongs to `accountID` (nil otherwise: callers answer 404).
    public func draft(applicationID: String, accountID: Int64) throws(StoreError) -> DraftRecord? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM drafts WHERE application_id = ? AND account_id = ?"),
                arguments: [applicationID, accountID]
            ).map(DraftRecord.init(row:))
        }
    }

    /// The account's drafts and applications, newest first.
    public func drafts(accountID: Int64) throws(StoreError) -> [DraftRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM drafts WHERE account_id = ? ORDER BY updated_at DESC, application_id",
                arguments: [accountID]
            ).map(DraftRecord.init(row:))
        }
    }
}

extension DraftRecord {
    init(row: Row) {
        applicationID = row["application_id"]
        accountID = row["account_id"]
        formID = row["form_id"]
        data = row["data"]
        updatedAt = row["updated_at"]
    }
}

extension EventStore {
    /// The account of a person (applicants: one account per ID number).
    public func account(personID: String) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE person_id = ? LIMIT 1", arguments: [personID])
                .map(Account.init(row:))
        }
    }
}

/// What one account has uploaded: files (each content counted once) and their bytes.
public struct UploadUsage: Sendable, Equatable {
    public var files: Int
    public var bytes: Int

    public init(files: Int, bytes: Int) {
        self.files = files
        self.bytes = bytes
    }
}

extension EventStore {
    /// The account's uploads so far (the per-account quota counts these).
    public func uploadUsage(accountID: Int64) throws(StoreError) -> UploadUsage {
        try read { db in try Self.uploadUsage(accountID: accountID, db: db) }
    }

    static func uploadUsage(accountID: Int64, db: Database) throws -> UploadUsage {
        let row = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM upload_usage WHERE account_id = ?",
            arguments: [accountID])
        return UploadUsage(files: row?["files"] ?? 0, bytes: row?["bytes"] ?? 0)
    }

    /// Counts a file against the account's quota when it fits: in one write transaction, so
    /// uploads running side by side cannot together pass the quota. A content the account has
    /// uploaded before costs nothing again.
    /// - Returns: true when counted (or counted before), false when the quota would be exceeded
    ///   (nothing written).
    public func chargeUpload(
        accountID: Int64, sha256: String, size: Int, quota: UploadUsage, now: Date
    ) throws(StoreError) -> Bool {
        try write { tx in
            let known = try Bool.fetchOne(
                tx.db, sql: "SELECT EXISTS (SELECT 1 FROM upload_usage WHERE account_id = ? AND sha256 = ?)",
                arguments: [accountID, sha256])
            if known == true { return true }
            let used = try Self.uploadUsage(accountID: accountID, db: tx.db)
            guard used.files + 1 <= quota.files, used.bytes + size <= quota.bytes else { return false }
            try tx.db.execute(
                sql: "INSERT INTO upload_usage (account_id, sha256, size, uploaded_at) VALUES (?, ?, ?, ?)",
                arguments: [accountID, sha256, size, Timestamp.format(now)])
            return true
        }
    }
}

extension EventStore {
    /// The bcrypt cost most accounts' password hashes were made with (`$2b$12$…` → 12); nil
    /// when there are none. Sign-in checks an unknown user name against a dummy hash of this
    /// cost, so it takes as long as a known one.
    public func commonPasswordCost() throws(StoreError) -> UInt8? {
        try read { db in
            let text = try String.fetchOne(
                db,
                sql: """
                    SELECT substr(password_hash, 5, 2) AS cost FROM accounts
                    WHERE password_hash LIKE '$2_$__$%' GROUP BY cost ORDER BY COUNT(*) DESC, cost DESC LIMIT 1
                    """)
            return text.flatMap { UInt8($0) }
        }
    }
}
