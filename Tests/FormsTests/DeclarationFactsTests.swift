import Domain
import Foundation
import Testing

@testable import Forms

/// Eligibility facts read from a declaration (the web portal has no separate facts file).
@Suite struct DeclarationFactsTests {
    @Test func theEngineeringExampleGivesTheFactsOfItsFactsFile() throws {
        let dir = Support.repository.appendingPathComponent("forms/examples")
        let data = try JSONValue.parse(
            String(decoding: try Data(contentsOf: dir.appendingPathComponent("engineering-intermediate.json")), as: UTF8.self))
        let expected = try EligibilityFacts.parse(
            try Data(contentsOf: dir.appendingPathComponent("engineering-intermediate-facts.json")))
        var facts = EligibilityFacts.declared(in: data, series: .engineering)
        #expect(facts.targetLevel == expected.targetLevel)
        #expect(facts.degree == expected.degree)
        #expect(facts.degreeDate == expected.degreeDate)
        #expect(facts.currentLevel == expected.currentLevel)
        #expect(facts.currentLevelSince == expected.currentLevelSince)
        #expect(facts.birthDate == Day("1988-05-12"))
        facts.birthDate = nil
        #expect(facts == expected)
    }

    @Test func theEarliestDegreeOfTheHighestKindAndTheTrackClaims() {
        let data: JSONValue = [
            "level": "deputy-senior", "track": "exceptional", "highest_degree": "master",
            "education": [
                ["degree": "bachelor", "end_date": "2005-07-01"],
                ["degree": "master", "end_date": "2009-07-01", "county_graduate": true],
                ["degree": "master", "end_date": "2008-01-01"],
            ],
            "current_title": " 工程师 ", "current_title_date": "2015-12-01",
            "referees": [["name": "甲"], ["name": "乙"]], "outstanding_results": "",
        ]
        let facts = EligibilityFacts.declared(in: data, series: .engineering)
        #expect(facts.targetLevel == .deputySenior)
        #expect(facts.track == .exceptional)
        #expect(facts.degree == .master)
        #expect(facts.degreeDate == Day("2008-01-01"))
        #expect(facts.isCountyGraduate)
        #expect(facts.currentLevel == .intermediate)
        #expect(facts.fullSeniorReferees == 2)
        #expect(!facts.hasOutstandingResults)
    }

    @Test func titleNamesReadBackToTheirLevels() {
        #expect(TitleNames.level(of: "高级工程师", series: .engineering) == .deputySenior)
        #expect(TitleNames.level(of: "正高级工程师", series: .engineering) == .fullSenior)
        #expect(TitleNames.level(of: "技术员", series: .engineering) == .technician)
        #expect(TitleNames.level(of: "助教", series: .higherEducationTeachers) == .assistant)
        #expect(TitleNames.level(of: "副教授", series: .engineering) == .deputySenior)
        #expect(TitleNames.level(of: "中级", series: .economics) == .intermediate)
        #expect(TitleNames.level(of: "某某", series: .engineering) == nil)
        #expect(TitleNames.level(of: "", series: .engineering) == nil)
        for series in Series.allCases {
            for level in Level.allCases where level != .technician {
                let name = TitleNames.title(series, level)
                #expect(TitleNames.level(of: name, series: series) == level, "\(series) \(level) \(name)")
            }
        }
    }
}
