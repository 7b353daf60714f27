public import Domain
import Foundation

/// Who receives a message in the site's inbox 站内消息: a person (the applicant's account names
/// `P-<ID number>`), a unit (its HR accounts) or an expert (the expert record's account).
public enum Recipient: Sendable, Hashable {
    case person(String)
    case unit(String)
    case expert(String)

    /// The kind stored beside the id (`person`, `unit`, `expert`).
    public var kind: String {
        switch self {
        case .person: "person"
        case .unit: "unit"
        case .expert: "expert"
        }
    }

    public var id: String {
        switch self {
        case .person(let id), .unit(let id), .expert(let id): id
        }
    }

    public init?(kind: String, id: String) {
        switch kind {
        case "person": self = .person(id)
        case "unit": self = .unit(id)
        case "expert": self = .expert(id)
        default: return nil
        }
    }
}

/// One message for one recipient: a subject line, a sentence or two, and the page it is about.
public struct InboxMessage: Sendable, Equatable {
    public var recipient: Recipient
    public var subject: String
    public var body: String
    /// The site's page the message is about (the application as the recipient sees it, the session).
    public var link: String

    public init(recipient: Recipient, subject: String, body: String, link: String) {
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.link = link
    }
}

/// The messages each event puts in the inboxes of the people it concerns, in Chinese. Pure: the
/// store calls these with the events a step appends, in the step's transaction, so the web, the
/// command line and the scheduler all produce the same messages.
public enum Inbox {
    /// The applicant's page of an application.
    public static func applicantLink(_ applicationID: String) -> String { "/apply/\(applicationID)" }
    /// The unit HR page of an application.
    public static func unitLink(_ applicationID: String) -> String { "/unit/applications/\(applicationID)" }
    /// The expert's page of a session.
    public static func sessionLink(_ sessionID: String) -> String { "/expert/sessions/\(sessionID)" }

    /// Messages for one application event. `profile`: the application's (after the event).
    public static func messages(applicationID id: String, profile: ApplicationProfile, event: ApplicationEvent)
        -> [InboxMessage]
    {
        let title = TitleNames.title(profile.series, profile.level)
        let what = "您的职称申报（申报编号 \(id)，\(title)）"
        func applicant(_ subject: String, _ body: String) -> InboxMessage {
            InboxMessage(recipient: .person(profile.personID), subject: subject, body: body, link: applicantLink(id))
        }
        switch event {
        case .created, .correctionAnswered, .archived, .assignedToSession, .objectionRaised, .objectionDismissed,
            .reexaminationRequested:
            return []
        case .submitted(_, let on):
            return [
                applicant("申报已提交", "\(what)已于\(on.chinese)提交，等待用人单位审核推荐。"),
                InboxMessage(
                    recipient: .unit(profile.unitID), subject: "新的职称申报待审核",
                    body: "本单位人员于\(on.chinese)提交了职称申报（申报编号 \(id)，\(title)），请进行单位内部公示并审核推荐。",
                    link: unitLink(id)),
            ]
        case .unitNoticeStarted(let on):
            return [applicant("单位内部公示已开始", "用人单位已于\(on.chinese)开始对\(what)进行单位内部公示。")]
        case .recommended(let on, _):
            return [applicant("用人单位已审核推荐", "用人单位已于\(on.chinese)审核推荐\(what)，申报已报送职改办。")]
        case .returnedByUnit(let reason, let on):
            return [applicant("申报被用人单位退回", "用人单位于\(on.chinese)退回了\(what)。退回原因：\(reason)。请修改后重新提交。")]
        case .accepted(let on):
            return [applicant("申报已受理", "职改办已于\(on.chinese)受理\(what)，受理通知书可在申报页面查看。")]
        case .correctionRequested(let items, let on, let deadline, _):
            let list = items.isEmpty ? "" : "需补正的内容：\(items.joined(separator: "；"))。"
            return [
                applicant(
                    "请补正申报材料",
                    "职改办于\(on.chinese)一次性告知\(what)需要补正。\(list)请在\(deadline.chinese)前补正，逾期未补正的，申报失效。")
            ]
        case .refused(let reasons, let on):
            return [applicant("申报不予受理", "职改办于\(on.chinese)决定不予受理\(what)。理由：\(reasons.joined(separator: "；"))。")]
        case .lapsed(let deadline, _):
            return [applicant("申报已失效", "\(what)未在\(deadline.chinese)前补正，申报已失效。")]
        case .resultRecorded(_, let tally, let passed, let on):
            return [
                applicant(
                    passed ? "评审结果：通过" : "评审结果：未通过",
                    "评审委员会于\(on.chinese)对\(what)进行了表决：\(passed ? "通过" : "未通过")（出席\(tally.present)人，同意\(tally.yes)票）。")
            ]
        case .publicNoticeStarted(_, let start, let end):
            return [applicant("评审结果公示", "\(what)的评审结果自\(start.chinese)至\(end.chinese)公示，公示期满无异议的，予以确认。")]
        case .objectionUpheld(_, _, let on):
            return [applicant("公示异议经核实成立", "\(what)在公示期间收到的异议于\(on.chinese)经核实成立，评审结果不予确认。")]
        case .noticeConcluded(let on):
            return [applicant("公示期满", "\(what)的评审结果公示已于\(on.chinese)期满。")]
        case .confirmed(let number, let on):
            return [applicant("取得资格", "职改办已于\(on.chinese)确认\(what)的评审结果（\(number)），取得资格通知可在申报页面查看。")]
        case .filed(let number, let on):
            return [applicant("评审结果已备案", "\(what)的评审结果已于\(on.chinese)备案（\(number)）。")]
        case .certified(let number, let on):
            return [applicant("职称证书已颁发", "\(what)的职称证书（证书编号 \(number)）已于\(on.chinese)颁发，可在申报页面下载。")]
        case .reexaminationDecided(let outcome, let finding, let on):
            return [applicant("复查决定", "\(what)的复查申请已于\(on.chinese)作出决定：\(outcome.chinese.replacingOccurrences(of: ",", with: "，"))。\(finding)")]
        case .withdrawn(_, let on):
            return [applicant("申报已撤回", "\(what)已于\(on.chinese)撤回。")]
        }
    }

    /// Messages for one certificate event (its revocation; the issue is the application's `certified`).
    public static func messages(certificate: CertificateState, event: CertificateEvent) -> [InboxMessage] {
        guard case .revoked(let reason, let decision, let on) = event, let d = certificate.details else { return [] }
        return [
            InboxMessage(
                recipient: .person(d.holderID), subject: "职称证书已被撤销",
                body: "您的职称证书（证书编号 \(d.number)）已于\(on.chinese)被撤销（撤销决定文号 \(decision)）。撤销原因：\(reason)。",
                link: applicantLink(d.applicationID))
        ]
    }

    /// Messages for one committee session event: each expert seated (by the draw or as a
    /// replacement) is told the meeting's date and place.
    public static func messages(sessionID: String, session: CommitteeSessionState, event: CommitteeSessionEvent)
        -> [InboxMessage]
    {
        let seated: [ExpertRef]
        switch event {
        case .expertsDrawn(_, _, let members, _, _): seated = members
        case .expertRecused(_, _, let replacement?, _): seated = [replacement]
        default: return []
        }
        guard let plan = session.plan else { return [] }
        let title = "\(plan.series.chinese)\(plan.level.chinese)"
        let venue = plan.venue.map { "，地点：\($0)" } ?? ""
        return seated.map { expert in
            InboxMessage(
                recipient: .expert(expert.id), subject: "评审会议邀请",
                body: "您已被抽取为\(title)评审会议（会议编号 \(sessionID)）的评审专家。会议日期：\(plan.date.chinese)\(venue)，共\(plan.candidates.count)名申报人。",
                link: sessionLink(sessionID))
        }
    }
}
