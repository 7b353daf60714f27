import Domain
import Foundation
import Store
import Testing
import Workflow

/// `pingshen admin scope` (seed item 6): the administrator sets the county 县（市、区） a clerk,
/// head or secretary works for — stored with the account (its actor carries it, so every
/// machine checks it) and recorded in the administration log with the reason; an auditor's
/// account or a county the policy does not list is refused in Chinese; `city` clears it.
@Suite struct CountyScopeCommandTests {
    @Test func theAdministratorSetsAStaffAccountsCounty() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/office.sqlite"
        let set = try InitAndAdminCommandTests.run(
            ["init", "--db", db, "--office", "焦作市职称改革领导小组办公室", "--fonds", "J012", "--admin", "root"],
            input: "Jiaozuo2026pw\n")
        #expect(set.status == 0, "\(set.stderr)")
        for (user, role) in [("xwclerk", "office-clerk"), ("audit1", "auditor")] {
            let added = try InitAndAdminCommandTests.run(
                ["admin", "add", "--db", db, "--as", "root", "--reason", "新入职", "--username", user, "--name", "某某",
                 "--role", role],
                input: "Clerk2026pass1\n")
            #expect(added.status == 0, "\(added.stderr)")
        }
        let scope = ["admin", "scope", "--db", db, "--as", "root", "--reason", "修武县人社局职改股经办人"]
        let unknown = try CLI.run(scope + ["--username", "xwclerk", "--county", "410899"])
        #expect(unknown.status != 0 && unknown.stderr.contains("“410899”不在本市县（市、区）名单中"))
        let auditor = try CLI.run(scope + ["--username", "audit1", "--county", "410821"])
        #expect(auditor.status != 0 && auditor.stderr.contains("审计人员"))

        let done = try CLI.run(scope + ["--username", "xwclerk", "--county", "410821"])
        #expect(done.status == 0, "\(done.stderr)")
        let store = try EventStore(path: db)
        let account = try #require(try store.account(username: "xwclerk"))
        #expect(account.county == "410821" && account.actor.county == "410821")
        #expect(try store.account(username: "audit1")?.county == nil)
        let log = try store.history(AdministrationMachine.self, id: AdministrationMachine.streamID)
        let last = try #require(log.last)
        #expect(last.event.name == "staffScopeSet")
        #expect(last.event.chinese.contains("县（市、区）410821") && last.event.chinese.contains("修武县人社局职改股经办人"))
        #expect(try store.load(AdministrationMachine.self, id: AdministrationMachine.streamID)?.state
            .accounts["xwclerk"]?.county == "410821")

        #expect(try CLI.run(scope + ["--username", "xwclerk", "--county", "city"]).status == 0)
        #expect(try EventStore(path: db).account(username: "xwclerk")?.county == nil)
        #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
    }
}
