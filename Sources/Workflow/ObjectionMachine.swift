public import Domain

/// An objection 异议 lodged online against a public notice 公示, one stream per receipt number
/// (`objection/<receipt>`): received from a member of the public during the notice period,
/// then either registered by the office against the application (the same transaction runs the
/// application's `.raiseObjection` with the receipt number as the objection's id, which opens
/// the investigation) or dismissed with a reason (不属于公示对象, 无具体事实 …). Who did each,
/// and when, is in the events (and the log's actor column).
public enum ObjectionMachine: Machine {
    public typealias State = ObjectionState
    public typealias Command = ObjectionCommand
    public typealias Event = ObjectionEvent

    public static let kind = "objection"
    public static var initial: ObjectionState { ObjectionState() }

    public static func status(of state: ObjectionState) -> String { state.stage.rawValue }

    public static func decide(
        _ command: ObjectionCommand, state: ObjectionState, context: Context
    ) throws(Refusal) -> Decision<ObjectionEvent> {
        let today = context.today
        switch command {
        case .receive(let lodged):
            try Gate.role(context.actor, [.public], kind: kind, action: command.chinese)
            guard state.stage == .none else {
                throw Gate.invalidTransition(
                    kind: kind, noun: "异议", state: state.stage.chinese, action: command.chinese)
            }
            guard lodged.noticeStart <= today, today <= lodged.noticeEnd else {
                throw Refusal(
                    rule: "\(kind).outside-notice",
                    message: today < lodged.noticeStart
                        ? "本批公示自\(lodged.noticeStart.chinese)开始，公示期内（\(lodged.noticeStart.chinese)至\(lodged.noticeEnd.chinese)）方可提出异议"
                        : "本批公示已于\(lodged.noticeEnd.chinese)结束，公示期（\(lodged.noticeStart.chinese)至\(lodged.noticeEnd.chinese)）外不再受理网上异议")
            }
            let limits = context.policy.objections
            try Self.check(lodged.objectorName, field: "您的姓名", limit: Self.nameMaxCharacters)
            try Self.check(lodged.contact, field: "联系方式", limit: Self.contactMaxCharacters)
            try Self.check(lodged.facts, field: "异议事实", limit: limits.factsMaxCharacters)
            guard lodged.facts.trimmingCharacters(in: .whitespacesAndNewlines).count >= limits.factsMinCharacters else {
                throw Refusal(
                    rule: "\(kind).facts-too-short",
                    message: "“异议事实”至少\(limits.factsMinCharacters)个字：请写明具体事实或线索")
            }
            try Gate.nonBlank(lodged.applicationID, kind: kind, field: "被反映人", rule: "subject-missing")
            return Decision([.received(lodged, on: today)])
        case .register:
            try Gate.role(context.actor, [.officeClerk, .officeHead], kind: kind, action: command.chinese)
            guard state.stage == .received else {
                throw Gate.invalidTransition(kind: kind, noun: "异议", state: state.stage.chinese, action: command.chinese)
            }
            return Decision([.registered(by: context.actor.id, on: today)])
        case .dismiss(let reason):
            try Gate.role(context.actor, [.officeClerk, .officeHead], kind: kind, action: command.chinese)
            guard state.stage == .received else {
                throw Gate.invalidTransition(kind: kind, noun: "异议", state: state.stage.chinese, action: command.chinese)
            }
            try Gate.nonBlank(reason, kind: kind, field: "不予登记的理由", rule: "reason-missing")
            try Self.check(reason, field: "不予登记的理由", limit: context.policy.objections.factsMaxCharacters)
            return Decision([.dismissed(reason: reason, by: context.actor.id, on: today)])
        }
    }

    /// Longest objector's name and contact (field sizes, not policy).
    public static let nameMaxCharacters = 50
    public static let contactMaxCharacters = 100

    /// The receipt number of the `sequence`-th objection of `year`: `YY-2026-00001`.
    public static func receiptNumber(year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "YY-\(year)-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// A required text of at most `limit` characters.
    static func check(_ text: String, field: String, limit: Int) throws(Refusal) {
        try Gate.nonBlank(text, kind: kind, field: field, rule: "field-missing")
        guard text.count <= limit else {
            throw Refusal(rule: "\(kind).too-long", message: "“\(field)”不能超过\(limit)个字（现有\(text.count)个字）")
        }
    }

    public static func evolve(_ state: ObjectionState, _ event: ObjectionEvent) -> ObjectionState {
        var s = state
        switch event {
        case .received(let lodged, let on):
            s.lodged = lodged
            s.receivedOn = on
            s.stage = .received
        case .registered(let by, let on):
            s.stage = .registered
            s.handledBy = by
            s.handledOn = on
        case .dismissed(let reason, let by, let on):
            s.stage = .dismissed
            s.reason = reason
            s.handledBy = by
            s.handledOn = on
        }
        return s
    }
}

/// What a person lodged: the notice batch and its period, the application objected to (one of
/// the batch's entries, with the name as published), who objects and how to reach them, the facts.
public struct LodgedObjection: Codable, Sendable, Equatable {
    public var batchID: String
    public var noticeStart: Day
    public var noticeEnd: Day
    public var applicationID: String
    /// The name of the person objected to, as the notice published it.
    public var subjectName: String
    public var objectorName: String
    public var contact: String
    public var facts: String

    public init(
        batchID: String, noticeStart: Day, noticeEnd: Day, applicationID: String, subjectName: String,
        objectorName: String, contact: String, facts: String
    ) {
        self.batchID = batchID
        self.noticeStart = noticeStart
        self.noticeEnd = noticeEnd
        self.applicationID = applicationID
        self.subjectName = subjectName
        self.objectorName = objectorName
        self.contact = contact
        self.facts = facts
    }
}

public struct ObjectionState: Codable, Sendable, Equatable {
    public enum Stage: String, Codable, Sendable, CaseIterable {
        case none, received, registered, dismissed

        public var chinese: String {
            switch self {
            case .none: "未提出"
            case .received: "待处理"
            case .registered: "已登记调查"
            case .dismissed: "不予登记"
            }
        }
    }

    public var stage = Stage.none
    public var lodged: LodgedObjection?
    public var receivedOn: Day?
    /// The office account that registered or dismissed it, and the day.
    public var handledBy: String?
    public var handledOn: Day?
    /// Why it was dismissed.
    public var reason: String?

    public init() {}
}

public enum ObjectionCommand: Sendable {
    /// Public: lodge an objection during the notice period.
    case receive(LodgedObjection)
    /// Office clerk or head: registered against the application (run with its `.raiseObjection`).
    case register
    /// Office clerk or head: not registered, with the reason.
    case dismiss(reason: String)

    public var chinese: String {
        switch self {
        case .receive: "提出异议"
        case .register: "登记异议"
        case .dismiss: "不予登记异议"
        }
    }
}

public enum ObjectionEvent: NamedEvent {
    case received(LodgedObjection, on: Day)
    case registered(by: String, on: Day)
    case dismissed(reason: String, by: String, on: Day)

    public var name: String {
        switch self {
        case .received: "received"
        case .registered: "registered"
        case .dismissed: "dismissed"
        }
    }
}
