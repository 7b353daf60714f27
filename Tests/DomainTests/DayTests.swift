import Foundation
import Testing

@testable import Domain

@Suite struct DayTests {
    /// The hand-formatted `YYYY-MM-DD` equals the padded form for every kind of component, and
    /// parses back to the same day.
    @Test func descriptionIsZeroPaddedAndParsesBack() throws {
        let cases: [(Int, Int, Int, String)] = [
            (2026, 3, 2, "2026-03-02"), (1, 1, 1, "0001-01-01"), (999, 12, 31, "0999-12-31"),
            (9999, 12, 31, "9999-12-31"), (2024, 2, 29, "2024-02-29"), (1970, 1, 1, "1970-01-01"),
        ]
        for (y, m, d, text) in cases {
            let day = try #require(Day(year: y, month: m, day: d))
            #expect(day.description == text)
            #expect(Day(text) == day)
        }
        // Every day of a leap year and the days around 1970 round-trip.
        let start = try #require(Day(year: 1968, month: 12, day: 1))
        for n in 0..<800 {
            let day = start.adding(days: n)
            let (y, m, d) = day.components
            #expect(day.description == String(format: "%04d-%02d-%02d", y, m, d))
            #expect(Day(day.description) == day)
        }
    }
}
