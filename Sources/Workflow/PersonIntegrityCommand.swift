/// Commands for a person's integrity file. Record: office head. Expire and tick: system.
public enum PersonIntegrityCommand: Sendable, Equatable {
    /// Record from today for `years` (nil: `policy.blacklistYears`). While already recorded,
    /// the record runs to the later end.
    case record(reason: String, basis: String, years: Int? = nil)
    /// End the record after its last day.
    case expire
    /// Run whatever `PersonIntegrityMachine.dueCommand` says is due.
    case tick

    public var chinese: String {
        switch self {
        case .record: "记入诚信档案"
        case .expire: "记录期满"
        case .tick: "定时处理"
        }
    }
}
