import Synchronization

/// Recently written stream states, so a transition does not decode the state it wrote a
/// moment ago. An entry is used only when its version and head hash equal the database's —
/// another process writing the same file simply causes a miss. Bounded: cleared when full.
///
/// A season walks its streams phase by phase, so the cache pays only when it holds every
/// stream a phase revisits: with fewer entries than that, each phase would evict exactly the
/// states it is about to need (LRU or generations do no better on such sweeps). 50,000 entries
/// made a 100,000-application season decode every state again from SQLite; the default now
/// covers such a season's ~200,000 streams (peak RSS grows by about 2 KB per stream).
final class StateCache: Sendable {
    struct Entry: @unchecked Sendable {
        var version: Int
        var headHash: String
        var snapshotVersion: Int
        /// The `M.State` of the stream (values of Sendable state types only).
        var state: Any
    }

    private let entries = Mutex<[String: Entry]>([:])
    let limit: Int

    init(limit: Int = EventStore.defaultCachedStates) { self.limit = limit }

    func get(_ key: String) -> Entry? { entries.withLock { $0[key] } }

    func merge(_ updates: [String: Entry]) {
        guard !updates.isEmpty else { return }
        entries.withLock { dict in
            if dict.count + updates.count > limit { dict.removeAll(keepingCapacity: true) }
            dict.merge(updates) { _, new in new }
        }
    }

    var count: Int { entries.withLock { $0.count } }

    func removeAll() { entries.withLock { $0.removeAll() } }
}
