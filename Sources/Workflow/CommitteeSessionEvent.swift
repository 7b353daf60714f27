public import Domain

/// What happened at a committee session.
public enum CommitteeSessionEvent: NamedEvent {
    case planned(plan: SessionPlan, on: Day)
    /// `members` are seated first, `alternates` follow in draw order.
    case expertsDrawn(seed: UInt64, needed: Int, members: [ExpertRef], alternates: [ExpertRef], on: Day)
    case expertRecused(expertID: String, reason: RecusalReason, replacement: ExpertRef?, on: Day)
    case convened(present: [String], on: Day)
    /// Participation (sorted voter ids) and aggregate counts for one candidate; no pairing.
    case ballotsRecorded(applicationID: String, voters: [String], counts: VoteCounts, on: Day)
    case closed(minutes: String, results: [CandidateResult], on: Day)

    public var name: String {
        switch self {
        case .planned: "planned"
        case .expertsDrawn: "expertsDrawn"
        case .expertRecused: "expertRecused"
        case .convened: "convened"
        case .ballotsRecorded: "ballotsRecorded"
        case .closed: "closed"
        }
    }
}
