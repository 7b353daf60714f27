import Domain
import Foundation
import GRDB
import Workflow

/// Self-review authority 自主评审权 (seed item 6): granted and withdrawn by the office head's
/// decision on the unit's standing stream (`UnitStandingMachine`), with the registry's
/// `units.self_review` flag changed in the same transaction.
extension StoreTransaction {
    /// Runs `.grantSelfReview` or `.withdrawSelfReview` for the registered unit `id` and sets its
    /// registry flag from the stream's new state.
    @discardableResult
    public func decideSelfReview(
        unit id: String, _ command: UnitStandingCommand, context: Context
    ) throws -> Outcome<UnitStandingMachine> {
        switch command {
        case .grantSelfReview, .withdrawSelfReview: break
        default: preconditionFailure("decideSelfReview takes a grant or a withdrawal")
        }
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM units WHERE id = ?", arguments: [id]) != nil else {
            throw StoreError.refused(
                Refusal(rule: "unit.unknown", message: "单位登记中没有编号为“\(id)”的单位"))
        }
        let outcome = try execute(UnitStandingMachine.self, id: id, command, context: context)
        try db.execute(
            sql: "UPDATE units SET self_review = ? WHERE id = ?", arguments: [outcome.state.selfReview != nil, id])
        return outcome
    }
}

extension EventStore {
    /// The self-review authority in force for unit `id`, if any.
    public func selfReviewGrant(unit id: String) throws(StoreError) -> SelfReviewGrant? {
        try load(UnitStandingMachine.self, id: id)?.state.selfReview
    }
}
