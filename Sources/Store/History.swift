import Foundation
import Workflow

extension EventStore {
    /// A stream's events in order, each with its decoded event (for timelines and consoles).
    /// - Parameter upToSeq: only the events up to this position in the log (its history then).
    public func history<M: Machine>(
        _ machine: M.Type, id: String, upToSeq: Int? = nil
    ) throws(StoreError) -> [(stored: StoredEvent, event: M.Event)] {
        let decoder = JSONDecoder()
        var out: [(StoredEvent, M.Event)] = []
        let log =
            if let upToSeq { try events(kind: M.kind, id: id, upToSeq: upToSeq) } else { try events(kind: M.kind, id: id) }
        for stored in log {
            do {
                out.append((stored, try decoder.decode(M.Event.self, from: Data(stored.payload.utf8))))
            } catch {
                throw .corrupt(stream: "\(M.kind)/\(id)", reason: "event \(stored.version) does not decode: \(error)")
            }
        }
        return out
    }
}
