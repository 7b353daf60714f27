import Foundation
import Testing

@testable import Store

@Test(arguments: [
    (1_772_000_000.123, "2026-02-25T06:13:20.123Z"), (0, "1970-01-01T00:00:00.000Z"),
    (-1.5, "1969-12-31T23:59:58.500Z"), (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
])
func timestampsAreUTCWithMilliseconds(seconds: Double, expected: String) {
    #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
}
