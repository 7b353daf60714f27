import Domain
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// Experts' accounts from the pool on a database the demo did not make: the administrator
/// issues an account in advance (a one-time code handed over), the expert sets a password with
/// it and signs in; after a draw seats the expert, `/expert` lists the session and its
/// candidates; an expert of the pool not seated sees nothing; accounts for a session's whole
/// draw at once; a suspended expert gets no account and one whose term is over cannot sign in;
/// every issuance an event of the registry stream.
@Suite struct ExpertAccountTests {
    static let committee = "PW-GC"

    /// The office set up, an administrator `root`, two committees and a pool: E001…E016 in
    /// PW-GC, E090 suspended in PW-GC, E099 in another committee.
    static func office() async throws -> ConsoleScenario {
        let s = try await ConsoleScenario.withAdministrator()
        let head = Context(actor: ConsoleScenario.head, now: s.now.now, rules: s.rules)
        for (id, level, members) in [(committee, Level.intermediate, 15), ("PW-CJ", Level.assistant, 7)] {
            try ExpertImport.setUpCommittee(
                store: s.store, context: head,
                committee: CommitteeSetUp(
                    id: id, name: "焦作市工程系列\(level.chinese)评审委员会", series: .engineering, level: level,
                    jurisdiction: "city", scope: "按系列", memberCount: members, termStart: Day(year: 2026, month: 1, day: 1)!,
                    termEnd: Day(year: 2028, month: 12, day: 31)!, decisionNumber: "焦职改〔2026〕\(members)号"))
        }
        var rows = PoolTests.rows(16)
        var suspended = rows[1]
        suspended[0] = "E090"
        suspended[9] = "暂停"
        var other = rows[2]
        other[0] = "E099"
        other[1] = "别会专家"
        other[6] = "PW-CJ"
        rows += [suspended, other]
        let csv = rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        guard case .success(let entries) = try ExpertImport.parse(Array(csv.utf8), store: s.store) else {
            Issue.record("the pool did not parse")
            return s
        }
        try ExpertImport.importExperts(
            store: s.store, context: Context(actor: ConsoleScenario.clerk, now: s.now.now, rules: s.rules),
            entries: entries, source: "测试")
        return s
    }

    static func code(_ page: TestBrowser.Page, username: String) -> String? {
        page.body.firstMatch(of: try! Regex("<td>\(username)</td><td><strong>([A-Z2-9]{12})</strong>")).map {
            String($0.output[1].substring ?? "")
        }
    }

    @Test func anExpertIssuedAnAccountSeesTheSessionOnceDrawn() async throws {
        let s = try await Self.office()
        try s.drive("A-1", to: .accepted)
        let candidate = try #require(try s.store.person("P-A-1")).name
        try await s.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            let pool = try await admin.get("/admin/experts")
            #expect(try xmllintProblems(pool.body) == "")
            #expect(pool.body.contains("未发放"))

            // The clerk keeps the pool but issues no accounts.
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let clerkPool = try await clerk.get("/admin/experts")
            #expect(!clerkPool.body.contains("发放账户"))
            let refused = try await clerk.post("/admin/experts/accounts", [("expert", "E001"), ("reason", "试试")])
            #expect(refused.status == .forbidden)

            // In advance: E001 and E099 (another committee); E090 is suspended.
            var codes: [String: String] = [:]
            for id in ["E001", "E099"] {
                _ = try await admin.get("/admin/experts")
                let issued = try await admin.post("/admin/experts/accounts", [("expert", id), ("reason", "提前发放专家账户")])
                #expect(issued.status == .ok)
                #expect(try xmllintProblems(issued.body) == "")
                codes[id] = try #require(Self.code(issued, username: id), "\(issued.body)")
            }
            _ = try await admin.get("/admin/experts")
            let suspended = try await admin.post("/admin/experts/accounts", [("expert", "E090"), ("reason", "提前发放")])
            #expect(suspended.status == .conflict)
            #expect(suspended.body.contains("状态为“暂停”，不能使用账户"))
            #expect(try s.store.account(username: "E090") == nil)

            // The account cannot be signed in to before the code sets a password.
            var expert = TestBrowser(client)
            #expect(try await expert.signIn("E001", ConsoleScenario.password).status == .unauthorized)
            _ = try await expert.get("/password-reset")
            let set = try await expert.post(
                "/password-reset", [("username", "E001"), ("code", codes["E001"]!), ("password", "Expert2026pw")])
            #expect(set.status == .seeOther)
            #expect(try await expert.signIn("E001", "Expert2026pw").status == .seeOther)
            let before = try await expert.get("/expert")
            #expect(before.status == .ok)
            #expect(before.body.contains("目前没有需要您参加的评审会议"))

            var outsider = TestBrowser(client)
            _ = try await outsider.get("/password-reset")
            _ = try await outsider.post(
                "/password-reset", [("username", "E099"), ("code", codes["E099"]!), ("password", "Other2026pw")])
            #expect(try await outsider.signIn("E099", "Other2026pw").status == .seeOther)

            // A session of PW-GC for A-1, drawn by the clerk from the pool (all 16 in term, not E090).
            let plan = SessionPlan(
                sessionID: "S-2026-01", committeeID: Self.committee, series: .engineering, level: .intermediate,
                memberCount: 15, candidates: [SessionCandidate(applicationID: "A-1", unitID: "U-1")], date: s.now.today)
            try s.store.write { tx in
                try tx.execute(
                    ApplicationMachine.self, id: "A-1", .assignToSession(sessionID: "S-2026-01"),
                    context: Context(actor: ConsoleScenario.secretary, now: s.now.now, rules: s.rules))
                try tx.execute(
                    CommitteeSessionMachine.self, id: "S-2026-01", .plan(plan),
                    context: Context(actor: ConsoleScenario.secretary, now: s.now.now, rules: s.rules))
            }
            _ = try await clerk.get("/committee/sessions/S-2026-01")
            let drawn = try await clerk.post("/committee/sessions/S-2026-01/draw", [("version", "1"), ("needed", "15")])
            #expect(drawn.status == .seeOther, "\(drawn.body)")
            let state = try #require(try s.store.load(CommitteeSessionMachine.self, id: "S-2026-01")).state
            #expect(state.drawn.count == 16 && !state.drawn.contains { $0.id == "E090" })

            // E001, drawn, sees the session and, when a member, the candidate.
            let home = try await expert.get("/expert")
            #expect(home.body.contains("S-2026-01"), "\(home.body)")
            let page = try await expert.get("/expert/sessions/S-2026-01")
            #expect(page.status == .ok)
            if state.members.contains(where: { $0.id == "E001" }) {
                #expect(page.body.contains(candidate))
            } else {
                #expect(page.body.contains("您是本次会议的备选专家"), "\(page.body)")  // what the page says to an alternate
            }
            // E099, not seated, sees nothing of it.
            #expect(try await outsider.get("/expert").body.contains("目前没有需要您参加的评审会议"))
            #expect(try await outsider.get("/expert/sessions/S-2026-01").status == .notFound)

            // The whole draw at once: the 15 others get accounts, E001 is left out (has one).
            let withSession = try await admin.get("/admin/experts")
            #expect(withSession.body.contains("S-2026-01"))
            let batch = try await admin.post(
                "/admin/experts/accounts", [("session", "S-2026-01"), ("reason", "评审会议抽取专家")])
            #expect(batch.status == .ok)
            #expect(try xmllintProblems(batch.body) == "")
            #expect(batch.body.contains("已有账户 E001"))
            let others = state.drawn.map(\.id).filter { $0 != "E001" }
            #expect(others.allSatisfy { Self.code(batch, username: $0) != nil })
            let member = try #require(state.members.first { $0.id != "E001" }).id
            var seated = TestBrowser(client)
            _ = try await seated.get("/password-reset")
            _ = try await seated.post(
                "/password-reset",
                [("username", member), ("code", Self.code(batch, username: member)!), ("password", "Seated2026pw")])
            #expect(try await seated.signIn(member, "Seated2026pw").status == .seeOther)
            #expect(try await seated.get("/expert/sessions/S-2026-01").body.contains(candidate))

            // Every issuance is an event of the registry stream, by the administrator.
            let log = try s.store.history(CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID)
            let issued = log.filter { $0.event.name == "expertAccountIssued" }
            #expect(issued.count == 17)
            #expect(issued.allSatisfy { $0.stored.actorRole == Role.administrator.rawValue })
            #expect(try s.store.audit().isIntact)

            // After the term: no sign-in.
            s.now.set(Day(year: 2029, month: 1, day: 2)!)
            var late = TestBrowser(client)
            let lateAnswer = try await late.signIn("E001", "Expert2026pw")
            #expect(lateAnswer.status == .forbidden)
            #expect(lateAnswer.body.contains("聘期已于2028-12-31结束"))
            #expect(try await expert.get("/expert").status == .conflict)
        }
    }
}
