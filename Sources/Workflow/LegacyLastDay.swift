import Domain

/// Reading the end of a bar from payloads written before `BarEnd`'s convention.
///
/// Events and snapshots of `PersonIntegrityMachine` and `UnitStandingMachine` written before
/// the convention held the bar's **last day** under the key `until`; they now hold the first
/// day one may apply again under `reapplyFrom`. The log is hash-chained and never rewritten, so
/// an old payload is read as its last day + 1 — the same bar in the new meaning. New payloads
/// always carry `reapplyFrom`, so a payload's key says which meaning it has.
enum LegacyLastDay {
    enum Key: String, CodingKey { case until }

    /// `key` (the first day one may apply again) when present, else the legacy `until` + 1 day.
    static func decodeUntil<K: CodingKey>(
        _ container: KeyedDecodingContainer<K>, _ key: K, legacy: KeyedDecodingContainer<Key>
    ) throws -> Day {
        if let until = try container.decodeIfPresent(Day.self, forKey: key) { return until }
        return try legacy.decode(Day.self, forKey: .until).adding(days: 1)
    }

    /// The error a synthesized enum decoder throws when the payload is not one case.
    static func notOneCase(_ decoder: any Decoder, _ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(codingPath: decoder.codingPath, debugDescription: "Invalid number of keys found, expected one."))
    }
}
