import Foundation
import GRDB
import Workflow

// Batch reads for rendering a whole season's documents: what every document of a batch needs,
// gathered in a few queries (IN lists of at most `batchLimit` ids) instead of a query per
// document. `Issuance` asks these once per batch and per kind; the per-record reads
// (`history`, `person`, `declaration`, …) give the same values one at a time.

extension EventStore {
    /// Ids per `IN (…)` list (well under SQLite's default limit of bound parameters).
    static let batchLimit = 500

    /// Runs `body` in one read for each chunk of the distinct ids, with the chunk and its `?,?,…`.
    private func inChunks<T>(
        _ ids: [String], _ body: (Database, [String], String) throws -> [T]
    ) throws(StoreError) -> [T] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [] }
        return try read { db in
            var out: [T] = []
            for start in stride(from: 0, to: unique.count, by: Self.batchLimit) {
                let chunk = Array(unique[start..<min(start + Self.batchLimit, unique.count)])
                out += try body(db, chunk, chunk.map { _ in "?" }.joined(separator: ","))
            }
            return out
        }
    }

    /// The events of many streams of one machine, each stream's in order, with each event
    /// decoded (streams without events are absent). One query per `batchLimit` streams.
    public func histories<M: Machine>(
        _ machine: M.Type, ids: [String]
    ) throws(StoreError) -> [String: [(stored: StoredEvent, event: M.Event)]] {
        let stored: [StoredEvent] = try inChunks(ids) { db, chunk, marks in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM events WHERE stream_kind = ? AND stream_id IN (\(marks))
                    ORDER BY stream_id, version
                    """,
                arguments: StatementArguments([M.kind] + chunk)
            ).map(StoredEvent.init(row:))
        }
        // Decoded on every core (the JSON decoder is most of a batch's reading).
        let slots = DecodedEvents<M.Event>(count: stored.count)
        let workers = stored.count >= 64 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let decoder = JSONDecoder()
            for i in stride(from: w, to: stored.count, by: workers) {
                slots.set(i, Result { try decoder.decode(M.Event.self, from: Data(stored[i].payload.utf8)) })
            }
        }
        var grouped: [String: [(stored: StoredEvent, event: M.Event)]] = [:]
        for (i, e) in stored.enumerated() {
            switch slots.get(i) {
            case .success(let event)?: grouped[e.streamID, default: []].append((e, event))
            case .failure(let error)?:
                throw .corrupt(stream: "\(M.kind)/\(e.streamID)", reason: "event \(e.version) does not decode: \(error)")
            case nil: throw .corrupt(stream: "\(M.kind)/\(e.streamID)", reason: "event \(e.version) was not decoded")
            }
        }
        return grouped
    }

    /// The people with these ids (those registered), by id.
    public func people(ids: [String]) throws(StoreError) -> [String: PersonRecord] {
        let rows: [PersonRecord] = try inChunks(ids) { db, chunk, marks in
            try Row.fetchAll(db, sql: "SELECT * FROM people WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                .map(Self.person)
        }
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The units with these ids (those registered), by id.
    public func units(ids: [String]) throws(StoreError) -> [String: UnitRecord] {
        let rows: [UnitRecord] = try inChunks(ids) { db, chunk, marks in
            try Row.fetchAll(db, sql: "SELECT * FROM units WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                .map(Self.unit)
        }
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every submission's declaration of each of these applications, oldest first, by
    /// application (`declaration(applicationID:asOf:)` is the latest of these at or before a
    /// version).
    public func declarations(applicationIDs: [String]) throws(StoreError) -> [String: [StoredDeclaration]] {
        let rows: [StoredDeclaration] = try inChunks(applicationIDs) { db, chunk, marks in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM declarations WHERE application_id IN (\(marks)) ORDER BY application_id, version",
                arguments: StatementArguments(chunk)
            ).map(StoredDeclaration.init(row:))
        }
        return Dictionary(grouping: rows, by: \.applicationID)
    }
}

/// One slot per event, each written by one decoding thread (distinct indices), read after all
/// have finished.
private final class DecodedEvents<Event>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<Event, any Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ i: Int, _ value: Result<Event, any Error>) { slots[i] = value }
    func get(_ i: Int) -> Result<Event, any Error>? { slots[i] }
}
