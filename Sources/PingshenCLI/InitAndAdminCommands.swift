import ArgumentParser
import Domain
import Foundation
import Signing
import Store
import WebApp
import Workflow

/// `pingshen init`: a new production database for an office — its name and 全宗号, the first
/// administrator (password from standard input or a file, never printed or logged) and the
/// office's signing key (`DIR/keys`, 0600). `serve --db` on it starts with no demo data.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a new database for an office: its name, 全宗号, first administrator and signing key.",
        discussion: """
            The administrator's password is read from --password-file or, without it, from the first
            line of standard input; it is never printed. The database must not exist yet, or be an
            empty one that was never set up (a demo database is refused).
            With --test-clock the database is a training or test installation: the set-up event (the
            first of the log) says so, every page shows 「培训/测试环境：时钟可调，不得用于正式评审」 and
            `serve` runs a clock the office may move forward (/demo/clock). Set-up cannot run twice and
            no command turns it on later, so a production database never gets that clock.
            """)

    @Option(name: .customLong("db"), help: "The new SQLite database file.") var database: String
    @Option(help: "The office's name (e.g. 焦作市职称改革领导小组办公室).") var office: String
    @Option(help: "The office's 全宗号 (archives fonds number, e.g. J012).") var fonds: String
    @Option(help: "The first administrator's user name.") var admin: String
    @Option(name: .customLong("admin-name"), help: "The administrator's display name.") var adminName = "系统管理员"
    @Option(name: .customLong("password-file"), help: "A file whose first line is the administrator's password.")
    var passwordFile: String?
    @Option(
        name: .customLong("data-dir"),
        help: "Folder for documents, uploads and the signing keys (default: the database's folder).")
    var dataDirectory: String?
    @Flag(
        name: .customLong("test-clock"),
        help: "A training or test installation: a movable clock, recorded in the log's first event (never for real reviews).")
    var testClock = false

    func run() async throws {
        let password = try readPassword()
        if let problem = PasswordHasher.problem(with: password, username: admin) {
            throw CLIError("管理员密码不符合要求：\(problem)")
        }
        let existed = FileManager.default.fileExists(atPath: database)
        let store: EventStore
        do { store = try EventStore(path: database) } catch { throw CLIError(error.chinese + " (\(error))") }
        if existed {
            if try store.webSetting(DemoCommand.demoMarker) != nil {
                throw CLIError("\(database) 是演示数据库，不能作为正式数据库初始化")
            }
            if let profile = try store.officeProfile() {
                throw CLIError("\(database) 已于此前初始化为“\(profile.name)”（全宗号 \(profile.fonds)），不能再次初始化")
            }
        }
        let hash = try await PasswordHasher().hash(password)
        let now = Date()
        let system = Context(actor: .system, now: now, rules: Rulebook(policy: Policy(), calendar: WorkingCalendar()))
        let profile = OfficeProfile(name: office, fonds: fonds, testClock: testClock)
        do {
            try store.write { tx in
                try tx.execute(AdministrationMachine.self, id: AdministrationMachine.streamID, .setUp(office: profile), context: system)
                try tx.execute(
                    AdministrationMachine.self, id: AdministrationMachine.streamID,
                    .createStaff(username: admin, role: .administrator, displayName: adminName, reason: "系统初始化"),
                    context: system)
                try tx.insertStaffAccount(
                    NewAccount(username: admin, passwordHash: hash, role: .administrator, displayName: adminName), now: now)
            }
        } catch {
            // (`catch let error as StoreError` here crashes the 6.3.1 compiler: the write throws StoreError only.)
            throw CLIError(error.chinese)
        }
        let dir = dataDirectory ?? URL(fileURLWithPath: database).deletingLastPathComponent().path
        let keys = URL(fileURLWithPath: dir, isDirectory: true).appendingPathComponent("keys").path
        let keyring: OfficeKeyring
        do { keyring = try OfficeKeyring.open(directory: keys, now: now) } catch { throw CLIError(error.chinese) }
        print("已初始化：\(office)（全宗号 \(fonds)），数据库 \(database)")
        if testClock { print("\(OfficeProfile.testClockBanner)（已记入事件日志的第一个事件，不能更改）") }
        print("系统管理员：\(admin)（密码未显示）")
        print("签名密钥：\(keys)（当前密钥 \(keyring.currentKeyID)，仅本机可读）")
        print("启动：pingshen serve --db \(database)" + (dataDirectory.map { " --data-dir \($0)" } ?? ""))
    }

    func readPassword() throws -> String {
        let text: String?
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw CLIError("无法读取密码文件 \(passwordFile)")
            }
            text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first
                .map(String.init)
        } else {
            text = readLine(strippingNewline: true)
        }
        guard let password = text?.trimmingCharacters(in: .whitespacesAndNewlines), !password.isEmpty else {
            throw CLIError("请从标准输入或 --password-file 提供管理员密码")
        }
        return password
    }
}

/// `pingshen admin`: the administrator's work from the command line, each change an event in
/// the hash-chained log (who, when, why).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Staff accounts: add, disable, enable, issue a one-time password reset code.",
        subcommands: [AddStaff.self, SetEnabled.self, SetScope.self, ResetCode.self, ListStaff.self])

    /// Runs a change; a refusal is printed as its Chinese message.
    static func chinese(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError { throw CLIError(error.chinese) }
    }

    struct Common: ParsableArguments {
        @Option(name: .customLong("db"), help: "SQLite database file.") var database = EventStore.fileName()
        @Option(name: .customLong("as"), help: "The administrator acting (a user name).") var administrator: String
        @Option(help: "Why (recorded with the change).") var reason: String

        func open() throws -> (EventStore, Actor) {
            guard FileManager.default.fileExists(atPath: database) else { throw CLIError("数据库文件不存在: \(database)") }
            let store: EventStore
            do { store = try EventStore(path: database) } catch { throw CLIError(error.chinese + " (\(error))") }
            guard let account = try store.account(username: administrator), account.role == .administrator,
                !account.disabled
            else { throw CLIError("“\(administrator)”不是可用的系统管理员账户") }
            return (store, account.actor)
        }

        func context(_ actor: Actor) -> Context {
            Context(actor: actor, now: Date(), rules: Rulebook(policy: Policy(), calendar: WorkingCalendar()))
        }
    }

    struct AddStaff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Create a staff account; its first password is read from standard input.")
        @OptionGroup var common: Common
        @Option(help: "User name.") var username: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Role: office-clerk, office-head, committee-secretary, auditor, archivist, administrator.")
        var role: String

        func run() async throws {
            let (store, actor) = try common.open()
            guard let role = Role(rawValue: role) else { throw CLIError("未知的角色“\(role)”") }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw CLIError("请从标准输入提供初始密码")
            }
            if let problem = PasswordHasher.problem(with: password, username: username) {
                throw CLIError("初始密码不符合要求：\(problem)")
            }
            let hash = try await PasswordHasher().hash(password)
            try AdminCommand.chinese {
                try AdminActions.createStaff(
                    store: store, context: common.context(actor), username: username, role: role, displayName: name,
                    passwordHash: hash, reason: common.reason)
            }
            print("已创建 \(role.chinese) 账户 \(username)（\(name)）")
        }
    }

    struct SetEnabled: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Disable or enable a staff account (--disabled true|false).")
        @OptionGroup var common: Common
        @Option(help: "User name.") var username: String
        @Option(help: "true to disable, false to enable.") var disabled: Bool

        func run() throws {
            let (store, actor) = try common.open()
            try AdminCommand.chinese {
                try AdminActions.setDisabled(
                    store: store, context: common.context(actor), username: username, disabled: disabled,
                    reason: common.reason)
            }
            print(disabled ? "已停用账户 \(username)" : "已启用账户 \(username)")
        }
    }

    /// `pingshen admin scope --username U --county 410821|city`: the county 县（市、区） an office
    /// or committee account works for (seed item 6).
    struct SetScope: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scope",
            abstract: "Set the county (six-digit code from policy.yaml devolution.counties, or city) a clerk, head or secretary works for.")
        @OptionGroup var common: Common
        @Option(help: "User name.") var username: String
        @Option(help: "A county's six-digit code, or city.") var county: String

        func run() throws {
            let (store, actor) = try common.open()
            let scope = county == "city" ? nil : county
            try AdminCommand.chinese {
                try AdminActions.setScope(
                    store: store, context: common.context(actor), username: username, county: scope,
                    reason: common.reason)
            }
            print("已设定账户 \(username) 的工作范围：\(scope.map { "县（市、区）\($0)" } ?? "全市")")
        }
    }

    struct ResetCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-code", abstract: "Issue a one-time password reset code (valid 24 hours) and print it.")
        @OptionGroup var common: Common
        @Option(help: "User name.") var username: String

        func run() throws {
            let (store, actor) = try common.open()
            var code = ""
            try AdminCommand.chinese {
                code = try AdminActions.issueResetCode(
                    store: store, context: common.context(actor), username: username, reason: common.reason)
            }
            print("一次性密码重置码（24小时内有效，只显示这一次）：\(code)")
        }
    }

    struct ListStaff: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List staff accounts.")
        @Option(name: .customLong("db"), help: "SQLite database file.") var database = EventStore.fileName()

        func run() throws {
            let store: EventStore
            do { store = try EventStore(path: database) } catch { throw CLIError(error.chinese) }
            for a in try store.staffAccounts() {
                print("\(a.username)\t\(a.displayName)\t\(a.role.chinese)\t\(a.disabled ? "已停用" : "使用中")")
            }
        }
    }
}
