import Domain
import Foundation
import Store
import Workflow

/// Experts' accounts, issued by the administrator from the pool (`/admin/experts`, `pingshen
/// experts accounts`): one expert in advance, or every expert a session's draw seated. The
/// account acts as the pool's expert id — the id the draw seats and the ballots count — so the
/// expert, once drawn, sees the session at `/expert` and votes. It starts with the hash of a
/// random secret nobody knows and a one-time code the administrator hands over; the expert sets
/// a password with it at `/password-reset`. Each issuance is the registry stream's event
/// (`expertAccountIssued`, or `expertResetCodeIssued` for a new code) in the transaction that
/// writes the account.
public enum ExpertAccountActions {
    /// What was issued to one expert.
    public struct Issued: Sendable, Equatable {
        public var expertID: String
        public var name: String
        public var username: String
        /// The one-time code, to be handed over once.
        public var code: String
        /// False when the expert had an account already (a new code for it).
        public var newAccount: Bool
    }

    /// The user name of an expert's account: the expert's id in the pool.
    public static func username(for expertID: String) -> String { expertID }

    /// An account (or a new code for the account) for one expert of the pool.
    /// - Parameter lockedHash: a bcrypt hash of a random secret nobody knows (the account's
    ///   password until the code sets one).
    public static func issue(
        store: EventStore, context: Context, expertID: String, reason: String, lockedHash: String
    ) throws -> Issued {
        try store.write { tx in try issue(tx, context: context, expertID: expertID, reason: reason, lockedHash: lockedHash) }
    }

    /// Accounts for every expert a session's draw seated (members and alternates) who has none;
    /// those who have one already, or may not have one (suspended, term over), are left out.
    /// - Returns: what was issued, and the experts left out with why.
    public static func issueForSession(
        store: EventStore, context: Context, sessionID: String, reason: String, lockedHash: String
    ) throws -> (issued: [Issued], skipped: [String]) {
        try store.write { tx in
            guard let session = try tx.load(CommitteeSessionMachine.self, id: sessionID) else {
                throw StoreError.refused(
                    Refusal(rule: "committee-registry.unknown-session", message: "没有编号为“\(sessionID)”的评审会议"))
            }
            guard !session.state.drawn.isEmpty else {
                throw StoreError.refused(
                    Refusal(rule: "committee-registry.not-drawn", message: "评审会议“\(sessionID)”尚未抽取专家"))
            }
            var issued: [Issued] = []
            var skipped: [String] = []
            for ref in session.state.drawn {
                guard let expert = try tx.expertEntry(id: ref.id) else {
                    skipped.append("专家 \(ref.id)：不在专家库中")
                    continue
                }
                if let account = try tx.account(expertID: ref.id) {
                    skipped.append("专家 \(expert.name)（\(ref.id)）：已有账户 \(account.username)")
                    continue
                }
                if let refusal = CommitteeRegistryMachine.accountRefusal(expert, today: context.today) {
                    skipped.append("专家 \(expert.name)（\(ref.id)）：\(refusal.message)")
                    continue
                }
                issued.append(try issue(tx, context: context, expertID: ref.id, reason: reason, lockedHash: lockedHash))
            }
            return (issued, skipped)
        }
    }

    static func issue(
        _ tx: StoreTransaction, context: Context, expertID: String, reason: String, lockedHash: String
    ) throws -> Issued {
        guard let expert = try tx.expertEntry(id: expertID) else {
            throw StoreError.refused(
                Refusal(rule: "committee-registry.unknown-expert", message: "专家库中没有编号为“\(expertID)”的专家"))
        }
        let existing = try tx.account(expertID: expertID)
        let username = existing?.username ?? username(for: expertID)
        try tx.execute(
            CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID,
            .issueExpertAccount(expert, username: username, reason: reason), context: context)
        if existing == nil {
            try tx.insertStaffAccount(
                NewAccount(
                    username: username, passwordHash: lockedHash, role: .expert, displayName: expert.name,
                    expertID: expertID),
                now: context.now)
        }
        let code = AdminActions.newCode()
        try tx.setResetCode(
            username: username, codeHash: AdminActions.codeHash(code),
            expires: context.now.addingTimeInterval(AdminActions.resetCodeLifetime))
        return Issued(expertID: expertID, name: expert.name, username: username, code: code, newAccount: existing == nil)
    }

    /// Why an expert account may not act today (suspended in the pool, or the term over); nil
    /// for any other account, and for an expert the pool does not hold (the demo's test experts).
    public static func refusal(for account: Account, store: EventStore, today: Day) throws -> Refusal? {
        guard account.role == .expert, let id = account.expertID, let expert = try store.expertEntry(id: id) else {
            return nil
        }
        return CommitteeRegistryMachine.accountRefusal(expert, today: today)
    }

    /// The hash an issued account starts with: of a random secret nobody knows.
    public static func lockedHash(cost: UInt8) async throws -> String {
        try await PasswordHasher(cost: cost).hash(Tokens.random())
    }
}
