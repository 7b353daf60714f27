import Documents
import Domain
import Forms
import Foundation
import Intake
import Store
import Workflow

/// What the unit and office consoles show about applications: lists by status, the facts of
/// one application, its declaration, documents and history (the `application-facts` partial).
extension WebServices {
    /// Rows per page in the consoles' lists.
    static let pageSize = 50

    /// Application ids with their status, for one unit (the unit named in the application's
    /// profile, which never changes: `EventStore.applications`) or all, in id order; `status`
    /// narrows to one status.
    func applicationIDs(unit: String?, status: String?) throws -> [(id: String, status: String)] {
        try store.applications(unit: unit, status: status)
    }

    /// Counts per status in workflow order (statuses with none left out), as `.counts` links.
    func statusCountList(
        _ counts: [(status: String, count: Int)], current: String?, path: String
    ) -> [TemplateValue] {
        let byStatus = Dictionary(counts.map { ($0.status, $0.count) }, uniquingKeysWith: +)
        return ApplicationStage.allCases.compactMap { stage -> TemplateValue? in
            guard let n = byStatus[stage.rawValue], n > 0 else { return nil }
            return [
                "status": .string(stage.rawValue), "label": .string(stage.chinese), "count": .string(String(n)),
                "current": .bool(stage.rawValue == current),
                "href": .string("\(path)?status=\(stage.rawValue)"),
            ]
        }
    }

    /// The `application-facts` partial's values: who, what, where it stands, the declaration's
    /// main answers, the documents and the history.
    func applicationFacts(
        id: String, state: ApplicationState, withEligibility: Bool = false, correcting: Bool = false
    ) throws -> [String: TemplateValue] {
        guard let p = state.profile else { throw WebError.notFound }
        let person = try store.person(p.personID)
        let unit = try store.unit(p.unitID)
        var facts: [TemplateValue] = [
            ["label": "申报编号", "value": .string(id)],
            ["label": "申报人", "value": .string(person?.name ?? p.personID)],
            ["label": "工作单位", "value": .string(unit?.name ?? p.unitID)],
            ["label": "系列", "value": .string(p.series.chinese)],
            ["label": "申报级别", "value": .string("\(p.level.chinese)（\(TitleNames.title(p.series, p.level))）")],
            ["label": "评审通道", "value": .string(p.track.chinese)],
            ["label": "当前状态", "value": .string(state.stage.chinese)],
        ]
        func add(_ label: String, _ value: String?) {
            if let value, !value.isEmpty { facts.append(["label": .string(label), "value": .string(value)]) }
        }
        add("提交日期", state.submittedOn?.chinese)
        add("单位公示开始", state.unitNoticeStartedOn?.chinese)
        add("单位推荐日期", state.recommendedOn?.chinese)
        add("单位退回理由", state.unitReturnReason)
        if let c = state.correction {
            add("补正事项", c.items.joined(separator: "；"))
            add("补正期限", "\(c.deadline.chinese)前（\(c.requestedOn.chinese)告知）")
            add("补正答复", c.answer.map { "\($0)（\(c.answeredOn?.chinese ?? "")）" })
        }
        add("受理日期", state.acceptedOn?.chinese)
        add("不予受理理由", state.refusalReasons.isEmpty ? nil : state.refusalReasons.joined(separator: "；"))
        add("评审会议", state.sessionID)
        if let r = state.result {
            add(
                "评审结果",
                "\(r.passed ? "通过" : "未通过")（赞成\(r.tally.yes)、反对\(r.tally.no)、弃权\(r.tally.abstain)，出席\(r.tally.present)人）")
        }
        if let n = state.notice { add("公示", "批次 \(n.batchID)，\(n.start.chinese)至\(n.end.chinese)") }
        add("确认文号", state.documentNumber)
        add("证书编号", state.certificateNumber)
        var certificate: TemplateValue = .null
        if let number = state.certificateNumber, let c = try store.load(CertificateMachine.self, id: number)?.state {
            certificate = [
                "number": .string(number), "status": .string(c.status.chinese),
                "valid": .bool(c.status == .valid),
                "revocation": c.revocation.map {
                    TemplateValue.string("\($0.on.chinese)撤销（\($0.decisionNumber)）：\($0.reason)")
                } ?? .null,
            ]
        }
        let objections: [TemplateValue] = state.objections.map { o in
            [
                "id": .string(o.objectionID), "summary": .string(o.summary), "raised": .string(o.raisedOn.chinese),
                "open": .bool(o.isOpen),
                "outcome": .string(o.outcome == .upheld ? "异议成立" : o.outcome == .dismissed ? "异议不成立" : "调查中"),
                "finding": .string(o.finding ?? ""),
            ]
        }
        let documents = try documents(forApplication: state, id: id).map(\.templateValue)
        return [
            "facts": .list(facts), "dossier": try dossier(id: id, state: state, withEligibility: withEligibility, correcting: correcting),
            "documents": .list(documents), "hasDocuments": .bool(!documents.isEmpty),
            "history": .list(try history(kind: ApplicationMachine.kind, id: id)),
            "certificate": certificate, "objections": .list(objections), "hasObjections": .bool(!objections.isEmpty),
        ]
    }

    /// A stream's events as a timeline: when, what (in Chinese), by which role.
    func history(kind: String, id: String) throws -> [TemplateValue] {
        try store.events(kind: kind, id: id).map { e -> TemplateValue in
            [
                "when": .string(Self.beijingTime(e.recordedAt)),
                "what": .string(Self.eventNames[e.type] ?? e.type),
                "who": .string(Role(rawValue: e.actorRole)?.chinese ?? e.actorRole),
            ]
        }
    }

    /// Event names in Chinese (application, certificate and check streams).
    static let eventNames: [String: String] = [
        "created": "创建申报", "submitted": "提交申报（签署承诺书）", "unitNoticeStarted": "开始单位公示",
        "recommended": "单位推荐", "returnedByUnit": "单位退回申报人", "accepted": "受理",
        "correctionRequested": "一次性告知补正", "correctionAnswered": "提交补正材料", "refused": "不予受理",
        "lapsed": "逾期未补正失效", "assignedToSession": "提交评审会议", "resultRecorded": "登记评审结果",
        "publicNoticeStarted": "开始评审结果公示", "objectionRaised": "登记异议", "objectionDismissed": "异议不成立",
        "objectionUpheld": "异议成立", "noticeConcluded": "公示期满", "confirmed": "确认", "filed": "备案",
        "certified": "登记证书", "archived": "归档", "reexaminationRequested": "申请复查",
        "reexaminationDecided": "作出复查决定", "withdrawn": "撤回申报", "issued": "颁发证书", "revoked": "撤销证书",
        "opened": "立项核查", "falsified": "发现虚假材料",
    ]
}
