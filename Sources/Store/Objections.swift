import Domain
import Foundation
import GRDB
import Workflow

/// One objection of the office's queue.
public struct ObjectionQueueRow: Sendable, Equatable {
    public var receipt: String
    public var status: String
    public var state: ObjectionState
}

extension EventStore {
    /// One page of the objections lodged online (`ObjectionMachine` streams), newest receipt
    /// first, optionally only those in `status` and only those against applications of
    /// `jurisdiction` (a county's staff), and how many there are.
    public func objectionQueue(
        status: String? = nil, offset: Int = 0, limit: Int = 20, jurisdiction: String? = nil
    ) throws(StoreError) -> (rows: [ObjectionQueueRow], total: Int) {
        var condition = status == nil ? "" : " AND s.status = ?"
        var arguments: [any DatabaseValueConvertible] = [ObjectionMachine.kind]
        if let status { arguments.append(status) }
        if let jurisdiction {
            condition += " AND \(Self.objectionInJurisdiction)"
            arguments.append(jurisdiction)
        }
        let filter = StatementArguments(arguments.map { $0.databaseValue })
        let page = StatementArguments((arguments + [max(1, limit), max(0, offset)]).map { $0.databaseValue })
        let (ids, total): ([(String, String)], Int) = try read { db in
            let total = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM streams s WHERE s.kind = ?\(condition)", arguments: filter) ?? 0
            // Receipt numbers are YY-<year>-<zero-padded sequence>: their text order is their order.
            let ids = try Row.fetchAll(
                db,
                sql: "SELECT s.id, s.status FROM streams s WHERE s.kind = ?\(condition) ORDER BY s.id DESC LIMIT ? OFFSET ?",
                arguments: page
            ).map { ($0[0] as String, $0[1] as String) }
            return (ids, total)
        }
        var rows: [ObjectionQueueRow] = []
        for (id, status) in ids {
            guard let state = try load(ObjectionMachine.self, id: id)?.state else { continue }
            rows.append(ObjectionQueueRow(receipt: id, status: status, state: state))
        }
        return (rows, total)
    }

    /// An objection stream `s` whose `received` event names an application of the jurisdiction
    /// bound next.
    static let objectionInJurisdiction = """
        EXISTS (SELECT 1 FROM events e JOIN application_index a
                    ON a.id = json_extract(e.payload, '$.received._0.applicationID')
                WHERE e.stream_kind = s.kind AND e.stream_id = s.id AND e.type = 'received' AND a.jurisdiction = ?)
        """

    /// How many objections are in each status: all, or those against applications of
    /// `jurisdiction` (a county's staff).
    public func objectionStatusCounts(jurisdiction: String?) throws(StoreError) -> [(status: String, count: Int)] {
        guard let jurisdiction else { return try statusCounts(kind: ObjectionMachine.kind) }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.status, COUNT(*) FROM streams s WHERE s.kind = ? AND \(Self.objectionInJurisdiction)
                    GROUP BY s.status ORDER BY s.status
                    """, arguments: [ObjectionMachine.kind, jurisdiction]
            ).map { (status: $0[0] as String, count: $0[1] as Int) }
        }
    }

    /// The objections received online and not yet registered or dismissed, for `application`
    /// (nil: every application).
    public func objectionsReceived(application: String? = nil) throws(StoreError) -> [ObjectionQueueRow] {
        var rows: [ObjectionQueueRow] = []
        for id in try streamIDs(ObjectionMachine.self, status: ObjectionState.Stage.received.rawValue) {
            guard let state = try load(ObjectionMachine.self, id: id)?.state, let lodged = state.lodged,
                application == nil || lodged.applicationID == application
            else { continue }
            rows.append(ObjectionQueueRow(receipt: id, status: state.stage.rawValue, state: state))
        }
        return rows
    }

    /// The applications an objection lodged online is waiting on: their notice is held open.
    public func applicationsWithObjectionsReceived() throws(StoreError) -> Set<String> {
        Set(try objectionsReceived().compactMap { $0.state.lodged?.applicationID })
    }
}

extension StoreTransaction {
    /// Receives an objection under the next receipt number of the year of `context.now` (a
    /// gap-free counter: a refused objection takes no number). - Returns: the receipt number.
    public func receiveObjection(_ lodged: LodgedObjection, context: Context) throws -> String {
        let year = context.today.year
        let receipt = ObjectionMachine.receiptNumber(year: year, sequence: try nextNumber("objection-receipt-\(year)"))
        try execute(ObjectionMachine.self, id: receipt, .receive(lodged), context: context, expectedVersion: 0)
        return receipt
    }

    /// Registers a received objection against its application (the application's
    /// `.raiseObjection` with the receipt number as the objection's id and the day it was
    /// received): both streams in this transaction. Who objected stays in the objection's
    /// stream (the office's queue): the application's record, which its applicant sees, has
    /// only the facts.
    public func registerObjection(_ receipt: String, context: Context) throws {
        guard let current = try load(ObjectionMachine.self, id: receipt), let lodged = current.state.lodged else {
            throw StoreError.notFound(stream: "\(ObjectionMachine.kind)/\(receipt)")
        }
        try execute(ObjectionMachine.self, id: receipt, .register, context: context, expectedVersion: current.version)
        try execute(
            ApplicationMachine.self, id: lodged.applicationID,
            .raiseObjection(
                objectionID: receipt, summary: "网上异议：\(lodged.facts)",
                receivedOn: current.state.receivedOn),
            context: context)
    }
}
