public import Domain

/// A unit's standing: normal → suspended until a day (false proof: 2 years, seed item 4) →
/// normal again when the scheduler reaches that day, or when the office head lifts it. `until`
/// is the first day the unit's title work resumes (`BarEnd`). The stream id is the unit id.
/// The same stream holds the unit's self-review authority 自主评审权 (seed item 6): granted
/// for series × levels and withdrawn, each by the office head under a decision's 文号.
public enum UnitStandingMachine: Machine, DeadlineDriven {
    public typealias State = UnitStandingState
    public typealias Command = UnitStandingCommand
    public typealias Event = UnitStandingEvent

    public static let kind = "unit"
    public static var initial: UnitStandingState { UnitStandingState() }

    public static func status(of state: UnitStandingState) -> String { state.status.rawValue }

    /// Whether the unit is suspended on a day (from `from` up to, not including, `until`).
    public static func isSuspended(_ state: UnitStandingState, on day: Day) -> Bool {
        guard state.status == .suspended, let s = state.suspension else { return false }
        return s.from <= day && BarEnd.isInForce(until: s.until, on: day)
    }

    /// The first day the unit's title work resumes under the current suspension, if any (what
    /// `EligibilityFacts.unitSuspendedUntil` wants).
    public static func suspendedUntil(_ state: UnitStandingState) -> Day? {
        state.status == .suspended ? state.suspension?.until : nil
    }

    public static func dueCommand(_ state: UnitStandingState, today: Day) -> UnitStandingCommand? {
        guard state.status == .suspended, let s = state.suspension, !BarEnd.isInForce(until: s.until, on: today)
        else { return nil }
        return .expire
    }

    public static func decide(
        _ command: UnitStandingCommand, state: UnitStandingState, context: Context
    ) throws(Refusal) -> Decision<UnitStandingEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .suspend(let reason, let decisionNumber, let years):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            try Gate.nonBlank(reason, kind: kind, field: "暂停理由", rule: "reason-missing")
            try Gate.nonBlank(decisionNumber, kind: kind, field: "决定文号", rule: "decision-number-missing")
            let n = years ?? context.policy.unitSuspensionYears
            guard n >= 1 else {
                throw Refusal(rule: "unit.years-invalid", message: "暂停年限应至少为1年,实为\(n)年")
            }
            var until = BarEnd.until(from: today, years: n)
            if let current = suspendedUntil(state), current > until { until = current }
            return Decision([.suspended(reason: reason, decisionNumber: decisionNumber, from: today, until: until)])

        case .lift(let reason):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            guard state.status == .suspended else { throw invalid(state, action) }
            try Gate.nonBlank(reason, kind: kind, field: "解除理由", rule: "reason-missing")
            return Decision([.lifted(reason: reason, on: today)])

        case .expire:
            try Gate.role(context.actor, [.system], kind: kind, action: action)
            guard state.status == .suspended, let s = state.suspension else { throw invalid(state, action) }
            guard !BarEnd.isInForce(until: s.until, on: today) else {
                throw Refusal(
                    rule: "unit.suspension-not-ended",
                    message: "暂停期至\(BarEnd.chinese(until: s.until, then: "恢复"))，尚未届满")
            }
            return Decision([.expired(on: today)])

        case .grantSelfReview(let series, let levels, let decisionNumber):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            try Gate.nonBlank(decisionNumber, kind: kind, field: "授权决定文号", rule: "decision-number-missing")
            guard !series.isEmpty, !levels.isEmpty else {
                throw Refusal(rule: "unit.self-review-scope-missing", message: "授予自主评审权须写明评审的职称系列和级别")
            }
            if isSuspended(state, on: today), let s = state.suspension {
                throw Refusal(
                    rule: "unit.self-review-while-suspended",
                    message: "单位被暂停职称评审和聘任工作（\(s.decisionNumber)），至\(BarEnd.chinese(until: s.until, then: "恢复"))，暂停期间不能授予自主评审权")
            }
            return Decision([
                .selfReviewGranted(
                    series: Array(Set(series)).sorted { $0.rawValue < $1.rawValue },
                    levels: Array(Set(levels)).sorted { $0.rank > $1.rank }, decisionNumber: decisionNumber, on: today)
            ])

        case .withdrawSelfReview(let reason, let decisionNumber):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            guard let grant = state.selfReview else {
                throw Refusal(rule: "unit.self-review-not-granted", message: "该单位没有自主评审权，无需收回")
            }
            try Gate.nonBlank(reason, kind: kind, field: "收回理由", rule: "reason-missing")
            try Gate.nonBlank(decisionNumber, kind: kind, field: "收回决定文号", rule: "decision-number-missing")
            guard decisionNumber != grant.decisionNumber else {
                throw Refusal(
                    rule: "unit.self-review-same-decision",
                    message: "收回自主评审权须另行发文，文号不能与授权决定\(grant.decisionNumber)相同")
            }
            return Decision([.selfReviewWithdrawn(reason: reason, decisionNumber: decisionNumber, on: today)])

        case .tick:
            try Gate.role(context.actor, [.system], kind: kind, action: action)
            guard let due = dueCommand(state, today: today) else {
                throw Refusal(rule: "unit.nothing-due", message: "单位当前状态为“\(state.status.chinese)”,没有到期需处理的事项")
            }
            return try decide(due, state: state, context: context)
        }
    }

    static func invalid(_ state: UnitStandingState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "单位", state: state.status.chinese, action: action)
    }

    public static func evolve(_ state: UnitStandingState, _ event: UnitStandingEvent) -> UnitStandingState {
        var s = state
        switch event {
        case .suspended(let reason, let number, let from, let until):
            if let old = s.suspension { s.history.append(old) }
            s.suspension = UnitSuspension(reason: reason, decisionNumber: number, from: from, until: until)
            s.status = .suspended
        case .lifted(_, let on):
            if var old = s.suspension {
                old.until = min(old.until, on)  // lifted: free from the day of the lifting
                s.history.append(old)
            }
            s.suspension = nil
            s.status = .normal
        case .expired:
            if let old = s.suspension { s.history.append(old) }
            s.suspension = nil
            s.status = .normal
        case .selfReviewGranted(let series, let levels, let number, let on):
            s.selfReview = SelfReviewGrant(series: series, levels: levels, decisionNumber: number, from: on)
        case .selfReviewWithdrawn:
            s.selfReview = nil
        }
        return s
    }
}
