import Domain
import Foundation
import GRDB
import Testing
import Workflow

@testable import Store

@Suite struct EventStoreTests {
    @Test func executeAppendsEventsAndProjection() throws {
        let store = try EventStore()
        try store.execute(CounterMachine.self, id: "c1", .open, context: Fixtures.context())
        let outcome = try store.execute(CounterMachine.self, id: "c1", .add(3, note: "甲"), context: Fixtures.context())
        #expect(outcome.version == 2)
        #expect(outcome.state.total == 3)
        #expect(outcome.documents == [DocumentRequest(.minutes, subject: "counter")])
        let loaded = try #require(try store.load(CounterMachine.self, id: "c1"))
        #expect(loaded.version == 2)
        #expect(loaded.state == outcome.state)
        let events = try store.events(kind: "counter", id: "c1")
        #expect(events.map(\.type) == ["opened", "added"])
        #expect(events[0].prevHash == EventHash.genesis)
        #expect(events[1].prevHash == events[0].hash)
        #expect(loaded.headHash == events[1].hash)
        let queued = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM documents") }
        #expect(queued == 1)
    }

    @Test func refusalWritesNothing() throws {
        let store = try EventStore()
        try store.execute(CounterMachine.self, id: "c1", .open, context: Fixtures.context())
        let before = try store.events(kind: "counter", id: "c1")
        #expect(throws: StoreError.self) {
            try store.execute(CounterMachine.self, id: "c1", .add(-1, note: ""), context: Fixtures.context())
        }
        do {
            try store.execute(
                CounterMachine.self, id: "c1", .add(1, note: ""),
                context: Fixtures.context(Actor(id: "x", role: .applicant)))
            Issue.record("an applicant must be refused")
        } catch {
            #expect(error.refusal?.rule == "counter.role")
            #expect(error.chinese == "只有经办人可以操作")
        }
        #expect(try store.events(kind: "counter", id: "c1") == before)
        #expect(try store.load(CounterMachine.self, id: "c1")?.version == 1)
    }

    @Test func staleVersionIsAConflictAndWritesNothing() throws {
        let store = try EventStore()
        try store.execute(CounterMachine.self, id: "c1", .open, context: Fixtures.context())
        try store.execute(
            CounterMachine.self, id: "c1", .add(1, note: "a"), context: Fixtures.context(), expectedVersion: 1)
        do {
            // A second clerk still looking at version 1.
            try store.execute(
                CounterMachine.self, id: "c1", .add(5, note: "b"), context: Fixtures.context(), expectedVersion: 1)
            Issue.record("stale version accepted")
        } catch {
            guard case .conflict(let stream, let expected, let actual) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(stream == "counter/c1")
            #expect(expected == 1 && actual == 2)
            #expect(error.chinese.contains("请刷新后重试"))
        }
        #expect(try store.load(CounterMachine.self, id: "c1")?.state.total == 1)
    }

    @Test func aFailingStepRollsBackTheWholeTransaction() throws {
        let store = try EventStore()
        try store.execute(CounterMachine.self, id: "a", .open, context: Fixtures.context())
        try store.execute(CounterMachine.self, id: "b", .open, context: Fixtures.context())
        #expect(throws: StoreError.self) {
            try store.write { tx in
                try tx.execute(CounterMachine.self, id: "a", .add(1, note: "x"), context: Fixtures.context())
                _ = try tx.nextNumber("cert-2026")
                try tx.execute(CounterMachine.self, id: "b", .add(0, note: "bad"), context: Fixtures.context())
            }
        }
        #expect(try store.load(CounterMachine.self, id: "a")?.state.total == 0)
        // The number taken inside the failed transaction is not lost: the next one is still 1.
        let n = try store.write { tx in try tx.nextNumber("cert-2026") }
        #expect(n == 1)
    }

    @Test func numbersAreGapFreeAndPerName() throws {
        let store = try EventStore()
        let numbers = try (0..<5).map { _ in try store.write { tx in try tx.nextNumber("cert-2026") } }
        #expect(numbers == [1, 2, 3, 4, 5])
        #expect(try store.write { tx in try tx.nextNumber("cert-2027") } == 1)
    }

    @Test func reopeningRebuildsIdenticalStateFromTheLog() throws {
        let path = Fixtures.temporaryPath("rebuild.sqlite")
        var expected: [String: CounterMachine.State] = [:]
        do {
            let store = try EventStore(path: path)
            for i in 0..<20 {
                let id = "c\(i)"
                try store.execute(CounterMachine.self, id: id, .open, context: Fixtures.context())
                for j in 0..<(i % 4) {
                    try store.execute(
                        CounterMachine.self, id: id, .add(j + 1, note: "第\(j)次"), context: Fixtures.context())
                }
                if i % 3 == 0 { try store.execute(CounterMachine.self, id: id, .close, context: Fixtures.context()) }
                expected[id] = try store.load(CounterMachine.self, id: id)?.state
            }
        }
        let reopened = try EventStore(path: path)
        #expect(try reopened.projectionMismatches(CounterMachine.self).isEmpty)
        // Throw the projection away and rebuild it from the log alone.
        try reopened.write { tx in try tx.db.execute(sql: "DELETE FROM streams") }
        try reopened.rebuildProjection(CounterMachine.self)
        for (id, state) in expected {
            #expect(try reopened.load(CounterMachine.self, id: id)?.state == state)
        }
        #expect(try reopened.audit().isIntact)
        let counts = try reopened.statusCounts(kind: "counter")
        #expect(counts.map(\.status) == ["closed", "open"])
        #expect(counts.map(\.count).reduce(0, +) == 20)
    }
}

@Suite struct SnapshotTests {
    /// Past the snapshot interval, a fresh process (empty cache) rebuilds the state from the
    /// snapshot plus the events after it — and gets exactly the replay of the whole log.
    @Test func longStreamsLoadFromSnapshotAndTail() throws {
        let path = Fixtures.temporaryPath("snapshot.sqlite")
        let n = EventStore.snapshotInterval * 2 + 5
        var expected: CounterMachine.State?
        do {
            let store = try EventStore(path: path)
            try store.execute(CounterMachine.self, id: "long", .open, context: Fixtures.context())
            for i in 1...n {
                expected = try store.execute(
                    CounterMachine.self, id: "long", .add(i, note: "#\(i)"), context: Fixtures.context()
                ).state
            }
        }
        let reopened = try EventStore(path: path)
        let snapshotVersion = try reopened.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM snapshots WHERE id = 'long'")
        }
        #expect(snapshotVersion == EventStore.snapshotInterval * 2)
        let loaded = try #require(try reopened.load(CounterMachine.self, id: "long"))
        #expect(loaded.version == n + 1)
        #expect(loaded.state == expected)
        #expect(loaded.state == (try reopened.replay(CounterMachine.self, id: "long")))
        #expect(loaded.state.total == n * (n + 1) / 2)
    }

    /// A stream shorter than the interval has no snapshot: a fresh process replays its log.
    @Test func shortStreamsHaveNoSnapshotAndLoadFromTheLog() throws {
        let path = Fixtures.temporaryPath("short.sqlite")
        var expected: CounterMachine.State?
        do {
            let store = try EventStore(path: path)
            try store.execute(CounterMachine.self, id: "short", .open, context: Fixtures.context())
            for i in 1..<EventStore.snapshotInterval - 1 {
                expected = try store.execute(
                    CounterMachine.self, id: "short", .add(i, note: "第\(i)次"), context: Fixtures.context()
                ).state
            }
        }
        let reopened = try EventStore(path: path)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") } == 0)
        let loaded = try #require(try reopened.load(CounterMachine.self, id: "short"))
        #expect(loaded.version == EventStore.snapshotInterval - 1)
        #expect(loaded.state == expected)
        // The next event reaches the interval and writes the first snapshot.
        try reopened.execute(CounterMachine.self, id: "short", .close, context: Fixtures.context())
        let snapshot = try reopened.read { db in
            try Row.fetchOne(db, sql: "SELECT version, state FROM snapshots WHERE id = 'short'")
        }
        let snapshotVersion: Int? = snapshot?["version"]
        #expect(snapshotVersion == EventStore.snapshotInterval)
        #expect(try reopened.projectionMismatches(CounterMachine.self).isEmpty)
    }

    /// A database written before the snapshots moved to their own table keeps its states:
    /// the migration carries each stream's snapshot over, and loading replays the tail after it.
    @Test func theSnapshotMigrationKeepsEveryState() throws {
        let path = Fixtures.temporaryPath("old-layout.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "2026-11-27-web-accounts")
        let events: [CounterMachine.Event] = [.opened, .added(2, note: "甲"), .added(5, note: "乙")]
        var head = EventHash.genesis
        var state = CounterMachine.initial
        var snapshot = ""
        try queue.write { db in
            for (i, event) in events.enumerated() {
                let payload = try SortedJSONEncoder.encode(event)
                let hash = EventHash.hash(
                    .init(
                        previous: head, streamKind: "counter", streamID: "old", version: i + 1, type: event.name,
                        actorID: "clerk", actorRole: "office-clerk", recordedAt: "2026-03-02T01:00:00.000Z",
                        payload: payload))
                try db.execute(
                    sql: """
                        INSERT INTO events (stream_kind, stream_id, version, type, payload, actor_id, actor_role,
                                            recorded_at, prev_hash, hash)
                        VALUES ('counter', 'old', ?, ?, ?, 'clerk', 'office-clerk', '2026-03-02T01:00:00.000Z', ?, ?)
                        """, arguments: [i + 1, event.name, payload, head, hash])
                head = hash
                state = CounterMachine.evolve(state, event)
                if i == 1 { snapshot = try SortedJSONEncoder.encode(state) }  // the snapshot lags one event
            }
            try db.execute(
                sql: """
                    INSERT INTO streams (kind, id, version, status, state, snapshot_version, head_hash, updated_at)
                    VALUES ('counter', 'old', 3, 'open', ?, 2, ?, '2026-03-02T01:00:00.000Z')
                    """, arguments: [snapshot, head])
        }
        try queue.close()
        let store = try EventStore(path: path)
        let loaded = try #require(try store.load(CounterMachine.self, id: "old"))
        #expect(loaded.version == 3 && loaded.headHash == head)
        #expect(loaded.state == state && loaded.state.total == 7)
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT state FROM snapshots") } == snapshot)
        #expect(try store.audit().isIntact)
        try store.execute(CounterMachine.self, id: "old", .close, context: Fixtures.context())
        #expect(try store.projectionMismatches(CounterMachine.self).isEmpty)
    }
}

@Suite struct StateCacheTests {
    func entry(_ v: Int) -> StateCache.Entry {
        StateCache.Entry(version: v, headHash: "h\(v)", snapshotVersion: 0, state: v)
    }

    /// Streams revisited phase after phase stay cached while they fit; the cache never holds
    /// more than its limit.
    @Test func phasesThatFitStayCachedAndTheCacheIsBounded() {
        let cache = StateCache(limit: 40)
        var hits = 0
        for phase in 0..<5 {
            for s in 0..<35 {
                if phase > 0, cache.get("s\(s)")?.version == phase - 1 { hits += 1 }
                cache.merge(["s\(s)": entry(phase)])
            }
        }
        #expect(hits == 4 * 35)
        for s in 0..<100 {
            cache.merge(["t\(s)": entry(0)])
            #expect(cache.count <= 40)
        }
        #expect(cache.get("t99") != nil)
        #expect(cache.get("s0") == nil)
    }
}
