import Documents
import Domain
import Foundation
import GRDB
import Issuance
import Testing
import Workflow

@testable import Store

@Suite(.serialized) struct SeasonDocumentsTests {
    @Test func everyQueuedKindHasFilesAndNothingIsLeft() throws {
        let f = try Fixture.get()
        #expect(f.summary.failed == 0, "\(f.summary.failures)")
        #expect(f.summary.waiting == 0)
        #expect(f.summary.documents > 0)
        let kinds = try f.kinds()
        for kind in [
            DocumentKind.pledge, .declarationForm, .acceptanceNotice, .correctionNotice, .refusalNotice,
            .publicNotice, .qualificationNotice, .certificate, .revocationDecision, .minutes, .voteRecord,
            .reexaminationDecision,
        ] {
            #expect(kinds.contains(kind), "the season queued no \(kind.rawValue)")
        }
        for kind in kinds {
            let dir = f.first.appendingPathComponent(kind.rawValue)
            let odt = files(in: dir, ext: "odt")
            let html = files(in: dir, ext: "html")
            #expect(!odt.isEmpty && odt.count == html.count, "\(kind.rawValue): \(odt.count) odt, \(html.count) html")
            #expect(odt.count == f.summary.byKind[kind], "\(kind.rawValue)")
        }
        let left = try f.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM documents WHERE status != 'rendered' OR path IS NULL")
        }
        #expect(left == 0)
        // No temporary files remain.
        let all = FileManager.default.enumerator(atPath: f.first.path)?.allObjects as? [String] ?? []
        #expect(!all.contains { $0.hasSuffix(".part") })
    }

    @Test func listDocumentsRenderOncePerBatch() throws {
        let f = try Fixture.get()
        let (batches, numbers, certificates, requests) = try f.store.read { db in
            (
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT subject) FROM documents WHERE kind = 'public-notice'")!,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT payload) FROM events WHERE type IN ('confirmed', 'filed')")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM streams WHERE kind = 'certificate'")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM documents WHERE kind = 'public-notice'")!
            )
        }
        #expect(requests > batches)
        #expect(f.summary.byKind[.publicNotice] == batches)
        #expect(f.summary.byKind[.certificate] == certificates)
        #expect((f.summary.byKind[.qualificationNotice] ?? 0) >= 1)
        #expect((f.summary.byKind[.qualificationNotice] ?? 0) <= numbers)
        // Every application of a batch is on its notice.
        let service = DocumentService(store: f.store, rules: f.rules, library: f.library, forms: f.forms, attachments: f.attachments)
        let rows = try service.queued(status: nil).filter { $0.request.kind == .publicNotice }
        let batch = rows[0].request.subject
        let doc = try service.prepare(DocumentKey(.publicNotice, name: batch), anchor: rows[0])
        let expected = Set(rows.filter { $0.request.subject == batch }.map(\.streamID)).count
        if case .array(let people)? = doc.data["candidates"] {
            #expect(people.count == expected)
        } else {
            Issue.record("no candidates")
        }
    }

    @Test func oneOdtOfEachKindIsStrictlyValid() throws {
        let f = try Fixture.get()
        let script = Paths.odf.appendingPathComponent("validate-odt.sh").path
        for s in try f.samples() {
            let (status, output) = try run("bash", [script, s.odt.path])
            #expect(status == 0, "\(s.kind.rawValue): \(output)")
        }
    }

    @Test func libreOfficeShowsNamesNumbersAndCertificateNumbers() throws {
        let f = try Fixture.get()
        let samples = try f.samples()
        // Distinct base names for one soffice call.
        let input = f.root.appendingPathComponent("pdf-in")
        let output = f.root.appendingPathComponent("pdf-out")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        var inputs: [String] = []
        for s in samples {
            let copy = input.appendingPathComponent("\(s.kind.rawValue).odt")
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: s.odt, to: copy)
            inputs.append(copy.path)
        }
        let (status, log) = try run(
            "bash", [Paths.odf.appendingPathComponent("odt-to-pdf.sh").path, output.path] + inputs)
        try #require(status == 0, "\(log)")
        for s in samples {
            let pdf = output.appendingPathComponent("\(s.kind.rawValue).pdf").path
            let (rc, text) = try run("pdftotext", ["-layout", pdf, "-"])
            #expect(rc == 0)
            let flat = text.filter { !$0.isWhitespace }
            for field in ["applicant_name", "holder_name", "lead_name", "document_number", "certificate_number"] {
                guard let value = s.data[field]?.string, !value.isEmpty else { continue }
                #expect(
                    flat.contains(value.filter { !$0.isWhitespace }), "\(s.kind.rawValue): \(field) \(value) not in PDF"
                )
            }
        }
    }

    @Test func htmlIsWellFormedAndCarriesTheValues() throws {
        let f = try Fixture.get()
        var all: [String] = []
        for kind in try f.kinds() {
            all += files(in: f.first.appendingPathComponent(kind.rawValue), ext: "html").map(\.path)
        }
        let (status, output) = try run("xmllint", ["--noout"] + all)
        #expect(status == 0, "\(output)")
        for s in try f.samples() {
            let html = String(decoding: bytes(s.html), as: UTF8.self)
            for field in ["applicant_name", "holder_name", "document_number", "certificate_number", "committee"] {
                guard let value = s.data[field]?.string, !value.isEmpty else { continue }
                #expect(html.contains(value), "\(s.kind.rawValue): \(field)")
            }
        }
    }

    @Test func hostileNamesAreEscapedInHTML() throws {
        let f = try Fixture.get()
        let html = String(
            decoding: bytes(f.first.appendingPathComponent("acceptance-notice/\(f.hostileApplication).html")),
            as: UTF8.self)
        #expect(!html.isEmpty)
        #expect(!html.contains(Fixture.hostileName))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("&amp;"))
    }

    @Test func sameDatabaseGivesTheSameBytes() throws {
        let f = try Fixture.get()
        #expect(f.secondSummary.documents == f.summary.documents)
        var compared = 0
        for kind in try f.kinds() {
            for ext in ["odt", "html"] {
                let a = files(in: f.first.appendingPathComponent(kind.rawValue), ext: ext)
                let b = files(in: f.second.appendingPathComponent(kind.rawValue), ext: ext)
                #expect(a.map(\.lastPathComponent) == b.map(\.lastPathComponent))
                for (x, y) in zip(a, b) {
                    #expect(bytes(x) == bytes(y), "\(x.lastPathComponent) differs")
                    compared += 1
                }
            }
        }
        #expect(compared == f.summary.files)
    }

    @Test func aTraversalSubjectStaysInside() throws {
        let f = try Fixture.get()
        let inside = f.first.appendingPathComponent("public-notice/_._.._x.odt")
        #expect(FileManager.default.fileExists(atPath: inside.path))
        // Nothing was written next to or above the output folder.
        let parent = f.first.deletingLastPathComponent()
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("x.odt").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: parent.deletingLastPathComponent().appendingPathComponent("x.odt").path))
        let path = try f.store.read { db in
            try String.fetchOne(
                db, sql: "SELECT path FROM documents WHERE subject = ?", arguments: [f.traversalSubject])
        }
        #expect(path == "public-notice/_._.._x.odt")
    }
}

@Suite struct OutputPathTests {
    @Test(arguments: ["../../x", "/etc/passwd", "..", ".", "", "a/../../b", "a\\..\\b", "x\0y", "\u{202E}evil"])
    func namesAreOneSafeComponent(_ subject: String) throws {
        let name = OutputPath.fileName(for: subject)
        #expect(!name.isEmpty)
        #expect(!name.contains("/") && !name.contains("\\") && !name.contains("\0"))
        #expect(!name.hasPrefix("."))
        let dir = URL(fileURLWithPath: "/tmp/out/documents")
        let url = try OutputPath.file(in: dir, folder: "certificate", subject: subject, extension: "odt")
        #expect(url.path.hasPrefix("/tmp/out/documents/certificate/"))
    }

    @Test func ordinaryNamesAreKept() {
        #expect(OutputPath.fileName(for: "焦职改〔2026〕3号") == "焦职改〔2026〕3号")
        #expect(OutputPath.fileName(for: "410820260820 0001") == "410820260820 0001")
    }

    @Test func titleNames() {
        #expect(TitleNames.title(.engineering, .deputySenior) == "高级工程师")
        #expect(TitleNames.title(.primarySecondaryTeachers, .fullSenior) == "正高级教师")
        #expect(TitleNames.title(.sports, .intermediate) == "体育中级职称")
    }
}
