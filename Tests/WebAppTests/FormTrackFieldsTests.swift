@testable import Forms
import Foundation
import JSONKit
import Testing

@testable import WebApp

/// Issue 14 item 4 (first part): the declaration form shows the fields of the chosen track only,
/// decided on the server from each field's `required_when`.
@Suite struct FormTrackFieldsTests {
    @Test func fieldsOfOtherTracksAreNotShown() throws {
        var data = try FormSupport.example.object ?? [:]
        data["track"] = nil  // 常规申报
        let normal = try FormSupport.page(.object(data), problems: [])
        #expect(try xmllintProblems(normal) == "")
        #expect(!normal.contains("name=\"talent_category\""), "引进人才类别 is for the green channel")
        #expect(!normal.contains("name=\"major_contribution\""), "the special evaluation's field")
        #expect(!normal.contains("youth_referees"), "the youth recommendation's referees")
        #expect(normal.contains("name=\"outstanding_results\""), "the youth relief reads it on the normal track")
        #expect(normal.contains("name=\"track\""), "the track can still be chosen")

        data["track"] = "green-channel"
        let green = try FormSupport.page(.object(data), problems: [])
        #expect(green.contains("name=\"talent_category\""))
        #expect(!green.contains("name=\"major_contribution\""))
        #expect(try xmllintProblems(green) == "")
    }

    /// The definition says when a field is asked (`visible_when`): by track, by level.
    @Test func visibilityComesFromTheDefinition() throws {
        let form = try FormSupport.engineering
        for id in [
            "talent_category", "talent_certification", "major_contribution", "referees",
            "recommendation_letter", "youth_referees", "recommendation_acceptance",
        ] {
            let field = try #require(form.field(id))
            #expect(!form.isVisible(field, in: ["level": "intermediate"]), "\(id) is not asked on the normal track")
        }
        for id in ["outstanding_results", "outstanding_evidence"] {
            let field = try #require(form.field(id))
            #expect(form.isVisible(field, in: ["level": "intermediate"]), "\(id): the youth relief on the normal track")
            #expect(!form.isVisible(field, in: ["track": "green-channel"]))
        }
        let referees = try #require(form.field("referees"))
        #expect(form.isVisible(referees, in: ["track": "exceptional"]))
        #expect(!form.isVisible(referees, in: ["track": "green-channel"]))
        #expect(form.isVisible(try #require(form.field("phone")), in: [:]), "a field without visible_when is asked")
        // By level: 高级会计师 needs the exam; 正高级 has none.
        let accounting = try FormSupport.library.form("accounting")
        let exam = try #require(accounting.field("senior_exam_certificate"))
        #expect(accounting.isVisible(exam, in: ["level": "deputy-senior"]))
        #expect(!accounting.isVisible(exam, in: ["level": "full-senior"]))
    }

    /// A hidden field is neither required, nor validated, nor kept.
    @Test func hiddenFieldsAreNotValidatedNorKept() throws {
        let form = try FormSupport.engineering
        var data = try FormSupport.example.object ?? [:]
        data["track"] = nil
        data["referees"] = [["name": ""]]  // incomplete, and not asked on the normal track
        data["talent_category"] = "no-such-option"
        let problems = form.validate(.object(data)).problems.map(\.path)
        #expect(!problems.contains { $0.hasPrefix("referees") || $0 == "talent_category" }, "\(problems)")
        let kept = form.pruned(.object(data))
        #expect(kept["referees"] == nil && kept["talent_category"] == nil)
        #expect(kept["phone"] == data["phone"])
        data["track"] = "exceptional"
        let exceptional = form.validate(.object(data)).problems.map(\.path)
        #expect(exceptional.contains { $0.hasPrefix("referees") }, "asked on the exceptional track: \(exceptional)")
        #expect(form.pruned(.object(data))["referees"] != nil)
    }
}
