import Domain
import Foundation
import Testing

@testable import Forms

/// The exported JSON Schema agrees with Pingshen, checked by Python's `jsonschema` package.
@Suite struct JSONSchemaTests {
    struct Case {
        var name: String
        var data: JSONValue
        /// Rules only Pingshen checks (check digits, calendar dates, date order): the schema,
        /// a superset check, accepts these while Pingshen refuses them.
        var supersetOnly: Bool
    }

    static let supersetRules: Set<String> = [
        "id-number.invalid", "id-number.birth-date", "credit-code.invalid", "date.format", "date.order",
    ]

    /// Variants that break only something JSON Schema cannot express.
    static let supersetCases: Set<String> = [
        "id-check-digit", "id-birth-date", "credit-code-check", "invalid-calendar-date",
    ]

    /// Valid samples plus, for each, variants that break one thing.
    static func cases(for formID: String) throws -> [Case] {
        let form = try Support.form(formID)
        var out: [Case] = []
        for sample in Samples.all where sample.form == formID {
            let base = sample.data
            func add(_ what: String, _ change: (inout [String: JSONValue]) -> Void) {
                var d = base
                change(&d)
                let report = form.validate(d)
                let superset =
                    supersetCases.contains(what) && !report.isValid
                    && report.rules.allSatisfy { supersetRules.contains($0) }
                out.append(Case(name: "\(sample.variant)/\(what)", data: .object(d), supersetOnly: superset))
            }
            add("valid") { _ in }
            add("unknown-field") { $0["nickname"] = "x" }
            add("no-level") { $0["level"] = nil }
            add("bad-level") { $0["level"] = "master" }
            add("bad-track") { $0["track"] = "fast" }
            add("phone") { $0["phone"] = "12345" }
            add("email") { $0["email"] = "a@b" }
            add("name-too-long") { $0["name"] = .string(String(repeating: "名", count: 31)) }
            add("name-empty") { $0["name"] = "" }
            add("gender-option") { $0["gender"] = "unknown" }
            add("wrong-type") { $0["birth_date"] = 19_880_512 }
            add("id-check-digit") { d in
                var chars = Array(Support.idNumber)
                chars[17] = chars[17] == "0" ? "1" : "0"
                d["id_number"] = .string(String(chars))
            }
            add("id-birth-date") { $0["birth_date"] = "1988-05-13" }
            add("id-shape") { $0["id_number"] = "41080219880512" }
            add("credit-code-check") { d in
                let c = Support.creditCode
                d["unit_credit_code"] = .string(String(c.dropLast()) + (c.last == "1" ? "2" : "1"))
            }
            add("invalid-calendar-date") { $0["birth_date"] = "1988-02-30" }
            add("photo-type") { $0["photo"] = [Support.file("p.gif", "image/gif")] }
            add("photo-size") { $0["photo"] = [Support.file("p.jpg", "image/jpeg", size: 5_000_000)] }
            add("photo-count") {
                $0["photo"] = [Support.file("a.jpg", "image/jpeg"), Support.file("b.jpg", "image/jpeg")]
            }
            add("photo-extra-key") { d in
                d["photo"] = [
                    ["name": "p.jpg", "media_type": "image/jpeg", "size": 1, "sha256": .string(Support.sha), "x": 1]
                ]
            }
            add("track-exceptional") { $0["track"] = "exceptional" }
            add("track-green") { $0["track"] = "green-channel" }
            add("track-youth") { $0["track"] = "youth-recommendation" }
            add("track-special") { $0["track"] = "special-evaluation" }
            for level in form.levels { add("level-\(level.rawValue)") { $0["level"] = .string(level.rawValue) } }
            add("urban") { $0["work_location"] = "urban" }
            // A field this declaration does not ask (another track's or level's), with a value of
            // the wrong type: Pingshen neither validates nor keeps it, so the schema accepts it.
            for field in form.fields where field.visibleWhen != nil && !form.isVisible(field, in: base) {
                add("hidden-\(field.id)") { $0[field.id] = .number(12345) }
            }
            for field in form.fields where base[field.id] != nil {
                add("without-\(field.id)") { $0[field.id] = nil }
                if case .group(let children, _, let max, _) = field.type, let first = base[field.id]?.array?.first {
                    add("too-many-\(field.id)") { $0[field.id] = .array(Array(repeating: first, count: max + 1)) }
                    add("empty-\(field.id)") { $0[field.id] = [] }
                    if let child = children.first(where: \.required) {
                        add("item-missing-\(field.id).\(child.id)") { d in
                            var item = first.object!
                            item[child.id] = nil
                            d[field.id] = [.object(item)]
                        }
                    }
                    add("item-unknown-\(field.id)") { d in
                        var item = first.object!
                        item["zzz"] = 1
                        d[field.id] = [.object(item)]
                    }
                }
            }
            for choice in form.fields {
                if case .choice(let options) = choice.type {
                    for option in options {
                        add("\(choice.id)=\(option.value)") { $0[choice.id] = .string(option.value) }
                    }
                }
            }
        }
        return out
    }

    static var pythonAvailable: Bool {
        run(["python3", "-c", "import jsonschema"]).status == 0
    }

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func schemaShape() throws {
        let schema = try Support.form("engineering").jsonSchema
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] == false)
        #expect(schema["properties"]?["level"]?["enum"]?.array?.count == 5)
        #expect(schema["properties"]?["papers"]?["items"]?["additionalProperties"] == false)
        #expect(schema["properties"]?["name"]?["maxLength"] == 30)
        #expect(schema["properties"]?["email"]?["maxLength"] == 254)
    }

    @Test(
        .enabled(if: JSONSchemaTests.pythonAvailable, "python3 with the jsonschema package"),
        arguments: SeriesTests.shipped)
    func pythonJSONSchemaAgrees(_ formID: String) throws {
        let form = try Support.form(formID)
        let cases = try JSONSchemaTests.cases(for: formID)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pingshen-schema-\(formID)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaFile = dir.appendingPathComponent("schema.json")
        let samplesFile = dir.appendingPathComponent("samples.json")
        try Data(form.jsonSchema.canonical.utf8).write(to: schemaFile)
        let samples = JSONValue.array(cases.map { ["name": .string($0.name), "data": $0.data] })
        try Data(samples.canonical.utf8).write(to: samplesFile)

        let result = JSONSchemaTests.run(["python3", Support.fixtures + "/agree.py", schemaFile.path, samplesFile.path])
        try #require(result.status == 0, "\(result.output)")
        var verdicts: [String: Bool] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { verdicts[String(parts[0])] = parts[1] == "valid" }
        }
        var agreed = 0
        var invalidSeen = 0
        for c in cases {
            let pingshen = form.validate(c.data)
            let python = try #require(verdicts[c.name], "no verdict for \(c.name)")
            if c.supersetOnly {
                #expect(python, "\(formID) \(c.name): schema should accept what only Pingshen refuses")
            } else {
                #expect(
                    python == pingshen.isValid,
                    "\(formID) \(c.name): jsonschema \(python), Pingshen \(pingshen.problems)")
                agreed += 1
            }
            if !pingshen.isValid { invalidSeen += 1 }
        }
        #expect(cases.filter(\.supersetOnly).count == 4 * Samples.all.filter { $0.form == formID }.count)
        #expect(agreed > 40)
        #expect(invalidSeen > 20)
    }
}
