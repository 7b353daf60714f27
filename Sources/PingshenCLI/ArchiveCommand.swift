import Archive
import ArgumentParser
import Domain
import Foundation
import Signing
import Store

/// `pingshen archive verify PATH` and `pingshen archive keys list|export|rotate|revoke`.
///
/// Exit codes of `verify`: 0 when the package is complete, every checksum matches, its name is
/// its decision's and the signature is valid under a key of the office's keyring that was valid
/// and not revoked on the package's date (and, with `--db`, the package agrees with the
/// database); 1 otherwise, naming every problem, or when the package or the keys cannot be
/// read. Trust comes from the office's keyring (`--keyring`, or the data folder of `--db`) or
/// from a `public-keys.json` the user names with `--keys` — never from a file inside or beside
/// the package.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Build, verify, check (DA/T 70) and hand over signed decision packages (BagIt); manage the office signing keys.",
        subcommands: [Verify.self, Keys.self, Build.self, CheckCommand.self, TransferCommand.self, ReceiveCommand.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Exit 0 only when the package (folder or .zip) is complete, every checksum matches, its name is its decision's and the signature is valid under a key of the office's keyring on the package's date; 1 naming what is wrong.",
            discussion: """
                The trusted keys come from the office's keyring — --keyring DIR/keys, or the keys/ folder of \
                the data folder of --db — never from the package: a public-keys.json inside or beside it is \
                ignored. --keys FILE trusts a public-keys.json you name yourself (pinned, e.g. handed over by \
                the office on paper or a signed medium). Files are hashed while read, within a budget: a zip \
                bomb or an oversized file stops the check with a failure instead of filling the memory.
                """)

        @Argument(help: "A package folder or a .zip of it.")
        var path: String

        @Option(
            name: .customLong("keyring"),
            help:
                "The office's keyring folder (DIR/keys, holding keyring.json): the keys to trust, with their validity periods."
        )
        var keyring: String?

        @Option(
            name: .customLong("keys"),
            help:
                "A public-keys.json YOU name and trust (pinned trust file). Never looked for beside the package; use instead of --keyring."
        )
        var keys: String?

        @Option(
            name: .customLong("db"),
            help:
                "Also check the package against this database: its decision exists, its applications are the decision's, its signed heads.json matches the event log. Without --keyring the keys come from DATA-DIR/keys."
        )
        var database: String?

        @Option(
            name: .customLong("data-dir"),
            help: "The office's data folder, whose keys/ is the keyring (default: the folder of --db).")
        var dataDirectory: String?

        @Option(
            name: .customLong("max-mb"),
            help:
                "Megabytes of payload read at most while the package's signature is not verified (a signed package may hold its signed size)."
        )
        var maxMB = 2048

        func trustedKeys() throws -> (keys: PublicKeySet, source: String) {
            if keys != nil, keyring != nil {
                throw CLIError("--keys 与 --keyring 只能指定一个：信任来源必须唯一")
            }
            if let keys {
                do { return (try PublicKeySet.load(path: keys), "指定的公钥文件 \(keys)") } catch {
                    throw CLIError(error.chinese)
                }
            }
            let folder: String
            if let keyring {
                folder = keyring
            } else if let database {
                let data =
                    dataDirectory ?? URL(fileURLWithPath: database).standardizedFileURL.deletingLastPathComponent().path
                folder = URL(fileURLWithPath: data, isDirectory: true).appendingPathComponent("keys").path
            } else {
                throw CLIError(
                    "请用 --keyring 指定职改办密钥库（数据目录下的 keys 文件夹），或用 --db 指定数据库（密钥库取自其数据目录的 keys 文件夹）；"
                        + "归档包内或旁边的 public-keys.json 不会被自动信任，如确需使用请以 --keys 明确指定")
            }
            do { return (try OfficeKeyring.trustedKeys(directory: folder), "职改办密钥库 \(folder)") } catch {
                throw CLIError(error.chinese)
            }
        }

        func run() throws {
            if let database, !FileManager.default.fileExists(atPath: database) {
                throw CLIError("数据库文件不存在：\(database)")
            }
            guard maxMB > 0 else { throw CLIError("--max-mb 必须为正数") }
            let (trusted, source) = try trustedKeys()
            let budget = VerificationBudget(maxPayloadBytes: maxMB << 20)
            let report = BagVerifier.verify(path: path, keys: trusted, budget: budget)
            var failed = !report.isValid
            if report.isValid, let key = report.signedBy {
                let state = key.retired == nil ? "当前密钥" : "已停用密钥（\(key.retired!) 停用）"
                print(
                    "归档包校验通过：\(report.payloadFileCount) 个文件全部完整，签名有效（\(state) \(key.keyID)，依据\(source)）"
                        + (report.decision.map { "，\($0.chinese)" } ?? "")
                        + (report.baggingDate.map { "，日期 \($0)" } ?? ""))
            } else {
                print("归档包校验未通过，共 \(report.problems.count) 处问题（依据\(source)）：")
                for p in report.problems {
                    print("  - \(p.chinese)")
                    print("    \(p)")
                }
                if report.problems.isEmpty { print("  - 签名未能验证") }
            }
            if let database {
                let heads: HeadsReport
                do {
                    heads = try DecisionArchiver.verifyHeads(
                        store: EventStore(path: database), package: path, budget: budget)
                } catch { throw CLIError(error.chinese) }
                if heads.isIntact {
                    print("与数据库一致：决定存在，所含申报与数据库相符，\(heads.streamsChecked) 条记录的头哈希与事件日志一致")
                } else {
                    failed = true
                    print("归档包与数据库不符：")
                    for p in heads.problems {
                        print("  - \(p.chinese)")
                        print("    \(p)")
                    }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The office's Ed25519 signing keys.",
            subcommands: [List.self, Export.self, Rotate.self, Revoke.self])

        struct KeyDirectory: ParsableArguments {
            @Option(name: .customLong("key-dir"), help: "Folder holding the signing keys (created on first use).")
            var path = "keys"
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the keyring's keys with their validity periods (no private key is read).")
            @OptionGroup var keyDirectory: KeyDirectory

            func run() throws {
                let set: PublicKeySet
                do { set = try OfficeKeyring.trustedKeys(directory: keyDirectory.path) } catch {
                    throw CLIError(error.chinese)
                }
                for key in set.keys {
                    let from = key.firstDay?.description ?? "（日期无法识别）"
                    let until = key.validUntil ?? key.retired.map { String($0.prefix(10)) } ?? "至今"
                    var line = "\(key.keyID)  有效期 \(from) 至 \(until)"
                    if key.retired == nil { line += "  当前签名密钥" }
                    if let revoked = key.revokedOn {
                        line += "  已于 \(revoked) 吊销" + (key.revocationReason.map { "（\($0)）" } ?? "")
                    }
                    print(line)
                }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write public-keys.json (current and retired public keys).")
            @OptionGroup var keyDirectory: KeyDirectory
            @Option(name: .customLong("output"), help: "Where to write public-keys.json.")
            var output = "public-keys.json"

            func run() throws {
                do {
                    let keyring = try OfficeKeyring.open(directory: keyDirectory.path)
                    try keyring.exportPublicKeys(to: output)
                    print("已导出 \(keyring.publicKeys.keys.count) 个公钥到 \(output)（当前密钥 \(keyring.currentKeyID)）")
                } catch { throw CLIError(error.chinese) }
            }
        }

        struct Rotate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a new signing key current; the old public key stays for verification.")
            @OptionGroup var keyDirectory: KeyDirectory

            func run() throws {
                do {
                    let old = try OfficeKeyring.open(directory: keyDirectory.path)
                    let new = try old.rotate()
                    print(
                        "已启用新签名密钥 \(new.currentKeyID)，原密钥 \(old.currentKeyID) 已停用（公钥保留，有效期至今日）；请重新导出 public-keys.json")
                } catch { throw CLIError(error.chinese) }
            }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Revoke a retired key from a day on (lost or compromised): packages dated that day or later and checkpoints made then fail under it."
            )
            @OptionGroup var keyDirectory: KeyDirectory
            @Argument(help: "The key id (16 hex digits).") var keyID: String
            @Option(name: .customLong("on"), help: "The first day the key is no longer trusted (YYYY-MM-DD).")
            var day: String
            @Option(help: "Why (recorded in the keyring).") var reason: String

            func run() throws {
                guard let on = Day(day) else { throw CLIError("日期格式应为 YYYY-MM-DD：\(day)") }
                do {
                    try OfficeKeyring.revoke(directory: keyDirectory.path, keyID: keyID, on: on, reason: reason)
                    print("已吊销密钥 \(keyID)：\(on) 及以后日期的归档包和检查点不再认可该密钥；请重新导出 public-keys.json")
                } catch { throw CLIError(error.chinese) }
            }
        }
    }
}
