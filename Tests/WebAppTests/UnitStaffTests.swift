import Domain
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// `/unit/staff`: a registered unit's administrator (the HR account it registered with) adds an
/// HR reviewer of its unit with a one-time code, disables and enables it; the reviewer works at
/// `/unit` but cannot manage accounts; another unit's administrator cannot touch it; an HR
/// account of a unit that did not register gets a 403 page; the office resets a unit's
/// administrator with a code; every change an event of the unit's registration stream.
@Suite struct UnitStaffTests {
    static let password = "UnitHR2026pass"

    @Test func aUnitsAdministratorManagesItsOwnReviewersOnly() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        let root = Context(actor: try #require(try s.store.account(username: "root")).actor, now: s.now.now, rules: s.rules)
        let codeA = try CreditCode(try #require(CreditCode.completing("12410800MB1234567")))
        let codeB = try CreditCode(try #require(CreditCode.completing("91410800MA9876543")))
        for (name, code, username) in [("焦作市中医院", codeA, "zyy-admin"), ("焦作市机械厂", codeB, "jxc-admin")] {
            try UnitRegistrationActions.apply(
                store: s.store, context: Context(actor: Actor(id: "public", role: .public), now: s.now.now, rules: s.rules),
                application: UnitApplication(
                    name: name, creditCode: code, kind: .publicInstitution, contactName: "李华",
                    contactPhone: "0391-1234567", username: username),
                passwordHash: hash)
            try UnitRegistrationActions.approve(store: s.store, context: root, creditCode: code.value, reason: "材料齐全")
        }
        try await s.withApp { client in
            var admin = TestBrowser(client)
            #expect(try await admin.signIn("zyy-admin", Self.password).status == .seeOther)
            #expect(try await admin.get("/unit").body.contains("管理本单位人事审核账户"))
            let empty = try await admin.get("/unit/staff")
            #expect(empty.status == .ok)
            #expect(try xmllintProblems(empty.body) == "")
            #expect(empty.body.contains("还没有人事审核账户"))
            let badName = try await admin.post("/unit/staff", [("username", "王 五"), ("name", "王五"), ("reason", "新增")])
            #expect(badName.status == .badRequest && badName.body.contains("用户名应为1至32位英文字母"))
            _ = try await admin.get("/unit/staff")
            let added = try await admin.post(
                "/unit/staff", [("username", "zyy-rev1"), ("name", "王审核"), ("reason", "新增人事审核人员")])
            #expect(added.status == .ok)
            #expect(try xmllintProblems(added.body) == "")
            #expect(added.body.contains("<td>zyy-rev1</td><td>王审核</td><td>使用中</td>"))
            let code = try #require(
                added.body.firstMatch(of: #/<p class="code"><strong>([A-Z2-9]{12})</strong>/#).map { String($0.output.1) })
            let account = try #require(try s.store.account(username: "zyy-rev1"))
            #expect(account.role == .unitHR && account.unitID == "U-\(codeA.value)")

            // The reviewer sets a password, works at /unit, manages nothing.
            var reviewer = TestBrowser(client)
            #expect(try await reviewer.signIn("zyy-rev1", Self.password).status == .unauthorized)
            _ = try await reviewer.get("/password-reset")
            _ = try await reviewer.post(
                "/password-reset", [("username", "zyy-rev1"), ("code", code), ("password", "Reviewer2026pw")])
            #expect(try await reviewer.signIn("zyy-rev1", "Reviewer2026pw").status == .seeOther)
            let home = try await reviewer.get("/unit")
            #expect(home.status == .ok && !home.body.contains("管理本单位人事审核账户"))
            let forbidden = try await reviewer.get("/unit/staff")
            #expect(forbidden.status == .forbidden && forbidden.body.contains("只有本单位的管理员账户"))
            let selfAdd = try await reviewer.post("/unit/staff", [("username", "sneaky"), ("name", "某"), ("reason", "x")])
            #expect(selfAdd.status == .forbidden)
            #expect(try s.store.account(username: "sneaky") == nil)

            // Another unit's administrator cannot disable it: the reviewer is not theirs.
            var other = TestBrowser(client)
            #expect(try await other.signIn("jxc-admin", Self.password).status == .seeOther)
            _ = try await other.get("/unit/staff")
            let cross = try await other.post("/unit/staff/zyy-rev1/disable", [("reason", "越权")])
            #expect(cross.status == .conflict)
            #expect(cross.body.contains("本单位没有人事审核账户“zyy-rev1”"))
            let crossCode = try await other.post("/unit/staff/zyy-rev1/reset-code", [("reason", "越权")])
            #expect(crossCode.status == .conflict)
            #expect(try s.store.account(username: "zyy-rev1")?.disabled == false)
            #expect(try await reviewer.get("/unit").status == .ok)

            // A unit that never registered through the office (hr1 of U-1): no account management.
            var legacy = TestBrowser(client)
            try await legacy.signIn("hr1")
            #expect(try await legacy.get("/unit/staff").status == .forbidden)

            // Disabled: the reviewer's session ends; enabled again: a new code works.
            _ = try await admin.get("/unit/staff")
            #expect(try await admin.post("/unit/staff/zyy-rev1/disable", [("reason", "调岗")]).status == .seeOther)
            #expect(try await reviewer.get("/unit").status != .ok)
            #expect(try await admin.get("/unit/staff?done=disable").body.contains("<td>zyy-rev1</td><td>王审核</td><td>已停用</td>"))
            #expect(try await admin.post("/unit/staff/zyy-rev1/enable", [("reason", "返岗")]).status == .seeOther)
            _ = try await admin.get("/unit/staff")
            let again = try await admin.post("/unit/staff/zyy-rev1/reset-code", [("reason", "忘记密码")])
            #expect(again.status == .ok && again.body.contains("设置码"))

            // The office resets the unit's administrator with a code.
            var office = TestBrowser(client)
            try await office.signIn("root")
            _ = try await office.get("/admin/units")
            let reset = try await office.post("/admin/units/\(codeA.value)/reset-code", [("reason", "单位管理员更换，已核实身份")])
            #expect(reset.status == .ok)
            let adminCode = try #require(
                reset.body.firstMatch(of: #/<strong>([A-Z2-9]{12})</strong>/#).map { String($0.output.1) })
            var newAdmin = TestBrowser(client)
            _ = try await newAdmin.get("/password-reset")
            _ = try await newAdmin.post(
                "/password-reset", [("username", "zyy-admin"), ("code", adminCode), ("password", "NewAdmin2026pw")])
            #expect(try await newAdmin.signIn("zyy-admin", "NewAdmin2026pw").status == .seeOther)
            let history = try await newAdmin.get("/unit/staff")
            #expect(history.body.contains("添加人事审核账户 zyy-rev1（王审核）：新增人事审核人员"))
            #expect(history.body.contains("停用人事审核账户 zyy-rev1：调岗"))

            let log = try s.store.history(UnitRegistrationMachine.self, id: codeA.value).map(\.event.name)
            #expect(log == [
                "applied", "approved", "reviewerAdded", "reviewerDisabled", "reviewerEnabled", "reviewerCodeIssued",
                "resetCodeIssued",
            ])
            #expect(try s.store.history(UnitRegistrationMachine.self, id: codeB.value).count == 2)
            #expect(try s.store.audit().isIntact)
        }
    }
}
