import Domain
import Foundation
import Testing

@testable import Workflow

@Suite struct CrossMachineTests {
    @Test func streamKindsAreDistinct() {
        let kinds = [
            ApplicationMachine.kind, CommitteeSessionMachine.kind, CertificateMachine.kind, UnitStandingMachine.kind,
            PersonIntegrityMachine.kind, PostHocCheckMachine.kind,
        ]
        #expect(kinds == ["application", "session", "certificate", "unit", "person", "check"])
    }

    @Test func seededDrawIsPinned() {
        // If this changes, every recorded expert draw and sample stops being reproducible.
        let shuffled = SeededDraw.shuffled(Array(1...10), seed: 7)
        #expect(shuffled == [9, 2, 6, 10, 1, 5, 4, 3, 7, 8])
        var g = SeededGenerator(seed: 1)
        #expect((0..<5).map { _ in SeededDraw.index(below: 6, using: &g) } == [5, 1, 0, 5, 3])
    }

    /// The scheduler's view: a generic scan that asks each machine what is due.
    func due<M: DeadlineDriven>(_: M.Type, _ state: M.State, _ today: Day) -> M.Command? {
        M.dueCommand(state, today: today)
    }

    @Test func oneSessionDecidesThreeApplications() {
        // Three applications from three units, accepted and put before one session.
        var apps: [String: AppStream] = [:]
        for (i, unit) in ["unit-1", "unit-2", "unit-3"].enumerated() {
            var p = AppPaths.profile
            p.applicationID = "A-\(i + 1)"
            p.unitID = unit
            let applicant = Actor(id: "u", role: .applicant, personID: p.personID)
            var s = AppStream()
            s.today = day("2026-02-12")
            s.run(.create(p), as: applicant)
            s.run(AppPaths.submit(), as: applicant)
            let hr = Actor(id: "hr", role: .unitHR, unitID: unit)
            s.today = day("2026-02-13")
            s.run(.startUnitNotice, as: hr)
            s.today = day("2026-02-27")
            s.run(.recommend, as: hr)
            s.run(.accept, as: Actors.clerk)
            s.run(.assignToSession(sessionID: "S-2026-01"), as: Actors.secretary)
            apps[p.applicationID] = s
        }
        let session = SessionPaths.reach(.closed)
        for planned in CommitteeSessionMachine.applicationCommands(for: session.state) {
            apps[planned.streamID]!.today = day("2026-03-20")
            apps[planned.streamID]!.run(planned.command, as: planned.actor)
        }
        #expect(apps["A-1"]!.state.stage == .passed)
        #expect(apps["A-2"]!.state.stage == .failed)
        #expect(apps["A-3"]!.state.stage == .passed)
        // The passed ones go on one public notice batch; the scheduler concludes it.
        for id in ["A-1", "A-3"] {
            apps[id]!.today = day("2026-03-23")
            apps[id]!.run(.startPublicNotice(batchID: "GS-2026-03", startsOn: day("2026-03-23")), as: Actors.clerk)
            #expect(due(ApplicationMachine.self, apps[id]!.state, day("2026-03-30")) == nil)
            #expect(due(ApplicationMachine.self, apps[id]!.state, day("2026-03-31")) == .concludeNotice)
            apps[id]!.today = day("2026-03-31")
            apps[id]!.run(.tick, as: .system)
            #expect(apps[id]!.state.stage == .awaitingConfirmation)
            #expect(apps[id]!.replayed == apps[id]!.state)
        }
        // Nothing is due for the failed one; its applicant may ask for re-examination.
        #expect(due(ApplicationMachine.self, apps["A-2"]!.state, day("2026-12-31")) == nil)
    }
}
