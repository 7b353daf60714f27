import ArgumentParser
import Domain
import Foundation
import Store
import WebApp
import Workflow

/// `pingshen units import|export`: the office's unit list from and to CSV/XLSX files
/// (`UnitImport`): every row checked, nothing imported when any row fails; each unit registered
/// and approved, its HR administrator's one-time code printed once.
struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: "The unit list: import from and export to CSV or XLSX.",
        subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract:
                "Register and approve units from a CSV or XLSX file (administrator only): every row checked, nothing imported if any row fails; prints each HR administrator's one-time code.")
        @OptionGroup var actor: RegistryActor
        @Option(help: "The CSV or XLSX file.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("无法读取文件 \(file)") }
            let (store, context) = try actor.open(UnitImport.roles)
            let bytes = [UInt8](data)
            switch try UnitImport.parse(bytes, store: store, policy: context.rules.policy) {
            case .failure(let failure):
                throw CLIError("未导入任何单位，请修改后重新导入：\n" + failure.problems.joined(separator: "\n"))
            case .success(let entries):
                let source = "导入文件 \(URL(fileURLWithPath: file).lastPathComponent)（SHA-256 \(SHA256Digest.hex(of: bytes))）"
                let locked = try await ExpertAccountActions.lockedHash(cost: 12)
                var issued: [UnitImport.Issued] = []
                try chineseErrors {
                    issued = try UnitImport.importUnits(
                        store: store, context: context, entries: entries, source: source, lockedHash: locked)
                }
                for i in issued { print([i.creditCode, i.name, i.unitID, i.username, i.code].joined(separator: "\t")) }
                FileHandle.standardError.write(
                    Data(
                        "已导入单位\(issued.count)个。一次性设置码24小时内有效，请交给各单位人事管理员在“重置密码”页面设置密码。\n".utf8))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write the registered units as CSV or XLSX (the columns an import reads).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var rules: RulesOptions
        @Option(help: "Output file (standard output when omitted; XLSX when it ends in .xlsx).") var out: String?
        @Option(help: "csv or xlsx (default: from --out's name, else csv).") var format: String?

        func run() throws {
            let format = try exportFormat(format, out: out)
            let store = try database.open()
            try writeExport(UnitImport.export(store: store, policy: try rules.load().policy, format: format), out: out)
        }
    }
}
