import Domain
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// `/admin`: the administrator creates, disables and enables staff accounts and hands over a
/// one-time reset code; each change is an event in the log; `/password-reset` spends a code once
/// and says the same for every wrong answer.
@Suite struct AdminTests {
    @Test func theAdministratorManagesStaffAndEveryChangeIsLogged() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/admin").status == .forbidden)

            var admin = TestBrowser(client)
            try await admin.signIn("root")
            let home = try await admin.get("/admin")
            #expect(home.status == .ok)
            #expect(home.body.contains("焦作市职称改革领导小组办公室（全宗号 J012）"))
            #expect(try xmllintProblems(home.body) == "")
            let created = try await admin.post(
                "/admin/staff",
                [("username", "wang.li"), ("name", "王立"), ("role", "archivist"), ("password", "Archive2026pw"),
                 ("reason", "新任档案管理员")])
            #expect(created.status == .seeOther)
            let weak = try await admin.submit(
                "/admin", "/admin/staff",
                [("username", "weak"), ("name", "弱"), ("role", "auditor"), ("password", "short"), ("reason", "x")])
            #expect(weak.status == .badRequest)
            #expect(weak.body.contains("密码至少需要10个字符"))
            var archivist = TestBrowser(client)
            #expect(try await archivist.signIn("wang.li", "Archive2026pw").status == .seeOther)

            // Disabled: the session ends and signing in fails; enabled again: it works.
            _ = try await admin.get("/admin")
            #expect(try await admin.post("/admin/staff/wang.li/disable", [("reason", "调岗")]).status == .seeOther)
            #expect(try await archivist.get("/account").status != .ok, "the disabled account's session ended")
            var again = TestBrowser(client)
            #expect(try await again.signIn("wang.li", "Archive2026pw").status != .seeOther)
            _ = try await admin.get("/admin")
            #expect(try await admin.post("/admin/staff/wang.li/enable", [("reason", "返岗")]).status == .seeOther)
            // The last administrator cannot be disabled.
            _ = try await admin.get("/admin")
            let last = try await admin.post("/admin/staff/root/disable", [("reason", "试试")])
            #expect(last.status == .conflict)
            #expect(last.body.contains("最后一个"))

            // A one-time code: shown once, spent once; wrong answers all read the same.
            _ = try await admin.get("/admin")
            let issued = try await admin.post("/admin/staff/wang.li/reset-code", [("reason", "忘记密码，已当面核实身份")])
            #expect(issued.status == .ok)
            let code = try #require(issued.body.firstMatch(of: #/<strong>([A-Z2-9]{12})</strong>/#).map { String($0.output.1) })
            var person = TestBrowser(client)
            _ = try await person.get("/password-reset")
            let wrong = try await person.post(
                "/password-reset", [("username", "wang.li"), ("code", "AAAAAAAAAAAA"), ("password", "NewArchive2026")])
            let nobody = try await person.post(
                "/password-reset", [("username", "nobody"), ("code", code), ("password", "NewArchive2026")])
            #expect(wrong.status == .unprocessableContent && nobody.status == .unprocessableContent)
            #expect(wrong.body.contains("用户名或重置码不正确") && nobody.body.contains("用户名或重置码不正确"))
            let done = try await person.post(
                "/password-reset", [("username", "wang.li"), ("code", code.lowercased()), ("password", "NewArchive2026")])
            #expect(done.status == .seeOther)
            let reused = try await person.post(
                "/password-reset", [("username", "wang.li"), ("code", code), ("password", "Other2026pass")])
            #expect(reused.status == .unprocessableContent)
            var renewed = TestBrowser(client)
            #expect(try await renewed.signIn("wang.li", "NewArchive2026").status == .seeOther)

            // Every change is in the hash-chained log, with who and why; the code itself is not.
            let log = try s.store.history(AdministrationMachine.self, id: AdministrationMachine.streamID)
            #expect(log.map(\.event.name) == [
                "setUp", "staffCreated", "staffCreated", "staffDisabled", "staffEnabled", "resetCodeIssued",
            ])
            #expect(log.map(\.stored.actorRole).last == Role.administrator.rawValue)
            #expect(!log.contains { $0.stored.payload.contains(code) })
            #expect(try s.store.audit().isIntact)
        }
    }
}
