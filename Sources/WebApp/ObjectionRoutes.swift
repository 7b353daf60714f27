import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let noticeObjection = Pages.Page("notice-objection")
    static let noticeObjectionReceived = Pages.Page("notice-objection-received")
    static let officeObjections = Pages.Page("office-objections")
    static let officeObjection = Pages.Page("office-objection")
}

/// Objections 异议 lodged online and the office's objection queue.
///
/// `/notices/{batch}/objection` (anyone, no account): during the batch's notice period, a
/// person names one of the batch's entries (by its 序号 in the notice: the notice publishes no
/// application numbers), gives their real name and a contact and the facts; limited per client
/// address (`objections.per_address_per_hour` of `policy.yaml`; a refused objection gives its
/// token back). It becomes an `ObjectionMachine` stream under a receipt number from a gap-free
/// counter (`YY-2026-00001`), shown on the answer with how to follow it up. Outside the period
/// the machine refuses, naming the period's last day.
///
/// `/office/objections` (office clerks and heads): the received objections, newest first,
/// paged, by status; on one, register it against the application (the application's
/// `.raiseObjection` with the receipt number as its id, in the same transaction: the
/// investigation opens and the notice cannot end) or dismiss it with a reason.
struct ObjectionRoutes {
    let services: WebServices
    let limiter: RateLimiter
    let clientKey: @Sendable (Request, WebRequestContext) -> String

    static let pageSize = 20
    static let publicActor = Actor(id: "web-public", role: .public)

    /// The policy's objections per client address per hour.
    static func limit(_ policy: Policy) -> RateLimit {
        let perHour = Double(policy.objections.perAddressPerHour)
        return RateLimit(capacity: perHour, refillPerSecond: perHour / 3600)
    }

    static let dismissalReasons = ["不属于公示对象", "无具体事实或线索", "重复反映", "超出公示期", "其他"]

    func add(to router: Router<WebRequestContext>) {
        router.get("/notices/{batch}/objection") { _, context in
            try form(context, batch: context.parameters.get("batch") ?? "")
        }
        router.post("/notices/{batch}/objection") { request, context in
            var request = request
            let form = try await request.form()
            return try await lodge(request, context, batch: context.parameters.get("batch") ?? "", form: form)
        }
        let office = router.group("/office/objections").add(middleware: RequireRole([.officeClerk, .officeHead]))
        office.get { request, context in try queue(request, context) }
        office.get("{receipt}") { request, context in
            try objectionPage(
                context, receipt: context.parameters.get("receipt") ?? "",
                done: request.uri.queryParameters.get("done").map { String($0) })
        }
        office.post("{receipt}/register") { request, context in
            var request = request
            _ = try await request.form()
            return try await register(context, receipt: context.parameters.get("receipt") ?? "")
        }
        office.post("{receipt}/dismiss") { request, context in
            var request = request
            let form = try await request.form()
            return try await dismiss(context, receipt: context.parameters.get("receipt") ?? "", form: form)
        }
    }

    var board: NoticeBoard {
        NoticeBoard(
            store: services.store, pages: services.pages,
            objectionContact: services.policy.region.objectionContact, now: services.configuration.now)
    }

    // MARK: the public form

    func loadBatch(_ id: String) throws -> (row: NoticeBatchRow, entries: [NoticeEntryRow]) {
        guard NoticeBoard.isBatchID(id), let batch = try services.store.noticeBatch(id) else { throw WebError.notFound }
        return batch
    }

    func formData(
        _ batch: (row: NoticeBatchRow, entries: [NoticeEntryRow]), values: FormBody? = nil
    ) -> [String: TemplateValue] {
        let row = batch.row
        let today = board.today
        let chosen = values?["entry"] ?? ""
        var closed: TemplateValue = .null
        if today > row.end {
            closed = .string("本批公示已于\(row.end.chinese)结束（公示期\(row.start.chinese)至\(row.end.chinese)），不再受理网上异议。")
        } else if today < row.start {
            closed = .string("本批公示自\(row.start.chinese)开始，公示期内（\(row.start.chinese)至\(row.end.chinese)）方可提出异议。")
        }
        let limits = services.policy.objections
        return [
            "batchID": .string(row.batchID), "title": .string(NoticeBoard.title(row.batchID)),
            "start": .string(row.start.chinese), "end": .string(row.end.chinese), "closed": closed,
            "objectionContact": .string(services.policy.region.objectionContact),
            "entries": .list(
                batch.entries.enumerated().map { n, e in
                    let series = Series(rawValue: e.series)?.chinese ?? e.series
                    let level = Level(rawValue: e.level)?.chinese ?? e.level
                    return [
                        "value": .string(String(n + 1)),
                        "label": .string("\(n + 1). \(e.name ?? "—")（\(e.unitName ?? "—")，\(series)\(level)）"),
                        "selected": .bool(chosen == String(n + 1)),
                    ]
                }),
            "objector": .string(values?["objector"] ?? ""), "contact": .string(values?["contact"] ?? ""),
            "facts": .string(values?["facts"] ?? ""),
            "nameMax": .string(String(ObjectionMachine.nameMaxCharacters)),
            "contactMax": .string(String(ObjectionMachine.contactMaxCharacters)),
            "factsMin": .string(String(limits.factsMinCharacters)),
            "factsMax": .string(String(limits.factsMaxCharacters)),
            "perHour": .string(String(limits.perAddressPerHour)),
        ]
    }

    func form(_ context: WebRequestContext, batch id: String) throws -> Response {
        let batch = try loadBatch(id)
        return try services.pages.response(
            .noticeObjection, title: "对\(NoticeBoard.title(batch.row.batchID))提出异议", data: formData(batch),
            context: context)
    }

    func lodge(_ request: Request, _ context: WebRequestContext, batch id: String, form: FormBody) async throws
        -> Response
    {
        let batch = try loadBatch(id)
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let key = clientKey(request, context)
        if case .limited(let seconds) = await limiter.take(key) {
            let minutes = max(1, (seconds + 59) / 60)
            throw WebError.refused(
                rule: "objection.rate-limited",
                message:
                    "同一网络地址每小时最多在线提出\(services.policy.objections.perAddressPerHour)件异议，请在约\(minutes)分钟后再试，或按公示所列方式\(services.policy.region.objectionContact)反映")
        }
        do {
            let row = batch.row
            let today = board.today
            var lodged = LodgedObjection(
                batchID: row.batchID, noticeStart: row.start, noticeEnd: row.end, applicationID: "", subjectName: "",
                objectorName: text("objector"), contact: text("contact"), facts: text("facts"))
            // Within the period, the person must be one of the batch's entries still in this notice.
            if row.start <= today, today <= row.end {
                guard let n = Int(text("entry")), batch.entries.indices.contains(n - 1) else {
                    throw WebError.badRequest(field: "被反映人", message: "请从本批公示名单中选择被反映人。")
                }
                let entry = batch.entries[n - 1]
                guard let state = try services.store.load(ApplicationMachine.self, id: entry.applicationID)?.state,
                    let notice = state.notice, notice.batchID == row.batchID,
                    state.stage == .publicNotice || state.stage == .investigation
                else {
                    throw WebError.refused(
                        rule: "objection.not-in-notice", message: "\(entry.name ?? "该人员")已不在本批公示中，不能在线提出异议")
                }
                lodged.applicationID = entry.applicationID
                lodged.subjectName = entry.name ?? ""
                lodged.noticeStart = notice.start
                lodged.noticeEnd = notice.end
            }
            let lodgedNow = lodged
            let receipt = try await services.actions.transaction(as: Self.publicActor) { tx, ctx in
                try tx.receiveObjection(lodgedNow, context: ctx)
            }
            return try services.pages.response(
                .noticeObjectionReceived, title: "异议已受理",
                data: [
                    "receipt": .string(receipt), "received": .string(today.chinese),
                    "title": .string(NoticeBoard.title(row.batchID)), "batchID": .string(row.batchID),
                    "subject": .string(lodged.subjectName), "end": .string(lodged.noticeEnd.chinese),
                    "objectionContact": .string(services.policy.region.objectionContact),
                ], context: context)
        } catch {
            // Only objections taken count against the address.
            await limiter.refund(key)
            throw error
        }
    }

    // MARK: the office's queue

    func queue(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let status = request.uri.queryParameters.get("status").flatMap { ObjectionState.Stage(rawValue: String($0)) }
        let requested = request.uri.queryParameters.get("page").flatMap { Int($0) }.map { max(1, $0) } ?? 1
        let scope = try StaffScope(context)
        var (rows, total) = try services.store.objectionQueue(
            status: status?.rawValue, offset: (requested - 1) * Self.pageSize, limit: Self.pageSize,
            jurisdiction: scope.jurisdiction)
        let pageCount = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(requested, pageCount)
        if page != requested {
            rows = try services.store.objectionQueue(
                status: status?.rawValue, offset: (page - 1) * Self.pageSize, limit: Self.pageSize,
                jurisdiction: scope.jurisdiction
            ).rows
        }
        func link(_ page: Int) -> String {
            var pairs: [FormPair] = []
            if let status { pairs.append(FormPair("status", status.rawValue)) }
            if page > 1 { pairs.append(FormPair("page", String(page))) }
            return pairs.isEmpty ? "/office/objections" : "/office/objections?" + URLEncodedForm.encode(pairs)
        }
        let counts = try services.store.objectionStatusCounts(jurisdiction: scope.jurisdiction)
        let stages: [ObjectionState.Stage] = [.received, .registered, .dismissed]
        let data: [String: TemplateValue] = [
            "rows": .list(rows.map { rowValue($0) }), "hasRows": .bool(!rows.isEmpty),
            "total": .string(String(total)), "page": .string(String(page)), "pages": .string(String(pageCount)),
            "previous": page > 1 ? .string(link(page - 1)) : .null,
            "next": page < pageCount ? .string(link(page + 1)) : .null,
            "filters": .list(
                [["label": "全部", "href": "/office/objections", "current": .bool(status == nil)]]
                    + stages.map { s in
                        [
                            "label": .string(
                                "\(s.chinese) \(counts.first { $0.status == s.rawValue }?.count ?? 0)"),
                            "href": .string("/office/objections?status=\(s.rawValue)"),
                            "current": .bool(status == s),
                        ]
                    }),
        ]
        return try services.pages.response(.officeObjections, title: "网上异议", data: data, context: context)
    }

    func rowValue(_ row: ObjectionQueueRow) -> TemplateValue {
        let s = row.state
        return [
            "receipt": .string(row.receipt), "href": .string("/office/objections/\(row.receipt)"),
            "received": .string(s.receivedOn?.chinese ?? "—"),
            "batchID": .string(s.lodged?.batchID ?? "—"), "subject": .string(s.lodged?.subjectName ?? "—"),
            "objector": .string(s.lodged?.objectorName ?? "—"),
            "status": .string(s.stage.chinese), "pending": .bool(s.stage == .received),
        ]
    }

    static let flashes = [
        "register": "异议已登记，申报转入异议调查（公示期满前须作出调查结论）。", "dismiss": "已决定不予登记，理由已记录。",
    ]

    /// Objection `receipt`; a county's staff get a 403 for one against another county's application.
    func loadObjection(_ receipt: String, _ context: WebRequestContext) throws -> Versioned<ObjectionState> {
        guard receipt.count <= 32, receipt.hasPrefix("YY-"),
            let current = try services.store.load(ObjectionMachine.self, id: receipt), let lodged = current.state.lodged
        else { throw WebError.notFound }
        if StaffScope(try context.requireIdentity().account).county != nil,
            let profile = try services.store.load(ApplicationMachine.self, id: lodged.applicationID)?.state.profile
        {
            try services.requireInScope(
                try context.requireIdentity().account, applicationID: lodged.applicationID, profile: profile)
        }
        return current
    }

    func objectionPage(_ context: WebRequestContext, receipt: String, done: String?) throws -> Response {
        let current = try loadObjection(receipt, context)
        let s = current.state
        guard let lodged = s.lodged else { throw WebError.notFound }
        var application: TemplateValue = .null
        if !lodged.applicationID.isEmpty,
            let state = try services.store.load(ApplicationMachine.self, id: lodged.applicationID)?.state
        {
            application = [
                "id": .string(lodged.applicationID), "href": .string("/office/applications/\(lodged.applicationID)"),
                "stage": .string(state.stage.chinese),
                "open": .string(state.openObjections.map(\.objectionID).joined(separator: "、")),
            ]
        }
        let data: [String: TemplateValue] = [
            "receipt": .string(receipt), "status": .string(s.stage.chinese),
            "received": .string(s.receivedOn?.chinese ?? "—"), "batchID": .string(lodged.batchID),
            "period": .string("\(lodged.noticeStart.chinese)至\(lodged.noticeEnd.chinese)"),
            "subject": .string(lodged.subjectName), "objector": .string(lodged.objectorName),
            "contact": .string(lodged.contact), "facts": .string(lodged.facts), "application": application,
            "pending": .bool(s.stage == .received), "handledBy": s.handledBy.map { .string($0) } ?? .null,
            "handledOn": .string(s.handledOn?.chinese ?? ""), "reason": s.reason.map { .string($0) } ?? .null,
            "reasons": .list(Self.dismissalReasons.map { .string($0) }),
            "flash": done.flatMap { Self.flashes[$0] }.map { .string($0) } ?? .null,
        ]
        return try services.pages.response(.officeObjection, title: "异议 \(receipt)", data: data, context: context)
    }

    func register(_ context: WebRequestContext, receipt: String) async throws -> Response {
        _ = try loadObjection(receipt, context)
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in try tx.registerObjection(receipt, context: ctx) }
        return seeOther("/office/objections/\(receipt)?done=register")
    }

    func dismiss(_ context: WebRequestContext, receipt: String, form: FormBody) async throws -> Response {
        let current = try loadObjection(receipt, context)
        let actor = try context.requireIdentity().account.actor
        let choice = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = (form["detail"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.dismissalReasons.contains(choice) else {
            throw WebError.badRequest(field: "不予登记的理由", message: "请选择不予登记的理由。")
        }
        if choice == "其他" && detail.isEmpty {
            throw WebError.badRequest(field: "说明", message: "选择“其他”时请写明不予登记的理由。")
        }
        let reason = detail.isEmpty ? choice : "\(choice)：\(detail)"
        try await services.actions.perform(
            ObjectionMachine.self, id: receipt, .dismiss(reason: reason), as: actor, expectedVersion: current.version)
        return seeOther("/office/objections/\(receipt)?done=dismiss")
    }
}
