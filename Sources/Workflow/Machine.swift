public import Domain
import Foundation

/// Everything a transition may look at besides the state and the command: who acts, when,
/// and the office's rules. Pure data; the caller (store, web, demo) fills it.
public struct Context: Sendable {
    public var actor: Actor
    public var now: Date
    public var rules: Rulebook
    /// The office's record of the unit an application step acts for: the first day its
    /// suspension 暂停职称评审和聘任 no longer applies (nil: not suspended). The store fills it,
    /// in the step's transaction, for the unit's steps and the office's acceptance.
    public var unitSuspendedUntil: Day?
    /// For a step on a session of a self-reviewing unit's committee (`unit:<unit id>`): the
    /// unit's self-review authority as the office's record holds it — the grant in force, or
    /// the withdrawal (seed item 6). The store fills it, in the step's transaction.
    public var selfReview: SelfReviewStanding?

    public init(actor: Actor, now: Date, rules: Rulebook) {
        self.actor = actor
        self.now = now
        self.rules = rules
    }

    public var policy: Policy { rules.policy }
    public var calendar: WorkingCalendar { rules.calendar }
    /// Today in China (UTC+8).
    public var today: Day { Day(now) }
}

/// A transition refused: the rule it broke (a stable id such as `application.pledge-missing`)
/// and a Chinese message for the person who asked.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public var rule: String
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(message)(规则 \(rule))" }
}

/// The documents an office issues. Each workflow step names the ones it must issue; the
/// document service renders them from `templates/`.
public enum DocumentKind: String, Codable, Sendable, CaseIterable {
    case pledge  // 承诺书
    case declarationForm = "declaration-form"  // 申报表
    case acceptanceNotice = "acceptance-notice"  // 受理通知书
    case correctionNotice = "correction-notice"  // 补正材料通知书
    case refusalNotice = "refusal-notice"  // 不予受理通知书
    case publicNotice = "public-notice"  // 评审结果公示
    case qualificationNotice = "qualification-notice"  // 取得资格通知
    case certificate  // 专业技术职务任职资格证书
    case revocationDecision = "revocation-decision"  // 撤销决定书
    case minutes  // 评审会议纪要
    case voteRecord = "vote-record"  // 投票记录
    case reexaminationDecision = "reexamination-decision"  // 复查决定书

    public var chinese: String {
        switch self {
        case .pledge: "承诺书"
        case .declarationForm: "申报表"
        case .acceptanceNotice: "受理通知书"
        case .correctionNotice: "补正材料通知书"
        case .refusalNotice: "不予受理通知书"
        case .publicNotice: "评审结果公示"
        case .qualificationNotice: "取得资格通知"
        case .certificate: "专业技术职务任职资格证书"
        case .revocationDecision: "撤销决定书"
        case .minutes: "评审会议纪要"
        case .voteRecord: "投票记录"
        case .reexaminationDecision: "复查决定书"
        }
    }
}

/// A document a step must issue: which kind, about which stream (application, session,
/// certificate …). The renderer gathers the data from the stream's state and events.
public struct DocumentRequest: Hashable, Codable, Sendable {
    public var kind: DocumentKind
    public var subject: String

    public init(_ kind: DocumentKind, subject: String) {
        self.kind = kind
        self.subject = subject
    }
}

/// A decision the office files as a signed archive package 归档. The step that makes it names
/// it (`Decision.archives`); the store queues it in the step's own transaction (its archive
/// outbox) and the archive builder writes the package after commit.
public enum ArchiveDecision: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Every application confirmed (or filed 备案) under one document number 文号.
    case confirmation(documentNumber: String)
    /// A closed committee session.
    case session(id: String)
    /// The certificates revoked under one revocation decision 撤销决定 (its 文号).
    case revocation(documentNumber: String)
    /// An application's re-examination decided 复查决定 (one per application: the decision is final).
    case reexamination(applicationID: String)

    public var description: String {
        switch self {
        case .confirmation(let n): n
        case .session(let id): id
        case .revocation(let n): n
        case .reexamination(let id): id
        }
    }

    /// What it is, in Chinese (决定文号 焦职改〔2026〕1号 …).
    public var chinese: String {
        switch self {
        case .confirmation(let n): "决定文号 \(n)"
        case .session(let id): "评审会议 \(id)"
        case .revocation(let n): "撤销决定 \(n)"
        case .reexamination(let id): "申报 \(id) 的复查决定"
        }
    }

    /// The kind as stored (`confirmation`, `session`).
    public var kind: String {
        switch self {
        case .confirmation: "confirmation"
        case .session: "session"
        case .revocation: "revocation"
        case .reexamination: "reexamination"
        }
    }

    /// The decision of a stored kind and reference (nil: a kind this version does not know).
    public init?(kind: String, reference: String) {
        switch kind {
        case "confirmation": self = .confirmation(documentNumber: reference)
        case "session": self = .session(id: reference)
        case "revocation": self = .revocation(documentNumber: reference)
        case "reexamination": self = .reexamination(applicationID: reference)
        default: return nil
        }
    }
}

/// What a transition decided: the events to append, the documents to issue and the decisions
/// to file as archive packages.
public struct Decision<Event: Sendable>: Sendable {
    public var events: [Event]
    public var documents: [DocumentRequest]
    public var archives: [ArchiveDecision]

    public init(_ events: [Event], documents: [DocumentRequest] = [], archives: [ArchiveDecision] = []) {
        self.events = events
        self.documents = documents
        self.archives = archives
    }
}

extension Decision: Equatable where Event: Equatable {}

/// An event's stable name for the log (the enum case), e.g. `submitted`.
public protocol NamedEvent: Codable, Sendable, Equatable {
    var name: String { get }
}

/// A workflow state machine in decide/evolve form: `decide` turns a command into events (or a
/// refusal) without changing anything; `evolve` folds one event into the state. A stream's
/// state is always `events.reduce(initial, evolve)`, which is how the store rebuilds it.
///
/// Both functions are pure: no I/O, no clock, no randomness beyond what the command carries.
public protocol Machine {
    associatedtype State: Codable, Sendable, Equatable
    associatedtype Command: Sendable
    associatedtype Event: NamedEvent

    /// Stream kind in the log, e.g. `application`.
    static var kind: String { get }
    /// The state of a stream with no events.
    static var initial: State { get }

    static func decide(_ command: Command, state: State, context: Context) throws(Refusal) -> Decision<Event>
    static func evolve(_ state: State, _ event: Event) -> State

    /// A short status for queues and counts (e.g. `qualification-review`).
    static func status(of state: State) -> String
}

extension Machine {
    /// Folds events onto a state.
    public static func replay(_ events: some Sequence<Event>, from state: State = initial) -> State {
        events.reduce(state, evolve)
    }
}
