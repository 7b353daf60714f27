import ArgumentParser
import Documents
import Domain
import Forms
import Foundation
import Issuance
import Store

/// `pingshen documents`: the documents the workflow queued.
struct DocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Render the documents the workflow queued.",
        subcommands: [Render.self])

    /// `pingshen documents render --db PATH --out DIR`: every pending document into
    /// DIR/documents/<kind>/<name>.odt and .html.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Render every pending document of a database into DIR/documents/<kind>/ (ODT and HTML).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var rules: RulesOptions
        @Option(help: "Output folder; documents go to DIR/documents/.") var out = "out"
        @Option(name: .customLong("templates-dir"), help: "Folder with the office's templates.")
        var templatesDirectory = "templates"
        @Option(help: "Rendering threads.") var threads = 2
        @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms.") var formsDirectory = "forms"
        @Option(
            name: .customLong("uploads-dir"),
            help: "The applicants' files, content-addressed (default: the database's folder/uploads).")
        var uploadsDirectory: String?

        func run() throws {
            let store = try database.open()
            try renderQueuedDocuments(
                store: store, rules: try rules.load(), into: URL(fileURLWithPath: out), templates: templatesDirectory,
                forms: formsDirectory,
                uploads: URL(
                    fileURLWithPath: uploadsDirectory
                        ?? URL(fileURLWithPath: database.path).deletingLastPathComponent().appendingPathComponent("uploads")
                        .path),
                threads: threads)
        }
    }
}

/// Renders every pending document of `store` into `directory/documents/` with a progress bar
/// and prints the summary. `pingshen demo` calls it after the season.
@discardableResult
func renderQueuedDocuments(
    store: EventStore, rules: Rulebook, into directory: URL, templates: String = "templates", forms: String = "forms",
    uploads: URL? = nil, threads: Int = 2
) throws -> IssuanceSummary {
    let templatesURL = URL(fileURLWithPath: templates)
    guard FileManager.default.fileExists(atPath: templatesURL.appendingPathComponent("certificate.odt").path) else {
        throw CLIError("找不到文书模板目录: \(templatesURL.path)(可用 --templates-dir 指定)")
    }
    let library: FormLibrary
    do { library = try FormLibrary.load(directory: forms) } catch {
        throw CLIError("无法读取申报表定义 \(forms)(可用 --forms-dir 指定)：\(error)")
    }
    let service = DocumentService(
        store: store, rules: rules, library: TemplateLibrary(directory: templatesURL), forms: library,
        attachments: AttachmentFolder(root: uploads ?? directory.appendingPathComponent("uploads")))
    // The workflow's cached states are not read while rendering (`pingshen demo` runs this
    // right after its season).
    store.dropCachedStates()
    let target = directory.appendingPathComponent("documents")
    var bar = ProgressBar(total: 1, label: "生成文书")
    let summary: IssuanceSummary
    do {
        summary = try service.renderPending(into: target, threads: threads) { done, total in
            if bar.total != max(total, 1) { bar = ProgressBar(total: total, label: "生成文书") }
            bar.update(done)
        }
    } catch let error as IssuanceError {
        throw CLIError(error.chinese)
    } catch let error as StoreError {
        throw CLIError(error.chinese + " (\(error))")
    }
    bar.finish()
    print("文书目录 \(target.path)")
    print(summary.chinese)
    print(
        String(
            format: "%d documents, %.2f s, %.0f documents/s", summary.documents, summary.seconds,
            summary.documentsPerSecond))
    for f in summary.failures.prefix(20) { print("  失败: \(f)") }
    if summary.failed > 0 { throw CLIError("\(summary.failed) 条文书待办生成失败") }
    return summary
}
