import Crypto
import Domain
import Foundation

/// The hash chain of the event log: each event's hash covers the previous event's hash in its
/// stream and every stored column of the event, length-prefixed so no two different events
/// can encode to the same bytes.
public enum EventHash {
    /// The "previous hash" of a stream's first event.
    public static let genesis = String(repeating: "0", count: 64)

    public struct Fields: Sendable {
        public var previous: String
        public var streamKind: String
        public var streamID: String
        public var version: Int
        public var type: String
        public var actorID: String
        public var actorRole: String
        public var recordedAt: String
        public var payload: String

        public init(
            previous: String, streamKind: String, streamID: String, version: Int, type: String, actorID: String,
            actorRole: String, recordedAt: String, payload: String
        ) {
            self.previous = previous
            self.streamKind = streamKind
            self.streamID = streamID
            self.version = version
            self.type = type
            self.actorID = actorID
            self.actorRole = actorRole
            self.recordedAt = recordedAt
            self.payload = payload
        }
    }

    public static func hash(_ f: Fields) -> String {
        // One buffer, hashed once: the same bytes as feeding the fields one by one, without
        // an array per field (the hash was a twentieth of a transition).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320 + f.payload.utf8.count)
        func add(_ field: String) {
            var field = field
            field.withUTF8 { utf8 in
                bytes.append(contentsOf: String(utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: utf8)
            }
        }
        add(f.previous)
        add(f.streamKind)
        add(f.streamID)
        add(String(f.version))
        add(f.type)
        add(f.actorID)
        add(f.actorRole)
        add(f.recordedAt)
        add(f.payload)
        return hex(SHA256.hash(data: bytes))
    }

    /// Lower-case hex of a digest (`Domain.Hex`, the one hex encoder).
    public static func hex(_ digest: some Sequence<UInt8>) -> String { Hex.lowercase(digest) }
}

/// Timestamps in the log: UTC, millisecond precision, ISO 8601 (`2026-03-02T01:30:00.000Z`).
public enum Timestamp {
    /// Reads what `format` writes (and the same without the milliseconds); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    public static func format(_ date: Date) -> String {
        let ms = Int((date.timeIntervalSince1970 * 1000).rounded())
        let (secs, milli) = ms.quotientAndRemainder(dividingBy: 1000)
        let s = milli < 0 ? secs - 1 : secs
        let m = milli < 0 ? milli + 1000 : milli
        let (days, rest) = s.quotientAndRemainder(dividingBy: 86_400)
        let d = rest < 0 ? days - 1 : days
        let r = rest < 0 ? rest + 86_400 : rest
        let c = Day(ordinal: d).components
        // Hand-formatted: String(format:) goes through the locale machinery on every event.
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(48 + v % 10)
                v /= 10
            }
            out.append(contentsOf: digits)
        }
        put(c.year, 4)
        out.append(45)
        put(c.month, 2)
        out.append(45)
        put(c.day, 2)
        out.append(84)
        put(r / 3600, 2)
        out.append(58)
        put(r / 60 % 60, 2)
        out.append(58)
        put(r % 60, 2)
        out.append(46)
        put(m, 3)
        out.append(90)
        return String(decoding: out, as: UTF8.self)
    }
}

extension EventHash {
    /// SHA-256 of a string's UTF-8 bytes, lower-case hex.
    public static func sha256Hex(_ text: String) -> String { Domain.SHA256Digest.hex(of: text) }
}
