import Domain
import Foundation
import Store
import Testing
import Workflow

/// `pingshen self-review grant|withdraw` (seed item 6): the office head grants a registered unit
/// self-review of series × levels under a 文号 and withdraws it under another; a clerk is
/// refused naming the rule, an unknown unit or series is refused in Chinese, and the
/// registry's flag follows the stream.
@Suite struct SelfReviewCommandTests {
    @Test func theHeadGrantsAndWithdrawsByDecision() throws {
        let (_, db) = try ExpertsCommandTests.setUp()
        let store = try EventStore(path: db)
        try store.write { tx in
            try tx.insert(
                UnitRecord(
                    id: "U-U1", name: "焦作大学", creditCode: try CreditCode(CreditCode.completing("12410800MB0000009")!),
                    kind: .publicInstitution, hasSelfReviewAuthority: false))
        }
        for a in [
            NewAccount(username: "head", passwordHash: "-", role: .officeHead, displayName: "负责人"),
            NewAccount(username: "clerk", passwordHash: "-", role: .officeClerk, displayName: "经办人"),
        ] { _ = try store.insertAccount(a, now: Date()) }
        let grant = [
            "self-review", "grant", "U-U1", "--db", db, "--series", "higher-education-teachers", "--level", "deputy-senior",
            "--level", "full-senior", "--decision", "焦人社〔2026〕5号",
        ]
        let byClerk = try CLI.run(grant + ["--as", "clerk"])
        #expect(byClerk.status == 1)
        #expect(byClerk.stdout.contains("unit.role-not-allowed") || byClerk.stderr.contains("unit.role-not-allowed"))
        #expect(try store.unit("U-U1")?.hasSelfReviewAuthority == false)
        let unknownSeries = try CLI.run([
            "self-review", "grant", "U-U1", "--db", db, "--as", "head", "--series", "teachers", "--level", "intermediate",
            "--decision", "焦人社〔2026〕5号",
        ])
        #expect(unknownSeries.status != 0 && unknownSeries.stderr.contains("未知的职称系列"))
        let unknownUnit = try CLI.run(
            ["self-review", "grant", "U-X", "--db", db, "--as", "head", "--series", "health", "--level", "intermediate",
             "--decision", "焦人社〔2026〕6号"])
        #expect(unknownUnit.status == 1)

        let granted = try CLI.run(grant + ["--as", "head"])
        #expect(granted.status == 0, "\(granted.stdout) \(granted.stderr)")
        #expect(granted.stdout.contains("高等学校教师（正高级、副高级）"))
        #expect(try store.unit("U-U1")?.hasSelfReviewAuthority == true)
        #expect(try store.selfReviewGrant(unit: "U-U1")?.covers(.higherEducationTeachers, .fullSenior) == true)

        let withdrawn = try CLI.run([
            "self-review", "withdraw", "U-U1", "--db", db, "--as", "head", "--reason", "评审质量抽查不合格", "--decision",
            "焦人社〔2026〕9号",
        ])
        #expect(withdrawn.status == 0, "\(withdrawn.stdout) \(withdrawn.stderr)")
        #expect(try store.unit("U-U1")?.hasSelfReviewAuthority == false)
        #expect(try store.audit().isIntact)
    }

    /// Without `--decision` the grant and the withdrawal take the next 文号s of the office's
    /// gap-free counter (the policy's prefix and the day's year), one after the other.
    @Test func withoutADecisionNumberTheCounterGivesIt() throws {
        let (_, db) = try ExpertsCommandTests.setUp()
        let store = try EventStore(path: db)
        try store.write { tx in
            try tx.insert(
                UnitRecord(
                    id: "U-U2", name: "焦作市人民医院", creditCode: try CreditCode(CreditCode.completing("12410800MB0000010")!),
                    kind: .publicInstitution, hasSelfReviewAuthority: false))
        }
        _ = try store.insertAccount(
            NewAccount(username: "head", passwordHash: "-", role: .officeHead, displayName: "负责人"), now: Date())
        let granted = try CLI.run([
            "self-review", "grant", "U-U2", "--db", db, "--as", "head", "--series", "health", "--level", "full-senior",
        ])
        #expect(granted.status == 0, "\(granted.stdout) \(granted.stderr)")
        let grant = try #require(try store.selfReviewGrant(unit: "U-U2"))
        let year = grant.from.year
        let first = try #require(grant.decisionNumber.firstMatch(of: #/^焦职改〔(\d{4})〕(\d+)号$/#))
        #expect(Int(first.output.1) == year)
        #expect(granted.stdout.contains(grant.decisionNumber))
        let withdrawn = try CLI.run([
            "self-review", "withdraw", "U-U2", "--db", db, "--as", "head", "--reason", "评审委员会组建不符合要求",
        ])
        #expect(withdrawn.status == 0, "\(withdrawn.stdout) \(withdrawn.stderr)")
        let next = "焦职改〔\(year)〕\(Int(first.output.2)! + 1)号"
        #expect(withdrawn.stdout.contains(next))
        let log = try store.history(UnitStandingMachine.self, id: "U-U2")
        guard case .selfReviewWithdrawn(_, let number, _)? = log.last?.event else {
            Issue.record("no withdrawal in the log")
            return
        }
        #expect(number == next)
    }
}
