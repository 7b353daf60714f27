import Archive
import Domain
import Forms
import Foundation
import Issuance
import Signing
import Store
import Workflow

/// Rendered documents from `DIR/documents/`, located through the store's documents queue, as
/// the dossiers and decision documents of archive packages.
struct RenderedDocumentSource: DocumentSource {
    let store: EventStore
    let root: URL
    /// The applicants' files (content-addressed), archived with each dossier; nil: none.
    var uploads: URL? = nil
    /// The forms, to find the files a declaration lists.
    var forms: FormLibrary? = nil

    /// List documents (one per batch) belong to the decision, not to a dossier.
    static let listKinds: Set<String> = [DocumentKind.publicNotice.rawValue, DocumentKind.qualificationNotice.rawValue]

    /// The distinct `.odt` paths of rendered documents, sorted.
    static func renderedPaths(_ documents: [StoredDocument]) -> [String] {
        Array(Set(documents.filter(\.isRendered).compactMap(\.path))).sorted()
    }

    func files(forODT relative: String) throws -> [(path: String, bytes: [UInt8])] {
        let odt = try SafePath.join(root, relative)
        let html = odt.deletingPathExtension().appendingPathExtension("html")
        return [
            (relative, Array(try Data(contentsOf: odt))),
            (String(relative.dropLast(4)) + ".html", Array(try Data(contentsOf: html))),
        ]
    }

    func dossier(applicationID: String) throws -> [(path: String, bytes: [UInt8])] {
        let paths = Self.renderedPaths(
            try store.documents(streamKind: ApplicationMachine.kind, streamID: applicationID))
        var out = try paths.filter { !Self.listKinds.contains(String($0.prefix { $0 != "/" })) }.flatMap(
            files(forODT:))
        // The declared files, by content (`attachments/<sha256>.<ext>`; the declarations list
        // which field each belongs to and its name). A file no longer at hand is left out.
        if let uploads {
            let folder = AttachmentFolder(root: uploads)
            var seen = Set<String>()
            for d in try store.declarations(applicationID: applicationID) {
                guard let data = try? JSONValue.parse(d.data), let form = try? forms?.form(d.formID) else { continue }
                for f in form.present(data).files where seen.insert(f.sha256).inserted {
                    guard let bytes = folder.contents(sha256: f.sha256) else { continue }
                    let ext = f.format == "JPEG" ? "jpg" : f.format.lowercased()
                    out.append(("attachments/\(f.sha256).\(ext)", bytes))
                }
            }
        }
        return out
    }

    func decisionDocuments(
        for decision: ArchiveDecision, sessionIDs: [String]
    ) throws -> [(
        path: String, bytes: [UInt8]
    )] {
        var paths: [String] = []
        switch decision {
        case .confirmation(let number):
            var seen = Set<String>()
            for row in try store.documents(kind: .qualificationNotice) where row.isRendered {
                guard let path = row.path, seen.insert("\(row.streamID)\n\(path)").inserted else { continue }
                if try store.load(ApplicationMachine.self, id: row.streamID)?.state.documentNumber == number {
                    paths.append(path)
                }
            }
        case .session:
            break
        }
        for session in sessionIDs {
            let kinds: Set<String> = [DocumentKind.minutes.rawValue, DocumentKind.voteRecord.rawValue]
            paths += Self.renderedPaths(
                try store.documents(streamKind: CommitteeSessionMachine.kind, streamID: session).filter {
                    kinds.contains($0.kind)
                })
        }
        return try Array(Set(paths)).sorted().flatMap(files(forODT:))
    }
}

/// Writes a signed package for every confirmation 文号 and every closed session into
/// `DIR/archive/`, with the office's public keys beside them.
func archiveSeason(
    store: EventStore, keyring: OfficeKeyring, policy: Policy, documents: URL, into archive: URL,
    uploads: URL? = nil, forms: FormLibrary? = nil
) throws -> [DecisionArchiver.Written] {
    let numbers = try store.applicationDocumentNumbers()
    let sessions = try store.streamIDs(CommitteeSessionMachine.self, status: CommitteeSessionStage.closed.rawValue)
    let archiver = DecisionArchiver(
        store: store, keyring: keyring, documents: RenderedDocumentSource(store: store, root: documents, uploads: uploads, forms: forms),
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
