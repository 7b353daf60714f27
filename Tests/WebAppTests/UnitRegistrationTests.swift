import Domain
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// `/units/register` and `/admin/units`: a unit applies with its credit code (checked), its HR
/// account waits disabled; the office head approves (the unit in the registry, the account bound
/// to it and able to sign in) or the administrator refuses with reasons (the user name is free
/// again); a registered unit's account gets a one-time reset code; every step in the log.
@Suite struct UnitRegistrationTests {
    static let password = "UnitHR2026pass"

    static func fields(name: String, code: String, username: String, kind: String = "public-institution")
        -> [(String, String)]
    {
        [
            ("unit_name", name), ("credit_code", code), ("unit_kind", kind), ("contact_name", "李华"),
            ("contact_phone", "0391-1234567"), ("username", username), ("password", password), ("county", "city"),
        ]
    }

    @Test func aUnitRegistersAndTheOfficeDecides() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        let good = try #require(CreditCode.completing("12410800MB1234567"))
        let other = try #require(CreditCode.completing("91410800MA9876543"))
        try await s.withApp { client in
            var unit = TestBrowser(client)
            let page = try await unit.get("/units/register")
            #expect(page.status == .ok)
            #expect(try xmllintProblems(page.body) == "")
            // A wrong check character: told which, nothing written.
            let wrongCode = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
            let bad = try await unit.post("/units/register", Self.fields(name: "焦作市中医院", code: wrongCode, username: "zyy-hr"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("统一社会信用代码校验位错误"))
            #expect(try s.store.account(username: "zyy-hr") == nil)

            let applied = try await unit.post("/units/register", Self.fields(name: "焦作市中医院", code: good, username: "zyy-hr"))
            #expect(applied.status == .ok)
            #expect(applied.body.contains("正在等待职改办审核"))
            let waiting = try #require(try s.store.account(username: "zyy-hr"))
            #expect(waiting.disabled && waiting.unitID == nil && waiting.role == .unitHR)
            var early = TestBrowser(client)
            #expect(try await early.signIn("zyy-hr", Self.password).status == .unauthorized)
            _ = try await unit.get("/units/register")
            let again = try await unit.post("/units/register", Self.fields(name: "焦作市中医院", code: good, username: "zyy-hr2"))
            #expect(again.status == .unprocessableContent)
            #expect(again.body.contains("正在等待职改办审核"))
            _ = try await unit.get("/units/register")
            let taken = try await unit.post("/units/register", Self.fields(name: "另一单位", code: other, username: "clerk"))
            #expect(taken.body.contains("已被使用"))

            // The clerk may not decide; the head approves.
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/admin/units").status == .forbidden)
            var head = TestBrowser(client)
            try await head.signIn("head")
            let list = try await head.get("/admin/units")
            #expect(list.status == .ok && list.body.contains("焦作市中医院"))
            #expect(try xmllintProblems(list.body) == "")
            let approved = try await head.post("/admin/units/\(good)/approve", [("reason", "材料齐全，予以通过")])
            #expect(approved.status == .seeOther)
            let unitID = UnitRegistrationActions.unitID(for: try CreditCode(good))
            #expect(try s.store.unit(unitID)?.name == "焦作市中医院")
            let bound = try #require(try s.store.account(username: "zyy-hr"))
            #expect(!bound.disabled && bound.unitID == unitID)
            var hr = TestBrowser(client)
            #expect(try await hr.signIn("zyy-hr", Self.password).status == .seeOther)
            #expect(try await hr.get("/unit").status == .ok)

            // Another unit refused with reasons: its user name is free again.
            _ = try await unit.get("/units/register")
            #expect(try await unit.post("/units/register", Self.fields(name: "某公司", code: other, username: "mgs-hr")).status == .ok)
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            _ = try await admin.get("/admin/units")
            let empty = try await admin.post("/admin/units/\(other)/refuse", [("reason", " ")])
            #expect(empty.status == .badRequest)
            _ = try await admin.get("/admin/units")
            let refused = try await admin.post(
                "/admin/units/\(other)/refuse", [("reason", "单位名称与营业执照不一致；未提供联系人身份证明")])
            #expect(refused.status == .seeOther)
            #expect(try s.store.account(username: "mgs-hr") == nil)
            let decided = try s.store.load(UnitRegistrationMachine.self, id: other)?.state
            #expect(decided?.refusals == ["单位名称与营业执照不一致", "未提供联系人身份证明"])
            #expect(try await admin.get("/admin/units").body.contains("未提供联系人身份证明"))

            // The office resets the registered unit's account with a one-time code.
            let issued = try await admin.post("/admin/units/\(good)/reset-code", [("reason", "人事经办人更换，已核实")])
            #expect(issued.status == .ok)
            let code = try #require(issued.body.firstMatch(of: #/<strong>([A-Z2-9]{12})</strong>/#).map { String($0.output.1) })
            var person = TestBrowser(client)
            _ = try await person.get("/password-reset")
            let done = try await person.post(
                "/password-reset", [("username", "zyy-hr"), ("code", code), ("password", "NewUnitHR2026")])
            #expect(done.status == .seeOther)
            _ = try await admin.get("/admin/units")
            let notYet = try await admin.post("/admin/units/\(other)/reset-code", [("reason", "试试")])
            #expect(notYet.status == .conflict)

            let log = try s.store.history(UnitRegistrationMachine.self, id: good)
            #expect(log.map(\.event.name) == ["applied", "approved", "resetCodeIssued"])
            #expect(log.map(\.stored.actorRole) == [Role.public.rawValue, Role.officeHead.rawValue, Role.administrator.rawValue])
            #expect(!log.contains { $0.stored.payload.contains(code) || $0.stored.payload.contains(Self.password) })
            #expect(try s.store.audit().isIntact)
        }
    }

    /// Each application costs a password hash: an address gets 10 at once, then one every 6 s.
    @Test func applicationsAreLimitedPerAddress() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var unit = TestBrowser(client)
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<12 {
                _ = try await unit.get("/units/register")
                statuses.append(
                    try await unit.post("/units/register", Self.fields(name: "单位\(i)", code: "123", username: "u\(i)-hr")).status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unprocessableContent })
            #expect(statuses.last == .tooManyRequests)
        }
    }
}
