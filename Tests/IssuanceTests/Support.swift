import Documents
import Domain
import Forms
import Foundation
import GRDB
import Issuance
import Season
import Testing
import Workflow

@testable import Store

/// Paths of the repository and the conformance tools vendored in it (`Tests/Conformance`).
enum Paths {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let templates = repo.appendingPathComponent("templates")
    static let policy = repo.appendingPathComponent("policy")
    static let forms = repo.appendingPathComponent("forms")
    static let odf = repo.appendingPathComponent("Tests/Conformance/odf")
}

/// Runs a program; returns the exit status and stdout+stderr.
@discardableResult
func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [program] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func bytes(_ url: URL) -> [UInt8] { (try? [UInt8](Data(contentsOf: url))) ?? [] }

func files(in dir: URL, ext: String) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix("." + ext) }.sorted().map { dir.appendingPathComponent($0) }
}

/// A demo season of 30 applications in memory, with a hostile name and a path-traversal
/// request added, rendered twice (into `first` and, after resetting the queue, `second`).
final class Fixture: Sendable {
    static let shared = Result { try Fixture() }

    static func get() throws -> Fixture { try shared.get() }

    let store: EventStore
    let rules: Rulebook
    let forms: FormLibrary
    let attachments: AttachmentFolder
    let library: TemplateLibrary
    let root: URL
    let first: URL
    let second: URL
    let summary: IssuanceSummary
    let secondSummary: IssuanceSummary
    static let hostileName = "<script>\"&'"
    let hostileApplication: String
    let traversalSubject = "../../x"

    init() throws {
        rules = try Rulebook.load(directory: Paths.policy.path)
        forms = try FormLibrary.load(directory: Paths.forms.path)
        store = try EventStore()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("issuance-tests-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        attachments = AttachmentFolder(root: root.appendingPathComponent("uploads"))
        let season = try DemoSeason(
            store: store, rules: rules, configuration: .init(applications: 30, seed: 1), forms: forms,
            attachments: attachments.root)
        _ = try season.run()
        library = TemplateLibrary(directory: Paths.templates)
        first = root.appendingPathComponent("a/documents")
        second = root.appendingPathComponent("b/documents")

        // A person with a hostile name: an accepted applicant.
        let (application, person) = try store.read { db -> (String, String) in
            let app = try String.fetchOne(
                db, sql: "SELECT stream_id FROM documents WHERE kind = 'acceptance-notice' ORDER BY id LIMIT 1")!
            return (app, "")
        }
        let state = try store.load(ApplicationMachine.self, id: application)!.state
        _ = person
        hostileApplication = application
        let hostilePerson = state.profile!.personID
        let name = Fixture.hostileName
        let traversal = traversalSubject
        try store.write { tx in
            try tx.db.execute(sql: "UPDATE people SET name = ? WHERE id = ?", arguments: [name, hostilePerson])
            // A request whose subject tries to leave the output folder.
            let row = try Row.fetchOne(
                tx.db,
                sql:
                    "SELECT stream_kind, stream_id, version, created_at FROM documents WHERE kind = 'public-notice' LIMIT 1"
            )!
            try tx.db.execute(
                sql: """
                    INSERT INTO documents (kind, subject, stream_kind, stream_id, version, created_at)
                    VALUES ('public-notice', ?, ?, ?, ?, ?)
                    """,
                arguments: [traversal, row["stream_kind"], row["stream_id"], row["version"], row["created_at"]])
        }
        summary = try DocumentService(store: store, rules: rules, library: library, forms: forms, attachments: attachments).renderPending(into: first)
        try store.write { tx in try tx.db.execute(sql: "UPDATE documents SET status = 'pending', path = NULL") }
        secondSummary = try DocumentService(store: store, rules: rules, library: library, forms: forms, attachments: attachments).renderPending(
            into: second, threads: 1, chunkSize: 7)
    }

    /// Kinds the season queued.
    func kinds() throws -> [DocumentKind] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT kind FROM documents ORDER BY kind") }
            .compactMap(DocumentKind.init(rawValue:))
    }

    /// One rendered document of each kind (the first by name), with its expected values.
    func samples() throws -> [(kind: DocumentKind, odt: URL, html: URL, data: TemplateValue)] {
        let service = DocumentService(store: store, rules: rules, library: library, forms: forms, attachments: attachments)
        var out: [(DocumentKind, URL, URL, TemplateValue)] = []
        for kind in try kinds() {
            let rows = try service.queued(status: .rendered).filter {
                $0.request.kind == kind && $0.request.subject != traversalSubject
                    && $0.streamID != hostileApplication
            }
            guard let row = rows.first, let key = try service.key(for: row) else { continue }
            let doc = try service.prepare(key, anchor: row)
            let odt = try OutputPath.file(in: first, folder: kind.rawValue, subject: key.name, extension: "odt")
            let html = try OutputPath.file(in: first, folder: kind.rawValue, subject: key.name, extension: "html")
            out.append((kind, odt, html, doc.data))
        }
        return out
    }
}

extension TemplateValue {
    var string: String? { if case .string(let s) = self { s } else { nil } }
}
