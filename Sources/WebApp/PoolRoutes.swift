import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let adminCommittees = Pages.Page("admin-committees")
    static let adminExperts = Pages.Page("admin-experts")
    static let adminExpertCodes = Pages.Page("admin-expert-codes")
}

/// `/admin/committees` (the administrator and the office head): the committees with their
/// decisions, and a new one set up by a decision with its 文号. `/admin/experts` (and the office's
/// clerks): the expert pool, one expert added, a CSV or XLSX file imported — every row checked,
/// every problem shown with its row and column, nothing imported when any row fails — and the
/// pool exported as CSV or XLSX. Each change an event in the hash-chained log.
struct PoolRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let committees = router.group("/admin/committees").add(
            middleware: RequireRole(Set(CommitteeRegistryMachine.committeeRoles)))
        committees.get { request, context in
            try committeesPage(context, done: request.uri.queryParameters.get("done") != nil)
        }
        committees.post { request, context in try await setUp(request, context) }
        let experts = router.group("/admin/experts").add(
            middleware: RequireRole(Set(CommitteeRegistryMachine.poolRoles)))
        experts.get { request, context in
            try expertsPage(context, flash: request.uri.queryParameters.get("imported").map { "已导入专家\($0)人。" })
        }
        experts.post { request, context in try await addOne(request, context) }
        experts.post("import") { request, context in try await importFile(request, context) }
        experts.post("accounts") { request, context in try await issueAccounts(request, context) }
        UnitImportRoutes(services: services).add(to: router)
        for format in SheetImport.Format.allCases {
            experts.get("export.\(format.rawValue)") { _, _ in
                SpreadsheetUpload.download(
                    try ExpertImport.export(try services.store.expertPool(), format: format), format: format,
                    name: "experts")
            }
        }
    }

    func workflowContext(_ context: WebRequestContext) throws -> Context {
        Context(actor: try context.requireIdentity().account.actor, now: services.now, rules: services.rules)
    }

    func perform(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError {
            if let refusal = error.refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            throw error
        }
    }

    // MARK: committees

    func committeesPage(_ context: WebRequestContext, done: Bool) throws -> Response {
        let list: [TemplateValue] = try services.store.committeeSetUps().map { c in
            [
                "id": .string(c.id), "name": .string(c.name), "series": .string(c.series.chinese),
                "level": .string(c.level.chinese),
                "jurisdiction": .string(Routing.chinese(c.jurisdiction)), "scope": .string(c.scope),
                "members": .string("\(c.memberCount)"), "term": .string("\(c.termStart)至\(c.termEnd)"),
                "decision": .string(c.decisionNumber),
            ]
        }
        return try services.pages.response(
            .adminCommittees, title: "评审委员会",
            data: [
                "committees": .list(list), "hasCommittees": .bool(!list.isEmpty),
                "series": .list(Series.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
                "levels": .list(Level.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
                "flash": done ? .string("评委会已组建。") : .null,
            ], context: context)
    }

    func setUp(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        func text(_ name: String, _ label: String, max: Int = 100) throws -> String {
            let t = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...max).contains(t.count) else { throw WebError.badRequest(field: label, message: "请填写\(label)（1至\(max)字）。") }
            return t
        }
        let id = try text("id", "评委会编号", max: 32)
        let name = try text("name", "评委会名称")
        guard let series = Series(rawValue: form["series"] ?? "") else { throw WebError.badRequest(field: "系列", message: "请选择系列。") }
        guard let level = Level(rawValue: form["level"] ?? "") else { throw WebError.badRequest(field: "级别", message: "请选择级别。") }
        let jurisdiction = try text("jurisdiction", "管辖范围", max: 6)
        let scope = try text("scope", "评审范围")
        guard let members = Int(form["members"] ?? "") else { throw WebError.badRequest(field: "委员人数", message: "请填写委员人数。") }
        guard let start = Day(form["term_start"] ?? ""), let end = Day(form["term_end"] ?? "") else {
            throw WebError.badRequest(field: "任期", message: "任期起止应为日期，如 2026-01-01。")
        }
        let decision = try text("decision", "组建文号")
        let committee = CommitteeSetUp(
            id: id, name: name, series: series, level: level, jurisdiction: jurisdiction, scope: scope,
            memberCount: members, termStart: start, termEnd: end, decisionNumber: decision)
        let wf = try workflowContext(context)
        try perform { try ExpertImport.setUpCommittee(store: services.store, context: wf, committee: committee) }
        return seeOther("/admin/committees?done=1")
    }

    // MARK: experts

    func expertsPage(
        _ context: WebRequestContext, flash: String?, problems: [String] = [], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let accounts = try services.store.expertAccounts()
        let canIssue = CommitteeRegistryMachine.accountRoles.contains(try context.requireIdentity().account.role)
        let pool: [TemplateValue] = try services.store.expertPool().map { e in
            let account = accounts[e.id]
            return [
                "id": .string(e.id), "name": .string(e.name), "unit": .string(e.unitName), "title": .string(e.title),
                "specialties": .string(e.specialties.joined(separator: "、")), "committee": .string(e.committeeID),
                "term": .string("\(e.termStart)至\(e.termEnd)"), "status": .string(e.status.chinese),
                "account": .string(account.map { $0.username } ?? "未发放"),
                "mayIssue": .bool(canIssue && CommitteeRegistryMachine.accountRefusal(e, today: services.today) == nil),
                "issueLabel": .string(account == nil ? "发放账户" : "重发设置码"),
            ]
        }
        let drawnSessions: [TemplateValue] =
            canIssue
            ? try CommitteeDesk(services: services).sessions().filter { !$0.state.drawn.isEmpty }.map { session in
                ["id": .string(session.id), "label": .string("\(session.id)（\(session.plan.committeeID)，\(session.plan.date)）")]
            } : []
        return try services.pages.response(
            .adminExperts, title: "专家库",
            data: [
                "experts": .list(pool), "hasExperts": .bool(!pool.isEmpty), "count": .string("\(pool.count)"),
                "committees": .list(try services.store.committees().map { ["id": .string($0.id), "name": .string($0.name)] }),
                "columns": .string(ExpertImport.columns.joined(separator: "、")),
                "problems": .list(problems.map { .string($0) }), "hasProblems": .bool(!problems.isEmpty),
                "flash": flash.map { .string($0) } ?? .null,
                "canIssue": .bool(canIssue), "sessions": .list(drawnSessions), "hasSessions": .bool(!drawnSessions.isEmpty),
            ], context: context, status: status)
    }

    // MARK: experts' accounts

    /// Accounts for one expert (`expert`) or for every expert a session's draw seated
    /// (`session`): the codes shown once, to be handed over.
    func issueAccounts(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let wf = try workflowContext(context)
        guard CommitteeRegistryMachine.accountRoles.contains(wf.actor.role) else {
            throw WebError.forbidden("此操作仅供系统管理员使用：专家账户由系统管理员发放。")
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(reason.count) else {
            throw WebError.badRequest(field: "事由", message: "请填写事由（1至200字）。")
        }
        let expert = (form["expert"] ?? "").trimmingCharacters(in: .whitespaces)
        let session = (form["session"] ?? "").trimmingCharacters(in: .whitespaces)
        guard expert.isEmpty != session.isEmpty else {
            throw WebError.badRequest(field: "专家或评审会议", message: "请选择一名专家或一次评审会议。")
        }
        let locked = try await ExpertAccountActions.lockedHash(cost: services.configuration.passwordCost)
        var issued: [ExpertAccountActions.Issued] = []
        var skipped: [String] = []
        try perform {
            if expert.isEmpty {
                (issued, skipped) = try ExpertAccountActions.issueForSession(
                    store: services.store, context: wf, sessionID: session, reason: reason, lockedHash: locked)
            } else {
                issued = [
                    try ExpertAccountActions.issue(
                        store: services.store, context: wf, expertID: expert, reason: reason, lockedHash: locked)
                ]
            }
        }
        let rows: [TemplateValue] = issued.map { i in
            [
                "expert": .string(i.expertID), "name": .string(i.name), "username": .string(i.username),
                "code": .string(i.code), "kind": .string(i.newAccount ? "新账户" : "重发设置码"),
            ]
        }
        return try services.pages.response(
            .adminExpertCodes, title: "专家账户的一次性设置码",
            data: [
                "codes": .list(rows), "hasCodes": .bool(!rows.isEmpty), "hours": .string("24"),
                "skipped": .list(skipped.map { .string($0) }), "hasSkipped": .bool(!skipped.isEmpty),
            ], context: context)
    }

    /// One expert, as one row of the import (the same checks; problems named by column).
    func addOne(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form()
        let row = ["id", "name", "credit_code", "unit_name", "title", "specialties", "committee", "term_start", "term_end", "status"]
            .map { "\"" + (form[$0] ?? "").filter { !$0.isNewline }.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let csv = ExpertImport.columns.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"
        switch try ExpertImport.parse(Array(csv.utf8), store: services.store) {
        case .failure(let failure):
            let problems = failure.problems.map { p -> String in
                for (i, name) in ExpertImport.columns.enumerated() where p.hasPrefix("第2行\(Spreadsheet.column(i))列：") {
                    return name + "：" + p.dropFirst("第2行\(Spreadsheet.column(i))列：".count)
                }
                return p
            }
            return try expertsPage(context, flash: nil, problems: problems, status: .unprocessableContent)
        case .success(let entries):
            let wf = try workflowContext(context)
            try perform { try ExpertImport.importExperts(store: services.store, context: wf, entries: entries, source: "手工录入") }
            return seeOther("/admin/experts?imported=\(entries.count)")
        }
    }

    func importFile(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let file = try await SpreadsheetUpload.file(request)
        return try await imported(file.bytes, source: file.source, context: context)
    }

    func imported(_ bytes: [UInt8], source: String, context: WebRequestContext) async throws -> Response {
        switch try ExpertImport.parse(bytes, store: services.store) {
        case .failure(let failure):
            return try expertsPage(context, flash: nil, problems: failure.problems, status: .unprocessableContent)
        case .success(let entries):
            let wf = try workflowContext(context)
            try perform { try ExpertImport.importExperts(store: services.store, context: wf, entries: entries, source: source) }
            return seeOther("/admin/experts?imported=\(entries.count)")
        }
    }
}
