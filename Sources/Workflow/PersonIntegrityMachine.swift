public import Domain

/// A person's integrity file 职称评审诚信档案: clean → recorded until a day (fraud: 3 years,
/// seed item 4; no application meanwhile) → clean when the scheduler reaches that day. `until`
/// is the first day the person may apply again (`BarEnd`). The stream id is the person id.
public enum PersonIntegrityMachine: Machine, DeadlineDriven {
    public typealias State = PersonIntegrityState
    public typealias Command = PersonIntegrityCommand
    public typealias Event = PersonIntegrityEvent

    public static let kind = "person"
    public static var initial: PersonIntegrityState { PersonIntegrityState() }

    public static func status(of state: PersonIntegrityState) -> String { state.status.rawValue }

    /// Whether the person is on the blacklist on a day (from `from` up to, not including, `until`).
    public static func isRecorded(_ state: PersonIntegrityState, on day: Day) -> Bool {
        guard state.status == .recorded, let r = state.record else { return false }
        return r.from <= day && BarEnd.isInForce(until: r.until, on: day)
    }

    /// The first day the person may apply again under the current record, if any (what
    /// `EligibilityFacts.blacklistedUntil` wants).
    public static func recordEnd(_ state: PersonIntegrityState) -> Day? {
        state.status == .recorded ? state.record?.until : nil
    }

    public static func dueCommand(_ state: PersonIntegrityState, today: Day) -> PersonIntegrityCommand? {
        guard let end = recordEnd(state), !BarEnd.isInForce(until: end, on: today) else { return nil }
        return .expire
    }

    public static func decide(
        _ command: PersonIntegrityCommand, state: PersonIntegrityState, context: Context
    ) throws(Refusal) -> Decision<PersonIntegrityEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .record(let reason, let basis, let years):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "记录事由", rule: "reason-missing")
            try Gate.nonBlank(basis, kind: kind, field: "处理依据", rule: "basis-missing")
            let n = years ?? context.policy.blacklistYears
            guard n >= 1 else {
                throw Refusal(rule: "person.years-invalid", message: "记录年限应至少为1年,实为\(n)年")
            }
            var until = BarEnd.until(from: today, years: n)
            if let current = recordEnd(state), current > until { until = current }
            return Decision([.recorded(reason: reason, basis: basis, from: today, until: until)])

        case .expire:
            try Gate.role(context.actor, [.system], kind: kind, action: action)
            guard let end = recordEnd(state) else { throw invalid(state, action) }
            guard !BarEnd.isInForce(until: end, on: today) else {
                throw Refusal(
                    rule: "person.record-not-ended", message: "失信记录期至\(BarEnd.chinese(until: end))，尚未届满")
            }
            return Decision([.expired(on: today)])

        case .tick:
            try Gate.role(context.actor, [.system], kind: kind, action: action)
            guard let due = dueCommand(state, today: today) else {
                throw Refusal(rule: "person.nothing-due", message: "当前状态为“\(state.status.chinese)”,没有到期需处理的事项")
            }
            return try decide(due, state: state, context: context)
        }
    }

    static func invalid(_ state: PersonIntegrityState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "诚信档案", state: state.status.chinese, action: action)
    }

    public static func evolve(_ state: PersonIntegrityState, _ event: PersonIntegrityEvent) -> PersonIntegrityState {
        var s = state
        switch event {
        case .recorded(let reason, let basis, let from, let until):
            if let old = s.record { s.history.append(old) }
            s.record = IntegrityRecord(reason: reason, basis: basis, from: from, until: until)
            s.status = .recorded
        case .expired:
            if let old = s.record { s.history.append(old) }
            s.record = nil
            s.status = .clean
        }
        return s
    }
}
