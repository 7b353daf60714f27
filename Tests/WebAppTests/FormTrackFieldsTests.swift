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
        #expect(!normal.contains("name=\"outstanding_results\""), "the youth recommendation's field")
        #expect(normal.contains("name=\"track\""), "the track can still be chosen")

        data["track"] = "green-channel"
        let green = try FormSupport.page(.object(data), problems: [])
        #expect(green.contains("name=\"talent_category\""))
        #expect(!green.contains("name=\"major_contribution\""))
        #expect(try xmllintProblems(green) == "")
    }

    @Test func theRuleReadsTrackAndTrackNot() throws {
        let form = try FormSupport.engineering
        let talent = try #require(form.fields.first { $0.id == "talent_category" })
        #expect(FormView.belongsToOtherTrack(talent, track: "normal"))
        #expect(!FormView.belongsToOtherTrack(talent, track: "green-channel"))
        let plain = FieldDefinition(id: "x", label: "x", type: .boolean, required: false, requiredWhen: nil)
        #expect(!FormView.belongsToOtherTrack(plain, track: "normal"))
        let notSpecial = FieldDefinition(
            id: "y", label: "y", type: .boolean, required: false,
            requiredWhen: .all([.not(.equals(field: "track", values: ["special-evaluation"]))]))
        #expect(FormView.belongsToOtherTrack(notSpecial, track: "special-evaluation"))
        #expect(!FormView.belongsToOtherTrack(notSpecial, track: "normal"))
    }
}
