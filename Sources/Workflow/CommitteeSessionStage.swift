/// Where a committee session stands.
public enum CommitteeSessionStage: String, Codable, Sendable, CaseIterable {
    case none = "not-planned"
    case planned
    /// Experts drawn; recusals may still happen.
    case drawn = "experts-drawn"
    /// The meeting is open with a quorum.
    case convened
    /// At least one ballot box has been counted.
    case voting
    case closed

    public var chinese: String {
        switch self {
        case .none: "未安排"
        case .planned: "已安排"
        case .drawn: "已抽取专家"
        case .convened: "已开会"
        case .voting: "投票中"
        case .closed: "已闭会"
        }
    }
}
