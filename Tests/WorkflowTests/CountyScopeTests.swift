import Domain
import Foundation
import Testing

@testable import Workflow

/// Seed item 6, county staff: an office or committee account scoped to a county (`Actor.county`)
/// acts only on applications routed to that county; the refusal is in Chinese and names both
/// counties. The city's staff act on every application. A county head confirms its county's
/// results under `confirmed_by_county`; under `filed_with_city` the city files them and the
/// county head is refused, naming the policy value. A county's 文号 has its own prefix.
@Suite struct CountyScopeTests {
    static let xiuwuClerk = Actor(id: "xw-clerk", role: .officeClerk, county: "410821")
    static let boaiClerk = Actor(id: "ba-clerk", role: .officeClerk, county: "410822")
    static let xiuwuHead = Actor(id: "xw-head", role: .officeHead, county: "410821")
    static let boaiHead = Actor(id: "ba-head", role: .officeHead, county: "410822")

    static var xiuwuProfile: ApplicationProfile {
        // Routed to 修武县 at intake (as `Intake` stores it for a devolved series and level).
        var p = AppPaths.profile
        p.jurisdiction = "410821"
        return p
    }

    @Test func aCountyClerkIsRefusedAnotherCountysApplication() {
        var s = AppPaths.reach(.qualificationReview, profile: Self.xiuwuProfile)
        let refused = s.refuse(.accept, as: Self.boaiClerk, rule: "scope.other-jurisdiction")
        #expect(refused?.message.contains("博爱县（410822）") == true)
        #expect(refused?.message.contains("修武县（410821）") == true)
        #expect(refused?.message.contains(AppPaths.profile.applicationID) == true)
        #expect(refused.map { isChinese($0.message) } == true)
        // The county's own clerk accepts it.
        s.run(.accept, as: Self.xiuwuClerk)
        #expect(s.state.stage == .accepted)
    }

    @Test func aCountyClerkIsRefusedTheCitysApplicationAndTheCityActsOnAll() {
        let city = AppPaths.reach(.qualificationReview)  // engineering, the city's
        let refused = city.refuse(.accept, as: Self.xiuwuClerk, rule: "scope.other-jurisdiction")
        #expect(refused?.message.contains("全市") == true)
        var county = AppPaths.reach(.qualificationReview, profile: Self.xiuwuProfile)
        county.run(.accept, as: Actors.clerk)
        #expect(county.state.stage == .accepted)
    }

    @Test func theCountyHeadConfirmsUnlessTheCityFiles() {
        var s = AppPaths.reach(.awaitingConfirmation, profile: Self.xiuwuProfile)
        s.refuse(.confirm(documentNumber: "博职改〔2026〕1号"), as: Self.boaiHead, rule: "scope.other-jurisdiction")
        s.run(.confirm(documentNumber: "修职改〔2026〕1号"), as: Self.xiuwuHead)
        #expect(s.state.stage == .confirmed)
        #expect(s.state.documentNumber == "修职改〔2026〕1号")

        var filed = AppPaths.reach(.awaitingConfirmation, profile: Self.xiuwuProfile)
        filed.rules.policy.devolution.countyResults = .filedWithCity
        let refused = filed.refuse(
            .confirm(documentNumber: "修职改〔2026〕1号"), as: Self.xiuwuHead,
            rule: "application.county-results-filed-with-city")
        #expect(refused?.message.contains("filed_with_city") == true)
        #expect(refused?.message.contains("修武县") == true)
        filed.run(.confirm(documentNumber: "焦职改〔2026〕7号"), as: Actors.head)
        #expect(filed.state.stage == .filed)
    }

    @Test func aCountysDocumentNumberHasItsPrefix() throws {
        let policy = Rules.real.policy
        let xiuwu = try #require(policy.devolution.county("410821"))
        #expect(xiuwu.name == "修武县")
        #expect(DocumentNumber.format(county: xiuwu, year: 2026, sequence: 3) == "\(xiuwu.documentPrefix)〔2026〕3号")
        #expect(DocumentNumber.counterName(county: "410821", year: 2026) != DocumentNumber.counterName(year: 2026))
        #expect(Routing.chinese("410821", policy: policy) == "修武县（410821）")
        #expect(Routing.chinese("410899", policy: policy) == "县（市、区）410899")
        let bad = try? Policy.parse(
            ConfigNode.parse(
                yaml: "devolution:\n  counties:\n    - {code: \"410800\", name: 焦作市, document_prefix: 焦职改}\n",
                file: "policy.yaml"))
        #expect(bad == nil)
        let one = try Policy.parse(
            ConfigNode.parse(
                yaml: "devolution:\n  counties:\n    - {code: \"410821\", name: 修武县, document_prefix: 修人社}\n",
                file: "policy.yaml"))
        #expect(one.devolution.counties == [Policy.County(code: "410821", name: "修武县", documentPrefix: "修人社")])
    }
}
