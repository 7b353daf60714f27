import ArgumentParser
import Domain
import Forms
import Foundation
import Issuance
import Store
import WebApp
import Workflow

/// What every workflow step from the command line takes: the database, the acting account
/// (`--as`, from the accounts table: the step runs as that account's actor and the machines
/// check its role), the day (`--on`, on a demo database only), where documents go, and the
/// output format.
struct StepOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var rules: RulesOptions
    @Option(name: .customLong("as"), help: "The account acting (a user name of the accounts table).")
    var username: String
    @Option(
        name: .customLong("on"),
        help: "The day of the step (YYYY-MM-DD, 09:00 Beijing time); only on a demo database — otherwise today.")
    var on: String?
    @Option(
        name: .customLong("data-dir"),
        help: "Folder the queued documents are rendered into (DIR/documents) and uploads are read from (default: the database's folder).")
    var dataDirectory: String?
    @Option(name: .customLong("templates-dir"), help: "Folder with the office's document templates.")
    var templatesDirectory = "templates"
    @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms.") var formsDirectory = "forms"
    @Flag(help: "One JSON object per item on standard output (item, ok, message, rule, documents).") var json = false
}

/// The application (or other) ids a batch step acts on: arguments and/or `--from-file`.
struct StepTargets: ParsableArguments {
    @Argument(help: "Application ids.") var ids: [String] = []
    @Option(name: .customLong("from-file"), help: "A file with one id per line (blank lines and # comments skipped).")
    var fromFile: String?

    func list() throws -> [String] {
        var all = ids
        if let fromFile {
            guard let data = FileManager.default.contents(atPath: fromFile) else {
                throw CLIError("无法读取文件 \(fromFile)（--from-file）")
            }
            all += String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        guard !all.isEmpty else { throw CLIError("请给出至少一个编号（参数或 --from-file）") }
        return all
    }
}

/// Runs steps as the `--as` account: each item its own transaction through the store (a
/// refusal writes nothing), the documents the step queued rendered at once by `Issuance`'s
/// `DocumentDesk` as the web does, one line of output per item, exit 1 when any item failed.
final class StepRunner {
    let store: EventStore
    let account: Account
    let rules: Rulebook
    let now: Date
    let dataDirectory: URL
    let json: Bool
    /// Whether the day was given with `--on` (a demo database).
    let dated: Bool
    let desk: DocumentDesk
    private(set) var failed = 0
    private(set) var done = 0

    init(_ options: StepOptions) throws {
        store = try options.database.open()
        rules = try options.rules.load()
        json = options.json
        dated = options.on != nil
        guard let account = try store.account(username: options.username), !account.disabled else {
            throw CLIError("没有可用的账户“\(options.username)”（--as）：账户不存在或已停用")
        }
        self.account = account
        let demo = try store.webSetting(DemoCommand.demoMarker) != nil
        if let on = options.on {
            guard let day = Day(on) else { throw CLIError("办理日期（--on）应为 YYYY-MM-DD 格式的日期：\(on)") }
            guard demo else {
                throw CLIError(
                    "正式数据库不能指定办理日期（--on）：办理日期为今天（北京时间\(Day(Date()).chinese)）；--on 只用于演示数据库")
            }
            now = day.startInstant.addingTimeInterval(9 * 3600)
        } else if try demo || store.officeProfile()?.isTestInstallation == true {
            // The server's clock: a demo's, or a training/test installation's (`init --test-clock`).
            now = try SimulatedClock(store: store).now()
        } else {
            now = Date()
        }
        // An expert suspended in the pool or out of term acts no more (as at sign-in on the web).
        if let refusal = try ExpertAccountActions.refusal(for: account, store: store, today: Day(now)) {
            throw CLIError("账户“\(options.username)”不能办理：\(refusal.message)（规则 \(refusal.rule)）")
        }
        dataDirectory = URL(
            fileURLWithPath: options.dataDirectory
                ?? URL(fileURLWithPath: options.database.path).deletingLastPathComponent().path, isDirectory: true)
        let forms: FormLibrary
        do { forms = try FormLibrary.load(directory: options.formsDirectory) } catch {
            throw CLIError("无法读取申报表定义 \(options.formsDirectory)（可用 --forms-dir 指定）：\(error)")
        }
        desk = DocumentDesk(
            store: store, rules: rules, forms: forms, templatesDirectory: options.templatesDirectory,
            outputDirectory: dataDirectory.appendingPathComponent("documents"),
            attachments: AttachmentFolder(root: dataDirectory.appendingPathComponent("uploads")))
    }

    /// The workflow context of every step of this run.
    var context: Context { Context(actor: account.actor, now: now, rules: rules) }
    var today: Day { Day(now) }

    /// With `--on`, a step dated before the last step on one of `streams` is refused: the
    /// demo's history runs forward, as its clock does.
    func dateRefusal(_ streams: [(machine: any Machine.Type, id: String)]) throws -> Refusal? {
        guard dated else { return nil }
        for (machine, id) in streams {
            guard let last = try lastDay(machine, id) else { continue }
            if last > today {
                return Refusal(
                    rule: "demo.date-before-history",
                    message: "办理日期（--on）\(today.chinese)早于\(id)最后一次办理的日期\(last.chinese)，演示中的日期不能倒退")
            }
        }
        return nil
    }

    /// The day of the last event of stream `id`, nil when there is none.
    func lastDay<M: Machine>(_ machine: M.Type, _ id: String) throws -> Day? {
        guard let version = try store.load(machine, id: id)?.version,
            let event = try store.event(kind: M.kind, id: id, version: version)
        else { return nil }
        return Timestamp.parse(event.recordedAt).map { Day($0) }
    }

    /// One item in one transaction: `body` runs inside it, `message` says what was done; the
    /// documents it queued are rendered and named in the item's line. With `--on`, refused when
    /// dated before the last step on one of `streams` (`dateRefusal`). - Returns: the body's
    /// value, nil when refused (the refusal is printed).
    @discardableResult
    func step<T>(
        _ item: String, streams: [(machine: any Machine.Type, id: String)] = [], _ body: (StoreTransaction, Context) throws -> T,
        message: (T) -> String
    ) async -> T? {
        let before = Set(((try? store.documents(status: .pending)) ?? []).map(\.id))
        let context = context
        do {
            if let refusal = try dateRefusal(streams) { throw refusal }
            let value = try store.write { tx in try body(tx, context) }
            let queued = ((try? store.documents(status: .pending)) ?? []).map(\.id).filter { !before.contains($0) }
            await desk.issuePending()
            let documents = queued.compactMap { try? store.document(id: $0) }
            report(item, ok: true, message: message(value), rule: nil, documents: documents)
            done += 1
            return value
        } catch {
            let (rule, text) = Self.explain(error)
            report(item, ok: false, message: text, rule: rule, documents: [])
            failed += 1
            return nil
        }
    }

    /// Each item its own transaction.
    func each(
        _ items: [String], _ body: (StoreTransaction, Context, String) throws -> Void, message: (String) -> String
    ) async {
        for item in items {
            await step(
                item, streams: [(ApplicationMachine.self, item)], { tx, ctx in try body(tx, ctx, item) },
                message: { message(item) })
        }
    }

    /// The rule id and Chinese message of a failed step.
    static func explain(_ error: any Error) -> (rule: String?, message: String) {
        switch error {
        case StoreError.refused(let refusal): (refusal.rule, refusal.message)
        case let refusal as Refusal: (refusal.rule, refusal.message)
        case let error as StoreError: ("store", error.chinese)
        case let error as CLIError: (nil, error.description)
        default: (nil, "\(error)")
        }
    }

    func report(_ item: String, ok: Bool, message: String, rule: String?, documents: [StoredDocument]) {
        let files = documents.map { d -> (kind: String, path: String) in
            let name = d.documentKind?.chinese ?? d.kind
            guard let path = d.path, d.status == .rendered else { return (name, "") }
            return (name, dataDirectory.appendingPathComponent("documents").appendingPathComponent(path).path)
        }
        if json {
            var object: [String: JSONValue] = [
                "item": .string(item), "ok": .bool(ok), "message": .string(sentence(message)),
                "documents": .array(files.map { .object(["kind": .string($0.kind), "path": .string($0.path)]) }),
            ]
            if let rule { object["rule"] = .string(rule) }
            print(JSONValue.object(object).canonical)
            return
        }
        guard ok else {
            print("\(item)：未办理。\(sentence(message))" + (rule.map { "（规则 \($0)）" } ?? ""))
            return
        }
        var line = "\(item)：\(sentence(message))"
        if !files.isEmpty {
            line += "生成文书：" + files.map { $0.path.isEmpty ? "\($0.kind)（未生成）" : "\($0.kind) \($0.path)" }
                .joined(separator: "；")
        }
        print(line)
    }

    /// Ends the run: a summary line for a batch (text output), exit 1 when any item failed.
    func finish(batch: Bool) throws {
        if batch, !json { print("共\(done + failed)件：办理\(done)件，未办理\(failed)件") }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `text` as a Chinese sentence: ASCII punctuation in full width (`ChineseText`, as the web's
/// pages show messages), ending in 。 unless it ends in other closing punctuation.
func sentence(_ text: String) -> String {
    let text = ChineseText.fullWidth(text)
    guard let last = text.last, !"。！？；）".contains(last) else { return text }
    return text + "。"
}
