import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Store
import Workflow

extension Pages.Page {
    static let committeeSessions = Pages.Page("committee-sessions")
    static let committeePlan = Pages.Page("committee-plan")
    static let committeeSession = Pages.Page("committee-session")
}

/// `/committee`: committee sessions 评审会议 for the committee secretary and the office.
///
/// - `GET /committee` — sessions by stage.
/// - `GET /committee/new[?committee=ID]` and `POST /committee/sessions` — plan a session: a
///   committee of the registry, date, venue and the accepted applications of its series and
///   level (each assigned to the session in the same transaction as the plan).
/// - `GET /committee/sessions/{id}` — the session: drawn experts, recusals, attendance,
///   ballot participation per candidate (how many have voted, never who voted what), results.
/// - `POST …/draw` (seed recorded), `…/recuse` (office), `…/convene` (attendance, quorum),
///   `…/count` (the secretary records every full ballot box of the session at once; with
///   `application`, that candidate's box only), `…/close` (minutes; the results go to every
///   application in the same transaction; minutes and vote record are issued). Convene and
///   close answer a confirmation page first (`ConfirmStep`: they run with `confirm=yes`).
///
/// Who may do what is the machine's rule (`CommitteeSessionMachine.roles`); the page only
/// offers the forms the signed-in role may use.
struct CommitteeRoutes {
    let services: WebServices
    var desk: CommitteeDesk { CommitteeDesk(services: services) }
    var pages: Pages { services.pages }

    static let roles: Set<Role> = [.committeeSecretary, .officeClerk, .officeHead]

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/committee").add(middleware: RequireRole(Self.roles))
        group.get { _, context in try list(context) }
        group.get("new") { request, context in
            try planPage(context, committeeID: request.uri.queryParameters.get("committee"))
        }
        group.post("sessions") { request, context in try await plan(request, context) }
        group.get("sessions/{id}") { _, context in try sessionPage(context, id: try sessionID(context)) }
        group.post("sessions/{id}/draw") { request, context in try await draw(request, context) }
        group.post("sessions/{id}/recuse") { request, context in try await recuse(request, context) }
        group.post("sessions/{id}/convene") { request, context in try await convene(request, context) }
        group.post("sessions/{id}/count") { request, context in try await count(request, context) }
        group.post("sessions/{id}/close") { request, context in try await close(request, context) }
    }

    func sessionID(_ context: WebRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), CommitteeDesk.isStreamID(id) else { throw WebError.notFound }
        return id
    }

    func loadSession(_ context: WebRequestContext) throws -> CommitteeDesk.Session {
        guard let session = try desk.session(try sessionID(context)) else { throw WebError.notFound }
        try requireCommitteeInScope(session.plan.committeeID, context)
        return session
    }

    /// The committees a county's staff work with: their county's (the city's staff: all).
    func scopedCommittees(_ scope: StaffScope) throws -> [CommitteeRecord] {
        try services.store.committees().filter { scope.admits($0.jurisdiction) }
    }

    /// A 403 for a county's staff opening or acting on another jurisdiction's committee or session.
    func requireCommitteeInScope(_ committeeID: String, _ context: WebRequestContext) throws {
        let scope = try StaffScope(context)
        guard let words = scope.refusalWords(policy: services.policy) else { return }
        let committee = try desk.committee(committeeID)
        if let committee, scope.admits(committee.jurisdiction) { return }
        // A self-reviewing unit's staff (`unit:<id>`) work on their unit's committee only.
        let place = committee.map { "\($0.name)由\(Routing.chinese($0.jurisdiction, policy: services.policy))管辖" }
            ?? "评审委员会\(committeeID)不是\(words.own)的"
        throw WebError.forbidden("您是\(words.who)的工作人员，只能办理\(words.handles)；\(place)。")
    }

    static func may(_ role: Role, _ command: CommitteeSessionCommand) -> Bool {
        CommitteeSessionMachine.roles(for: command).contains(role)
    }

    // MARK: list

    func list(_ context: WebRequestContext) throws -> Response {
        let role = try context.requireIdentity().account.role
        let scope = try StaffScope(context)
        let committees = Dictionary(uniqueKeysWithValues: try scopedCommittees(scope).map { ($0.id, $0) })
        // A county's staff: the sessions of their county's committees only.
        let sessions = try desk.sessions().filter { scope.jurisdiction == nil || committees[$0.plan.committeeID] != nil }
        let stages: [CommitteeSessionStage] = [.planned, .drawn, .convened, .voting, .closed]
        let groups: [TemplateValue] = stages.compactMap { stage in
            let rows = sessions.filter { $0.state.stage == stage }
            guard !rows.isEmpty else { return nil }
            return [
                "stage": .string(stage.chinese), "count": .number(Double(rows.count)),
                "sessions": .list(
                    rows.map { s in
                        [
                            "sessionID": .string(s.id),
                            "committeeName": .string(committees[s.plan.committeeID]?.name ?? s.plan.committeeID),
                            "date": .string(s.plan.date.chinese), "venue": .string(s.plan.venue ?? "—"),
                            "candidateCount": .number(Double(s.plan.candidates.count)),
                        ]
                    }),
            ]
        }
        return try pages.response(
            .committeeSessions, title: "评审会议",
            data: [
                "groups": .list(groups), "hasSessions": .bool(!sessions.isEmpty),
                "canPlan": .bool(Self.may(role, .plan(Self.placeholderPlan))),
            ], context: context)
    }

    /// Only for asking the machine which roles may plan.
    static let placeholderPlan = SessionPlan(
        sessionID: "", committeeID: "", series: .engineering, level: .intermediate, memberCount: 0, candidates: [],
        date: Day(ordinal: 0))

    // MARK: plan

    /// Accepted applications of the committee's series, level and jurisdiction (`Routing`),
    /// waiting for a session.
    func waitingApplications(for committee: CommitteeRecord) throws -> [String] {
        try services.store.streamIDs(ApplicationMachine.self, status: ApplicationStage.accepted.rawValue).filter { id in
            guard let profile = try services.store.load(ApplicationMachine.self, id: id)?.state.profile else {
                return false
            }
            return profile.series == committee.series && profile.level == committee.level
                && Routing.jurisdiction(of: profile) == committee.jurisdiction
        }
    }

    func planPage(
        _ context: WebRequestContext, committeeID: String?, values: [String: String] = [:], problem: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let committees = try scopedCommittees(try StaffScope(context))
        let chosen = committeeID.flatMap { id in committees.first { $0.id == id } }
        if let committeeID, !committeeID.isEmpty, chosen == nil {
            // Another place's committee: a 403 naming both places; an unknown one: not found.
            if try desk.committee(committeeID) != nil { try requireCommitteeInScope(committeeID, context) }
            throw WebError.notFound
        }
        let picked = Set(values["applications"]?.split(separator: " ").map(String.init) ?? [])
        var candidates: [TemplateValue] = []
        if let chosen {
            for id in try waitingApplications(for: chosen) {
                let c = try desk.candidate(id)
                candidates.append([
                    "applicationID": .string(id), "name": .string(c.name), "unit": .string(c.unit),
                    "title": .string(c.title), "checked": .bool(picked.contains(id)),
                ])
            }
        }
        let today = services.today
        return try pages.response(
            .committeePlan, title: "安排评审会议",
            data: [
                "committees": .list(
                    committees.map { c in
                        [
                            "committeeID": .string(c.id), "name": .string(c.name),
                            "selected": .bool(c.id == chosen?.id),
                            "termEnd": .string(c.termEnd.chinese),
                        ]
                    }),
                "chosen": chosen.map { c in
                    [
                        "committeeID": .string(c.id), "name": .string(c.name), "scope": .string(c.scope),
                        "title": .string(TitleNames.title(c.series, c.level)),
                        "memberCount": .number(Double(c.memberCount)),
                        "poolSize": .number(Double((try? services.store.experts(committee: c.id).count) ?? 0)),
                    ]
                } ?? .null,
                "candidates": .list(candidates), "hasCandidates": .bool(!candidates.isEmpty),
                "date": .string(values["date"] ?? today.description), "minDate": .string(today.description),
                "venue": .string(values["venue"] ?? ""), "problem": problem.map { .string($0) } ?? .null,
            ], context: context, status: status)
    }

    func plan(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let committeeID = form["committee"] ?? ""
        guard let committee = try desk.committee(committeeID) else {
            throw WebError.badRequest(field: "评审委员会", message: "请选择评审委员会。")
        }
        try requireCommitteeInScope(committee.id, context)
        let dateText = (form["date"] ?? "").trimmingCharacters(in: .whitespaces)
        let venue = (form["venue"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let ids = form.all("application")
        let values = ["date": dateText, "venue": venue, "applications": ids.joined(separator: " ")]
        func again(_ problem: String) throws -> Response {
            try planPage(
                context, committeeID: committee.id, values: values, problem: problem, status: .unprocessableContent)
        }
        guard let date = Day(dateText) else { return try again("请按“年-月-日”填写会议日期，如 2026-06-15。") }
        guard date >= services.today else { return try again("会议日期不能早于今天（\(services.today.chinese)）。") }
        guard !venue.isEmpty, venue.count <= 100 else { return try again("请填写会议地点（不超过100个字）。") }
        guard !ids.isEmpty else { return try again("请至少选择一名评审对象。") }
        guard ids.allSatisfy(CommitteeDesk.isStreamID) else { throw WebError.badRequest(field: "评审对象", message: "申报编号有误。") }

        let sessionID = try await services.actions.transaction(as: identity.account.actor) { tx, context in
            try OfficeSteps.planSession(
                tx, context, committee: committee, date: date, venue: venue, applications: ids)
        }
        return seeOther("/committee/sessions/\(sessionID)")
    }

    // MARK: the session page

    func sessionPage(_ context: WebRequestContext, id: String) throws -> Response {
        let role = try context.requireIdentity().account.role
        guard let session = try desk.session(id) else { throw WebError.notFound }
        try requireCommitteeInScope(session.plan.committeeID, context)
        let state = session.state
        let experts = try desk.experts(committee: session.plan.committeeID)
        var units: [String: String] = [:]
        for unitID in Set(state.drawn.map(\.unitID)) {
            units[unitID] = try services.store.unit(unitID)?.name
        }
        func expert(_ ref: ExpertRef) -> TemplateValue {
            let record = experts[ref.id]
            return [
                "expertID": .string(ref.id), "name": .string(record?.name ?? ref.id),
                "unit": .string(units[ref.unitID] ?? ref.unitID), "title": .string(record?.title ?? "—"),
                "present": .bool(state.present.contains(ref.id)),
            ]
        }
        let isOpen = state.stage == .convened || state.stage == .voting
        let ballots = isOpen ? try services.store.ballotCounts(sessionID: id) : [:]
        let pass = services.policy.committee.pass
        let mayCount = Self.may(role, .recordBallots(applicationID: "", voters: [], counts: .zero))
        let candidates: [TemplateValue] = try session.plan.candidates.map { c in
            let info = try desk.candidate(c.applicationID)
            let voted = ballots[c.applicationID] ?? 0
            let result = CommitteeSessionMachine.result(for: c.applicationID, in: state, pass: pass)
            return [
                "applicationID": .string(c.applicationID), "name": .string(info.name), "unit": .string(info.unit),
                "title": .string(info.title), "applicationStage": .string(info.stage),
                "voted": .number(Double(result.map { $0.tally.ballots } ?? voted)),
                "present": .number(Double(state.present.count)),
                "canCount": .bool(mayCount && isOpen && result == nil && voted == state.present.count && voted > 0),
                "waiting": .bool(isOpen && result == nil && voted < state.present.count),
                "result": result.map { r in
                    [
                        "yes": .number(Double(r.tally.yes)), "no": .number(Double(r.tally.no)),
                        "abstain": .number(Double(r.tally.abstain)), "passed": .bool(r.passed),
                        "needed": .number(Double(pass.minimum(of: r.tally.present))),
                    ]
                } ?? .null,
            ]
        }
        let recusals: [TemplateValue] = state.recusals.map { r in
            [
                "expertID": .string(r.expertID), "name": .string(experts[r.expertID]?.name ?? r.expertID),
                "reason": .string(r.reason.chinese),
                "replacement": r.replacement.map { .string(experts[$0.id]?.name ?? $0.id) } ?? .null,
            ]
        }
        let documents = try desk.documents(
            stream: CommitteeSessionMachine.kind, id: id, kinds: [.minutes, .voteRecord]
        ).map(CommitteeDesk.value)
        let committee = try desk.committee(session.plan.committeeID)
        let pending = session.plan.candidates.filter { state.counts[$0.applicationID] == nil }.count
        let defaultMinutes =
            "\(committee?.name ?? session.plan.committeeID)于\(session.plan.date.chinese)在\(session.plan.venue ?? "会议室")召开评审会议，"
            + "应到\(session.plan.memberCount)人，实到\(state.present.count)人，"
            + "对\(session.plan.candidates.count)名申报人进行无记名投票表决。"
        var data = try desk.summary(session)
        data["drawn"] = .bool(!state.drawn.isEmpty)
        data["seed"] = .string(state.seed.map { String($0) } ?? "—")
        data["needed"] = .number(Double(state.needed))
        data["members"] = .list(state.members.map(expert))
        data["alternates"] = .list(state.alternates.map(expert))
        data["hasAlternates"] = .bool(!state.alternates.isEmpty)
        data["recusals"] = .list(recusals)
        data["hasRecusals"] = .bool(!recusals.isEmpty)
        data["candidates"] = .list(candidates)
        data["isOpen"] = .bool(isOpen)
        data["isClosed"] = .bool(state.stage == .closed)
        data["minutes"] = .string(state.minutes ?? "")
        data["defaultMinutes"] = .string(defaultMinutes)
        data["documents"] = .list(documents)
        data["hasDocuments"] = .bool(!documents.isEmpty)
        data["canDraw"] = .bool(state.stage == .planned && Self.may(role, .drawExperts(pool: [], needed: 0, seed: 0)))
        data["canRecuse"] = .bool(state.stage == .drawn && Self.may(role, .recuseExpert(expertID: "", note: "")))
        data["canConvene"] = .bool(state.stage == .drawn && Self.may(role, .convene(present: [])))
        data["canClose"] = .bool(isOpen && pending == 0 && Self.may(role, .close(minutes: "")))
        data["pendingCount"] = .number(Double(pending))
        // One 计票 for the session, once every uncounted box holds every present expert's ballot.
        let uncounted = session.plan.candidates.filter { state.counts[$0.applicationID] == nil }
        let countable =
            isOpen && mayCount && !uncounted.isEmpty && !state.present.isEmpty
            && uncounted.allSatisfy { (ballots[$0.applicationID] ?? 0) == state.present.count }
        data["canCountAll"] = .bool(countable)
        data["countable"] = .number(Double(uncounted.count))
        data["version"] = .number(Double(session.version))
        return try pages.response(.committeeSession, title: "评审会议 \(id)", data: data, context: context)
    }

    // MARK: steps

    func draw(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let session = try loadSession(context)
        // The seed is drawn by the system at the moment of the draw (`OfficeSteps.drawSeed`).
        guard (form["seed"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WebError.badRequest(field: "随机种子", message: "随机种子由系统在抽取时生成并记录，不能指定。")
        }
        let neededText = (form["needed"] ?? "").trimmingCharacters(in: .whitespaces)
        let needed = neededText.isEmpty ? session.plan.memberCount : Int(neededText) ?? -1
        guard needed > 0 else { throw WebError.badRequest(field: "抽取人数", message: "抽取人数应为正整数。") }
        let pool = try OfficeSteps.drawPool(
            store: services.store, committee: session.plan.committeeID, on: services.today)
        let expected = version(form)
        try await services.actions.transaction(as: identity.account.actor) { tx, context in
            try OfficeSteps.drawExperts(
                tx, context, session: session.id, pool: pool, needed: needed, expectedVersion: expected)
        }
        return seeOther("/committee/sessions/\(session.id)")
    }

    func recuse(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let session = try loadSession(context)
        let expertID = form["expert"] ?? ""
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 200 else { throw WebError.badRequest(field: "回避理由", message: "回避理由不超过200个字。") }
        try await services.actions.perform(
            CommitteeSessionMachine.self, id: session.id, .recuseExpert(expertID: expertID, note: note),
            as: identity.account.actor, expectedVersion: version(form))
        return seeOther("/committee/sessions/\(session.id)")
    }

    func convene(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let session = try loadSession(context)
        if !ConfirmStep.confirmed(form) {
            let experts = try desk.experts(committee: session.plan.committeeID)
            let present = form.all("present")
            let names = present.map { id in "\(experts[id]?.name ?? id)（\(id)）" }
            let absent = session.state.members.map(\.id).filter { !present.contains($0) }
                .map { id in "\(experts[id]?.name ?? id)（\(id)）" }
            let quorum = services.policy.committee.quorum.minimum(of: session.plan.memberCount)
            return try ConfirmStep.page(
                services.pages, form: form, action: "/committee/sessions/\(session.id)/convene",
                heading: "确认召开评审会议 \(session.id)",
                consequences: [
                    present.isEmpty
                        ? "未登记任何出席专家。" : "登记出席专家\(present.count)人：\(names.joined(separator: "、"))。",
                    absent.isEmpty ? "无缺席专家。" : "缺席专家\(absent.count)人：\(absent.joined(separator: "、"))；缺席专家不得委托投票或事后补投。",
                    "法定出席人数至少\(quorum)人；开会后出席名单不能更改，出席专家即可开始投票。",
                ], back: "/committee/sessions/\(session.id)", context: context)
        }
        try await services.actions.perform(
            CommitteeSessionMachine.self, id: session.id, .convene(present: form.all("present")),
            as: identity.account.actor, expectedVersion: version(form))
        return seeOther("/committee/sessions/\(session.id)")
    }

    /// Records the ballot boxes into the session's log (`OfficeSteps.countBallots`): with
    /// `application`, that candidate's full box; without, every box not yet counted at once.
    func count(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let session = try loadSession(context)
        let applicationID = form["application"] ?? ""
        if !applicationID.isEmpty, !session.plan.candidates.contains(where: { $0.applicationID == applicationID }) {
            throw WebError.badRequest(field: "评审对象", message: "该申报不是本次会议的评审对象。")
        }
        try await services.actions.transaction(as: identity.account.actor) { tx, context in
            try OfficeSteps.countBallots(
                tx, context, session: session.id, application: applicationID.isEmpty ? nil : applicationID)
        }
        return seeOther("/committee/sessions/\(session.id)")
    }

    /// Closes with the minutes and, in the same transaction, records each candidate's result on
    /// the application (as the scheduler's `system` actor, as the demo season does).
    func close(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        let session = try loadSession(context)
        let minutes = (form["minutes"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard minutes.count <= 5_000 else { throw WebError.badRequest(field: "会议纪要", message: "会议纪要不超过5000个字。") }
        if !ConfirmStep.confirmed(form) {
            return try ConfirmStep.page(
                services.pages, form: form, action: "/committee/sessions/\(session.id)/close",
                heading: "确认闭会 \(session.id)",
                consequences: [
                    "闭会后不能再投票或计票，\(session.plan.candidates.count)名评审对象的表决结果即记入各自的申报。",
                    "生成会议纪要和投票记录。会议纪要：\(minutes)",
                ], back: "/committee/sessions/\(session.id)", context: context)
        }
        let expected = version(form)
        try await services.actions.transaction(as: identity.account.actor) { tx, context in
            try OfficeSteps.closeSession(tx, context, session: session.id, minutes: minutes, expectedVersion: expected)
        }
        return seeOther("/committee/sessions/\(session.id)")
    }

    /// The version the page showed (a stale page is a conflict, nothing is written).
    func version(_ form: FormBody) -> Int? { form["version"].flatMap { Int($0) } }
}
