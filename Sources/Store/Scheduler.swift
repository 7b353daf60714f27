import Domain
import Foundation
import GRDB
import Workflow

/// What a scheduler run did: the streams that changed, and those whose due step was refused
/// or raced with someone else (left for the next run; the others went ahead).
public struct DeadlineReport: Sendable {
    public var changed: [String] = []
    public var skipped: [(id: String, error: StoreError)] = []

    public init() {}

    mutating func merge(_ other: DeadlineReport) {
        changed += other.changed
        skipped += other.skipped
    }
}

extension EventStore {
    /// The scheduler: runs every deadline that is due on the day of `context.now` for one
    /// machine — each stream in its own transaction, as `Actor.system`. A stream whose step is
    /// refused or conflicts is skipped (and reported) so that one stuck stream cannot hold up
    /// the others; a database failure stops the run.
    ///
    /// - Parameter statuses: only streams in these statuses can have something due (a cheap
    ///   index scan instead of reading every stream); nil scans them all.
    /// - Parameter held: streams left alone this run (an application with an objection lodged
    ///   online that the office has not yet registered or dismissed: its notice does not end).
    @discardableResult
    public func tick<M: DeadlineDriven>(
        _ machine: M.Type, statuses: [String]? = nil, held: Set<String> = [], rules: Rulebook, now: Date
    ) throws(StoreError) -> DeadlineReport {
        let today = Day(now)
        let candidates: [String]
        if let statuses {
            var ids: [String] = []
            for s in statuses { ids += try streamIDs(machine, status: s) }
            candidates = ids.sorted()
        } else {
            candidates = try streamIDs(machine)
        }
        var report = DeadlineReport()
        let context = Context(actor: .system, now: now, rules: rules)
        for id in candidates where !held.contains(id) {
            do {
                guard let current = try load(machine, id: id), let command = M.dueCommand(current.state, today: today)
                else { continue }
                try execute(machine, id: id, command, context: context, expectedVersion: current.version)
                report.changed.append(id)
            } catch {
                switch error {
                case .refused, .conflict, .corrupt: report.skipped.append(("\(M.kind)/\(id)", error))
                default: throw error
                }
            }
        }
        return report
    }

    /// Everything due on the day of `now`, as the nightly `pingshen tick` runs it: unanswered
    /// corrections lapse, finished notice periods conclude, suspensions and integrity records end.
    @discardableResult
    public func runDeadlines(rules: Rulebook, now: Date) throws(StoreError) -> DeadlineReport {
        var report = try tick(
            ApplicationMachine.self, statuses: ["correction-pending", "public-notice"],
            held: try applicationsWithObjectionsReceived(), rules: rules, now: now)
        report.merge(try tick(UnitStandingMachine.self, statuses: ["suspended"], rules: rules, now: now))
        report.merge(try tick(PersonIntegrityMachine.self, statuses: ["recorded"], rules: rules, now: now))
        return report
    }
}
