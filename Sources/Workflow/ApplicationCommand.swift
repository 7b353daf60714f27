public import Domain

/// What someone asks an application to do. Roles (checked by `ApplicationMachine.decide`):
/// applicant (owner) · unit HR (owner unit) · office clerk · office head · committee secretary ·
/// system (scheduler).
public enum ApplicationCommand: Sendable, Equatable {
    /// Applicant: open a draft.
    case create(ApplicationProfile)
    /// Applicant: submit with a signed pledge. `currentPledgeTextHash` is the hash of the pledge
    /// text in force; `eligibility` the facts the caller looked up (blacklist, unit, retirement).
    case submit(pledge: PledgeRecord?, currentPledgeTextHash: String, eligibility: EligibilityFacts)
    /// Unit HR: start the unit-level notice 单位公示 today.
    case startUnitNotice
    /// Unit HR: recommend upward once the notice has run its working days.
    case recommend
    /// Unit HR: return to the applicant (back to draft).
    case returnToApplicant(reason: String)
    /// Office clerk: accept 受理.
    case accept
    /// Office clerk: the one-time correction notice 一次性告知补正, listing every missing item;
    /// `fields` are the declaration fields (ids) the applicant may change to answer it.
    case requestCorrection(items: [String], fields: [String] = [])
    /// Applicant: answer the correction notice (on or before the deadline); `pledge` is the
    /// pledge signed again over the corrected declaration (required when fields were named).
    case answerCorrection(note: String, pledge: PledgeRecord? = nil)
    /// Office clerk: refuse 不予受理, with reasons.
    case refuse(reasons: [String])
    /// System: the correction deadline has passed without an answer.
    case lapseCorrection
    /// Committee secretary or office clerk: put an accepted application before a session.
    case assignToSession(sessionID: String)
    /// Committee secretary, office clerk or system: record the session's count.
    case recordResult(sessionID: String, tally: VoteTally)
    /// Office clerk: start the public notice 公示 on `startsOn` (today or later).
    case startPublicNotice(batchID: String, startsOn: Day)
    /// Public or office clerk (recording one received): an objection 异议 during the notice.
    /// `receivedOn`: the day an objection lodged online was received (it must fall in the
    /// notice period; the clerk may register it after the last day); nil: received today.
    case raiseObjection(objectionID: String, summary: String, receivedOn: Day? = nil)
    /// Office: an investigation's outcome. Dismissing: clerk or head; upholding: head only.
    case resolveObjection(objectionID: String, upheld: Bool, finding: String)
    /// System or office clerk: end the notice after its last day, no objection pending.
    case concludeNotice
    /// Office head: confirm 确认 (or file 备案 for a self-reviewing unit) with the 文号.
    case confirm(documentNumber: String)
    /// Office clerk: the certificate was issued with this number.
    case recordCertificate(number: String)
    /// Office clerk or system: archive a certified application.
    case archive
    /// Applicant: ask for re-examination 复查 of a failure or refusal, inside the window.
    case requestReexamination(reason: String)
    /// Office head: decide a re-examination.
    case decideReexamination(outcome: ReexaminationOutcome, finding: String)
    /// Applicant: withdraw before the committee's decision.
    case withdraw(reason: String)
    /// System: run whatever `ApplicationMachine.dueCommand` says is due today.
    case tick

    /// The command's name in Chinese, for messages.
    public var chinese: String {
        switch self {
        case .create: "创建申报"
        case .submit: "提交申报"
        case .startUnitNotice: "开始单位公示"
        case .recommend: "单位推荐"
        case .returnToApplicant: "退回申报人"
        case .accept: "受理"
        case .requestCorrection: "一次性告知补正"
        case .answerCorrection: "提交补正材料"
        case .refuse: "不予受理"
        case .lapseCorrection: "逾期未补正失效"
        case .assignToSession: "提交评审会议"
        case .recordResult: "登记评审结果"
        case .startPublicNotice: "开始评审结果公示"
        case .raiseObjection: "提出异议"
        case .resolveObjection(_, let upheld, _): upheld ? "异议成立" : "异议不成立"
        case .concludeNotice: "结束公示"
        case .confirm: "确认(备案)"
        case .recordCertificate: "登记证书"
        case .archive: "归档"
        case .requestReexamination: "申请复查"
        case .decideReexamination: "作出复查决定"
        case .withdraw: "撤回申报"
        case .tick: "定时处理"
        }
    }
}
