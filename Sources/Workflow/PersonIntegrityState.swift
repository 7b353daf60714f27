public import Domain

/// An integrity record 诚信档案记录 (blacklist): in force from `from` (included) to `until`
/// (excluded) — `until` is the first day the person may apply again (`BarEnd`).
public struct IntegrityRecord: Codable, Sendable, Equatable {
    public var reason: String
    /// The decision it rests on (e.g. the revocation decision number).
    public var basis: String
    public var from: Day
    /// The first day the person may apply again (exclusive end).
    public var until: Day

    public init(reason: String, basis: String, from: Day, until: Day) {
        self.reason = reason
        self.basis = basis
        self.from = from
        self.until = until
    }

    /// `until` is stored as `reapplyFrom`. Snapshots written before the convention held the
    /// record's last day under `until`; they are read as that day + 1.
    enum CodingKeys: String, CodingKey {
        case reason, basis, from
        case until = "reapplyFrom"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decode(String.self, forKey: .reason)
        basis = try c.decode(String.self, forKey: .basis)
        from = try c.decode(Day.self, forKey: .from)
        until = try LegacyLastDay.decodeUntil(
            c, .until, legacy: try decoder.container(keyedBy: LegacyLastDay.Key.self))
    }
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
