import ArgumentParser
import Foundation
import Signing
import Store
import Workflow

/// `pingshen audit verify` and `pingshen audit checkpoint`: the tamper-evident log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the tamper-evident event log and anchor it with signed checkpoints.",
        subcommands: [Verify.self, Checkpoint.self])

    /// The office's data folder: its keyring (`keys/`) and checkpoint files (`checkpoints/`).
    struct OfficeFolders: ParsableArguments {
        @Option(
            name: .customLong("data-dir"),
            help: "The office's data folder, holding keys/ and checkpoints/ (default: the database's folder).")
        var dataDirectory: String?

        @Option(
            name: .customLong("keyring"),
            help: "The office's keyring folder (default: DATA-DIR/keys).")
        var keyring: String?

        func dataFolder(database: String) -> String {
            dataDirectory ?? URL(fileURLWithPath: database).standardizedFileURL.deletingLastPathComponent().path
        }

        func keyFolder(database: String) -> String {
            keyring
                ?? URL(fileURLWithPath: dataFolder(database: database), isDirectory: true).appendingPathComponent(
                    "keys"
                )
                .path
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Exit 0 when the log is intact: every event's hash and chain, the projections and snapshots against a replay of the log, the declarations against their signed pledges, and every signed checkpoint (database and DATA-DIR/checkpoints, against the office keyring); 1 naming every problem.",
            discussion: """
                The hash chain shows an event edited in place. A history rewritten with the hashes \\
                recomputed, events cut from the end with the stream's row fixed, or a whole stream deleted \\
                show only against a signed checkpoint made before: run `pingshen audit checkpoint` \\
                regularly (`serve` makes one a day).
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var folders: OfficeFolders

        func run() throws {
            let store = try database.open()
            let report: AuditReport
            let checkpoints: CheckpointReport
            let keyFolder = folders.keyFolder(database: database.path)
            var keys: PublicKeySet?
            if FileManager.default.fileExists(atPath: keyFolder + "/keyring.json") {
                do { keys = try OfficeKeyring.trustedKeys(directory: keyFolder) } catch {
                    throw CLIError(error.chinese)
                }
            }
            do throws(StoreError) {
                report = try store.audit()
                checkpoints = try LogCheckpoints.verify(
                    store: store, keys: keys,
                    directory: LogCheckpoints.directory(dataDirectory: folders.dataFolder(database: database.path)))
            } catch { throw CLIError(error.chinese) }
            let failures = report.problems.map(\.chinese) + checkpoints.problems.map(\.chinese)
            let details = report.problems.map(\.description) + checkpoints.problems.map(\.description)
            if !failures.isEmpty {
                print("审计未通过，共发现 \(failures.count) 处问题：")
                for (zh, en) in zip(failures, details).prefix(200) {
                    print("  - \(zh)")
                    print("    \(en)")
                }
                if failures.count > 200 { print("  ……另有 \(failures.count - 200) 处问题未列出") }
                throw ExitCode(1)
            }
            print(
                "审计通过：\(report.streamsChecked) 条记录、\(report.eventsChecked) 个事件的哈希链完整，状态表、快照、申报索引和申报数据与事件日志重放结果一致")
            // A training/test installation says so (its first event, `pingshen init --test-clock`).
            if (try? store.officeProfile())??.isTestInstallation == true {
                print("注意：\(OfficeProfile.testClockBanner)（初始化事件记载，建立数据库时设定）")
            }
            for (kind, count) in report.unreplayed.sorted(by: { $0.key < $1.key }) {
                print("注意：\(count) 条 \(kind) 类记录没有对应的状态机，只核对了哈希链")
            }
            if let latest = checkpoints.latest {
                print(
                    "签名检查点 \(checkpoints.checkpoints) 个全部有效（依据职改办密钥库 \(keyFolder)），最近一个为第 \(latest.number) 号，建于 \(latest.createdAt)，覆盖 \(latest.streamCount) 条记录、\(latest.eventCount) 个事件；其后新增 \(checkpoints.eventsAfterLatest) 个事件尚未纳入检查点"
                )
            } else {
                print("注意：尚无签名检查点，整条记录被删除或历史被整体改写（哈希重算）无法发现；请执行 pingshen audit checkpoint")
            }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Sign every stream's head with the office key and keep the checkpoint in the database and in DATA-DIR/checkpoints/<n>.json. Refused when the log before the previous checkpoint was changed."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var folders: OfficeFolders

        func run() throws {
            let store = try database.open()
            let keyFolder = folders.keyFolder(database: database.path)
            guard FileManager.default.fileExists(atPath: keyFolder + "/keyring.json") else {
                throw CLIError("未找到职改办密钥库 \(keyFolder)（应含 keyring.json），请用 --keyring 或 --data-dir 指定")
            }
            let keyring: OfficeKeyring
            do { keyring = try OfficeKeyring.open(directory: keyFolder) } catch { throw CLIError(error.chinese) }
            let directory = LogCheckpoints.directory(dataDirectory: folders.dataFolder(database: database.path))
            let made: AppendedCheckpoint
            do {
                made = try LogCheckpoints.create(store: store, keyring: keyring, directory: directory, now: Date())
            } catch let e as StoreError {
                if case .corrupt = e {
                    throw CLIError("拒绝建立检查点：上一个检查点之前的事件日志已被改动，请先执行 pingshen audit verify 查明原因")
                }
                throw CLIError(e.chinese)
            } catch let e as SigningError {
                throw CLIError("检查点已写入数据库，但检查点文件写入失败：\(e.chinese)")
            }
            print(
                "已建立第 \(made.body.number) 号检查点：\(made.body.streamCount) 条记录、\(made.body.eventCount) 个事件，根哈希 \(made.body.root.prefix(16))…，签名密钥 \(made.stored.keyID)；文件 \(LogCheckpoints.file(made.body.number, in: directory))"
            )
        }
    }
}
