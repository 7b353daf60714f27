import Domain
import Foundation
import GRDB
import Workflow

/// A queued mail: an inbox message and the address it goes to now (the recipient's confirmed
/// e-mail, read when it is sent, not when it was queued).
public struct OutboxMail: Sendable, Equatable {
    public var messageID: Int64
    public var address: String
    public var subject: String
    public var body: String
    public var link: String
    public var attempts: Int
    public var createdAt: String
}

/// The outbox the notifier works through (`outbox`, filled with the messages in
/// `StoreTransaction.insertMessage`): due mails, each marked sent or failed with its next try.
extension EventStore {
    /// Mails due at `now` (oldest first). A mail whose recipient no longer has a confirmed
    /// address is given up at once.
    public func dueMail(now: Date, limit: Int = 20) throws(StoreError) -> [OutboxMail] {
        let at = Timestamp.format(now)
        return try write { tx in
            let rows = try Row.fetchAll(
                tx.db,
                sql: """
                    SELECT o.message_id, o.attempts, m.recipient_kind, m.recipient_id, m.subject, m.body, m.link,
                           m.created_at
                    FROM outbox o JOIN messages m ON m.id = o.message_id
                    WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= ?
                    ORDER BY o.next_attempt_at, o.message_id LIMIT ?
                    """, arguments: [at, limit])
            var due: [OutboxMail] = []
            for row in rows {
                let kind: String = row["recipient_kind"]
                let id: String = row["recipient_id"]
                let messageID: Int64 = row["message_id"]
                let address = try String.fetchOne(
                    tx.db, sql: Self.addressesSQL + " ORDER BY id LIMIT 1", arguments: [kind, id, kind, id, kind, id])
                guard let address else {
                    try tx.db.execute(
                        sql: "UPDATE outbox SET failed_at = ?, last_error = ? WHERE message_id = ?",
                        arguments: [at, "no confirmed address", messageID])
                    continue
                }
                due.append(
                    OutboxMail(
                        messageID: messageID, address: address, subject: row["subject"], body: row["body"],
                        link: row["link"], attempts: row["attempts"], createdAt: row["created_at"]))
            }
            return due
        }
    }

    public func markMailSent(_ messageID: Int64, now: Date) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE message_id = ?",
                arguments: [Timestamp.format(now), messageID])
        }
    }

    /// A failed try: the next one at `retryAt`, or none (`retryAt` nil: given up).
    public func markMailFailed(_ messageID: Int64, error: String, retryAt: Date?, now: Date) throws(StoreError) {
        try write { tx in
            if let retryAt {
                try tx.db.execute(
                    sql: """
                        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE message_id = ?
                        """, arguments: [Timestamp.format(retryAt), String(error.prefix(500)), messageID])
            } else {
                try tx.db.execute(
                    sql: "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE message_id = ?",
                    arguments: [Timestamp.format(now), String(error.prefix(500)), messageID])
            }
        }
    }

    /// The outbox at a glance: sent, waiting, given up.
    public func outboxCounts() throws(StoreError) -> (sent: Int, waiting: Int, failed: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(sent_at IS NOT NULL), 0) AS sent,
                           COALESCE(SUM(sent_at IS NULL AND failed_at IS NULL), 0) AS waiting,
                           COALESCE(SUM(failed_at IS NOT NULL), 0) AS failed FROM outbox
                    """)
            return (row?["sent"] ?? 0, row?["waiting"] ?? 0, row?["failed"] ?? 0)
        }
    }
}

/// Accounts' e-mail addresses: set (unconfirmed) with the SHA-256 of a code mailed to them,
/// confirmed when the code comes back.
extension EventStore {
    /// Sets the account's address, not yet confirmed, keeping the hash of the confirmation code.
    public func setEmail(accountID: Int64, email: String?, codeHash: String?) throws(StoreError) {
        try write { tx in
            try tx.db.execute(
                sql: "UPDATE accounts SET email = ?, email_confirmed = 0, email_code_hash = ? WHERE id = ?",
                arguments: [email, codeHash, accountID])
        }
    }

    /// Confirms the address when `codeHash` is the code's. - Returns: whether it was.
    public func confirmEmail(accountID: Int64, codeHash: String) throws(StoreError) -> Bool {
        try write { tx in
            try tx.db.execute(
                sql: """
                    UPDATE accounts SET email_confirmed = 1, email_code_hash = NULL
                    WHERE id = ? AND email IS NOT NULL AND email_code_hash = ?
                    """, arguments: [accountID, codeHash])
            return tx.db.changesCount > 0
        }
    }

    /// The enabled applicant account with this user name or confirmed e-mail address (case-insensitive).
    public func applicantAccount(nameOrEmail: String) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM accounts WHERE role = 'applicant' AND disabled = 0
                    AND (username = ? OR (email = ? COLLATE NOCASE AND email_confirmed = 1))
                    ORDER BY username = ? DESC LIMIT 1
                    """, arguments: [nameOrEmail, nameOrEmail, nameOrEmail]
            ).map(Account.init(row:))
        }
    }
}
