import Domain
import Foundation
import Testing

@testable import Forms

@Suite struct EngineeringFormTests {
    let form: FormDefinition

    init() throws { form = try Support.form("engineering") }

    @Test func shippedDefinitionsLint() throws {
        let errors = FormLibrary.lint(directory: Support.formsDirectory)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func includesAreResolved() throws {
        #expect(form.field("name") != nil)
        #expect(form.field("work_history") != nil)
        #expect(form.field("papers") != nil)
        #expect(form.pledge?.waives.map(\.id).contains("degree_certificate") == true)
        #expect(form.series == .engineering)
    }

    @Test func validCompleteSample() throws {
        let report = form.validate(Support.engineering())
        #expect(report.isValid, "\(report.problems)")
    }

    @Test func everyProblemAtOnceWithPaths() throws {
        var d = Support.engineering()
        d["name"] = nil
        d["phone"] = "12345"
        d["email"] = "not-an-email"
        d["nickname"] = "x"
        d["papers"] = [
            ["title": "a", "journal": "j", "published_on": "2021-02-30", "author_rank": 1],
            [
                "title": "b", "journal": .string(String(repeating: "长", count: 101)), "published_on": "2021-01-01",
                "author_rank": 0,
            ],
            ["title": "c", "published_on": "2021-01-01", "author_rank": 1.5, "extra": true],
        ]
        let report = form.validate(d)
        let found = Set(report.problems.map { "\($0.path)|\($0.rule)" })
        let expected: Set<String> = [
            "name|field.required", "phone|phone.format", "email|email.format", "nickname|field.unknown",
            "papers[0].published_on|date.format", "papers[1].journal|text.length", "papers[1].author_rank|number.range",
            "papers[2].journal|field.required", "papers[2].author_rank|number.integer", "papers[2].extra|field.unknown",
        ]
        #expect(found == expected, "\(report.problems)")
        #expect(report.problems.allSatisfy { !$0.message.isEmpty })
    }

    @Test func nothingIsMutatedOnRefusal() throws {
        var d = Support.engineering()
        d["phone"] = "1"
        let before = JSONValue.object(d)
        let report = form.validate(before)
        #expect(!report.isValid)
        #expect(before == .object(d))
    }

    @Test func idNumberCheckDigitAndBirthDate() throws {
        var d = Support.engineering()
        var wrong = Array(Support.idNumber)
        wrong[17] = wrong[17] == "0" ? "1" : "0"
        d["id_number"] = .string(String(wrong))
        #expect(form.validate(d).rules == ["id-number.invalid"])

        d = Support.engineering()
        d["birth_date"] = "1988-05-13"
        let report = form.validate(d)
        #expect(report.rules == ["id-number.birth-date"])
        #expect(report.problems[0].message.contains("1988年5月12日"))
    }

    @Test func creditCodeCheckCharacter() throws {
        var d = Support.engineering()
        d["unit_credit_code"] = .string(
            String(Support.creditCode.dropLast()) + (Support.creditCode.last == "1" ? "2" : "1"))
        #expect(form.validate(d).rules == ["credit-code.invalid"])
    }

    @Test func phoneAcceptsMobileAndLandline() throws {
        for ok in ["13903910000", "0391-3567890", "03913567890", "010-12345678-123"] {
            var d = Support.engineering()
            d["phone"] = .string(ok)
            #expect(form.validate(d).isValid, "\(ok)")
        }
        for bad in ["12903910000", "1390391000", "391-3567890", "１３９０３９１００００"] {
            var d = Support.engineering()
            d["phone"] = .string(bad)
            #expect(form.validate(d).rules == ["phone.format"], "\(bad)")
        }
    }

    @Test func everyStringIsBounded() throws {
        var d = Support.engineering()
        d["work_history"] = [
            ["start_date": "2010-07-15", "unit": .string(String(repeating: "单", count: 101)), "position": "技术员"]
        ]
        // current_title says max_length 50; a field with no max_length defaults to 200.
        d["current_title"] = .string(String(repeating: "工", count: 51))
        #expect(form.validate(d).rules == ["text.length", "text.length"])
    }

    @Test func emptyStringIsNotAnAnswer() throws {
        var d = Support.engineering()
        d["name"] = ""
        #expect(form.validate(d).rules == ["text.length"])
    }

    @Test func dateOrderInGroups() throws {
        var d = Support.engineering()
        d["work_history"] = [["start_date": "2010-07-15", "end_date": "2009-01-01", "unit": "某单位", "position": "技术员"]]
        let report = form.validate(d)
        #expect(report.rules == ["date.order"])
        #expect(report.paths == ["work_history[0].end_date"])
    }

    @Test func levelAndTrackMustBeOffered() throws {
        var d = Support.engineering()
        d["level"] = "grand-master"
        d["track"] = "fast-lane"
        #expect(Set(form.validate(d).rules).isSuperset(of: ["level.invalid", "track.invalid"]))
        d = Support.engineering()
        d["level"] = nil
        #expect(form.validate(d).rules.contains("field.required"))
    }

    @Test func grassrootsServiceAskedOfUrbanSeniorApplicants() throws {
        var d = Support.engineering()
        d["grassroots_service"] = nil
        let report = form.validate(d)
        #expect(report.rules == ["field.required"])
        #expect(report.paths == ["grassroots_service"])
        #expect(report.problems[0].message.contains("副高级"))
        // Not asked of a county engineer, nor of an urban one applying for 中级.
        d["work_location"] = "county"
        #expect(form.validate(d).isValid)
        d["work_location"] = "urban"
        d["level"] = "intermediate"
        d["representative_works"] = Support.work(1)
        #expect(form.validate(d).isValid, "\(form.validate(d).problems)")
    }

    @Test func representativeWorksReplacePapers() throws {
        var d = Support.engineering()
        d["papers"] = nil
        #expect(form.validate(d).isValid, "two representative works are enough without papers")
        d["representative_works"] = nil
        let report = form.validate(d)
        #expect(report.rules == ["engineering.senior-achievements"])
        d["papers"] = Support.papers(2)
        #expect(form.validate(d).isValid)
    }

    @Test func representativeWorksCountLimitDependsOnLevel() throws {
        var d = Support.engineering()
        d["representative_works"] = Support.work(6)
        #expect(form.validate(d).rules == ["group.count"])
        d["representative_works"] = Support.work(5)
        #expect(form.validate(d).isValid)
        d["level"] = "intermediate"
        d["representative_works"] = Support.work(4)
        #expect(form.validate(d).rules == ["group.count"])
    }

    @Test func attachmentsCheckTypeSizeCountAndHash() throws {
        var d = Support.engineering()
        d["photo"] = [Support.file("p.gif", "image/gif")]
        #expect(form.validate(d).rules == ["attachment.media-type"])
        d["photo"] = [Support.file("p.jpg", "image/jpeg", size: 3 * 1024 * 1024)]
        #expect(form.validate(d).rules == ["attachment.size"])
        d["photo"] = [Support.file("p.jpg", "image/jpeg"), Support.file("q.jpg", "image/jpeg")]
        #expect(form.validate(d).rules == ["attachment.count"])
        d["photo"] = [["name": "p.jpg", "media_type": "image/jpeg", "size": 10, "sha256": "XYZ"]]
        #expect(form.validate(d).rules == ["attachment.sha256"])
        d["photo"] = nil
        #expect(form.validate(d).rules == ["field.required"])
    }

    @Test func tracksAskForTheirEvidence() throws {
        var d = Support.engineering()
        d["track"] = "exceptional"
        #expect(form.validate(d).paths == ["referees"])
        d["referees"] = .array(
            (1...2).map { _ in ["name": "李四", "unit": "某大学", "title": "正高级工程师", "opinion": "同意破格推荐"] })
        #expect(form.validate(d).isValid)
        d = Support.engineering()
        d["track"] = "green-channel"
        #expect(Set(form.validate(d).paths) == ["talent_category", "talent_certification"])
    }

    @Test func notAnObject() throws {
        #expect(form.validate(JSONValue.array([])).rules == ["form.not-object"])
    }
}
