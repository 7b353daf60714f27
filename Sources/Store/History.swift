import Foundation
import Workflow

extension EventStore {
    /// A stream's events in order, each with its decoded event (for timelines and consoles).
    public func history<M: Machine>(_ machine: M.Type, id: String) throws(StoreError) -> [(stored: StoredEvent, event: M.Event)] {
        let decoder = JSONDecoder()
        var out: [(StoredEvent, M.Event)] = []
        for stored in try events(kind: M.kind, id: id) {
            do {
                out.append((stored, try decoder.decode(M.Event.self, from: Data(stored.payload.utf8))))
            } catch {
                throw .corrupt(stream: "\(M.kind)/\(id)", reason: "event \(stored.version) does not decode: \(error)")
            }
        }
        return out
    }
}
