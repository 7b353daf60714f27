import Domain
import Foundation
import OfficeSteps
import Store
import Testing
import Workflow

@testable import WebApp

/// Seed item 6 at the step where it applies: planning a session. On the demo season stopped
/// before its first session, the 修武县 unit's 中小学一级教师 (A2026-00022) is refused by the
/// city's committee of the same series and level — naming the county and the policy — and
/// nothing is written; the county's committee takes it. The committee console lists it only
/// under the county's committee.
@Suite struct DevolutionPlanTests {
    @Test func onlyTheCountysCommitteeTakesTheCountysFirstClassTeacher() async throws {
        let store = try CommitteeFixture.get().copy()
        let rules = try WebFixture.get().rules
        let committees = Dictionary(uniqueKeysWithValues: try store.committees().map { ($0.id, $0) })
        let city = try #require(committees["C-primary-secondary-teachers-intermediate"])
        let county = try #require(committees["C-primary-secondary-teachers-intermediate-410821"])
        #expect(city.jurisdiction == "city" && county.jurisdiction == "410821")
        let id = "A2026-00022"
        #expect(try store.load(ApplicationMachine.self, id: id)?.state.stage == .accepted)
        let day = Day("2026-05-20")!
        let context = Context(
            actor: Actor(id: "secretary", role: .committeeSecretary), now: day.startInstant.addingTimeInterval(9 * 3600),
            rules: rules)
        let sessionsBefore = try store.streamIDs(CommitteeSessionMachine.self)
        do {
            _ = try store.write { tx in
                try OfficeSteps.planSession(tx, context, committee: city, date: day, venue: nil, applications: [id])
            }
            Issue.record("the city's committee took a county's application")
        } catch {
            let refusal = error.refusal  // store.write throws StoreError
            #expect(refusal?.rule == "session.jurisdiction-mismatch")
            #expect(refusal?.message.contains("410821") == true)
            #expect(refusal?.message.contains("一级教师") == true)
        }
        #expect(try store.streamIDs(CommitteeSessionMachine.self) == sessionsBefore)
        #expect(try store.load(ApplicationMachine.self, id: id)?.state.stage == .accepted)

        let session = try store.write { tx in
            try OfficeSteps.planSession(tx, context, committee: county, date: day, venue: "修武县人社局会议室", applications: [id])
        }
        #expect(try store.load(ApplicationMachine.self, id: id)?.state.sessionID == session)
    }

    /// The office's records page names the university's self-review grant and its decision; the
    /// committees page names each committee's jurisdiction in Chinese.
    @Test func theOfficeSeesTheGrantAndTheJurisdictions() async throws {
        let fixture = try WebFixture.get()
        let hash = try await PasswordHasher(cost: 4).hash(ConsoleScenario.password)
        let name = "devolution-head-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try fixture.store.insertAccount(
            NewAccount(username: name, passwordHash: hash, role: .officeHead, displayName: "负责人"), now: Date())
        try await fixture.withApp { client in
            var head = TestBrowser(client)
            try await head.signIn(name)
            let records = try await head.get("/office/records")
            #expect(records.status == .ok)
            #expect(records.body.contains("自主评审权：高等学校教师（正高级、副高级）（焦人社〔2026〕5号"))
            let committees = try await head.get("/admin/committees")
            #expect(committees.status == .ok)
            #expect(committees.body.contains("县（市、区）410821"))
            #expect(committees.body.contains("单位自主评审（U001）"))
        }
    }
}
