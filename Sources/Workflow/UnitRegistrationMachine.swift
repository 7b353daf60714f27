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
            if let county = application.county, context.policy.devolution.county(county) == nil {
                throw Refusal(
                    rule: "unit-registration.county-unknown",
                    message: "所属县（市、区）代码“\(county)”不在本市县（市、区）名单中（policy.yaml devolution.counties）")
            }
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

        case .addReviewer(let username, let displayName, let reason),
            .addCommitteeSecretary(let username, let displayName, let reason):
            try unitAdministrator(context.actor, state, action: action)
            try Gate.nonBlank(username, kind: kind, field: "用户名", rule: "username-missing")
            try Gate.nonBlank(displayName, kind: kind, field: "姓名", rule: "name-missing")
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard state.reviewers?[username] == nil, username != state.application?.username else {
                throw Refusal(rule: "unit-registration.username-taken", message: "用户名“\(username)”已被使用")
            }
            if case .addCommitteeSecretary = command {
                return Decision([
                    .committeeSecretaryAdded(username: username, displayName: displayName, reason: reason, on: today)
                ])
            }
            return Decision([.reviewerAdded(username: username, displayName: displayName, reason: reason, on: today)])

        case .setReviewerEnabled(let username, let enabled, let reason):
            try unitAdministrator(context.actor, state, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let current = state.reviewers?[username] else { throw unknownReviewer(username) }
            guard current != enabled else {
                throw Refusal(
                    rule: enabled ? "unit-registration.already-enabled" : "unit-registration.already-disabled",
                    message: enabled ? "人事审核账户“\(username)”正在使用中" : "人事审核账户“\(username)”已停用")
            }
            return Decision([
                enabled
                    ? .reviewerEnabled(username: username, reason: reason, on: today)
                    : .reviewerDisabled(username: username, reason: reason, on: today)
            ])

        case .issueReviewerCode(let username, let reason):
            try unitAdministrator(context.actor, state, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let enabled = state.reviewers?[username] else { throw unknownReviewer(username) }
            guard enabled else {
                throw Refusal(rule: "unit-registration.reviewer-disabled", message: "人事审核账户“\(username)”已停用，请先启用")
            }
            return Decision([.reviewerCodeIssued(username: username, reason: reason, on: today)])
        }
    }

    /// The actor id of the unit's administrator: its registered HR account (`Account.actor`
    /// of a web account is `web-<user name>`).
    public static func administratorActorID(_ state: UnitRegistrationState) -> String? {
        state.application.map { "web-" + $0.username }
    }

    /// Only the unit's administrator — the HR account it registered with, bound to the unit at
    /// approval — manages the unit's HR reviewers.
    static func unitAdministrator(_ actor: Actor, _ state: UnitRegistrationState, action: String) throws(Refusal) {
        try Gate.role(actor, [.unitHR], kind: kind, action: action)
        guard state.stage == .approved, let unitID = state.unitID, actor.unitID == unitID,
            actor.id == administratorActorID(state)
        else {
            throw Refusal(
                rule: "unit-registration.not-unit-administrator",
                message: "只有本单位的管理员账户（单位注册时的人事账户）可以\(action)")
        }
    }

    static func unknownReviewer(_ username: String) -> Refusal {
        Refusal(rule: "unit-registration.unknown-reviewer", message: "本单位没有人事审核账户“\(username)”")
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
        case .resetCodeIssued, .reviewerCodeIssued:
            break
        case .reviewerAdded(let username, _, _, _), .committeeSecretaryAdded(let username, _, _, _):
            s.reviewers = (s.reviewers ?? [:]).merging([username: true]) { _, new in new }
        case .reviewerDisabled(let username, _, _):
            s.reviewers?[username] = false
        case .reviewerEnabled(let username, _, _):
            s.reviewers?[username] = true
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
    /// The county 县（市、区） the unit belongs to (six-digit division code from the policy's
    /// list), nil for a unit at city level 市直; applications made before the field have none.
    public var county: String?

    public init(
        name: String, creditCode: CreditCode, kind: UnitKind, contactName: String, contactPhone: String, username: String,
        county: String? = nil
    ) {
        self.county = county
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
    /// The unit's HR reviewer accounts its administrator added, by user name: enabled or not
    /// (nil until the first, so snapshots written before read the same).
    public var reviewers: [String: Bool]?

    public init() {}
}

public enum UnitRegistrationCommand: Sendable {
    case apply(UnitApplication)
    case approve(unitID: String, reason: String)
    case refuse(reasons: [String])
    case issueResetCode(reason: String)
    /// The unit's administrator adds an HR reviewer account of the unit.
    case addReviewer(username: String, displayName: String, reason: String)
    /// The administrator of a unit holding self-review authority adds the account of its
    /// committee's secretary 单位评审委员会秘书 (seed item 6), who runs the sessions of the
    /// unit's own committee; disabled, enabled and re-coded as the reviewers are.
    case addCommitteeSecretary(username: String, displayName: String, reason: String)
    case setReviewerEnabled(username: String, enabled: Bool, reason: String)
    /// A one-time code for a reviewer's account, from the unit's administrator.
    case issueReviewerCode(username: String, reason: String)

    public var chinese: String {
        switch self {
        case .apply: "提交单位注册申请"
        case .approve: "通过单位注册"
        case .refuse: "不予通过单位注册"
        case .issueResetCode: "重置单位人事账户"
        case .addReviewer: "添加人事审核账户"
        case .addCommitteeSecretary: "添加单位评审委员会秘书账户"
        case .setReviewerEnabled(_, let enabled, _): enabled ? "启用人事审核账户" : "停用人事审核账户"
        case .issueReviewerCode: "发放人事审核账户的一次性密码重置码"
        }
    }
}

public enum UnitRegistrationEvent: NamedEvent {
    case applied(UnitApplication, on: Day)
    case approved(unitID: String, reason: String, on: Day)
    case refused(reasons: [String], on: Day)
    case resetCodeIssued(username: String, reason: String, on: Day)
    case reviewerAdded(username: String, displayName: String, reason: String, on: Day)
    case committeeSecretaryAdded(username: String, displayName: String, reason: String, on: Day)
    case reviewerDisabled(username: String, reason: String, on: Day)
    case reviewerEnabled(username: String, reason: String, on: Day)
    case reviewerCodeIssued(username: String, reason: String, on: Day)

    public var name: String {
        switch self {
        case .applied: "applied"
        case .approved: "approved"
        case .refused: "refused"
        case .resetCodeIssued: "resetCodeIssued"
        case .reviewerAdded: "reviewerAdded"
        case .committeeSecretaryAdded: "committeeSecretaryAdded"
        case .reviewerDisabled: "reviewerDisabled"
        case .reviewerEnabled: "reviewerEnabled"
        case .reviewerCodeIssued: "reviewerCodeIssued"
        }
    }

    public var chinese: String {
        switch self {
        case .applied(let a, _): "单位注册申请：\(a.name)（\(a.creditCode.value)，\(a.kind.chinese)），联系人\(a.contactName)，人事账户 \(a.username)"
        case .approved(let id, let reason, _): "通过单位注册，单位编号 \(id)：\(reason)"
        case .refused(let reasons, _): "不予通过单位注册：\(reasons.joined(separator: "；"))"
        case .resetCodeIssued(let u, let reason, _): "为单位人事账户 \(u) 发放一次性密码重置码：\(reason)"
        case .reviewerAdded(let u, let name, let reason, _): "添加人事审核账户 \(u)（\(name)）：\(reason)"
        case .committeeSecretaryAdded(let u, let name, let reason, _): "添加单位评审委员会秘书账户 \(u)（\(name)）：\(reason)"
        case .reviewerDisabled(let u, let reason, _): "停用人事审核账户 \(u)：\(reason)"
        case .reviewerEnabled(let u, let reason, _): "启用人事审核账户 \(u)：\(reason)"
        case .reviewerCodeIssued(let u, let reason, _): "为人事审核账户 \(u) 发放一次性密码重置码：\(reason)"
        }
    }
}
