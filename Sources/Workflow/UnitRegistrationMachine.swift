public import Domain

/// A unit's registration with the office (单位注册), one stream per unified social credit code
/// (kind `unit-registration`, id the code): the unit applies with its name, kind, contact and the
/// user name of its HR account (the account waits, disabled, with no unit); the office
/// (administrator or office head) approves it — the unit enters the registry and the account is
/// enabled and bound to it — or refuses it with reasons (the unit may apply again); later the
/// office may hand the unit's HR account a one-time reset code. Every step is an event with who,
/// when and why; the tables change in the same transaction (the store's caller does both).
public enum UnitRegistrationMachine: Machine {
    public typealias State = UnitRegistrationState
    public typealias Command = UnitRegistrationCommand
    public typealias Event = UnitRegistrationEvent

    public static let kind = "unit-registration"
    public static var initial: UnitRegistrationState { UnitRegistrationState() }
    /// Who decides a registration and resets a unit's account.
    public static let officeRoles: [Role] = [.administrator, .officeHead]

    public static func status(of state: UnitRegistrationState) -> String { state.stage.rawValue }

    public static func decide(
        _ command: UnitRegistrationCommand, state: UnitRegistrationState, context: Context
    ) throws(Refusal) -> Decision<UnitRegistrationEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .apply(let application):
            try Gate.role(context.actor, [.public, .administrator], kind: kind, action: action)
            guard state.stage == .none || state.stage == .refused else {
                throw Refusal(
                    rule: "unit-registration.already-\(state.stage.rawValue)",
                    message: state.stage == .pending
                        ? "统一社会信用代码为\(application.creditCode.value)的单位已提交注册申请，正在等待职改办审核"
                        : "统一社会信用代码为\(application.creditCode.value)的单位已注册")
            }
            try Gate.nonBlank(application.name, kind: kind, field: "单位名称", rule: "name-missing")
            try Gate.nonBlank(application.contactName, kind: kind, field: "联系人", rule: "contact-missing")
            try Gate.nonBlank(application.contactPhone, kind: kind, field: "联系电话", rule: "phone-missing")
            try Gate.nonBlank(application.username, kind: kind, field: "人事账户用户名", rule: "username-missing")
            return Decision([.applied(application, on: today)])

        case .approve(let unitID, let reason):
            try Gate.role(context.actor, officeRoles, kind: kind, action: action)
            guard state.stage == .pending else { throw notPending(state, action: action) }
            try Gate.nonBlank(unitID, kind: kind, field: "单位编号", rule: "unit-id-missing")
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            return Decision([.approved(unitID: unitID, reason: reason, on: today)])

        case .refuse(let reasons):
            try Gate.role(context.actor, officeRoles, kind: kind, action: action)
            guard state.stage == .pending else { throw notPending(state, action: action) }
            let given = reasons.filter { !$0.allSatisfy(\.isWhitespace) }
            guard !given.isEmpty else {
                throw Refusal(rule: "unit-registration.reasons-missing", message: "不予通过须写明理由")
            }
            return Decision([.refused(reasons: given, on: today)])

        case .issueResetCode(let reason):
            try Gate.role(context.actor, officeRoles, kind: kind, action: action)
            guard state.stage == .approved else {
                throw Refusal(rule: "unit-registration.not-approved", message: "该单位尚未通过注册审核，不能重置其人事账户")
            }
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            // The code itself is never in the log.
            return Decision([.resetCodeIssued(username: state.application?.username ?? "", reason: reason, on: today)])
        }
    }

    static func notPending(_ state: UnitRegistrationState, action: String) -> Refusal {
        Refusal(
            rule: "unit-registration.not-pending",
            message: "该单位注册申请当前为“\(state.stage.chinese)”，不能\(action)")
    }

    public static func evolve(_ state: UnitRegistrationState, _ event: UnitRegistrationEvent) -> UnitRegistrationState {
        var s = state
        switch event {
        case .applied(let application, _):
            s.stage = .pending
            s.application = application
            s.refusals = []
        case .approved(let unitID, _, _):
            s.stage = .approved
            s.unitID = unitID
        case .refused(let reasons, _):
            s.stage = .refused
            s.refusals = reasons
        case .resetCodeIssued:
            break
        }
        return s
    }
}

/// What a unit declares when it registers.
public struct UnitApplication: Codable, Sendable, Equatable {
    public var name: String
    public var creditCode: CreditCode
    public var kind: UnitKind
    public var contactName: String
    public var contactPhone: String
    /// The user name of the unit's HR account (its password hash is kept only in the accounts table).
    public var username: String

    public init(
        name: String, creditCode: CreditCode, kind: UnitKind, contactName: String, contactPhone: String, username: String
    ) {
        self.name = name
        self.creditCode = creditCode
        self.kind = kind
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.username = username
    }
}

public struct UnitRegistrationState: Codable, Sendable, Equatable {
    public enum Stage: String, Codable, Sendable {
        case none, pending, approved, refused
        public var chinese: String {
            switch self {
            case .none: "未申请"
            case .pending: "待审核"
            case .approved: "已通过"
            case .refused: "未通过"
            }
        }
    }
    public var stage: Stage = .none
    public var application: UnitApplication?
    /// The registry id given when approved.
    public var unitID: String?
    /// The reasons of the last refusal.
    public var refusals: [String] = []

    public init() {}
}

public enum UnitRegistrationCommand: Sendable {
    case apply(UnitApplication)
    case approve(unitID: String, reason: String)
    case refuse(reasons: [String])
    case issueResetCode(reason: String)

    public var chinese: String {
        switch self {
        case .apply: "提交单位注册申请"
        case .approve: "通过单位注册"
        case .refuse: "不予通过单位注册"
        case .issueResetCode: "重置单位人事账户"
        }
    }
}

public enum UnitRegistrationEvent: NamedEvent {
    case applied(UnitApplication, on: Day)
    case approved(unitID: String, reason: String, on: Day)
    case refused(reasons: [String], on: Day)
    case resetCodeIssued(username: String, reason: String, on: Day)

    public var name: String {
        switch self {
        case .applied: "applied"
        case .approved: "approved"
        case .refused: "refused"
        case .resetCodeIssued: "resetCodeIssued"
        }
    }

    public var chinese: String {
        switch self {
        case .applied(let a, _): "单位注册申请：\(a.name)（\(a.creditCode.value)，\(a.kind.chinese)），联系人\(a.contactName)，人事账户 \(a.username)"
        case .approved(let id, let reason, _): "通过单位注册，单位编号 \(id)：\(reason)"
        case .refused(let reasons, _): "不予通过单位注册：\(reasons.joined(separator: "；"))"
        case .resetCodeIssued(let u, let reason, _): "为单位人事账户 \(u) 发放一次性密码重置码：\(reason)"
        }
    }
}
