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

/// The chain's hash of one event, computed independently (Python's hashlib over the
/// length-prefixed fields): changing how the bytes are fed must not change a single hash.
@Test func eventHashIsTheLengthPrefixedSHA256OfEveryField() {
    let fields = EventHash.Fields(
        previous: EventHash.genesis, streamKind: "application", streamID: "A2026-00001", version: 3,
        type: "submitted", actorID: "applicant-P00001", actorRole: "applicant", recordedAt: "2026-03-02T01:00:00.001Z",
        payload: #"{"submitted":{"note":"第一次提交"}}"#)
    #expect(EventHash.hash(fields) == "2cad5972875fa31533ef3ba40be80568ca2b836293183b4cdd6ffaa8374b9942")
}
