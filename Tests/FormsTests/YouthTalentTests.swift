import Domain
import Foundation
import Testing

@testable import Forms

/// Issue 12 item 3, seed item 18: the young-talent routes as data. The 举荐 recommendation needs
/// its referees, the office's acceptance and outstanding results, and then (by default) lifts the
/// years requirement; outstanding results alone relieve a year; county graduates and
/// grassroots-project staff keep their relief. Each at its edges.
@Suite struct YouthTalentTests {
    let reference = Day("2025-12-31")!
    let engineering: EligibilityRules

    init() throws { engineering = try Support.library.rules(for: "engineering") }

    /// A master's 助理工程师 of six months applying for 工程师 (two years needed), born 1995.
    func young(track: Track = .normal) -> EligibilityFacts {
        var f = EligibilityFacts(targetLevel: .intermediate)
        f.track = track
        f.birthDate = Day("1995-04-10")
        f.degree = .master
        f.degreeDate = Day("2020-07-01")
        f.currentLevel = .assistant
        f.currentLevelSince = Day("2025-06-30")
        return f
    }

    /// Everything the 举荐 route asks: two referees, the office's acceptance, outstanding results.
    func recommended() -> EligibilityFacts {
        var f = young(track: .youthRecommendation)
        f.youthReferees = 2
        f.isRecommended = true
        f.hasOutstandingResults = true
        return f
    }

    // MARK: 举荐

    @Test func theRecommendationWithOutstandingResultsLiftsTheYears() throws {
        #expect(engineering.evaluate(young(), on: reference).reasons.map(\.rule) == ["eligibility.years"])
        let d = engineering.evaluate(recommended(), on: reference)
        #expect(d.isEligible, "\(d.notice)")
        #expect(d.notes.contains { $0.hasPrefix("青年人才举荐") && $0.contains("不受任职年限限制") }, "\(d.notes)")
        // The lifted years are the only relief: the degree still counts.
        var f = recommended()
        f.degree = .secondaryVocational
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.degree"])
    }

    @Test func refereesAtTheEdge() throws {
        var f = recommended()
        f.youthReferees = 1
        let d = engineering.evaluate(f, on: reference)
        // Refused, the route lifts nothing: the years are reported too (every reason at once).
        #expect(d.reasons.map(\.rule) == ["eligibility.youth-referees", "eligibility.years"])
        #expect(d.reasons[0].fact == "举荐专家1名")
        #expect(d.reasons[0].requirement == "青年人才举荐须有2名专家举荐")
        f.youthReferees = 2
        #expect(engineering.evaluate(f, on: reference).isEligible)
    }

    @Test func theOfficeMustHaveAcceptedTheRecommendation() throws {
        var f = recommended()
        f.isRecommended = false
        let d = engineering.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.youth-recommendation", "eligibility.years"])
        #expect(d.reasons[0].requirement.contains("职称改革领导小组办公室受理"))
    }

    /// “特别突出” is evidence: without it the recommendation waives nothing and is refused.
    @Test func outstandingResultsAreEvidenceTheRouteNeeds() throws {
        var f = recommended()
        f.hasOutstandingResults = false
        let d = engineering.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule).contains("eligibility.youth-outstanding"))
        #expect(d.reasons.map(\.rule).contains("eligibility.years"), "nothing is waived without the evidence")
        #expect(d.notice.contains("未填写能力业绩特别突出的业绩"))
    }

    /// 35周岁及以下: the day before the 36th birthday still qualifies, the birthday does not.
    @Test func ageLimitAtItsEdge() throws {
        var f = recommended()
        f.birthDate = Day("1990-01-01")
        #expect(engineering.evaluate(f, on: reference).isEligible, "35 years and 11 months")
        f.birthDate = Day("1989-12-31")
        let d = engineering.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule).contains("eligibility.youth-age"))
        #expect(d.reasons.first?.fact == "申报人至2025年12月31日年满36周岁", "\(d.notice)")
        #expect(d.reasons.first?.requirement == "青年人才举荐限35周岁及以下")
        f.birthDate = nil
        #expect(engineering.evaluate(f, on: reference).reasons.first?.fact == "未提供出生日期")
    }

    /// Every missing piece at once (the one-time notice).
    @Test func everyMissingPieceAtOnce() throws {
        var f = young(track: .youthRecommendation)
        f.birthDate = Day("1980-01-01")
        let d = engineering.evaluate(f, on: reference)
        #expect(
            d.reasons.map(\.rule) == [
                "eligibility.youth-age", "eligibility.youth-referees", "eligibility.youth-recommendation",
                "eligibility.youth-outstanding", "eligibility.years",
            ])
    }

    /// The recommendation does not skip a level: the lower title is still needed.
    @Test func theRecommendationDoesNotSkipALevel() throws {
        var f = recommended()
        f.currentLevel = nil
        f.currentLevelSince = nil
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.lower-title"])
    }

    // MARK: Outstanding results on any track, county graduates, grassroots-project staff

    /// Outstanding results relieve a year (engineering's default): exactly one year as 助理工程师
    /// is then enough for a master's; a day less is not, and the notice says the need was relieved.
    @Test func outstandingResultsRelieveAYear() throws {
        var f = young()
        f.hasOutstandingResults = true
        f.currentLevelSince = Day("2024-12-31")
        let ok = engineering.evaluate(f, on: reference)
        #expect(ok.isEligible, "\(ok.notice)")
        #expect(ok.notes == ["青年人才（35周岁及以下，能力业绩特别突出）：任职年限要求放宽1年"])
        f.currentLevelSince = Day("2025-01-01")
        let short = engineering.evaluate(f, on: reference)
        #expect(short.reasons.map(\.rule) == ["eligibility.years"])
        #expect(short.reasons[0].requirement.hasPrefix("应满1年（已放宽）"), "\(short.notice)")
        f.hasOutstandingResults = false
        f.currentLevelSince = Day("2024-12-31")
        #expect(!engineering.evaluate(f, on: reference).isEligible, "no evidence, no relief")
    }

    @Test(arguments: ["county", "grassroots"])
    func countyGraduatesAndGrassrootsStaffKeepTheirRelief(_ route: String) throws {
        var f = young()
        f.birthDate = Day("1980-01-01")  // no age limit on these routes
        if route == "county" { f.isCountyGraduate = true } else { f.isGrassrootsProjectStaff = true }
        f.currentLevelSince = Day("2024-12-31")
        let ok = engineering.evaluate(f, on: reference)
        #expect(ok.isEligible, "\(ok.notice)")
        #expect(ok.notes.first?.contains(route == "county" ? "县域" : "基层服务项目") == true)
        f.currentLevelSince = Day("2025-01-01")
        #expect(engineering.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.years"])
    }

    // MARK: The reliefs are data, per route and per series

    /// Every shipped form that offers the 举荐 track has its rules; the defaults: two referees,
    /// 35 and under, the years lifted; outstanding results, county graduates and grassroots staff
    /// relieve twelve months.
    @Test func everySeriesCarriesItsOwnRoutes() throws {
        let library = try Support.library
        var offering: [String] = []
        for id in library.formIDs where try library.form(id).tracks.contains(.youthRecommendation) {
            offering.append(id)
            let r = try library.rules(for: id)
            let recommendation = try #require(r.youthRecommendation, "\(id)")
            #expect(recommendation.referees == 2, "\(id)")
            #expect(recommendation.maxAge == 35, "\(id)")
            #expect(recommendation.waives == [.years], "\(id)")
            #expect(r.youth?.months == 12, "\(id)")
            #expect(r.countyGraduate?.months == 12, "\(id)")
            #expect(r.grassrootsProject?.months == 12, "\(id)")
        }
        #expect(offering.contains("economics") && offering.contains("technical-school-teachers"))
        #expect(offering.count >= 12)
    }

    /// A relief of months instead of a waiver, a waiver of the degree, a route limited to some
    /// levels: each is read from the file and applied.
    @Test func reliefsAreReadFromTheFile() throws {
        let dir = try copyOfForms()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try rewrite(dir, "eligibility/economics.yaml") {
            $0.replacingOccurrences(
                of: "youth_recommendation: {max_age: 35, referees: 2, waives: [years]}",
                with: "youth_recommendation: {max_age: 40, referees: 3, relief_months: 24, levels: [deputy-senior]}"
            ).replacingOccurrences(
                of: "county_graduate: {relief_months: 12}", with: "county_graduate: {waives: [degree]}")
        }
        let rules = try FormLibrary.load(directory: dir).rules(for: "economics")
        #expect(rules.youthRecommendation == .init(months: 24, maxAge: 40, referees: 3, levels: [.deputySenior]))
        #expect(rules.countyGraduate == .init(months: 0, waives: [.degree]))

        // 24 months off five years: three years as 经济师 are enough, a day less is not.
        var f = EligibilityFacts(targetLevel: .deputySenior)
        f.track = .youthRecommendation
        f.birthDate = Day("1987-06-01")
        f.degree = .bachelor
        f.currentLevel = .intermediate
        f.currentLevelSince = Day("2022-12-31")
        f.youthReferees = 3
        f.isRecommended = true
        f.hasOutstandingResults = true
        let ok = rules.evaluate(f, on: reference)
        #expect(ok.isEligible, "\(ok.notice)")
        #expect(ok.notes.contains { $0.contains("任职年限要求放宽2年") }, "\(ok.notes)")
        f.currentLevelSince = Day("2023-01-01")
        #expect(rules.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.years"])
        // Limited to 副高级: a 举荐 for 正高级 is not offered.
        f.targetLevel = .fullSenior
        f.currentLevel = .deputySenior
        f.currentLevelSince = Day("2015-01-01")
        #expect(rules.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.track"])

        // The county graduate's degree waived: a 中专 graduate takes the lowest row (专科, ten years),
        // never the doctorate's two.
        var g = EligibilityFacts(targetLevel: .deputySenior)
        g.degree = .secondaryVocational
        g.currentLevel = .intermediate
        g.currentLevelSince = Day("2015-12-31")
        #expect(rules.evaluate(g, on: reference).reasons.map(\.rule) == ["eligibility.degree"])
        g.isCountyGraduate = true
        let waived = rules.evaluate(g, on: reference)
        #expect(waived.isEligible, "\(waived.notice)")
        #expect(waived.route?.contains("大学专科") == true)
        #expect(waived.notes.contains("在县域就业创业的高校毕业生：不受学历限制"), "\(waived.notes)")
        g.currentLevelSince = Day("2016-12-31")
        let short = rules.evaluate(g, on: reference)
        #expect(short.reasons.map(\.rule) == ["eligibility.years"])
        #expect(short.reasons.first?.requirement.hasPrefix("应满10年") == true, "\(short.notice)")
        // A college graduate already fits that row: nothing to lift, nothing said.
        g.degree = .college
        g.currentLevelSince = Day("2015-12-31")
        #expect(rules.evaluate(g, on: reference).notes.isEmpty)
    }

    @Test func mistakesInTheRoutesAreNamed() throws {
        let dir = try copyOfForms()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try rewrite(dir, "eligibility/accounting.yaml") {
            $0.replacingOccurrences(of: "referees: 2, waives: [years]}", with: "referees: 2, waives: [lower_title]}")
        }
        try rewrite(dir, "eligibility/economics.yaml") {
            $0.components(separatedBy: "\n").filter { !$0.contains("youth_recommendation:") }.joined(separator: "\n")
        }
        let errors = FormLibrary.lint(directory: dir)
        let accounting = try #require(errors.first { $0.file == "eligibility/accounting.yaml" }, "\(errors)")
        #expect(accounting.message.contains("lower_title"))
        #expect(accounting.line != nil)
        let economics = try #require(errors.first { $0.file == "eligibility/economics.yaml" }, "\(errors)")
        #expect(economics.message.contains("youth_recommendation"))
    }

    // MARK: From the declaration

    /// The form asks for the evidence and the facts are read from it: the referees, the letter with
    /// the office's acceptance, the outstanding results (blank text is none), the grassroots project.
    @Test func theDeclarationStatesTheFacts() throws {
        var data = Support.engineering()
        data["track"] = "youth-recommendation"
        let form = try Support.form("engineering")
        let problems = Set(form.validate(data).paths)
        #expect(
            problems == [
                "outstanding_results", "recommendation_letter", "youth_referees", "recommendation_acceptance",
                "recommendation_accepted_on",
            ], "\(problems)")
        data["outstanding_results"] = "   "
        data["recommendation_letter"] = [Support.file("举荐书.pdf")]
        data["youth_referees"] = .array(
            (1...2).map { i in
                ["name": .string("专家\(i)"), "unit": "河南理工大学", "title": "教授", "opinion": "该同志业绩突出，特此举荐。"]
            })
        data["recommendation_acceptance"] = "焦人社职〔2025〕12号"
        data["recommendation_accepted_on"] = "2025-09-01"
        data["grassroots_project"] = true
        var facts = EligibilityFacts.declared(in: .object(data), series: .engineering)
        #expect(facts.youthReferees == 2)
        #expect(facts.isRecommended)
        #expect(!facts.hasOutstandingResults, "blank text is no evidence")
        #expect(facts.isGrassrootsProjectStaff)
        data["outstanding_results"] = "主持完成省级重点研发项目，成果在三家企业应用。"
        facts = EligibilityFacts.declared(in: .object(data), series: .engineering)
        #expect(facts.hasOutstandingResults)
        #expect(form.validate(data).isValid, "\(form.validate(data).problems)")
        data["recommendation_acceptance"] = nil
        #expect(!EligibilityFacts.declared(in: .object(data), series: .engineering).isRecommended)
    }

    /// A generated 举荐 declaration of every form offering the track, by a young applicant whose
    /// current title is only months old, is eligible with the years lifted.
    @Test func everyFormsGeneratedRecommendationIsEligible() throws {
        let applicant = DeclarationGenerator.Applicant(
            name: "王青", residentID: ResidentID.make(region: "410802", birth: Day("1994-08-08")!, sequence: 7),
            unitName: "焦作市某某有限公司", creditCode: Support.creditCode, unitKind: "state-enterprise")
        let day = Day("2026-03-02")!
        let library = try Support.library
        for id in library.formIDs {
            let form = try library.form(id)
            guard form.tracks.contains(.youthRecommendation) else { continue }
            let rules = try library.rules(for: id)
            for level in form.levels where level.lower.map(form.levels.contains) == true {
                let g = DeclarationGenerator.declaration(
                    form: form, level: level, track: .youthRecommendation, applicant: applicant, on: day, seed: 11)
                var data = try #require(g.data.object)
                data["current_title_date"] = .string(day.adding(days: -100).description)
                let facts = rules.facts(declaredIn: .object(data), series: form.series)
                #expect(
                    facts.isRecommended && facts.hasOutstandingResults && facts.youthReferees >= 2, "\(id) \(level)")
                let d = rules.evaluate(facts, on: day)
                #expect(d.isEligible, "\(id) \(level): \(d.notice)")
            }
        }
    }

    // MARK: Helpers

    func copyOfForms() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-forms-\(UUID().uuidString)")
            .path
        try FileManager.default.copyItem(atPath: Support.formsDirectory, toPath: dir)
        return dir
    }

    func rewrite(_ dir: String, _ file: String, _ change: (String) -> String) throws {
        let url = URL(fileURLWithPath: dir).appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "\(file) unchanged")
        try Data(changed.utf8).write(to: url)
    }
}
