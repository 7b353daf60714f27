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

extension StoreTransaction {
    /// Unit `id`'s self-review authority as its standing stream holds it in this transaction:
    /// the grant in force and the last withdrawal (its 文号 and day), for `Context.selfReview`.
    public func selfReviewStanding(unit id: String) throws -> SelfReviewStanding {
        let grant = try load(UnitStandingMachine.self, id: id)?.state.selfReview
        var withdrawal: SelfReviewStanding.Withdrawal?
        if let payload = try String.fetchOne(
            db,
            sql: """
                SELECT payload FROM events WHERE stream_kind = ? AND stream_id = ? AND type = 'selfReviewWithdrawn'
                ORDER BY version DESC LIMIT 1
                """, arguments: [UnitStandingMachine.kind, id]),
            case .selfReviewWithdrawn(_, let number, let on) = try JSONDecoder().decode(
                UnitStandingEvent.self, from: Data(payload.utf8))
        {
            withdrawal = SelfReviewStanding.Withdrawal(decisionNumber: number, on: on)
        }
        return SelfReviewStanding(unitID: id, grant: grant, withdrawal: withdrawal)
    }
}
