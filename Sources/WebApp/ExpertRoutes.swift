import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Store
import Workflow

extension Pages.Page {
    static let expertHome = Pages.Page("expert-home")
    static let expertSession = Pages.Page("expert-session")
    static let expertCandidate = Pages.Page("expert-candidate")
}

/// `/expert`: the review expert's pages 评审专家.
///
/// - `GET /expert` — the sessions this expert was drawn for (any other session is a 404).
/// - `GET /expert/sessions/{id}` — the session, the expert's seat, the candidates with their
///   dossiers (declaration form and pledge documents) while the expert is seated.
/// - `GET /expert/sessions/{id}/candidates/{application}` — one candidate's whole declaration
///   (sections, photo, attachments) while the expert is seated at the open session.
/// - `POST …/conflict` — declare a conflict of interest before the meeting (machine command,
///   as the expert themself).
/// - `POST …/vote` — the secret ballot 无记名投票: once per candidate, while the session is
///   convened, the expert present and the box not yet counted. One transaction adds the
///   expert to the box's voters and one to the chosen total; nothing records which.
struct ExpertRoutes {
    let services: WebServices
    var desk: CommitteeDesk { CommitteeDesk(services: services) }
    var pages: Pages { services.pages }

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/expert").add(middleware: RequireRole([.expert]))
        group.get { _, context in try home(context) }
        group.get("sessions/{id}") { request, context in
            try sessionPage(context, voted: request.uri.queryParameters.get("voted") != nil)
        }
        group.get("sessions/{id}/candidates/{application}") { _, context in try candidatePage(context) }
        group.post("sessions/{id}/conflict") { request, context in try await declareConflict(request, context) }
        group.post("sessions/{id}/vote") { request, context in try await vote(request, context) }
    }

    /// The expert record id of the signed-in account (an expert account without one sees nothing).
    /// An expert suspended in the pool or out of term since signing in is refused here too.
    func expertID(_ context: WebRequestContext) throws -> String? {
        let account = try context.requireIdentity().account
        if let refusal = try ExpertAccountActions.refusal(for: account, store: services.store, today: services.today) {
            throw WebError.refused(rule: refusal.rule, message: refusal.message)
        }
        return account.expertID
    }

    /// The session, if this expert was drawn for it (member or alternate, recused or not);
    /// otherwise 404, so session ids cannot be probed.
    func ownSession(_ context: WebRequestContext) throws -> (CommitteeDesk.Session, String) {
        guard let id = context.parameters.get("id"), let expertID = try expertID(context),
            let session = try desk.session(id), session.state.drawn.contains(where: { $0.id == expertID })
        else { throw WebError.notFound }
        return (session, expertID)
    }

    /// The expert's place at a session, in words.
    enum Seat {
        case member, alternate, recused(String), unused

        init(_ state: CommitteeSessionState, expertID: String) {
            if let r = state.recusals.first(where: { $0.expertID == expertID }) {
                self = .recused(r.reason.chinese)
            } else if state.members.contains(where: { $0.id == expertID }) {
                self = .member
            } else if state.alternates.contains(where: { $0.id == expertID }) {
                self = .alternate
            } else {
                self = .unused
            }
        }

        var isMember: Bool { if case .member = self { true } else { false } }
    }

    func seatText(_ seat: Seat, state: CommitteeSessionState, expertID: String) -> String {
        switch seat {
        case .member:
            switch state.stage {
            case .none, .planned, .drawn: "您是本次会议的评审专家。"
            case .convened, .voting:
                state.present.contains(expertID)
                    ? "您已出席本次会议，请对每位评审对象投票。" : "您未出席本次会议，不能投票（不得委托或事后补投）。"
            case .closed: state.present.contains(expertID) ? "您出席了本次会议。" : "您未出席本次会议。"
            }
        case .alternate: "您是本次会议的备选专家；如有专家回避，将按抽取顺序递补。"
        case .recused(let reason): "您已回避本次会议（\(reason)）。"
        case .unused: "您不在本次会议的评审专家名单中。"
        }
    }

    // MARK: pages

    func home(_ context: WebRequestContext) throws -> Response {
        var rows: [TemplateValue] = []
        if let expertID = try expertID(context) {
            for session in try desk.sessions() where session.state.drawn.contains(where: { $0.id == expertID }) {
                var row = try desk.summary(session)
                row["seat"] = .string(seatText(Seat(session.state, expertID: expertID), state: session.state, expertID: expertID))
                rows.append(.object(row))
            }
        }
        return try pages.response(
            .expertHome, title: "评审专家工作台", data: ["sessions": .list(rows), "hasSessions": .bool(!rows.isEmpty)],
            context: context)
    }

    /// A candidate's dossier, for a member seated at the session while it is open (else 404).
    func candidatePage(_ context: WebRequestContext) throws -> Response {
        let (session, expertID) = try ownSession(context)
        guard let applicationID = context.parameters.get("application"),
            session.plan.candidates.contains(where: { $0.applicationID == applicationID }),
            let state = try services.store.load(ApplicationMachine.self, id: applicationID)?.state,
            try CommitteeDesk.expertMaySee(applicationID, state: state, expertID: expertID, store: services.store)
        else { throw WebError.notFound }
        let info = try desk.candidate(applicationID)
        let data: [String: TemplateValue] = [
            "sessionID": .string(session.id), "applicationID": .string(applicationID), "name": .string(info.name),
            "unit": .string(info.unit), "title": .string(info.title),
            "documents": .list(info.documents.map(CommitteeDesk.value)), "hasDocuments": .bool(!info.documents.isEmpty),
            "dossier": try services.dossier(id: applicationID, state: state, withEligibility: false),
        ]
        return try pages.response(.expertCandidate, title: "申报材料 \(info.name)", data: data, context: context)
    }

    func sessionPage(_ context: WebRequestContext, voted: Bool) throws -> Response {
        let (session, expertID) = try ownSession(context)
        let state = session.state
        let seat = Seat(state, expertID: expertID)
        let isOpen = state.stage == .convened || state.stage == .voting
        let isPresent = state.present.contains(expertID)
        let cast = try services.store.ballotsCast(sessionID: session.id, expertID: expertID)
        var candidates: [TemplateValue] = []
        if seat.isMember {
            for c in session.plan.candidates {
                let info = try desk.candidate(c.applicationID)
                // The dossier while the session is open to the expert (the download route agrees).
                let dossier = state.stage == .closed ? [] : info.documents
                let counted = state.counts[c.applicationID] != nil
                let hasVoted = cast.contains(c.applicationID)
                candidates.append([
                    "applicationID": .string(c.applicationID), "name": .string(info.name), "unit": .string(info.unit),
                    "title": .string(info.title), "documents": .list(dossier.map(CommitteeDesk.value)),
                    "hasDocuments": .bool(!dossier.isEmpty),
                    "hasVoted": .bool(hasVoted), "counted": .bool(counted && !hasVoted),
                    "canVote": .bool(isOpen && isPresent && !hasVoted && !counted),
                ])
            }
        }
        var data = try desk.summary(session)
        data["seat"] = .string(seatText(seat, state: state, expertID: expertID))
        data["isMember"] = .bool(seat.isMember)
        data["candidates"] = .list(candidates)
        data["canDeclare"] = .bool(state.stage == .drawn && (seat.isMember || { if case .alternate = seat { true } else { false } }()))
        data["voted"] = .bool(voted)
        data["isOpen"] = .bool(isOpen && isPresent && seat.isMember)
        data["choices"] = .list(BallotChoice.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] })
        return try pages.response(.expertSession, title: "评审会议 \(session.id)", data: data, context: context)
    }

    // MARK: steps

    func declareConflict(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let (session, expertID) = try ownSession(context)
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 200 else {
            throw WebError.badRequest(field: "回避理由", message: "请简要说明回避理由（不超过200个字）。")
        }
        try await services.actions.perform(
            CommitteeSessionMachine.self, id: session.id, .declareConflict(expertID: expertID, note: note),
            as: try context.requireIdentity().account.actor)
        return seeOther("/expert/sessions/\(session.id)")
    }

    /// One secret ballot. The checks are made again inside the transaction that writes it, so
    /// a box counted (or a session closed) a moment earlier refuses the ballot.
    func vote(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let (session, expertID) = try ownSession(context)
        let applicationID = form["application"] ?? ""
        guard let choice = BallotChoice(rawValue: form["choice"] ?? "") else {
            throw WebError.badRequest(field: "表决意见", message: "请选择赞成、反对或弃权。")
        }
        if !ConfirmStep.confirmed(form) {
            guard session.plan.candidates.contains(where: { $0.applicationID == applicationID }) else {
                throw WebError.badRequest(field: "评审对象", message: "该申报不是本次会议的评审对象。")
            }
            let candidate = try desk.candidate(applicationID)
            return try ConfirmStep.page(
                services.pages, form: form, action: "/expert/sessions/\(session.id)/vote",
                heading: "确认投票",
                consequences: [
                    "对 \(candidate.name)（\(candidate.unit)，申报\(candidate.title)）投“\(choice.chinese)”票。",
                    "选票投入票箱后不能更改，也不能再次投票；表决意见不记名，任何页面都不显示。",
                ], back: "/expert/sessions/\(session.id)", context: context)
        }
        try await services.actions.transaction(as: try context.requireIdentity().account.actor) { tx, _ in
            try OfficeSteps.castBallot(
                tx, session: session.id, application: applicationID, expert: expertID, choice: choice)
        }
        return seeOther("/expert/sessions/\(session.id)?voted=1")
    }
}
