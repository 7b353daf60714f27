import Archive
import ArgumentParser
import Domain
import Foundation
import Signing
import Store

/// The keys a check trusts: named explicitly — the office's keyring folder, a public-keys.json
/// a person names, or the keys/ folder of the database's data folder. Never a key found in or
/// beside a package or in a batch.
struct TrustedKeyOptions: ParsableArguments {
    @Option(
        name: [.customLong("keyring"), .customLong("keyring-dir")],
        help: "The keyring folder (DIR/keys, holding keyring.json) whose public keys to trust.")
    var keyring: String?

    @Option(
        name: .customLong("keys"),
        help: "A public-keys.json YOU name and trust (e.g. handed over by the office separately). Instead of --keyring."
    )
    var keys: String?

    /// - Parameter dataDirectory: where `keys/` is when neither option is given (nil: one is required).
    func load(dataDirectory: String?) throws -> (keys: PublicKeySet, source: String) {
        if keys != nil, keyring != nil { throw CLIError("--keys 与 --keyring 只能指定一个：信任来源必须唯一") }
        if let keys {
            do { return (try PublicKeySet.load(path: keys), "指定的公钥文件 \(keys)") } catch { throw CLIError(error.chinese) }
        }
        guard let folder = keyring ?? dataDirectory.map({ ($0 as NSString).appendingPathComponent("keys") }) else {
            throw CLIError(
                "请用 --keyring 指定密钥库（数据目录下的 keys 文件夹）或用 --keys 指定您信任的 public-keys.json；"
                    + "归档包内、旁边或移交批次中的公钥不会被自动信任")
        }
        do { return (try OfficeKeyring.trustedKeys(directory: folder), "职改办密钥库 \(folder)") } catch {
            throw CLIError(error.chinese)
        }
    }
}

/// The outside programs of the usability check.
struct ExternalCheckOptions: ParsableArguments {
    @Option(
        name: .customLong("odf-tools"),
        help: "Folder with validate-odt.sh (and the ODF schemas) and odt-to-pdf.sh.")
    var odfTools = "Tests/Conformance/odf"

    @Flag(
        name: .customLong("no-external"),
        help: "Do not run the ODF schema check and LibreOffice (those two items are then reported as not applicable).")
    var noExternal = false

    func checks() throws -> ExternalChecks {
        if noExternal { return .none }
        let folder = URL(fileURLWithPath: odfTools, isDirectory: true)
        let missing = ExternalChecks.missingPrograms(odfTools: folder)
        guard missing.isEmpty else {
            throw CLIError(
                "缺少可用性检测所需的外部程序：\(missing.joined(separator: "、"))。请安装（xmllint 在 libxml2-utils 包中，soffice 在 libreoffice-writer-nogui 包中），"
                    + "或用 --odf-tools 指定 validate-odt.sh 所在的文件夹；如确需跳过，请加 --no-external（ODF 校验和 LibreOffice 打开两项将记为不适用）")
        }
        return .programs(odfTools: folder)
    }
}

extension CheckOccasion: ExpressibleByArgument {}

extension ArchiveCommand {
    /// `pingshen archive check PACKAGE…`: the four-property check (DA/T 70) of each package,
    /// printed in Chinese and written beside it as `<package>.check.json` and `.check.html`.
    struct CheckCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "The four-property check (DA/T 70: authenticity, integrity, usability, security) of packages; exit 1 if any item of any package fails.",
            discussion: """
                Prints the report in Chinese and writes it beside each package as <package>.check.json and \
                <package>.check.html (--no-reports: print only). The signature is checked under the keys you \
                name (--keyring or --keys, or the keys/ folder of --db's data folder), never a key in the \
                package. Every ODT is checked against the ODF schema (validate-odt.sh) and opened by \
                LibreOffice (odt-to-pdf.sh); --no-external skips those two.
                """)

        @Argument(help: "Package folders or .zip files.") var packages: [String] = []
        @Option(
            name: .customLong("dir"),
            help: "Check every package in this archive folder (folders and zips; not reports or keys).")
        var directory: String?
        @OptionGroup var rules: RulesOptions
        @OptionGroup var trust: TrustedKeyOptions
        @OptionGroup var external: ExternalCheckOptions
        @Option(
            name: .customLong("db"),
            help: "Also check the package's identity against this database (its decision, applications and heads).")
        var database: String?
        @Option(
            name: .customLong("data-dir"), help: "The data folder whose keys/ to trust (default: the folder of --db).")
        var dataDirectory: String?
        @Option(help: "When the check is made: filing, on-demand, transfer, receipt.") var occasion = CheckOccasion
            .onDemand
        @Flag(name: .customLong("no-reports"), help: "Print the reports only; write nothing beside the packages.")
        var noReports = false
        @Option(
            name: .customLong("max-mb"), help: "Megabytes of payload read at most while a signature is not verified.")
        var maxMB = 2048

        func run() throws {
            guard maxMB > 0 else { throw CLIError("--max-mb 必须为正数") }
            var packages = self.packages
            if let directory {
                guard FileManager.default.fileExists(atPath: directory) else { throw CLIError("归档文件夹不存在：\(directory)") }
                packages += ArchiveFolder.packageNames(in: directory).map {
                    (directory as NSString).appendingPathComponent($0)
                }
            }
            guard !packages.isEmpty else { throw CLIError("请指定要检测的归档包，或用 --dir 指定归档文件夹") }
            let book = try rules.load()
            var store: EventStore?
            if let database {
                guard FileManager.default.fileExists(atPath: database) else { throw CLIError("数据库文件不存在：\(database)") }
                do { store = try EventStore(path: database) } catch { throw CLIError(error.chinese) }
            }
            let data =
                dataDirectory
                ?? database.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path }
            let (keys, source) = try trust.load(dataDirectory: data)
            let checker = FourPropertyCheck(
                keys: keys, trust: source, store: store, external: try external.checks(),
                budget: VerificationBudget(maxPayloadBytes: maxMB << 20),
                formats: LongTermFormat.list(book.retention.longTermFormats))
            var failed = 0
            for (n, package) in packages.enumerated() {
                guard FileManager.default.fileExists(atPath: package) else { throw CLIError("归档包不存在：\(package)") }
                let report = checker.check(path: package, occasion: occasion)
                if n > 0 { print("") }
                print(report.text)
                if !noReports {
                    do {
                        let written = try FourPropertyCheck.writeReports(report, besidePackage: package)
                        print("检测报告：\(written.json.path)、\(written.html.path)")
                    } catch { throw CLIError("无法写出检测报告：\(error.chinese)") }
                }
                if !report.passed { failed += 1 }
            }
            if packages.count > 1 { print("\n共检测 \(packages.count) 个归档包，\(failed) 个不通过。") }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    /// `pingshen archive transfer`: a hand-over batch for the archives bureau.
    struct TransferCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer",
            abstract: "Make a signed hand-over batch (移交) of a year's packages (or those named) for the archives.",
            discussion: """
                Every package is checked (four properties, at hand-over) first; if one fails, no batch is made \
                and the failures are printed. The batch holds packages/, reports/, the transfer list \
                transfer-list.json/.html and its signature transfer-list.sig (the office's current key). No key \
                is put in the batch: give the archives the office's public keys separately \
                (pingshen archive keys export), on paper or another medium, for pingshen archive receive --keys.
                """)

        @Option(help: "The archive folder (DIR/archive).") var from: String
        @Option(help: "The year of the packages (by their Bagging-Date).") var year: Int
        @Option(
            parsing: .upToNextOption,
            help: "Only these packages (folder or zip names, or names without .zip); default: the whole year.")
        var packages: [String] = []
        @Option(help: "The batch folder to make (new or empty).") var out: String
        @Option(
            name: .customLong("key-dir"),
            help: "The office's keyring folder, to sign the list (default: the keys/ folder beside --from).")
        var keyDirectory: String?
        @Option(name: .customLong("db"), help: "The office's database: its 全宗号, and the identity check.")
        var database: String?
        @Option(help: "The 全宗号 when there is no --db (else read from the database).") var fonds: String?
        @Option(name: .customLong("batch-name"), help: "The batch's name (default: 移交-YEAR-全宗号).") var batchName:
            String?
        @OptionGroup var rules: RulesOptions
        @OptionGroup var external: ExternalCheckOptions

        func run() throws {
            let book = try rules.load()
            let archive = URL(fileURLWithPath: from, isDirectory: true).standardizedFileURL
            guard FileManager.default.fileExists(atPath: archive.path) else { throw CLIError("归档文件夹不存在：\(from)") }
            let keyFolder = keyDirectory ?? archive.deletingLastPathComponent().appendingPathComponent("keys").path
            let keyring: OfficeKeyring
            do { keyring = try OfficeKeyring.open(directory: keyFolder) } catch { throw CLIError(error.chinese) }
            var store: EventStore?
            var fonds = self.fonds
            if let database {
                guard FileManager.default.fileExists(atPath: database) else { throw CLIError("数据库文件不存在：\(database)") }
                do {
                    store = try EventStore(path: database)
                    fonds = try store?.officeProfile()?.fonds ?? fonds
                } catch { throw CLIError(error.chinese) }
            }
            let checker = FourPropertyCheck(
                keys: keyring.publicKeys, trust: "职改办密钥库 \(keyFolder)", store: store, external: try external.checks(),
                formats: LongTermFormat.list(book.retention.longTermFormats))
            let name = batchName ?? "移交-\(year)" + (fonds.map { "-\($0)" } ?? "")
            do {
                let selected = try Archive.Transfer.select(
                    from: archive.path, year: year, names: packages.isEmpty ? nil : packages)
                let list = try Archive.Transfer.make(
                    packages: selected, from: archive.path, into: out, batchName: name, year: year, keyring: keyring,
                    organization: book.policy.region.office, fonds: fonds, check: checker)
                for p in list.packages {
                    let range = p.rangesText
                    print(
                        "  \(p.name)：\(p.externalIdentifier ?? "")，\(p.records) 件\(range.isEmpty ? "" : "（\(range)）")，\(p.bytes) 字节，四性检测通过"
                    )
                }
                print(
                    "已生成移交批次 \(name)：\(out)，共 \(list.packages.count) 个归档包、\(list.totalRecords) 件；移交清单已用密钥 \(keyring.currentKeyID) 签名。"
                        + "请将职改办公钥（pingshen archive keys export）另行交给接收方，不要随批次传递。")
            } catch {
                print("未生成移交批次：\(error.message)")
                for report in error.failed {
                    print("")
                    print(report.text)
                }
                throw ExitCode(1)
            }
        }
    }

    /// `pingshen archive receive BATCH`: the receiving archives' check of a hand-over batch.
    struct ReceiveCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receive",
            abstract:
                "Check a hand-over batch as the receiving archives would; print 接收 or the failures and write the receipt (接收回执). Exit 1 unless accepted.",
            discussion: """
                Trusts only the keys you name: --keys the sending office's public-keys.json handed over \
                separately, or --keyring a keyring folder. A key inside the batch is never trusted. Writes \
                receipt.json, receipt.html and receipt-reports/ into the batch (--no-receipt: print only).
                """)

        @Argument(help: "The batch folder.") var batch: String
        @OptionGroup var trust: TrustedKeyOptions
        @OptionGroup var external: ExternalCheckOptions
        @Flag(name: .customLong("no-receipt"), help: "Print only; write nothing into the batch.") var noReceipt = false

        func run() throws {
            guard FileManager.default.fileExists(atPath: batch) else { throw CLIError("移交批次不存在：\(batch)") }
            guard trust.keys != nil || trust.keyring != nil else {
                throw CLIError("请用 --keys 指定移交单位另行提供的公钥文件（或 --keyring 指定密钥库）；批次中的公钥一律不予信任")
            }
            let (keys, source) = try trust.load(dataDirectory: nil)
            let checker = FourPropertyCheck(keys: keys, trust: source, external: try external.checks())
            let (receipt, reports) = Archive.Transfer.receive(batch: batch, check: checker)
            print(receipt.text)
            if !noReceipt {
                do { try Archive.Transfer.writeReceipt(receipt, reports: reports, into: batch) } catch {
                    throw CLIError("无法写出接收回执：\(error.chinese)")
                }
                print("接收回执：\((batch as NSString).appendingPathComponent(Archive.Transfer.receiptFile))")
            }
            if !receipt.accepted { throw ExitCode(1) }
        }
    }
}
