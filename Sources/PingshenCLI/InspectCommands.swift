import ArgumentParser
import Domain
import Forms
import Foundation
import Season
import Store
import WebApp
import Workflow

/// `pingshen history ID`: an application's (or any stream's) event history.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Print a stream's events: when, who, what, and the hash chain.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Stream kind: application, session, certificate, check, unit, person.") var kind = "application"
    @Flag(help: "Print each event's JSON payload.") var payload = false
    @Argument(help: "The stream id, e.g. A2026-00001.") var id: String

    func run() throws {
        let store = try database.open()
        let events = try store.events(kind: kind, id: id)
        guard !events.isEmpty else { throw CLIError("未找到记录 \(kind)/\(id)") }
        if kind == ApplicationMachine.kind, let state = try store.load(ApplicationMachine.self, id: id)?.state {
            let p = state.profile
            print(
                "申报 \(id): \(p?.series.chinese ?? "") \(p?.level.chinese ?? "") \(p?.track.chinese ?? "") — 当前状态: \(state.stage.chinese)"
            )
        }
        for e in events {
            print("\(e.version)\t\(e.recordedAt)\t\(e.type)\t\(e.actorRole)/\(e.actorID)\t\(e.hash.prefix(12))")
            if payload { print("\t\(e.payload)") }
        }
    }
}

/// `pingshen tally SESSION`: a session's attendance and counts (never who voted what).
struct TallyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally", abstract: "Print a committee session's experts, attendance and per-candidate counts.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var rules: RulesOptions
    @Argument(help: "The session id, e.g. S2026-R1-001.") var id: String

    func run() throws {
        let store = try database.open()
        guard let s = try store.load(CommitteeSessionMachine.self, id: id)?.state, let plan = s.plan else {
            throw CLIError("未找到评审会议 \(id)")
        }
        let pass = try rules.load().policy.committee.pass
        print("评审会议 \(id)(\(plan.committeeID)),\(plan.date.chinese),状态: \(s.stage.chinese)")
        print(
            "成员 \(plan.memberCount) 人;抽取 \(s.drawn.count) 人(种子 \(s.seed.map(String.init) ?? "-"));出席 \(s.present.count) 人"
        )
        for r in s.recusals {
            print("回避: \(r.expertID)(\(r.reason.chinese))→ 替补 \(r.replacement?.id ?? "无")")
        }
        print("申报编号\t赞成\t反对\t弃权\t出席\t结果")
        for c in plan.candidates {
            guard let r = CommitteeSessionMachine.result(for: c.applicationID, in: s, pass: pass) else {
                print("\(c.applicationID)\t-\t-\t-\t-\t未表决")
                continue
            }
            let t = r.tally
            print("\(c.applicationID)\t\(t.yes)\t\(t.no)\t\(t.abstain)\t\(t.present)\t\(r.passed ? "通过" : "未通过")")
        }
        if let m = s.minutes { print("会议纪要: \(m)") }
    }
}

/// `pingshen status`: counts per state, for the office's queues.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Count applications, sessions, certificates … per state.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        for kind in ["application", "session", "certificate", "check", "unit", "person"] {
            for (status, count) in try store.statusCounts(kind: kind) {
                print("\(kind)\t\(DemoSeason.label(kind: kind, status: status))\t\(count)")
            }
        }
    }
}

/// `pingshen tick --date D`: the scheduler for one day. On a production database the day may
/// not be later than today (a later one would end notices and correction periods early: the
/// movable clock is only a demo's or a training/test installation's).
struct TickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Run the deadlines due on a day: lapse unanswered corrections, end finished notices, expire bans.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var rules: RulesOptions
    @Option(
        help: "The day (YYYY-MM-DD); default today in China (a demo's or test installation's: its server's clock). Not later than today on a production database."
    )
    var date: String?

    func run() throws {
        let book = try rules.load()
        let store = try database.open()
        let movable: Bool
        do {
            let demo = try store.webSetting(DemoCommand.demoMarker) != nil
            let test = try store.officeProfile()?.isTestInstallation == true
            movable = demo || test
        } catch { throw CLIError(error.chinese) }
        let today = movable ? Day(try SimulatedClock(store: store).now()) : Day(Date())
        let day: Day
        if let date {
            guard let d = Day(date) else { throw CLIError("日期格式应为 YYYY-MM-DD: \(date)") }
            guard movable || d <= today else {
                throw CLIError(
                    "正式数据库不能提前处理到期事项：--date 不能晚于今天（北京时间\(today.chinese)）；只有演示数据库和培训/测试环境的时钟可调")
            }
            day = d
        } else {
            day = today
        }
        let now = day.startInstant.addingTimeInterval(9 * 3600)
        do {
            let report = try store.runDeadlines(rules: book, now: now)
            print("\(day): \(report.changed.count) 件到期事项已处理(补正逾期、公示期满、暂停或失信记录期满)")
            for id in report.changed { print("  \(id)") }
            for (id, error) in report.skipped { print("  未处理 \(id):\(error.chinese)") }
        } catch {
            throw CLIError(error.chinese + " (\(error))")
        }
    }
}

/// `pingshen dossier ID`: an application's dossier as a reviewer reads it — who, where it
/// stands, every answer of the declaration under its form's sections, the files, the documents.
struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier", abstract: "Print an application's dossier: the declaration by section, files, documents.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms.") var formsDirectory = "forms"
    @Argument(help: "Application id.") var application: String

    func run() throws {
        let store = try database.open()
        guard let d = try store.dossier(applicationID: application) else { throw CLIError("没有申报 \(application)") }
        let forms: FormLibrary
        do { forms = try FormLibrary.load(directory: formsDirectory) } catch { throw CLIError("\(error)") }
        print("申报 \(d.applicationID)（\(d.state.stage.chinese)）：\(d.person?.name ?? "")，\(d.unit?.name ?? "")")
        guard let stored = d.declaration else {
            print("未保存申报表数据")
            return
        }
        let data: JSONValue
        do { data = try JSONValue.parse(stored.data) } catch { throw CLIError("申报数据无法读取：\(error)") }
        let form = try? forms.form(stored.formID)
        print("《\(form?.title ?? stored.formID)》\(stored.formVersion)版，第 \(d.declarations.count) 次提交，数据摘要 \(stored.dataSHA256)")
        let shown = form?.present(data) ?? DeclarationPresentation(sections: [], files: [], photo: nil)
        for section in shown.sections {
            print("\n【\(section.title)】")
            for row in section.rows {
                print("  \(row.label)：" + row.value.replacingOccurrences(of: "\n", with: "\n    "))
            }
        }
        if !shown.files.isEmpty { print("\n【附件】") }
        for f in shown.files { print("  \(f.label)：\(f.name)（\(f.format)，\(f.sizeText)）sha256 \(f.sha256)") }
        if !d.documents.isEmpty { print("\n【文书】") }
        for doc in d.documents {
            print("  \(doc.documentKind?.chinese ?? doc.kind) \(doc.subject)：\(doc.status == .rendered ? (doc.path ?? "") : doc.status.rawValue)")
        }
    }
}
