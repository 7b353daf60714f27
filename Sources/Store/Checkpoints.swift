import Domain
import Foundation
import GRDB

/// One stream's head as a checkpoint records it: the version and hash of its last event.
public struct CheckpointHead: Codable, Sendable, Equatable, Hashable {
    public var kind: String
    public var id: String
    public var version: Int
    public var hash: String

    public init(kind: String, id: String, version: Int, hash: String) {
        self.kind = kind
        self.id = id
        self.version = version
        self.hash = hash
    }

    /// `kind/id`, as problems name streams.
    public var stream: String { "\(kind)/\(id)" }
}

/// What a checkpoint signs: every stream's head at one point of the log (`root`, a SHA-256 over
/// the heads sorted by stream), how far the log reached (`maxSeq`, `eventCount`) and the
/// previous checkpoint (SHA-256 of its body text), so that checkpoints form a chain of their
/// own. Written as canonical JSON (RFC 8785); the exact text is what is signed and stored.
public struct CheckpointBody: Codable, Sendable, Equatable {
    public var format: String
    public var number: Int
    /// When it was made (UTC, ISO 8601 as the log writes times).
    public var createdAt: String
    /// The `seq` of the last event it covers (0: an empty log).
    public var maxSeq: Int
    public var streamCount: Int
    public var eventCount: Int
    /// `CheckpointBody.root(of:)` of every stream's head at `maxSeq`.
    public var root: String
    /// SHA-256 of the previous checkpoint's body text (`EventHash.genesis` for the first).
    public var previous: String

    public static let currentFormat = "pingshen-checkpoint/1"

    public init(
        number: Int, createdAt: String, maxSeq: Int, streamCount: Int, eventCount: Int, root: String, previous: String
    ) {
        format = Self.currentFormat
        self.number = number
        self.createdAt = createdAt
        self.maxSeq = maxSeq
        self.streamCount = streamCount
        self.eventCount = eventCount
        self.root = root
        self.previous = previous
    }

    /// The text that is signed and stored (RFC 8785 canonical JSON).
    public func text() throws(StoreError) -> String {
        do { return try SortedJSONEncoder.encode(self) } catch {
            throw .database("checkpoint does not encode: \(error)")
        }
    }

    /// Reads a body from its stored text.
    public static func parse(_ text: String) -> CheckpointBody? {
        try? JSONDecoder().decode(CheckpointBody.self, from: Data(text.utf8))
    }

    /// SHA-256 over the heads sorted by kind, then id (UTF-8 byte order), each field
    /// length-prefixed like the event hash, so no two sets of heads give the same bytes.
    public static func root<C: Collection>(of heads: C) -> String where C.Element == CheckpointHead {
        let sorted = heads.sorted {
            $0.kind != $1.kind
                ? $0.kind.utf8.lexicographicallyPrecedes($1.kind.utf8)
                : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
        }
        var bytes: [UInt8] = Array("pingshen-heads/1\n".utf8)
        func add(_ field: String) {
            bytes.append(contentsOf: String(field.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: field.utf8)
        }
        for h in sorted {
            add(h.kind)
            add(h.id)
            add(String(h.version))
            add(h.hash)
        }
        return SHA256Digest.hex(of: bytes)
    }

    /// SHA-256 of a body's stored text: the next checkpoint's `previous`.
    public static func hash(ofText text: String) -> String { SHA256Digest.hex(of: text) }
}

/// A signed checkpoint as the database keeps it.
public struct StoredCheckpoint: Sendable, Equatable {
    public var number: Int
    /// The body's exact text, as signed.
    public var body: String
    public var keyID: String
    /// The Ed25519 signature over the body text's UTF-8 bytes, base64.
    public var signature: String
    public var createdAt: String

    public init(number: Int, body: String, keyID: String, signature: String, createdAt: String) {
        self.number = number
        self.body = body
        self.keyID = keyID
        self.signature = signature
        self.createdAt = createdAt
    }
}

/// What `appendCheckpoint` wrote, with the heads a file outside the database records.
public struct AppendedCheckpoint: Sendable {
    public var stored: StoredCheckpoint
    public var body: CheckpointBody
    /// The heads that changed since the previous checkpoint (every head for the first).
    public var changedHeads: [CheckpointHead]
}

extension EventStore {
    /// The number of events in the log.
    public func eventCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    /// When the log's last event was recorded (nil: an empty log).
    public func lastRecordedAt() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT recorded_at FROM events ORDER BY seq DESC LIMIT 1") }
    }

    /// Every checkpoint in the database, by number.
    public func checkpoints() throws(StoreError) -> [StoredCheckpoint] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, body, key_id, signature, created_at FROM checkpoints ORDER BY number"
            )
            .map {
                StoredCheckpoint(
                    number: $0["number"], body: $0["body"], keyID: $0["key_id"], signature: $0["signature"],
                    createdAt: $0["created_at"])
            }
        }
    }

    /// Makes the next checkpoint of the log as it is now, in one write transaction (no event can
    /// slip in between reading the heads and storing the checkpoint).
    ///
    /// Before it signs anything it checks that the log up to the previous checkpoint still has
    /// the heads that checkpoint signed: a database whose earlier history was changed is not
    /// blessed with a fresh signature (`StoreError.corrupt`).
    /// - Parameter sign: signs the body text's bytes: the key id and the signature (base64).
    public func appendCheckpoint(
        now: Date, sign: (_ bytes: [UInt8]) throws -> (keyID: String, signature: String)
    ) throws(StoreError) -> AppendedCheckpoint {
        try write { tx in
            let db = tx.db
            let last = try Row.fetchOne(db, sql: "SELECT number, body FROM checkpoints ORDER BY number DESC LIMIT 1")
            let maxSeq = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0
            let eventCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
            let heads = try Self.heads(db, upTo: maxSeq)
            var previousHeads: [String: CheckpointHead] = [:]
            var previousHash = EventHash.genesis
            var number = 1
            if let last {
                let text: String = last["body"]
                guard let previous = CheckpointBody.parse(text) else {
                    throw StoreError.corrupt(
                        stream: "checkpoints", reason: "checkpoint \(last["number"] as Int) does not read")
                }
                let earlier = try Self.heads(db, upTo: previous.maxSeq)
                let earlierCount =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM events WHERE seq <= ?", arguments: [previous.maxSeq]) ?? 0
                guard CheckpointBody.root(of: earlier.values) == previous.root, earlierCount == previous.eventCount
                else {
                    throw StoreError.corrupt(
                        stream: "checkpoints",
                        reason: "the log before checkpoint \(previous.number) no longer has the heads it signed")
                }
                previousHeads = earlier
                previousHash = CheckpointBody.hash(ofText: text)
                number = previous.number + 1
            }
            let body = CheckpointBody(
                number: number, createdAt: Timestamp.format(now), maxSeq: maxSeq, streamCount: heads.count,
                eventCount: eventCount, root: CheckpointBody.root(of: heads.values), previous: previousHash)
            let text = try body.text()
            let signed = try sign(Array(text.utf8))
            let stored = StoredCheckpoint(
                number: number, body: text, keyID: signed.keyID, signature: signed.signature, createdAt: body.createdAt)
            try db.execute(
                sql: "INSERT INTO checkpoints (number, body, key_id, signature, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [stored.number, stored.body, stored.keyID, stored.signature, stored.createdAt])
            let changed = heads.values.filter { previousHeads[$0.stream] != $0 }.sorted {
                $0.stream.utf8.lexicographicallyPrecedes($1.stream.utf8)
            }
            return AppendedCheckpoint(stored: stored, body: body, changedHeads: changed)
        }
    }

    /// Every stream's head as of event `seq` (the last event of each stream with a seq up to it).
    static func heads(_ db: Database, upTo seq: Int) throws -> [String: CheckpointHead] {
        // SQLite takes a bare column from the row holding the MAX.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT stream_kind, stream_id, MAX(version) AS version, hash FROM events
                WHERE seq <= ? GROUP BY stream_kind, stream_id
                """, arguments: [seq])
        var out: [String: CheckpointHead] = [:]
        while let r = try rows.next() {
            let head = CheckpointHead(kind: r[0], id: r[1], version: r[2], hash: r[3])
            out[head.stream] = head
        }
        return out
    }

    /// Walks the log once in `seq` order and hands `visit` every stream's head and the number of
    /// events as of each cut (ascending `seq` values; a checkpoint's `maxSeq`).
    public func walkHeads(
        cuts: [Int], _ visit: (_ index: Int, _ heads: [String: CheckpointHead], _ eventCount: Int) throws -> Void
    ) throws(StoreError) {
        try read { db in
            var heads: [String: CheckpointHead] = [:]
            var count = 0
            var next = 0
            let order = cuts.indices.sorted { cuts[$0] < cuts[$1] }
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT seq, stream_kind, stream_id, version, hash FROM events ORDER BY seq")
            while let r = try cursor.next() {
                let seq: Int = r[0]
                while next < order.count, cuts[order[next]] < seq {
                    try visit(order[next], heads, count)
                    next += 1
                }
                let head = CheckpointHead(kind: r[1], id: r[2], version: r[3], hash: r[4])
                count += 1
                // Versions grow with seq in an intact log; keep the highest seen.
                if let known = heads[head.stream], known.version > head.version { continue }
                heads[head.stream] = head
            }
            while next < order.count {
                try visit(order[next], heads, count)
                next += 1
            }
        }
    }
}
