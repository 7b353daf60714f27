import Domain
import Foundation
import Testing

@testable import Workflow

/// Seed item 6 (有序推进评审权限下放): 中小学一级教师 go to the committee of the unit's county,
/// a unit with self-review authority reviews its own staff within the series and levels granted
/// and files its results; the grant and its withdrawal are the office head's decisions with a 文号.
@Suite struct DevolutionTests {
    static let policy = Rules.real.policy
    static let grant = SelfReviewGrant(
        series: [.higherEducationTeachers], levels: [.deputySenior, .fullSenior], decisionNumber: "焦职改〔2026〕2号",
        from: day("2026-01-05"))

    static func route(_ series: Series, _ level: Level, county: String? = "410821", grant: SelfReviewGrant? = nil) -> String {
        Routing.jurisdiction(series: series, level: level, unitID: "U001", county: county, grant: grant, policy: policy)
    }

    @Test func policyDevolvesPrimarySecondaryIntermediateToCountiesByDefault() throws {
        #expect(Self.policy.devolution.county == [.primarySecondaryTeachers: [.intermediate]])
        #expect(Self.policy.devolution.countyResults == .confirmedByCounty)
        #expect(Self.policy.devolution == Policy.defaults.devolution)
        let filed = try Policy.parse(
            ConfigNode.parse(
                yaml: "devolution:\n  county:\n    primary-secondary-teachers: [intermediate, assistant]\n  county_results: filed_with_city\n",
                file: "policy.yaml"))
        #expect(filed.devolution.county[.primarySecondaryTeachers] == [.intermediate, .assistant])
        #expect(filed.devolution.countyResults == .filedWithCity)
        let none = try Policy.parse(ConfigNode.parse(yaml: "devolution:\n  county: {}\n", file: "policy.yaml"))
        #expect(none.devolution.county.isEmpty)
        for bad in [
            "devolution:\n  county_results: county\n", "devolution:\n  county:\n    teachers: [intermediate]\n",
            "devolution:\n  county:\n    health: [first-class]\n", "devolution:\n  counties: {}\n",
        ] {
            #expect(throws: ConfigError.self) { try Policy.parse(ConfigNode.parse(yaml: bad, file: "policy.yaml")) }
        }
    }

    @Test func routingAtTheEdges() {
        // 中小学一级教师 of a unit in a county: the county; one level up or another series: the city.
        #expect(Self.route(.primarySecondaryTeachers, .intermediate) == "410821")
        #expect(Self.route(.primarySecondaryTeachers, .deputySenior) == "city")
        #expect(Self.route(.engineering, .intermediate) == "city")
        // A unit at city level (no county, or the city's own code) stays with the city.
        #expect(Self.route(.primarySecondaryTeachers, .intermediate, county: nil) == "city")
        #expect(Self.route(.primarySecondaryTeachers, .intermediate, county: "410800") == "city")
        // A grant covers its series × levels only, and wins over the county.
        #expect(Self.route(.higherEducationTeachers, .deputySenior, grant: Self.grant) == "unit:U001")
        #expect(Self.route(.higherEducationTeachers, .intermediate, grant: Self.grant) == "city")
        #expect(Self.route(.engineering, .deputySenior, grant: Self.grant) == "city")
        var both = Self.grant
        both.series.append(.primarySecondaryTeachers)
        both.levels.append(.intermediate)
        #expect(Self.route(.primarySecondaryTeachers, .intermediate, grant: both) == "unit:U001")
        #expect(CommitteeRegistryMachine.isJurisdiction("unit:U001"))
        #expect(!CommitteeRegistryMachine.isJurisdiction("unit:"))
    }

    @Test func aCommitteeTakesOnlyApplicationsOfItsJurisdiction() {
        var p = ApplicationProfile(
            applicationID: "A-1", personID: "P-1", unitID: "U002", series: .primarySecondaryTeachers,
            level: .intermediate, jurisdiction: "410821")
        let city = Routing.candidateRefusal(
            applicationID: "A-1", profile: p, committeeName: "焦作市中小学教师中级评审委员会", committeeJurisdiction: "city",
            policy: Self.policy)
        #expect(city?.rule == "session.jurisdiction-mismatch")
        #expect(city?.message.contains("一级教师") == true)
        #expect(city?.message.contains("410821") == true)
        #expect(city.map { isChinese($0.message) } == true)
        #expect(
            Routing.candidateRefusal(
                applicationID: "A-1", profile: p, committeeName: "修武县", committeeJurisdiction: "410821",
                policy: Self.policy) == nil)
        #expect(
            Routing.candidateRefusal(
                applicationID: "A-1", profile: p, committeeName: "博爱县", committeeJurisdiction: "410822",
                policy: Self.policy) != nil)
        // Profiles made before routing: the city's, or the self-reviewing unit's.
        p.jurisdiction = nil
        #expect(Routing.jurisdiction(of: p) == "city")
        p.unitHasSelfReviewAuthority = true
        #expect(Routing.jurisdiction(of: p) == "unit:U002")
        let unit = Routing.candidateRefusal(
            applicationID: "A-1", profile: p, committeeName: "焦作市评委会", committeeJurisdiction: "city",
            policy: Self.policy)
        #expect(unit?.message.contains("备案") == true)
    }

    @Test func countyResultsAreConfirmedOrFiledAsThePolicySays() {
        var profile = AppPaths.profile
        profile.jurisdiction = "410821"
        var s = AppPaths.reach(.awaitingConfirmation, profile: profile)
        s.run(.confirm(documentNumber: "修人社〔2026〕3号"), as: Actors.head)
        #expect(s.state.stage == .confirmed)

        var filed = AppPaths.reach(.awaitingConfirmation, profile: profile)
        filed.rules.policy.devolution.countyResults = .filedWithCity
        filed.run(.confirm(documentNumber: "修人社〔2026〕3号"), as: Actors.head)
        #expect(filed.state.stage == .filed)

        // A self-reviewing unit's result is filed whatever the county policy says.
        profile.jurisdiction = Routing.unit(profile.unitID)
        var unit = AppPaths.reach(.awaitingConfirmation, profile: profile)
        unit.run(.confirm(documentNumber: "某大学〔2026〕3号"), as: Actors.head)
        #expect(unit.state.stage == .filed)
    }

    @Test func theHeadGrantsAndWithdrawsSelfReviewByDecision() throws {
        var s = Stream<UnitStandingMachine>()
        let grant = UnitStandingCommand.grantSelfReview(
            series: [.higherEducationTeachers], levels: [.fullSenior, .deputySenior], decisionNumber: "焦职改〔2026〕2号")
        s.refuse(grant, as: Actors.clerk, rule: "unit.role-not-allowed")
        s.refuse(
            .grantSelfReview(series: [.higherEducationTeachers], levels: [.deputySenior], decisionNumber: " "),
            as: Actors.head, rule: "unit.decision-number-missing")
        s.refuse(
            .grantSelfReview(series: [], levels: [.deputySenior], decisionNumber: "焦职改〔2026〕2号"), as: Actors.head,
            rule: "unit.self-review-scope-missing")
        s.refuse(
            .withdrawSelfReview(reason: "评审质量不高", decisionNumber: "焦职改〔2026〕9号"), as: Actors.head,
            rule: "unit.self-review-not-granted")
        s.run(grant, as: Actors.head)
        #expect(s.state.selfReview?.covers(.higherEducationTeachers, .deputySenior) == true)
        #expect(s.state.selfReview?.covers(.higherEducationTeachers, .intermediate) == false)
        #expect(s.state.selfReview?.decisionNumber == "焦职改〔2026〕2号")
        #expect(s.state.status == .normal)
        s.refuse(
            .withdrawSelfReview(reason: "评审质量不高", decisionNumber: "焦职改〔2026〕2号"), as: Actors.head,
            rule: "unit.self-review-same-decision")
        s.refuse(
            .withdrawSelfReview(reason: "评审质量不高", decisionNumber: "焦职改〔2026〕9号"), as: Actors.clerk,
            rule: "unit.role-not-allowed")
        s.run(.withdrawSelfReview(reason: "评审质量不高", decisionNumber: "焦职改〔2026〕9号"), as: Actors.head)
        #expect(s.state.selfReview == nil)
        // No grant while the unit is suspended; the refusal names the decision and the day.
        s.run(.suspend(reason: "出具虚假证明", decisionNumber: "焦职改〔2026〕10号"), as: Actors.head)
        let refused = s.refuse(grant, as: Actors.head, rule: "unit.self-review-while-suspended")
        #expect(refused?.message.contains("焦职改〔2026〕10号") == true)
        #expect(refused?.message.contains("2028") == true)
        #expect(s.replayed == s.state)
        for e in s.events {
            #expect(try JSONDecoder().decode(UnitStandingEvent.self, from: JSONEncoder().encode(e)) == e)
        }
        // A snapshot written before self-review decodes with none.
        let old = #"{"status":"normal","history":[]}"#
        #expect(try JSONDecoder().decode(UnitStandingState.self, from: Data(old.utf8)).selfReview == nil)
    }
}
