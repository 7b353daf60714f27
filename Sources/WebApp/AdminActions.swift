import Domain
import Foundation
import Store
import Workflow

/// The administrator's changes to staff accounts, shared by `/admin` and `pingshen admin`: each
/// is the administration stream's event and the accounts table's change in one transaction.
public enum AdminActions {
    /// How long a one-time password reset code works.
    public static let resetCodeLifetime: TimeInterval = 24 * 3600
    /// Letters and digits that cannot be mistaken for each other when read aloud or typed.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    public static func createStaff(
        store: EventStore, context: Context, username: String, role: Role, displayName: String, passwordHash: String,
        reason: String
    ) throws {
        try store.write { tx in
            try tx.execute(
                AdministrationMachine.self, id: AdministrationMachine.streamID,
                .createStaff(username: username, role: role, displayName: displayName, reason: reason), context: context)
            try tx.insertStaffAccount(
                NewAccount(username: username, passwordHash: passwordHash, role: role, displayName: displayName),
                now: context.now)
        }
    }

    public static func setDisabled(
        store: EventStore, context: Context, username: String, disabled: Bool, reason: String
    ) throws {
        try store.write { tx in
            let command: AdministrationCommand =
                disabled ? .disable(username: username, reason: reason) : .enable(username: username, reason: reason)
            try tx.execute(AdministrationMachine.self, id: AdministrationMachine.streamID, command, context: context)
            try tx.setAccountDisabled(username: username, disabled)
        }
    }

    /// Sets the county 县（市、区） an office or committee account works for (nil: the city's).
    public static func setScope(
        store: EventStore, context: Context, username: String, county: String?, reason: String
    ) throws {
        try store.write { tx in
            try tx.execute(
                AdministrationMachine.self, id: AdministrationMachine.streamID,
                .setScope(username: username, county: county, reason: reason), context: context)
            try tx.setAccountCounty(username: username, county)
        }
    }

    /// Issues a one-time code (12 characters from the system's cryptographic source) and keeps
    /// only its SHA-256. - Returns: the code, to be handed over once.
    public static func issueResetCode(store: EventStore, context: Context, username: String, reason: String) throws
        -> String
    {
        let code = newCode()
        try store.write { tx in
            try tx.execute(
                AdministrationMachine.self, id: AdministrationMachine.streamID,
                .issueResetCode(username: username, reason: reason), context: context)
            try tx.setResetCode(
                username: username, codeHash: codeHash(code), expires: context.now.addingTimeInterval(resetCodeLifetime))
        }
        return code
    }

    /// A new code: 12 characters from the system's cryptographic source.
    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in codeAlphabet.randomElement(using: &generator)! })
    }

    /// The stored form of a code (upper-cased, spaces and dashes ignored when typed).
    public static func codeHash(_ code: String) -> String {
        SHA256Digest.hex(of: code.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }
}
