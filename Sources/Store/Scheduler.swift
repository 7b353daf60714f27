import Domain
import Foundation
import GRDB
import Workflow

extension EventStore {
    /// The scheduler: runs every deadline that is due on the day of `context.now` for one
    /// machine — each stream in its own transaction, as `Actor.system`.
    ///
    /// - Parameter statuses: only streams in these statuses can have something due (a cheap
    ///   index scan instead of reading every stream); nil scans them all.
    /// - Returns: the ids of the streams that changed.
    @discardableResult
    public func tick<M: DeadlineDriven>(
        _ machine: M.Type, statuses: [String]? = nil, rules: Rulebook, now: Date
    ) throws(StoreError) -> [String] {
        let today = Day(now)
        let candidates: [String]
        if let statuses {
            var ids: [String] = []
            for s in statuses { ids += try streamIDs(machine, status: s) }
            candidates = ids.sorted()
        } else {
            candidates = try streamIDs(machine)
        }
        var changed: [String] = []
        let context = Context(actor: .system, now: now, rules: rules)
        for id in candidates {
            guard let current = try load(machine, id: id), let command = M.dueCommand(current.state, today: today)
            else { continue }
            try execute(machine, id: id, command, context: context, expectedVersion: current.version)
            changed.append(id)
        }
        return changed
    }
}

extension EventStore {
    /// Everything due on the day of `now`, as the nightly `pingshen tick` runs it: unanswered
    /// corrections lapse, finished notice periods conclude, suspensions and integrity records end.
    /// - Returns: the ids of the streams that changed (applications, units, people).
    @discardableResult
    public func runDeadlines(rules: Rulebook, now: Date) throws(StoreError) -> [String] {
        try tick(ApplicationMachine.self, statuses: ["correction-pending", "public-notice"], rules: rules, now: now)
            + tick(UnitStandingMachine.self, statuses: ["suspended"], rules: rules, now: now)
            + tick(PersonIntegrityMachine.self, statuses: ["recorded"], rules: rules, now: now)
    }
}
