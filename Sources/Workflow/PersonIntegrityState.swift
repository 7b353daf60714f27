public import Domain

/// An integrity record 诚信档案记录 (blacklist): from and until (both inclusive).
public struct IntegrityRecord: Codable, Sendable, Equatable {
    public var reason: String
    /// The decision it rests on (e.g. the revocation decision number).
    public var basis: String
    public var from: Day
    /// The last day of the record.
    public var until: Day
}

/// A person's integrity standing: clean, or recorded until a day.
public struct PersonIntegrityState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case clean
        case recorded

        public var chinese: String {
            switch self {
            case .clean: "无失信记录"
            case .recorded: "失信记录期内"
            }
        }
    }

    public var status: Status = .clean
    public var record: IntegrityRecord?
    /// Earlier records, oldest first.
    public var history: [IntegrityRecord] = []

    public init() {}
}
