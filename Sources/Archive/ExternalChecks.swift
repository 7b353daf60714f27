import Foundation

/// The outside programs the usability check runs on every ODT, injected so the check's own
/// logic is tested without them; `programs(odfTools:)` gives the real ones (the CLI, the
/// tests): the ODF schema check `validate-odt.sh` (xmllint against the OASIS RelaxNG schemas)
/// and LibreOffice converting the documents (`odt-to-pdf.sh`, one headless call).
public struct ExternalChecks: Sendable {
    /// Checks one ODT file: nil when it passes, else why not.
    public var odfSchema: (@Sendable (URL) -> String?)?
    /// Opens the ODT files: the ones that could not be opened, with why.
    public var opens: (@Sendable ([URL]) -> [URL: String])?

    public init(
        odfSchema: (@Sendable (URL) -> String?)? = nil, opens: (@Sendable ([URL]) -> [URL: String])? = nil
    ) {
        self.odfSchema = odfSchema
        self.opens = opens
    }

    /// No outside program: those items are reported as not applicable, saying so.
    public static let none = ExternalChecks()

    /// The programs each real check needs that are not installed (empty: all there).
    public static func missingPrograms(odfTools: URL) -> [String] {
        var missing: [String] = []
        for script in ["validate-odt.sh", "odt-to-pdf.sh"]
        where !FileManager.default.fileExists(atPath: odfTools.appendingPathComponent(script).path) {
            missing.append(odfTools.appendingPathComponent(script).path)
        }
        for tool in ["bash", "python3", "xmllint", ProcessInfo.processInfo.environment["SOFFICE"] ?? "soffice"]
        where !isInstalled(tool) {
            missing.append(tool)
        }
        return missing
    }

    static func isInstalled(_ tool: String) -> Bool {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    /// The real checks, with the scripts in `odfTools` (the repository's
    /// `Tests/Conformance/odf`: `validate-odt.sh` and its schemas, `odt-to-pdf.sh`).
    public static func programs(odfTools: URL, timeoutSeconds: Int = 180) -> ExternalChecks {
        let validate = odfTools.appendingPathComponent("validate-odt.sh").path
        let convert = odfTools.appendingPathComponent("odt-to-pdf.sh").path
        return ExternalChecks(
            odfSchema: { file in
                let (status, output) = run(["bash", validate, file.path], environment: [:])
                guard status != 0 else { return nil }
                let fails = output.split(separator: "\n").filter { $0.hasPrefix("FAIL") || $0.hasPrefix("    ") }
                let shown = fails.prefix(6).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "；")
                return status == 2
                    ? "ODF 校验程序无法运行：\(shown.isEmpty ? output : shown)"
                    : "不符合 ODF 规范：\(shown.isEmpty ? "（校验程序未给出原因）" : shown)"
            },
            opens: { files in
                guard !files.isEmpty else { return [:] }
                let out = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
                    .appendingPathComponent("pingshen-open-\(UUID().uuidString)", isDirectory: true)
                defer { try? FileManager.default.removeItem(at: out) }
                let (status, output) = run(
                    ["bash", convert, out.path] + files.map(\.path),
                    environment: ["ODT2PDF_TIMEOUT": String(timeoutSeconds)])
                var failed: [URL: String] = [:]
                for file in files {
                    let pdf = out.appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".pdf")
                    let head = (try? FileHandle(forReadingFrom: pdf)).map { h in
                        defer { try? h.close() }
                        return (try? h.read(upToCount: 5)) ?? Data()
                    }
                    if head != Data("%PDF-".utf8) {
                        failed[file] =
                            status == 2
                            ? "LibreOffice 无法运行：\(output.split(separator: "\n").first.map(String.init) ?? "")"
                            : "LibreOffice 未能打开该文档（转换失败，未得到 PDF）"
                    }
                }
                return failed
            })
    }

    /// Runs a program through `/usr/bin/env`, its output and errors together.
    static func run(_ arguments: [String], environment: [String: String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (2, "无法启动 \(arguments.first ?? "")：\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
