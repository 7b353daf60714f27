import Domain
import Foundation
import Testing

@testable import Workflow

typealias SessionStream = Stream<CommitteeSessionMachine>

enum SessionPaths {
    static let candidates = [
        SessionCandidate(applicationID: "A-1", unitID: "unit-1"),
        SessionCandidate(applicationID: "A-2", unitID: "unit-2"),
        SessionCandidate(applicationID: "A-3", unitID: "unit-3"),
    ]
    static let plan = SessionPlan(
        sessionID: "S-2026-01", committeeID: "C-ENG-SENIOR", series: .engineering, level: .deputySenior,
        memberCount: 11, candidates: candidates, date: day("2026-03-20"))

    /// 40 experts; every fourth works for a candidate's unit.
    static let pool: [ExpertRef] = (1...40).map { i in
        let unit = i % 4 == 0 ? "unit-\((i / 4) % 3 + 1)" : "other-\(i)"
        return ExpertRef(id: String(format: "e%02d", i), unitID: unit)
    }

    static func reach(_ stage: CommitteeSessionStage, seed: UInt64 = 2026) -> SessionStream {
        var s = SessionStream()
        s.today = day("2026-03-01")
        if stage == .none { return s }
        s.run(.plan(plan), as: Actors.clerk)
        if stage == .planned { return s }
        s.run(.drawExperts(pool: pool, needed: 11, seed: seed), as: Actors.secretary)
        if stage == .drawn { return s }
        s.today = day("2026-03-20")
        s.run(.convene(present: presentEight(s.state)), as: Actors.secretary)
        if stage == .convened { return s }
        s.run(
            .recordBallots(
                applicationID: "A-1", voters: s.state.present, counts: VoteCounts(yes: 6, no: 1, abstain: 1)),
            as: Actors.secretary)
        if stage == .voting { return s }
        s.run(
            .recordBallots(
                applicationID: "A-2", voters: s.state.present, counts: VoteCounts(yes: 5, no: 3, abstain: 0)),
            as: Actors.secretary)
        s.run(
            .recordBallots(
                applicationID: "A-3", voters: s.state.present, counts: VoteCounts(yes: 8, no: 0, abstain: 0)),
            as: Actors.secretary)
        s.run(.close(minutes: "会议由主任委员主持,出席专家8人……"), as: Actors.secretary)
        return s
    }

    /// The first eight seated experts.
    static func presentEight(_ state: CommitteeSessionState) -> [String] { state.members.prefix(8).map(\.id) }
}
