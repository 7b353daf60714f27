/// The end of a bar on applying — an integrity record 失信黑名单, a unit's suspension
/// 暂停职称评审和聘任工作, a disciplinary sanction 处分 — in one convention everywhere:
/// `until` is **the first day one may apply again** (an exclusive end). The bar is in force on
/// every day before `until`; its last day is the day before.
///
/// ```swift
/// let until = BarEnd.until(from: Day("2026-05-11")!, years: 3)  // 2029-05-11
/// BarEnd.isInForce(until: until, on: Day("2029-05-10")!)        // true: the last day
/// BarEnd.isInForce(until: until, on: until)                     // false: may apply again
/// BarEnd.chinese(until: until)  // "2029年5月10日止，2029年5月11日起方可申报"
/// ```
public enum BarEnd {
    /// The end of a bar of `years` years whose first day is `start`: the same month and day
    /// `years` later (29 February → 28 February in a common year), so the bar lasts exactly
    /// `years` years of days.
    public static func until(from start: Day, years: Int) -> Day { start.adding(years: years) }

    /// Whether a bar ending at `until` is in force on `day`.
    public static func isInForce(until: Day, on day: Day) -> Bool { day < until }

    /// The last day a bar ending at `until` is in force.
    public static func lastDay(until: Day) -> Day { until.adding(days: -1) }

    /// How pages, documents and refusals print the end: the last day and the first free day,
    /// e.g. "2029年5月10日止，2029年5月11日起方可申报" (after "至" in a sentence).
    /// - Parameter then: what is possible again from `until` (方可申报, 恢复 …).
    public static func chinese(until: Day, then: String = "方可申报") -> String {
        "\(lastDay(until: until).chinese)止，\(until.chinese)起\(then)"
    }
}
