import ArgumentParser
import Domain
import Forms
import Foundation
import Intake
import Store

/// `pingshen apply`: an applicant's declaration into the workflow (validate, eligibility, sign
/// the pledge, submit).
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Submit a declaration: validate the form, check eligibility, sign the form's pledge and submit.",
        discussion:
            "Exit 0 when submitted; 1 with every form problem, every eligibility reason, or the rule the workflow applied."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var rules: RulesOptions
    @Option(name: .customLong("forms-dir"), help: "Folder with the form definitions.") var formsDirectory = "forms"
    @Option(help: "Form id, e.g. engineering.") var form: String
    @Option(help: "The filled form (JSON).") var data: String
    @Option(
        help:
            "Facts for the eligibility rules (JSON: degree, current_level, current_level_since …); default: as the declaration states them."
    )
    var facts: String?
    @Option(help: "Application id.") var application: String
    @Option(help: "Day of the submission (YYYY-MM-DD); default today in China.") var date: String?

    func run() throws {
        let book = try rules.load()
        let library: FormLibrary
        do { library = try FormLibrary.load(directory: formsDirectory) } catch { throw CLIError(error.description) }
        let declaration: Declaration
        do {
            let value = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: data)))
            let parsedFacts =
                try facts.map { try Forms.EligibilityFacts.parse(try Data(contentsOf: URL(fileURLWithPath: $0))) }
                ?? library.rules(for: form).facts(declaredIn: value, series: try library.form(form).series)
            declaration = Declaration(formID: form, applicationID: application, data: value, facts: parsedFacts)
        } catch {
            throw CLIError("无法读取申报数据或条件文件: \(error)")
        }
        var now = Date()
        if let date {
            guard let day = Day(date) else { throw CLIError("日期格式应为 YYYY-MM-DD: \(date)") }
            now = day.startInstant.addingTimeInterval(9 * 3600)
        }
        let store = try database.open(mustExist: false)
        do {
            let version = try Intake(store: store, rules: book, forms: library).submit(declaration, now: now)
            print("已提交申报 \(application)(版本 \(version)),等待单位审核")
        } catch let refusal as IntakeRefusal {
            print(refusal.chinese)
            throw ExitCode(1)
        } catch let error as StoreError {
            throw CLIError(error.chinese + " (\(error))")
        }
    }
}
