import Domain
import Foundation
import Testing

@testable import Forms

@Suite struct SeriesTests {
    static let shipped = [
        "engineering", "primary-secondary-teachers", "higher-education-teachers", "health", "natural-science-research",
        "journalism", "publishing", "agriculture", "rural-practical-talent", "skills-to-engineering", "economics",
        "accounting", "secondary-vocational-teachers", "technical-school-teachers",
    ]

    @Test func everyRequiredFormShipsWithRules() throws {
        #expect(Set(try Support.library.formIDs) == Set(SeriesTests.shipped))
        for id in SeriesTests.shipped {
            #expect(try Support.library.eligibility[id] != nil, "eligibility/\(id).yaml")
            let form = try Support.form(id)
            if let series = Series(rawValue: id) { #expect(form.series == series) }
        }
        #expect(try Support.form("skills-to-engineering").series == .engineering)
    }

    @Test(arguments: Samples.all.indices)
    func validCompleteSample(_ index: Int) throws {
        let sample = Samples.all[index]
        let report = try Support.form(sample.form).validate(sample.data)
        #expect(report.isValid, "\(sample.form)/\(sample.variant): \(report.problems)")
    }

    /// For each cross-field rule, a sample whose condition holds, stripped of every
    /// alternative, breaks that rule and nothing unrelated.
    @Test func eachRuleBrokenAlone() throws {
        var covered = Set<String>()
        for sample in Samples.all {
            let form = try Support.form(sample.form)
            for rule in form.rules where rule.when?.holds(in: sample.data) ?? true {
                var d = sample.data
                for alt in rule.anyOf { d[alt.field] = nil }
                let report = form.validate(d)
                let alternatives = Set(rule.anyOf.map(\.field))
                #expect(report.rules.contains(rule.id), "\(sample.form)/\(sample.variant): \(rule.id)")
                #expect(
                    report.problems.allSatisfy { alternatives.contains($0.path) },
                    "\(sample.variant): \(report.problems)")
                covered.insert(rule.id)
            }
        }
        let all = Set(try SeriesTests.shipped.flatMap { try Support.form($0).rules.map(\.id) })
        #expect(covered == all, "rules without a breaking sample: \(all.subtracting(covered))")
    }

    /// For each required field of each sample, leaving it out is reported at its path.
    @Test func eachRequiredFieldMissingAlone() throws {
        for sample in Samples.all {
            let form = try Support.form(sample.form)
            for field in form.fields where form.isRequired(field, in: sample.data) {
                var d = sample.data
                d[field.id] = nil
                let report = form.validate(d)
                #expect(report.paths.contains(field.id), "\(sample.form)/\(sample.variant): \(field.id)")
            }
        }
    }

    @Test func primarySecondaryTeachersAreNeverAskedForPapers() throws {
        let form = try Support.form("primary-secondary-teachers")
        #expect(form.field("papers") == nil)
        var d = Samples.ruralTeacher()
        d["papers"] = Support.papers(1)
        #expect(form.validate(d).rules == ["field.unknown"])
    }

    @Test func ruralTeachersHaveALowerPerformanceBar() throws {
        let form = try Support.form("primary-secondary-teachers")
        var d = Samples.ruralTeacher()
        #expect(form.validate(d).isValid)
        d["school_type"] = "urban"
        d["work_location"] = "county"
        d["rural_teaching"] = nil
        #expect(form.validate(d).rules == ["group.count"], "an urban teacher needs two results")
        d["teaching_results"] = Samples.results(2)
        #expect(form.validate(d).isValid)
    }

    @Test func ruralOrWeakSchoolTeachingIsAsked() throws {
        let form = try Support.form("primary-secondary-teachers")
        var d = Samples.ruralTeacher()
        d["school_type"] = "weak"
        d["rural_teaching"] = nil
        d["teaching_results"] = Samples.results(2)
        #expect(form.validate(d).paths == ["rural_teaching"])
    }

    @Test func ruralPrimaryTeacherWithNoPapersIsEligible() throws {
        let form = try Support.form("primary-secondary-teachers")
        let data = Samples.ruralTeacher()
        #expect(form.validate(data).isValid)
        var facts = EligibilityFacts(targetLevel: .deputySenior)
        facts.degree = .bachelor
        facts.currentLevel = .intermediate
        facts.currentLevelSince = Day("2018-12-01")
        facts.isRuralTeacher = true
        facts.results = data["teaching_results"]?.array?.count
        let rules = try Support.library.rules(for: "primary-secondary-teachers")
        let decision = rules.evaluate(facts, on: Day("2025-12-31")!)
        #expect(decision.isEligible, "\(decision.notice)")
        #expect(decision.notes.contains { $0.contains("农村") })
        facts.isRuralTeacher = false
        #expect(rules.evaluate(facts, on: Day("2025-12-31")!).reasons.map(\.rule) == ["eligibility.results"])
    }

    @Test func researchTypeDrivesRequirements() throws {
        let form = try Support.form("natural-science-research")
        var d = Samples.science("management")
        d["management_results"] = Samples.outcome(1)
        #expect(form.validate(d).rules == ["group.count"])
        d = Samples.science("basic")
        d["research_type"] = "laboratory"
        #expect(form.validate(d).paths == ["lab_work"])
    }

    @Test func culturalTracksAskDifferentEvidence() throws {
        let form = try Support.form("journalism")
        var d = Samples.cultural("journalism", track: "cultural-specialist")
        d["third_party_reviews"] = nil
        #expect(form.validate(d).paths == ["third_party_reviews"])
        d = Samples.cultural("journalism", track: "enterprise-management")
        d["business_results"] = nil
        #expect(form.validate(d).paths == ["business_results"])
    }

    @Test func grassrootsHealthWorkersNeedNoPapers() throws {
        let form = try Support.form("health")
        var d = Samples.health()
        d["papers"] = nil
        #expect(form.validate(d).rules == ["health.senior-achievements"])
        d["grassroots_institution"] = true
        #expect(form.validate(d).isValid)
    }

    @Test func skillsRouteNeedsItsTrackAndSkillYears() throws {
        let form = try Support.form("skills-to-engineering")
        var d = Samples.skills()
        d["track"] = nil
        #expect(form.validate(d).paths == ["track"])
        var facts = EligibilityFacts(targetLevel: .intermediate)
        facts.track = .skillsBridge
        facts.skillLevel = .technician
        facts.skillLevelSince = Day("2019-06-01")
        let rules = try Support.library.rules(for: "skills-to-engineering")
        #expect(rules.evaluate(facts, on: Day("2025-12-31")!).isEligible)
        facts.skillLevel = .seniorWorker
        #expect(rules.evaluate(facts, on: Day("2025-12-31")!).reasons.map(\.rule) == ["eligibility.skill-level"])
        facts.skillLevel = .technician
        facts.skillLevelSince = Day("2023-06-01")
        #expect(rules.evaluate(facts, on: Day("2025-12-31")!).reasons.map(\.rule) == ["eligibility.years"])
    }

    @Test func ruralPracticalTalentHasNoDegreeRequirement() throws {
        var facts = EligibilityFacts(targetLevel: .intermediate)
        facts.currentLevel = .technician
        facts.currentLevelSince = Day("2020-01-01")
        facts.results = 1
        let rules = try Support.library.rules(for: "rural-practical-talent")
        #expect(rules.evaluate(facts, on: Day("2025-12-31")!).isEligible)
    }
}
