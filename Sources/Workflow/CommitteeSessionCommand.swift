/// Commands for a committee session. Roles: office clerk or committee secretary plan and draw;
/// an expert declares their own conflict; the office (clerk or head) recuses; the committee
/// secretary convenes, records the counted ballot boxes and closes.
public enum CommitteeSessionCommand: Sendable, Equatable {
    case plan(SessionPlan)
    /// Draw `needed × policy.committee.drawRatio` experts from `pool` with `SeededGenerator(seed)`.
    case drawExperts(pool: [ExpertRef], needed: Int, seed: UInt64)
    /// The expert (actor id = expert id) declares a conflict of interest before the meeting.
    case declareConflict(expertID: String, note: String)
    /// The office recuses an expert before the meeting.
    case recuseExpert(expertID: String, note: String)
    /// Open the meeting with the experts present (must be seated; quorum of the members).
    case convene(present: [String])
    /// The counted ballot box for one candidate: the experts who put a ballot in it and the
    /// totals. Secret ballot 无记名投票: the box is recorded whole, once, with a ballot from
    /// every expert present, so no record pairs an expert with a choice.
    case recordBallots(applicationID: String, voters: [String], counts: VoteCounts)
    /// Close with the minutes; every present expert must have voted on every candidate.
    case close(minutes: String)

    public var chinese: String {
        switch self {
        case .plan: "安排评审会议"
        case .drawExperts: "抽取评审专家"
        case .declareConflict: "申请回避"
        case .recuseExpert: "决定专家回避"
        case .convene: "召开评审会议"
        case .recordBallots: "登记投票结果"
        case .close: "闭会"
        }
    }
}
