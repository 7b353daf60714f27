import Domain
import Store
import Workflow

/// The county's own staff in the demo season (seed item 6): 修武县's office clerk and head — the
/// actors of the demo server's county accounts (`DemoAccounts`: `xwclerk`, `xwhead`, scoped to
/// the county through `AdministrationMachine.setScope`; `Account.actor` names them `web-<user>`)
/// — and its committee secretary (`xwsecretary`, who runs the county committee's sessions)
/// — accept the county's 中小学一级教师 applications, start their public notice, confirm them under
/// the county's own 文号 (its prefix from `policy.yaml` `devolution.counties`, its own gap-free
/// counter) and issue their certificates. The city's staff do the rest of the city.
extension Cast {
    static let countyClerk = Actor(id: "web-xwclerk", role: .officeClerk, county: DemoSeason.county.code)
    static let countyHead = Actor(id: "web-xwhead", role: .officeHead, county: DemoSeason.county.code)
    /// The county's committee secretary (`xwsecretary`): runs the sessions of the county's committee.
    static let countySecretary = Actor(
        id: "web-xwsecretary", role: .committeeSecretary, county: DemoSeason.county.code)

    /// The clerk who handles an application of `jurisdiction`: the county's for the county's.
    static func clerk(for jurisdiction: String) -> Actor {
        jurisdiction == DemoSeason.county.code ? countyClerk : clerk
    }
}

extension DemoSeason {
    /// Confirms the county's applications `ids` (one transaction) by the county head under the
    /// next 文号 of the county's counter. - Returns: that 文号 (read back from the store when an
    /// earlier run already committed the step).
    func confirmInCounty(_ ids: [String]) throws -> String {
        let policy = rules.policy
        guard let county = policy.devolution.county(Self.county.code) else {
            throw SeasonError.unexpected("county \(Self.county.code) is not in policy.yaml devolution.counties")
        }
        let head = context(Cast.countyHead)
        let year = head.today.year
        let number = try transact { tx -> String in
            let n = try tx.nextNumber(DocumentNumber.counterName(county: county.code, year: year))
            let number = DocumentNumber.format(county: county, year: year, sequence: n)
            for id in ids {
                let o = try tx.execute(ApplicationMachine.self, id: id, .confirm(documentNumber: number), context: head)
                self.stats.events += o.events.count
            }
            return number
        }
        if let number { return number }
        guard let first = ids.first, let stored = try store.load(ApplicationMachine.self, id: first)?.state.documentNumber
        else { throw SeasonError.unexpected("county confirmation of \(ids.first ?? "") not found") }
        return stored
    }
}
