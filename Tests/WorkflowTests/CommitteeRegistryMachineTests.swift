import Domain
import Testing

@testable import Workflow

/// Committees set up by the administrator or the office head with a 文号, an odd size not below
/// the policy's minimum for the level and scope, a city or county jurisdiction and a real term;
/// experts into the pool by the office, each id once, for a committee that exists.
@Suite struct CommitteeRegistryMachineTests {
    typealias M = CommitteeRegistryMachine
    static let admin = Actor(id: "web-root", role: .administrator)

    static func committee(members: Int = 15, scope: String = "按系列", jurisdiction: String = "city") -> CommitteeSetUp {
        CommitteeSetUp(
            id: "PW-GC", name: "焦作市工程系列中级评审委员会", series: .engineering, level: .intermediate,
            jurisdiction: jurisdiction, scope: scope, memberCount: members, termStart: day("2026-01-01"),
            termEnd: day("2028-12-31"), decisionNumber: "焦职改〔2026〕3号")
    }

    static func expert(_ id: String, committee: String = "PW-GC") throws -> ExpertEntry {
        ExpertEntry(
            id: id, name: "专家", unitCreditCode: try CreditCode(CreditCode.completing("12410800MB0000001")!),
            unitName: "焦作市研究院", unitID: "U-1", title: "正高级工程师", specialties: ["机械工程"], committeeID: committee,
            termStart: day("2026-01-01"), termEnd: day("2028-12-31"), status: .active)
    }

    @Test func committeeSizeAndDecisionAtTheEdges() {
        var s = Stream<M>()
        s.refuse(.setUp(Self.committee()), as: Actors.clerk, rule: "committee-registry.role-not-allowed")
        s.refuse(.setUp(Self.committee(members: 16)), as: Self.admin, rule: "committee-registry.size")
        let small = s.refuse(.setUp(Self.committee(members: 13)), as: Self.admin, rule: "committee-registry.size")
        #expect(small?.message.contains("不少于15的单数") == true)
        // By specialty the intermediate minimum is 7.
        s.refuse(.setUp(Self.committee(members: 5, scope: "机械工程")), as: Self.admin, rule: "committee-registry.size")
        s.refuse(.setUp(Self.committee(jurisdiction: "4108")), as: Self.admin, rule: "committee-registry.jurisdiction")
        var noDecision = Self.committee()
        noDecision.decisionNumber = " "
        s.refuse(.setUp(noDecision), as: Self.admin, rule: "committee-registry.decision-missing")
        var backwards = Self.committee()
        backwards.termEnd = backwards.termStart
        s.refuse(.setUp(backwards), as: Self.admin, rule: "committee-registry.term")
        s.run(.setUp(Self.committee(members: 7, scope: "机械工程", jurisdiction: "410802")), as: Actors.head)
        s.refuse(.setUp(Self.committee()), as: Self.admin, rule: "committee-registry.committee-exists")
        #expect(s.replayed == s.state)
    }

    @Test func expertsIntoThePoolOnce() throws {
        var s = Stream<M>()
        s.refuse(.addExperts([try Self.expert("E1")], source: "手工录入"), as: Self.admin, rule: "committee-registry.unknown-committee")
        s.run(.setUp(Self.committee()), as: Self.admin)
        s.refuse(.addExperts([], source: "x"), as: Self.admin, rule: "committee-registry.no-experts")
        s.refuse(.addExperts([try Self.expert("E1")], source: "手工录入"), as: Actors.unitHR, rule: "committee-registry.role-not-allowed")
        s.refuse(.addExperts([try Self.expert("E1"), try Self.expert("E1")], source: "文件"), as: Self.admin, rule: "committee-registry.expert-exists")
        s.run(.addExperts([try Self.expert("E1"), try Self.expert("E2")], source: "导入文件 a.xlsx"), as: Actors.clerk)
        s.refuse(.addExperts([try Self.expert("E2")], source: "手工录入"), as: Self.admin, rule: "committee-registry.expert-exists")
        #expect(s.state.experts == ["E1": "PW-GC", "E2": "PW-GC"])
        #expect(s.replayed == s.state)
        #expect(s.events.allSatisfy { isChinese($0.chinese) })
    }

    /// Experts' accounts: the administrator only, for an expert of the pool who is not suspended
    /// and in term; the first is an account, the next a new code for the same user name.
    @Test func expertsAccountsFromThePool() throws {
        var s = Stream<M>()
        s.run(.setUp(Self.committee()), as: Self.admin)
        s.run(.addExperts([try Self.expert("E1")], source: "手工录入"), as: Self.admin)
        let e1 = try Self.expert("E1")
        s.refuse(.issueExpertAccount(try Self.expert("E9"), username: "E9", reason: "提前发放"), as: Self.admin, rule: "committee-registry.unknown-expert")
        s.refuse(.issueExpertAccount(e1, username: "E1", reason: "提前发放"), as: Actors.clerk, rule: "committee-registry.role-not-allowed")
        s.refuse(.issueExpertAccount(e1, username: "E1", reason: " "), as: Self.admin, rule: "committee-registry.reason-missing")
        var suspended = e1
        suspended.status = .suspended
        let refused = s.refuse(.issueExpertAccount(suspended, username: "E1", reason: "提前发放"), as: Self.admin, rule: "committee-registry.expert-suspended")
        #expect(refused?.message.contains("暂停") == true)
        s.run(.issueExpertAccount(e1, username: "E1", reason: "提前发放"), as: Self.admin)
        #expect(s.state.expertAccounts == ["E1": "E1"])
        s.refuse(.issueExpertAccount(e1, username: "other", reason: "再发"), as: Self.admin, rule: "committee-registry.account-exists")
        s.run(.issueExpertAccount(e1, username: "E1", reason: "遗失设置码"), as: Self.admin)
        #expect(s.events.map(\.name).suffix(2) == ["expertAccountIssued", "expertResetCodeIssued"])
        s.today = day("2029-01-01")
        s.refuse(.issueExpertAccount(e1, username: "E1", reason: "再发"), as: Self.admin, rule: "committee-registry.expert-term-ended")
        #expect(M.accountRefusal(e1, today: day("2028-12-31")) == nil)
        #expect(M.accountRefusal(e1, today: day("2029-01-01"))?.message.contains("聘期已于2028-12-31结束") == true)
        #expect(s.replayed == s.state)
        #expect(s.events.allSatisfy { isChinese($0.chinese) })
    }
}
