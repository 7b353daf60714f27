import Domain
import Foundation
import Testing

@testable import Forms

@Suite struct FormsToolTests {
    let dir = Support.formsDirectory

    func write(_ value: JSONValue) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-\(UUID().uuidString).json")
        try Data(value.pretty.utf8).write(to: url)
        return url.path
    }

    @Test func listsIdsAndTitles() {
        let out = FormsTool.list(directory: dir)
        #expect(out.status == 0)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == SeriesTests.shipped.count)
        #expect(lines.contains("engineering\t工程技术系列专业技术职称申报表"))
    }

    @Test func checkPassesAndFails() {
        #expect(FormsTool.check(directory: dir).status == 0)
        let broken = FormsTool.check(directory: Support.fixtures + "/broken")
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("unknown-type.yaml:12: fields[1].type: 未知的字段类型"))
    }

    @Test func validateExitCodesAndJSON() throws {
        let good = try write(.object(Support.engineering()))
        #expect(FormsTool.validate(directory: dir, formID: "engineering", dataPath: good, json: false).status == 0)
        var d = Support.engineering()
        d["phone"] = "1"
        d["name"] = nil
        let bad = try write(.object(d))
        let text = FormsTool.validate(directory: dir, formID: "engineering", dataPath: bad, json: false)
        #expect(text.status == 1)
        #expect(text.stdout.contains("共 2 个问题"))
        let json = FormsTool.validate(directory: dir, formID: "engineering", dataPath: bad, json: true)
        #expect(json.status == 1)
        let parsed = try JSONValue.parse(json.stdout)
        #expect(parsed["valid"] == false)
        #expect(parsed["problems"]?.array?.count == 2)
        #expect(FormsTool.validate(directory: dir, formID: "nope", dataPath: good, json: false).status == 2)
    }

    @Test func schemaIsJSON() throws {
        let out = FormsTool.schema(directory: dir, formID: "health")
        #expect(out.status == 0)
        #expect(try JSONValue.parse(out.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func eligibilityCommand() throws {
        let facts = try write([
            "target_level": "intermediate", "degree": "master", "current_level": "assistant",
            "current_level_since": "2024-01-31", "blacklisted_until": "2027-03-01",
        ])
        let out = FormsTool.eligibility(
            directory: dir, formID: "engineering", factsPath: facts, dataPath: nil, on: Day("2025-12-31")!, json: false)
        #expect(out.status == 1)
        #expect(out.stdout.contains("1. 申报人列入职称评审失信黑名单，期限至2027年2月28日止"))
        #expect(out.stdout.contains("2027年3月1日起方可申报"))
        #expect(out.stdout.contains("2. "))
    }
}
