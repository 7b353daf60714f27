public import Domain

/// An applicant's account recovery 密码找回, one stream per account (`account-recovery/<user
/// name>`): a one-time code mailed to the confirmed address at the person's request, or issued
/// by the office after checking the person's identity document, and each password set with a
/// code. The code itself is never in the log: only that one was sent or issued, by whom, why
/// and when, and that it was used.
public enum AccountRecoveryMachine: Machine {
    public typealias State = AccountRecoveryState
    public typealias Command = AccountRecoveryCommand
    public typealias Event = AccountRecoveryEvent

    public static let kind = "account-recovery"
    public static var initial: AccountRecoveryState { AccountRecoveryState() }

    public static func status(of state: AccountRecoveryState) -> String { state.codeOutstanding ? "code-outstanding" : "idle" }

    public static func decide(
        _ command: AccountRecoveryCommand, state: AccountRecoveryState, context: Context
    ) throws(Refusal) -> Decision<AccountRecoveryEvent> {
        let today = context.today
        switch command {
        case .mailCode:
            try Gate.role(context.actor, [.public, .system], kind: kind, action: command.chinese)
            return Decision([.codeMailed(on: today)])
        case .issueAtOffice(let reason):
            try Gate.role(context.actor, [.officeClerk, .officeHead], kind: kind, action: command.chinese)
            try Gate.nonBlank(reason, kind: kind, field: "核验情况", rule: "identity-check-missing")
            return Decision([.codeIssuedAtOffice(reason: reason, on: today)])
        case .passwordSet:
            try Gate.role(context.actor, [.public, .system], kind: kind, action: command.chinese)
            return Decision([.passwordReset(on: today)])
        }
    }

    public static func evolve(_ state: AccountRecoveryState, _ event: AccountRecoveryEvent) -> AccountRecoveryState {
        var s = state
        switch event {
        case .codeMailed, .codeIssuedAtOffice: s.codeOutstanding = true
        case .passwordReset:
            s.codeOutstanding = false
            s.resets += 1
        }
        return s
    }
}

public struct AccountRecoveryState: Codable, Sendable, Equatable {
    /// A code was sent or issued and not yet used (it may have expired).
    public var codeOutstanding = false
    public var resets = 0
    public init() {}
}

public enum AccountRecoveryCommand: Sendable {
    case mailCode
    /// `reason`: how the person's identity was checked (document, number seen, who came).
    case issueAtOffice(reason: String)
    case passwordSet

    public var chinese: String {
        switch self {
        case .mailCode: "通过电子邮箱发送密码重置码"
        case .issueAtOffice: "核验身份后发放密码重置码"
        case .passwordSet: "使用重置码设置新密码"
        }
    }
}

public enum AccountRecoveryEvent: NamedEvent {
    case codeMailed(on: Day)
    case codeIssuedAtOffice(reason: String, on: Day)
    case passwordReset(on: Day)

    public var name: String {
        switch self {
        case .codeMailed: "codeMailed"
        case .codeIssuedAtOffice: "codeIssuedAtOffice"
        case .passwordReset: "passwordReset"
        }
    }

    public var chinese: String {
        switch self {
        case .codeMailed: "重置码已发送到已验证的电子邮箱"
        case .codeIssuedAtOffice(let reason, _): "职改办核验身份后发放重置码（\(reason)）"
        case .passwordReset: "已使用重置码设置新密码"
        }
    }
}
