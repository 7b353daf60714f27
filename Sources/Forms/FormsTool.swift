import Domain
import Foundation

/// The logic of `pingshen forms …`, as functions returning what to print and the exit status,
/// so it can be tested without a process.
public enum FormsTool {
    public struct Output: Error, Sendable, Equatable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32 = 0, stdout: String = "", stderr: String = "") {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// `file:line: key: message` for a lint error.
    public static func line(_ e: ConfigError) -> String {
        let place = e.line.map { "\(e.file):\($0)" } ?? e.file
        return e.key.isEmpty ? "\(place): \(e.message)" : "\(place): \(e.key): \(e.message)"
    }

    static func load(_ directory: String) -> Result<FormLibrary, Output> {
        do { return .success(try FormLibrary.load(directory: directory)) } catch {
            if case .definitions(let errors) = error {
                return .failure(Output(status: 1, stderr: errors.map(line).joined(separator: "\n") + "\n"))
            }
            return .failure(Output(status: 1, stderr: "\(error)\n"))
        }
    }

    static func read(_ path: String) -> Result<Data, Output> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Output(status: 2, stderr: "无法读取文件 \(path)\n"))
        }
        return .success(data)
    }

    /// One form id per line, a tab, its Chinese title.
    public static func list(directory: String) -> Output {
        switch load(directory) {
        case .failure(let out): return out
        case .success(let library):
            let lines = library.formIDs.map { "\($0)\t\(library.forms[$0]!.title)" }
            return Output(stdout: lines.joined(separator: "\n") + "\n")
        }
    }

    /// Lints every definition; exit 1 with `file:line: key: message` per problem.
    public static func check(directory: String) -> Output {
        let errors = FormLibrary.lint(directory: directory)
        if errors.isEmpty {
            let count = (try? FormLibrary.load(directory: directory).forms.count) ?? 0
            return Output(stdout: "检查通过:\(count) 张申报表及其申报条件\n")
        }
        return Output(status: 1, stderr: errors.map(line).joined(separator: "\n") + "\n")
    }

    /// Validates a data file; exit 0 when valid, 1 listing every problem.
    public static func validate(directory: String, formID: String, dataPath: String, json: Bool) -> Output {
        let library: FormLibrary
        switch load(directory) {
        case .failure(let out): return out
        case .success(let l): library = l
        }
        guard let form = library.forms[formID] else {
            return Output(status: 2, stderr: "\(FormsError.unknownForm(formID))\n")
        }
        let value: JSONValue
        switch read(dataPath) {
        case .failure(let out): return out
        case .success(let data):
            do { value = try JSONValue.parse(data) } catch {
                return Output(status: 1, stderr: "\(dataPath): \(error)\n")
            }
        }
        let report = form.validate(value)
        if json { return Output(status: report.isValid ? 0 : 1, stdout: report.json.pretty + "\n") }
        if report.isValid { return Output(stdout: "有效:\(form.title)(\(form.id))\n") }
        let lines = report.problems.map { "\($0.path.isEmpty ? "(整表)" : $0.path): [\($0.rule)] \($0.message)" }
        return Output(status: 1, stdout: "共 \(report.problems.count) 个问题:\n" + lines.joined(separator: "\n") + "\n")
    }

    /// The form's JSON Schema (2020-12).
    public static func schema(directory: String, formID: String) -> Output {
        switch load(directory) {
        case .failure(let out): return out
        case .success(let library):
            guard let form = library.forms[formID] else {
                return Output(status: 2, stderr: "\(FormsError.unknownForm(formID))\n")
            }
            return Output(stdout: form.jsonSchema.pretty + "\n")
        }
    }

    /// Evaluates eligibility from a facts file (and validates form data when given); exit 0
    /// when eligible (and the data valid), 1 with every reason.
    public static func eligibility(
        directory: String, formID: String, factsPath: String, dataPath: String?, on day: Day, json: Bool
    ) -> Output {
        let library: FormLibrary
        switch load(directory) {
        case .failure(let out): return out
        case .success(let l): library = l
        }
        guard let rules = library.eligibility[formID], let form = library.forms[formID] else {
            return Output(status: 2, stderr: "\(FormsError.unknownForm(formID))\n")
        }
        let facts: EligibilityFacts
        switch read(factsPath) {
        case .failure(let out): return out
        case .success(let data):
            do { facts = try EligibilityFacts.parse(data) } catch {
                return Output(status: 1, stderr: "\(factsPath): \(error)\n")
            }
        }
        var report: ValidationReport?
        if let dataPath {
            switch read(dataPath) {
            case .failure(let out): return out
            case .success(let data):
                do { report = form.validate(try JSONValue.parse(data)) } catch {
                    return Output(status: 1, stderr: "\(dataPath): \(error)\n")
                }
            }
        }
        let decision = rules.evaluate(facts, on: day)
        let ok = decision.isEligible && (report?.isValid ?? true)
        if json {
            var object: [String: JSONValue] = [
                "form": .string(formID), "reference_date": .string(day.description),
                "eligible": .bool(decision.isEligible),
                "reasons": .array(
                    decision.reasons.map {
                        ["rule": .string($0.rule), "fact": .string($0.fact), "requirement": .string($0.requirement)]
                    }),
                "notes": .array(decision.notes.map { .string($0) }),
            ]
            if let route = decision.route { object["route"] = .string(route) }
            if let report { object["validation"] = report.json }
            return Output(status: ok ? 0 : 1, stdout: JSONValue.object(object).pretty + "\n")
        }
        var text = decision.notice + "\n"
        for note in decision.notes { text += "· \(note)\n" }
        if let report, !report.isValid {
            text += "申报表另有 \(report.problems.count) 个问题:\n"
            text += report.problems.map { "\($0.path): [\($0.rule)] \($0.message)" }.joined(separator: "\n") + "\n"
        }
        return Output(status: ok ? 0 : 1, stdout: text)
    }
}
