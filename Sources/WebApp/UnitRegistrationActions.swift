import Domain
import Foundation
import Store
import Workflow

/// Units registering and the office deciding, shared by `/units/register`, `/admin/units` and
/// the command line: each step is the registration stream's event and the tables' change in one
/// transaction.
public enum UnitRegistrationActions {
    /// The registry id a unit gets (the same as `Intake` gives a unit an application brings).
    public static func unitID(for code: CreditCode) -> String { "U-" + code.value }

    /// A unit applies; its HR account waits, disabled.
    public static func apply(
        store: EventStore, context: Context, application: UnitApplication, passwordHash: String
    ) throws {
        try store.write { tx in try apply(tx, context: context, application: application, passwordHash: passwordHash) }
    }

    /// `apply` inside the caller's transaction (the unit list's import runs many in one).
    static func apply(_ tx: StoreTransaction, context: Context, application: UnitApplication, passwordHash: String) throws {
        try tx.execute(
            UnitRegistrationMachine.self, id: application.creditCode.value, .apply(application), context: context)
        try tx.insertPendingUnitAccount(
            username: application.username, passwordHash: passwordHash,
            displayName: "\(application.name)人事（\(application.contactName)）", now: context.now)
    }

    /// The office approves: the unit into the registry, its HR account enabled and bound to it.
    public static func approve(store: EventStore, context: Context, creditCode: String, reason: String) throws {
        try store.write { tx in _ = try approve(tx, context: context, creditCode: creditCode, reason: reason) }
    }

    /// `approve` inside the caller's transaction. - Returns: the unit's registry id.
    static func approve(_ tx: StoreTransaction, context: Context, creditCode: String, reason: String) throws -> String {
        guard let current = try tx.load(UnitRegistrationMachine.self, id: creditCode), let a = current.state.application
        else { throw StoreError.refused(unknown(creditCode)) }
        let id = try tx.registeredUnitID(creditCode: a.creditCode) ?? unitID(for: a.creditCode)
        try tx.execute(
            UnitRegistrationMachine.self, id: creditCode, .approve(unitID: id, reason: reason), context: context)
        try tx.approveUnitRegistration(
            UnitRecord(
                id: id, name: a.name, creditCode: a.creditCode, kind: a.kind, hasSelfReviewAuthority: false,
                county: a.county),
            username: a.username)
        return id
    }

    /// The office refuses with reasons; the waiting account goes.
    public static func refuse(store: EventStore, context: Context, creditCode: String, reasons: [String]) throws {
        try store.write { tx in
            guard let current = try tx.load(UnitRegistrationMachine.self, id: creditCode), let a = current.state.application
            else { throw StoreError.refused(unknown(creditCode)) }
            try tx.execute(UnitRegistrationMachine.self, id: creditCode, .refuse(reasons: reasons), context: context)
            try tx.dropPendingUnitAccount(username: a.username)
        }
    }

    /// A one-time reset code for the unit's HR account (the code the administrator's page uses).
    /// - Returns: the code and the account's user name.
    public static func issueResetCode(store: EventStore, context: Context, creditCode: String, reason: String) throws
        -> (code: String, username: String)
    {
        let code = AdminActions.newCode()
        let username = try store.write { tx -> String in
            try issueResetCode(tx, context: context, creditCode: creditCode, reason: reason, code: code)
        }
        return (code, username)
    }

    /// `issueResetCode` inside the caller's transaction, with the code the caller drew.
    /// - Returns: the HR administrator's user name.
    static func issueResetCode(
        _ tx: StoreTransaction, context: Context, creditCode: String, reason: String, code: String
    ) throws -> String {
        guard let current = try tx.load(UnitRegistrationMachine.self, id: creditCode), let a = current.state.application
        else { throw StoreError.refused(unknown(creditCode)) }
        try tx.execute(UnitRegistrationMachine.self, id: creditCode, .issueResetCode(reason: reason), context: context)
        try tx.setResetCode(
            username: a.username, codeHash: AdminActions.codeHash(code),
            expires: context.now.addingTimeInterval(AdminActions.resetCodeLifetime))
        return a.username
    }

    static func unknown(_ code: String) -> Refusal {
        Refusal(rule: "unit-registration.unknown", message: "没有统一社会信用代码为\(code)的单位注册申请")
    }
}
