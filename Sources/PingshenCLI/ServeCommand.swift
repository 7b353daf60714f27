import ArgumentParser
import Domain
import Foundation
import Signing
import Store
import WebApp
import Workflow

/// `pingshen serve`: the web application (public pages: certificate verification and public
/// notices), optionally on a freshly built demo season.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web application (certificate verification, public notices).",
        discussion: """
            With --demo, a demo season is first run into --out (as `pingshen demo` does) unless its
            database exists already, and that database is served; a few certificate numbers and
            codes to try are printed. With --demo and --db, the season is built in the database's
            folder. --demo refuses a database that a demo did not build (a real office's). A database
            set up with `pingshen init --test-clock` (a training or test installation, as its first
            event says) runs the movable clock too, without demo accounts, and every page shows
            「培训/测试环境：时钟可调，不得用于正式评审」; any other database runs real time. Stop with Ctrl-C.
            """)

    @Option(
        name: .customLong("db"),
        help: "SQLite database file (default: \(EventStore.fileName()), or DIR/\(EventStore.fileName()) with --demo).")
    var database: String?
    @Option(help: "Interface to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Build (or reuse) a demo season in --out and serve it.") var demo = false
    @Option(help: "Output folder of the demo season (default: out/demo, or the folder of --db).") var out: String?
    @Option(help: "Applications in the demo season.") var applications = 200
    @Option(help: "Random seed of the demo season.") var seed: UInt64 = 2026
    @Option(name: .customLong("web-dir"), help: "Folder with pages/ and static/.") var webDirectory = "web"
    @Option(name: .customLong("templates-dir"), help: "Folder with the office's document templates.")
    var templatesDirectory = "templates"
    @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms.") var formsDirectory = "forms"
    @Option(
        name: .customLong("client-address-header"),
        help: "Header a trusted reverse proxy sets to the client's address (e.g. X-Real-IP), for the rate limits.")
    var clientAddressHeader: String?
    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure (the site is served over HTTPS).")
    var secureCookies = false
    @Option(
        name: .customLong("max-connections"),
        help: "Connections held at once by everyone (lowered to the open-file limit less 128).")
    var maxConnections = 4096
    @Option(
        name: .customLong("max-connections-per-client"),
        help: "Connections one client address holds at once (with --client-address-header: requests in flight).")
    var maxConnectionsPerClient = 64
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds a request head may take to arrive (also the keep-alive timeout).")
    var headerTimeout: Double = 10
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may read nothing at all.")
    var idleTimeout: Double = 30
    @Option(name: .customLong("upload-quota-mb"), help: "Megabytes one account may upload in all.")
    var uploadQuotaMB = 1024
    @Option(name: .customLong("upload-quota-files"), help: "Files one account may upload in all.")
    var uploadQuotaFiles = 300
    @Option(
        name: .customLong("data-dir"),
        help: "Folder for rendered documents and uploads (default: the database's folder).")
    var dataDirectory: String?
    @Option(
        name: .customLong("notifier"),
        help: "The outbound notifier's settings (SMTP; default: notifier.yaml beside the database, if any; off unless it says enabled: yes).")
    var notifierFile: String?
    @OptionGroup var rules: RulesOptions

    func validate() throws {
        if let out, !demo { throw ValidationError("--out 只用于 --demo(演示数据的输出文件夹)") }
        if demo, let database, let out,
            URL(fileURLWithPath: out).standardizedFileURL
                != URL(fileURLWithPath: database).deletingLastPathComponent().standardizedFileURL
        {
            throw ValidationError("--demo 同时给出 --db 与 --out 时，数据库须在 --out 文件夹中(\(database) 不在 \(out) 中)")
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port 应在 1 到 65535 之间") }
        guard !host.isEmpty else { throw ValidationError("--host 不能为空") }
        guard maxConnections >= 16 else { throw ValidationError("--max-connections 不能小于 16") }
        guard maxConnectionsPerClient >= 1 else { throw ValidationError("--max-connections-per-client 不能小于 1") }
        guard headerTimeout > 0, idleTimeout > 0 else { throw ValidationError("--header-timeout 与 --idle-timeout 应大于 0 秒") }
        guard uploadQuotaMB >= 1, uploadQuotaFiles >= 1 else {
            throw ValidationError("--upload-quota-mb 与 --upload-quota-files 不能小于 1")
        }
    }

    func run() async throws {
        let book = try rules.load()
        let demoFolder = out ?? database.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? "out/demo"
        let path =
            database
            ?? (demo
                ? URL(fileURLWithPath: demoFolder).appendingPathComponent(EventStore.fileName()).path
                : EventStore.fileName())
        if demo {
            if FileManager.default.fileExists(atPath: path) {
                print("演示数据库已存在，直接使用：\(path)(删除该文件可重新生成)")
            } else {
                let season = try DemoCommand.parse([
                    "--out", demoFolder, "--db", path, "--applications", String(applications), "--seed", String(seed),
                    "--policy-dir", rules.policyDirectory, "--templates-dir", templatesDirectory,
                    "--forms-dir", formsDirectory,
                ])
                try season.run()
            }
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("数据库文件不存在: \(path)(可加 --demo 生成演示数据)")
        }
        let store: EventStore
        do { store = try EventStore(path: path, cachedStates: EventStore.serverCachedStates) } catch {
            throw CLIError(error.chinese + " (\(error))")
        }
        let clockMode = try Self.clockMode(store: store, demo: demo, path: path)
        var configuration = WebConfiguration(
            store: store, rules: book, host: host, port: port, webDirectory: webDirectory,
            clientAddressHeader: clientAddressHeader)
        configuration.secureCookies = secureCookies
        configuration.connectionLimits.maximumConnections = maxConnections
        configuration.connectionLimits.perClient = maxConnectionsPerClient
        configuration.connectionLimits.headerTimeout = headerTimeout
        configuration.connectionLimits.idleTimeout = idleTimeout
        configuration.uploadLimits.accountQuota = UploadUsage(files: uploadQuotaFiles, bytes: uploadQuotaMB << 20)
        configuration.templatesDirectory = templatesDirectory
        configuration.formsDirectory = formsDirectory
        configuration.dataDirectory =
            dataDirectory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        var demoAccounts: [DemoAccounts.Created] = []
        if clockMode != .real {
            let clock = try SimulatedClock(store: store)
            configuration.simulatedClock = clock
            configuration.now = { clock.now() }
        }
        if clockMode == .testInstallation { configuration.environmentBanner = OfficeProfile.testClockBanner }
        if demo {
            demoAccounts = try await DemoAccounts.seed(
                store: store, password: Self.demoPassword, hasher: PasswordHasher(cost: 10), now: Date(), rules: book)
        }
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let address = "http://\(shownHost.contains(":") ? "[\(shownHost)]" : shownHost):\(port)"
        let samples = try Self.samples(store: store, address: address)
        let accounts = demoAccounts
        // A signed checkpoint of the log once a day (when something happened since the last one).
        let daily = DailyCheckpoints(store: store, dataDirectory: configuration.dataDirectory!)
        let checkpoints = Task.detached { await daily.run() }
        defer { checkpoints.cancel() }
        // The signed packages of the decisions, built after each one commits (the archive outbox).
        let archiving = try Self.archiveJob(store: store, book: book, data: configuration.dataDirectory!, forms: formsDirectory)
        let archiveTask = Task.detached { await archiving?.run() }
        defer { archiveTask.cancel() }
        // The outbound notifier: the outbox's mails, with retries (off unless its file enables it).
        let notifier = try Self.notifier(file: notifierFile, database: path, store: store)
        configuration.notifier = notifier
        let notifierTask = Task.detached { await notifier?.run() }
        defer { notifierTask.cancel() }
        if let notifier {
            print("邮件通知已开启：经 \(notifier.configuration.smtp.host):\(notifier.configuration.smtp.port) 发出")
        }
        do {
            try await runWebApplication(configuration: configuration) {
                print("评审(Pingshen)网站已启动：\(address)/ (数据库 \(path);按 Ctrl-C 停止)")
                print("证书查验：\(address)/verify    评审结果公示：\(address)/notices")
                if clockMode == .testInstallation {
                    print("\(OfficeProfile.testClockBanner)。测试时钟（职改办负责人、经办人）：\(address)/demo/clock")
                }
                if !accounts.isEmpty {
                    print("演示账户(密码均为 \(Self.demoPassword);申报人请在 \(address)/register 自行注册)：")
                    // Names in a column of at least 10 (never cut: `padding` truncates a longer one).
                    let width = accounts.map(\.username.count).max().map { max($0, 10) } ?? 10
                    for a in accounts where a.role != .expert {
                        print("  \(a.username.padding(toLength: width, withPad: " ", startingAt: 0)) \(a.role.chinese)"
                            + (a.note.isEmpty ? "" : "  \(a.note)"))
                    }
                    // Experts: one line per committee (expert1 … expertN).
                    var byCommittee: [(String, [String])] = []
                    for a in accounts where a.role == .expert {
                        let committee = a.note.split(separator: "，").last.map(String.init) ?? ""
                        if byCommittee.last?.0 == committee { byCommittee[byCommittee.count - 1].1.append(a.username) }
                        else { byCommittee.append((committee, [a.username])) }
                    }
                    for (committee, names) in byCommittee {
                        print("  \(names.first!) … \(names.last!)  评审专家(\(committee) 全部 \(names.count) 人)")
                    }
                    print("演示时钟(职改办账户)：\(address)/demo/clock")
                }
                if !samples.isEmpty {
                    print("可试查的证书(编号 查验码 链接)：")
                    for line in samples { print("  " + line) }
                }
                fflush(nil)  // shown at once even when the output is a file or a pipe
            }
        } catch let error as WebSetupError {
            throw CLIError(error.description)
        }
    }

    /// The notifier of `file` (or of `notifier.yaml` beside the database when it exists); nil when
    /// there is none or it is not enabled.
    static func notifier(file: String?, database: String, store: EventStore) throws -> Notifier? {
        let path =
            file ?? URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("notifier.yaml").path
        guard file != nil || FileManager.default.fileExists(atPath: path) else { return nil }
        let settings: NotifierConfiguration
        do { settings = try NotifierConfiguration.load(path: path) } catch {
            throw CLIError("邮件通知配置有误：\(error)")
        }
        return settings.enabled ? Notifier(configuration: settings, store: store) : nil
    }

    /// The archive job of the server (nil: no keyring in DATA-DIR/keys yet — a database
    /// never set up with `pingshen init` or a demo).
    static func archiveJob(store: EventStore, book: Rulebook, data: String, forms: String) throws -> ArchiveJob? {
        let root = URL(fileURLWithPath: data, isDirectory: true)
        guard let builder = try ArchiveBuilder.inDataFolder(store: store, book: book, data: root, forms: forms) else {
            FileHandle.standardError.write(
                Data("未建立归档包：未找到职改办密钥库 \(root.appendingPathComponent("keys").path)\n".utf8))
            return nil
        }
        return ArchiveJob(builder: builder)
    }

    /// Which clock a server runs on a database.
    enum ClockMode: Equatable {
        /// Real time: every production database (and a demo database served without --demo).
        case real
        /// The demo's simulated clock (`serve --demo` on a database a demo built).
        case demo
        /// The movable clock of a training or test installation (`pingshen init --test-clock`,
        /// read from the log's first event: nothing else turns it on).
        case testInstallation
    }

    /// The clock for `store`. - Throws: `CLIError` for --demo on a database no demo built.
    static func clockMode(store: EventStore, demo: Bool, path: String) throws -> ClockMode {
        let demoDatabase: Bool
        let test: Bool
        do {
            demoDatabase = try store.webSetting(DemoCommand.demoMarker) != nil
            test = try store.officeProfile()?.isTestInstallation ?? false
        } catch { throw CLIError(error.chinese) }
        if demo {
            guard demoDatabase else {
                throw CLIError(
                    "\(path) 不是演示数据库：--demo 会添加演示账户和演示时钟，不能用于正式数据库(去掉 --demo 即可启动)")
            }
            return .demo
        }
        return test ? .testInstallation : .real
    }

    /// The password of every demo account (printed at start; a demo server listens on loopback).
    static let demoPassword = "Pingshen2026"

    /// A few valid certificates and one revoked, as `number code url` lines.
    static func samples(store: EventStore, address: String) throws -> [String] {
        var lines: [String] = []
        for (status, count, label) in [("valid", 3, "有效"), ("revoked", 1, "已撤销")] {
            let ids = try store.streamIDs(CertificateMachine.self, status: status).prefix(count)
            for id in ids {
                guard let d = try store.load(CertificateMachine.self, id: id)?.state.details else { continue }
                lines.append(
                    "\(d.number)  \(d.verificationCode)  [\(label)]  \(address)/verify?number=\(d.number)&code=\(d.verificationCode)"
                )
            }
        }
        return lines
    }
}

/// While the server runs: every hour, a new signed log checkpoint (`LogCheckpoints.create`, in
/// the database and `DATA-DIR/checkpoints/`) when the newest is a day old and events were
/// recorded since. Failures are reported on standard error and tried again the next hour.
struct DailyCheckpoints: Sendable {
    let store: EventStore
    let dataDirectory: String
    var interval: TimeInterval = 24 * 3600

    func run() async {
        // The server opens (or makes) the keyring first; this task never makes one.
        try? await Task.sleep(for: .seconds(60))
        while !Task.isCancelled {
            checkpointIfDue(now: Date())
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    func checkpointIfDue(now: Date) {
        do {
            let latest = try store.checkpoints().last.flatMap { CheckpointBody.parse($0.body) }
            let events = try store.eventCount()
            if let latest {
                let made = Timestamp.parse(latest.createdAt) ?? .distantPast
                guard now.timeIntervalSince(made) >= interval, events > latest.eventCount else { return }
            } else if events == 0 {
                return
            }
            let keys = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("keys").path
            guard FileManager.default.fileExists(atPath: keys + "/keyring.json") else {
                FileHandle.standardError.write(Data("日志检查点未建立：未找到职改办密钥库 \(keys)\n".utf8))
                return
            }
            let made = try LogCheckpoints.create(
                store: store, keyring: try OfficeKeyring.open(directory: keys),
                directory: LogCheckpoints.directory(dataDirectory: dataDirectory), now: now)
            print("已建立第 \(made.body.number) 号日志检查点（\(made.body.eventCount) 个事件）")
        } catch {
            let message = (error as? StoreError)?.chinese ?? (error as? SigningError)?.chinese ?? "\(error)"
            FileHandle.standardError.write(Data("日志检查点未能建立：\(message)（一小时后重试）\n".utf8))
        }
    }
}
