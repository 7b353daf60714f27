import Domain
import Foundation
import Testing

@testable import Forms

@Suite struct EligibilityTests {
    let engineering: EligibilityRules

    init() throws { engineering = try Support.library.rules(for: "engineering") }
    let reference = Day("2025-12-31")!

    func facts(
        _ level: Level, degree: Degree? = .master, current: Level? = nil, since: String? = nil
    ) -> EligibilityFacts {
        var f = EligibilityFacts(targetLevel: level)
        f.degree = degree
        f.degreeDate = Day("2015-07-01")
        f.birthDate = Day("1990-01-01")
        f.currentLevel = current
        f.currentLevelSince = since.flatMap { Day($0) }
        return f
    }

    @Test func mastersTwoYearsAsAssistantMakesEngineer() throws {
        let ok = engineering.evaluate(facts(.intermediate, current: .assistant, since: "2023-12-31"), on: reference)
        #expect(ok.isEligible, "\(ok.notice)")
        #expect(ok.route?.contains("工程师") == true)

        // One year and eleven months: not yet.
        let short = engineering.evaluate(facts(.intermediate, current: .assistant, since: "2024-01-31"), on: reference)
        #expect(!short.isEligible)
        #expect(short.reasons.map(\.rule) == ["eligibility.years"])
        #expect(short.reasons[0].fact.contains("1年11个月"))
        #expect(short.reasons[0].requirement.contains("2年"))
        // The day before the anniversary is still short.
        #expect(
            !engineering.evaluate(facts(.intermediate, current: .assistant, since: "2024-01-01"), on: reference)
                .isEligible)
    }

    @Test func bachelorsNeedFourYears() throws {
        #expect(
            !engineering.evaluate(
                facts(.intermediate, degree: .bachelor, current: .assistant, since: "2023-12-31"), on: reference
            ).isEligible)
        #expect(
            engineering.evaluate(
                facts(.intermediate, degree: .bachelor, current: .assistant, since: "2021-12-31"), on: reference
            ).isEligible)
    }

    @Test func doctorateOnTheDegree() throws {
        #expect(engineering.evaluate(facts(.intermediate, degree: .doctorate), on: reference).isEligible)
        let senior = engineering.evaluate(
            facts(.deputySenior, degree: .doctorate, current: .intermediate, since: "2023-12-31"), on: reference)
        #expect(senior.isEligible)
    }

    @Test func collegeCannotReachSeniorByTheTable() throws {
        let d = engineering.evaluate(
            facts(.deputySenior, degree: .college, current: .intermediate, since: "2010-01-01"), on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.degree"])
        #expect(d.reasons[0].fact.contains("大学专科"))
    }

    @Test func overseasHireAppliesDirectlyForDeputySenior() throws {
        var f = facts(.deputySenior, degree: .doctorate, current: nil)
        #expect(!engineering.evaluate(f, on: reference).isEligible, "without the green channel a lower title is needed")
        f.track = .greenChannel
        f.talentCategory = .overseasHighLevel
        let d = engineering.evaluate(f, on: reference)
        #expect(d.isEligible, "\(d.notice)")
        #expect(d.notes.contains { $0.contains("绿色通道") })
        f.talentCategory = nil
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule).contains("eligibility.green-channel"))
    }

    @Test func specialEvaluationLiftsDegreeAndYears() throws {
        var f = facts(.deputySenior, degree: .secondaryVocational)
        f.track = .specialEvaluation
        f.hasMajorContribution = true
        #expect(engineering.evaluate(f, on: reference).isEligible)
        f.hasMajorContribution = false
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule).contains("eligibility.special-evaluation"))
        f.hasMajorContribution = true
        f.targetLevel = .intermediate
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule).contains("eligibility.track"))
    }

    @Test func exceptionalNeedsTwoFullSeniorReferees() throws {
        var f = facts(.deputySenior, degree: .college, current: .intermediate, since: "2024-06-01")
        f.track = .exceptional
        f.fullSeniorReferees = 1
        let one = engineering.evaluate(f, on: reference)
        #expect(one.reasons.map(\.rule) == ["eligibility.exceptional", "eligibility.degree", "eligibility.years"])
        f.fullSeniorReferees = 2
        #expect(engineering.evaluate(f, on: reference).isEligible)
    }

    @Test func youngEngineerWithOutstandingResultsAndRecommendation() throws {
        // Master's, 助理工程师 for 1 year 3 months: short of 2 years.
        var f = facts(.intermediate, current: .assistant, since: "2024-09-01")
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.years"])
        f.hasOutstandingResults = true
        f.isRecommended = true
        let d = engineering.evaluate(f, on: reference)
        #expect(d.isEligible, "\(d.notice)")
        #expect(d.notes.contains { $0.contains("青年人才") })
        // Over 35 the youth relief does not apply.
        f.birthDate = Day("1980-01-01")
        #expect(!engineering.evaluate(f, on: reference).isEligible)
    }

    @Test func countyGraduatesAndGrassrootsStaffNeedFewerYears() throws {
        var f = facts(.intermediate, current: .assistant, since: "2024-09-01")
        f.isCountyGraduate = true
        #expect(engineering.evaluate(f, on: reference).isEligible)
        f.isCountyGraduate = false
        f.isGrassrootsProjectStaff = true
        #expect(engineering.evaluate(f, on: reference).isEligible)
        // Reliefs do not add up: both still give one year.
        f.isCountyGraduate = true
        f.currentLevelSince = Day("2025-06-01")
        #expect(!engineering.evaluate(f, on: reference).isEligible)
    }

    @Test func blacklistedPersonIsRefusedWithTheEndDate() throws {
        var f = facts(.intermediate, degree: .doctorate)
        f.blacklistedUntil = Day("2027-03-01")
        let d = engineering.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.blacklist"])
        #expect(d.reasons[0].fact.contains("期限至2027年2月28日止"))
        #expect(d.reasons[0].requirement.contains("2027年3月1日起方可申报"))
        // The day the record ends, the person may apply.
        #expect(engineering.evaluate(f, on: Day("2027-03-01")!).isEligible)
    }

    @Test func suspendedUnitIsRefused() throws {
        var f = facts(.intermediate, degree: .doctorate)
        f.unitSuspendedUntil = Day("2026-06-30")
        let d = engineering.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.unit-suspended"])
        #expect(d.reasons[0].fact.contains("期限至2026年6月29日止"))
        #expect(d.reasons[0].requirement.contains("2026年6月30日起方可申报"))
    }

    /// Every bar at its edges (`BarEnd`: `until` is the first day one may apply again): the day
    /// before it the applicant is refused and told the day; on the day itself the bar is gone.
    @Test(arguments: ["eligibility.blacklist", "eligibility.unit-suspended", "eligibility.sanction"])
    func barsHoldTheDayBeforeTheirEndAndLiftOnIt(rule: String) throws {
        let until = Day("2026-07-01")!
        var f = facts(.intermediate, degree: .doctorate)
        switch rule {
        case "eligibility.blacklist": f.blacklistedUntil = until
        case "eligibility.unit-suspended": f.unitSuspendedUntil = until
        default: f.sanction = .init(kind: .demerit, until: until)
        }
        let before = engineering.evaluate(f, on: Day("2026-06-30")!)
        #expect(before.reasons.map(\.rule) == [rule])
        #expect(before.reasons.first?.fact.contains("至2026年6月30日止") == true, "\(before.notice)")
        #expect(before.reasons.first?.requirement.contains("2026年7月1日起方可申报") == true, "\(before.notice)")
        #expect(before.notice.contains("2026年7月1日起方可申报"))
        let on = engineering.evaluate(f, on: until)
        #expect(on.isEligible, "\(on.notice)")
    }

    @Test func retireesAndRunningSanctions() throws {
        var f = facts(.intermediate, degree: .doctorate)
        f.isRetired = true
        f.sanction = .init(kind: .demerit, until: Day("2026-05-01")!)
        #expect(
            engineering.evaluate(f, on: reference).reasons.map(\.rule) == [
                "eligibility.retired", "eligibility.sanction",
            ])
        f.isRetired = false
        f.sanction = .init(kind: .warning, until: Day("2026-05-01")!)
        #expect(engineering.evaluate(f, on: reference).isEligible, "a warning does not bar")
        f.sanction = .init(kind: .dismissal, until: Day("2025-12-31")!)
        #expect(engineering.evaluate(f, on: reference).isEligible, "a sanction that has run out does not bar")
    }

    @Test func everyReasonAtOnce() throws {
        var f = facts(.deputySenior, degree: .college, current: .assistant, since: "2025-01-01")
        f.blacklistedUntil = Day("2026-01-01")
        f.unitSuspendedUntil = Day("2026-01-01")
        let d = engineering.evaluate(f, on: reference)
        #expect(
            d.reasons.map(\.rule) == [
                "eligibility.blacklist", "eligibility.unit-suspended", "eligibility.degree", "eligibility.lower-title",
            ])
        #expect(d.notice.hasPrefix("不符合申报条件"))
        #expect(d.notice.contains("4. "))
    }

    @Test func alreadyHeldAndLevelNotOffered() throws {
        #expect(
            engineering.evaluate(
                facts(.intermediate, degree: .doctorate, current: .intermediate, since: "2020-01-01"), on: reference
            )
            .reasons.map(\.rule) == ["eligibility.already-held"])
    }

    @Test func factsFromJSON() throws {
        let json = """
            {"target_level": "deputy-senior", "track": "green-channel", "talent_category": "overseas-high-level",
             "degree": "doctorate", "blacklisted_until": "2026-01-01", "sanction": {"kind": "demerit", "until": "2026-02-01"}}
            """
        let f = try EligibilityFacts.parse(Data(json.utf8))
        #expect(f.targetLevel == .deputySenior)
        #expect(f.track == .greenChannel)
        #expect(f.sanction?.kind == .demerit)
        #expect(
            engineering.evaluate(f, on: reference).reasons.map(\.rule) == [
                "eligibility.blacklist", "eligibility.sanction",
            ])
    }

    @Test func monthsCountWholeMonths() throws {
        #expect(EligibilityRules.months(from: Day("2023-12-31")!, to: Day("2025-12-31")!) == 24)
        #expect(EligibilityRules.months(from: Day("2024-01-31")!, to: Day("2025-12-31")!) == 23)
        #expect(EligibilityRules.months(from: Day("2024-02-29")!, to: Day("2025-02-28")!) == 11)
        #expect(EligibilityRules.duration(23) == "1年11个月")
    }
}
