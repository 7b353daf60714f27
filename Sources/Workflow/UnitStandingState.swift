public import Domain

/// A unit's suspension 暂停职称评审和聘任工作: from and until (both inclusive).
public struct UnitSuspension: Codable, Sendable, Equatable {
    public var reason: String
    public var decisionNumber: String
    public var from: Day
    /// The last day of the suspension.
    public var until: Day
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

    public init() {}
}
