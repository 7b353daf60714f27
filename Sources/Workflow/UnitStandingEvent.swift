public import Domain

/// What happened to a unit's standing.
public enum UnitStandingEvent: NamedEvent {
    /// `until` is the first day the unit's title work resumes (`BarEnd`), stored as `reapplyFrom`.
    case suspended(reason: String, decisionNumber: String, from: Day, until: Day)
    case lifted(reason: String, on: Day)
    case expired(on: Day)
    /// Self-review authority granted for `series` × `levels` by decision `decisionNumber`.
    case selfReviewGranted(series: [Series], levels: [Level], decisionNumber: String, on: Day)
    case selfReviewWithdrawn(reason: String, decisionNumber: String, on: Day)

    public var name: String {
        switch self {
        case .suspended: "suspended"
        case .lifted: "lifted"
        case .expired: "expired"
        case .selfReviewGranted: "selfReviewGranted"
        case .selfReviewWithdrawn: "selfReviewWithdrawn"
        }
    }

    enum CodingKeys: String, CodingKey { case suspended, lifted, expired, selfReviewGranted, selfReviewWithdrawn }
    enum SuspendedCodingKeys: String, CodingKey {
        case reason, decisionNumber, from
        case until = "reapplyFrom"
    }
    enum LiftedCodingKeys: String, CodingKey { case reason, on }
    enum ExpiredCodingKeys: String, CodingKey { case on }
    enum SelfReviewGrantedCodingKeys: String, CodingKey { case series, levels, decisionNumber, on }
    enum SelfReviewWithdrawnCodingKeys: String, CodingKey { case reason, decisionNumber, on }

    /// As the synthesized decoder, except that a `suspended` payload written before the
    /// convention (the last day under `until`) is read as that day + 1 (`LegacyLastDay`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw LegacyLastDay.notOneCase(decoder, Self.self)
        }
        switch key {
        case .suspended:
            let s = try c.nestedContainer(keyedBy: SuspendedCodingKeys.self, forKey: .suspended)
            let legacy = try c.nestedContainer(keyedBy: LegacyLastDay.Key.self, forKey: .suspended)
            self = .suspended(
                reason: try s.decode(String.self, forKey: .reason),
                decisionNumber: try s.decode(String.self, forKey: .decisionNumber),
                from: try s.decode(Day.self, forKey: .from),
                until: try LegacyLastDay.decodeUntil(s, .until, legacy: legacy))
        case .lifted:
            let l = try c.nestedContainer(keyedBy: LiftedCodingKeys.self, forKey: .lifted)
            self = .lifted(reason: try l.decode(String.self, forKey: .reason), on: try l.decode(Day.self, forKey: .on))
        case .expired:
            let e = try c.nestedContainer(keyedBy: ExpiredCodingKeys.self, forKey: .expired)
            self = .expired(on: try e.decode(Day.self, forKey: .on))
        case .selfReviewGranted:
            let g = try c.nestedContainer(keyedBy: SelfReviewGrantedCodingKeys.self, forKey: .selfReviewGranted)
            self = .selfReviewGranted(
                series: try g.decode([Series].self, forKey: .series), levels: try g.decode([Level].self, forKey: .levels),
                decisionNumber: try g.decode(String.self, forKey: .decisionNumber), on: try g.decode(Day.self, forKey: .on))
        case .selfReviewWithdrawn:
            let w = try c.nestedContainer(keyedBy: SelfReviewWithdrawnCodingKeys.self, forKey: .selfReviewWithdrawn)
            self = .selfReviewWithdrawn(
                reason: try w.decode(String.self, forKey: .reason),
                decisionNumber: try w.decode(String.self, forKey: .decisionNumber), on: try w.decode(Day.self, forKey: .on))
        }
    }
}
