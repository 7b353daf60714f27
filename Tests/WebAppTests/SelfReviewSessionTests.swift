import Domain
import Foundation
import HTTPTypes
import OfficeSteps
import Store
import Testing
import Workflow

@testable import WebApp

/// Seed item 6, the committee side, through the pages: on the demo season stopped before its
/// first session, 焦作大学 (U001, holding the bureau's self-review grant) has its own committee
/// secretary 单位评审委员会秘书 — a committee-secretary account bound to the unit — who plans its
/// committee's session for the university's own teacher, draws the experts, records attendance,
/// counts and closes, each through the committee console's pages; the session page names the
/// unit's jurisdiction and says the result is filed 备案. The same account is refused the city's
/// committee and its applications (nothing written); once the office head withdraws the grant
/// the count is refused naming the withdrawal's 文号, and carries on when granted again.
@Suite struct SelfReviewSessionTests {
    static let password = "Pingshen2026pw"

    @Test func theUniversitysSecretaryRunsItsOwnSessionThroughThePages() async throws {
        let store = try CommitteeFixture.get().copy()
        let fixture = try WebFixture.get()
        var configuration = fixture.configuration(store: store)
        configuration.signInLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        configuration.usernameLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        _ = try store.insertAccount(
            NewAccount(
                username: "jzdx-sec", passwordHash: hash, role: .committeeSecretary, displayName: "焦作大学评委会秘书",
                unitID: "U001"), now: Date())

        // The university's teacher waiting for its own committee, and a city application and committee.
        let accepted = try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.accepted.rawValue)
        var own: (String, ApplicationProfile)?
        var city: (String, ApplicationProfile)?
        for id in accepted {
            guard let p = try store.load(ApplicationMachine.self, id: id)?.state.profile else { continue }
            if Routing.jurisdiction(of: p) == "unit:U001" { own = own ?? (id, p) }
            if Routing.jurisdiction(of: p) == Routing.city { city = city ?? (id, p) }
        }
        let (ownID, ownProfile) = try #require(own)
        let (cityID, cityProfile) = try #require(city)
        let committees = try store.committees()
        let unitCommittee = try #require(
            committees.first {
                $0.jurisdiction == "unit:U001" && $0.series == ownProfile.series && $0.level == ownProfile.level
            })
        let cityCommittee = try #require(
            committees.first {
                $0.jurisdiction == Routing.city && $0.series == cityProfile.series && $0.level == cityProfile.level
            })
        let now = configuration.now()
        let today = Day(now)
        let rules = fixture.rules
        let settings = configuration

        try await fixture.withApp(settings) { client in
            var secretary = TestBrowser(client)
            #expect(try await secretary.signIn("jzdx-sec", Self.password).status == .seeOther)

            // The city's committee and application are not the unit's business: nothing written.
            let sessionsBefore = try store.streamIDs(CommitteeSessionMachine.self)
            _ = try await secretary.get("/committee")
            let refused = try await secretary.post(
                "/committee/sessions",
                [("committee", cityCommittee.id), ("date", today.description), ("venue", "市人社局"), ("application", cityID)])
            #expect(refused.status != .seeOther)
            #expect(devolutionPageText(refused.body).contains("U001"))
            #expect(try store.streamIDs(CommitteeSessionMachine.self) == sessionsBefore)
            #expect(try store.load(ApplicationMachine.self, id: cityID)?.state.stage == .accepted)
            // The city's committee is not listed for it, and its page names the unit's own scope.
            let cityForm = try await secretary.get("/committee/new?committee=\(cityCommittee.id)")
            #expect(cityForm.status == .forbidden)
            #expect(try await secretary.get("/committee/new?committee=C-no-such").status == .notFound)
            // The refusal names the unit, not a county (it said 本县（市、区） to a unit's secretary).
            let cityFormText = devolutionPageText(cityForm.body)
            #expect(cityFormText.contains("您是单位U001的工作人员，只能办理本单位自主评审的申报"), "\(cityFormText)")
            #expect(!cityFormText.contains("本县"))
            let list = devolutionPageText(try await secretary.get("/committee/new").body)
            #expect(list.contains(unitCommittee.name) && !list.contains(cityCommittee.name))

            // ---- plan the unit committee's session for its own teacher
            let form = try await secretary.get("/committee/new?committee=\(unitCommittee.id)")
            #expect(form.status == .ok)
            #expect(devolutionPageText(form.body).contains(ownID))
            let planned = try await secretary.post(
                "/committee/sessions",
                [("committee", unitCommittee.id), ("date", today.description), ("venue", "焦作大学行政楼会议室"),
                 ("application", ownID)])
            #expect(planned.status == .seeOther)
            let uri = try #require(planned.location)
            let sessionID = String(uri.split(separator: "/").last!)
            let plan = try #require(try store.load(CommitteeSessionMachine.self, id: sessionID)?.state.plan)
            #expect(plan.jurisdiction == "unit:U001")
            let planPage = try await secretary.get(uri)
            #expect(planPage.status == .ok)
            #expect(try xmllintProblems(planPage.body) == "")
            let planText = devolutionPageText(planPage.body)
            #expect(planText.contains("管辖范围") && planText.contains("单位自主评审（U001）"))
            #expect(planText.contains(unitCommittee.name))

            // ---- draw from the unit committee's pool, attendance, ballots, count, close
            #expect(try await secretary.post("\(uri)/draw", [("needed", "")]).status == .seeOther)
            let drawn = try #require(try store.load(CommitteeSessionMachine.self, id: sessionID)?.state)
            let pool = Set(try store.experts(committee: unitCommittee.id).map(\.id))
            #expect(drawn.members.count == unitCommittee.memberCount)
            #expect(drawn.members.allSatisfy { pool.contains($0.id) })
            _ = try await secretary.get(uri)
            let present = drawn.members.map(\.id)
            let convened = try await secretary.post(
                "\(uri)/convene", present.map { ("present", $0) } + [("confirm", "yes")])
            #expect(convened.status == .seeOther)
            try store.write { tx in
                for expert in present {
                    try OfficeSteps.castBallot(tx, session: sessionID, application: ownID, expert: expert, choice: .yes)
                }
            }

            // The bureau withdraws the grant: the count is refused, naming the withdrawal's 文号.
            let head = Context(
                actor: Actor(id: "test-head", role: .officeHead), now: now, rules: rules)
            try store.write { tx in
                _ = try tx.decideSelfReview(
                    unit: "U001", .withdrawSelfReview(reason: "评审质量抽查不合格", decisionNumber: "焦人社〔2026〕9号"),
                    context: head)
            }
            _ = try await secretary.get(uri)
            let stopped = try await secretary.post("\(uri)/count", [])
            #expect(stopped.status == .conflict)
            let stoppedText = devolutionPageText(stopped.body)
            #expect(stoppedText.contains("焦人社〔2026〕9号") && stoppedText.contains("收回"))
            #expect(try store.load(CommitteeSessionMachine.self, id: sessionID)?.state.counts.isEmpty == true)
            try store.write { tx in
                _ = try tx.decideSelfReview(
                    unit: "U001",
                    .grantSelfReview(
                        series: [ownProfile.series], levels: [.deputySenior, .fullSenior], decisionNumber: "焦人社〔2026〕10号"),
                    context: head)
            }

            _ = try await secretary.get(uri)
            #expect(try await secretary.post("\(uri)/count", []).status == .seeOther)
            let closed = try await secretary.post(
                "\(uri)/close", [("minutes", "焦作大学高校教师评审委员会评审会议。"), ("confirm", "yes")])
            #expect(closed.status == .seeOther)
            let closedPage = try await secretary.get(uri)
            let closedText = devolutionPageText(closedPage.body)
            #expect(closedText.contains("已闭会"))
            #expect(closedText.contains("报人社部门备案"))
            #expect(try store.load(ApplicationMachine.self, id: ownID)?.state.stage == .passed)
            // Every step of the session is the unit's secretary's.
            let actors = Set(
                try store.history(CommitteeSessionMachine.self, id: sessionID).map(\.stored)
                    .filter { $0.actorRole == Role.committeeSecretary.rawValue }.map(\.actorID))
            #expect(actors == ["web-jzdx-sec"])

            // ---- the office: the notice runs its days, then the head files the result 备案.
            let clerk = Context(actor: Actor(id: "test-clerk", role: .officeClerk), now: now, rules: rules)
            try store.write { tx in
                try OfficeSteps.startPublicNotice(tx, clerk, applications: [ownID], batch: "N-SR", startsOn: today)
            }
            let end = try #require(try store.load(ApplicationMachine.self, id: ownID)?.state.notice?.end)
            let later = Context(
                actor: clerk.actor, now: end.adding(days: 1).startInstant.addingTimeInterval(10 * 3600), rules: rules)
            try store.write { tx in _ = try tx.execute(ApplicationMachine.self, id: ownID, .concludeNotice, context: later) }
            #expect(try store.load(ApplicationMachine.self, id: ownID)?.state.stage == .awaitingConfirmation)
            _ = try store.insertAccount(
                NewAccount(username: "sr-head", passwordHash: hash, role: .officeHead, displayName: "负责人"), now: Date())
            var office = TestBrowser(client)
            #expect(try await office.signIn("sr-head", Self.password).status == .seeOther)
            let confirmPage = try await office.get("/office/confirm")
            #expect(confirmPage.status == .ok)
            #expect(try xmllintProblems(confirmPage.body) == "")
            let confirmText = devolutionPageText(confirmPage.body)
            #expect(confirmText.contains(ownID) && confirmText.contains("备案（单位自主评审（U001））"))
            let filed = try await office.post("/office/confirm", [("id", ownID)])
            #expect(filed.status == .seeOther)
            let after = try #require(try store.load(ApplicationMachine.self, id: ownID)?.state)
            #expect(after.stage == .filed && after.documentNumber?.isEmpty == false)
            let flash = devolutionPageText(try await office.get(try #require(filed.location)).body)
            #expect(flash.contains("已以 \(after.documentNumber!) 确认（单位自主评审的结果为备案）"))
        }
    }
}
