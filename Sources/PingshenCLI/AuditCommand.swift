import ArgumentParser
import Foundation
import Store

/// `pingshen audit verify`: walks the hash-chained log and reports tampering.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the tamper-evident event log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Exit 0 when every event's hash and chain is intact; 1 naming the first event that was edited, deleted or reordered."
        )
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let report: AuditReport
            do { report = try database.open().audit() } catch let e as StoreError { throw CLIError(e.chinese) }
            if let first = report.first {
                print("审计未通过:\(first.chinese)")
                print("first problem: \(first)")
                if report.problems.count > 1 { print("共发现 \(report.problems.count) 处问题") }
                throw ExitCode(1)
            }
            print("审计通过:\(report.streamsChecked) 条记录、\(report.eventsChecked) 个事件的哈希链完整")
        }
    }
}
