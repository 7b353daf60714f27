import Domain
import Store
import Workflow

/// The part of the city an office or committee account works on (seed item 6): a clerk, head
/// or committee secretary scoped to a county 县（市、区） (`Account.county`, set by the
/// administrator) sees and opens only the applications routed to that county
/// (`Routing.jurisdiction(of:)`, indexed as `application_index.jurisdiction`) and only its
/// county's committees; the city's staff (no county) see everything. Every office and committee
/// list passes `jurisdiction` to its query, so totals and pages count only what the account sees.
/// A self-reviewing unit's staff account (an office or committee role with a unit) works on its
/// unit's committee alone (`unit:<unit id>`), as `Routing.scopeRefusal` says.
struct StaffScope: Sendable, Equatable {
    /// The jurisdiction the account works on: a county's six-digit code or `unit:<id>`; nil:
    /// the whole city.
    let jurisdiction: String?

    static let scopedRoles: Set<Role> = [.officeClerk, .officeHead, .committeeSecretary]

    init(jurisdiction: String?) { self.jurisdiction = jurisdiction }

    init(_ account: Account) {
        jurisdiction =
            Self.scopedRoles.contains(account.role) ? (account.county ?? account.unitID.map(Routing.unit)) : nil
    }

    init(_ context: WebRequestContext) throws {
        self.init(try context.requireIdentity().account)
    }

    /// Whether the account works on part of the city only (the jurisdiction a query keeps).
    var county: String? { jurisdiction }

    /// Whether an application or committee of `other` is within the scope.
    func admits(_ other: String) -> Bool { jurisdiction == nil || jurisdiction == other }

    /// How a refusal names the account's place, what it handles and its own place:
    /// (修武县（410821）, 本县（市、区）评审的申报, 本县（市、区）) for a county's staff,
    /// (单位U001, 本单位自主评审的申报, 本单位) for a self-reviewing unit's; nil for the city's.
    func refusalWords(policy: Policy) -> (who: String, handles: String, own: String)? {
        guard let jurisdiction else { return nil }
        if let unit = Routing.unitID(of: jurisdiction) { return ("单位\(unit)", "本单位自主评审的申报", "本单位") }
        return (Routing.chinese(jurisdiction, policy: policy), "本县（市、区）评审的申报", "本县（市、区）")
    }

    /// 修武县（410821）…, or nil for the city's staff: the line the office console shows under its title.
    func note(policy: Policy) -> String? {
        jurisdiction.map { "您的工作范围：\(Routing.chinese($0, policy: policy))。以下仅列出由其评审的申报。" }
    }
}

extension WebServices {
    /// A 403 (in Chinese, naming the account's county and the application's) when `account`
    /// is scoped to a county and application `id` of `profile` is routed elsewhere — the
    /// machines' own wording (`Routing.scopeRefusal`), for pages and downloads.
    func requireInScope(_ account: Account, applicationID id: String, profile: ApplicationProfile) throws {
        guard StaffScope(account).jurisdiction != nil else { return }
        let routed = Routing.jurisdiction(of: profile)
        if let refusal = Routing.scopeRefusal(actor: account.actor, applicationID: id, jurisdiction: routed, policy: policy) {
            throw WebError.forbidden(refusal.message + "。")
        }
    }
}
