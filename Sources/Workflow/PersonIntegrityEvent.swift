public import Domain

/// What happened to a person's integrity file.
public enum PersonIntegrityEvent: NamedEvent {
    case recorded(reason: String, basis: String, from: Day, until: Day)
    case expired(on: Day)

    public var name: String {
        switch self {
        case .recorded: "recorded"
        case .expired: "expired"
        }
    }
}
