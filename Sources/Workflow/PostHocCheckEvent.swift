public import Domain

/// What happened in a post-hoc check.
public enum PostHocCheckEvent: NamedEvent {
    case opened(subject: CheckSubject, origin: CheckOrigin, on: Day)
    case confirmed(note: String, on: Day)
    case falsified(finding: FalsificationFinding, on: Day)

    public var name: String {
        switch self {
        case .opened: "opened"
        case .confirmed: "confirmed"
        case .falsified: "falsified"
        }
    }
}
