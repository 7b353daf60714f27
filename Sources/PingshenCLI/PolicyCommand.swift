import ArgumentParser
import Domain
import Foundation

/// `pingshen policy check` and `pingshen calendar …`: the office's rule files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check and show the policy file and working-day calendar.",
        subcommands: [Check.self, Show.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lint policy.yaml and calendar/*.yaml.")
        @OptionGroup var rules: RulesOptions

        func run() throws {
            let book = try rules.load()
            print("policy.yaml: 正确")
            print("工作日历: \(book.calendar.coveredYears.map(String.init).joined(separator: "、")) 年")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the numbers in force.")
        @OptionGroup var rules: RulesOptions

        func run() throws {
            let p = try rules.load().policy
            let rows: [(String, String)] = [
                ("地区", "\(p.region.name)(\(p.region.code))"),
                ("单位内部公示", "\(p.unitNoticeWorkingDays) 个工作日"),
                (
                    "一次性告知补正",
                    "收件后 \(p.correctionNoticeWithinWorkingDays) 个工作日内,补正期限 \(p.correctionAnswerWorkingDays) 个工作日"
                ),
                ("评审结果公示", "\(p.publicNoticeWorkingDays) 个工作日(会后 \(p.publicNoticeStartWithinDays) 日内开始)"),
                ("确认/备案", "\(p.confirmationWorkingDays) 个工作日内"),
                ("复查申请期限", "\(p.reexaminationWindowDays) 日"),
                ("失信记录", "\(p.blacklistYears) 年;提供虚假证明的单位暂停 \(p.unitSuspensionYears) 年"),
                ("评审会议", "到会 ≥ \(p.committee.quorum) 成员;赞成 ≥ \(p.committee.pass) 到会专家;抽取比例 1:\(p.committee.drawRatio)"),
                ("事后核查抽查比例", "\(p.postHocSamplePercent)%"),
            ]
            for (k, v) in rows { print("\(k)\t\(v)") }
        }
    }
}

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Working days by the State Council schedule (with 调休).",
        subcommands: [Add.self, Is.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "The N-th working day after DATE, e.g. `calendar add 2026-02-13 5`.")
        @OptionGroup var rules: RulesOptions
        @Argument(help: "Start date YYYY-MM-DD.") var date: String
        @Argument(help: "Working days to add.") var days: Int

        func run() throws {
            guard let start = Day(date) else { throw CLIError("日期格式应为 YYYY-MM-DD: \(date)") }
            guard days >= 0 else { throw CLIError("工作日数不能为负数") }
            do {
                print(try rules.load().calendar.adding(workingDays: days, to: start))
            } catch let problem as WorkingCalendar.Problem {
                throw CLIError(problem.description)
            }
        }
    }

    struct Is: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "is-working-day", abstract: "Exit 0 if DATE is a working day, 1 if not.")
        @OptionGroup var rules: RulesOptions
        @Argument(help: "Date YYYY-MM-DD.") var date: String

        func run() throws {
            guard let day = Day(date) else { throw CLIError("日期格式应为 YYYY-MM-DD: \(date)") }
            do {
                let working = try rules.load().calendar.isWorkingDay(day)
                print(working ? "\(day) 工作日" : "\(day) 休息日")
                if !working { throw ExitCode(1) }
            } catch let problem as WorkingCalendar.Problem {
                throw CLIError(problem.description)
            }
        }
    }
}
