public import Domain

/// The office's committees and expert pool as one stream (kind `committee-registry`, id `office`):
/// a committee set up by a decision with its 文号 (series, level, jurisdiction, scope, size and
/// term), and experts added to the pool — one by one or a whole imported file at once — each with
/// who, when and why in the hash-chained log. The registry tables change in the same transaction
/// (the store's caller does both).
public enum CommitteeRegistryMachine: Machine {
    public typealias State = CommitteeRegistryState
    public typealias Command = CommitteeRegistryCommand
    public typealias Event = CommitteeRegistryEvent

    public static let kind = "committee-registry"
    public static let streamID = "office"
    public static var initial: CommitteeRegistryState { CommitteeRegistryState() }
    /// Who sets up committees.
    public static let committeeRoles: [Role] = [.administrator, .officeHead]
    /// Who keeps the expert pool.
    public static let poolRoles: [Role] = [.administrator, .officeHead, .officeClerk]
    /// Who issues experts' accounts (accounts are the administrator's).
    public static let accountRoles: [Role] = [.administrator]

    public static func status(of state: CommitteeRegistryState) -> String { "open" }

    /// The smallest committee the policy allows for a level, by series (按系列) or by specialty.
    public static func minimumMembers(level: Level, bySeries: Bool, policy: Policy.Committee) -> Int {
        switch level {
        case .fullSenior, .deputySenior: bySeries ? policy.minimumSeniorBySeries : policy.minimumSeniorBySpecialty
        case .intermediate: bySeries ? policy.minimumIntermediateBySeries : policy.minimumIntermediateBySpecialty
        case .assistant, .technician: policy.minimumJunior
        }
    }

    /// A jurisdiction is the city (`city`), a county's six-digit division code, or a unit with
    /// self-review authority (`unit:<unit id>`, `Routing`).
    public static func isJurisdiction(_ text: String) -> Bool {
        text == "city" || (text.count == 6 && text.allSatisfy { $0.isASCII && $0.isNumber })
            || (Routing.unitID(of: text).map { !$0.isEmpty && !$0.contains(where: \.isWhitespace) } ?? false)
    }

    public static func decide(
        _ command: CommitteeRegistryCommand, state: CommitteeRegistryState, context: Context
    ) throws(Refusal) -> Decision<CommitteeRegistryEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .setUp(let c):
            try Gate.role(context.actor, committeeRoles, kind: kind, action: action)
            try Gate.nonBlank(c.id, kind: kind, field: "评委会编号", rule: "id-missing")
            try Gate.nonBlank(c.name, kind: kind, field: "评委会名称", rule: "name-missing")
            try Gate.nonBlank(c.scope, kind: kind, field: "评审范围", rule: "scope-missing")
            try Gate.nonBlank(c.decisionNumber, kind: kind, field: "组建文号", rule: "decision-missing")
            guard state.committees[c.id] == nil else {
                throw Refusal(rule: "\(kind).committee-exists", message: "评委会编号“\(c.id)”已被使用")
            }
            guard isJurisdiction(c.jurisdiction) else {
                throw Refusal(
                    rule: "\(kind).jurisdiction", message: "管辖范围应为“city”（全市）、县（市、区）的6位行政区划代码或“unit:单位编号”（自主评审单位）")
            }
            let minimum = minimumMembers(level: c.level, bySeries: c.bySeries, policy: context.rules.policy.committee)
            guard c.memberCount % 2 == 1, c.memberCount >= minimum, c.memberCount <= CommitteeArithmetic.largestCommittee
            else {
                throw Refusal(
                    rule: "\(kind).size",
                    message: "\(c.level.chinese)评委会（\(c.bySeries ? "按系列" : "按专业")）委员人数应为不少于\(minimum)的单数，实为\(c.memberCount)")
            }
            guard c.termStart < c.termEnd else {
                throw Refusal(rule: "\(kind).term", message: "任期止日应晚于起日")
            }
            return Decision([.committeeSetUp(c, on: today)])

        case .addExperts(let experts, let source):
            try Gate.role(context.actor, poolRoles, kind: kind, action: action)
            try Gate.nonBlank(source, kind: kind, field: "来源", rule: "source-missing")
            guard !experts.isEmpty else { throw Refusal(rule: "\(kind).no-experts", message: "没有要入库的专家") }
            var seen = Set<String>()
            for e in experts {
                guard !e.id.isEmpty, !e.name.isEmpty else {
                    throw Refusal(rule: "\(kind).expert-incomplete", message: "专家编号和姓名不能为空")
                }
                guard state.experts[e.id] == nil, seen.insert(e.id).inserted else {
                    throw Refusal(rule: "\(kind).expert-exists", message: "专家编号“\(e.id)”已在专家库中")
                }
                guard state.committees[e.committeeID] != nil else {
                    throw Refusal(rule: "\(kind).unknown-committee", message: "没有编号为“\(e.committeeID)”的评委会")
                }
                guard e.termStart < e.termEnd else {
                    throw Refusal(rule: "\(kind).term", message: "专家“\(e.name)”的聘期止日应晚于起日")
                }
            }
            return Decision([.expertsAdded(experts, source: source, on: today)])

        case .issueExpertAccount(let expert, let username, let reason):
            try Gate.role(context.actor, accountRoles, kind: kind, action: action)
            try Gate.nonBlank(username, kind: kind, field: "用户名", rule: "username-missing")
            try Gate.nonBlank(reason, kind: kind, field: "事由", rule: "reason-missing")
            guard state.experts[expert.id] != nil else {
                throw Refusal(rule: "\(kind).unknown-expert", message: "专家库中没有编号为“\(expert.id)”的专家")
            }
            if let refusal = accountRefusal(expert, today: today) { throw refusal }
            if let existing = state.expertAccounts?[expert.id] {
                guard existing == username else {
                    throw Refusal(
                        rule: "\(kind).account-exists", message: "专家“\(expert.name)”已有账户“\(existing)”")
                }
                // The code itself is never in the log: only that one was issued, by whom and why.
                return Decision([.expertResetCodeIssued(expertID: expert.id, username: username, reason: reason, on: today)])
            }
            return Decision([.expertAccountIssued(expertID: expert.id, username: username, reason: reason, on: today)])
        }
    }

    /// Why an expert of the pool may not have an account or sign in today (suspended, or the
    /// term over); nil when they may.
    public static func accountRefusal(_ expert: ExpertEntry, today: Day) -> Refusal? {
        if expert.status == .suspended {
            return Refusal(
                rule: "\(kind).expert-suspended", message: "专家“\(expert.name)”在专家库中的状态为“暂停”，不能使用账户")
        }
        if expert.termEnd < today {
            return Refusal(
                rule: "\(kind).expert-term-ended", message: "专家“\(expert.name)”的聘期已于\(expert.termEnd)结束，不能使用账户")
        }
        return nil
    }

    public static func evolve(_ state: CommitteeRegistryState, _ event: CommitteeRegistryEvent) -> CommitteeRegistryState {
        var s = state
        switch event {
        case .committeeSetUp(let c, _):
            s.committees[c.id] = c.memberCount
        case .expertsAdded(let experts, _, _):
            for e in experts { s.experts[e.id] = e.committeeID }
        case .expertAccountIssued(let expertID, let username, _, _):
            s.expertAccounts = (s.expertAccounts ?? [:]).merging([expertID: username]) { _, new in new }
        case .expertResetCodeIssued:
            break
        }
        return s
    }
}

/// A committee as the decision that sets it up describes it.
public struct CommitteeSetUp: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var series: Series
    public var level: Level
    /// `city` or a county's six-digit division code.
    public var jurisdiction: String
    /// 按系列 (the whole series) or the specialty it reviews.
    public var scope: String
    public var memberCount: Int
    public var termStart: Day
    public var termEnd: Day
    /// The 文号 of the decision setting it up.
    public var decisionNumber: String

    public var bySeries: Bool { scope == "按系列" }

    public init(
        id: String, name: String, series: Series, level: Level, jurisdiction: String, scope: String, memberCount: Int,
        termStart: Day, termEnd: Day, decisionNumber: String
    ) {
        self.id = id
        self.name = name
        self.series = series
        self.level = level
        self.jurisdiction = jurisdiction
        self.scope = scope
        self.memberCount = memberCount
        self.termStart = termStart
        self.termEnd = termEnd
        self.decisionNumber = decisionNumber
    }
}

/// An expert of the pool: the unit (for recusal), title, specialties, committee, term, status.
public struct ExpertEntry: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case active, suspended
        public var chinese: String { self == .active ? "在库" : "暂停" }
    }
    public var id: String
    public var name: String
    /// Nil for experts registered before the pool kept it.
    public var unitCreditCode: CreditCode?
    public var unitName: String
    /// The registry id of the unit (recusal compares it with the applicant's).
    public var unitID: String
    public var title: String
    public var specialties: [String]
    public var committeeID: String
    public var termStart: Day
    public var termEnd: Day
    public var status: Status

    public init(
        id: String, name: String, unitCreditCode: CreditCode?, unitName: String, unitID: String, title: String,
        specialties: [String], committeeID: String, termStart: Day, termEnd: Day, status: Status
    ) {
        self.id = id
        self.name = name
        self.unitCreditCode = unitCreditCode
        self.unitName = unitName
        self.unitID = unitID
        self.title = title
        self.specialties = specialties
        self.committeeID = committeeID
        self.termStart = termStart
        self.termEnd = termEnd
        self.status = status
    }
}

public struct CommitteeRegistryState: Codable, Sendable, Equatable {
    /// Committees by id: their member count.
    public var committees: [String: Int] = [:]
    /// Experts by id: their committee.
    public var experts: [String: String] = [:]
    /// Experts' accounts by expert id: the user name (nil until the first is issued, so the
    /// snapshots written before accounts were issued read the same).
    public var expertAccounts: [String: String]?
    public init() {}
}

public enum CommitteeRegistryCommand: Sendable {
    case setUp(CommitteeSetUp)
    /// Experts into the pool at once; `source` says from where (a file's name and SHA-256, or 手工录入).
    case addExperts([ExpertEntry], source: String)
    /// An account for an expert of the pool (as the pool holds it now), or a new one-time code
    /// for the account the expert has.
    case issueExpertAccount(ExpertEntry, username: String, reason: String)

    public var chinese: String {
        switch self {
        case .setUp: "组建评委会"
        case .addExperts: "专家入库"
        case .issueExpertAccount: "发放专家账户"
        }
    }
}

public enum CommitteeRegistryEvent: NamedEvent {
    case committeeSetUp(CommitteeSetUp, on: Day)
    case expertsAdded([ExpertEntry], source: String, on: Day)
    /// An expert's account created (with a one-time code to set its password).
    case expertAccountIssued(expertID: String, username: String, reason: String, on: Day)
    /// A new one-time code for an expert's account.
    case expertResetCodeIssued(expertID: String, username: String, reason: String, on: Day)

    public var name: String {
        switch self {
        case .committeeSetUp: "committeeSetUp"
        case .expertsAdded: "expertsAdded"
        case .expertAccountIssued: "expertAccountIssued"
        case .expertResetCodeIssued: "expertResetCodeIssued"
        }
    }

    public var chinese: String {
        switch self {
        case .committeeSetUp(let c, _):
            "组建评委会 \(c.id)（\(c.name)，\(c.level.chinese)，委员\(c.memberCount)人，任期\(c.termStart)至\(c.termEnd)）：\(c.decisionNumber)"
        case .expertsAdded(let experts, let source, _): "专家入库\(experts.count)人：\(source)"
        case .expertAccountIssued(let id, let u, let reason, _): "为专家 \(id) 发放账户 \(u) 及一次性密码设置码：\(reason)"
        case .expertResetCodeIssued(let id, let u, let reason, _): "为专家 \(id) 的账户 \(u) 发放一次性密码重置码：\(reason)"
        }
    }
}
