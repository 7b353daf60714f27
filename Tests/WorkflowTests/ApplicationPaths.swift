import Domain
import Foundation
import Testing

@testable import Workflow

typealias AppStream = Stream<ApplicationMachine>

/// Builds applications in every stage along a 2026 timeline on the real calendar.
enum AppPaths {
    static let profile = ApplicationProfile(
        applicationID: "A-001", personID: "p-zhang", unitID: "unit-1", series: .engineering, level: .deputySenior,
        track: .normal, currentLevel: .intermediate)
    static let pledgeHash = "pledge-v3"
    static func pledge(
        on d: Day = day("2026-02-12"), signer: String = "p-zhang", hash: String = pledgeHash
    )
        -> PledgeRecord
    {
        PledgeRecord(signerID: signer, signedAt: noon(d), textHash: hash, dataHash: "data-abc")
    }
    static func submit(_ facts: EligibilityFacts = .clear, pledge: PledgeRecord? = pledge()) -> ApplicationCommand {
        .submit(pledge: pledge, currentPledgeTextHash: pledgeHash, eligibility: facts)
    }
    /// 8 experts present, 6 yes: passes ⅔.
    static let passing = VoteTally(yes: 6, no: 1, abstain: 1, present: 8)
    /// 8 present, 5 yes: fails.
    static let failing = VoteTally(yes: 5, no: 2, abstain: 1, present: 8)

    static func reach(_ stage: ApplicationStage, profile: ApplicationProfile = profile) -> AppStream {
        var s = AppStream()
        if stage == .none { return s }
        s.today = day("2026-02-12")
        s.run(.create(profile), as: Actors.applicant)
        if stage == .draft { return s }
        s.run(submit(), as: Actors.applicant)
        if stage == .unitReview { return s }
        s.today = day("2026-02-13")
        s.run(.startUnitNotice, as: Actors.unitHR)
        if stage == .unitNotice { return s }
        s.today = day("2026-02-27")
        s.run(.recommend, as: Actors.unitHR)
        if stage == .qualificationReview { return s }
        s.today = day("2026-03-02")
        switch stage {
        case .correction, .lapsed:
            s.run(.requestCorrection(items: ["学历证书扫描件", "代表作全文"]), as: Actors.clerk)
            if stage == .lapsed {
                s.today = day("2026-03-17")
                s.run(.lapseCorrection, as: Actors.system)
            }
            return s
        case .refused:
            s.run(.refuse(reasons: ["不符合申报条件"]), as: Actors.clerk)
            return s
        case .withdrawn:
            s.run(.withdraw(reason: "个人原因"), as: Actors.applicant)
            return s
        default: break
        }
        s.today = day("2026-03-03")
        s.run(.accept, as: Actors.clerk)
        if stage == .accepted { return s }
        s.today = day("2026-03-10")
        s.run(.assignToSession(sessionID: "S-2026-01"), as: Actors.secretary)
        if stage == .inSession { return s }
        s.today = day("2026-03-20")
        if stage == .failed || stage == .reexamination {
            s.run(.recordResult(sessionID: "S-2026-01", tally: failing), as: Actors.secretary)
            if stage == .reexamination {
                s.today = day("2026-03-25")
                s.run(.requestReexamination(reason: "评审程序有误"), as: Actors.applicant)
            }
            return s
        }
        s.run(.recordResult(sessionID: "S-2026-01", tally: passing), as: Actors.secretary)
        if stage == .passed { return s }
        s.today = day("2026-03-23")
        s.run(.startPublicNotice(batchID: "GS-2026-03", startsOn: day("2026-03-23")), as: Actors.clerk)
        if stage == .publicNotice { return s }
        if stage == .investigation {
            s.today = day("2026-03-24")
            s.run(.raiseObjection(objectionID: "Y-1", summary: "代表作涉嫌抄袭"), as: Actors.publicPerson)
            return s
        }
        s.today = day("2026-03-31")
        s.run(.concludeNotice, as: Actors.system)
        if stage == .awaitingConfirmation { return s }
        s.today = day("2026-04-02")
        s.run(.confirm(documentNumber: "焦职改〔2026〕12号"), as: Actors.head)
        if stage == .confirmed || stage == .filed { return s }
        s.today = day("2026-04-03")
        s.run(.recordCertificate(number: "41082026080300001"), as: Actors.clerk)
        if stage == .certified { return s }
        s.today = day("2026-04-10")
        s.run(.archive, as: Actors.clerk)
        return s
    }

    static func reachAny(_ stage: ApplicationStage) -> AppStream {
        var p = profile
        if stage == .filed { p.unitHasSelfReviewAuthority = true }
        let s = reach(stage, profile: p)
        return s
    }
}
