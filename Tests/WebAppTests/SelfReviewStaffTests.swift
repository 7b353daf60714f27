import Domain
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// Seed item 6: the administrator of a unit holding self-review authority gives one of its staff
/// the account of its committee's secretary 单位评审委员会秘书 at `/unit/staff` (an event of the
/// unit's registration stream, the account a committee secretary bound to the unit, starting
/// with a one-time code); a unit without the grant is not offered it and is refused it, naming
/// the rule. The secretary signs in to the committee console, not the HR console.
@Suite struct SelfReviewStaffTests {
    static let password = "UnitHR2026pass"

    @Test func aSelfReviewingUnitGivesItsCommitteeSecretaryAnAccount() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        let root = Context(actor: try #require(try s.store.account(username: "root")).actor, now: s.now.now, rules: s.rules)
        let code = try CreditCode(try #require(CreditCode.completing("12410800MB7777777")))
        try UnitRegistrationActions.apply(
            store: s.store, context: Context(actor: Actor(id: "public", role: .public), now: s.now.now, rules: s.rules),
            application: UnitApplication(
                name: "焦作理工学院", creditCode: code, kind: .publicInstitution, contactName: "李华",
                contactPhone: "0391-1234567", username: "jzlg-admin"),
            passwordHash: hash)
        try UnitRegistrationActions.approve(store: s.store, context: root, creditCode: code.value, reason: "材料齐全")
        let unitID = "U-\(code.value)"

        try await s.withApp { client in
            var admin = TestBrowser(client)
            #expect(try await admin.signIn("jzlg-admin", Self.password).status == .seeOther)
            // Without the grant: no such account type, and a forged post is refused.
            let before = try await admin.get("/unit/staff")
            #expect(!devolutionPageText(before.body).contains("单位评审委员会秘书"))
            let early = try await admin.post(
                "/unit/staff", [("username", "jzlg-sec"), ("name", "赵秘书"), ("reason", "评委会秘书"), ("kind", "secretary")])
            #expect(early.status == .conflict)
            #expect(devolutionPageText(early.body).contains("未获自主评审权"))
            #expect(try s.store.account(username: "jzlg-sec") == nil)

            // The bureau grants self-review; the administrator adds the secretary.
            let head = Context(actor: Actor(id: "test-head", role: .officeHead), now: s.now.now, rules: s.rules)
            try s.store.write { tx in
                _ = try tx.decideSelfReview(
                    unit: unitID,
                    .grantSelfReview(
                        series: [.higherEducationTeachers], levels: [.deputySenior, .fullSenior],
                        decisionNumber: "焦人社〔2026〕5号"), context: head)
            }
            let offered = try await admin.get("/unit/staff")
            #expect(try xmllintProblems(offered.body) == "")
            let offeredText = devolutionPageText(offered.body)
            #expect(offeredText.contains("单位评审委员会秘书") && offeredText.contains("焦人社〔2026〕5号"))
            let added = try await admin.post(
                "/unit/staff", [("username", "jzlg-sec"), ("name", "赵秘书"), ("reason", "评委会秘书"), ("kind", "secretary")])
            #expect(added.status == .ok)
            let addedText = devolutionPageText(added.body)
            #expect(addedText.contains("单位评审委员会秘书账户已添加"))
            #expect(addedText.contains("添加单位评审委员会秘书账户 jzlg-sec（赵秘书）：评委会秘书"))
            let account = try #require(try s.store.account(username: "jzlg-sec"))
            #expect(account.role == .committeeSecretary && account.unitID == unitID && account.county == nil)
            #expect(
                try s.store.history(UnitRegistrationMachine.self, id: code.value).map(\.event.name).last
                    == "committeeSecretaryAdded")
            let oneTime = try #require(
                added.body.firstMatch(of: #/<p class="code"><strong>([A-Z2-9]{12})</strong>/#).map { String($0.output.1) })

            // The secretary sets a password and works in the committee console only.
            var secretary = TestBrowser(client)
            _ = try await secretary.get("/password-reset")
            _ = try await secretary.post(
                "/password-reset", [("username", "jzlg-sec"), ("code", oneTime), ("password", "Secretary2026pw")])
            let signedIn = try await secretary.signIn("jzlg-sec", "Secretary2026pw")
            #expect(signedIn.status == .seeOther && signedIn.location == "/committee")
            #expect(try await secretary.get("/committee").status == .ok)
            #expect(try await secretary.get("/unit").status == .forbidden)
        }
    }

    /// The demo server's accounts include the university's committee secretary, bound to the unit
    /// that holds the grant (the season's 焦作大学, U001), once however often they are seeded.
    @Test func theDemoHasTheUniversitysCommitteeSecretary() async throws {
        let store = try CommitteeFixture.get().copy()
        let hasher = PasswordHasher(cost: 4)
        let first = try await DemoAccounts.seed(store: store, password: "Demo2026pass", hasher: hasher, now: Date())
        let again = try await DemoAccounts.seed(store: store, password: "Demo2026pass", hasher: hasher, now: Date())
        #expect(first.map(\.username) == again.map(\.username))
        let listed = try #require(first.first { $0.username == "unitsecretary" })
        #expect(listed.note.contains("焦人社〔2026〕5号"))
        let account = try #require(try store.account(username: "unitsecretary"))
        #expect(account.role == .committeeSecretary && account.unitID == "U001")
        #expect(account.actor.id == "web-unitsecretary")
    }
}
