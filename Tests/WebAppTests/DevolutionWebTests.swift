import Documents
import Domain
import Foundation
import HTTPTypes
import OfficeSteps
import Store
import Testing
import Workflow

@testable import WebApp

/// Seed item 6 on the web: a unit registering names its county 县（市、区） from the policy's
/// list (a county's devolved series go to that county's committee), stored with the unit when
/// the office approves; leaving it out or naming a county the list does not hold is refused,
/// naming the field, and nothing is written.
@Suite struct DevolutionWebTests {
    static func fields(name: String, code: String, username: String, county: String?) -> [(String, String)] {
        var f = UnitRegistrationTests.fields(name: name, code: code, username: username)
        f.removeAll { $0.0 == "county" }
        if let county { f.append(("county", county)) }
        return f
    }

    @Test func aUnitNamesItsCountyWhenItRegisters() async throws {
        let s = try await ConsoleScenario.make()
        let code = try #require(CreditCode.completing("12410821MB7654321"))
        try await s.withApp { client in
            var unit = TestBrowser(client)
            let page = try await unit.get("/units/register")
            #expect(page.status == .ok)
            #expect(try xmllintProblems(page.body) == "")
            let text = devolutionPageText(page.body)
            #expect(text.contains("所属县（市、区）"))
            #expect(text.contains("修武县（410821）") && text.contains("孟州市（410883）") && text.contains("市直单位"))

            let missing = try await unit.post(
                "/units/register", Self.fields(name: "修武县第一中学", code: code, username: "xw1z-hr", county: nil))
            #expect(missing.status == .unprocessableContent)
            #expect(devolutionPageText(missing.body).contains("所属县（市、区）：请选择所属县（市、区）"))
            #expect(try s.store.account(username: "xw1z-hr") == nil)
            _ = try await unit.get("/units/register")
            let unknown = try await unit.post(
                "/units/register", Self.fields(name: "修武县第一中学", code: code, username: "xw1z-hr", county: "410899"))
            #expect(unknown.status == .unprocessableContent)
            #expect(devolutionPageText(unknown.body).contains("“410899”不在本市县（市、区）名单中"))
            #expect(try s.store.load(UnitRegistrationMachine.self, id: code) == nil)

            _ = try await unit.get("/units/register")
            let applied = try await unit.post(
                "/units/register", Self.fields(name: "修武县第一中学", code: code, username: "xw1z-hr", county: "410821"))
            #expect(applied.status == .ok)
            var head = TestBrowser(client)
            try await head.signIn("head")
            _ = try await head.get("/admin/units")
            let approved = try await head.post("/admin/units/\(code)/approve", [("reason", "材料齐全，予以通过")])
            #expect(approved.status == .seeOther)
            let id = UnitRegistrationActions.unitID(for: try CreditCode(code))
            #expect(try s.store.unit(id)?.county == "410821")
            #expect(try s.store.load(UnitRegistrationMachine.self, id: code)?.state.application?.county == "410821")
        }
    }

    /// A unit at city level 市直 has no county.
    @Test func aCityLevelUnitHasNoCounty() async throws {
        let s = try await ConsoleScenario.make()
        let code = try #require(CreditCode.completing("12410800MB2222222"))
        try await s.withApp { client in
            var unit = TestBrowser(client)
            _ = try await unit.get("/units/register")
            let applied = try await unit.post(
                "/units/register", Self.fields(name: "焦作市第一中学", code: code, username: "jz1z-hr", county: "city"))
            #expect(applied.status == .ok)
            var head = TestBrowser(client)
            try await head.signIn("head")
            _ = try await head.get("/admin/units")
            #expect(try await head.post("/admin/units/\(code)/approve", [("reason", "予以通过")]).status == .seeOther)
            let id = UnitRegistrationActions.unitID(for: try CreditCode(code))
            #expect(try s.store.unit(id) != nil)
            #expect(try s.store.unit(id)?.county == nil)
        }
    }

    /// `/office/self-review`: the head grants 焦作市人民医院 self-review of 卫生 at the senior
    /// levels after a confirmation page, under the next 文号 of the gap-free counter (the unit's
    /// flag set in the same transaction); the page lists it with its scope, 文号 and date; a
    /// withdrawal with its reason gets the next 文号 and the list of withdrawals shows it; the
    /// clerk sees the list without the forms and is refused when posting.
    @Test func theHeadGrantsAndWithdrawsSelfReviewOnTheWeb() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var head = TestBrowser(client)
            try await head.signIn("head")
            let empty = try await head.get("/office/self-review")
            #expect(empty.status == .ok)
            #expect(try xmllintProblems(empty.body) == "")
            #expect(devolutionPageText(empty.body).contains("目前没有单位具有自主评审权。"))
            let grant: [(String, String)] = [
                ("unit", "U-2"), ("series", Series.health.rawValue), ("level", Level.fullSenior.rawValue),
                ("level", Level.deputySenior.rawValue),
            ]
            // Nothing ticked: the field is named, nothing written.
            let none = try await head.post("/office/self-review/grant", [("unit", "U-2"), ("level", "senior")])
            #expect(none.status == .badRequest)
            #expect(devolutionPageText(none.body).contains("请至少勾选一个职称系列"))
            _ = try await head.get("/office/self-review")
            let ask = try await head.post("/office/self-review/grant", grant)
            #expect(ask.status == .ok)
            let askText = devolutionPageText(ask.body)
            #expect(askText.contains("确认授予焦作市人民医院自主评审权"))
            #expect(askText.contains("授权范围：\(Series.health.chinese)（正高级、副高级）。"))
            #expect(try s.store.selfReviewGrant(unit: "U-2") == nil)
            let granted = try await head.post("/office/self-review/grant", grant + [("confirm", "yes")])
            #expect(granted.status == .seeOther)
            let held = try #require(try s.store.selfReviewGrant(unit: "U-2"))
            #expect(held.covers(.health, .fullSenior) && held.covers(.health, .deputySenior) && !held.covers(.health, .intermediate))
            #expect(held.decisionNumber == "焦职改〔2026〕1号")
            #expect(try s.store.unit("U-2")?.hasSelfReviewAuthority == true)
            let list = try await head.get("/office/self-review?done=grant&unit=U-2")
            let listText = devolutionPageText(list.body)
            #expect(listText.contains("已授予焦作市人民医院自主评审权：\(held.chinese)，文号焦职改〔2026〕1号。"))
            #expect(listText.contains(held.chinese) && listText.contains(held.from.chinese))

            // The clerk sees the list, not the forms, and cannot grant.
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let clerkPage = try await clerk.get("/office/self-review")
            #expect(devolutionPageText(clerkPage.body).contains("焦职改〔2026〕1号"))
            #expect(!clerkPage.body.contains("/office/self-review/grant"))
            let refused = try await clerk.post(
                "/office/self-review/grant", [
                    ("unit", "U-1"), ("series", Series.engineering.rawValue), ("level", Level.fullSenior.rawValue),
                    ("confirm", "yes"),
                ])
            #expect(refused.status == .conflict)
            #expect(devolutionPageText(refused.body).contains(Role.officeClerk.chinese))
            #expect(try s.store.selfReviewGrant(unit: "U-1") == nil)

            // Withdrawn with a reason under the next 文号.
            _ = try await head.get("/office/self-review")
            let noReason = try await head.post("/office/self-review/withdraw", [("unit", "U-2"), ("reason", " ")])
            #expect(noReason.status == .badRequest)
            _ = try await head.get("/office/self-review")
            let withdraw = [("unit", "U-2"), ("reason", "评审委员会组建不符合要求")]
            let askWithdraw = try await head.post("/office/self-review/withdraw", withdraw)
            #expect(devolutionPageText(askWithdraw.body).contains("确认收回焦作市人民医院的自主评审权"))
            #expect(try await head.post("/office/self-review/withdraw", withdraw + [("confirm", "yes")]).status == .seeOther)
            #expect(try s.store.selfReviewGrant(unit: "U-2") == nil)
            #expect(try s.store.unit("U-2")?.hasSelfReviewAuthority == false)
            let after = devolutionPageText(try await head.get("/office/self-review?done=withdraw&unit=U-2").body)
            #expect(after.contains("已收回焦作市人民医院的自主评审权，文号焦职改〔2026〕2号。"))
            #expect(after.contains("评审委员会组建不符合要求"))
            #expect(after.contains("目前没有单位具有自主评审权。"))
            let log = try s.store.history(UnitStandingMachine.self, id: "U-2")
            #expect(log.map(\.event.name) == ["selfReviewGranted", "selfReviewWithdrawn"])
            #expect(log.map(\.stored.actorRole) == [Role.officeHead.rawValue, Role.officeHead.rawValue])
        }
    }

    /// `/admin`: the administrator sets a clerk's 工作范围 to 修武县 (the page shows it, the log
    /// records it); signed in again, that clerk is refused the city's application with a Chinese
    /// message naming 修武县, and nothing changes.
    @Test func aCountyClerkSetOnTheAdminPageIsRefusedTheCitysApplication() async throws {
        let s = try await ConsoleScenario.make()
        let system = Context(actor: .system, now: s.now.now, rules: s.rules)
        let hash = try await PasswordHasher(cost: 4).hash(ConsoleScenario.password)
        try s.store.write { tx in
            try tx.execute(
                AdministrationMachine.self, id: AdministrationMachine.streamID,
                .setUp(office: OfficeProfile(name: "焦作市职称改革领导小组办公室", fonds: "J012")), context: system)
        }
        for (user, role) in [("root", Role.administrator), ("xwclerk", .officeClerk)] {
            try AdminActions.createStaff(
                store: s.store, context: system, username: user, role: role, displayName: "某某", passwordHash: hash,
                reason: "系统初始化")
        }
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            let home = try await admin.get("/admin")
            #expect(try xmllintProblems(home.body) == "")
            #expect(devolutionPageText(home.body).contains("修武县（410821）"))
            let set = try await admin.post(
                "/admin/staff/xwclerk/scope", [("county", "410821"), ("reason", "修武县人社局职改股经办人")])
            #expect(set.status == .seeOther)
            let after = devolutionPageText(try await admin.get("/admin?done=scope").body)
            #expect(after.contains("已设定账户的工作范围"))
            #expect(after.contains("设定账户 xwclerk 的工作范围为县（市、区）410821：修武县人社局职改股经办人"))
            #expect(try s.store.account(username: "xwclerk")?.county == "410821")

            var clerk = TestBrowser(client)
            try await clerk.signIn("xwclerk")
            _ = try await clerk.get("/office/applications/A-1")
            let version = try #require(try s.store.load(ApplicationMachine.self, id: "A-1")?.version)
            let refused = try await clerk.post(
                "/office/applications/A-1/accept", [("version", String(version)), ("confirm", "yes")])
            // The page and its steps answer 403 for another county's application (StaffScope).
            #expect(refused.status == .forbidden)
            let text = devolutionPageText(refused.body)
            #expect(text.contains("您是修武县（410821）的工作人员"))
            #expect(text.contains("申报A-1由全市评审"))
            #expect(try s.store.load(ApplicationMachine.self, id: "A-1")?.state.stage == .qualificationReview)
        }
    }

    /// A county head's decisions take the county's own 文号 (its prefix from policy.yaml, its
    /// own gap-free counter in the real SQLite store); the city's counter is untouched by them.
    @Test func aCountyHeadsDocumentNumbersComeFromTheCountysCounter() async throws {
        let s = try await ConsoleScenario.make()
        let day = ConsoleScenario.start
        let xiuwu = try #require(s.rules.policy.devolution.county("410821"))
        func next(_ actor: Actor) throws -> String {
            try s.store.write { tx in
                try OfficeSteps.nextDecisionNumber(tx, Context(actor: actor, now: s.now.now, rules: s.rules))
            }
        }
        let countyHead = Actor(id: "web-xwhead", role: .officeHead, county: "410821")
        let cityHead = Actor(id: "web-head", role: .officeHead)
        #expect(try next(countyHead) == "\(xiuwu.documentPrefix)〔\(day.year)〕1号")
        #expect(try next(countyHead) == "\(xiuwu.documentPrefix)〔\(day.year)〕2号")
        #expect(try next(cityHead) == "\(s.rules.policy.region.documentPrefix)〔\(day.year)〕1号")
        let boai = Actor(id: "web-bahead", role: .officeHead, county: "410822")
        #expect(try next(boai).hasSuffix("〔\(day.year)〕1号"))
        #expect(try next(countyHead) == "\(xiuwu.documentPrefix)〔\(day.year)〕3号")
    }
}

/// The text a reader sees in a page: each element's own text (entities decoded by libxml2), one
/// element a line, without the head.
func devolutionPageText(_ html: String) -> String {
    guard let elements = try? MarkupInspection.elements(ofXML: Array(html.utf8), part: "page.html") else { return "" }
    var inHead = false
    var headDepth = 0
    var lines: [String] = []
    for e in elements {
        if inHead, e.depth <= headDepth { inHead = false }
        if e.localName == "head" { inHead = true; headDepth = e.depth; continue }
        if inHead { continue }
        let t = e.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { lines.append(t) }
    }
    return lines.joined(separator: "\n")
}
