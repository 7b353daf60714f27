public import Domain

/// What happened to a person's integrity file.
public enum PersonIntegrityEvent: NamedEvent {
    /// `until` is the first day the person may apply again (`BarEnd`), stored as `reapplyFrom`.
    case recorded(reason: String, basis: String, from: Day, until: Day)
    case expired(on: Day)

    public var name: String {
        switch self {
        case .recorded: "recorded"
        case .expired: "expired"
        }
    }

    enum CodingKeys: String, CodingKey { case recorded, expired }
    enum RecordedCodingKeys: String, CodingKey {
        case reason, basis, from
        case until = "reapplyFrom"
    }
    enum ExpiredCodingKeys: String, CodingKey { case on }

    /// As the synthesized decoder, except that a `recorded` payload written before the
    /// convention (the last day under `until`) is read as that day + 1 (`LegacyLastDay`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw LegacyLastDay.notOneCase(decoder, Self.self)
        }
        switch key {
        case .recorded:
            let r = try c.nestedContainer(keyedBy: RecordedCodingKeys.self, forKey: .recorded)
            let legacy = try c.nestedContainer(keyedBy: LegacyLastDay.Key.self, forKey: .recorded)
            self = .recorded(
                reason: try r.decode(String.self, forKey: .reason), basis: try r.decode(String.self, forKey: .basis),
                from: try r.decode(Day.self, forKey: .from),
                until: try LegacyLastDay.decodeUntil(r, .until, legacy: legacy))
        case .expired:
            let e = try c.nestedContainer(keyedBy: ExpiredCodingKeys.self, forKey: .expired)
            self = .expired(on: try e.decode(Day.self, forKey: .on))
        }
    }
}
