import Domain
import Forms
import Foundation
import Store
import Testing
import Workflow

/// Every office step from the command line (`pingshen unit|office|session|posthoc`,
/// `certificate issue`), each as a named account of the accounts table on a day (`--on`, a
/// demo-marked database): two applications from submission through the unit, the office, a
/// committee session with the experts' ballots, the notice, confirmation, the certificate and
/// a post-hoc finding that revokes it and suspends the unit — and a refusal, a
/// re-examination. The output, the stored state and the rendered documents are checked.
@Suite(.serialized) struct StepCommandTests {
    static let submitted = Day("2026-03-02")!

    struct Office {
        var dir: String
        var db: String
        var rules: Rulebook
        var unitID: String
        var personB: String
        /// A field of the engineering form (id and label) for the correction.
        var field: (id: String, label: String)

        func run(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments + ["--db", db])
        }
        func store() throws -> EventStore { try EventStore(path: db) }
        func application(_ id: String) throws -> ApplicationState {
            try #require(try store().load(ApplicationMachine.self, id: id)).state
        }
        func documentExists(_ kind: DocumentKind, _ subject: String) -> Bool {
            FileManager.default.fileExists(
                atPath: "\(dir)/documents/\(kind.rawValue)/\(subject).odt")
        }
    }

    /// An office from `pingshen init` (signing keys included), marked as a demo database (so
    /// `--on` is allowed); two generated engineering declarations of one unit applied with
    /// `pingshen apply`; a 7-member committee and 15 experts through `committee add` and
    /// `experts import`; accounts for the unit's HR, a clerk, the head, the secretary and every
    /// expert.
    static func office() throws -> Office {
        let (dir, db) = try ExpertsCommandTests.setUp()
        let library = try FormLibrary.load(directory: CLI.root.appendingPathComponent("forms").path)
        let form = try library.form("engineering")
        let code = CreditCode.completing("91410800MA44T9001")!
        var people: [String] = []
        for (i, id) in ["A2026-00001", "A2026-00002", "A2026-00003", "A2026-00004"].enumerated() {
            let resident = ResidentID.make(region: "410802", birth: Day("1986-04-0\(i + 1)")!, sequence: 300 + i)
            let g = DeclarationGenerator.declaration(
                form: form, level: .intermediate, track: .normal,
                applicant: .init(
                    name: ["王敏", "赵强", "孙丽", "周涛"][i], residentID: resident, unitName: "焦作市精工机械有限公司", creditCode: code,
                    unitKind: "private-enterprise"),
                on: submitted, seed: UInt64(40 + i))
            let file = "\(dir)/\(id).json"
            try Data(g.data.pretty.utf8).write(to: URL(fileURLWithPath: file))
            let uploads = AttachmentFolder(root: URL(fileURLWithPath: dir + "/uploads"))
            for bytes in g.files.values { try uploads.write(bytes) }
            let r = try CLI.run([
                "apply", "--db", db, "--form", "engineering", "--data", file, "--application", id, "--date",
                submitted.description,
            ])
            #expect(r.status == 0, "apply \(id): \(r.stdout) \(r.stderr)")
            people.append("P-" + resident.value)
        }
        let committee = try CLI.run([
            "committee", "add", "--db", db, "--as", "root", "--id", "PW-JX", "--name", "焦作市机械工程专业中级评审委员会",
            "--series", "engineering", "--level", "intermediate", "--scope", "机械工程", "--members", "7",
            "--term-start", "2026-01-01", "--term-end", "2028-12-31", "--decision", "焦职改〔2026〕5号",
        ])
        #expect(committee.status == 0, "\(committee.stderr)")
        var csv = [ExpertsCommandTests.header.joined(separator: ",")]
        for i in 1...15 {
            csv.append(
                [
                    "E\(String(format: "%03d", i))", "专家\(i)号", CreditCode.completing("12410800MB\(String(format: "%07d", i))")!,
                    "焦作市第\(i)研究院", "正高级工程师", "机械工程", "PW-JX", "2026-01-01", "2028-12-31", i == 15 ? "暂停" : "在库",
                ].joined(separator: ","))
        }
        try Data(csv.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/experts.csv"))
        let imported = try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", dir + "/experts.csv"])
        #expect(imported.status == 0, "\(imported.stderr)")

        let store = try EventStore(path: db)
        try store.setWebSetting("demo_season", "step command tests")
        let unitID = try #require(try store.load(ApplicationMachine.self, id: "A2026-00001")?.state.profile?.unitID)
        var accounts = [
            NewAccount(username: "hr", passwordHash: "-", role: .unitHR, displayName: "精工机械人事处", unitID: unitID),
            NewAccount(username: "clerk", passwordHash: "-", role: .officeClerk, displayName: "经办人"),
            NewAccount(username: "head", passwordHash: "-", role: .officeHead, displayName: "负责人"),
            NewAccount(username: "secretary", passwordHash: "-", role: .committeeSecretary, displayName: "评委会秘书"),
        ]
        for i in 1...15 {
            let id = "E\(String(format: "%03d", i))"
            accounts.append(
                NewAccount(username: id.lowercased(), passwordHash: "-", role: .expert, displayName: "专家\(i)号", expertID: id))
        }
        for a in accounts { _ = try store.insertAccount(a, now: Date()) }
        let rules = try Rulebook.load(directory: CLI.root.appendingPathComponent("policy").path)
        let field = try #require(form.fields.first { if case .attachment = $0.type { true } else { false } })
        return Office(
            dir: dir, db: db, rules: rules, unitID: unitID, personB: people[1], field: (field.id, field.label))
    }

    @Test func anApplicationFromTheUnitToACertificateAndItsRevocation() throws {
        let o = try Self.office()
        let a = "A2026-00001"
        let b = "A2026-00002"
        let day0 = Self.submitted

        // The unit: the notice of both (a batch: one line each and a summary).
        let c = "A2026-00003"
        let d = "A2026-00004"
        let notice = try o.run(["unit", "notice", a, b, c, d, "--as", "hr", "--on", day0.description])
        #expect(notice.status == 0, "\(notice.stdout)\(notice.stderr)")
        #expect(notice.stdout.contains("\(a)：已开始单位公示。") && notice.stdout.contains("\(b)：已开始单位公示。"))
        #expect(notice.stdout.contains("共4件：办理4件，未办理0件"))
        let returned = try o.run(["unit", "return", d, "--as", "hr", "--on", day0.description, "--reason", "缺少业绩证明原件"])
        #expect(returned.status == 0 && returned.stdout.contains("\(d)：已退回申报人。"), "\(returned.stdout)")
        #expect(try o.run(["unit", "return", d, "--as", "hr"]).stderr.contains("请填写退回理由（--reason）"))
        // Recommending the same day: the machine's refusal, nothing written, exit 1.
        let early = try o.run(["unit", "recommend", a, "--as", "hr", "--on", day0.description])
        #expect(early.status == 1)
        #expect(early.stdout.contains("\(a)：未办理。") && early.stdout.contains("工作日"), "\(early.stdout)")
        #expect(try o.application(a).stage == .unitNotice)
        let recommendDay = try o.rules.calendar.adding(workingDays: o.rules.policy.unitNoticeWorkingDays, to: day0)
        let ids = o.dir + "/ids.txt"
        try "# three\n\(a)\n\n\(b)\n\(c)\n".write(toFile: ids, atomically: true, encoding: .utf8)
        let recommended = try o.run(
            ["unit", "recommend", "--from-file", ids, "--as", "hr", "--on", recommendDay.description])
        #expect(recommended.status == 0, "\(recommended.stdout)")
        #expect(try o.application(b).stage == .qualificationReview)

        // The office: a unit account cannot accept (the machine checks the named account's role).
        let byUnit = try o.run(["office", "accept", a, "--as", "hr", "--on", recommendDay.description])
        #expect(byUnit.status == 1)
        #expect(byUnit.stdout.contains("\(a)：未办理。"), "\(byUnit.stdout)")
        #expect(byUnit.stdout.contains("只能由职改办经办人办理，当前身份为") && byUnit.stdout.contains("（规则 application.role-not-allowed）"))
        #expect(try o.application(a).stage == .qualificationReview)
        // A batch with an unknown id: the known one is accepted (its own transaction), JSON lines.
        let accepted = try o.run(
            ["office", "accept", a, "A2026-99999", "--as", "clerk", "--on", recommendDay.description, "--json"])
        #expect(accepted.status == 1)
        let lines = accepted.stdout.split(separator: "\n").map {
            (try? JSONValue.parse(Data($0.utf8))) ?? .null
        }
        #expect(lines.count == 2)
        #expect(lines.first?["ok"] == .bool(true) && lines.first?["item"] == .string(a))
        #expect(lines.last?["ok"] == .bool(false) && lines.last?["rule"] == .string("application.unknown"))
        #expect(accepted.stdout.contains("受理通知书"))
        #expect(try o.application(a).stage == .accepted)
        #expect(o.documentExists(.acceptanceNotice, a), "the acceptance notice rendered into DIR/documents")
        // A demo's history runs forward: a step dated before the application's last is refused.
        let backwards = try o.run(["office", "refuse", a, "--as", "clerk", "--on", day0.description, "--reason", "x"])
        #expect(backwards.status == 1 && backwards.stdout.contains("（规则 demo.date-before-history）"), "\(backwards.stdout)")
        #expect(backwards.stdout.contains("演示中的日期不能倒退"))
        let refused = try o.run([
            "office", "refuse", b, "--as", "clerk", "--on", recommendDay.description, "--reason", "业绩成果不符合申报条件",
        ])
        #expect(refused.status == 0, "\(refused.stdout)")
        #expect(refused.stdout.contains("\(b)：已作出不予受理决定。生成文书："))
        // A one-time correction names the form's fields by id; an unknown one is refused.
        let unknownField = try o.run(
            ["office", "correct", c, "--as", "clerk", "--on", recommendDay.description, "--field", "no_such_field"])
        #expect(unknownField.status == 1 && unknownField.stdout.contains("申报表中没有字段no_such_field"))
        let corrected = try o.run([
            "office", "correct", c, "--as", "clerk", "--on", recommendDay.description, "--field", o.field.id, "--item",
            "单位盖章的推荐意见",
        ])
        #expect(corrected.status == 0, "\(corrected.stdout)")
        #expect(corrected.stdout.contains("已一次性告知补正：附件：\(o.field.label)、单位盖章的推荐意见"))
        #expect(try o.application(c).stage == .correction)

        // Re-examination: the applicant asks (through the store, as the applicant), the head decides.
        let asked = recommendDay.adding(days: 1)
        try o.store().execute(
            ApplicationMachine.self, id: b, .requestReexamination(reason: "业绩成果已达到条件"),
            context: Context(
                actor: Actor(id: "applicant", role: .applicant, personID: o.personB),
                now: asked.startInstant.addingTimeInterval(10 * 3600), rules: o.rules))
        let reexamined = try o.run([
            "office", "reexamine", b, "--as", "head", "--on", asked.description, "--outcome", "upheld", "--finding",
            "经复查，原决定正确",
        ])
        #expect(reexamined.status == 0, "\(reexamined.stdout)")
        #expect(reexamined.stdout.contains("已作出复查决定"))

        // The committee session.
        let sessionDay = try o.rules.calendar.adding(workingDays: 2, to: recommendDay)
        let on = ["--on", sessionDay.description]
        let planned = try o.run(
            ["session", "plan", a, "--as", "secretary", "--committee", "PW-JX", "--venue", "市人社局第一会议室"] + on)
        #expect(planned.status == 0, "\(planned.stdout)")
        let session = try #require(planned.stdout.firstMatch(of: #/S2026-\d{3}/#).map { String($0.output) })
        let drawn = try o.run(["session", "draw", session, "--as", "secretary"] + on)
        #expect(drawn.status == 0 && drawn.stdout.contains("已抽取评审专家"), "\(drawn.stdout)")
        let seated = try #require(try o.store().load(CommitteeSessionMachine.self, id: session)).state.members.map(\.id)
        let recused = try o.run(
            ["session", "recuse", session, "--as", "clerk", "--expert", seated[0], "--note", "与申报人系同事"] + on)
        #expect(recused.status == 0 && recused.stdout.contains("专家 \(seated[0]) 已回避"), "\(recused.stdout)")
        let members = try #require(try o.store().load(CommitteeSessionMachine.self, id: session)).state.members.map(\.id)
        #expect(members.count == 7 && !members.contains(seated[0]))
        let convened = try o.run(
            ["session", "attend", session, "--as", "secretary", "--present", members.joined(separator: ",")] + on)
        #expect(convened.status == 0, "\(convened.stdout)")
        let notExpert = try o.run(["session", "vote", session, "--as", "hr", "--application", a, "--choice", "yes"] + on)
        #expect(notExpert.status != 0 && notExpert.stderr.contains("不是评审专家账户"))
        let suspended = try o.run(["session", "vote", session, "--as", "e015", "--application", a, "--choice", "no"] + on)
        #expect(suspended.status != 0 && suspended.stderr.contains("账户“e015”不能办理"), "\(suspended.stderr)")
        let early2 = try o.run(["session", "count", session, "--as", "secretary"] + on)
        #expect(early2.status == 1 && early2.stdout.contains("未收齐"), "\(early2.stdout)")
        for (i, expert) in members.enumerated() {
            let v = try o.run(
                ["session", "vote", session, "--as", expert.lowercased(), "--application", a, "--choice",
                 i == 0 ? "abstain" : "yes"] + on)
            #expect(v.status == 0, "\(v.stdout)")
        }
        let counted = try o.run(["session", "count", session, "--as", "secretary"] + on)
        #expect(counted.stdout.contains("\(a) 赞成6、反对0、弃权1，通过"), "\(counted.stdout)")
        let closed = try o.run(["session", "close", session, "--as", "secretary", "--minutes", "会议依法进行。"] + on)
        #expect(closed.status == 0, "\(closed.stdout)")
        #expect(closed.stdout.contains("会议纪要") && closed.stdout.contains("投票记录"), "\(closed.stdout)")
        #expect(try o.application(a).stage == .passed)

        // Public notice, its end, confirmation (the head only), the certificate.
        let noticed = try o.run(["office", "notice", a, "--as", "clerk"] + on)
        #expect(noticed.status == 0 && noticed.stdout.contains("批次 N2026-01"), "\(noticed.stdout)")
        let objected = try o.run(["office", "object", a, "--as", "clerk", "--summary", "论文署名存疑"] + on)
        #expect(objected.status == 0, "\(objected.stdout)")
        #expect(try o.application(a).stage == .investigation)
        let resolved = try o.run([
            "office", "resolve", a, "--as", "head", "--objection", "O-\(a)-1", "--finding", "经调查，署名属实",
        ] + on)
        #expect(resolved.status == 0 && resolved.stdout.contains("异议调查结论已登记"), "\(resolved.stdout)")
        let end = try #require(try o.application(a).notice?.end).adding(days: 1)
        let concluded = try o.run(["office", "conclude", a, "--as", "clerk", "--on", end.description])
        #expect(concluded.status == 0, "\(concluded.stdout)")
        let byClerk = try o.run(["office", "confirm", a, "--as", "clerk", "--on", end.description])
        #expect(byClerk.status == 1 && byClerk.stdout.contains("当前身份为职改办经办人"), "\(byClerk.stdout)")
        let confirmed = try o.run(["office", "confirm", a, "--as", "head", "--on", end.description])
        #expect(confirmed.status == 0, "\(confirmed.stdout)")
        let number = try #require(try o.application(a).documentNumber)
        #expect(confirmed.stdout.contains("文号 \(number)"))
        let issued = try o.run(["certificate", "issue", "--decision", number, "--as", "clerk", "--on", end.description])
        #expect(issued.status == 0, "\(issued.stdout)\(issued.stderr)")
        let certificate = try #require(try o.application(a).certificateNumber)
        #expect(issued.stdout.contains("已颁发证书 \(certificate)"))
        #expect(o.documentExists(.certificate, certificate))
        let details = try #require(try o.store().load(CertificateMachine.self, id: certificate)?.state.details)
        #expect(try CLI.run(["certificate", "verify", certificate, details.verificationCode, "--db", o.db]).status == 0)

        // A post-hoc finding: the certificate revoked, the person recorded, the unit suspended.
        let archived = try o.run(["office", "archive", a, "--as", "clerk", "--on", end.description])
        #expect(archived.status == 0, "\(archived.stdout)")
        #expect(try o.application(a).stage == .archived)
        let later = end.adding(days: 30)
        let sampled = try o.run(
            ["posthoc", "sample", "--as", "clerk", "--percent", "100", "--seed", "7", "--on", later.description])
        #expect(sampled.status == 0 && sampled.stdout.contains("从1件已发证申报中抽取1件（100%，种子 7）"), "\(sampled.stdout)")
        let sampledCheck = try #require(sampled.stdout.firstMatch(of: #/K2026-\d{5}/#).map { String($0.output) })
        let checked = try o.run(
            ["posthoc", "confirm", sampledCheck, "--as", "clerk", "--note", "材料属实", "--on", later.description])
        #expect(checked.status == 0 && checked.stdout.contains("核查属实，已结案"), "\(checked.stdout)")
        let opened = try o.run(["posthoc", "open", a, "--as", "clerk", "--reason", "群众举报", "--on", later.description])
        let check = try #require(opened.stdout.firstMatch(of: #/K2026-\d{5}/#).map { String($0.output) })
        let falsified = try o.run([
            "posthoc", "falsify", check, "--as", "head", "--on", later.description, "--proof", "业绩证明",
            "--details", "单位出具的项目证明系伪造", "--unit-supplied",
        ])
        #expect(falsified.status == 0, "\(falsified.stdout)")
        #expect(falsified.stdout.contains("证书已撤销") && falsified.stdout.contains("单位暂停职称评审"))
        #expect(try CLI.run(["certificate", "verify", certificate, details.verificationCode, "--db", o.db]).status == 2)
        let standing = try #require(try o.store().load(UnitStandingMachine.self, id: o.unitID)?.state)
        #expect(UnitStandingMachine.suspendedUntil(standing) != nil)
        #expect(o.documentExists(.revocationDecision, certificate))
        // Revoked already: the office's revocation is refused, nothing written.
        let again = try o.run(["office", "revoke", a, "--as", "head", "--reason", "重复", "--on", later.description])
        #expect(again.status == 1 && again.stdout.contains("\(a)：未办理。"), "\(again.stdout)")
        #expect(try CLI.run(["audit", "verify", "--db", o.db]).status == 0)
    }

    @Test func theDateIsTodayOnAProductionDatabaseAndTheAccountMustExist() throws {
        let (_, db) = try ExpertsCommandTests.setUp()
        let dated = try CLI.run(["office", "accept", "A-1", "--db", db, "--as", "root", "--on", "2026-09-18"])
        #expect(dated.status != 0)
        #expect(dated.stderr.contains("正式数据库不能指定办理日期（--on）"), "\(dated.stderr)")
        let nobody = try CLI.run(["office", "accept", "A-1", "--db", db, "--as", "nobody"])
        #expect(nobody.status != 0 && nobody.stderr.contains("没有可用的账户“nobody”"), "\(nobody.stderr)")
        let events = try CLI.sqlite(db, "SELECT COUNT(*) FROM events")
        // The administrator is no clerk: refused by the machine, nothing written.
        let admin = try CLI.run(["office", "accept", "A-1", "--db", db, "--as", "root"])
        #expect(admin.status == 1 && admin.stdout.contains("A-1：未办理。"))
        #expect(try CLI.sqlite(db, "SELECT COUNT(*) FROM events") == events)
    }
}
