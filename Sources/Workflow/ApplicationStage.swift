/// Where an application stands. `status` (kebab-case) feeds the office queues; `chinese` is
/// what people read.
public enum ApplicationStage: String, Codable, Sendable, CaseIterable {
    /// No `created` event yet.
    case none = "not-created"
    case draft
    /// Submitted with a signed pledge; the unit checks it.
    case unitReview = "unit-review"
    /// The unit's internal notice 单位公示 is running.
    case unitNotice = "unit-notice"
    /// Recommended by the unit; the office reviews the qualification 资格审核.
    case qualificationReview = "qualification-review"
    /// A one-time correction notice 补正 is waiting for the applicant's answer.
    case correction = "correction-pending"
    /// The correction deadline passed without an answer.
    case lapsed
    /// 不予受理.
    case refused
    /// 受理: waiting to be put before a committee session.
    case accepted
    case inSession = "in-session"
    case passed
    case failed
    case publicNotice = "public-notice"
    /// An objection 异议 raised during the public notice is being investigated.
    case investigation
    /// The notice ended without objections pending; waiting for 确认 / 备案.
    case awaitingConfirmation = "awaiting-confirmation"
    case confirmed
    /// 备案: the unit has its own review authority.
    case filed
    case certified
    case archived
    /// 复查 requested; the office re-reviews.
    case reexamination
    case withdrawn

    public var chinese: String {
        switch self {
        case .none: "未创建"
        case .draft: "草稿"
        case .unitReview: "单位审核"
        case .unitNotice: "单位公示中"
        case .qualificationReview: "资格审核"
        case .correction: "待补正"
        case .lapsed: "逾期未补正已失效"
        case .refused: "不予受理"
        case .accepted: "已受理待评审"
        case .inSession: "评审中"
        case .passed: "评审通过"
        case .failed: "评审未通过"
        case .publicNotice: "评审结果公示中"
        case .investigation: "异议调查中"
        case .awaitingConfirmation: "待确认"
        case .confirmed: "已确认"
        case .filed: "已备案"
        case .certified: "已发证"
        case .archived: "已归档"
        case .reexamination: "复查中"
        case .withdrawn: "已撤回"
        }
    }

    /// Stages before the committee's decision: the applicant may still withdraw.
    public var isBeforeDecision: Bool {
        switch self {
        case .draft, .unitReview, .unitNotice, .qualificationReview, .correction, .accepted, .inSession: true
        default: false
        }
    }
}
