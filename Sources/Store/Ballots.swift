import Foundation
import GRDB
import Workflow

/// An expert's choice on one candidate in a secret ballot 无记名投票.
public enum BallotChoice: String, Sendable, CaseIterable {
    case yes, no, abstain

    public var chinese: String {
        switch self {
        case .yes: "赞成"
        case .no: "反对"
        case .abstain: "弃权"
        }
    }
}

/// The ballot boxes of the web's secret ballots (tables of migration `2026-11-27-web-accounts`).
///
/// A ballot is two writes in one transaction: the expert's row in `ballot_voters` (who has put
/// a ballot in, keyed by expert — never by time, and without the choice) and one more in the
/// box's total in `ballot_boxes` (the totals only, without voters). No row, column or order
/// pairs an expert with a choice. The secretary records the counted box whole into the
/// session's event log (`recordBallots`).
extension StoreTransaction {
    /// Puts `expertID`'s ballot into the box of `applicationID` at `sessionID`.
    /// - Returns: false (and writes nothing) when this expert already has a ballot in that box.
    public func castBallot(sessionID: String, applicationID: String, expertID: String, choice: BallotChoice) throws
        -> Bool
    {
        try db.execute(
            sql: "INSERT OR IGNORE INTO ballot_voters (session_id, application_id, expert_id) VALUES (?, ?, ?)",
            arguments: [sessionID, applicationID, expertID])
        guard db.changesCount == 1 else { return false }
        let column = "\"\(choice.rawValue)\""  // from the enum, never from the request
        try db.execute(
            sql: """
                INSERT INTO ballot_boxes (session_id, application_id, \(column)) VALUES (?, ?, 1)
                ON CONFLICT (session_id, application_id) DO UPDATE SET \(column) = \(column) + 1
                """,
            arguments: [sessionID, applicationID])
        return true
    }

    /// The box of one candidate as it stands: who has voted (sorted) and the totals.
    public func ballotBox(sessionID: String, applicationID: String) throws -> (voters: [String], counts: VoteCounts) {
        try EventStore.ballotBox(db, sessionID: sessionID, applicationID: applicationID)
    }
}

extension EventStore {
    /// How many ballots each candidate's box at `sessionID` holds (application id → count).
    public func ballotCounts(sessionID: String) throws(StoreError) -> [String: Int] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT application_id, COUNT(*) AS n FROM ballot_voters WHERE session_id = ?
                    GROUP BY application_id
                    """,
                arguments: [sessionID])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["application_id"] as String, $0["n"] as Int) })
        }
    }

    /// The candidates at `sessionID` on whom `expertID` has voted (never how).
    public func ballotsCast(sessionID: String, expertID: String) throws(StoreError) -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT application_id FROM ballot_voters WHERE session_id = ? AND expert_id = ?",
                    arguments: [sessionID, expertID]))
        }
    }

    static func ballotBox(_ db: Database, sessionID: String, applicationID: String) throws -> (
        voters: [String], counts: VoteCounts
    ) {
        let voters = try String.fetchAll(
            db,
            sql: "SELECT expert_id FROM ballot_voters WHERE session_id = ? AND application_id = ? ORDER BY expert_id",
            arguments: [sessionID, applicationID])
        let row = try Row.fetchOne(
            db, sql: "SELECT \"yes\", \"no\", \"abstain\" FROM ballot_boxes WHERE session_id = ? AND application_id = ?",
            arguments: [sessionID, applicationID])
        let counts = row.map { VoteCounts(yes: $0["yes"], no: $0["no"], abstain: $0["abstain"]) } ?? .zero
        return (voters, counts)
    }
}
