import Foundation
import Testing

@testable import Documents

/// The vendored Mustache spec (Tests/Conformance/mustache-spec/, see its SOURCE.md), read at test time.
/// Every test in interpolation, sections, inverted, comments, partials and delimiters runs;
/// lambdas, dynamic names and inheritance are optional modules that are not vendored.
struct MustacheSpecTests {
    static let files = ["interpolation", "sections", "inverted", "comments", "partials", "delimiters"]

    struct Case: CustomStringConvertible, Sendable {
        let file: String
        let name: String
        let template: String
        let data: TemplateValue
        let partials: [String: String]
        let expected: String
        var description: String { "\(file): \(name)" }
    }

    static func load() throws -> [Case] {
        var cases: [Case] = []
        for file in files {
            let url = Paths.conformance.appendingPathComponent("mustache-spec/\(file).json")
            let data = try Data(contentsOf: url)
            let root = try TemplateValue(json: data)
            guard case .array(let tests)? = root["tests"] else { continue }
            for t in tests {
                var partials: [String: String] = [:]
                if case .object(let p)? = t["partials"] {
                    for (k, v) in p { partials[k] = v.text }
                }
                cases.append(
                    Case(
                        file: file, name: t["name"]?.text ?? "?", template: t["template"]?.text ?? "",
                        data: t["data"] ?? .null, partials: partials, expected: t["expected"]?.text ?? ""))
            }
        }
        return cases
    }

    @Test func specFilesAreFoundAndComplete() throws {
        let cases = try Self.load()
        // 42 + 34 + 22 + 12 + 12 + 14 tests, per SOURCE.md.
        #expect(cases.count == 136)
    }

    @Test(arguments: try MustacheSpecTests.load())
    func spec(_ c: Case) throws {
        let t = try MustacheTemplate(source: c.template, name: c.name, partials: c.partials)
        let out = try t.render(c.data, strict: false)
        #expect(out == c.expected, "\(c.file) / \(c.name)")
    }
}
