import Domain
import Foundation
import Testing

@testable import Workflow

/// The real rules from `policy/`, found from this file's path (Tests/WorkflowTests/…).
enum Rules {
    /// policy/ not loading is a recorded test failure naming the file (the tests then run on the
    /// built-in defaults and fail where they differ), never a crash of the whole run.
    static let real: Rulebook = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        do { return try Rulebook.load(directory: root.appendingPathComponent("policy").path) } catch {
            Issue.record("policy/ does not load from \(root.path)/policy: \(error)")
            return Rulebook(policy: Policy(), calendar: WorkingCalendar())
        }
    }()

    /// An in-memory calendar for `year`: weekends off, plus one holiday with these days.
    static func plain(year: Int, off: [Day] = [], work: [Day] = []) -> Rulebook {
        var yaml = "year: \(year)\nholidays:\n"
        if !off.isEmpty {
            yaml += "  - name: 测试假日\n    off: [\(off.min()!), \(off.max()!)]\n"
            if !work.isEmpty { yaml += "    work: [\(work.map(\.description).joined(separator: ", "))]\n" }
        } else {
            yaml = "year: \(year)\nholidays: []\n"
        }
        var calendar = WorkingCalendar()
        calendar.add(try! WorkingCalendar.schedule(from: ConfigNode.parse(yaml: yaml, file: "test.yaml")))
        return Rulebook(policy: Policy(), calendar: calendar)
    }
}

func day(_ text: String) -> Day { Day(text)! }

/// Noon in China on a day.
func noon(_ d: Day) -> Date { d.startInstant.addingTimeInterval(12 * 3600) }

enum Actors {
    static let applicant = Actor(id: "u-zhang", role: .applicant, personID: "p-zhang")
    static let otherApplicant = Actor(id: "u-li", role: .applicant, personID: "p-li")
    static let unitHR = Actor(id: "u-hr", role: .unitHR, unitID: "unit-1")
    static let otherUnitHR = Actor(id: "u-hr2", role: .unitHR, unitID: "unit-2")
    static let clerk = Actor(id: "u-clerk", role: .officeClerk)
    static let head = Actor(id: "u-head", role: .officeHead)
    static let secretary = Actor(id: "u-sec", role: .committeeSecretary)
    static let publicPerson = Actor(id: "anon", role: .public)
    static let auditor = Actor(id: "u-audit", role: .auditor)
    static let system = Actor.system
    static func expert(_ id: String) -> Actor { Actor(id: id, role: .expert) }
    static let all: [Actor] = [applicant, unitHR, clerk, head, secretary, publicPerson, auditor, system, expert("e1")]
}

/// Drives one stream: decides with a context, folds the events, keeps the log for replay.
struct Stream<M: Machine> {
    var state: M.State = M.initial
    var events: [M.Event] = []
    var documents: [DocumentRequest] = []
    var rules: Rulebook = Rules.real
    var today: Day = day("2026-03-02")
    /// The office's record of the unit, as the store would fill it in.
    var unitSuspendedUntil: Day?
    /// A self-reviewing unit's authority, as the store would fill it in for its sessions.
    var selfReview: SelfReviewStanding?

    func context(_ actor: Actor) -> Context {
        var c = Context(actor: actor, now: noon(today), rules: rules)
        c.unitSuspendedUntil = unitSuspendedUntil
        c.selfReview = selfReview
        return c
    }

    @discardableResult
    mutating func run(
        _ command: M.Command, as actor: Actor, sourceLocation: SourceLocation = #_sourceLocation
    )
        -> Decision<M.Event>?
    {
        do {
            let decision = try M.decide(command, state: state, context: context(actor))
            events += decision.events
            documents = decision.documents
            state = decision.events.reduce(state, M.evolve)
            return decision
        } catch {
            Issue.record("refused: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Expects a refusal with this rule; the state stays unchanged. Returns the refusal.
    @discardableResult
    func refuse(
        _ command: M.Command, as actor: Actor, rule: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Refusal? {
        do {
            let decision = try M.decide(command, state: state, context: context(actor))
            Issue.record("expected refusal \(rule), got \(decision.events.map(\.name))", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.rule == rule, "\(error.message)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
            return error
        }
    }

    var replayed: M.State { M.replay(events) }
}

/// True when the text contains at least one CJK ideograph (messages must be in Chinese).
func isChinese(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
}
