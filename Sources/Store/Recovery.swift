import Domain
import Foundation
import GRDB
import Workflow

/// Applicants' account recovery: the one-time code (only its SHA-256, in `accounts`) and the
/// `account-recovery/<user name>` event in one transaction.
extension EventStore {
    /// Keeps a code for the enabled applicant account `username` until `expires`, with the
    /// recovery stream's event for `command` (`.mailCode` or `.issueAtOffice`). - Returns: false
    /// (nothing written) when there is no such account.
    public func issueApplicantResetCode(
        username: String, codeHash: String, expires: Date, command: AccountRecoveryCommand, context: Context
    ) throws(StoreError) -> Bool {
        try write { tx in
            let exists = try Bool.fetchOne(
                tx.db,
                sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ? AND role = 'applicant' AND disabled = 0)",
                arguments: [username])
            guard exists == true else { return false }
            try tx.execute(AccountRecoveryMachine.self, id: username, command, context: context)
            try tx.setResetCode(username: username, codeHash: codeHash, expires: expires)
            return true
        }
    }

    /// Sets a new password with a one-time code, as `redeemResetCode(username:codeHash:newPasswordHash:now:)`;
    /// for an applicant account the reset is an event of its recovery stream, in the same transaction.
    public func redeemResetCode(
        username: String, codeHash: String, newPasswordHash: String, context: Context
    ) throws(StoreError) -> Bool {
        try write { tx in
            let role = try String.fetchOne(
                tx.db,
                sql: """
                    SELECT role FROM accounts
                    WHERE username = ? AND reset_code_hash = ? AND reset_expires_at > ? AND disabled = 0
                    """, arguments: [username, codeHash, Timestamp.format(context.now)])
            guard let role else { return false }
            try tx.db.execute(
                sql: "UPDATE accounts SET password_hash = ?, reset_code_hash = NULL, reset_expires_at = NULL WHERE username = ?",
                arguments: [newPasswordHash, username])
            try tx.db.execute(
                sql: "DELETE FROM web_sessions WHERE account_id = (SELECT id FROM accounts WHERE username = ?)",
                arguments: [username])
            if role == Role.applicant.rawValue {
                try tx.execute(AccountRecoveryMachine.self, id: username, .passwordSet, context: context)
            }
            return true
        }
    }
}
