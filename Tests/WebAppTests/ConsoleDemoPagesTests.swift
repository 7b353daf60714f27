import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// The consoles' pages over a whole demo season (every stage, checks, revocations, records):
/// each renders and is well-formed XHTML. Read-only: only accounts are added to the store.
@Suite struct ConsoleDemoPagesTests {
    @Test func everyConsolePageOnTheDemoSeasonIsWellFormed() async throws {
        let fixture = try WebFixture.get()
        let store = fixture.store
        let hash = try await PasswordHasher(cost: 4).hash(ConsoleScenario.password)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let unit = try #require(try store.units(limit: 2).last)
        _ = try store.insertAccount(
            NewAccount(username: "demo-head-\(suffix)", passwordHash: hash, role: .officeHead, displayName: "负责人"),
            now: Date())
        _ = try store.insertAccount(
            NewAccount(
                username: "demo-hr-\(suffix)", passwordHash: hash, role: .unitHR, displayName: "人事处", unitID: unit.id),
            now: Date())
        try await fixture.withApp { client in
            var head = TestBrowser(client)
            try await head.signIn("demo-head-\(suffix)")
            var paths = ["/office", "/office/notice", "/office/confirm", "/office/certificates", "/office/checks", "/office/records"]
            // One application of every status there is, and every check.
            for (status, _) in try store.statusCounts(kind: ApplicationMachine.kind) {
                paths.append("/office?status=\(status)")
                if let id = try store.streamIDs(ApplicationMachine.self, status: status).first {
                    paths.append("/office/applications/\(id)")
                }
            }
            for id in try store.streamIDs(PostHocCheckMachine.self).prefix(5) { paths.append("/office/checks/\(id)") }
            #expect(paths.count > 15)
            for path in paths {
                let page = try await head.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(try xmllintProblems(page.body) == "", "\(path)")
            }
            let records = try await head.get("/office/records")
            #expect(records.body.contains("已暂停") || records.body.contains("暂停"))

            var hr = TestBrowser(client)
            try await hr.signIn("demo-hr-\(suffix)")
            let home = try await hr.get("/unit")
            #expect(home.status == .ok)
            #expect(try xmllintProblems(home.body) == "")
            let own = try store.streamIDs(ApplicationMachine.self).filter {
                try store.load(ApplicationMachine.self, id: $0)?.state.profile?.unitID == unit.id
            }
            #expect(home.body.contains("共 \(own.count) 件"))
            for id in own.prefix(3) {
                let page = try await hr.get("/unit/applications/\(id)")
                #expect(page.status == .ok)
                #expect(try xmllintProblems(page.body) == "", "\(id)")
            }
        }
    }
}
