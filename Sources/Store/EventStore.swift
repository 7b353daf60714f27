import Domain
import Foundation
import GRDB
import Workflow

/// The durable store: an append-only, hash-chained event log in SQLite (WAL) with a projection
/// of each stream's current state. Every command runs in one transaction: the events, the
/// projection and the queued documents land together or not at all.
///
/// ```swift
/// let store = try EventStore(path: "pingshen.sqlite")
/// let outcome = try store.execute(ApplicationMachine.self, id: "A1", .submit(...), context: ctx)
/// ```
public final class EventStore: Sendable {
    public let writer: any DatabaseWriter
    public let path: String?

    /// Opens (creating if needed) the database file and migrates it.
    public init(path: String) throws(StoreError) {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL: durable at checkpoints, never corrupt
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
            writer = pool
            self.path = path
        } catch {
            throw .database("cannot open \(path): \(error)")
        }
    }

    /// A private in-memory database, for tests.
    public init(inMemory: Void = ()) throws(StoreError) {
        do {
            let queue = try DatabaseQueue()
            try Migrations.migrator.migrate(queue)
            writer = queue
            path = nil
        } catch {
            throw .database("\(error)")
        }
    }

    /// Runs `body` in one write transaction. Anything it throws rolls back everything it did.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.write { db in
                let tx = StoreTransaction(db: db)
                return try body(tx)
            }
        } catch let error as StoreError {
            throw error
        } catch let refusal as Refusal {
            throw .refused(refusal)
        } catch {
            throw .database("\(error)")
        }
    }

    /// Executes one command on one stream as one transaction.
    ///
    /// - Parameter expectedVersion: the version the caller saw; a different current version is
    ///   a conflict and nothing is written. Nil skips the check (schedulers, scripts).
    @discardableResult
    public func execute<M: Machine>(
        _ machine: M.Type, id: String, _ command: M.Command, context: Context, expectedVersion: Int? = nil
    ) throws(StoreError) -> Outcome<M> {
        try write { tx in try tx.execute(machine, id: id, command, context: context, expectedVersion: expectedVersion) }
    }

    /// Reads a stream's current state from the projection.
    public func load<M: Machine>(_ machine: M.Type, id: String) throws(StoreError) -> Versioned<M.State>? {
        do {
            return try writer.read { db in try StoreTransaction.loadProjection(machine, id: id, db: db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("\(error)")
        }
    }

    /// Runs a read-only query.
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.read(body) } catch let error as StoreError { throw error } catch {
            throw .database("\(error)")
        }
    }
}

/// A stream's state with the version it was read at.
public struct Versioned<State: Sendable>: Sendable {
    public var version: Int
    public var state: State
    public var headHash: String
}

extension Versioned: Equatable where State: Equatable {}

/// What a committed command produced.
public struct Outcome<M: Machine>: Sendable {
    public var streamID: String
    public var version: Int
    public var state: M.State
    public var events: [M.Event]
    public var documents: [DocumentRequest]
}

/// One write transaction. Obtained from `EventStore.write`; not to be kept.
public final class StoreTransaction {
    public let db: Database
    /// Encoders are reused: creating one per event is measurable at season scale.
    let encoder: JSONEncoder
    let decoder = JSONDecoder()

    init(db: Database) {
        self.db = db
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func load<M: Machine>(_ machine: M.Type, id: String) throws -> Versioned<M.State>? {
        try Self.loadProjection(machine, id: id, db: db, decoder: decoder)
    }

    static func loadProjection<M: Machine>(
        _ machine: M.Type, id: String, db: Database, decoder: JSONDecoder = JSONDecoder()
    ) throws -> Versioned<M.State>? {
        let statement = try db.cachedStatement(
            sql: "SELECT version, state, head_hash FROM streams WHERE kind = ? AND id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [M.kind, id]) else { return nil }
        let text: String = row[1]
        do {
            let state = try decoder.decode(M.State.self, from: Data(text.utf8))
            return Versioned(version: row[0], state: state, headHash: row[2])
        } catch {
            throw StoreError.corrupt(stream: "\(M.kind)/\(id)", reason: "projection does not decode: \(error)")
        }
    }

    /// Decides, appends the events (hash-chained), updates the projection and queues the
    /// documents. Throws `StoreError.refused` without writing when the machine refuses.
    @discardableResult
    public func execute<M: Machine>(
        _ machine: M.Type, id: String, _ command: M.Command, context: Context, expectedVersion: Int? = nil
    ) throws -> Outcome<M> {
        let current = try load(machine, id: id)
        let version = current?.version ?? 0
        if let expected = expectedVersion, expected != version {
            throw StoreError.conflict(stream: "\(M.kind)/\(id)", expected: expected, actual: version)
        }
        let state = current?.state ?? M.initial
        let decision: Decision<M.Event>
        do {
            decision = try M.decide(command, state: state, context: context)
        } catch {
            throw StoreError.refused(error)
        }
        let recordedAt = Timestamp.format(context.now)
        var head = current?.headHash ?? EventHash.genesis
        var newState = state
        var n = version
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO events (stream_kind, stream_id, version, type, payload, actor_id, actor_role,
                                    recorded_at, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for event in decision.events {
            n += 1
            let payload = String(decoding: try encoder.encode(event), as: UTF8.self)
            let fields = EventHash.Fields(
                previous: head, streamKind: M.kind, streamID: id, version: n, type: event.name,
                actorID: context.actor.id, actorRole: context.actor.role.rawValue, recordedAt: recordedAt,
                payload: payload)
            let hash = EventHash.hash(fields)
            try insert.execute(arguments: [
                M.kind, id, n, event.name, payload, context.actor.id, context.actor.role.rawValue, recordedAt, head,
                hash,
            ])
            head = hash
            newState = M.evolve(newState, event)
        }
        if n != version {
            let stateJSON = String(decoding: try encoder.encode(newState), as: UTF8.self)
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO streams (kind, id, version, status, state, head_hash, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, id) DO UPDATE SET
                        version = excluded.version, status = excluded.status, state = excluded.state,
                        head_hash = excluded.head_hash, updated_at = excluded.updated_at
                    """)
            try upsert.execute(arguments: [M.kind, id, n, M.status(of: newState), stateJSON, head, recordedAt])
        }
        if !decision.documents.isEmpty {
            let queue = try db.cachedStatement(
                sql: """
                    INSERT INTO documents (kind, subject, stream_kind, stream_id, version, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for doc in decision.documents {
                try queue.execute(arguments: [doc.kind.rawValue, doc.subject, M.kind, id, n, recordedAt])
            }
        }
        return Outcome(
            streamID: id, version: n, state: newState, events: decision.events, documents: decision.documents)
    }

    /// The next number of a gap-free counter (1, 2, 3 …). The increment commits or rolls back
    /// with the rest of the transaction, so a crash never leaves a hole or a reused number.
    public func nextNumber(_ name: String) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO sequences (name, value) VALUES (?, 1)
                ON CONFLICT (name) DO UPDATE SET value = value + 1
                RETURNING value
                """)
        guard let value = try Int.fetchOne(statement, arguments: [name]) else {
            throw StoreError.database("sequence \(name) returned nothing")
        }
        return value
    }
}
