import ArgumentParser
import Documents
import Foundation

/// `pingshen render`: one document from a template and JSON data, or a batch from JSON Lines.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a document template (ODT or HTML) with JSON data, or a batch from JSON Lines.",
        discussion: """
            One document:  pingshen render --template certificate --data D.json --out F.odt|F.html
            A batch:       pingshen render --template certificate --records R.jsonl --out-dir DIR [--threads 2]
            --template is a name in --templates-dir (templates/NAME.odt|.html) or a path to a .odt/.html file.
            """)

    @Option(help: "Template name in --templates-dir, or a path to a .odt/.html file.") var template: String
    @Option(name: .customLong("templates-dir"), help: "Folder with the office's templates.")
    var templatesDirectory = "templates"
    @Option(help: "JSON data of one document.") var data: String?
    @Option(help: "Output file of one document (.odt or .html).") var out: String?
    @Option(help: "JSON Lines: one document per line.") var records: String?
    @Option(name: .customLong("out-dir"), help: "Output folder of a batch.") var outDir: String?
    @Option(help: "Batch output format when --template is a name: odt or html.") var format = "odt"
    @Option(name: .customLong("name-field"), help: "A field whose value names each file of a batch.")
    var nameField: String?
    @Option(help: "Rendering threads of a batch.") var threads = 2
    @Flag(help: "Allow names the data does not contain (rendered empty).") var lenient = false

    func validate() throws {
        let single = data != nil || out != nil
        let batch = records != nil || outDir != nil
        guard single != batch else {
            throw ValidationError("请指定 --data 与 --out(单份),或 --records 与 --out-dir(批量)")
        }
        if single, data == nil || out == nil { throw ValidationError("单份生成需要同时指定 --data 和 --out") }
        if batch, records == nil || outDir == nil { throw ValidationError("批量生成需要同时指定 --records 和 --out-dir") }
        if let out, DocumentFormat(fileExtension: (out as NSString).pathExtension) == nil {
            throw ValidationError("--out 须以 .odt 或 .html 结尾: \(out)")
        }
        guard DocumentFormat(rawValue: format) != nil else { throw ValidationError("--format 应为 odt 或 html") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads 应在 1 到 64 之间") }
    }

    /// The template file: a path as given, else `templates-dir/NAME.ext`.
    func templateURL(_ format: DocumentFormat) throws -> URL {
        if let given = DocumentFormat(fileExtension: (template as NSString).pathExtension) {
            guard given == format else {
                throw CLIError("模板 \(template) 是 \(given.rawValue) 格式,不能生成 \(format.rawValue)")
            }
            return URL(fileURLWithPath: template)
        }
        let url = URL(fileURLWithPath: templatesDirectory).appendingPathComponent("\(template).\(format.rawValue)")
        guard FileManager.default.fileExists(atPath: url.path) else { throw CLIError("找不到模板文件: \(url.path)") }
        return url
    }

    func run() throws {
        do {
            if let data, let out { try renderOne(data: data, out: out) } else { try renderBatch() }
        } catch let error as TemplateError {
            throw CLIError(error.chinese)
        } catch let error as JSONSyntaxError {
            throw CLIError(error.chinese)
        }
    }

    func renderOne(data: String, out: String) throws {
        let format = DocumentFormat(fileExtension: (out as NSString).pathExtension)!
        let url = try templateURL(format)
        guard let json = FileManager.default.contents(atPath: data) else { throw CLIError("无法读取数据文件: \(data)") }
        let value = try TemplateValue(json: json)
        let bytes: [UInt8]
        switch format {
        case .odt: bytes = try ODTTemplate(contentsOf: url).render(value, strict: !lenient)
        case .html:
            bytes = Array(try MustacheTemplate(contentsOf: url).renderHTMLDocument(value, strict: !lenient).utf8)
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw CLIError("无法写入: \(out)")
        }
        print("已生成 \(out)(\(bytes.count) 字节)")
    }

    func renderBatch() throws {
        let records = URL(fileURLWithPath: self.records!)
        let outDir = URL(fileURLWithPath: self.outDir!)
        let ext = (template as NSString).pathExtension
        let format = DocumentFormat(fileExtension: ext) ?? DocumentFormat(rawValue: self.format)!
        let url = try templateURL(format)
        let bar = SharedProgressBar(total: try Self.countLines(records), label: "生成文书")
        let progress: @Sendable (Int) -> Void = { bar.update($0) }
        let summary: BatchSummary
        switch format {
        case .odt:
            summary = try BatchRenderer.render(
                ODTTemplate(contentsOf: url), records: records, outputDirectory: outDir, nameField: nameField,
                threads: threads, strict: !lenient, progressEvery: 50, progress: progress)
        case .html:
            summary = try BatchRenderer.render(
                MustacheTemplate(contentsOf: url), records: records, outputDirectory: outDir, nameField: nameField,
                threads: threads, strict: !lenient, progressEvery: 50, progress: progress)
        }
        bar.finish()
        print(
            String(
                format: "生成 %d 份文书,用时 %.2f 秒,每秒 %.0f 份(%d documents, %.2f s, %.0f documents/s)", summary.documents,
                summary.seconds, summary.documentsPerSecond, summary.documents, summary.seconds,
                summary.documentsPerSecond))
        if summary.failed > 0 {
            for f in summary.failures.prefix(20) { print("  第 \(f.line) 行: \(f.chinese)") }
            throw CLIError("\(summary.failed) 份文书生成失败")
        }
    }

    /// Non-blank lines of a JSON Lines file (the progress bar's total).
    static func countLines(_ url: URL) throws -> Int {
        guard let f = fopen(url.path, "rb") else { throw CLIError("无法读取: \(url.path)") }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        var pending = false
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            for i in 0..<n {
                if buffer[i] == 0x0A {
                    if pending { lines += 1 }
                    pending = false
                } else if buffer[i] != 0x20 && buffer[i] != 0x0D && buffer[i] != 0x09 {
                    pending = true
                }
            }
        }
        return lines + (pending ? 1 : 0)
    }
}

/// A `ProgressBar` that rendering threads may update.
final class SharedProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar

    init(total: Int, label: String) { bar = ProgressBar(total: total, label: label) }

    func update(_ done: Int) {
        lock.lock()
        defer { lock.unlock() }
        bar.update(done)
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        bar.finish()
    }
}
