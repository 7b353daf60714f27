import Archive
import Domain
import Foundation
import GRDB
import Store
import Workflow

/// Rendered documents from `DIR/documents/`, located through the `documents` table, as the
/// dossiers and decision documents of archive packages.
struct RenderedDocumentSource: DocumentSource {
    let store: EventStore
    let root: URL

    /// List documents (one per batch) belong to the decision, not to a dossier.
    static let listKinds: Set<String> = [DocumentKind.publicNotice.rawValue, DocumentKind.qualificationNotice.rawValue]

    func files(forODT relative: String) throws -> [(path: String, bytes: [UInt8])] {
        let odt = try SafePath.join(root, relative)
        let html = odt.deletingPathExtension().appendingPathExtension("html")
        return [
            (relative, Array(try Data(contentsOf: odt))),
            (String(relative.dropLast(4)) + ".html", Array(try Data(contentsOf: html))),
        ]
    }

    func dossier(applicationID: String) throws -> [(path: String, bytes: [UInt8])] {
        let paths = try store.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT path FROM documents
                    WHERE stream_kind = 'application' AND stream_id = ? AND status = 'rendered' AND path IS NOT NULL
                    ORDER BY path
                    """, arguments: [applicationID])
        }
        return try paths.filter { !Self.listKinds.contains(String($0.prefix { $0 != "/" })) }.flatMap(files(forODT:))
    }

    func decisionDocuments(
        for decision: ArchiveDecision, sessionIDs: [String]
    ) throws -> [(
        path: String, bytes: [UInt8]
    )] {
        var paths: [String] = []
        switch decision {
        case .confirmation(let number):
            let rows = try store.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT stream_id, path FROM documents
                        WHERE kind = 'qualification-notice' AND status = 'rendered' AND path IS NOT NULL
                        """)
            }
            for row in rows {
                let id: String = row["stream_id"]
                if try store.load(ApplicationMachine.self, id: id)?.state.documentNumber == number {
                    paths.append(row["path"])
                }
            }
        case .session:
            break
        }
        for session in sessionIDs {
            for kind in [DocumentKind.minutes, .voteRecord] {
                paths += try store.read { db in
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT DISTINCT path FROM documents
                            WHERE kind = ? AND stream_kind = 'session' AND stream_id = ? AND status = 'rendered'
                              AND path IS NOT NULL
                            """, arguments: [kind.rawValue, session])
                }
            }
        }
        return try Array(Set(paths)).sorted().flatMap(files(forODT:))
    }
}

/// Writes a signed package for every confirmation 文号 and every closed session into
/// `DIR/archive/`, with the office's public keys beside them.
func archiveSeason(
    store: EventStore, keyring: OfficeKeyring, policy: Policy, documents: URL, into archive: URL
) throws -> [DecisionArchiver.Written] {
    let numbers = try store.read { db in
        try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT json_extract(payload, '$.confirmed.documentNumber') FROM events
                WHERE stream_kind = 'application' AND type = 'confirmed'
                UNION
                SELECT DISTINCT json_extract(payload, '$.filed.documentNumber') FROM events
                WHERE stream_kind = 'application' AND type = 'filed'
                """)
    }.compactMap { $0 }.sorted()
    let sessions = try store.streamIDs(CommitteeSessionMachine.self, status: CommitteeSessionStage.closed.rawValue)
    let archiver = DecisionArchiver(
        store: store, keyring: keyring, documents: RenderedDocumentSource(store: store, root: documents),
        organization: policy.region.office)
    try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
    var written: [DecisionArchiver.Written] = []
    for number in numbers {
        written.append(try archiver.write(.confirmation(documentNumber: number), into: archive.path, zip: true))
    }
    for session in sessions {
        written.append(try archiver.write(.session(id: session), into: archive.path))
    }
    try keyring.exportPublicKeys(to: archive.appendingPathComponent("public-keys.json").path)
    return written
}
