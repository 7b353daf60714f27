import Domain
import Foundation
import Testing
import Season
import Store
import Workflow

/// Seed item 6, the committee side, in the demo season: the university's own committee
/// secretary (the demo's `unitsecretary`: a committee secretary bound to U001) runs its
/// committee's session — plan, draw, attendance, count and close are its events, the plan
/// records the committee's jurisdiction — while the city's secretary runs the city's; the
/// university's result is filed 备案 with the bureau under the office head's 文号.
extension DemoSeasonTests {
    @Test func theUniversitysOwnSecretaryRunsItsSessionAndTheResultIsFiled() throws {
        let store = try EventStore()
        let summary = try season(40, seed: 7, store: store)
        #expect(summary.auditIntact)
        let committees = Dictionary(uniqueKeysWithValues: try store.committees().map { ($0.id, $0) })
        var unitSessions = 0
        var countySessions = 0
        for id in try store.streamIDs(CommitteeSessionMachine.self) {
            let plan = try #require(try store.load(CommitteeSessionMachine.self, id: id)?.state.plan)
            let committee = try #require(committees[plan.committeeID])
            #expect(plan.jurisdiction == committee.jurisdiction, "\(id) records its committee's jurisdiction")
            let staff = try store.history(CommitteeSessionMachine.self, id: id).map(\.stored)
                .filter { $0.actorRole == Role.committeeSecretary.rawValue }
            #expect(!staff.isEmpty)
            if committee.jurisdiction == Routing.unit("U001") {
                unitSessions += 1
                #expect(staff.allSatisfy { $0.actorID == "web-unitsecretary" }, "\(id): the unit's own secretary")
                #expect(Set(staff.map(\.type)).isSuperset(of: ["planned", "expertsDrawn", "convened", "ballotsRecorded", "closed"]))
            } else if committee.jurisdiction == "410821" {
                // 修武县's committee: the county's own secretary (`xwsecretary`, scoped to the county).
                countySessions += 1
                #expect(staff.allSatisfy { $0.actorID == "web-xwsecretary" }, "\(id): the county's own secretary")
                #expect(Set(staff.map(\.type)).isSuperset(of: ["planned", "expertsDrawn", "convened", "ballotsRecorded", "closed"]))
            } else {
                #expect(!staff.contains { $0.actorID == "web-unitsecretary" }, "\(id): not the unit's business")
                #expect(!staff.contains { $0.actorID == "web-xwsecretary" }, "\(id): not the county's business")
            }
        }
        #expect(unitSessions >= 1)
        #expect(countySessions >= 1)
        let university = try #require(try store.load(ApplicationMachine.self, id: "A2026-00015")?.state)
        let filed = try store.history(ApplicationMachine.self, id: "A2026-00015").first { $0.event.name == "filed" }
        #expect(filed?.stored.actorRole == Role.officeHead.rawValue)
        #expect(university.documentNumber?.isEmpty == false)
    }
}
