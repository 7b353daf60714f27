import Domain
import Foundation
import Workflow

/// A tiny machine for testing the store without depending on the real workflow's details:
/// a tally that can be opened, bumped by clerks and closed.
enum CounterMachine: Machine {
    struct State: Codable, Sendable, Equatable {
        var isOpen = false
        var isClosed = false
        var total = 0
        var notes: [String] = []
    }
    enum Command: Sendable {
        case open
        case add(Int, note: String)
        case close
    }
    enum Event: NamedEvent {
        case opened
        case added(Int, note: String)
        case closed
        var name: String {
            switch self {
            case .opened: "opened"
            case .added: "added"
            case .closed: "closed"
            }
        }
    }

    static let kind = "counter"
    static let initial = State()

    static func decide(_ command: Command, state: State, context: Context) throws(Refusal) -> Decision<Event> {
        guard context.actor.role == .officeClerk else { throw Refusal(rule: "counter.role", message: "只有经办人可以操作") }
        switch command {
        case .open:
            guard !state.isOpen else { throw Refusal(rule: "counter.state", message: "已开启") }
            return Decision([.opened])
        case .add(let n, let note):
            guard state.isOpen, !state.isClosed else { throw Refusal(rule: "counter.state", message: "未开启或已关闭") }
            guard n > 0 else { throw Refusal(rule: "counter.positive", message: "数量应为正数") }
            return Decision([.added(n, note: note)], documents: [DocumentRequest(.minutes, subject: "counter")])
        case .close:
            guard state.isOpen, !state.isClosed else { throw Refusal(rule: "counter.state", message: "未开启或已关闭") }
            return Decision([.closed])
        }
    }

    static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .opened: s.isOpen = true
        case .added(let n, let note):
            s.total += n
            s.notes.append(note)
        case .closed: s.isClosed = true
        }
        return s
    }

    static func status(of state: State) -> String { state.isClosed ? "closed" : state.isOpen ? "open" : "none" }
}

enum Fixtures {
    static let clerk = Actor(id: "clerk-1", role: .officeClerk)
    static let rules = Rulebook(policy: .defaults, calendar: WorkingCalendar())

    static func context(_ actor: Actor = clerk, at seconds: Double = 1_772_000_000) -> Context {
        Context(actor: actor, now: Date(timeIntervalSince1970: seconds), rules: rules)
    }

    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }
}
