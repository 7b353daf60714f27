import Domain
import Foundation
import Store
import Workflow

/// A unit's administrator — the HR account the unit registered with, bound to the unit at
/// approval — manages the unit's HR reviewer accounts (`/unit/staff`): adds one (it starts with
/// the hash of a random secret and a one-time code the administrator hands over), disables and
/// enables it, issues it a new code. Each change is the unit's registration stream's event
/// (`unit-registration/<credit code>`) in the transaction that changes the accounts table. The
/// stream is found from the acting account's own unit, so another unit's accounts are never in
/// reach: the machine answers that the unit has no such reviewer.
public enum UnitStaffActions {
    /// The registration stream (its id, the credit code) of a registered unit; nil for a unit
    /// that did not register through the office (the demo's, or one an application brought).
    public static func registration(store: EventStore, unitID: String) throws -> (code: String, state: UnitRegistrationState)? {
        guard let unit = try store.unit(unitID),
            let loaded = try store.load(UnitRegistrationMachine.self, id: unit.creditCode.value),
            loaded.state.unitID == unitID
        else { return nil }
        return (unit.creditCode.value, loaded.state)
    }

    /// Adds an HR reviewer account, or with `committeeSecretary` the account of the unit's
    /// committee secretary 单位评审委员会秘书 (role `committeeSecretary` bound to the unit: it runs
    /// the sessions of the unit's own committee, `unit:<unit id>`, and nothing else — seed item 6),
    /// refused unless the unit holds self-review authority.
    /// - Returns: the account's one-time code, to be handed over once.
    public static func addReviewer(
        store: EventStore, context: Context, username: String, displayName: String, reason: String, lockedHash: String,
        committeeSecretary: Bool = false
    ) throws -> String {
        let code = AdminActions.newCode()
        let (stream, unitID) = try own(store: store, context: context)
        if committeeSecretary, try store.selfReviewGrant(unit: unitID) == nil {
            throw StoreError.refused(
                Refusal(
                    rule: "unit-staff.no-self-review",
                    message: "本单位未获自主评审权（或已被收回），不能添加单位评审委员会秘书账户"))
        }
        try store.write { tx in
            try tx.execute(
                UnitRegistrationMachine.self, id: stream,
                committeeSecretary
                    ? .addCommitteeSecretary(username: username, displayName: displayName, reason: reason)
                    : .addReviewer(username: username, displayName: displayName, reason: reason), context: context)
            try tx.insertStaffAccount(
                NewAccount(
                    username: username, passwordHash: lockedHash, role: committeeSecretary ? .committeeSecretary : .unitHR,
                    displayName: displayName, unitID: unitID),
                now: context.now)
            try tx.setResetCode(
                username: username, codeHash: AdminActions.codeHash(code),
                expires: context.now.addingTimeInterval(AdminActions.resetCodeLifetime))
        }
        return code
    }

    public static func setEnabled(
        store: EventStore, context: Context, username: String, enabled: Bool, reason: String
    ) throws {
        let (stream, _) = try own(store: store, context: context)
        try store.write { tx in
            try tx.execute(
                UnitRegistrationMachine.self, id: stream,
                .setReviewerEnabled(username: username, enabled: enabled, reason: reason), context: context)
            try tx.setAccountDisabled(username: username, !enabled)
        }
    }

    /// - Returns: the new one-time code.
    public static func issueCode(store: EventStore, context: Context, username: String, reason: String) throws -> String {
        let code = AdminActions.newCode()
        let (stream, _) = try own(store: store, context: context)
        try store.write { tx in
            try tx.execute(
                UnitRegistrationMachine.self, id: stream, .issueReviewerCode(username: username, reason: reason),
                context: context)
            try tx.setResetCode(
                username: username, codeHash: AdminActions.codeHash(code),
                expires: context.now.addingTimeInterval(AdminActions.resetCodeLifetime))
        }
        return code
    }

    /// The acting account's own unit's registration stream and unit id.
    static func own(store: EventStore, context: Context) throws -> (stream: String, unitID: String) {
        guard let unitID = context.actor.unitID, let found = try registration(store: store, unitID: unitID) else {
            throw StoreError.refused(
                Refusal(
                    rule: "unit-registration.not-unit-administrator",
                    message: "本单位未在职改办注册，或您的账户不是本单位的管理员账户，不能管理人事审核账户"))
        }
        return (found.code, unitID)
    }
}
