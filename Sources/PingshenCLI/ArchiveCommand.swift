import Archive
import ArgumentParser
import Foundation
import Signing
import Store

/// `pingshen archive verify PATH` and `pingshen archive keys export|rotate`.
///
/// Exit codes of `verify`: 0 when the package is complete, every checksum matches and the
/// signature is valid under a known key (current or retired); 1 otherwise, naming every
/// problem (changed, added or missing file, swapped or invalid signature, unknown key, unsafe
/// zip entry), or when the package or the keys cannot be read.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Verify signed decision packages (BagIt) and manage the office signing keys.",
        subcommands: [Verify.self, Keys.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Exit 0 only when the package (folder or .zip) is complete, every checksum matches and the signature is valid under a known key; 1 naming what is wrong."
        )

        @Argument(help: "A package folder or a .zip of it.")
        var path: String

        @Option(
            name: .customLong("keys"),
            help: "public-keys.json to trust (default: public-keys.json beside the package).")
        var keys: String?

        @Option(
            name: .customLong("db"),
            help: "Also check the package's signed heads.json against this database's event log.")
        var database: String?

        func run() throws {
            let keysPath =
                keys
                ?? URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
                .appendingPathComponent("public-keys.json").path
            guard FileManager.default.fileExists(atPath: keysPath) else {
                throw CLIError("未找到公钥文件 \(keysPath),请用 --keys 指定 public-keys.json")
            }
            let trusted: PublicKeySet
            do { trusted = try PublicKeySet.load(path: keysPath) } catch { throw CLIError(error.chinese) }
            let report = BagVerifier.verify(path: path, keys: trusted)
            var failed = !report.isValid
            if report.isValid, let key = report.signedBy {
                let state = key.retired == nil ? "当前密钥" : "已停用密钥(\(key.retired!))"
                print(
                    "归档包校验通过:\(report.payloadFileCount) 个文件全部完整,签名有效(\(state) \(key.keyID))"
                        + (report.externalIdentifier.map { ",决定文号 \($0)" } ?? ""))
            } else {
                print("归档包校验未通过,共 \(report.problems.count) 处问题:")
                for p in report.problems {
                    print("  - \(p.chinese)")
                    print("    \(p)")
                }
                if report.problems.isEmpty { print("  - 签名未能验证") }
            }
            if let database {
                guard FileManager.default.fileExists(atPath: database) else {
                    throw CLIError("数据库文件不存在: \(database)")
                }
                let heads: HeadsReport
                do {
                    heads = try DecisionArchiver.verifyHeads(store: EventStore(path: database), package: path)
                } catch { throw CLIError(error.chinese) }
                if heads.isIntact {
                    print("数据库日志与归档签名的 \(heads.streamsChecked) 条记录头哈希一致")
                } else {
                    failed = true
                    print("数据库日志与归档不符:")
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
            abstract: "The office's Ed25519 signing keys.", subcommands: [Export.self, Rotate.self])

        struct KeyDirectory: ParsableArguments {
            @Option(name: .customLong("key-dir"), help: "Folder holding the signing keys (created on first use).")
            var path = "keys"
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
                    print("已导出 \(keyring.publicKeys.keys.count) 个公钥到 \(output)(当前密钥 \(keyring.currentKeyID))")
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
                    print("已启用新签名密钥 \(new.currentKeyID),原密钥 \(old.currentKeyID) 已停用(公钥保留);请重新导出 public-keys.json")
                } catch { throw CLIError(error.chinese) }
            }
        }
    }
}
