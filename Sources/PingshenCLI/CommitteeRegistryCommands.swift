import ArgumentParser
import Domain
import Foundation
import Store
import WebApp
import Workflow

/// The acting office account of a registry change: an enabled account with one of `roles`.
struct RegistryActor: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var rules: RulesOptions
    @Option(name: .customLong("as"), help: "The office account acting (a user name).") var username: String

    func open(_ roles: [Role]) throws -> (EventStore, Context) {
        let store = try database.open()
        guard let account = try store.account(username: username), roles.contains(account.role), !account.disabled else {
            throw CLIError("“\(username)”不是可用的\(roles.map(\.chinese).joined(separator: "或"))账户")
        }
        return (store, Context(actor: account.actor, now: Date(), rules: try rules.load()))
    }
}

/// Runs a registry change; a store's refusal is printed as its Chinese message.
func chineseErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw CLIError((error as? StoreError)?.chinese ?? "\(error)") }
}

/// `pingshen committee add`: a committee set up by a decision with its 文号.
struct CommitteeAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Set up a committee by a decision (文号); an event in the log.")
    @OptionGroup var actor: RegistryActor
    @Option(help: "Committee id.") var id: String
    @Option(help: "Name.") var name: String
    @Option(help: "Series (e.g. engineering).") var series: String
    @Option(help: "Level (full-senior, deputy-senior, intermediate, assistant, technician).") var level: String
    @Option(help: "city, or a county's six-digit division code.") var jurisdiction = "city"
    @Option(help: "按系列 or the specialty reviewed.") var scope = "按系列"
    @Option(help: "Number of members (odd, at least the policy's minimum).") var members: Int
    @Option(help: "Term start (YYYY-MM-DD).") var termStart: String
    @Option(help: "Term end (YYYY-MM-DD).") var termEnd: String
    @Option(help: "The decision's 文号.") var decision: String

    func run() throws {
        guard let series = Series(rawValue: series) else { throw CLIError("未知的系列“\(series)”") }
        guard let level = Level(rawValue: level) else { throw CLIError("未知的级别“\(level)”") }
        guard let start = Day(termStart), let end = Day(termEnd) else { throw CLIError("任期应为 YYYY-MM-DD 格式的日期") }
        let (store, context) = try actor.open(CommitteeRegistryMachine.committeeRoles)
        let committee = CommitteeSetUp(
            id: id, name: name, series: series, level: level, jurisdiction: jurisdiction, scope: scope,
            memberCount: members, termStart: start, termEnd: end, decisionNumber: decision)
        try chineseErrors { try ExpertImport.setUpCommittee(store: store, context: context, committee: committee) }
        print("已组建评委会 \(id)（\(name)，委员\(members)人）：\(decision)")
    }
}

/// `pingshen committee list`: the committees with their decisions.
struct CommitteeList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List committees.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        for c in try store.committeeSetUps() {
            print(
                [c.id, c.name, c.series.rawValue, c.level.chinese, c.jurisdiction, c.scope, "\(c.memberCount)",
                 "\(c.termStart)至\(c.termEnd)", c.decisionNumber].joined(separator: "\t"))
        }
    }
}

/// `pingshen experts import|export`: the expert pool from and to CSV/XLSX files.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "The expert pool: import from and export to CSV or XLSX, issue experts' accounts.",
        subcommands: [Import.self, Export.self, Accounts.self])

    /// `pingshen experts accounts`: an account (or a new code) for one expert, or for every
    /// expert a session's draw seated; prints each one-time code once, to be handed over.
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accounts",
            abstract:
                "Issue experts' accounts (user name = expert id) with one-time codes: --expert ID, or --session ID for the whole draw.")
        @OptionGroup var actor: RegistryActor
        @Option(help: "One expert of the pool.") var expert: String?
        @Option(help: "A committee session: every drawn expert without an account.") var session: String?
        @Option(help: "Why (recorded with each issuance).") var reason: String

        func run() async throws {
            guard (expert == nil) != (session == nil) else { throw CLIError("请指定 --expert 或 --session 之一") }
            let (store, context) = try actor.open(CommitteeRegistryMachine.accountRoles)
            let locked = try await ExpertAccountActions.lockedHash(cost: 12)
            var issued: [ExpertAccountActions.Issued] = []
            var skipped: [String] = []
            try chineseErrors {
                if let expert {
                    issued = [
                        try ExpertAccountActions.issue(
                            store: store, context: context, expertID: expert, reason: reason, lockedHash: locked)
                    ]
                } else if let session {
                    (issued, skipped) = try ExpertAccountActions.issueForSession(
                        store: store, context: context, sessionID: session, reason: reason, lockedHash: locked)
                }
            }
            for i in issued {
                print([i.expertID, i.name, i.username, i.code, i.newAccount ? "新账户" : "重发设置码"].joined(separator: "\t"))
            }
            for line in skipped { print("未发放：\(line)") }
            FileHandle.standardError.write(Data("一次性设置码24小时内有效，请交给专家本人在“重置密码”页面设置密码。\n".utf8))
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import experts from a CSV or XLSX file: every row checked, nothing imported if any row fails.")
        @OptionGroup var actor: RegistryActor
        @Option(help: "The CSV or XLSX file.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("无法读取文件 \(file)") }
            let (store, context) = try actor.open(CommitteeRegistryMachine.poolRoles)
            let bytes = [UInt8](data)
            switch try ExpertImport.parse(bytes, store: store) {
            case .failure(let failure):
                throw CLIError("未导入任何专家，请修改后重新导入：\n" + failure.problems.joined(separator: "\n"))
            case .success(let entries):
                let source = "导入文件 \(URL(fileURLWithPath: file).lastPathComponent)（SHA-256 \(SHA256Digest.hex(of: bytes))）"
                try chineseErrors {
                    try ExpertImport.importExperts(store: store, context: context, entries: entries, source: source)
                }
                print("已导入专家\(entries.count)人")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write the expert pool as CSV or XLSX (the columns an import reads).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Output file (standard output when omitted; XLSX when it ends in .xlsx).") var out: String?
        @Option(help: "csv or xlsx (default: from --out's name, else csv).") var format: String?

        func run() throws {
            let format = try exportFormat(format, out: out)
            try writeExport(ExpertImport.export(try database.open().expertPool(), format: format), out: out)
        }
    }
}

/// The format of an export: `--format`, else from the output file's name, else CSV.
func exportFormat(_ option: String?, out: String?) throws -> SheetImport.Format {
    if let option {
        guard let format = SheetImport.Format(rawValue: option.lowercased()) else {
            throw CLIError("--format 应为 csv 或 xlsx")
        }
        return format
    }
    return out.map { SheetImport.Format.of(fileName: $0) } ?? .csv
}

/// An export's bytes into `out`, or onto standard output.
func writeExport(_ bytes: [UInt8], out: String?) throws {
    if let out {
        try Data(bytes).write(to: URL(fileURLWithPath: out))
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
