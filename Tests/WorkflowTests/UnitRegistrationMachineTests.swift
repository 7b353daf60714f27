import Domain
import Testing

@testable import Workflow

/// A unit's registration: anyone applies once while it waits; only the administrator or the
/// office head decides; a refusal needs reasons and allows a new application; an account reset
/// only for a registered unit.
@Suite struct UnitRegistrationMachineTests {
    typealias M = UnitRegistrationMachine
    static let admin = Actor(id: "web-root", role: .administrator)
    static var code: CreditCode { get throws { try CreditCode(CreditCode.completing("91410800MA44XY123")!) } }
    static var application: UnitApplication {
        get throws {
        UnitApplication(
            name: "焦作市第一人民医院", creditCode: try code, kind: .publicInstitution, contactName: "李华",
            contactPhone: "0391-1234567", username: "jzyy-hr")
        }
    }

    @Test func appliedThenApprovedByTheOffice() throws {
        var s = Stream<M>()
        s.refuse(.approve(unitID: "U-1", reason: "材料齐全"), as: Self.admin, rule: "unit-registration.not-pending")
        s.refuse(.issueResetCode(reason: "忘记密码"), as: Self.admin, rule: "unit-registration.not-approved")
        s.refuse(.apply(try Self.application), as: Actors.unitHR, rule: "unit-registration.role-not-allowed")
        var blank = try Self.application
        blank.contactName = " "
        s.refuse(.apply(blank), as: Actors.publicPerson, rule: "unit-registration.contact-missing")
        s.run(.apply(try Self.application), as: Actors.publicPerson)
        #expect(s.state.stage == .pending)
        s.refuse(.apply(try Self.application), as: Actors.publicPerson, rule: "unit-registration.already-pending")
        s.refuse(.approve(unitID: "U-1", reason: "材料齐全"), as: Actors.clerk, rule: "unit-registration.role-not-allowed")
        s.refuse(.approve(unitID: "U-1", reason: "材料齐全"), as: Actors.unitHR, rule: "unit-registration.role-not-allowed")
        s.refuse(.approve(unitID: "U-1", reason: ""), as: Self.admin, rule: "unit-registration.reason-missing")
        s.run(.approve(unitID: "U-1", reason: "材料齐全"), as: Actors.head)
        #expect(s.state.stage == .approved && s.state.unitID == "U-1")
        s.refuse(.apply(try Self.application), as: Actors.publicPerson, rule: "unit-registration.already-approved")
        s.refuse(.refuse(reasons: ["晚了"]), as: Self.admin, rule: "unit-registration.not-pending")
        s.refuse(.issueResetCode(reason: "忘记密码"), as: Actors.clerk, rule: "unit-registration.role-not-allowed")
        s.run(.issueResetCode(reason: "人事经办人更换"), as: Self.admin)
        #expect(s.replayed == s.state)
        #expect(s.events.map(\.name) == ["applied", "approved", "resetCodeIssued"])
    }

    @Test func refusedWithReasonsThenAppliesAgain() throws {
        var s = Stream<M>()
        s.run(.apply(try Self.application), as: Actors.publicPerson)
        s.refuse(.refuse(reasons: []), as: Self.admin, rule: "unit-registration.reasons-missing")
        s.refuse(.refuse(reasons: ["  "]), as: Self.admin, rule: "unit-registration.reasons-missing")
        s.run(.refuse(reasons: ["单位名称与营业执照不一致", " "]), as: Self.admin)
        #expect(s.state.stage == .refused && s.state.refusals == ["单位名称与营业执照不一致"])
        s.refuse(.approve(unitID: "U-1", reason: "x"), as: Self.admin, rule: "unit-registration.not-pending")
        s.run(.apply(try Self.application), as: Actors.publicPerson)
        #expect(s.state.stage == .pending && s.state.refusals.isEmpty)
        #expect(s.replayed == s.state)
        #expect(s.events.allSatisfy { isChinese($0.chinese) })
    }

    /// The unit's administrator (its registered HR account, `web-jzyy-hr` of unit U-1) alone
    /// manages the unit's reviewers: another HR account of the unit, another unit's HR account
    /// and the office are refused; a reviewer of another unit is unknown here.
    @Test func theUnitsAdministratorManagesItsReviewers() throws {
        var s = Stream<M>()
        let unitAdmin = Actor(id: "web-jzyy-hr", role: .unitHR, unitID: "U-1")
        s.run(.apply(try Self.application), as: Actors.publicPerson)
        s.refuse(.addReviewer(username: "rev1", displayName: "王审核", reason: "新增"), as: unitAdmin, rule: "unit-registration.not-unit-administrator")
        s.run(.approve(unitID: "U-1", reason: "材料齐全"), as: Self.admin)
        let reviewer = Actor(id: "web-rev1", role: .unitHR, unitID: "U-1")
        let otherUnit = Actor(id: "web-jzyy-hr", role: .unitHR, unitID: "U-2")
        for actor in [reviewer, otherUnit] {
            s.refuse(.addReviewer(username: "rev2", displayName: "李审核", reason: "新增"), as: actor, rule: "unit-registration.not-unit-administrator")
        }
        s.refuse(.addReviewer(username: "rev1", displayName: "王审核", reason: "新增"), as: Self.admin, rule: "unit-registration.role-not-allowed")
        s.refuse(.addReviewer(username: "jzyy-hr", displayName: "王审核", reason: "新增"), as: unitAdmin, rule: "unit-registration.username-taken")
        s.refuse(.addReviewer(username: "rev1", displayName: "王审核", reason: " "), as: unitAdmin, rule: "unit-registration.reason-missing")
        s.run(.addReviewer(username: "rev1", displayName: "王审核", reason: "新增审核人员"), as: unitAdmin)
        #expect(s.state.reviewers == ["rev1": true])
        s.refuse(.setReviewerEnabled(username: "other-unit-rev", enabled: false, reason: "调岗"), as: unitAdmin, rule: "unit-registration.unknown-reviewer")
        s.refuse(.setReviewerEnabled(username: "rev1", enabled: true, reason: "调岗"), as: unitAdmin, rule: "unit-registration.already-enabled")
        s.run(.setReviewerEnabled(username: "rev1", enabled: false, reason: "调岗"), as: unitAdmin)
        s.refuse(.issueReviewerCode(username: "rev1", reason: "忘记密码"), as: unitAdmin, rule: "unit-registration.reviewer-disabled")
        s.run(.setReviewerEnabled(username: "rev1", enabled: true, reason: "返岗"), as: unitAdmin)
        s.run(.issueReviewerCode(username: "rev1", reason: "忘记密码"), as: unitAdmin)
        #expect(s.events.map(\.name).suffix(4) == ["reviewerAdded", "reviewerDisabled", "reviewerEnabled", "reviewerCodeIssued"])
        #expect(s.replayed == s.state)
        #expect(s.events.allSatisfy { isChinese($0.chinese) })
    }
}
