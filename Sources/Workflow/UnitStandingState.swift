public import Domain

/// A unit's suspension 暂停职称评审和聘任工作: in force from `from` (included) to `until`
/// (excluded) — `until` is the first day the unit's staff may apply again (`BarEnd`).
public struct UnitSuspension: Codable, Sendable, Equatable {
    public var reason: String
    public var decisionNumber: String
    public var from: Day
    /// The first day the unit's title work resumes (exclusive end).
    public var until: Day

    public init(reason: String, decisionNumber: String, from: Day, until: Day) {
        self.reason = reason
        self.decisionNumber = decisionNumber
        self.from = from
        self.until = until
    }

    /// `until` is stored as `reapplyFrom`. Snapshots written before the convention held the
    /// suspension's last day under `until`; they are read as that day + 1.
    enum CodingKeys: String, CodingKey {
        case reason, decisionNumber, from
        case until = "reapplyFrom"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decode(String.self, forKey: .reason)
        decisionNumber = try c.decode(String.self, forKey: .decisionNumber)
        from = try c.decode(Day.self, forKey: .from)
        until = try LegacyLastDay.decodeUntil(
            c, .until, legacy: try decoder.container(keyedBy: LegacyLastDay.Key.self))
    }
}

/// A unit's standing: normal, or suspended until a day.
public struct UnitStandingState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case normal
        case suspended

        public var chinese: String {
            switch self {
            case .normal: "正常"
            case .suspended: "暂停职称评审和聘任工作"
            }
        }
    }

    public var status: Status = .normal
    public var suspension: UnitSuspension?
    /// Earlier suspensions, oldest first (the current one is `suspension`).
    public var history: [UnitSuspension] = []
    /// The self-review authority in force (seed item 6), nil when none was granted or it was
    /// withdrawn (absent from older snapshots).
    public var selfReview: SelfReviewGrant?

    public init() {}
}
