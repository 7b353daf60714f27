import Domain
import Foundation
import Testing

@testable import Workflow

@Suite struct ApplicationMachineTests {
    // MARK: - the whole path

    @Test func everyStageIsReachableAndReplayable() {
        for stage in ApplicationStage.allCases {
            let s = AppPaths.reachAny(stage)
            #expect(s.state.stage == stage, "reaching \(stage)")
            #expect(s.replayed == s.state, "replay of \(stage)")
            #expect(ApplicationMachine.status(of: s.state) == stage.rawValue)
            #expect(isChinese(stage.chinese))
        }
    }

    @Test func happyPathIssuesTheDocumentsOfEachStep() {
        var s = AppStream()
        s.today = day("2026-02-12")
        let created = s.run(.create(AppPaths.profile), as: Actors.applicant)
        #expect(created?.events == [.created(profile: AppPaths.profile, on: day("2026-02-12"))])
        #expect(s.state.stage == .draft)
        #expect(ApplicationMachine.status(of: s.state) == "draft")

        let submitted = s.run(AppPaths.submit(), as: Actors.applicant)
        #expect(
            submitted?.documents == [
                DocumentRequest(.pledge, subject: "A-001"), DocumentRequest(.declarationForm, subject: "A-001"),
            ])
        #expect(s.state.pledge == AppPaths.pledge())
        #expect(s.state.stage == .unitReview)

        s.today = day("2026-02-13")
        s.run(.startUnitNotice, as: Actors.unitHR)
        #expect(s.state.unitNoticeStartedOn == day("2026-02-13"))
        s.today = day("2026-02-27")
        let recommended = s.run(.recommend, as: Actors.unitHR)
        #expect(recommended?.events == [.recommended(on: day("2026-02-27"), workingDaysElapsed: 5)])
        #expect(s.state.stage == .qualificationReview)

        s.today = day("2026-03-03")
        #expect(s.run(.accept, as: Actors.clerk)?.documents == [DocumentRequest(.acceptanceNotice, subject: "A-001")])
        #expect(s.state.stage == .accepted)
        s.run(.assignToSession(sessionID: "S-1"), as: Actors.secretary)
        #expect(s.state.stage == .inSession && s.state.sessionID == "S-1")
        s.today = day("2026-03-20")
        let result = s.run(.recordResult(sessionID: "S-1", tally: AppPaths.passing), as: Actors.system)
        #expect(
            result?.events == [
                .resultRecorded(sessionID: "S-1", tally: AppPaths.passing, passed: true, on: day("2026-03-20"))
            ])
        #expect(s.state.stage == .passed)

        s.today = day("2026-03-23")
        let notice = s.run(.startPublicNotice(batchID: "GS-7", startsOn: day("2026-03-23")), as: Actors.clerk)
        #expect(notice?.documents == [DocumentRequest(.publicNotice, subject: "GS-7")])
        #expect(
            notice?.events == [.publicNoticeStarted(batchID: "GS-7", start: day("2026-03-23"), end: day("2026-03-30"))])
        s.today = day("2026-03-31")
        s.run(.concludeNotice, as: Actors.clerk)
        #expect(s.state.stage == .awaitingConfirmation)

        s.today = day("2026-04-02")
        let confirmed = s.run(.confirm(documentNumber: "焦职改〔2026〕12号"), as: Actors.head)
        #expect(confirmed?.events == [.confirmed(documentNumber: "焦职改〔2026〕12号", on: day("2026-04-02"))])
        #expect(
            confirmed?.documents == [
                DocumentRequest(.qualificationNotice, subject: "A-001"),
                DocumentRequest(.certificate, subject: "A-001"),
            ])
        s.run(.recordCertificate(number: "41082026080300001"), as: Actors.clerk)
        #expect(s.state.stage == .certified && s.state.certificateNumber == "41082026080300001")
        s.run(.archive, as: Actors.system)
        #expect(s.state.stage == .archived)
        #expect(s.replayed == s.state)
        #expect(s.events.count == 12)
    }

    @Test func selfReviewingUnitFilesInsteadOfConfirming() {
        var s = AppPaths.reach(
            .awaitingConfirmation,
            profile: {
                var p = AppPaths.profile
                p.unitHasSelfReviewAuthority = true
                return p
            }())
        let d = s.run(.confirm(documentNumber: "某大学〔2026〕3号"), as: Actors.head)
        #expect(d?.events == [.filed(documentNumber: "某大学〔2026〕3号", on: s.today)])
        #expect(d?.documents.map(\.kind) == [.qualificationNotice, .certificate])
        #expect(s.state.stage == .filed)
        s.run(.recordCertificate(number: "X1"), as: Actors.clerk)
        #expect(s.state.stage == .certified)
    }

    // MARK: - creation and submission

    @Test func createRefusals() {
        let s = AppStream()
        var other = AppPaths.profile
        other.personID = "p-li"
        s.refuse(.create(other), as: Actors.applicant, rule: "application.not-owner")
        s.refuse(.create(AppPaths.profile), as: Actors.clerk, rule: "application.role-not-allowed")
        var blank = AppPaths.profile
        blank.applicationID = " "
        s.refuse(.create(blank), as: Actors.applicant, rule: "application.id-missing")
        let draft = AppPaths.reach(.draft)
        draft.refuse(.create(AppPaths.profile), as: Actors.applicant, rule: "application.invalid-transition")
        // Nothing but create works on an empty stream.
        s.refuse(.accept, as: Actors.clerk, rule: "application.invalid-transition")
    }

    @Test func submitNeedsTheCurrentPledgeSignedByTheApplicant() {
        let s = AppPaths.reach(.draft)
        s.refuse(AppPaths.submit(pledge: nil), as: Actors.applicant, rule: "application.pledge-missing")
        s.refuse(
            AppPaths.submit(pledge: AppPaths.pledge(hash: "pledge-v2")), as: Actors.applicant,
            rule: "application.pledge-outdated")
        s.refuse(
            AppPaths.submit(pledge: AppPaths.pledge(signer: "p-li")), as: Actors.applicant,
            rule: "application.pledge-signer")
        var noData = AppPaths.pledge()
        noData.dataHash = ""
        s.refuse(AppPaths.submit(pledge: noData), as: Actors.applicant, rule: "application.pledge-data-hash-missing")
        s.refuse(AppPaths.submit(), as: Actors.otherApplicant, rule: "application.not-owner")
        s.refuse(AppPaths.submit(), as: Actors.unitHR, rule: "application.role-not-allowed")
    }

    /// The three bars at their edges. `until` is the first day one may apply again: on the day
    /// before it the submission is refused and the refusal names both the last barred day and
    /// that day; on the day itself the submission goes through.
    @Test(arguments: [
        (
            EligibilityFacts(blacklistedUntil: day("2026-02-13")), "application.blacklisted",
            "2026年2月12日止，2026年2月13日起方可申报"
        ),
        (
            EligibilityFacts(unitSuspendedUntil: day("2026-02-13")), "application.unit-suspended",
            "2026年2月12日止，2026年2月13日起方可推荐申报"
        ),
        (
            EligibilityFacts(sanctionedUntil: day("2026-02-13")), "application.sanctioned",
            "2026年2月12日止，2026年2月13日起方可申报"
        ),
    ])
    func barsHoldTheDayBeforeTheirEndAndLiftOnIt(facts: EligibilityFacts, rule: String, wording: String) {
        var s = AppPaths.reach(.draft)
        #expect(s.today == day("2026-02-12"))
        let r = s.refuse(AppPaths.submit(facts), as: Actors.applicant, rule: rule)
        #expect(r?.message.contains(wording) == true, "\(r?.message ?? "")")
        s.today = day("2026-02-13")
        s.run(AppPaths.submit(facts), as: Actors.applicant)
        #expect(s.state.stage == .unitReview)
    }

    @Test func blacklistRefusesUntilItsEndDayAndNamesIt() {
        let s = AppPaths.reach(.draft)  // today 2026-02-12
        let r = s.refuse(
            AppPaths.submit(EligibilityFacts(blacklistedUntil: day("2027-03-01"))), as: Actors.applicant,
            rule: "application.blacklisted")
        #expect(r?.message.contains("2027年2月28日止，2027年3月1日起方可申报") == true)
        // An end already reached does not block.
        var t = s
        t.run(AppPaths.submit(EligibilityFacts(blacklistedUntil: day("2026-02-11"))), as: Actors.applicant)
        #expect(t.state.stage == .unitReview)
    }

    @Test func otherEligibilityGates() {
        let s = AppPaths.reach(.draft)
        let r = s.refuse(
            AppPaths.submit(EligibilityFacts(unitSuspendedUntil: day("2028-01-31"))), as: Actors.applicant,
            rule: "application.unit-suspended")
        #expect(r?.message.contains("2028年1月30日止，2028年1月31日起方可推荐申报") == true)
        s.refuse(AppPaths.submit(EligibilityFacts(isRetired: true)), as: Actors.applicant, rule: "application.retired")
        s.refuse(
            AppPaths.submit(EligibilityFacts(sanctionedUntil: day("2026-06-30"))), as: Actors.applicant,
            rule: "application.sanctioned")
    }

    /// Submits a draft with this target level, current level and track; nil when accepted.
    func levelRefusal(_ level: Level, current: Level?, track: Track = .normal) -> String? {
        var p = AppPaths.profile
        p.level = level
        p.currentLevel = current
        p.track = track
        var s = AppStream()
        s.today = day("2026-02-12")
        s.run(.create(p), as: Actors.applicant)
        do {
            _ = try ApplicationMachine.decide(AppPaths.submit(), state: s.state, context: s.context(Actors.applicant))
            return nil
        } catch { return error.rule }
    }

    @Test func levelsGoOneAtATimeUnlessTheTrackAllowsAJump() {
        #expect(levelRefusal(.deputySenior, current: .intermediate) == nil)
        #expect(levelRefusal(.fullSenior, current: .deputySenior) == nil)
        #expect(levelRefusal(.assistant, current: .technician) == nil)
        #expect(levelRefusal(.fullSenior, current: .intermediate) == "application.level-jump")
        #expect(levelRefusal(.deputySenior, current: .assistant) == "application.level-jump")
        #expect(levelRefusal(.intermediate, current: .intermediate) == "application.level-not-higher")
        #expect(levelRefusal(.assistant, current: .intermediate) == "application.level-not-higher")
        // No title yet: only the entry levels.
        #expect(levelRefusal(.assistant, current: nil) == nil)
        #expect(levelRefusal(.technician, current: nil) == nil)
        #expect(levelRefusal(.intermediate, current: nil) == "application.level-jump")
        // Tracks that allow a jump; those that do not.
        #expect(levelRefusal(.fullSenior, current: .intermediate, track: .exceptional) == nil)
        #expect(levelRefusal(.deputySenior, current: nil, track: .greenChannel) == nil)
        #expect(levelRefusal(.fullSenior, current: nil, track: .specialEvaluation) == nil)
        #expect(levelRefusal(.deputySenior, current: .intermediate, track: .greenChannel) == nil)
        #expect(
            levelRefusal(.intermediate, current: .intermediate, track: .greenChannel) == "application.level-not-higher")
        #expect(levelRefusal(.deputySenior, current: nil, track: .youthRecommendation) == "application.level-jump")
        #expect(levelRefusal(.fullSenior, current: .intermediate, track: .skillsBridge) == "application.level-jump")
    }

    // MARK: - unit review

    @Test func unitNoticeMustRunFiveWorkingDaysAcrossTheSpringFestival() throws {
        // 5 working days from Friday 2026-02-13 (02-14 is a make-up Saturday) is 2026-02-27.
        #expect(try Rules.real.calendar.adding(workingDays: 5, to: day("2026-02-13")) == day("2026-02-27"))
        var s = AppPaths.reach(.unitNotice)
        #expect(s.state.unitNoticeStartedOn == day("2026-02-13"))
        for early in ["2026-02-13", "2026-02-14", "2026-02-23", "2026-02-26"] {
            s.today = day(early)
            let r = s.refuse(.recommend, as: Actors.unitHR, rule: "application.unit-notice-too-short")
            #expect(r?.message.contains("2026年2月27日") == true)
        }
        s.today = day("2026-02-27")
        s.run(.recommend, as: Actors.unitHR)
        #expect(s.state.stage == .qualificationReview)
        #expect(s.state.recommendedOn == day("2026-02-27"))
    }

    @Test func unitMustPostANoticeBeforeRecommending() {
        let s = AppPaths.reach(.unitReview)
        s.refuse(.recommend, as: Actors.unitHR, rule: "application.unit-notice-missing")
    }

    @Test func unitHRActsOnlyForItsOwnUnit() {
        let s = AppPaths.reach(.unitReview)
        s.refuse(.startUnitNotice, as: Actors.otherUnitHR, rule: "application.not-owner")
        s.refuse(.returnToApplicant(reason: "x"), as: Actors.otherUnitHR, rule: "application.not-owner")
        let hrWithoutUnit = Actor(id: "hr", role: .unitHR)
        s.refuse(.startUnitNotice, as: hrWithoutUnit, rule: "application.not-owner")
    }

    @Test func unitReturnsToTheApplicantWhoResubmits() {
        for stage in [ApplicationStage.unitReview, .unitNotice] {
            var s = AppPaths.reach(stage)
            s.refuse(.returnToApplicant(reason: "  "), as: Actors.unitHR, rule: "application.reason-missing")
            s.run(.returnToApplicant(reason: "业绩材料不全"), as: Actors.unitHR)
            #expect(s.state.stage == .draft)
            #expect(s.state.unitReturnReason == "业绩材料不全")
            #expect(s.state.pledge == nil && s.state.unitNoticeStartedOn == nil)
            s.run(AppPaths.submit(), as: Actors.applicant)
            #expect(s.state.stage == .unitReview && s.state.unitReturnReason == nil)
            #expect(s.replayed == s.state)
        }
    }

    // MARK: - qualification review

    @Test func correctionListsEveryItemOnceWithAWorkingDayDeadline() {
        var s = AppPaths.reach(.qualificationReview)
        s.today = day("2026-03-02")
        s.refuse(.requestCorrection(items: []), as: Actors.clerk, rule: "application.correction-items-empty")
        s.refuse(.requestCorrection(items: [" ", ""]), as: Actors.clerk, rule: "application.correction-items-empty")
        let d = s.run(.requestCorrection(items: ["学历证书", " 论文原件 ", ""]), as: Actors.clerk)
        // 10 working days after Monday 2026-03-02.
        #expect(
            d?.events == [
                .correctionRequested(items: ["学历证书", "论文原件"], on: day("2026-03-02"), deadline: day("2026-03-16"))
            ])
        #expect(d?.documents == [DocumentRequest(.correctionNotice, subject: "A-001")])
        #expect(s.state.stage == .correction)
        #expect(ApplicationMachine.status(of: s.state) == "correction-pending")

        s.refuse(.answerCorrection(note: "x"), as: Actors.otherApplicant, rule: "application.not-owner")
        s.today = day("2026-03-16")  // the deadline itself is still in time
        s.run(.answerCorrection(note: "已补交"), as: Actors.applicant)
        #expect(s.state.stage == .qualificationReview)
        #expect(s.state.correction?.answeredOn == day("2026-03-16"))
        // Only one correction notice per application, ever.
        let r = s.refuse(
            .requestCorrection(items: ["再补一份"]), as: Actors.clerk, rule: "application.correction-already-used")
        #expect(r?.message.contains("一次性") == true)
        s.run(.accept, as: Actors.clerk)
        #expect(s.state.stage == .accepted)
    }

    /// A correction that names fields is answered with the corrected declaration: the pledge
    /// signed again (by the applicant) becomes the binding one, and the 申报表 and 承诺书 are
    /// issued again; without a new pledge it is refused.
    @Test func correctionNamingFieldsNeedsTheSignedPledgeAndReissuesTheDossier() {
        var s = AppPaths.reach(.qualificationReview)
        s.today = day("2026-03-02")
        let d = s.run(.requestCorrection(items: ["联系电话", "附件：其他证明材料"], fields: ["phone", "other_materials"]), as: Actors.clerk)
        #expect(
            d?.events == [
                .correctionRequested(
                    items: ["联系电话", "附件：其他证明材料"], on: day("2026-03-02"), deadline: day("2026-03-16"),
                    fields: ["phone", "other_materials"])
            ])
        #expect(s.state.correction?.fields == ["phone", "other_materials"])
        s.refuse(.answerCorrection(note: "改了"), as: Actors.applicant, rule: "application.correction-pledge-missing")
        let someoneElse = PledgeRecord(signerID: "p-li", signedAt: noon(s.today), textHash: "t", dataHash: "d2")
        s.refuse(
            .answerCorrection(note: "改了", pledge: someoneElse), as: Actors.applicant, rule: "application.pledge-signer")
        let pledge = PledgeRecord(signerID: "p-zhang", signedAt: noon(s.today), textHash: "t", dataHash: "d2")
        let answered = s.run(.answerCorrection(note: "已更正", pledge: pledge), as: Actors.applicant)
        #expect(answered?.documents == [DocumentRequest(.pledge, subject: "A-001"), DocumentRequest(.declarationForm, subject: "A-001")])
        #expect(s.state.pledge == pledge)
        #expect(s.state.stage == .qualificationReview)
    }

    /// Seed item 4: while its unit is suspended, the unit can take no step (notice, recommend,
    /// return) and the office cannot accept its applications; the refusal names the end. On the
    /// first day after the suspension everything goes on.
    @Test func aSuspendedUnitTakesNoStepAndItsApplicationsAreNotAccepted() {
        let until = day("2026-06-01")  // suspended through 2026-05-31
        for (stage, command, actor) in [
            (ApplicationStage.unitReview, ApplicationCommand.startUnitNotice, Actors.unitHR),
            (.unitReview, .returnToApplicant(reason: "材料不全"), Actors.unitHR),
            (.unitNotice, .recommend, Actors.unitHR),
            (.qualificationReview, .accept, Actors.clerk),
        ] {
            var s = AppPaths.reach(stage)
            s.unitSuspendedUntil = until
            s.today = day("2026-05-29")  // a Friday, the suspension in force
            let r = s.refuse(command, as: actor, rule: "application.unit-suspended-step")
            #expect(r?.message.contains("2026年5月31日止，2026年6月1日起恢复") == true, "\(r?.message ?? "")")
            s.today = until  // 2026-06-01, a Monday: the first day in good standing
            s.run(command, as: actor)
            #expect(ApplicationMachine.needsUnitStanding(command))
        }
        #expect(!ApplicationMachine.needsUnitStanding(.lapseCorrection))
    }

    /// Events written before fields were named decode and keep their bytes: nil is never written.
    @Test func correctionEventsWithoutFieldsKeepTheirOldShape() throws {
        let old = ApplicationEvent.correctionRequested(items: ["学历证书"], on: day("2026-03-02"), deadline: day("2026-03-16"))
        let json = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!json.contains("fields"))
        let answered = ApplicationEvent.correctionAnswered(note: "x", on: day("2026-03-02"))
        #expect(!String(decoding: try JSONEncoder().encode(answered), as: UTF8.self).contains("pledge"))
        let legacy = #"{"correctionRequested":{"items":["学历证书"],"on":"2026-03-02","deadline":"2026-03-16"}}"#
        #expect(try JSONDecoder().decode(ApplicationEvent.self, from: Data(legacy.utf8)) == old)
    }

    @Test func correctionCorrectionDeadlineAcrossTheSpringFestival() {
        var s = AppPaths.reach(.qualificationReview)
        s.today = day("2026-02-13")
        s.run(.requestCorrection(items: ["学历证书"]), as: Actors.clerk)
        // 02-14 (make-up Sat), 02-24 … 02-27, 02-28 (make-up Sat), 03-02 … 03-05
        #expect(s.state.correction?.deadline == day("2026-03-05"))
    }

    @Test func unansweredCorrectionLapsesOnlyAfterTheDeadline() {
        var s = AppPaths.reach(.correction)  // deadline 2026-03-16
        for d in ["2026-03-02", "2026-03-13", "2026-03-16"] {
            s.today = day(d)
            let r = s.refuse(.lapseCorrection, as: Actors.system, rule: "application.correction-deadline-not-passed")
            #expect(r?.message.contains("2026年3月16日") == true)
            s.refuse(.tick, as: Actors.system, rule: "application.nothing-due")
            #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == nil)
        }
        s.today = day("2026-03-17")
        s.refuse(.lapseCorrection, as: Actors.clerk, rule: "application.role-not-allowed")
        s.refuse(.answerCorrection(note: "迟交"), as: Actors.applicant, rule: "application.correction-overdue")
        #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == .lapseCorrection)
        let d = s.run(.tick, as: Actors.system)
        #expect(d?.events == [.lapsed(deadline: day("2026-03-16"), on: day("2026-03-17"))])
        #expect(s.state.stage == .lapsed)
        #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == nil)
        s.refuse(.answerCorrection(note: "x"), as: Actors.applicant, rule: "application.invalid-transition")
    }

    @Test func refusalNeedsReasonsAndIssuesANotice() {
        var s = AppPaths.reach(.qualificationReview)
        s.refuse(.refuse(reasons: []), as: Actors.clerk, rule: "application.refusal-reasons-empty")
        s.refuse(.refuse(reasons: ["  "]), as: Actors.clerk, rule: "application.refusal-reasons-empty")
        let d = s.run(.refuse(reasons: ["任职年限不足", "", "继续教育学时不足"]), as: Actors.clerk)
        #expect(d?.documents == [DocumentRequest(.refusalNotice, subject: "A-001")])
        #expect(s.state.refusalReasons == ["任职年限不足", "继续教育学时不足"])
        #expect(s.state.stage == .refused)
        #expect(s.state.decisionNoticeOn == s.today)
    }

    // MARK: - committee result

    @Test func resultIsRecordedFromTheSessionsTallyAtTheTwoThirdsEdge() {
        var pass = AppPaths.reach(.inSession)
        pass.run(
            .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 6, no: 2, abstain: 0, present: 8)),
            as: Actors.secretary)
        #expect(pass.state.stage == .passed)
        var fail = AppPaths.reach(.inSession)
        fail.run(
            .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 5, no: 0, abstain: 3, present: 8)),
            as: Actors.clerk)
        #expect(fail.state.stage == .failed)
        #expect(fail.state.result?.passed == false)
        #expect(fail.state.decisionNoticeOn == fail.today)
        // 11 present: 8 yes needed (7.33 rounds up).
        var eleven = AppPaths.reach(.inSession)
        eleven.run(
            .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 7, no: 4, abstain: 0, present: 11)),
            as: Actors.system)
        #expect(eleven.state.stage == .failed)

        let s = AppPaths.reach(.inSession)
        s.refuse(
            .recordResult(sessionID: "S-OTHER", tally: AppPaths.passing), as: Actors.secretary,
            rule: "application.session-mismatch")
        s.refuse(
            .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 6, no: 0, abstain: 0, present: 8)),
            as: Actors.secretary,
            rule: "application.tally-invalid")
        s.refuse(
            .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 0, no: 0, abstain: 0, present: 0)),
            as: Actors.secretary,
            rule: "application.tally-invalid")
        s.refuse(
            .recordResult(sessionID: "S-2026-01", tally: AppPaths.passing), as: Actors.head,
            rule: "application.role-not-allowed")
    }

    @Test func assignmentNeedsASessionID() {
        let s = AppPaths.reach(.accepted)
        s.refuse(.assignToSession(sessionID: ""), as: Actors.secretary, rule: "application.session-missing")
    }

    // MARK: - public notice and objections

    @Test func publicNoticeCannotEndEarly() {
        var s = AppPaths.reach(.passed)
        s.today = day("2026-03-23")
        s.refuse(
            .startPublicNotice(batchID: "GS", startsOn: day("2026-03-20")), as: Actors.clerk,
            rule: "application.notice-start-past")
        s.refuse(
            .startPublicNotice(batchID: "", startsOn: day("2026-03-23")), as: Actors.clerk,
            rule: "application.notice-batch-missing")
        s.run(.startPublicNotice(batchID: "GS", startsOn: day("2026-03-23")), as: Actors.clerk)
        #expect(s.state.notice?.end == day("2026-03-30"))
        for d in ["2026-03-23", "2026-03-27", "2026-03-30"] {
            s.today = day(d)
            let r = s.refuse(.concludeNotice, as: Actors.system, rule: "application.notice-not-ended")
            #expect(r?.message.contains("2026年3月30日") == true)
            #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == nil)
        }
        s.today = day("2026-03-31")
        #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == .concludeNotice)
        s.refuse(.concludeNotice, as: Actors.head, rule: "application.role-not-allowed")
        s.run(.tick, as: Actors.system)
        #expect(s.state.stage == .awaitingConfirmation)
        #expect(s.state.notice?.concludedOn == day("2026-03-31"))
    }

    @Test func publicNoticeOverTheSpringFestivalUsesTheCalendar() {
        var s = AppPaths.reach(.passed)
        s.today = day("2026-02-13")  // the machine only looks at the days it is given
        s.run(.startPublicNotice(batchID: "GS", startsOn: day("2026-02-13")), as: Actors.clerk)
        #expect(s.state.notice?.end == day("2026-02-27"))
    }

    @Test func dismissedObjectionLetsTheNoticeContinue() {
        var s = AppPaths.reach(.investigation)  // objection Y-1 raised 2026-03-24
        #expect(s.state.openObjections.map(\.objectionID) == ["Y-1"])
        s.today = day("2026-03-31")
        s.refuse(.concludeNotice, as: Actors.system, rule: "application.investigation-open")
        #expect(ApplicationMachine.dueCommand(s.state, today: s.today) == nil)
        s.refuse(
            .resolveObjection(objectionID: "Y-9", upheld: false, finding: "x"), as: Actors.clerk,
            rule: "application.objection-unknown")
        s.refuse(
            .resolveObjection(objectionID: "Y-1", upheld: false, finding: ""), as: Actors.clerk,
            rule: "application.finding-missing")
        s.run(.resolveObjection(objectionID: "Y-1", upheld: false, finding: "经核查,代表作系本人原创"), as: Actors.clerk)
        #expect(s.state.stage == .publicNotice)
        #expect(s.state.objections.first?.outcome == .dismissed)
        s.run(.concludeNotice, as: Actors.system)
        #expect(s.state.stage == .awaitingConfirmation)
        #expect(s.replayed == s.state)
    }

    @Test func severalObjectionsMustAllBeResolved() {
        var s = AppPaths.reach(.investigation)
        s.today = day("2026-03-25")
        s.refuse(
            .raiseObjection(objectionID: "Y-1", summary: "重复"), as: Actors.publicPerson,
            rule: "application.objection-duplicate")
        s.run(.raiseObjection(objectionID: "Y-2", summary: "任职年限不实"), as: Actors.clerk)
        s.run(.resolveObjection(objectionID: "Y-1", upheld: false, finding: "不成立"), as: Actors.head)
        #expect(s.state.stage == .investigation)
        s.run(.resolveObjection(objectionID: "Y-2", upheld: false, finding: "不成立"), as: Actors.clerk)
        #expect(s.state.stage == .publicNotice)
    }

    @Test func upheldObjectionFailsTheApplicationAndOnlyTheHeadMayUpholdIt() {
        var s = AppPaths.reach(.investigation)
        s.today = day("2026-03-27")
        s.refuse(
            .resolveObjection(objectionID: "Y-1", upheld: true, finding: "属实"), as: Actors.clerk,
            rule: "application.role-not-allowed")
        s.run(.resolveObjection(objectionID: "Y-1", upheld: true, finding: "代表作抄袭属实"), as: Actors.head)
        #expect(s.state.stage == .failed)
        #expect(s.state.objections.first?.outcome == .upheld)
        #expect(s.state.decisionNoticeOn == day("2026-03-27"))
        // The failure can be re-examined.
        s.run(.requestReexamination(reason: "异议调查结论有误"), as: Actors.applicant)
        #expect(s.state.stage == .reexamination)
    }

    @Test func objectionsOnlyDuringTheNoticePeriod() {
        var s = AppPaths.reach(.publicNotice)  // 2026-03-23 … 2026-03-30
        s.today = day("2026-03-31")
        s.refuse(
            .raiseObjection(objectionID: "Y", summary: "迟到的异议"), as: Actors.publicPerson,
            rule: "application.objection-outside-notice")
        s.today = day("2026-03-30")
        s.refuse(
            .raiseObjection(objectionID: "Y", summary: ""), as: Actors.publicPerson,
            rule: "application.objection-summary-missing")
        s.refuse(
            .raiseObjection(objectionID: "Y", summary: "x"), as: Actors.applicant, rule: "application.role-not-allowed")
        s.run(.raiseObjection(objectionID: "Y", summary: "业绩不实"), as: Actors.publicPerson)
        #expect(s.state.stage == .investigation)
        var future = AppPaths.reach(.passed)
        future.today = day("2026-03-23")
        future.run(.startPublicNotice(batchID: "GS", startsOn: day("2026-03-25")), as: Actors.clerk)
        future.refuse(
            .raiseObjection(objectionID: "Y", summary: "x"), as: Actors.publicPerson,
            rule: "application.objection-outside-notice")
    }

    // MARK: - confirmation and certificate

    @Test func confirmationNeedsTheDocumentNumber() {
        let s = AppPaths.reach(.awaitingConfirmation)
        s.refuse(.confirm(documentNumber: " "), as: Actors.head, rule: "application.document-number-missing")
        s.refuse(.confirm(documentNumber: "焦职改〔2026〕12号"), as: Actors.clerk, rule: "application.role-not-allowed")
        let c = AppPaths.reach(.confirmed)
        #expect(c.state.documentNumber == "焦职改〔2026〕12号")
        c.refuse(.recordCertificate(number: ""), as: Actors.clerk, rule: "application.certificate-number-missing")
    }

    // MARK: - re-examination

    @Test func reexaminationInsideAndOutsideTheWindow() {
        var s = AppPaths.reach(.failed)  // result notice 2026-03-20; window 30 calendar days
        s.today = day("2026-04-20")
        let r = s.refuse(
            .requestReexamination(reason: "程序有误"), as: Actors.applicant, rule: "application.reexamination-window-closed"
        )
        #expect(r?.message.contains("30日") == true)
        s.refuse(.requestReexamination(reason: "程序有误"), as: Actors.otherApplicant, rule: "application.not-owner")
        s.today = day("2026-04-19")
        s.refuse(.requestReexamination(reason: ""), as: Actors.applicant, rule: "application.reason-missing")
        s.run(.requestReexamination(reason: "程序有误"), as: Actors.applicant)
        #expect(s.state.stage == .reexamination)
        #expect(s.state.reexamination?.against == .failed)
    }

    @Test func upheldReexaminationIsFinal() {
        var s = AppPaths.reach(.reexamination)
        s.refuse(
            .decideReexamination(outcome: .upheld, finding: "x"), as: Actors.clerk, rule: "application.role-not-allowed"
        )
        s.refuse(
            .decideReexamination(outcome: .upheld, finding: ""), as: Actors.head, rule: "application.finding-missing")
        let d = s.run(.decideReexamination(outcome: .upheld, finding: "评审程序合法"), as: Actors.head)
        #expect(d?.documents == [DocumentRequest(.reexaminationDecision, subject: "A-001")])
        #expect(s.state.stage == .failed && s.state.isFinal)
        s.refuse(.requestReexamination(reason: "再次申请"), as: Actors.applicant, rule: "application.reexamination-final")
    }

    @Test func overturnedReexaminationGoesBackToTheCommittee() {
        var s = AppPaths.reach(.reexamination)
        s.run(.decideReexamination(outcome: .backToCommittee, finding: "投票程序有瑕疵"), as: Actors.head)
        #expect(s.state.stage == .accepted && s.state.sessionID == nil && s.state.result == nil)
        s.run(.assignToSession(sessionID: "S-2026-02"), as: Actors.secretary)
        s.run(.recordResult(sessionID: "S-2026-02", tally: AppPaths.passing), as: Actors.secretary)
        #expect(s.state.stage == .passed)
        #expect(s.replayed == s.state)
    }

    @Test func refusedApplicationReexamination() {
        var s = AppPaths.reach(.refused)  // refused 2026-03-02
        s.today = day("2026-04-01")
        s.run(.requestReexamination(reason: "学历可在线核验"), as: Actors.applicant)
        #expect(s.state.reexamination?.against == .refused)
        s.refuse(
            .decideReexamination(outcome: .backToCommittee, finding: "x"), as: Actors.head,
            rule: "application.reexamination-outcome-invalid")
        s.run(.decideReexamination(outcome: .backToQualificationReview, finding: "学历已核验"), as: Actors.head)
        #expect(s.state.stage == .qualificationReview)
        s.run(.accept, as: Actors.clerk)
        #expect(s.state.stage == .accepted)

        var late = AppPaths.reach(.refused)
        late.today = day("2026-04-02")
        late.refuse(
            .requestReexamination(reason: "x"), as: Actors.applicant, rule: "application.reexamination-window-closed")

        var upheld = AppPaths.reach(.refused)
        upheld.run(.requestReexamination(reason: "x"), as: Actors.applicant)
        upheld.run(.decideReexamination(outcome: .upheld, finding: "维持"), as: Actors.head)
        #expect(upheld.state.stage == .refused && upheld.state.isFinal)
    }

    // MARK: - withdrawal

    @Test func withdrawalBeforeTheDecision() {
        let before: [ApplicationStage] = [
            .draft, .unitReview, .unitNotice, .qualificationReview, .correction, .accepted, .inSession,
        ]
        for stage in before {
            var s = AppPaths.reach(stage)
            s.refuse(.withdraw(reason: "x"), as: Actors.otherApplicant, rule: "application.not-owner")
            s.refuse(.withdraw(reason: "x"), as: Actors.unitHR, rule: "application.role-not-allowed")
            s.run(.withdraw(reason: "工作调动"), as: Actors.applicant)
            #expect(s.state.stage == .withdrawn, "withdraw from \(stage)")
            #expect(s.state.withdrawalReason == "工作调动")
        }
    }

    @Test func withdrawalAfterTheDecisionIsRefused() {
        let after: [ApplicationStage] = [
            .passed, .failed, .publicNotice, .investigation, .awaitingConfirmation, .confirmed, .filed, .certified,
            .archived, .reexamination,
        ]
        for stage in after {
            let s = AppPaths.reachAny(stage)
            let r = s.refuse(.withdraw(reason: "x"), as: Actors.applicant, rule: "application.withdraw-after-decision")
            #expect(r?.message.contains(stage.chinese) == true)
        }
        for stage in [ApplicationStage.refused, .lapsed, .withdrawn] {
            AppPaths.reach(stage).refuse(
                .withdraw(reason: "x"), as: Actors.applicant, rule: "application.invalid-transition")
        }
    }

    // MARK: - the role and state matrices

    /// Every command with the stage where it is allowed and the roles that may issue it.
    static let commandTable: [(command: ApplicationCommand, stage: ApplicationStage, roles: Set<Role>)] = [
        (AppPaths.submit(), .draft, [.applicant]),
        (.startUnitNotice, .unitReview, [.unitHR]),
        (.recommend, .unitNotice, [.unitHR]),
        (.returnToApplicant(reason: "r"), .unitReview, [.unitHR]),
        (.accept, .qualificationReview, [.officeClerk]),
        (.requestCorrection(items: ["a"]), .qualificationReview, [.officeClerk]),
        (.answerCorrection(note: "n"), .correction, [.applicant]),
        (.refuse(reasons: ["r"]), .qualificationReview, [.officeClerk]),
        (.lapseCorrection, .correction, [.system]),
        (.assignToSession(sessionID: "S"), .accepted, [.committeeSecretary, .officeClerk]),
        (
            .recordResult(sessionID: "S-2026-01", tally: AppPaths.passing), .inSession,
            [.committeeSecretary, .officeClerk, .system]
        ),
        (.startPublicNotice(batchID: "B", startsOn: day("2026-12-01")), .passed, [.officeClerk]),
        (.raiseObjection(objectionID: "Y-5", summary: "s"), .publicNotice, [.public, .officeClerk]),
        (
            .resolveObjection(objectionID: "Y-1", upheld: false, finding: "f"), .investigation,
            [.officeClerk, .officeHead]
        ),
        (.resolveObjection(objectionID: "Y-1", upheld: true, finding: "f"), .investigation, [.officeHead]),
        (.concludeNotice, .publicNotice, [.system, .officeClerk]),
        (.confirm(documentNumber: "D"), .awaitingConfirmation, [.officeHead]),
        (.recordCertificate(number: "C"), .confirmed, [.officeClerk]),
        (.archive, .certified, [.officeClerk, .system]),
        (.requestReexamination(reason: "r"), .failed, [.applicant]),
        (.decideReexamination(outcome: .upheld, finding: "f"), .reexamination, [.officeHead]),
        (.withdraw(reason: "r"), .draft, [.applicant]),
        (.tick, .correction, [.system]),
    ]

    @Test func everyCommandRefusesEveryOtherRole() {
        let people: [Role: Actor] = [
            .applicant: Actors.applicant, .unitHR: Actors.unitHR, .officeClerk: Actors.clerk, .officeHead: Actors.head,
            .committeeSecretary: Actors.secretary, .expert: Actors.expert("e1"), .auditor: Actors.auditor,
            .public: Actors.publicPerson, .system: Actors.system,
            .archivist: Actor(id: "u-archive", role: .archivist), .administrator: Actor(id: "u-root", role: .administrator),
        ]
        for (command, stage, roles) in Self.commandTable {
            let s = AppPaths.reach(stage)
            for role in Role.allCases {
                let actor = people[role]!
                do {
                    _ = try ApplicationMachine.decide(command, state: s.state, context: s.context(actor))
                    #expect(roles.contains(role), "\(command.chinese) accepted from \(role)")
                } catch {
                    if roles.contains(role) {
                        #expect(error.rule != "application.role-not-allowed", "\(command.chinese) by \(role): \(error)")
                    } else {
                        #expect(error.rule == "application.role-not-allowed", "\(command.chinese) by \(role): \(error)")
                        #expect(error.message.contains(role.chinese))
                    }
                }
            }
        }
    }

    /// Stages in which each command is allowed (it may still be refused for another rule).
    static func allowedStages(_ command: ApplicationCommand) -> Set<ApplicationStage> {
        switch command {
        case .create: [.none]
        case .submit: [.draft]
        case .startUnitNotice: [.unitReview]
        case .recommend: [.unitNotice]
        case .returnToApplicant: [.unitReview, .unitNotice]
        case .accept, .requestCorrection, .refuse: [.qualificationReview]
        case .answerCorrection, .lapseCorrection: [.correction]
        case .assignToSession: [.accepted]
        case .recordResult: [.inSession]
        case .startPublicNotice: [.passed]
        case .raiseObjection: [.publicNotice, .investigation]
        case .resolveObjection: [.investigation]
        case .concludeNotice: [.publicNotice]
        case .confirm: [.awaitingConfirmation]
        case .recordCertificate: [.confirmed, .filed]
        case .archive: [.certified]
        case .requestReexamination: [.failed, .refused]
        case .decideReexamination: [.reexamination]
        case .withdraw: [.draft, .unitReview, .unitNotice, .qualificationReview, .correction, .accepted, .inSession]
        case .tick: [.correction, .publicNotice]
        }
    }

    /// The rule a command gets in a stage where it is not allowed.
    static func expectedRule(_ command: ApplicationCommand, in stage: ApplicationStage) -> String {
        switch (command, stage) {
        case (.recommend, .unitReview): "application.unit-notice-missing"
        case (.concludeNotice, .investigation): "application.investigation-open"
        case (.withdraw, _) where stage != .none && ![.refused, .lapsed, .withdrawn].contains(stage):
            "application.withdraw-after-decision"
        case (.tick, let s) where s != .none: "application.nothing-due"
        default: "application.invalid-transition"
        }
    }

    @Test func everyCommandIsRefusedInEveryOtherStage() {
        let commands = Self.commandTable.map(\.command) + [.create(AppPaths.profile)]
        let people: [Role: Actor] = [
            .applicant: Actors.applicant, .unitHR: Actors.unitHR, .officeClerk: Actors.clerk, .officeHead: Actors.head,
            .committeeSecretary: Actors.secretary, .public: Actors.publicPerson, .system: Actors.system,
        ]
        var checked = 0
        for stage in ApplicationStage.allCases {
            let s = AppPaths.reachAny(stage)
            for command in commands where !Self.allowedStages(command).contains(stage) {
                let role = ApplicationMachine.roles(for: command).first!
                let rule = Self.expectedRule(command, in: stage)
                let r = s.refuse(command, as: people[role]!, rule: rule)
                if rule == "application.invalid-transition" {
                    #expect(r?.message.contains("“\(stage.chinese)”") == true, "\(r?.message ?? "")")
                }
                checked += 1
            }
        }
        #expect(checked > 400)
    }

    // MARK: - events, codability, messages

    @Test func eventNamesAreTheCaseNamesAndEventsRoundTrip() throws {
        let s = AppPaths.reach(.archived)
        var all = s.events
        all += AppPaths.reach(.lapsed).events.suffix(2)
        all += AppPaths.reach(.refused).events.suffix(1)
        all += AppPaths.reach(.withdrawn).events.suffix(1)
        var r = AppPaths.reach(.investigation)
        r.run(.resolveObjection(objectionID: "Y-1", upheld: true, finding: "属实"), as: Actors.head)
        all += r.events.suffix(2)
        var x = AppPaths.reach(.reexamination)
        x.run(.decideReexamination(outcome: .upheld, finding: "维持"), as: Actors.head)
        all += x.events.suffix(2)
        all += AppPaths.reachAny(.filed).events.suffix(1)
        var q = AppPaths.reach(.investigation)
        q.run(.resolveObjection(objectionID: "Y-1", upheld: false, finding: "不成立"), as: Actors.head)
        all += q.events.suffix(1)
        var u = AppPaths.reach(.unitReview)
        u.run(.returnToApplicant(reason: "x"), as: Actors.unitHR)
        all += u.events.suffix(1)
        var c = AppPaths.reach(.correction)
        c.run(.answerCorrection(note: "n"), as: Actors.applicant)
        all += c.events.suffix(1)
        #expect(Set(all.map(\.name)).count == 24)  // every case of ApplicationEvent
        let encoder = JSONEncoder()
        for event in all {
            let data = try encoder.encode(event)
            #expect(try JSONDecoder().decode(ApplicationEvent.self, from: data) == event)
            let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            #expect(json.keys.first == event.name)
        }
        let state = try JSONDecoder().decode(ApplicationState.self, from: encoder.encode(s.state))
        #expect(state == s.state)
    }

    @Test func refusalMessagesAreInChinese() {
        for stage in ApplicationStage.allCases {
            let s = AppPaths.reachAny(stage)
            for command in Self.commandTable.map(\.command) {
                for actor in Actors.all {
                    do { _ = try ApplicationMachine.decide(command, state: s.state, context: s.context(actor)) } catch {
                        #expect(isChinese(error.message), "\(error)")
                    }
                }
            }
        }
    }

    @Test func aYearWithoutACalendarIsARefusalNotAGuess() {
        var s = AppPaths.reach(.qualificationReview)
        s.rules = Rules.plain(year: 2026)
        s.today = day("2026-12-28")
        s.refuse(.requestCorrection(items: ["a"]), as: Actors.clerk, rule: "calendar.year-not-covered")
    }
}
