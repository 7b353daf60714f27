public import Domain

/// A machine with deadlines that the scheduler (`tick`) enforces.
///
/// The store scans its projections once a day (or on demand), asks each stream's machine for
/// `dueCommand(_:today:)` and, when one is due, runs it with `Actor.system` through `decide`
/// like any other command. A command returned here is always accepted by `decide` on `today`.
public protocol DeadlineDriven: Machine {
    /// The command the scheduler must run on `today`, or nil when nothing is due.
    static func dueCommand(_ state: State, today: Day) -> Command?
}

/// A command another machine must execute, planned by a pure function so the store can run a
/// group of them in ONE transaction (e.g. the consequences of a falsified post-hoc check).
public struct PlannedCommand<M: Machine>: Sendable {
    /// The target stream (certificate number, person id, unit id …).
    public var streamID: String
    public var command: M.Command
    /// The actor to record as acting (the one whose decision caused the plan).
    public var actor: Actor

    public init(streamID: String, command: M.Command, actor: Actor) {
        self.streamID = streamID
        self.command = command
        self.actor = actor
    }

    /// The stream kind (`M.kind`).
    public var kind: String { M.kind }
}

extension PlannedCommand: Equatable where M.Command: Equatable {}
