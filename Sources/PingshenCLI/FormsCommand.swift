import ArgumentParser
import Domain
import Forms
import Foundation

/// `pingshen forms …`: list, lint, validate, export and decide with the definitions in `forms/`.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "申报表与申报条件 — declaration forms and eligibility rules (forms/).",
        subcommands: [List.self, Check.self, Validate.self, Schema.self, Eligibility.self])

    struct Directory: ParsableArguments {
        @Option(name: .customLong("forms-dir"), help: "The forms directory.")
        var formsDir = "forms"
    }

    static func emit(_ output: FormsTool.Output) throws {
        if !output.stdout.isEmpty { FileHandle.standardOutput.write(Data(output.stdout.utf8)) }
        if !output.stderr.isEmpty { FileHandle.standardError.write(Data(output.stderr.utf8)) }
        if output.status != 0 { throw ExitCode(output.status) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One form id per line, a tab, its Chinese title.")
        @OptionGroup var directory: Directory
        func run() throws { try FormsCommand.emit(FormsTool.list(directory: directory.formsDir)) }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint every form and eligibility file (exit 1 with file:line: key: message).")
        @OptionGroup var directory: Directory
        func run() throws { try FormsCommand.emit(FormsTool.check(directory: directory.formsDir)) }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate form data (exit 0 valid; exit 1 listing every problem).")
        @OptionGroup var directory: Directory
        @Option(help: "The form id, e.g. engineering.") var form: String
        @Option(help: "The JSON data file.") var data: String
        @Flag(help: "Print the problems as JSON.") var json = false
        func run() throws {
            try FormsCommand.emit(
                FormsTool.validate(directory: directory.formsDir, formID: form, dataPath: data, json: json))
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the form's JSON Schema (draft 2020-12).")
        @OptionGroup var directory: Directory
        @Option(help: "The form id.") var form: String
        func run() throws { try FormsCommand.emit(FormsTool.schema(directory: directory.formsDir, formID: form)) }
    }

    struct Eligibility: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide eligibility from facts (exit 0 eligible; exit 1 with every reason).")
        @OptionGroup var directory: Directory
        @Option(help: "The form id.") var form: String
        @Option(help: "The facts JSON file (target_level, degree, current_level_since, blacklisted_until …).")
        var facts: String
        @Option(help: "Form data to validate as well.") var data: String?
        @Option(help: "The evaluation's reference date, YYYY-MM-DD (years are counted up to it).") var on: String
        @Flag(help: "Print the decision as JSON.") var json = false

        func validate() throws {
            guard Day(on) != nil else { throw ValidationError("--on 应为日期 YYYY-MM-DD") }
        }

        func run() throws {
            try FormsCommand.emit(
                FormsTool.eligibility(
                    directory: directory.formsDir, formID: form, factsPath: facts, dataPath: data, on: Day(on)!,
                    json: json))
        }
    }
}
