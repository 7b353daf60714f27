import GRDB

extension EventStore {
    /// Whether an account has this user name, letters compared case-insensitively (as
    /// registrations and imports check names before they write).
    public func usernameTaken(_ username: String) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ? COLLATE NOCASE)",
                arguments: [username]) ?? false
        }
    }
}
