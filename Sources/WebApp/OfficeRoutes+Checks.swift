import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Store
import Workflow

extension Pages.Page {
    static let officeChecks = Pages.Page("office-checks")
    static let officeCheck = Pages.Page("office-check")
    static let officeRecords = Pages.Page("office-records")
}

/// Post-hoc checks 事后核查 (sampled at the policy's rate with a seed, or targeted at one
/// application), their outcome — confirmed, or falsified: certificate revoked, the person's
/// integrity recorded and, when the unit supplied the false proof, the unit suspended, all in
/// one transaction — and the lists of integrity records and unit suspensions.
extension OfficeRoutes {
    func addChecks(to group: RouterGroup<WebRequestContext>) {
        group.get("/checks") { request, context in
            try checksPage(context, opened: request.uri.queryParameters.get("opened"))
        }
        group.post("/checks/sample") { request, context in
            var request = request
            return try await sample(context, form: try await request.form())
        }
        group.get("/checks/{id}") { request, context in
            try checkPage(context, id: context.parameters.get("id") ?? "", done: request.uri.queryParameters.get("done"))
        }
        group.post("/checks/{id}/confirm") { request, context in
            var request = request
            let note = (try await request.form()["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let id = context.parameters.get("id") ?? ""
            guard try services.store.load(PostHocCheckMachine.self, id: id) != nil else { throw WebError.notFound }
            try requireCheckInScope(id, context)
            try await services.actions.perform(
                PostHocCheckMachine.self, id: id, .confirm(note: note), as: context.requireIdentity().account.actor)
            return seeOther("/office/checks/\(id)?done=confirm")
        }
        group.post("/checks/{id}/falsify") { request, context in
            var request = request
            return try await falsify(context, id: context.parameters.get("id") ?? "", form: try await request.form())
        }
        group.get("/records") { _, context in try recordsPage(context) }
    }

    /// Every check id with its state, in id order (a county's staff: the checks of their
    /// county's applications).
    func checks(scope: StaffScope) throws -> [(id: String, state: PostHocCheckState)] {
        try services.store.streamIDs(PostHocCheckMachine.self).compactMap { id in
            guard let state = try services.store.load(PostHocCheckMachine.self, id: id)?.state else { return nil }
            if let county = scope.county,
                try state.subject.flatMap({ try services.store.applicationJurisdiction($0.applicationID) }) != county
            {
                return nil
            }
            return (id: id, state: state)
        }
    }

    /// Certified applications with a valid certificate and no check yet: the sampling pool (a
    /// county's staff: their county's applications).
    func samplingPool(scope: StaffScope) throws -> [String: CheckSubject] {
        let pool = try OfficeSteps.samplingPool(store: services.store)
        guard let county = scope.county else { return pool }
        return try pool.filter { try services.store.applicationJurisdiction($0.key) == county }
    }

    /// A 403 for a county's staff opening or deciding a check of another county's application.
    func requireCheckInScope(_ id: String, _ context: WebRequestContext) throws {
        let account = try context.requireIdentity().account
        guard StaffScope(account).county != nil,
            let subject = try services.store.load(PostHocCheckMachine.self, id: id)?.state.subject,
            let profile = try services.store.load(ApplicationMachine.self, id: subject.applicationID)?.state.profile
        else { return }
        try services.requireInScope(account, applicationID: subject.applicationID, profile: profile)
    }

    func checkSubject(_ id: String, _ state: ApplicationState) -> CheckSubject? { OfficeSteps.checkSubject(id, state) }

    func checksPage(_ context: WebRequestContext, opened: String?) throws -> Response {
        let scope = try StaffScope(context)
        let rows: [TemplateValue] = try checks(scope: scope).reversed().map { id, state -> TemplateValue in
            let origin: String =
                switch state.origin {
                case .sampled(let seed, let percent): "抽查（\(percent)%，种子 \(seed)）"
                case .targeted(let reason): "专项核查：\(reason)"
                case nil: ""
                }
            return [
                "id": .string(id), "href": .string("/office/checks/\(id)"),
                "application": .string(state.subject?.applicationID ?? ""),
                "certificate": .string(state.subject?.certificateNumber ?? ""), "origin": .string(origin),
                "status": .string(state.stage.chinese), "opened": .string(state.openedOn?.chinese ?? ""),
            ]
        }
        return try services.pages.response(
            .officeChecks, title: "事后核查",
            data: [
                "rows": .list(rows), "hasRows": .bool(!rows.isEmpty),
                "percent": .string(String(services.policy.postHocSamplePercent)),
                "pool": .string(String(try samplingPool(scope: scope).count)),
                "seed": .string(String(UInt64(services.now.timeIntervalSince1970))),
                "opened": opened.map { .string($0) } ?? .null,
            ], context: context)
    }

    /// Draws `percent` of the pool with `seed` (`PostHocCheckMachine.sample`) and opens one
    /// check per drawn application, all in one transaction.
    func sample(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        guard let percent = Int(form["percent"] ?? ""), let seed = UInt64(form["seed"] ?? "") else {
            throw WebError.badRequest(field: "抽查比例与随机种子", message: "请填写抽查比例（整数）和随机种子（非负整数）。")
        }
        let pool = try samplingPool(scope: try StaffScope(context))
        let actor = try context.requireIdentity().account.actor
        let opened = try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.openSampledChecks(tx, ctx, pool: pool, percent: percent, seed: seed)
        }
        return seeOther("/office/checks?opened=\(opened.count)")
    }

    /// Opens a targeted check of one certified application (from its page).
    func openTargetedCheck(
        _ context: WebRequestContext, id: String, state: ApplicationState, reason: String
    ) async throws -> Response {
        let actor = try context.requireIdentity().account.actor
        let checkID = try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.openTargetedCheck(tx, ctx, application: id, reason: reason)
        }
        return seeOther("/office/checks/\(checkID)")
    }

    func checkPage(_ context: WebRequestContext, id: String, done: String?) throws -> Response {
        guard let current = try services.store.load(PostHocCheckMachine.self, id: id), let subject = current.state.subject
        else { throw WebError.notFound }
        try requireCheckInScope(id, context)
        let state = current.state
        var facts: [TemplateValue] = [
            ["label": "核查编号", "value": .string(id)],
            ["label": "申报编号", "value": .string(subject.applicationID)],
            ["label": "证书编号", "value": .string(subject.certificateNumber)],
            ["label": "持证人", "value": .string(try services.store.person(subject.personID)?.name ?? subject.personID)],
            ["label": "工作单位", "value": .string(try services.store.unit(subject.unitID)?.name ?? subject.unitID)],
            ["label": "状态", "value": .string(state.stage.chinese)],
        ]
        if let note = state.note, !note.isEmpty { facts.append(["label": "核查意见", "value": .string(note)]) }
        if let f = state.finding {
            facts.append(["label": "虚假材料", "value": .string("\(f.proof)：\(f.details)")])
            facts.append(["label": "撤销决定文号", "value": .string(f.revocationDecisionNumber)])
            if let u = f.unitDecisionNumber { facts.append(["label": "暂停单位决定文号", "value": .string(u)]) }
        }
        let documents = try services.documents(forStream: CertificateMachine.kind, id: subject.certificateNumber)
            .map(\.templateValue)
        let role = try context.requireIdentity().account.role
        let flash: TemplateValue =
            switch done {
            case "confirm": .string("核查属实，已结案。")
            case "falsify": .string("已认定虚假材料：证书已撤销，已记入诚信档案。")
            default: .null
            }
        return try services.pages.response(
            .officeCheck, title: "事后核查 \(id)",
            data: [
                "id": .string(id), "facts": .list(facts), "open": .bool(state.stage == .open),
                "isHead": .bool(role == .officeHead), "application": .string("/office/applications/\(subject.applicationID)"),
                "flash": flash,
                "documents": .list(documents), "hasDocuments": .bool(!documents.isEmpty),
                "history": .list(try services.history(kind: PostHocCheckMachine.kind, id: id)),
            ], context: context)
    }

    /// Falsified: the finding, the certificate's revocation, the person's integrity record and
    /// (when the unit supplied the false proof) the unit's suspension, with their 文号 from the
    /// gap-free counter — one transaction, as the demo season does.
    func falsify(_ context: WebRequestContext, id: String, form: FormBody) async throws -> Response {
        guard try services.store.load(PostHocCheckMachine.self, id: id)?.state.subject != nil else {
            throw WebError.notFound
        }
        try requireCheckInScope(id, context)
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let byUnit = form["by_unit"] == "yes"
        let proof = text("proof")
        let details = text("details")
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in
            try OfficeSteps.falsify(tx, ctx, check: id, proof: proof, details: details, unitSuppliedFalseProof: byUnit)
        }
        return seeOther("/office/checks/\(id)?done=falsify")
    }

    // MARK: records

    func recordsPage(_ context: WebRequestContext) throws -> Response {
        let store = services.store
        let people: [TemplateValue] = try store.streamIDs(PersonIntegrityMachine.self).compactMap { id -> TemplateValue? in
            guard let s = try store.load(PersonIntegrityMachine.self, id: id)?.state else { return nil }
            return [
                "id": .string(id), "name": .string(try store.person(id)?.name ?? id),
                "status": .string(s.status.chinese), "detail": .string(Self.describe(s)),
                "until": .string(PersonIntegrityMachine.recordEnd(s).map { BarEnd.chinese(until: $0) } ?? ""),
            ]
        }
        let units: [TemplateValue] = try store.streamIDs(UnitStandingMachine.self).compactMap { id -> TemplateValue? in
            guard let s = try store.load(UnitStandingMachine.self, id: id)?.state else { return nil }
            return [
                "id": .string(id), "name": .string(try store.unit(id)?.name ?? id),
                "status": .string(s.status.chinese), "detail": .string(Self.describe(s)),
                "until": .string(
                    UnitStandingMachine.suspendedUntil(s).map { BarEnd.chinese(until: $0, then: "恢复") } ?? ""),
            ]
        }
        return try services.pages.response(
            .officeRecords, title: "诚信记录与单位暂停",
            data: [
                "people": .list(people), "hasPeople": .bool(!people.isEmpty), "units": .list(units),
                "hasUnits": .bool(!units.isEmpty),
            ], context: context)
    }

    static func describe(_ state: PersonIntegrityState) -> String {
        guard let r = state.record ?? state.history.last else { return "" }
        return "\(r.reason)（依据：\(r.basis)；\(r.from.chinese)至\(BarEnd.lastDay(until: r.until).chinese)）"
    }

    static func describe(_ state: UnitStandingState) -> String {
        // Seed item 6: the self-review authority in force, with its decision.
        let grant = state.selfReview.map { "自主评审权：\($0.chinese)（\($0.decisionNumber)，\($0.from.chinese)起）" }
        guard let s = state.suspension ?? state.history.last else { return grant ?? "" }
        let suspension = "\(s.reason)（\(s.decisionNumber)；\(s.from.chinese)至\(BarEnd.lastDay(until: s.until).chinese)）"
        return [suspension, grant].compactMap { $0 }.joined(separator: "；")
    }
}
