import Domain
import Foundation
import Store
import Workflow

extension DemoAccounts {
    /// The demo's self-reviewing unit's committee secretary 单位评审委员会秘书 (seed item 6):
    /// `unitsecretary`, a committee secretary bound to the first unit holding the bureau's
    /// self-review grant (the season's 焦作大学, U001). It runs that unit's committee's sessions at
    /// `/committee` and nothing else (`CommitteeSessionMachine.scopeRefusal`); the season's own
    /// steps for that committee are its actor's (`web-unitsecretary`, `Cast.unitSecretary`).
    /// Nothing when no unit holds a grant.
    static func seedSelfReview(
        store: EventStore, password: String, hasher: PasswordHasher, now: Date
    ) async throws -> [Created] {
        guard let unit = try store.units(limit: 10_000).first(where: \.hasSelfReviewAuthority),
            let grant = try store.selfReviewGrant(unit: unit.id)
        else { return [] }
        let username = "unitsecretary"
        if try store.account(username: username) == nil {
            _ = try store.insertAccount(
                NewAccount(
                    username: username, passwordHash: try await hasher.hash(password), role: .committeeSecretary,
                    displayName: "\(unit.name)评审委员会秘书（演示）", unitID: unit.id),
                now: now)
        }
        return [
            Created(
                username: username, role: .committeeSecretary,
                note: "\(unit.name)自主评审委员会秘书（\(grant.chinese)，\(grant.decisionNumber)）")
        ]
    }
}
