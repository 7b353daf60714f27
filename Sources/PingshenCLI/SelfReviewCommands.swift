import ArgumentParser
import Domain
import OfficeSteps
import Store
import Workflow

/// `pingshen self-review grant|withdraw UNIT`: the bureau's decision granting a unit
/// self-review authority 自主评审权 for series × levels, or withdrawing it (seed item 6), by the
/// office head (`--as`) under the decision's 文号 (`--decision`, else the next of the counter) — one transaction on the unit's standing
/// stream with the registry's flag (`StoreTransaction.decideSelfReview`).
struct SelfReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "self-review",
        abstract: "Grant or withdraw a unit's self-review authority 自主评审权 by a decision with its 文号 (office head).",
        subcommands: [Grant.self, Withdraw.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant the unit self-review of the series and levels named (every series × every level).")
        @OptionGroup var options: StepOptions
        @Argument(help: "The unit's id in the registry.") var unit: String
        @Option(help: "A series id granted (repeatable), e.g. higher-education-teachers.") var series: [String] = []
        @Option(help: "A level id granted (repeatable), e.g. deputy-senior.") var level: [String] = []
        @Option(help: "The decision's 文号 (default: the next of the office's gap-free counter).") var decision: String?

        func run() async throws {
            var granted: [Series] = []
            for s in series {
                guard let value = Series(rawValue: s) else { throw CLIError("未知的职称系列“\(s)”（--series）") }
                granted.append(value)
            }
            var levels: [Level] = []
            for l in level {
                guard let value = Level(rawValue: l) else { throw CLIError("未知的级别“\(l)”（--level）") }
                levels.append(value)
            }
            guard !granted.isEmpty, !levels.isEmpty else { throw CLIError("请写明授权评审的职称系列和级别（--series、--level）") }
            let runner = try StepRunner(options)
            let unit = unit
            let decision = decision
            await runner.step(unit, streams: [(UnitStandingMachine.self, unit)], { tx, ctx in
                let number = try decision ?? OfficeSteps.nextDecisionNumber(tx, ctx)
                return try tx.decideSelfReview(
                    unit: unit, .grantSelfReview(series: granted, levels: levels, decisionNumber: number), context: ctx
                ).state.selfReview
            }, message: { grant in "已授予自主评审权（\(grant?.decisionNumber ?? "")）：\(grant?.chinese ?? "")" })
            try runner.finish(batch: false)
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw the unit's self-review authority.")
        @OptionGroup var options: StepOptions
        @Argument(help: "The unit's id in the registry.") var unit: String
        @Option(help: "Why.") var reason: String?
        @Option(help: "The decision's 文号 (default: the next of the office's gap-free counter).") var decision: String?

        func run() async throws {
            let reason = try required(reason, "--reason", "收回理由")
            let runner = try StepRunner(options)
            let unit = unit
            let decision = decision
            await runner.step(unit, streams: [(UnitStandingMachine.self, unit)], { tx, ctx in
                let number = try decision ?? OfficeSteps.nextDecisionNumber(tx, ctx)
                try tx.decideSelfReview(
                    unit: unit, .withdrawSelfReview(reason: reason, decisionNumber: number), context: ctx)
                return number
            }, message: { number in "已收回自主评审权（\(number)）" })
            try runner.finish(batch: false)
        }
    }
}
