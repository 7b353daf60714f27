import Domain
import Foundation
import Testing
import Season
import Store
import Workflow

/// Seed item 6 in the demo season: the university reviews its own teachers' senior titles
/// under the bureau's grant (its own committee, results filed 备案); a 修武县 unit's
/// 中小学一级教师 is reviewed by the county's committee and confirmed; no committee sat an
/// application of another jurisdiction.
extension DemoSeasonTests {
    @Test func theSeasonReviewsInTheCountyAndInTheSelfReviewingUnit() throws {
        let store = try EventStore()
        let summary = try season(40, seed: 7, store: store)
        #expect(summary.auditIntact)
        let committees = Dictionary(uniqueKeysWithValues: try store.committees().map { ($0.id, $0) })

        let university = try #require(try store.load(ApplicationMachine.self, id: "A2026-00015")?.state)
        #expect(university.profile?.jurisdiction == "unit:U001")
        #expect(try store.history(ApplicationMachine.self, id: "A2026-00015").map(\.event.name).contains("filed"))
        #expect(try store.selfReviewGrant(unit: "U001")?.decisionNumber == "焦人社〔2026〕5号")
        #expect(try store.unit("U001")?.hasSelfReviewAuthority == true)

        let county = try #require(try store.load(ApplicationMachine.self, id: "A2026-00022")?.state)
        #expect(county.profile?.jurisdiction == "410821")
        #expect(try store.unit(county.profile!.unitID)?.county == "410821")
        #expect(try store.history(ApplicationMachine.self, id: "A2026-00022").map(\.event.name).contains("confirmed"))
        #expect(county.stage == .archived)

        // Every session's committee is of its candidates' jurisdiction.
        var sat: Set<String> = []
        for id in try store.streamIDs(CommitteeSessionMachine.self, status: CommitteeSessionStage.closed.rawValue) {
            let plan = try #require(try store.load(CommitteeSessionMachine.self, id: id)?.state.plan)
            let committee = try #require(committees[plan.committeeID])
            sat.insert(committee.jurisdiction)
            for c in plan.candidates {
                let profile = try #require(try store.load(ApplicationMachine.self, id: c.applicationID)?.state.profile)
                #expect(Routing.jurisdiction(of: profile) == committee.jurisdiction, "\(c.applicationID) in \(id)")
            }
        }
        #expect(sat == ["city", "410821", "unit:U001"])
        #expect(committees["C-primary-secondary-teachers-intermediate-410821"]?.name.hasPrefix("修武县") == true)
    }
}
