import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Store
import Workflow

extension Pages.Page {
    static let officeSelfReview = Pages.Page("office-self-review")
}

/// `/office/self-review` (seed item 6, 自主评审): the units holding self-review authority with
/// the series and levels granted, the decision's 文号 and its date; the office head grants a
/// unit the authority for series × levels, or withdraws it with a reason — each after a
/// confirmation page, under the next 文号 of the gap-free counter, the unit's standing stream
/// and the registry's flag in one transaction (`StoreTransaction.decideSelfReview`). Clerks see
/// the list; the machine refuses anyone but the head.
extension OfficeRoutes {
    func addSelfReview(to group: RouterGroup<WebRequestContext>) {
        group.get("/self-review") { request, context in
            try selfReviewPage(context, done: request.uri.queryParameters.get("done").map { String($0) },
                unit: request.uri.queryParameters.get("unit").map { String($0) })
        }
        group.post("/self-review/grant") { request, context in
            var request = request
            return try await grantSelfReview(context, form: try await request.form())
        }
        group.post("/self-review/withdraw") { request, context in
            var request = request
            return try await withdrawSelfReview(context, form: try await request.form())
        }
    }

    /// The registered units and the self-review authority each holds, if any.
    func selfReviewUnits() throws -> [(unit: UnitRecord, grant: SelfReviewGrant?)] {
        try services.store.units(limit: 5_000).map { u in (u, try services.store.selfReviewGrant(unit: u.id)) }
    }

    func selfReviewPage(_ context: WebRequestContext, done: String?, unit: String?) throws -> Response {
        let units = try selfReviewUnits()
        let isHead = try context.requireIdentity().account.role == .officeHead
        let granted: [TemplateValue] = units.compactMap { u, grant in
            guard let grant else { return nil }
            return [
                "id": .string(u.id), "name": .string(u.name), "scope": .string(grant.chinese),
                "decision": .string(grant.decisionNumber), "from": .string(grant.from.chinese),
                "isHead": .bool(isHead),
            ]
        }
        let choices: [TemplateValue] = units.filter { $0.grant == nil }.map { u, _ in
            ["id": .string(u.id), "name": .string(u.name)]
        }
        // Withdrawn authority, newest first: from the units' standing logs.
        var withdrawn: [(day: Day, row: TemplateValue)] = []
        for id in try services.store.streamIDs(UnitStandingMachine.self) {
            for item in try services.store.history(UnitStandingMachine.self, id: id) {
                guard case .selfReviewWithdrawn(let reason, let number, let on) = item.event else { continue }
                let name = try services.store.unit(id)?.name ?? id
                withdrawn.append(
                    (on, ["id": .string(id), "name": .string(name), "decision": .string(number),
                          "reason": .string(reason), "on": .string(on.chinese)]))
            }
        }
        withdrawn.sort { $0.day > $1.day }
        var flash: String?
        if let done, let unit, let u = units.first(where: { $0.unit.id == unit }) {
            switch done {
            case "grant":
                if let g = u.grant { flash = "已授予\(u.unit.name)自主评审权：\(g.chinese)，文号\(g.decisionNumber)。" }
            case "withdraw":
                let last = try services.store.history(UnitStandingMachine.self, id: unit).last
                if u.grant == nil, case .selfReviewWithdrawn(_, let number, _)? = last?.event {
                    flash = "已收回\(u.unit.name)的自主评审权，文号\(number)。"
                }
            default: break
            }
        }
        return try services.pages.response(
            .officeSelfReview, title: "单位自主评审权",
            data: [
                "granted": .list(granted), "hasGranted": .bool(!granted.isEmpty), "isHead": .bool(isHead),
                "units": .list(choices), "hasUnits": .bool(!choices.isEmpty),
                "withdrawn": .list(withdrawn.map(\.row)), "hasWithdrawn": .bool(!withdrawn.isEmpty),
                "series": .list(Series.allCases.map { ["value": .string($0.rawValue), "label": .string($0.chinese)] }),
                "levels": .list(
                    Level.allCases.sorted { $0.rank > $1.rank }.map {
                        ["value": .string($0.rawValue), "label": .string($0.chinese)]
                    }),
                "prefix": .string(services.policy.region.documentPrefix),
                "flash": flash.map { .string($0) } ?? .null,
            ], context: context)
    }

    func grantSelfReview(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let unitID = (form["unit"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let unit = try services.store.unit(unitID) else {
            throw WebError.badRequest(field: "单位", message: "请选择已登记的单位。")
        }
        let series = form.all("series").compactMap(Series.init(rawValue:))
        let levels = form.all("level").compactMap(Level.init(rawValue:))
        guard !series.isEmpty else { throw WebError.badRequest(field: "授权评审的职称系列", message: "请至少勾选一个职称系列。") }
        guard !levels.isEmpty else { throw WebError.badRequest(field: "授权评审的级别", message: "请至少勾选一个级别。") }
        let scope = SelfReviewGrant(series: series, levels: levels, decisionNumber: "", from: Day(services.now)).chinese
        guard ConfirmStep.confirmed(form) else {
            return try ConfirmStep.page(
                services.pages, form: form, action: "/office/self-review/grant",
                heading: "确认授予\(unit.name)自主评审权",
                consequences: [
                    "授权范围：\(scope)。",
                    "以职改办决定授予，文号按本年度发文顺序自动编号（\(services.policy.region.documentPrefix)〔\(Day(services.now).year)〕N号）。",
                    "此后该单位申报上述系列和级别的人员，由其自主评审委员会评审，评审结果报人社部门备案。",
                ], back: "/office/self-review", button: "确认授予", context: context)
        }
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in
            let number = try OfficeSteps.nextDecisionNumber(tx, ctx)
            try tx.decideSelfReview(
                unit: unitID, .grantSelfReview(series: series, levels: levels, decisionNumber: number), context: ctx)
        }
        return seeOther("/office/self-review?done=grant&unit=\(unitID)")
    }

    func withdrawSelfReview(_ context: WebRequestContext, form: FormBody) async throws -> Response {
        let unitID = (form["unit"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let unit = try services.store.unit(unitID), let grant = try services.store.selfReviewGrant(unit: unitID)
        else { throw WebError.badRequest(field: "单位", message: "该单位没有自主评审权，无需收回。") }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw WebError.badRequest(field: "收回理由", message: "请填写收回理由（1至500字）。")
        }
        guard ConfirmStep.confirmed(form) else {
            return try ConfirmStep.page(
                services.pages, form: form, action: "/office/self-review/withdraw",
                heading: "确认收回\(unit.name)的自主评审权",
                consequences: [
                    "收回授权（\(grant.decisionNumber)）：\(grant.chinese)。",
                    "收回理由：\(reason)。",
                    "以职改办决定收回，文号按本年度发文顺序自动编号；此后该单位上述系列和级别的申报由市级或县（市、区）评审委员会评审。",
                ], back: "/office/self-review", button: "确认收回", context: context)
        }
        let actor = try context.requireIdentity().account.actor
        try await services.actions.transaction(as: actor) { tx, ctx in
            let number = try OfficeSteps.nextDecisionNumber(tx, ctx)
            try tx.decideSelfReview(
                unit: unitID, .withdrawSelfReview(reason: reason, decisionNumber: number), context: ctx)
        }
        return seeOther("/office/self-review?done=withdraw&unit=\(unitID)")
    }
}
