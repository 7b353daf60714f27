public import Domain

/// The office's administration as one stream (kind `administration`, id `office`): the office
/// set up (its name and 全宗号), and every change to a staff account — created with its role,
/// disabled, enabled again, a one-time password-reset code issued — with who did it, when and
/// why, in the hash-chained log the auditor reads. The accounts table is changed in the same
/// transaction as the event (the store's caller does both).
public enum AdministrationMachine: Machine {
    public typealias State = AdministrationState
    public typealias Command = AdministrationCommand
    public typealias Event = AdministrationEvent

    public static let kind = "administration"
    /// The one stream of an office.
    public static let streamID = "office"
    public static var initial: AdministrationState { AdministrationState() }

    /// Roles an administrator may give a staff account (units' HR, experts and applicants come
    /// through their own registration).
    public static let staffRoles: [Role] = [
        .officeClerk, .officeHead, .committeeSecretary, .auditor, .archivist, .administrator,
    ]

    /// Roles whose accounts may work for one county (`setScope`).
    public static let scopedRoles: [Role] = [.officeClerk, .officeHead, .committeeSecretary]

    public static func status(of state: AdministrationState) -> String { state.office == nil ? "new" : "set-up" }

    public static func decide(
        _ command: AdministrationCommand, state: AdministrationState, context: Context
    ) throws(Refusal) -> Decision<AdministrationEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .setUp(let office):
            try Gate.role(context.actor, [.system, .administrator], kind: kind, action: action)
            guard state.office == nil else {
                throw Refusal(rule: "administration.already-set-up", message: "本系统已初始化为“\(state.office!.name)”，不能再次初始化")
            }
            try Gate.nonBlank(office.name, kind: kind, field: "单位名称", rule: "office-name-missing")
            try Gate.nonBlank(office.fonds, kind: kind, field: "全宗号", rule: "fonds-missing")
            return Decision([.setUp(office: office, on: today)])

        case .createStaff(let username, let role, let displayName, let reason):
            try Gate.role(context.actor, context.actor.role == .system ? [.system] : [.administrator], kind: kind, action: action)
            guard state.office != nil else {
                throw Refusal(rule: "administration.not-set-up", message: "请先初始化本系统（pingshen init）")
            }
            guard staffRoles.contains(role) else {
                throw Refusal(
                    rule: "administration.role-not-staff",
                    message: "“\(role.chinese)”不是职改办工作人员角色，可选：\(staffRoles.map(\.chinese).joined(separator: "、"))")
            }
            try Gate.nonBlank(username, kind: kind, field: "用户名", rule: "username-missing")
            try Gate.nonBlank(displayName, kind: kind, field: "姓名", rule: "name-missing")
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard state.accounts[username] == nil else {
                throw Refusal(rule: "administration.username-taken", message: "用户名“\(username)”已被使用")
            }
            return Decision([.staffCreated(username: username, role: role, displayName: displayName, reason: reason, on: today)])

        case .disable(let username, let reason):
            try Gate.role(context.actor, [.administrator], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let entry = state.accounts[username] else { throw unknown(username) }
            guard entry.enabled else {
                throw Refusal(rule: "administration.already-disabled", message: "账户“\(username)”已停用")
            }
            if entry.role == .administrator, state.enabledAdministrators <= 1 {
                throw Refusal(
                    rule: "administration.last-administrator", message: "不能停用最后一个可用的系统管理员账户")
            }
            return Decision([.staffDisabled(username: username, reason: reason, on: today)])

        case .setScope(let username, let county, let reason):
            // Seed item 6: an office or committee account of a county 县（市、区）, or the city's.
            try Gate.role(context.actor, [.administrator], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let entry = state.accounts[username] else { throw unknown(username) }
            guard scopedRoles.contains(entry.role) else {
                throw Refusal(
                    rule: "administration.scope-not-for-role",
                    message: "只有\(scopedRoles.map(\.chinese).joined(separator: "、"))账户可设定县（市、区）工作范围，“\(username)”为\(entry.role.chinese)")
            }
            if let county, context.policy.devolution.county(county) == nil {
                throw Refusal(
                    rule: "administration.county-unknown",
                    message: "县（市、区）代码“\(county)”不在本市县（市、区）名单中（policy.yaml devolution.counties）")
            }
            return Decision([.staffScopeSet(username: username, county: county, reason: reason, on: today)])

        case .enable(let username, let reason):
            try Gate.role(context.actor, [.administrator], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let entry = state.accounts[username] else { throw unknown(username) }
            guard !entry.enabled else {
                throw Refusal(rule: "administration.already-enabled", message: "账户“\(username)”正在使用中")
            }
            return Decision([.staffEnabled(username: username, reason: reason, on: today)])

        case .issueResetCode(let username, let reason):
            try Gate.role(context.actor, [.administrator], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard let entry = state.accounts[username] else { throw unknown(username) }
            guard entry.enabled else {
                throw Refusal(rule: "administration.disabled", message: "账户“\(username)”已停用，请先启用")
            }
            // The code itself is never in the log: only that one was issued, by whom and why.
            return Decision([.resetCodeIssued(username: username, reason: reason, on: today)])
        }
    }

    static func unknown(_ username: String) -> Refusal {
        Refusal(rule: "administration.unknown-account", message: "没有工作人员账户“\(username)”")
    }

    public static func evolve(_ state: AdministrationState, _ event: AdministrationEvent) -> AdministrationState {
        var s = state
        switch event {
        case .setUp(let office, _):
            s.office = office
        case .staffCreated(let username, let role, _, _, _):
            s.accounts[username] = .init(role: role, enabled: true)
        case .staffDisabled(let username, _, _):
            s.accounts[username]?.enabled = false
        case .staffEnabled(let username, _, _):
            s.accounts[username]?.enabled = true
        case .resetCodeIssued:
            break
        case .staffScopeSet(let username, let county, _, _):
            s.accounts[username]?.county = county
        }
        return s
    }
}

/// The office an installation serves: its name and its 全宗号 (the archives' fonds number).
public struct OfficeProfile: Codable, Sendable, Equatable {
    public var name: String
    /// 全宗号 — the first part of every 档号 (DA/T 13).
    public var fonds: String
    /// A training or test installation (`pingshen init --test-clock`): its server runs a clock
    /// the office may move forward. Only set in the set-up event — the first of the log, which
    /// cannot run twice — so a production database can never get it afterwards. Nil (not
    /// encoded) for a production database.
    public var testClock: Bool?

    public init(name: String, fonds: String, testClock: Bool = false) {
        self.name = name
        self.fonds = fonds
        self.testClock = testClock ? true : nil
    }

    /// Whether this is a training or test installation with a movable clock.
    public var isTestInstallation: Bool { testClock == true }

    /// The banner every page of a test installation shows, and the note in the log and the audit.
    public static let testClockBanner = "培训/测试环境：时钟可调，不得用于正式评审"
}

public struct AdministrationState: Codable, Sendable, Equatable {
    public struct Staff: Codable, Sendable, Equatable {
        public var role: Role
        public var enabled: Bool
        /// The county 县（市、区） the account works for; nil: the city's (absent in older snapshots).
        public var county: String?
    }
    public var office: OfficeProfile?
    /// Staff accounts by user name.
    public var accounts: [String: Staff] = [:]

    public init() {}

    public var enabledAdministrators: Int { accounts.values.filter { $0.role == .administrator && $0.enabled }.count }
}

public enum AdministrationCommand: Sendable {
    case setUp(office: OfficeProfile)
    case createStaff(username: String, role: Role, displayName: String, reason: String)
    case disable(username: String, reason: String)
    case enable(username: String, reason: String)
    case issueResetCode(username: String, reason: String)
    /// The county 县（市、区） an office or committee account works for (nil: the city).
    case setScope(username: String, county: String?, reason: String)

    public var chinese: String {
        switch self {
        case .setScope: "设定账户工作范围"
        case .setUp: "初始化系统"
        case .createStaff: "创建工作人员账户"
        case .disable: "停用账户"
        case .enable: "启用账户"
        case .issueResetCode: "发放一次性密码重置码"
        }
    }
}

public enum AdministrationEvent: NamedEvent {
    case setUp(office: OfficeProfile, on: Day)
    case staffCreated(username: String, role: Role, displayName: String, reason: String, on: Day)
    case staffDisabled(username: String, reason: String, on: Day)
    case staffEnabled(username: String, reason: String, on: Day)
    case resetCodeIssued(username: String, reason: String, on: Day)
    case staffScopeSet(username: String, county: String?, reason: String, on: Day)

    public var name: String {
        switch self {
        case .staffScopeSet: "staffScopeSet"
        case .setUp: "setUp"
        case .staffCreated: "staffCreated"
        case .staffDisabled: "staffDisabled"
        case .staffEnabled: "staffEnabled"
        case .resetCodeIssued: "resetCodeIssued"
        }
    }

    /// What happened, for the auditor's page.
    public var chinese: String {
        switch self {
        case .setUp(let office, _):
            "初始化系统：\(office.name)（全宗号 \(office.fonds)）"
                + (office.isTestInstallation ? "；\(OfficeProfile.testClockBanner)" : "")
        case .staffCreated(let u, let role, let name, let reason, _): "创建工作人员账户 \(u)（\(name)，\(role.chinese)）：\(reason)"
        case .staffDisabled(let u, let reason, _): "停用账户 \(u)：\(reason)"
        case .staffEnabled(let u, let reason, _): "启用账户 \(u)：\(reason)"
        case .resetCodeIssued(let u, let reason, _): "为账户 \(u) 发放一次性密码重置码：\(reason)"
        case .staffScopeSet(let u, let county, let reason, _):
            "设定账户 \(u) 的工作范围为\(county.map { "县（市、区）\($0)" } ?? "全市")：\(reason)"
        }
    }
}
