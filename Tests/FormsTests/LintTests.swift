import Domain
import Foundation
import Testing

@testable import Forms

/// Definitions are checked when loaded; every problem names the file, the line and the key.
@Suite struct LintTests {
    let errors = FormLibrary.lint(directory: Support.fixtures + "/broken")

    func error(_ file: String, _ contains: String) -> ConfigError? {
        errors.first { $0.file == file && $0.description.contains(contains) }
    }

    @Test func unknownTypeNamesFileLineAndKey() throws {
        let e = try #require(error("unknown-type.yaml", "未知的字段类型"))
        #expect(e.line == 12)
        #expect(e.key == "fields[1].type")
        #expect(e.description.hasPrefix("unknown-type.yaml:12: 键“fields[1].type”"))
    }

    @Test func conditionNamingAMissingField() throws {
        let e = try #require(error("missing-field.yaml", "work_place"))
        #expect(e.line == 13)
        #expect(e.key == "fields[1].required_when")
        let rule = try #require(error("missing-field.yaml", "papers"))
        #expect(rule.line == 16)
        #expect(rule.key == "rules[0].any_of")
    }

    @Test func includeThatDoesNotExist() throws {
        let e = try #require(error("bad-include.yaml", "nothere.yaml"))
        #expect(e.line == 8)
        #expect(e.key == "include[1]")
        let key = try #require(error("bad-include.yaml", "未知的键"))
        #expect(key.key == "fields[0].colour")
        #expect(key.line == 13)
    }

    @Test func yamlSyntaxError() throws {
        let e = try #require(errors.first { $0.file == "syntax.yaml" })
        #expect(e.message.contains("YAML"))
        #expect(e.line != nil)
    }

    @Test func eligibilityFileErrors() throws {
        let e = try #require(errors.first { $0.file == "eligibility/unknown-type.yaml" })
        // The form it belongs to does not load, so the rules name it.
        #expect(e.key == "form" || e.message.contains("phd"))
    }

    @Test func loadThrowsEveryError() {
        #expect(throws: FormsError.definitions(errors)) {
            try FormLibrary.load(directory: Support.fixtures + "/broken")
        }
        #expect(errors.count >= 6, "\(errors.map(\.description).joined(separator: "\n"))")
    }

    @Test func missingDirectory() {
        #expect(FormLibrary.lint(directory: "/nonexistent/forms").count == 1)
    }
}
