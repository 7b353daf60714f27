import Domain
import Foundation
import GRDB
import Workflow

/// A message in an inbox 站内消息 as stored.
public struct StoredMessage: Sendable, Equatable {
    public var id: Int64
    public var recipient: Recipient
    public var subject: String
    public var body: String
    public var link: String
    /// The event it came from.
    public var streamKind: String
    public var streamID: String
    public var version: Int
    public var createdAt: String
    public var readAt: String?

    init(row: Row) {
        id = row["id"]
        recipient = Recipient(kind: row["recipient_kind"], id: row["recipient_id"]) ?? .person(row["recipient_id"])
        subject = row["subject"]
        body = row["body"]
        link = row["link"]
        streamKind = row["stream_kind"]
        streamID = row["stream_id"]
        version = row["version"]
        createdAt = row["created_at"]
        readAt = row["read_at"]
    }
}

/// The inbox projection: `StoreTransaction.execute` hands every event it appends to the pure
/// builders of `Workflow.Inbox` and writes the messages in the same transaction, so a step run
/// by the web, the command line or the scheduler tells the same people the same thing. A
/// message whose recipient has an account with a confirmed e-mail address is queued in the
/// outbox too (the notifier mails it when it is on).
extension StoreTransaction {
    func deliverMessages<M: Machine>(
        _ machine: M.Type, id: String, appended: [(event: M.Event, version: Int)], state: M.State, at recordedAt: String
    ) throws {
        for (event, version) in appended {
            let messages: [InboxMessage]
            if let event = event as? ApplicationEvent, let profile = (state as? ApplicationState)?.profile {
                messages = Inbox.messages(applicationID: id, profile: profile, event: event)
            } else if let event = event as? CommitteeSessionEvent, let session = state as? CommitteeSessionState {
                messages = Inbox.messages(sessionID: id, session: session, event: event)
            } else if let event = event as? CertificateEvent, let certificate = state as? CertificateState {
                messages = Inbox.messages(certificate: certificate, event: event)
            } else {
                continue
            }
            for message in messages {
                try insertMessage(message, streamKind: M.kind, streamID: id, version: version, at: recordedAt)
            }
        }
    }

    func insertMessage(
        _ message: InboxMessage, streamKind: String, streamID: String, version: Int, at recordedAt: String
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (recipient_kind, recipient_id, subject, body, link, stream_kind, stream_id, version,
                                      created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run([
            .text(message.recipient.kind), .text(message.recipient.id), .text(message.subject), .text(message.body),
            .text(message.link), .text(streamKind), .text(streamID), .integer(version), .text(recordedAt),
        ])
        let messageID = db.lastInsertedRowID
        let mailable = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (\(EventStore.addressesSQL) LIMIT 1)"),
            arguments: [message.recipient.kind, message.recipient.id, message.recipient.kind, message.recipient.id,
                message.recipient.kind, message.recipient.id])
        if mailable == true {
            try db.cachedStatement(sql: "INSERT INTO outbox (message_id, next_attempt_at) VALUES (?, ?)")
                .run([.integer(Int(messageID)), .text(recordedAt)])
        }
    }
}

extension EventStore {
    /// The confirmed e-mail addresses of a recipient's enabled accounts (arguments: kind, id three times).
    static let addressesSQL = """
        SELECT email FROM accounts WHERE disabled = 0 AND email IS NOT NULL AND email_confirmed = 1 AND (
            (? = 'person' AND person_id = ?) OR (? = 'unit' AND unit_id = ? AND role = 'unit-hr')
            OR (? = 'expert' AND expert_id = ?))
        """

    /// The messages of an inbox, newest first, `limit` from `offset`.
    public func messages(for recipient: Recipient, limit: Int = 50, offset: Int = 0) throws(StoreError)
        -> [StoredMessage]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM messages WHERE recipient_kind = ? AND recipient_id = ?
                    ORDER BY id DESC LIMIT ? OFFSET ?
                    """, arguments: [recipient.kind, recipient.id, limit, offset]
            ).map(StoredMessage.init(row:))
        }
    }

    /// How many messages of an inbox are unread, and how many there are.
    public func messageCounts(for recipient: Recipient) throws(StoreError) -> (unread: Int, total: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) AS total, COALESCE(SUM(read_at IS NULL), 0) AS unread FROM messages
                        WHERE recipient_kind = ? AND recipient_id = ?
                        """), arguments: [recipient.kind, recipient.id])
            return (unread: row?["unread"] ?? 0, total: row?["total"] ?? 0)
        }
    }

    /// Marks one message (nil: every message) of an inbox read; a message of another inbox is
    /// left alone. - Returns: how many were marked.
    @discardableResult
    public func markMessagesRead(for recipient: Recipient, id: Int64?, now: Date) throws(StoreError) -> Int {
        try write { tx in
            if let id {
                try tx.db.execute(
                    sql: """
                        UPDATE messages SET read_at = ? WHERE id = ? AND recipient_kind = ? AND recipient_id = ?
                        AND read_at IS NULL
                        """, arguments: [Timestamp.format(now), id, recipient.kind, recipient.id])
            } else {
                try tx.db.execute(
                    sql: """
                        UPDATE messages SET read_at = ? WHERE recipient_kind = ? AND recipient_id = ? AND read_at IS NULL
                        """, arguments: [Timestamp.format(now), recipient.kind, recipient.id])
            }
            return tx.db.changesCount
        }
    }
}

extension Account {
    /// The inbox this account reads: an applicant's person, an HR account's unit, an expert's
    /// record; nil for office staff (nothing is addressed to them yet).
    public var inbox: Recipient? {
        switch role {
        case .applicant: personID.map(Recipient.person)
        case .unitHR: unitID.map(Recipient.unit)
        case .expert: expertID.map(Recipient.expert)
        default: nil
        }
    }
}
