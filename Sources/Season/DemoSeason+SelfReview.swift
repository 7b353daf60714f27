import Domain
import Store
import Workflow

/// The self-reviewing unit's own staff in the demo season (seed item 6): 焦作大学 holds the
/// bureau's grant (`DemoSeason.selfReviewDecision`), and its committee's sessions (`unit:<id>`)
/// are run by the unit's committee secretary 单位评审委员会秘书 — the actor of the demo server's
/// `unitsecretary` account (`DemoAccounts`; `Account.actor` names it `web-unitsecretary`), a
/// committee secretary bound to the unit, whom `CommitteeSessionMachine` lets act on that unit's
/// sessions only. Their results are filed 备案 with the bureau at confirmation. The city's
/// secretary runs every other session.
extension Cast {
    static let unitSecretaryUsername = "unitsecretary"

    static func unitSecretary(_ unitID: String) -> Actor {
        Actor(id: "web-\(unitSecretaryUsername)", role: .committeeSecretary, unitID: unitID)
    }

    /// Who runs the sessions of `committee`: the unit's own secretary for a self-reviewing
    /// unit's committee, the county's for the county's committee (DemoSeason+County), else the city's.
    static func secretary(for committee: CommitteeRecord) -> Actor {
        if committee.jurisdiction == DemoSeason.county.code { return countySecretary }
        return Routing.unitID(of: committee.jurisdiction).map(unitSecretary) ?? secretary
    }
}
