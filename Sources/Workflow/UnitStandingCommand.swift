public import Domain

/// Commands for a unit's standing. Suspend and lift, grant and withdraw self-review: office head. Expire and tick: system.
public enum UnitStandingCommand: Sendable, Equatable {
    /// Suspend from today for `years` (nil: `policy.unitSuspensionYears`). While already
    /// suspended, the suspension runs to the later end.
    case suspend(reason: String, decisionNumber: String, years: Int? = nil)
    /// Lift the suspension early.
    case lift(reason: String)
    /// End the suspension after its last day.
    case expire
    /// Run whatever `UnitStandingMachine.dueCommand` says is due.
    case tick
    /// Grant self-review authority 自主评审权 for `series` × `levels` by the bureau's decision
    /// `decisionNumber` (seed item 6; office head). A new grant replaces the one in force.
    case grantSelfReview(series: [Series], levels: [Level], decisionNumber: String)
    /// Withdraw the self-review authority by decision `decisionNumber` (office head).
    case withdrawSelfReview(reason: String, decisionNumber: String)

    public var chinese: String {
        switch self {
        case .suspend: "暂停单位职称工作"
        case .lift: "解除暂停"
        case .expire: "暂停期满恢复"
        case .tick: "定时处理"
        case .grantSelfReview: "授予自主评审权"
        case .withdrawSelfReview: "收回自主评审权"
        }
    }
}
