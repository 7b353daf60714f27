import Domain
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

@testable import Store
@testable import WebApp

/// Committee sessions from the office's and the secretary's console, and the experts' secret
/// ballots: plan → draw → recusals → convene (quorum) → votes → count → close.
@Suite struct CommitteeTests {
    static let password = "Pingshen2026pw"

    /// A copy of the season stopped before its sessions, its configuration and the office accounts.
    func setUp() async throws -> (WebConfiguration, EventStore) {
        let store = try CommitteeFixture.get().copy()
        var configuration = try WebFixture.get().configuration(store: store)
        configuration.signInLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        configuration.usernameLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        for (name, role) in [
            ("secretary", Role.committeeSecretary), ("clerk", .officeClerk), ("head", .officeHead), ("hr", .unitHR),
        ] {
            _ = try store.insertAccount(
                NewAccount(username: name, passwordHash: hash, role: role, displayName: name), now: Date())
        }
        return (configuration, store)
    }

    /// An account for each expert id (username = the id in lower case).
    func addExperts(_ ids: [String], to store: EventStore) async throws {
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        for id in ids where try store.account(username: id) == nil {
            _ = try store.insertAccount(
                NewAccount(username: id, passwordHash: hash, role: .expert, displayName: "专家\(id)", expertID: id),
                now: Date())
        }
    }

    /// The committee with the fewest members among those with at least two applications waiting.
    func committeeWithCandidates(_ store: EventStore) throws -> (CommitteeRecord, [String]) {
        let accepted = try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.accepted.rawValue)
        var byCommittee: [(CommitteeRecord, [String])] = []
        for committee in try store.committees() {
            let ids = try accepted.filter { id in
                let p = try store.load(ApplicationMachine.self, id: id)?.state.profile
                return p?.series == committee.series && p?.level == committee.level
            }
            if ids.count >= 2 { byCommittee.append((committee, ids)) }
        }
        return try #require(byCommittee.min { $0.0.memberCount < $1.0.memberCount })
    }

    func session(_ store: EventStore, _ id: String) throws -> CommitteeSessionState {
        try #require(try store.load(CommitteeSessionMachine.self, id: id)?.state)
    }

    func signedIn(_ client: any TestClientProtocol, _ username: String) async throws -> TestBrowser {
        var browser = TestBrowser(client)
        let answer = try await browser.signIn(username, Self.password)
        #expect(answer.status == .seeOther, "sign-in of \(username)")
        return browser
    }

    /// GETs a page, expects 200 and well-formed XHTML.
    func page(_ browser: inout TestBrowser, _ uri: String) async throws -> String {
        let page = try await browser.get(uri)
        #expect(page.status == .ok, "\(uri): \(page.status)")
        #expect(try xmllintProblems(page.body) == "", "\(uri) is not well-formed")
        return page.body
    }

    /// Row counts of every table (to see what a step wrote).
    func rowCounts(_ store: EventStore) throws -> [String: Int] {
        try store.read { db in
            var counts: [String: Int] = [:]
            for table in try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"")
            }
            return counts
        }
    }

    @Test func aWholeSessionFromPlanToClose() async throws {
        let (configuration, store) = try await setUp()
        let (committee, waiting) = try committeeWithCandidates(store)
        let chosen = Array(waiting.prefix(2))
        let policy = configuration.rules.policy

        try await WebFixture.get().withApp(configuration) { client in
            var secretary = try await signedIn(client, "secretary")
            var clerk = try await signedIn(client, "clerk")

            // ---- plan
            let list = try await page(&secretary, "/committee")
            #expect(list.contains("安排评审会议"))
            let form = try await page(&secretary, "/committee/new?committee=\(committee.id)")
            for id in waiting { #expect(form.contains(id)) }
            let today = Day(configuration.now())
            let planned = try await secretary.post(
                "/committee/sessions",
                [("committee", committee.id), ("date", today.description), ("venue", "市人社局三楼会议室")]
                    + chosen.map { ("application", $0) })
            #expect(planned.status == .seeOther)
            let sessionURI = try #require(planned.location)
            let sessionID = String(sessionURI.split(separator: "/").last!)
            #expect(sessionID == "S\(today.year)-001")
            for id in chosen {
                let app = try #require(try store.load(ApplicationMachine.self, id: id)?.state)
                #expect(app.stage == .inSession)
                #expect(app.sessionID == sessionID)
            }
            #expect(try session(store, sessionID).plan?.venue == "市人社局三楼会议室")
            let afterPlan = try await page(&secretary, sessionURI)
            #expect(afterPlan.contains("抽取评审专家"))

            // ---- draw: the system draws the seed (nobody may choose it) and records it
            #expect(!afterPlan.contains(#"name="seed""#), "no seed field on the page")
            let pickedSeed = try await secretary.post("\(sessionURI)/draw", ["seed": "20261127", "needed": ""])
            #expect(pickedSeed.status == .badRequest)
            #expect(pickedSeed.body.contains("由系统在抽取时生成"))
            #expect(try session(store, sessionID).seed == nil, "a chosen seed draws nothing")
            _ = try await page(&secretary, sessionURI)
            let tooMany = try await secretary.post("\(sessionURI)/draw", ["needed": String(committee.memberCount + 1)])
            #expect(tooMany.status == .conflict, "no more than the committee's members")
            _ = try await page(&secretary, sessionURI)
            let drawn = try await secretary.post("\(sessionURI)/draw", ["needed": ""])
            #expect(drawn.status == .seeOther)
            var state = try session(store, sessionID)
            let seed = try #require(state.seed)
            #expect(seed > 0)
            #expect(state.members.count == committee.memberCount)
            // The recorded seed replays the draw exactly.
            let pool = try store.experts(committee: committee.id).map { ExpertRef(id: $0.id, unitID: $0.unitID) }
            let replay = CommitteeSessionMachine.draw(
                pool: pool, needed: committee.memberCount, ratio: try WebFixture.get().rules.policy.committee.drawRatio,
                seed: seed)
            #expect(Set(state.drawn.map(\.id)) == Set((replay.members + replay.alternates).map(\.id)))
            let drawnPage = try await page(&secretary, sessionURI)
            #expect(drawnPage.contains(String(seed)))
            #expect(!drawnPage.contains("决定专家回避"), "the secretary cannot recuse")
            try await addExperts(state.drawn.map(\.id), to: store)

            // ---- recusal by the office, conflict declared by an expert
            let clerkPage = try await page(&clerk, sessionURI)
            #expect(clerkPage.contains("决定专家回避"))
            let recusedByOffice = state.members[0].id
            let recused = try await clerk.post(
                "\(sessionURI)/recuse", ["expert": recusedByOffice, "note": "曾指导申报人的代表作"])
            #expect(recused.status == .seeOther)
            let declarer = try session(store, sessionID).members[1].id
            var declaring = try await signedIn(client, declarer)
            let own = try await page(&declaring, "/expert/sessions/\(sessionID)")
            #expect(own.contains("申请回避"))
            #expect(try await declaring.post("/expert/sessions/\(sessionID)/conflict", ["note": "与申报人系近亲属"]).status == .seeOther)
            state = try session(store, sessionID)
            #expect(state.recusedIDs.isSuperset(of: [recusedByOffice, declarer]))
            #expect(state.members.count == committee.memberCount, "alternates took the seats")
            let recusedPage = try await page(&declaring, "/expert/sessions/\(sessionID)")
            #expect(recusedPage.contains("您已回避本次会议"))
            #expect(!recusedPage.contains(chosen[0]), "a recused expert sees no dossier")
            try await addExperts(state.members.map(\.id), to: store)

            // ---- convene: one below the quorum is refused, exactly the quorum opens the meeting
            let quorum = policy.committee.quorum.minimum(of: committee.memberCount)
            let members = state.members.map(\.id)
            let tooFew = try await secretary.post(
                "\(sessionURI)/convene", Array(members.prefix(quorum - 1)).map { ("present", $0) } + [("confirm", "yes")])
            #expect(tooFew.status == .conflict)
            #expect(tooFew.body.contains("不能开会"))
            #expect(try xmllintProblems(tooFew.body) == "")
            let present = Array(members.prefix(quorum))
            let absent = Array(members.dropFirst(quorum))
            #expect(!absent.isEmpty)
            // Nobody is ticked present in advance; the first post only asks for confirmation.
            let conveneForm = try await page(&secretary, sessionURI)
            #expect(conveneForm.contains("name=\"present\""))
            #expect(!conveneForm.contains("checked=\"checked\""), "attendance is not pre-ticked")
            let asked = try await secretary.post("\(sessionURI)/convene", present.map { ("present", $0) })
            #expect(asked.status == .ok)
            #expect(asked.body.contains("确认召开评审会议"))
            #expect(asked.body.contains("登记出席专家\(present.count)人"))
            #expect(asked.body.contains("name=\"confirm\" value=\"yes\""))
            for id in present { #expect(asked.body.contains("name=\"present\" value=\"\(id)\"")) }
            #expect(try xmllintProblems(asked.body) == "")
            #expect(try session(store, sessionID).stage == .drawn, "nothing happens before 确认")
            let convened = try await secretary.post(
                "\(sessionURI)/convene", present.map { ("present", $0) } + [("confirm", "yes")])
            #expect(convened.status == .seeOther)
            #expect(try session(store, sessionID).stage == .convened)

            // ---- votes: candidate 0 gets exactly the yes votes needed, candidate 1 one fewer
            let needed = policy.committee.pass.minimum(of: present.count)
            var experts: [String: TestBrowser] = [:]
            for id in present { experts[id] = try await signedIn(client, id) }
            let before = try rowCounts(store)
            let countsBefore = try await secretary.post("\(sessionURI)/count", ["application": chosen[0]])
            #expect(countsBefore.status == .conflict, "no count before every present expert voted")
            #expect(countsBefore.body.contains("尚有\(present.count)人未投票"))
            for (n, id) in present.enumerated() {
                var browser = experts[id]!
                let body = try await page(&browser, "/expert/sessions/\(sessionID)")
                #expect(body.contains("投票"))
                if n == 0 {
                    let ask = try await browser.post(
                        "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "abstain"])
                    #expect(ask.status == .ok)
                    #expect(ask.body.contains("确认投票"))
                    #expect(ask.body.contains("投“弃权”票"))
                    #expect(ask.body.contains("name=\"choice\" value=\"abstain\""))
                    #expect(try xmllintProblems(ask.body) == "")
                    #expect(try store.ballotCounts(sessionID: sessionID).isEmpty, "no ballot before 确认")
                }
                for (k, candidate) in chosen.enumerated() {
                    let yes = k == 0 ? needed : needed - 1
                    let choice = n < yes ? "yes" : (n % 2 == 0 ? "no" : "abstain")
                    let cast = try await browser.post(
                        "/expert/sessions/\(sessionID)/vote", ["application": candidate, "choice": choice, "confirm": "yes"])
                    #expect(cast.status == .seeOther)
                    #expect(cast.location == "/expert/sessions/\(sessionID)?voted=1")
                }
                let second = try await browser.post(
                    "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "no", "confirm": "yes"])
                #expect(second.status == .conflict)
                #expect(second.body.contains("您已对该申报人投票"))
                let after = try await page(&browser, "/expert/sessions/\(sessionID)?voted=1")
                #expect(after.contains("已投票"))
                for word in ["赞成", "反对", "弃权"] { #expect(!after.contains(word), "the page shows no choice") }
                experts[id] = browser
                if n == 0 {
                    let progress = try await page(&secretary, sessionURI)
                    #expect(progress.contains("已投票 <span class=\"voted\">1</span> / \(present.count)"))
                    #expect(!progress.contains("赞成 1"), "no running totals before the count")
                }
            }

            // ---- secrecy: voting wrote only the two ballot tables, no event, nothing pairing
            let after = try rowCounts(store)
            for (table, n) in after where table != "ballot_voters" && table != "ballot_boxes" {
                #expect(before[table] == n, "voting changed \(table)")
            }
            #expect(after["ballot_voters"]! - (before["ballot_voters"] ?? 0) == present.count * chosen.count)
            #expect(after["ballot_boxes"]! - (before["ballot_boxes"] ?? 0) == chosen.count)
            try store.read { db in
                #expect(try db.columns(in: "ballot_voters").map(\.name) == ["session_id", "application_id", "expert_id"])
                #expect(
                    try db.columns(in: "ballot_boxes").map(\.name) == ["session_id", "application_id", "yes", "no", "abstain"])
                // Kept in expert order, not in the order the ballots came in.
                let stored = try String.fetchAll(
                    db, sql: "SELECT expert_id FROM ballot_voters WHERE session_id = ? AND application_id = ?",
                    arguments: [sessionID, chosen[0]])
                #expect(stored == present.sorted())
                let box = try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT * FROM ballot_boxes WHERE session_id = ? AND application_id = ?",
                        arguments: [sessionID, chosen[1]]))
                #expect(box["yes"] as Int == needed - 1)
            }

            // ---- a recused expert, an absent expert, an expert not drawn for this session, wrong roles, no token
            _ = try await page(&declaring, "/expert/sessions/\(sessionID)")
            let recusedVote = try await declaring.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "yes", "confirm": "yes"])
            #expect(recusedVote.status == .conflict)
            #expect(recusedVote.body.contains("您未出席本次会议或已回避"))
            var away = try await signedIn(client, absent[0])
            let awayPage = try await page(&away, "/expert/sessions/\(sessionID)")
            #expect(awayPage.contains("您未出席本次会议"))
            let absentVote = try await away.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "yes", "confirm": "yes"])
            #expect(absentVote.status == .conflict)
            #expect(absentVote.body.contains("您未出席本次会议"))
            let drawnIDs = Set(state.drawn.map(\.id))
            let stranger = try #require(try store.experts(committee: committee.id).first { !drawnIDs.contains($0.id) })
            try await addExperts([stranger.id], to: store)
            var outsider = try await signedIn(client, stranger.id)
            #expect(try await outsider.get("/expert/sessions/\(sessionID)").status == .notFound)
            _ = try await page(&outsider, "/expert")
            let strangerVote = try await outsider.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "yes", "confirm": "yes"])
            #expect(strangerVote.status == .notFound)
            #expect(try await outsider.get("/committee").status == .forbidden)
            #expect(try await secretary.get("/expert").status == .forbidden)
            var hr = try await signedIn(client, "hr")
            let hrPage = try await hr.get("/committee/sessions/\(sessionID)")
            #expect(hrPage.status == .forbidden)
            #expect(try xmllintProblems(hrPage.body) == "")
            _ = try await page(&secretary, sessionURI)
            let noToken = try await secretary.post("\(sessionURI)/count", ["application": chosen[0]], withToken: false)
            #expect(noToken.status == .forbidden)
            var voter = experts[present[0]]!
            let noTokenVote = try await voter.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[0], "choice": "yes", "confirm": "yes"], withToken: false)
            #expect(noTokenVote.status == .forbidden)

            // ---- count: the box recorded whole; a counted box takes no more ballots
            let votingPage = try await page(&secretary, sessionURI)
            #expect(votingPage.contains("计票"))
            #expect(votingPage.contains("id=\"count-all\""), "one 计票 for the whole session")
            // One candidate's box alone (the per-candidate form of the route), then the rest at once.
            let one = try await secretary.post("\(sessionURI)/count", ["application": chosen[0]])
            #expect(one.status == .seeOther)
            let rest = try await secretary.post("\(sessionURI)/count", [:])
            #expect(rest.status == .seeOther)
            #expect(try session(store, sessionID).counts.count == chosen.count)
            let nothingLeft = try await secretary.post("\(sessionURI)/count", [:])
            #expect(nothingLeft.status == .conflict)
            let again = try await secretary.post("\(sessionURI)/count", ["application": chosen[0]])
            #expect(again.status == .conflict)
            state = try session(store, sessionID)
            #expect(state.counts[chosen[0]]?.yes == needed)
            #expect(state.voters[chosen[0]] == present.sorted())
            let late = try await voter.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[1], "choice": "yes", "confirm": "yes"])
            #expect(late.status == .conflict)
            #expect(late.body.contains("已计票"))
            experts[present[0]] = voter

            // ---- close: results go to the applications; minutes and vote record are issued
            let closing = try await page(&secretary, sessionURI)
            #expect(closing.contains("闭会"))
            let askClose = try await secretary.post(
                "\(sessionURI)/close", ["minutes": "会议按程序进行无记名投票表决。"])
            #expect(askClose.status == .ok)
            #expect(askClose.body.contains("确认闭会"))
            #expect(try xmllintProblems(askClose.body) == "")
            #expect(try session(store, sessionID).stage != .closed, "nothing happens before 确认")
            let closed = try await secretary.post(
                "\(sessionURI)/close", ["minutes": "会议按程序进行无记名投票表决。", "confirm": "yes"])
            #expect(closed.status == .seeOther)
            state = try session(store, sessionID)
            #expect(state.stage == .closed)
            let first = try #require(try store.load(ApplicationMachine.self, id: chosen[0])?.state)
            let second = try #require(try store.load(ApplicationMachine.self, id: chosen[1])?.state)
            #expect(first.stage == .passed)
            #expect(second.stage == .failed)
            let kinds = try store.read { db in
                try String.fetchAll(
                    db, sql: "SELECT kind FROM documents WHERE stream_kind = 'session' AND stream_id = ? ORDER BY kind",
                    arguments: [sessionID])
            }
            #expect(kinds == ["minutes", "vote-record"])
            let closedPage = try await page(&secretary, sessionURI)
            #expect(closedPage.contains("会议按程序进行无记名投票表决。"))
            #expect(closedPage.contains("通过"))
            #expect(closedPage.contains("评审会议纪要（待生成）"), "no data folder in this test: queued, not rendered")
            let afterClose = try await voter.post(
                "/expert/sessions/\(sessionID)/vote", ["application": chosen[1], "choice": "yes", "confirm": "yes"])
            #expect(afterClose.status == .conflict)
            #expect(afterClose.body.contains("已闭会"))
            _ = try await page(&voter, "/expert")
            _ = try await page(&voter, "/expert/sessions/\(sessionID)")
            _ = try await page(&secretary, "/committee")
        }
    }

    @Test func planningChecksItsInputAndRolesFollowTheMachine() async throws {
        let (configuration, store) = try await setUp()
        let (committee, waiting) = try committeeWithCandidates(store)
        try await WebFixture.get().withApp(configuration) { client in
            var head = try await signedIn(client, "head")
            let list = try await page(&head, "/committee")
            #expect(!list.contains("/committee/new"), "the office head does not plan sessions")
            var clerk = try await signedIn(client, "clerk")
            _ = try await page(&clerk, "/committee/new")
            _ = try await page(&clerk, "/committee/new?committee=\(committee.id)")
            #expect(try await clerk.get("/committee/new?committee=nope").status == .notFound)
            let none = try await clerk.post(
                "/committee/sessions", ["committee": committee.id, "date": "2026-12-01", "venue": "会议室"])
            #expect(none.status == .unprocessableContent)
            #expect(none.body.contains("请至少选择一名评审对象"))
            #expect(try xmllintProblems(none.body) == "")
            let past = try await clerk.post(
                "/committee/sessions",
                [("committee", committee.id), ("date", "2020-01-01"), ("venue", "会议室"), ("application", waiting[0])])
            #expect(past.status == .unprocessableContent)
            #expect(past.body.contains("会议日期不能早于今天"))
            // An application of another series or level is refused, and nothing is assigned.
            let other = try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.accepted.rawValue)
                .first { !waiting.contains($0) }
            if let other {
                let mixed = try await clerk.post(
                    "/committee/sessions",
                    [("committee", committee.id), ("date", "2026-12-01"), ("venue", "会议室"), ("application", waiting[0]),
                     ("application", other)])
                #expect(mixed.status == .conflict)
                #expect(try store.load(ApplicationMachine.self, id: waiting[0])?.state.stage == .accepted)
                #expect(try store.streamIDs(CommitteeSessionMachine.self).isEmpty)
            }
            let planned = try await clerk.post(
                "/committee/sessions",
                [("committee", committee.id), ("date", "2026-12-01"), ("venue", "会议室"), ("application", waiting[0])])
            #expect(planned.status == .seeOther)
            let uri = try #require(planned.location)
            // The office head may not draw (the machine's rule), the clerk may.
            _ = try await page(&head, uri)
            let refused = try await head.post("\(uri)/draw", [:])
            #expect(refused.status == .conflict)
            _ = try await page(&clerk, uri)
            #expect(try await clerk.post("\(uri)/draw", [:]).status == .seeOther)
            // Convening is the secretary's.
            let sessionID = String(uri.split(separator: "/").last!)
            let members = try session(store, sessionID).members.map(\.id)
            let byClerk = try await clerk.post("\(uri)/convene", members.map { ("present", $0) } + [("confirm", "yes")])
            #expect(byClerk.status == .conflict)
            #expect(try await head.get("/committee/sessions/S2099-999").status == .notFound)
        }
    }

    @Test func expertsReadTheDossiersOfTheirSessionOnly() async throws {
        let (base, store) = try await setUp()
        var configuration = base
        configuration.dataDirectory = try WebFixture.temporaryDataDirectory()
        let (committee, waiting) = try committeeWithCandidates(store)
        let candidate = waiting[0]
        try await WebFixture.get().withApp(configuration) { client in
            var secretary = try await signedIn(client, "secretary")
            _ = try await page(&secretary, "/committee/new?committee=\(committee.id)")
            let planned = try await secretary.post(
                "/committee/sessions",
                ["committee": committee.id, "date": "2026-12-01", "venue": "会议室", "application": candidate])
            let uri = try #require(planned.location)
            let sessionID = String(uri.split(separator: "/").last!)
            _ = try await page(&secretary, uri)
            #expect(try await secretary.post("\(uri)/draw", [:]).status == .seeOther)
            let state = try session(store, sessionID)
            try await addExperts(state.drawn.map(\.id), to: store)
            let dossier = try store.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM documents WHERE stream_kind = 'application' AND stream_id = ?
                        AND kind IN ('declaration-form', 'pledge') AND status = 'rendered' ORDER BY id
                        """, arguments: [candidate])
            }
            try #require(dossier.count == 2, "the plan step rendered the queued documents")
            let other = try store.read { db in
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM documents WHERE stream_kind = 'application' AND stream_id <> ?
                        AND kind = 'declaration-form' AND status = 'rendered'
                        """, arguments: [candidate])
            }
            let member = state.members[0].id
            var seated = try await signedIn(client, member)
            let body = try await page(&seated, "/expert/sessions/\(sessionID)")
            for id in dossier {
                #expect(body.contains("/documents/\(id).odt"))
                #expect(try await seated.get("/documents/\(id).odt").status == .ok)
                #expect(try await seated.get("/documents/\(id).html").status == .ok)
            }
            if let other { #expect(try await seated.get("/documents/\(other).odt").status == .notFound) }
            // The whole declaration on the expert's own page: sections, rows, photo and files.
            let candidatePage = "/expert/sessions/\(sessionID)/candidates/\(candidate)"
            #expect(body.contains(candidatePage))
            let dossierPage = try await seated.get(candidatePage)
            #expect(dossierPage.status == .ok)
            #expect(dossierPage.body.contains("学历学位") && dossierPage.body.contains("学习经历 1"))
            #expect(dossierPage.body.contains("毕业院校："))
            let photo = try #require(
                dossierPage.body.firstRange(of: #/src="(/dossiers/[^"]+/files/[0-9a-f]{64})"/#).map {
                    String(dossierPage.body[$0].dropFirst(5).dropLast())
                }, "no photo on the expert's dossier page")
            _ = photo
            #expect(try xmllintProblems(dossierPage.body) == "")
            var alternate = try await signedIn(client, try #require(state.alternates.first).id)
            #expect(try await alternate.get("/documents/\(dossier[0]).odt").status == .notFound)
            #expect(try await alternate.get(candidatePage).status == .notFound)
            let undrawn = try #require(
                try store.experts(committee: committee.id).first { e in !state.drawn.contains { $0.id == e.id } })
            try await addExperts([undrawn.id], to: store)
            var stranger = try await signedIn(client, undrawn.id)
            #expect(try await stranger.get("/documents/\(dossier[0]).odt").status == .notFound)
            // Recused: the dossier is closed to them at once.
            var clerk = try await signedIn(client, "clerk")
            _ = try await page(&clerk, uri)
            #expect(try await clerk.post("\(uri)/recuse", ["expert": member, "note": "与申报人同一课题组"]).status == .seeOther)
            #expect(try await seated.get("/documents/\(dossier[0]).odt").status == .notFound)
        }
    }
}
