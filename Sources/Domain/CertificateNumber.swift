/// Certificate numbers 证书编号: region, year, series, level and a sequence that is unique,
/// never reused and gap-free per year (the store hands out the sequence inside the issuing
/// transaction). Example: `4108` `2026` `08` `2` `00017` → `41082026082 00017` without the space.
public enum CertificateNumber {
    /// One digit per level: 正高 1, 副高 2, 中级 3, 助理级 4, 员级 5.
    public static func levelCode(_ level: Level) -> String { String(5 - level.rank) }

    public static func format(policy: Policy, year: Int, series: Series, level: Level, sequence: Int) -> String {
        let seq = String(sequence)
        let padded = String(repeating: "0", count: max(0, policy.certificateSequenceDigits - seq.count)) + seq
        return "\(policy.region.code)\(year)\(series.code)\(levelCode(level))\(padded)"
    }

    /// The name of the gap-free counter for a year's certificates.
    public static func counterName(year: Int) -> String { "certificate-\(year)" }
}

/// Document numbers 文号: 焦职改〔2026〕12号.
public enum DocumentNumber {
    public static func format(policy: Policy, year: Int, sequence: Int) -> String {
        "\(policy.region.documentPrefix)〔\(year)〕\(sequence)号"
    }

    public static func counterName(year: Int) -> String { "document-\(year)" }

    /// A county's own 文号 (seed item 6: a county confirms its committee's results under its
    /// prefix): 修职改〔2026〕3号.
    public static func format(county: Policy.County, year: Int, sequence: Int) -> String {
        "\(county.documentPrefix)〔\(year)〕\(sequence)号"
    }

    /// The county's own gap-free counter of a year.
    public static func counterName(county: String, year: Int) -> String { "document-\(county)-\(year)" }
}
