import Domain
import Foundation
import Testing

@testable import Forms

/// Issue 12 item 8: the 经济, 会计, 中等职业学校教师 and 技工院校教师 forms — their eligibility at the
/// edges (a year or a day short refused with the reason, exactly enough accepted), what each form
/// asks, and third-party evaluation 第三方评价 (seed item 10) as evidence.
@Suite struct MoreSeriesTests {
    let reference = Day("2025-12-31")!

    func rules(_ id: String) throws -> EligibilityRules { try Support.library.rules(for: id) }

    func facts(
        _ level: Level, degree: Degree? = .bachelor, current: Level? = nil, since: String? = nil
    ) -> EligibilityFacts {
        var f = EligibilityFacts(targetLevel: level)
        f.degree = degree
        f.degreeDate = Day("2010-07-01")
        f.birthDate = Day("1980-03-01")
        f.currentLevel = current
        f.currentLevelSince = since.flatMap { Day($0) }
        return f
    }

    /// Accepted with exactly `years` at the lower title; a year short and a day short refused with
    /// the years rule, the time served and the time required.
    func expectYearsEdge(
        _ id: String, _ level: Level, degree: Degree, current: Level, years: Int, title: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let r = try rules(id)
        let exact = reference.adding(years: -years)
        let ok = r.evaluate(facts(level, degree: degree, current: current, since: exact.description), on: reference)
        #expect(ok.isEligible, "\(id) \(level): \(ok.notice)", sourceLocation: sourceLocation)
        #expect(ok.route?.hasPrefix(title) == true, "\(ok.route ?? "")", sourceLocation: sourceLocation)

        let yearShort = r.evaluate(
            facts(level, degree: degree, current: current, since: exact.adding(years: 1).description), on: reference)
        #expect(
            yearShort.reasons.map(\.rule) == ["eligibility.years"], "\(yearShort.notice)",
            sourceLocation: sourceLocation)
        #expect(
            yearShort.reasons.first?.fact.contains("满\(years - 1)年") == true, "\(yearShort.notice)",
            sourceLocation: sourceLocation)
        #expect(
            yearShort.reasons.first?.requirement.contains("应满\(years)年") == true, "\(yearShort.notice)",
            sourceLocation: sourceLocation)
        #expect(yearShort.notice.hasPrefix("不符合申报条件"), sourceLocation: sourceLocation)

        let dayShort = r.evaluate(
            facts(level, degree: degree, current: current, since: exact.adding(days: 1).description), on: reference)
        #expect(dayShort.reasons.map(\.rule) == ["eligibility.years"], sourceLocation: sourceLocation)
        #expect(
            dayShort.reasons.first?.fact.contains("满\(years - 1)年11个月") == true, "\(dayShort.notice)",
            sourceLocation: sourceLocation)
    }

    // MARK: 经济

    @Test func economicsSeniorTitlesByDegreeAndYears() throws {
        try expectYearsEdge(
            "economics", .deputySenior, degree: .doctorate, current: .intermediate, years: 2, title: "高级经济师")
        try expectYearsEdge(
            "economics", .deputySenior, degree: .bachelor, current: .intermediate, years: 5, title: "高级经济师")
        try expectYearsEdge(
            "economics", .deputySenior, degree: .college, current: .intermediate, years: 10, title: "高级经济师")
        try expectYearsEdge(
            "economics", .fullSenior, degree: .bachelor, current: .deputySenior, years: 5, title: "正高级经济师")
    }

    /// 助理经济师 and 经济师 come from the national exam (以考代评): the city does not evaluate them.
    @Test func economicsAndAccountingJuniorLevelsAreByExam() throws {
        for id in ["economics", "accounting"] {
            let form = try Support.form(id)
            #expect(form.levels == [.deputySenior, .fullSenior])
            let d = try rules(id).evaluate(
                facts(.intermediate, current: .assistant, since: "2015-01-01"), on: reference)
            #expect(d.reasons.map(\.rule) == ["eligibility.level"])
            #expect(d.reasons.first?.requirement.contains("副高级、正高级") == true, "\(d.notice)")
        }
    }

    /// 考评结合: 高级经济师 asks for the exam certificate; 正高级 and the green channel do not.
    @Test func economicsSeniorAsksForTheExamCertificate() throws {
        let form = try Support.form("economics")
        var d = Samples.economics()
        d["senior_exam_certificate"] = nil
        d["senior_exam_year"] = nil
        #expect(form.validate(d).paths == ["senior_exam_certificate"])
        d["level"] = "full-senior"
        d["current_title"] = "高级经济师"
        #expect(form.validate(d).isValid, "\(form.validate(d).problems)")
        d = Samples.economics()
        d["senior_exam_year"] = nil
        #expect(form.validate(d).paths == ["senior_exam_year"], "a certificate names its year")
    }

    @Test func economicsSpecialtyIsPrinted() throws {
        let form = try Support.form("economics")
        #expect(form.specialtyField == "specialty")
        #expect(form.specialty(in: .object(Samples.economics())) == "工商管理")
    }

    // MARK: 会计

    @Test func accountingSeniorTitlesByDegreeAndYears() throws {
        try expectYearsEdge(
            "accounting", .deputySenior, degree: .doctorate, current: .intermediate, years: 2, title: "高级会计师")
        try expectYearsEdge(
            "accounting", .deputySenior, degree: .master, current: .intermediate, years: 5, title: "高级会计师")
        try expectYearsEdge(
            "accounting", .deputySenior, degree: .college, current: .intermediate, years: 10, title: "高级会计师")
        try expectYearsEdge(
            "accounting", .fullSenior, degree: .bachelor, current: .deputySenior, years: 5, title: "正高级会计师")
    }

    @Test func accountingBelowCollegeIsRefusedWithTheDegree() throws {
        let d = try rules("accounting").evaluate(
            facts(.deputySenior, degree: .secondaryVocational, current: .intermediate, since: "2005-01-01"),
            on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.degree"])
        #expect(d.reasons.first?.fact.contains("中专") == true)
    }

    @Test func accountingResultsReplacePapers() throws {
        let form = try Support.form("accounting")
        var d = Samples.accounting()
        #expect(d["papers"] == nil)
        #expect(form.validate(d).isValid)
        d["accounting_results"] = nil
        #expect(form.validate(d).rules == ["accounting.senior-achievements"])
        d["representative_works"] = Support.work(2, kind: "report")
        #expect(form.validate(d).isValid)
    }

    // MARK: 第三方评价 (seed item 10)

    /// Applicants from private firms, social organisations and talent agencies bring a third-party
    /// evaluation; those of state enterprises and public institutions are not asked.
    @Test(arguments: ["economics", "accounting"])
    func nonPublicApplicantsBringAThirdPartyEvaluation(_ id: String) throws {
        let form = try Support.form(id)
        var d = id == "economics" ? Samples.economics() : Samples.accounting()
        d["third_party_evaluations"] = nil
        #expect(form.validate(d).rules == ["\(id).third-party"])
        #expect(form.validate(d).problems.first?.message.contains("第三方评价") == true)
        for kind in ["social-organisation", "talent-agency"] {
            d["unit_kind"] = .string(kind)
            #expect(form.validate(d).rules == ["\(id).third-party"], "\(kind)")
        }
        for kind in ["state-enterprise", "public-institution"] {
            d["unit_kind"] = .string(kind)
            #expect(form.validate(d).isValid, "\(kind)")
        }
        d["unit_kind"] = "private-enterprise"
        d["track"] = "special-evaluation"
        d["major_contribution"] = "主持完成重大经济改革方案并获全省推广。"
        #expect(!form.validate(d).rules.contains("\(id).third-party"), "special evaluation stands on its contribution")
    }

    /// An evaluation names its issuing body, its date and carries its document.
    @Test func aThirdPartyEvaluationNamesItsBodyAndDate() throws {
        let form = try Support.form("economics")
        guard case .group(let inner, _, _, _)? = form.field("third_party_evaluations")?.type else {
            Issue.record("third_party_evaluations is a group")
            return
        }
        #expect(inner.filter(\.required).map(\.id) == ["body", "body_kind", "issued_on", "conclusion", "summary"])
        #expect(form.field("third_party_evaluations")?.section == "第三方评价")
        for key in ["body", "issued_on", "file"] {
            var d = Samples.economics()
            var row = try #require(d["third_party_evaluations"]?.array?.first?.object)
            row[key] = nil
            d["third_party_evaluations"] = [.object(row)]
            #expect(form.validate(d).paths == ["third_party_evaluations[0].\(key)"], "\(key)")
        }
        // Every series of issue 12 item 8 offers it.
        for id in ["economics", "accounting", "secondary-vocational-teachers", "technical-school-teachers"] {
            #expect(try Support.form(id).field("third_party_evaluations") != nil, "\(id)")
        }
        let shown = form.present(.object(Samples.economics()))
        let section = try #require(shown.sections.first { $0.title == "第三方评价" })
        #expect(section.rows.contains { $0.value.contains("焦作市企业联合会") }, "\(section.rows)")
    }

    // MARK: 中等职业学校教师

    @Test func secondaryVocationalTeachersByDegreeAndYears() throws {
        let id = "secondary-vocational-teachers"
        try expectYearsEdge(id, .intermediate, degree: .master, current: .assistant, years: 2, title: "讲师")
        try expectYearsEdge(id, .intermediate, degree: .bachelor, current: .assistant, years: 4, title: "讲师")
        try expectYearsEdge(id, .deputySenior, degree: .bachelor, current: .intermediate, years: 5, title: "高级讲师")
        try expectYearsEdge(id, .deputySenior, degree: .doctorate, current: .intermediate, years: 2, title: "高级讲师")
        try expectYearsEdge(id, .fullSenior, degree: .master, current: .deputySenior, years: 5, title: "正高级讲师")
    }

    /// 助理讲师: a bachelor after the one-year probation, exactly; a day before it is short.
    @Test func secondaryVocationalAssistantAfterProbation() throws {
        let r = try rules("secondary-vocational-teachers")
        var f = facts(.assistant, degree: .bachelor)
        f.degreeDate = Day("2024-12-31")
        #expect(r.evaluate(f, on: reference).isEligible)
        f.degreeDate = Day("2025-01-01")
        let d = r.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.years-since-degree"])
        #expect(d.reasons.first?.fact.contains("满11个月") == true, "\(d.notice)")
        #expect(d.reasons.first?.requirement.contains("应满1年") == true, "\(d.notice)")
        #expect(r.evaluate(facts(.assistant, degree: .master), on: reference).isEligible, "a master's on the degree")
    }

    /// “双师型” (seed item 15): professional and practice-course teachers show enterprise practice or a
    /// vocational certificate; teachers of general courses are not asked.
    @Test func professionalCourseTeachersAreDoubleQualified() throws {
        let form = try Support.form("secondary-vocational-teachers")
        var d = Samples.vocationalTeacher()
        d["enterprise_practice"] = nil
        #expect(form.validate(d).rules == ["secondary-vocational.double-qualified"])
        d["skill_certificates"] = [
            ["occupation": "数控车工", "grade": "technician", "number": "S123", "obtained_on": "2020-06-01"]
        ]
        #expect(form.validate(d).isValid)
        d["skill_certificates"] = nil
        d["course_type"] = "practice"
        #expect(form.validate(d).rules == ["secondary-vocational.double-qualified"])
        d["course_type"] = "general"
        #expect(form.validate(d).isValid)
        // No papers needed: teaching results are enough (破除唯论文).
        #expect(d["papers"] == nil)
    }

    // MARK: 技工院校教师

    @Test func technicalSchoolTeachersByDegreeAndYears() throws {
        let id = "technical-school-teachers"
        try expectYearsEdge(id, .intermediate, degree: .master, current: .assistant, years: 2, title: "讲师")
        try expectYearsEdge(id, .deputySenior, degree: .master, current: .intermediate, years: 5, title: "高级讲师")
        try expectYearsEdge(id, .fullSenior, degree: .bachelor, current: .deputySenior, years: 5, title: "正高级讲师")
    }

    /// The skill route (seed items 11, 13): a 技师 enters as 助理讲师 after a year of practice
    /// teaching, counted from the certificate; without a degree.
    @Test func technicianEntersByTheSkillRoute() throws {
        let r = try rules("technical-school-teachers")
        var f = facts(.assistant, degree: nil)
        f.skillLevel = .technician
        f.skillLevelSince = Day("2024-12-31")
        let ok = r.evaluate(f, on: reference)
        #expect(ok.isEligible, "\(ok.notice)")
        #expect(ok.route?.contains("技师") == true)
        f.skillLevelSince = Day("2025-01-01")
        let short = r.evaluate(f, on: reference)
        #expect(short.reasons.map(\.rule) == ["eligibility.years"], "\(short.notice)")
        #expect(short.reasons.first?.fact.contains("取得职业技能等级于2025年1月1日") == true, "\(short.notice)")
        #expect(short.reasons.first?.requirement.contains("应满1年") == true)
        f.skillLevel = .seniorWorker
        f.skillLevelSince = Day("2015-01-01")
        #expect(r.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.skill-level"])
    }

    /// A college graduate reaches 高级讲师 only with 高级技师 and five years as 讲师.
    @Test func collegeGraduatesNeedTheSeniorTechnicianCertificate() throws {
        let r = try rules("technical-school-teachers")
        var f = facts(.deputySenior, degree: .college, current: .intermediate, since: "2020-12-31")
        f.skillLevel = .technician
        f.skillLevelSince = Day("2015-01-01")
        let d = r.evaluate(f, on: reference)
        #expect(d.reasons.map(\.rule) == ["eligibility.skill-level"], "\(d.notice)")
        #expect(d.reasons.first?.requirement.contains("高级技师") == true)
        f.skillLevel = .seniorTechnician
        #expect(r.evaluate(f, on: reference).isEligible)
        f.currentLevelSince = Day("2021-01-01")
        #expect(r.evaluate(f, on: reference).reasons.map(\.rule) == ["eligibility.years"])
    }

    @Test func practiceTeachersDeclareTheirSkillLevel() throws {
        let form = try Support.form("technical-school-teachers")
        var d = Samples.technicalSchoolTeacher()
        d["skill_level"] = nil
        #expect(form.validate(d).paths == ["skill_level"])
        d = Samples.technicalSchoolTeacher()
        d["skill_contests"] = nil
        #expect(form.validate(d).rules == ["technical-school.practice"])
        d["enterprise_practice"] = Samples.practice()
        #expect(form.validate(d).isValid)
        let theory = Samples.technicalSchoolTeacher(course: "theory")
        #expect(form.validate(theory).isValid, "a theory teacher needs no skill level")
        let declared = EligibilityFacts.declared(
            in: .object(Samples.technicalSchoolTeacher()), series: .technicalSchoolTeachers)
        #expect(declared.skillLevel == .seniorTechnician)
        #expect(declared.skillLevelSince == Day("2017-06-01"))
    }

    // MARK: All four

    /// Each sample, read as a declaration, is eligible under its own rules: the current title's
    /// name reads back to its level in the series.
    @Test(arguments: Samples.moreSeries.indices)
    func samplesAreEligibleAsDeclared(_ index: Int) throws {
        let sample = Samples.moreSeries[index]
        let form = try Support.form(sample.form)
        let r = try rules(sample.form)
        let declared = r.facts(declaredIn: .object(sample.data), series: form.series)
        #expect(declared.currentLevel == .intermediate, "\(sample.form): \(sample.data["current_title"] ?? nil)")
        let d = r.evaluate(declared, on: reference)
        #expect(d.isEligible, "\(sample.form)/\(sample.variant): \(d.notice)")
    }

    /// What the demo and `pingshen apply` do with these forms: a generated declaration (a master's,
    /// the lower title held six years) at every level, normal track, is eligible as declared. At the
    /// entry level the applicant holds no title (the generator writes the name of the title below,
    /// which in these series is the entry title itself: 助理讲师).
    @Test func generatedDeclarationsAreEligibleAtEveryLevel() throws {
        let applicant = DeclarationGenerator.Applicant(
            name: "赵明", residentID: ResidentID.make(region: "410802", birth: Day("1984-02-03")!, sequence: 5),
            unitName: "焦作市某某有限公司", creditCode: Support.creditCode, unitKind: "private-enterprise")
        let day = Day("2026-03-02")!
        for id in ["economics", "accounting", "secondary-vocational-teachers", "technical-school-teachers"] {
            let form = try Support.form(id)
            let r = try rules(id)
            for level in form.levels {
                let g = DeclarationGenerator.declaration(
                    form: form, level: level, track: .normal, applicant: applicant, on: day, seed: 21)
                var data = try #require(g.data.object)
                if level <= .assistant {
                    data["current_title"] = nil
                    data["current_title_date"] = nil
                }
                #expect(form.validate(data).isValid, "\(id) \(level): \(form.validate(data).problems)")
                let d = r.evaluate(r.facts(declaredIn: .object(data), series: form.series), on: day)
                #expect(d.isEligible, "\(id) \(level): \(d.notice)")
            }
        }
    }

    /// Titles per level agree with the names the certificates print (`TitleNames`).
    @Test func levelTitlesAreTheSeriesTitles() throws {
        for id in ["economics", "accounting", "secondary-vocational-teachers", "technical-school-teachers"] {
            let form = try Support.form(id)
            let r = try rules(id)
            #expect(Set(r.levels.keys) == Set(form.levels), "\(id)")
            for (level, rules) in r.levels {
                #expect(rules.title == TitleNames.title(form.series, level), "\(id) \(level)")
            }
            #expect(form.specialtyField != nil, "\(id)")
            #expect(form.fields.allSatisfy { !$0.section.isEmpty })
        }
    }
}
