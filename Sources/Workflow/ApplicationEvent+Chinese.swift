public import Domain

extension ApplicationEvent {
    /// The day the event happened (for a public notice, its first day).
    public var day: Day {
        switch self {
        case .created(_, let on), .submitted(_, let on), .unitNoticeStarted(let on), .recommended(let on, _),
            .returnedByUnit(_, let on), .accepted(let on), .correctionRequested(_, let on, _, _),
            .correctionAnswered(_, let on, _), .refused(_, let on), .lapsed(_, let on), .assignedToSession(_, let on),
            .resultRecorded(_, _, _, let on), .objectionRaised(_, _, let on), .objectionDismissed(_, _, let on),
            .objectionUpheld(_, _, let on), .noticeConcluded(let on), .confirmed(_, let on), .filed(_, let on),
            .certified(_, let on), .archived(let on), .reexaminationRequested(_, _, let on),
            .reexaminationDecided(_, _, let on), .withdrawn(_, let on):
            on
        case .publicNoticeStarted(_, let start, _): start
        }
    }

    /// What happened, for the people involved (the applicant's timeline, the consoles), in
    /// Chinese. Objection summaries are not repeated (they may name the person who objected).
    public var chinese: String {
        switch self {
        case .created: "创建申报"
        case .submitted: "签署告知承诺书并提交申报"
        case .unitNoticeStarted: "用人单位开始单位内部公示"
        case .recommended(_, let days): "用人单位审核推荐(单位公示\(days)个工作日)"
        case .returnedByUnit(let reason, _): "用人单位退回修改:\(reason)"
        case .accepted: "职改办受理"
        case .correctionRequested(let items, _, let deadline, _):
            "职改办一次性告知补正(须在\(deadline)前补正):\(items.joined(separator: "、"))"
        case .correctionAnswered(_, _, let pledge): pledge == nil ? "提交补正材料" : "修改申报表、重新签署承诺书并提交补正材料"
        case .refused(let reasons, _): "不予受理:\(reasons.joined(separator: "、"))"
        case .lapsed(let deadline, _): "逾期未补正(期限\(deadline)),申报失效"
        case .assignedToSession: "提交评审委员会评审"
        case .resultRecorded(_, let tally, let passed, _):
            "评审委员会表决\(passed ? "通过" : "未通过")(出席\(tally.present)人,同意\(tally.yes)票)"
        case .publicNoticeStarted(let batch, let start, let end): "评审结果公示(\(batch),\(start)至\(end))"
        case .objectionRaised: "公示期间收到异议,进入调查核实"
        case .objectionDismissed: "异议经核实不成立"
        case .objectionUpheld: "异议经核实成立,评审结果不予确认"
        case .noticeConcluded: "公示期满"
        case .confirmed(let number, _): "职改办确认评审结果(\(number))"
        case .filed(let number, _): "评审结果备案(\(number))"
        case .certified(let number, _): "颁发职称证书(\(number))"
        case .archived: "归档"
        case .reexaminationRequested: "申请复查"
        case .reexaminationDecided(let outcome, _, _): "复查决定:\(outcome.chinese)"
        case .withdrawn: "撤回申报"
        }
    }
}
