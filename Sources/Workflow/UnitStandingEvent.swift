public import Domain

/// What happened to a unit's standing.
public enum UnitStandingEvent: NamedEvent {
    case suspended(reason: String, decisionNumber: String, from: Day, until: Day)
    case lifted(reason: String, on: Day)
    case expired(on: Day)

    public var name: String {
        switch self {
        case .suspended: "suspended"
        case .lifted: "lifted"
        case .expired: "expired"
        }
    }
}
