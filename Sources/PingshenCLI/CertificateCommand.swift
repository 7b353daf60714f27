import Archive
import ArgumentParser
import Foundation
import Signing
import Store

/// `pingshen certificate verify NUMBER CODE --db PATH`.
///
/// Exit codes: 0 有效 (valid); 2 已撤销 (revoked, with the revoking decision number and date);
/// 1 未找到 (no certificate with this number, or the code does not match it), or an error.
struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Verify certificates by number and verification code; issue them.",
        subcommands: [Verify.self, CertificateIssue.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print 有效 / 已撤销 / 未找到; exit 0 valid, 2 revoked, 1 not found or code mismatch.")

        @Argument(help: "Certificate number 证书编号.")
        var number: String
        @Argument(help: "Verification code 验证码 (case and hyphens ignored).")
        var code: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let check: CertificateCheck
            do { check = try CertificateSigner.verify(number: number, code: code, store: store) } catch {
                throw CLIError(error.chinese)
            }
            switch check {
            case .valid(let d):
                print("有效")
                print("证书编号 \(d.number),持证人 \(d.holderName),\(d.series.chinese)系列 \(d.level.chinese)")
                print("批准文号 \(d.approvalDocumentNumber),发证日期 \(d.issuedOn.chinese)")
            case .revoked(let d, let r):
                print("已撤销(\(r.decisionNumber),\(r.on.chinese))")
                print("证书编号 \(d.number),持证人 \(d.holderName)")
                throw ExitCode(2)
            case .unknown:
                print("未找到:没有编号为 \(number) 的证书")
                throw ExitCode(1)
            case .codeMismatch:
                print("未找到:证书编号与验证码不匹配")
                throw ExitCode(1)
            }
        }
    }
}
