import Archive
import ArgumentParser
import Domain
import Forms
import Foundation
import Season
import Signing
import Store
import Workflow

/// `pingshen demo`: a deterministic simulated season through the real store.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a deterministic simulated season into DIR/\(EventStore.fileName()) and print the final states.",
        discussion: """
            Every path of the workflow is exercised. Same seed, same database. A run that was killed
            resumes where it stopped when started again with the same arguments.
            """)

    @Option(help: "Output folder (created if missing).") var out = "out/demo"
    @Option(name: .customLong("db"), help: "Database file of the season (default: DIR/\(EventStore.fileName())).")
    var database: String?
    @Option(help: "Number of applications (at least \(DemoSeason.minimumApplications)).") var applications = 200
    @Option(help: "Random seed.") var seed: UInt64 = 2026
    @Option(help: "The demo office's 全宗号 (archives fonds number) in the 档号 of its records.") var fonds = "J012"
    @Option(name: .customLong("archive-form"), help: "The form of each signed package: folder (the default), zip or both.")
    var archiveForm: ArchiveForms = .folder
    @Option(
        name: .customLong("archive-files"),
        help: "How documents get into the packages' folders: copy (the default), clone or link (see archive build --files).")
    var archiveFiles: FilePlacement = .copy
    @OptionGroup var rules: RulesOptions
    @Option(name: .customLong("templates-dir"), help: "Folder with the office's templates.")
    var templatesDirectory = "templates"
    @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms the applicants fill.")
    var formsDirectory = "forms"

    /// The `web_settings` key a demo season leaves in its database.
    static let demoMarker = "demo_season"

    func validate() throws {
        guard applications >= DemoSeason.minimumApplications else {
            throw ValidationError("--applications 至少为 \(DemoSeason.minimumApplications)(以覆盖全部流程)")
        }
    }

    func run() throws { try run(phases: nil) }

    /// The demo, telling `phases` (`pingshen-bench full-season`) as each phase ends.
    func run(phases: DemoPhaseObserver?) throws {
        let book = try rules.load()
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        let path = database ?? outURL.appendingPathComponent(EventStore.fileName()).path
        let store: EventStore
        do {
            store = try EventStore(path: path)
            // Marks the database as a demo's: only such a database may get demo accounts and the demo clock.
            try store.setWebSetting(Self.demoMarker, "seed \(seed), \(applications) applications")
        } catch { throw CLIError(error.chinese + " (\(error))") }
        var bar = ProgressBar(total: 1, label: "")
        var phase = ""
        let season: DemoSeason
        var signingKeys: OfficeKeyring?
        do {
            let keyring = try DemoSeason.demoKeyring(directory: outURL.appendingPathComponent("keys").path, seed: seed)
            signingKeys = keyring
            let forms: FormLibrary
            do { forms = try FormLibrary.load(directory: formsDirectory) } catch {
                throw CLIError("无法读取申报表定义 \(formsDirectory)(可用 --forms-dir 指定)：\(error)")
            }
            season = try DemoSeason(
                store: store, rules: book, configuration: .init(applications: applications, seed: seed),
                signer: CertificateSigner(keyring: keyring), forms: forms,
                attachments: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("uploads")
            ) { name, done, total in
                if name != phase {
                    if !phase.isEmpty { bar.finish() }
                    phase = name
                    bar = ProgressBar(total: total, label: name)
                }
                bar.update(done)
            }
        } catch let error as SeasonError {
            throw CLIError(error.chinese)
        } catch let error as StoreError {
            throw CLIError(error.chinese + " (\(error))")
        } catch let error as ArchiveError {
            throw CLIError(error.chinese)
        } catch let error as SigningError {
            throw CLIError(error.chinese)
        }
        let summary = try season.run()
        bar.finish()
        print("演示评审年度: \(applications) 份申报, 随机种子 \(seed), 数据库 \(path)")
        print(summary.render())
        phases?(.workflow, applications)
        let rendered = try renderQueuedDocuments(
            store: store, rules: book, into: outURL, templates: templatesDirectory, forms: formsDirectory,
            uploads: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("uploads"))
        phases?(.documents, rendered.documents)
        guard let keyring = signingKeys else { return }
        // The demo office, as `pingshen init` records it (its 全宗号 numbers the archive's
        // records), dated with the season's last event so the same seed gives the same log.
        if try store.officeProfile() == nil {
            let last = try store.lastRecordedAt().flatMap(Timestamp.parse) ?? Date()
            do {
                try store.execute(
                    AdministrationMachine.self, id: AdministrationMachine.streamID,
                    .setUp(office: OfficeProfile(name: book.policy.region.office, fonds: fonds)),
                    context: Context(actor: .system, now: last, rules: book))
            } catch {
                throw CLIError(error.chinese)
            }
        }
        let archive = outURL.appendingPathComponent("archive")
        let written: [DecisionArchiver.Written]
        let archiveStart = Date()
        do {
            // The season's decisions queued their packages as they were made (the archive
            // outbox); build them now, as `serve` does after each decision.
            let builder = ArchiveBuilder(
                store: store, keyring: keyring, organization: book.policy.region.office,
                documents: outURL.appendingPathComponent("documents"), archive: archive,
                uploads: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("uploads"),
                forms: try? FormLibrary.load(directory: formsDirectory), retention: book.retention,
                packageForms: archiveForm.forms, placement: archiveFiles,
                countyPrefixes: ArchiveBuilder.countyPrefixes(book.policy))
            let report = try builder.run()
            if let failure = report.failed.first ?? report.waiting.first.map({ ($0, "文书尚未生成") }) {
                throw CLIError("归档包未能生成：\(failure.0)：\(failure.1)")
            }
            if let name = report.checkFailed.first {
                throw CLIError("归档包四性检测未通过：\(name)（见 \(archive.path) 中其旁的 .check.html 报告）")
            }
            written = report.written
        } catch let error as StoreError {
            throw CLIError(error.chinese + " (\(error))")
        }
        let bytes = written.reduce(0) { $0 + $1.payloadBytes }
        print(
            "归档: \(written.count) 个签名决定包(BagIt + Ed25519)写入 \(archive.path),"
                + "共 \(bytes / 1024) KB,用时 \(String(format: "%.2f", Date().timeIntervalSince(archiveStart))) 秒;"
                + "公钥 \(archive.appendingPathComponent("public-keys.json").path)")
        phases?(.archive, written.count)
        // A signed checkpoint of the season's log, dated with its last event (the same seed
        // gives the same database).
        do {
            let last = try store.lastRecordedAt().flatMap(Timestamp.parse)
            let made = try LogCheckpoints.create(
                store: store, keyring: keyring, directory: LogCheckpoints.directory(dataDirectory: outURL.path),
                now: last ?? Date())
            print(
                "日志检查点：第 \(made.body.number) 号，\(made.body.eventCount) 个事件的记录头已签名，"
                    + "写入数据库和 \(LogCheckpoints.file(made.body.number, in: LogCheckpoints.directory(dataDirectory: outURL.path)))"
            )
        } catch let error as StoreError {
            throw CLIError(error.chinese + " (\(error))")
        } catch let error as SigningError {
            throw CLIError(error.chinese)
        }
    }
}
