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

/// The one-pass gathering (`DocumentService.gathers`: a few batch reads per chunk, queue places
/// counted in memory) against the data read one document at a time: a season of its own,
/// rendered both ways, must give the same files with the same bytes; and every letter to an
/// applicant names the applicant its application belongs to (read here from the store, not
/// through `Issuance`), so a mix-up of applications shows even if both ways shared it.
@Suite struct GatherTests {
    @Test func oneGatheringPassGivesTheDocumentsOfThePerDocumentReads() throws {
        let rules = try Rulebook.load(directory: Paths.policy.path)
        let forms = try FormLibrary.load(directory: Paths.forms.path)
        let store = try EventStore()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gather-tests-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let attachments = AttachmentFolder(root: root.appendingPathComponent("uploads"))
        _ = try DemoSeason(
            store: store, rules: rules, configuration: .init(applications: 48, seed: 7), forms: forms,
            attachments: attachments.root
        ).run()
        let library = TemplateLibrary(directory: Paths.templates)
        // The demo answers a correction with the same data; change the answer's telephone so the
        // second 申报表 differs from the first unless it is laid out from the right declaration.
        let corrected = try store.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT application_id, version, data FROM declarations WHERE application_id IN
                    (SELECT application_id FROM declarations GROUP BY application_id HAVING COUNT(*) > 1)
                    ORDER BY application_id, version DESC LIMIT 1
                    """)
        }
        let correctedApplication: String = try #require(corrected)["application_id"]
        let answer: String = corrected!["data"]
        let phone = try #require(answer.range(of: #""phone":"[0-9]+""#, options: .regularExpression))
        let newPhone = "13900001234"
        try store.write { tx in
            try tx.db.execute(
                sql: "UPDATE declarations SET data = ? WHERE application_id = ? AND version = ?",
                arguments: [
                    answer.replacingCharacters(in: phone, with: "\"phone\":\"\(newPhone)\""), correctedApplication,
                    corrected!["version"] as Int,
                ])
        }

        // One document at a time, on one thread, in chunks of 64.
        let reference = DocumentService(
            store: store, rules: rules, library: library, forms: forms, attachments: attachments)
        reference.gathers = false
        let one = try reference.renderPending(into: root.appendingPathComponent("one"), threads: 1, chunkSize: 64)
        try store.write { tx in try tx.db.execute(sql: "UPDATE documents SET status = 'pending', path = NULL") }
        // Gathered, in chunks of 5 and slices of 7 (so a batch notice, its applications and the
        // keys' slices cross chunks and slices).
        let service = DocumentService(store: store, rules: rules, library: library, forms: forms, attachments: attachments)
        service.gatherSlice = 7
        let gathered = try service.renderPending(into: root.appendingPathComponent("batch"), threads: 2, chunkSize: 5)

        #expect(one.failed == 0 && gathered.failed == 0, "\(one.failures) \(gathered.failures)")
        #expect(one.documents > 100)
        #expect(gathered.documents == one.documents)
        #expect(gathered.byKind == one.byKind)
        #expect(gathered.waiting == one.waiting)
        #expect(Set(one.byKind.keys).isSuperset(of: [.acceptanceNotice, .publicNotice, .qualificationNotice, .certificate, .minutes]))
        // The corrected declaration: its second 申报表 is laid out from the answer, the first from the original.
        func form(_ name: String) -> String {
            String(decoding: bytes(root.appendingPathComponent("batch/declaration-form/\(name).html")), as: UTF8.self)
        }
        #expect(form("\(correctedApplication)-2").contains(newPhone))
        #expect(!form(correctedApplication).contains(newPhone) && form(correctedApplication).contains(correctedApplication))
        for kind in one.byKind.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            let a = root.appendingPathComponent("one/\(kind.rawValue)")
            let b = root.appendingPathComponent("batch/\(kind.rawValue)")
            let names = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
            #expect(try FileManager.default.contentsOfDirectory(atPath: b.path).sorted() == names, "\(kind)")
            for name in names {
                #expect(
                    bytes(a.appendingPathComponent(name)) == bytes(b.appendingPathComponent(name)),
                    "\(kind.rawValue)/\(name) differs")
            }
        }

        // Each acceptance notice names its own applicant (the person of the application, from the store).
        var checked = 0
        for row in try store.documents(kind: .acceptanceNotice) where row.subject == row.streamID {
            guard let profile = try store.load(ApplicationMachine.self, id: row.streamID)?.state.profile,
                let person = try store.person(profile.personID)
            else { continue }
            let html = String(
                decoding: bytes(root.appendingPathComponent("batch/acceptance-notice/\(row.subject).html")), as: UTF8.self)
            #expect(html.contains(person.name) && html.contains(row.streamID), "\(row.subject)")
            checked += 1
        }
        #expect(checked > 10)
    }
}
