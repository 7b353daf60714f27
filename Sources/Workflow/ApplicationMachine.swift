public import Domain
import Foundation

/// The application workflow: draft → submitted (pledge) → unit review and notice → qualification
/// review (accept / one-time correction / refuse) → committee session → passed or failed →
/// public notice (objections) → confirmed or filed → certified → archived; with re-examination
/// of failures and refusals, withdrawal before the decision, and lapse of unanswered corrections.
///
/// ```swift
/// let decision = try ApplicationMachine.decide(.accept, state: state, context: context)
/// let next = decision.events.reduce(state, ApplicationMachine.evolve)
/// ```
public enum ApplicationMachine: Machine, DeadlineDriven {
    public typealias State = ApplicationState
    public typealias Command = ApplicationCommand
    public typealias Event = ApplicationEvent

    public static let kind = "application"
    public static var initial: ApplicationState { ApplicationState() }

    public static func status(of state: ApplicationState) -> String { state.stage.rawValue }

    /// Levels a person without a title may apply for (初级: 员级 or 助理级).
    public static let entryLevels: Set<Level> = [.technician, .assistant]

    // MARK: - decide

    public static func decide(
        _ command: ApplicationCommand, state: ApplicationState, context: Context
    ) throws(Refusal) -> Decision<ApplicationEvent> {
        let actor = context.actor
        let today = context.today
        let action = command.chinese
        try Gate.role(actor, roles(for: command), kind: kind, action: action)

        if case .create(let profile) = command {
            guard state.stage == .none else { throw invalid(state, action) }
            try checkApplicant(actor, person: profile.personID)
            try Gate.nonBlank(profile.applicationID, kind: kind, field: "申报编号", rule: "id-missing")
            try Gate.nonBlank(profile.unitID, kind: kind, field: "用人单位", rule: "unit-missing")
            return Decision([.created(profile: profile, on: today)])
        }
        guard let profile = state.profile else { throw invalid(state, action) }
        let subject = profile.applicationID
        // Ownership: applicants act on their own applications, unit HR on their unit's.
        switch actor.role {
        case .applicant: try checkApplicant(actor, person: profile.personID)
        case .unitHR: try checkUnit(actor, unit: profile.unitID)
        case .officeClerk, .officeHead, .committeeSecretary:
            // Seed item 6: county staff act only on their county's applications.
            if let refusal = Routing.scopeRefusal(
                actor: actor, applicationID: subject, jurisdiction: Routing.jurisdiction(of: profile),
                policy: context.policy)
            {
                throw refusal
            }
        default: break
        }

        switch command {
        case .create:
            throw invalid(state, action)  // handled above

        case .submit(let pledge, let currentHash, let facts):
            guard state.stage == .draft else { throw invalid(state, action) }
            guard let pledge else {
                throw Refusal(rule: "application.pledge-missing", message: "提交申报前须签署告知承诺书")
            }
            guard pledge.textHash == currentHash else {
                throw Refusal(
                    rule: "application.pledge-outdated",
                    message: "承诺书文本已更新,签署的承诺书文本摘要与现行文本不一致,请重新阅读并签署")
            }
            guard pledge.signerID == profile.personID else {
                throw Refusal(rule: "application.pledge-signer", message: "承诺书须由申报人本人签署")
            }
            try Gate.nonBlank(pledge.dataHash, kind: kind, field: "申报材料摘要", rule: "pledge-data-hash-missing")
            try checkEligibility(profile, facts, today: today)
            return Decision(
                [.submitted(pledge: pledge, on: today)],
                documents: [
                    DocumentRequest(.pledge, subject: subject), DocumentRequest(.declarationForm, subject: subject),
                ])

        case .startUnitNotice:
            guard state.stage == .unitReview else { throw invalid(state, action) }
            try unitInGoodStanding(context, step: "开始单位公示")
            return Decision([.unitNoticeStarted(on: today)])

        case .recommend:
            if state.stage == .unitNotice { try unitInGoodStanding(context, step: "推荐申报") }
            guard state.stage == .unitNotice, let start = state.unitNoticeStartedOn else {
                if state.stage == .unitReview {
                    throw Refusal(
                        rule: "application.unit-notice-missing", message: "单位须先进行单位内部公示,公示期满后方可推荐")
                }
                throw invalid(state, action)
            }
            let required = context.policy.unitNoticeWorkingDays
            let elapsed = try Gate.calendar { () throws(WorkingCalendar.Problem) in
                try context.calendar.workingDays(after: start, through: today)
            }
            guard elapsed >= required else {
                let earliest = try Gate.calendar { () throws(WorkingCalendar.Problem) in
                    try context.calendar.adding(workingDays: required, to: start)
                }
                throw Refusal(
                    rule: "application.unit-notice-too-short",
                    message: "单位公示自\(start.chinese)开始,已满\(elapsed)个工作日,不足\(required)个工作日,最早可于\(earliest.chinese)推荐")
            }
            return Decision([.recommended(on: today, workingDaysElapsed: elapsed)])

        case .returnToApplicant(let reason):
            guard state.stage == .unitReview || state.stage == .unitNotice else { throw invalid(state, action) }
            try unitInGoodStanding(context, step: "退回申报")
            try Gate.nonBlank(reason, kind: kind, field: "退回理由", rule: "reason-missing")
            return Decision([.returnedByUnit(reason: reason, on: today)])

        case .accept:
            guard state.stage == .qualificationReview else { throw invalid(state, action) }
            try unitInGoodStanding(context, step: "受理该单位的申报")
            return Decision([.accepted(on: today)], documents: [DocumentRequest(.acceptanceNotice, subject: subject)])

        case .requestCorrection(let items, let fields):
            guard state.stage == .qualificationReview else { throw invalid(state, action) }
            guard !state.hasUsedCorrection else {
                throw Refusal(
                    rule: "application.correction-already-used",
                    message: "补正材料只能一次性告知,本申报已于\(state.correction?.requestedOn.chinese ?? "此前")告知过补正,不能再次要求补正")
            }
            let cleaned = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            guard !cleaned.isEmpty else {
                throw Refusal(rule: "application.correction-items-empty", message: "补正通知须一次性列明全部需补正的材料,不能为空")
            }
            let deadline = try Gate.calendar { () throws(WorkingCalendar.Problem) in
                try context.calendar.adding(workingDays: context.policy.correctionAnswerWorkingDays, to: today)
            }
            return Decision(
                [.correctionRequested(items: cleaned, on: today, deadline: deadline, fields: fields.isEmpty ? nil : fields)],
                documents: [DocumentRequest(.correctionNotice, subject: subject)])

        case .answerCorrection(let note, let pledge):
            guard state.stage == .correction, let correction = state.correction else { throw invalid(state, action) }
            guard today <= correction.deadline else {
                throw Refusal(
                    rule: "application.correction-overdue",
                    message: "补正期限已于\(correction.deadline.chinese)届满,不能再提交补正材料")
            }
            if !(correction.fields ?? []).isEmpty, pledge == nil {
                throw Refusal(
                    rule: "application.correction-pledge-missing",
                    message: "补正修改了申报表，须对修改后的申报表重新签署告知承诺书")
            }
            if let pledge, pledge.signerID != state.profile?.personID {
                throw Refusal(rule: "application.pledge-signer", message: "承诺书须由申报人本人签署")
            }
            // A corrected declaration is printed again with its new pledge (the old ones stay).
            return Decision(
                [.correctionAnswered(note: note, on: today, pledge: pledge)],
                documents: pledge == nil
                    ? [] : [DocumentRequest(.pledge, subject: subject), DocumentRequest(.declarationForm, subject: subject)])

        case .refuse(let reasons):
            guard state.stage == .qualificationReview else { throw invalid(state, action) }
            let cleaned = reasons.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            guard !cleaned.isEmpty else {
                throw Refusal(rule: "application.refusal-reasons-empty", message: "不予受理须写明理由")
            }
            return Decision(
                [.refused(reasons: cleaned, on: today)], documents: [DocumentRequest(.refusalNotice, subject: subject)])

        case .lapseCorrection:
            guard state.stage == .correction, let correction = state.correction else { throw invalid(state, action) }
            guard today > correction.deadline else {
                throw Refusal(
                    rule: "application.correction-deadline-not-passed",
                    message: "补正期限至\(correction.deadline.chinese),尚未届满,不能作失效处理")
            }
            return Decision([.lapsed(deadline: correction.deadline, on: today)])

        case .assignToSession(let sessionID):
            guard state.stage == .accepted else { throw invalid(state, action) }
            try Gate.nonBlank(sessionID, kind: kind, field: "评审会议编号", rule: "session-missing")
            return Decision([.assignedToSession(sessionID: sessionID, on: today)])

        case .recordResult(let sessionID, let tally):
            guard state.stage == .inSession else { throw invalid(state, action) }
            guard sessionID == state.sessionID else {
                throw Refusal(
                    rule: "application.session-mismatch",
                    message: "本申报提交的评审会议为\(state.sessionID ?? "无"),不是\(sessionID)")
            }
            guard tally.present > 0, tally.yes >= 0, tally.no >= 0, tally.abstain >= 0, tally.ballots == tally.present
            else {
                throw Refusal(
                    rule: "application.tally-invalid",
                    message: "表决结果不一致:赞成\(tally.yes)票、反对\(tally.no)票、弃权\(tally.abstain)票,合计应等于出席专家\(tally.present)人")
            }
            let passed = tally.passes(context.policy.committee.pass)
            return Decision([.resultRecorded(sessionID: sessionID, tally: tally, passed: passed, on: today)])

        case .startPublicNotice(let batchID, let startsOn):
            guard state.stage == .passed else { throw invalid(state, action) }
            try Gate.nonBlank(batchID, kind: kind, field: "公示批次", rule: "notice-batch-missing")
            guard startsOn >= today else {
                throw Refusal(rule: "application.notice-start-past", message: "公示开始日期\(startsOn.chinese)早于今天,不能补登")
            }
            let end = try Gate.calendar { () throws(WorkingCalendar.Problem) in
                try context.calendar.adding(workingDays: context.policy.publicNoticeWorkingDays, to: startsOn)
            }
            return Decision(
                [.publicNoticeStarted(batchID: batchID, start: startsOn, end: end)],
                documents: [DocumentRequest(.publicNotice, subject: batchID)])

        case .raiseObjection(let objectionID, let summary, let receivedOn):
            guard state.stage == .publicNotice || state.stage == .investigation, let notice = state.notice else {
                throw invalid(state, action)
            }
            // Only the office vouches for an earlier day (from the objection's own stream).
            let received = actor.role == .public ? today : min(receivedOn ?? today, today)
            guard notice.start <= received, received <= notice.end else {
                throw Refusal(
                    rule: "application.objection-outside-notice",
                    message: "异议须在公示期内(\(notice.start.chinese)至\(notice.end.chinese))提出")
            }
            try Gate.nonBlank(objectionID, kind: kind, field: "异议编号", rule: "objection-id-missing")
            try Gate.nonBlank(summary, kind: kind, field: "异议内容", rule: "objection-summary-missing")
            guard !state.objections.contains(where: { $0.objectionID == objectionID }) else {
                throw Refusal(rule: "application.objection-duplicate", message: "异议编号\(objectionID)已登记")
            }
            return Decision([.objectionRaised(objectionID: objectionID, summary: summary, on: today)])

        case .resolveObjection(let objectionID, let upheld, let finding):
            guard state.stage == .investigation else { throw invalid(state, action) }
            guard state.openObjections.contains(where: { $0.objectionID == objectionID }) else {
                throw Refusal(rule: "application.objection-unknown", message: "没有待调查的异议\(objectionID)")
            }
            try Gate.nonBlank(finding, kind: kind, field: "调查结论", rule: "finding-missing")
            if upheld {
                try Gate.role(actor, [.officeHead], kind: kind, action: action)
                return Decision([.objectionUpheld(objectionID: objectionID, finding: finding, on: today)])
            }
            return Decision([.objectionDismissed(objectionID: objectionID, finding: finding, on: today)])

        case .concludeNotice:
            guard let notice = state.notice, state.stage == .publicNotice || state.stage == .investigation else {
                throw invalid(state, action)
            }
            guard state.stage == .publicNotice else {
                throw Refusal(
                    rule: "application.investigation-open",
                    message: "公示期间收到的异议尚在调查中(\(state.openObjections.map(\.objectionID).joined(separator: "、"))),不能结束公示")
            }
            guard today > notice.end else {
                throw Refusal(
                    rule: "application.notice-not-ended",
                    message: "公示期至\(notice.end.chinese)止,须期满后方可结束公示")
            }
            return Decision([.noticeConcluded(on: today)])

        case .confirm(let documentNumber):
            guard state.stage == .awaitingConfirmation else { throw invalid(state, action) }
            try Gate.nonBlank(documentNumber, kind: kind, field: "文号", rule: "document-number-missing")
            if let county = actor.county, context.policy.devolution.countyResults == .filedWithCity {
                throw Refusal(
                    rule: "application.county-results-filed-with-city",
                    message: "县（市、区）评审结果报市备案（policy.yaml devolution.county_results: filed_with_city），由市职改办办理，\(Routing.chinese(county, policy: context.policy))不能确认")
            }
            // A self-reviewing unit's result, and a county's under `filed_with_city`, is filed 备案.
            let event: ApplicationEvent =
                Routing.resultIsFiled(profile, policy: context.policy)
                ? .filed(documentNumber: documentNumber, on: today)
                : .confirmed(documentNumber: documentNumber, on: today)
            return Decision(
                [event],
                documents: [
                    DocumentRequest(.qualificationNotice, subject: subject),
                    DocumentRequest(.certificate, subject: subject),
                ],
                archives: [.confirmation(documentNumber: documentNumber)])

        case .recordCertificate(let number):
            guard state.stage == .confirmed || state.stage == .filed else { throw invalid(state, action) }
            try Gate.nonBlank(number, kind: kind, field: "证书编号", rule: "certificate-number-missing")
            return Decision([.certified(certificateNumber: number, on: today)])

        case .archive:
            guard state.stage == .certified else { throw invalid(state, action) }
            return Decision([.archived(on: today)])

        case .requestReexamination(let reason):
            guard state.stage == .failed || state.stage == .refused else { throw invalid(state, action) }
            guard !state.isFinal else {
                throw Refusal(rule: "application.reexamination-final", message: "复查已维持原结论,该结论为最终结论,不能再次申请复查")
            }
            try Gate.nonBlank(reason, kind: kind, field: "复查理由", rule: "reason-missing")
            let noticeDay = state.decisionNoticeOn ?? today
            let lastDay = noticeDay.adding(days: context.policy.reexaminationWindowDays)
            guard today <= lastDay else {
                throw Refusal(
                    rule: "application.reexamination-window-closed",
                    message:
                        "复查申请须在结果通知之日(\(noticeDay.chinese))起\(context.policy.reexaminationWindowDays)日内提出,已于\(lastDay.chinese)届满"
                )
            }
            return Decision([.reexaminationRequested(reason: reason, against: state.stage, on: today)])

        case .decideReexamination(let outcome, let finding):
            guard state.stage == .reexamination, let request = state.reexamination else { throw invalid(state, action) }
            try Gate.nonBlank(finding, kind: kind, field: "复查结论", rule: "finding-missing")
            if outcome == .backToCommittee && request.against != .failed {
                throw Refusal(
                    rule: "application.reexamination-outcome-invalid",
                    message: "不予受理的申报复查后只能维持原结论或重新资格审核,不能直接提交评审")
            }
            return Decision(
                [.reexaminationDecided(outcome: outcome, finding: finding, on: today)],
                documents: [DocumentRequest(.reexaminationDecision, subject: subject)],
                archives: [.reexamination(applicationID: subject)])

        case .withdraw(let reason):
            guard state.stage.isBeforeDecision else {
                switch state.stage {
                case .passed, .failed, .publicNotice, .investigation, .awaitingConfirmation, .confirmed, .filed,
                    .certified, .archived, .reexamination:
                    throw Refusal(
                        rule: "application.withdraw-after-decision",
                        message: "评审委员会已作出评审结论(当前状态为“\(state.stage.chinese)”),不能撤回申报")
                default:
                    throw invalid(state, action)
                }
            }
            return Decision([.withdrawn(reason: reason, on: today)])

        case .tick:
            guard let due = dueCommand(state, today: today) else {
                throw Refusal(rule: "application.nothing-due", message: "当前状态为“\(state.stage.chinese)”,没有到期需处理的事项")
            }
            return try decide(due, state: state, context: context)
        }
    }

    /// Which roles may issue a command.
    static func roles(for command: ApplicationCommand) -> [Role] {
        switch command {
        case .create, .submit, .answerCorrection, .requestReexamination, .withdraw: [.applicant]
        case .startUnitNotice, .recommend, .returnToApplicant: [.unitHR]
        case .accept, .requestCorrection, .refuse, .startPublicNotice, .recordCertificate: [.officeClerk]
        case .lapseCorrection, .tick: [.system]
        case .assignToSession: [.committeeSecretary, .officeClerk]
        case .recordResult: [.committeeSecretary, .officeClerk, .system]
        case .raiseObjection: [.public, .officeClerk]
        case .resolveObjection: [.officeClerk, .officeHead]
        case .concludeNotice: [.system, .officeClerk]
        case .confirm, .decideReexamination: [.officeHead]
        case .archive: [.officeClerk, .system]
        }
    }

    /// The commands a unit's suspension stops: the unit's own steps and the office's acceptance.
    public static func needsUnitStanding(_ command: ApplicationCommand) -> Bool {
        switch command {
        case .startUnitNotice, .recommend, .returnToApplicant, .accept: true
        default: false
        }
    }

    /// Refuses a step while the application's unit is suspended (seed item 4), naming the end.
    static func unitInGoodStanding(_ context: Context, step: String) throws(Refusal) {
        guard let until = context.unitSuspendedUntil, BarEnd.isInForce(until: until, on: context.today) else { return }
        throw Refusal(
            rule: "application.unit-suspended-step",
            message: "所在单位因提供虚假材料被暂停职称评审和聘任工作，\(BarEnd.chinese(until: until, then: "恢复"))，暂停期间不能\(step)")
    }

    static func invalid(_ state: ApplicationState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "申报", state: state.stage.chinese, action: action)
    }

    static func checkApplicant(_ actor: Actor, person: String) throws(Refusal) {
        guard actor.role != .applicant || actor.personID == person else {
            throw Refusal(rule: "application.not-owner", message: "申报人只能办理本人的申报")
        }
    }

    static func checkUnit(_ actor: Actor, unit: String) throws(Refusal) {
        guard actor.unitID == unit else {
            throw Refusal(rule: "application.not-owner", message: "用人单位只能审核本单位人员的申报")
        }
    }

    /// The gates that need no form: blacklist, unit suspension, retirement, sanction, 逐级申报.
    static func checkEligibility(_ profile: ApplicationProfile, _ facts: EligibilityFacts, today: Day) throws(Refusal) {
        if let until = facts.blacklistedUntil, BarEnd.isInForce(until: until, on: today) {
            throw Refusal(
                rule: "application.blacklisted",
                message: "申报人在职称评审诚信档案（失信黑名单）记录期内，记录期至\(BarEnd.chinese(until: until))")
        }
        if let until = facts.unitSuspendedUntil, BarEnd.isInForce(until: until, on: today) {
            throw Refusal(
                rule: "application.unit-suspended",
                message: "用人单位的职称评审和聘任工作已被暂停，暂停期至\(BarEnd.chinese(until: until, then: "方可推荐申报"))")
        }
        if facts.isRetired {
            throw Refusal(rule: "application.retired", message: "已退休人员不得申报职称评审")
        }
        if let until = facts.sanctionedUntil, BarEnd.isInForce(until: until, on: today) {
            throw Refusal(
                rule: "application.sanctioned",
                message: "申报人受记过及以上处分，处分影响期至\(BarEnd.chinese(until: until))")
        }
        if let current = profile.currentLevel, profile.level <= current {
            throw Refusal(
                rule: "application.level-not-higher",
                message: "申报人已具有\(current.chinese)职称,申报级别(\(profile.level.chinese))须高于现有级别")
        }
        guard !profile.track.allowsLevelJump else { return }
        if let current = profile.currentLevel {
            guard profile.level.rank == current.rank + 1 else {
                let next = Level.allCases.first { $0.rank == current.rank + 1 }
                throw Refusal(
                    rule: "application.level-jump",
                    message:
                        "须逐级申报:现有\(current.chinese)职称,只能申报\(next?.chinese ?? "上一级"),不能申报\(profile.level.chinese)(\(profile.track.chinese)不允许越级)"
                )
            }
        } else if !entryLevels.contains(profile.level) {
            throw Refusal(
                rule: "application.level-jump",
                message: "须逐级申报:未取得职称的人员只能申报初级(员级或助理级),不能申报\(profile.level.chinese)(\(profile.track.chinese)不允许越级)")
        }
    }

    // MARK: - deadlines

    /// What the scheduler must run today: lapse an unanswered correction after its deadline,
    /// or conclude a public notice after its last day (when no objection is open).
    public static func dueCommand(_ state: ApplicationState, today: Day) -> ApplicationCommand? {
        switch state.stage {
        case .correction:
            if let c = state.correction, today > c.deadline { return .lapseCorrection }
        case .publicNotice:
            if let n = state.notice, today > n.end { return .concludeNotice }
        default: break
        }
        return nil
    }

    // MARK: - evolve

    public static func evolve(_ state: ApplicationState, _ event: ApplicationEvent) -> ApplicationState {
        var s = state
        switch event {
        case .created(let profile, let on):
            s.profile = profile
            s.createdOn = on
            s.stage = .draft
        case .submitted(let pledge, let on):
            s.pledge = pledge
            s.submittedOn = on
            s.unitReturnReason = nil
            s.unitNoticeStartedOn = nil
            s.stage = .unitReview
        case .unitNoticeStarted(let on):
            s.unitNoticeStartedOn = on
            s.stage = .unitNotice
        case .recommended(let on, _):
            s.recommendedOn = on
            s.stage = .qualificationReview
        case .returnedByUnit(let reason, _):
            s.unitReturnReason = reason
            s.pledge = nil
            s.unitNoticeStartedOn = nil
            s.stage = .draft
        case .accepted(let on):
            s.acceptedOn = on
            s.stage = .accepted
        case .correctionRequested(let items, let on, let deadline, let fields):
            s.correction = CorrectionRecord(items: items, fields: fields, requestedOn: on, deadline: deadline)
            s.hasUsedCorrection = true
            s.stage = .correction
        case .correctionAnswered(let note, let on, let pledge):
            s.correction?.answeredOn = on
            s.correction?.answer = note
            if let pledge { s.pledge = pledge }
            s.stage = .qualificationReview
        case .refused(let reasons, let on):
            s.refusalReasons = reasons
            s.decisionNoticeOn = on
            s.stage = .refused
        case .lapsed(_, let on):
            s.closedOn = on
            s.stage = .lapsed
        case .assignedToSession(let sessionID, _):
            s.sessionID = sessionID
            s.stage = .inSession
        case .resultRecorded(let sessionID, let tally, let passed, let on):
            s.result = SessionResult(sessionID: sessionID, tally: tally, passed: passed, on: on)
            if !passed { s.decisionNoticeOn = on }
            s.stage = passed ? .passed : .failed
        case .publicNoticeStarted(let batchID, let start, let end):
            s.notice = NoticePeriod(batchID: batchID, start: start, end: end)
            s.stage = .publicNotice
        case .objectionRaised(let id, let summary, let on):
            s.objections.append(ObjectionRecord(objectionID: id, summary: summary, raisedOn: on))
            s.stage = .investigation
        case .objectionDismissed(let id, let finding, let on):
            s.resolve(id, .dismissed, finding, on)
            if s.openObjections.isEmpty { s.stage = .publicNotice }
        case .objectionUpheld(let id, let finding, let on):
            s.resolve(id, .upheld, finding, on)
            s.decisionNoticeOn = on
            s.stage = .failed
        case .noticeConcluded(let on):
            s.notice?.concludedOn = on
            s.stage = .awaitingConfirmation
        case .confirmed(let number, let on):
            s.documentNumber = number
            s.confirmedOn = on
            s.stage = .confirmed
        case .filed(let number, let on):
            s.documentNumber = number
            s.confirmedOn = on
            s.stage = .filed
        case .certified(let number, let on):
            s.certificateNumber = number
            s.certifiedOn = on
            s.stage = .certified
        case .archived(let on):
            s.archivedOn = on
            s.stage = .archived
        case .reexaminationRequested(let reason, let against, let on):
            s.reexamination = ReexaminationRecord(reason: reason, requestedOn: on, against: against)
            s.stage = .reexamination
        case .reexaminationDecided(let outcome, let finding, let on):
            s.reexamination?.outcome = outcome
            s.reexamination?.finding = finding
            s.reexamination?.decidedOn = on
            switch outcome {
            case .upheld:
                s.isFinal = true
                s.stage = s.reexamination?.against ?? .failed
            case .backToQualificationReview:
                s.sessionID = nil
                s.result = nil
                s.notice = nil
                s.stage = .qualificationReview
            case .backToCommittee:
                s.sessionID = nil
                s.result = nil
                s.notice = nil
                s.stage = .accepted
            }
        case .withdrawn(let reason, let on):
            s.withdrawalReason = reason
            s.closedOn = on
            s.stage = .withdrawn
        }
        return s
    }
}

extension ApplicationState {
    fileprivate mutating func resolve(_ id: String, _ outcome: ObjectionRecord.Outcome, _ finding: String, _ on: Day) {
        guard let i = objections.firstIndex(where: { $0.objectionID == id }) else { return }
        objections[i].outcome = outcome
        objections[i].finding = finding
        objections[i].resolvedOn = on
    }
}
