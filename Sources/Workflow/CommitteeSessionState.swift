public import Domain

/// The state of one committee session 评审会议.
///
/// Ballot secrecy: per candidate the state keeps only the counts and the sorted list of the
/// experts who cast a ballot; nothing anywhere pairs an expert with a choice.
public struct CommitteeSessionState: Codable, Sendable, Equatable {
    public var stage: CommitteeSessionStage = .none
    public var plan: SessionPlan?
    public var plannedOn: Day?
    /// The seed of the draw, kept so the draw can be audited and reproduced.
    public var seed: UInt64?
    public var needed: Int = 0
    /// Every expert drawn, in draw order (members first, then alternates).
    public var drawn: [ExpertRef] = []
    /// The experts currently seated.
    public var members: [ExpertRef] = []
    /// Alternates not yet used, in draw order.
    public var alternates: [ExpertRef] = []
    public var recusals: [RecusalRecord] = []
    /// Experts present at the meeting (sorted ids).
    public var present: [String] = []
    public var convenedOn: Day?
    /// Ballot counts per application id.
    public var counts: [String: VoteCounts] = [:]
    /// Experts who cast a ballot, per application id (sorted ids; participation only).
    public var voters: [String: [String]] = [:]
    public var minutes: String?
    public var closedOn: Day?
    public var results: [CandidateResult] = []

    public init() {}

    public var recusedIDs: Set<String> { Set(recusals.map(\.expertID)) }
}
