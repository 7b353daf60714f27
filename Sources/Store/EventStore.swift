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
    /// The database, for this module only: other modules ask through typed queries.
    let writer: any DatabaseWriter
    public let path: String?
    let cache: StateCache
    /// A stream's state snapshot is written once this many events have passed since the last
    /// one (or since the start: short streams have none). When the state is not in memory, the
    /// events after the snapshot are replayed onto it.
    public static let snapshotInterval = 16

    /// The database file's name in a data folder: `pingshen.sqlite`, or `<stem>.sqlite`.
    public static func fileName(_ stem: String = "pingshen") -> String { "\(stem).sqlite" }

    /// States a store keeps unless told otherwise (`StateCache`).
    public static let defaultCachedStates = 250_000
    /// States a server keeps (`StateCache`, about 2 KB each): its steps revisit few streams,
    /// and a certificate run of 20,000 writes 40,000 states it never reads again.
    public static let serverCachedStates = 10_000

    /// Opens (creating if needed) the database file and migrates it. `cachedStates`: how many
    /// stream states to keep in memory at most (`StateCache`; a season's batch passes want all).
    public init(path: String, cachedStates: Int = EventStore.defaultCachedStates) throws(StoreError) {
        cache = StateCache(limit: cachedStates)
        var config = Configuration()
        config.prepareDatabase { db in
            // A new file gets small pages: a transition dirties a handful of pages and each is
            // written whole to the WAL (no effect on an existing file).
            try db.execute(sql: "PRAGMA page_size = 2048")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL: durable at checkpoints, never corrupt
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 32000")  // 64 MB of WAL between checkpoints: each hot page is checkpointed less often (20,000 season 19.8 → 18.2 s)
            // 2 MB of pages. Smaller is faster here: at every commit SQLite (3.40) walks its
            // page cache's hash table (pcache1TruncateUnsafe, also with the sqlite3 shell), so
            // each transition paid for every cached page: 20,000 applications took 10–30 % more
            // CPU with 8 MB or 20 MB than with 1.5–3 MB (shared VM, noisy). Pages missed come
            // from the OS cache.
            try db.execute(sql: "PRAGMA cache_size = -2000")
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
        cache = StateCache()
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
            var pending: [String: StateCache.Entry] = [:]
            let value = try writer.writeWithoutTransaction { db in
                // GRDB's `write` parses BEGIN and COMMIT anew for every transaction (a twentieth
                // of a season's time); the same transaction with its statements cached.
                // IMMEDIATE: the write lock is taken before the state is read.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    let tx = StoreTransaction(db: db, cache: cache)
                    let v = try body(tx)
                    try tx.queueArchives()
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    pending = tx.written
                    return v
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }  // the first error is the one to report
                    throw error
                }
            }
            cache.merge(pending)  // only after the commit succeeded
            return value
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
            return try writer.read { db in
                try StoreTransaction.loadProjection(machine, id: id, db: db, cache: cache, decoder: JSONDecoder())
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("\(error)")
        }
    }

    /// Runs a read-only query (this module's queries; tests reach it with `@testable`).
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
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
    /// The version of the stored state snapshot (≤ version; 0: none).
    var snapshotVersion: Int = 0

    public static func == (a: Versioned, b: Versioned) -> Bool where State: Equatable {
        a.version == b.version && a.state == b.state && a.headHash == b.headHash
    }
}

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
    /// The transaction's connection, for this module only.
    let db: Database
    let decoder = JSONDecoder()
    let cache: StateCache
    /// States written in this transaction, for the cache once it commits.
    var written: [String: StateCache.Entry] = [:]
    /// Decisions this transaction's steps file as archive packages (queued before it commits).
    var archives: [ArchiveDecision] = []

    init(db: Database, cache: StateCache) {
        self.db = db
        self.cache = cache
    }

    public func load<M: Machine>(_ machine: M.Type, id: String) throws -> Versioned<M.State>? {
        let key = "\(M.kind)/\(id)"
        if let w = written[key], let state = w.state as? M.State {
            return Versioned(version: w.version, state: state, headHash: w.headHash, snapshotVersion: w.snapshotVersion)
        }
        return try Self.loadProjection(machine, id: id, db: db, cache: cache, decoder: decoder)
    }

    /// The current state: from memory when the cached version and head hash match the
    /// database, else the snapshot (if any) with the events after it replayed.
    static func loadProjection<M: Machine>(
        _ machine: M.Type, id: String, db: Database, cache: StateCache, decoder: JSONDecoder
    ) throws -> Versioned<M.State>? {
        let head = try db.cachedStatement(sql: "SELECT version, head_hash FROM streams WHERE kind = ? AND id = ?")
        guard let (version, headHash) = try head.headRow([M.kind, id]) else { return nil }
        let key = "\(M.kind)/\(id)"
        if let hit = cache.get(key), hit.version == version, hit.headHash == headHash, let state = hit.state as? M.State
        {
            return Versioned(version: version, state: state, headHash: headHash, snapshotVersion: hit.snapshotVersion)
        }
        var state = M.initial
        var snapshotVersion = 0
        let snap = try db.cachedStatement(sql: "SELECT version, state FROM snapshots WHERE kind = ? AND id = ?")
        if let row = try Row.fetchOne(snap, arguments: [M.kind, id]) {
            snapshotVersion = row[0]
            let text: String = row[1]
            do {
                state = try decoder.decode(M.State.self, from: Data(text.utf8))
            } catch {
                throw StoreError.corrupt(stream: key, reason: "snapshot does not decode: \(error)")
            }
        }
        if snapshotVersion < version {
            let tail = try db.cachedStatement(
                sql:
                    "SELECT version, payload FROM events WHERE stream_kind = ? AND stream_id = ? AND version > ? ORDER BY version"
            )
            let rows = try Row.fetchAll(tail, arguments: [M.kind, id, snapshotVersion])
            guard rows.count == version - snapshotVersion else {
                throw StoreError.corrupt(stream: key, reason: "events after the snapshot are missing")
            }
            for r in rows {
                let payload: String = r[1]
                do {
                    state = M.evolve(state, try decoder.decode(M.Event.self, from: Data(payload.utf8)))
                } catch {
                    throw StoreError.corrupt(stream: key, reason: "event \(r[0] as Int) does not decode: \(error)")
                }
            }
        }
        return Versioned(version: version, state: state, headHash: headHash, snapshotVersion: snapshotVersion)
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
        var context = context
        // A unit's steps and the office's acceptance are gated by the unit's standing: read it here,
        // in the same transaction, so no caller can forget it.
        if let command = command as? ApplicationCommand, ApplicationMachine.needsUnitStanding(command),
            let unitID = (state as? ApplicationState)?.profile?.unitID, context.unitSuspendedUntil == nil
        {
            context.unitSuspendedUntil = try load(UnitStandingMachine.self, id: unitID).flatMap {
                UnitStandingMachine.suspendedUntil($0.state)
            }
        }
        // A session of a self-reviewing unit's committee runs only within the unit's grant (seed item 6).
        if let command = command as? CommitteeSessionCommand, context.selfReview == nil,
            let unitID = CommitteeSessionMachine.selfReviewUnit(
                command, state: state as? CommitteeSessionState ?? CommitteeSessionMachine.initial)
        {
            context.selfReview = try selfReviewStanding(unit: unitID)
        }
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
        var appended: [(event: M.Event, version: Int)] = []
        for event in decision.events {
            n += 1
            appended.append((event, n))
            let payload = try SortedJSONEncoder.encode(event)
            let fields = EventHash.Fields(
                previous: head, streamKind: M.kind, streamID: id, version: n, type: event.name,
                actorID: context.actor.id, actorRole: context.actor.role.rawValue, recordedAt: recordedAt,
                payload: payload)
            let hash = EventHash.hash(fields)
            try insert.run([
                .text(M.kind), .text(id), .integer(n), .text(event.name), .text(payload), .text(context.actor.id),
                .text(context.actor.role.rawValue), .text(recordedAt), .text(head), .text(hash),
            ])
            head = hash
            newState = M.evolve(newState, event)
        }
        if n != version {
            try saveProjection(
                machine, id: id, version: n, state: newState, headHash: head, at: recordedAt,
                isNew: current == nil, snapshotVersion: current?.snapshotVersion ?? 0)
            if M.kind == ApplicationMachine.kind, let profile = (newState as? ApplicationState)?.profile,
                profile != (state as? ApplicationState)?.profile
            {
                try indexApplication(id, profile)
            }
            if M.kind == CertificateMachine.kind {
                for (event, _) in appended {
                    if case .issued(let details)? = event as? CertificateEvent { try indexCertificate(id, details) }
                }
            }
            try deliverMessages(machine, id: id, appended: appended, state: newState, at: recordedAt)
        }
        for a in decision.archives where !archives.contains(a) { archives.append(a) }
        if !decision.documents.isEmpty {
            let queue = try db.cachedStatement(
                sql: """
                    INSERT INTO documents (kind, subject, stream_kind, stream_id, version, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for doc in decision.documents {
                try queue.run([
                    .text(doc.kind.rawValue), .text(doc.subject), .text(M.kind), .text(id), .integer(n),
                    .text(recordedAt),
                ])
            }
        }
        return Outcome(
            streamID: id, version: n, state: newState, events: decision.events, documents: decision.documents)
    }

    /// Updates the stream's row (version, status, head); writes the state snapshot when
    /// `EventStore.snapshotInterval` events have passed since the last one.
    func saveProjection<M: Machine>(
        _ machine: M.Type, id: String, version: Int, state: M.State, headHash: String, at recordedAt: String,
        isNew: Bool, snapshotVersion previous: Int
    ) throws {
        let status = M.status(of: state)
        if isNew {
            try db.cachedStatement(
                sql: "INSERT INTO streams (kind, id, version, status, head_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            ).run([.text(M.kind), .text(id), .integer(version), .text(status), .text(headHash), .text(recordedAt)])
        } else {
            try db.cachedStatement(
                sql: "UPDATE streams SET version = ?, status = ?, head_hash = ?, updated_at = ? WHERE kind = ? AND id = ?"
            ).run([.integer(version), .text(status), .text(headHash), .text(recordedAt), .text(M.kind), .text(id)])
        }
        var snapshotAt = previous
        if version - previous >= EventStore.snapshotInterval {
            snapshotAt = version
            try db.cachedStatement(
                sql: """
                    INSERT INTO snapshots (kind, id, version, state) VALUES (?, ?, ?, ?)
                    ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, state = excluded.state
                    """
            ).run([.text(M.kind), .text(id), .integer(version), .text(try SortedJSONEncoder.encode(state))])
        }
        written["\(M.kind)/\(id)"] = StateCache.Entry(
            version: version, headHash: headHash, snapshotVersion: snapshotAt, state: state)
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
