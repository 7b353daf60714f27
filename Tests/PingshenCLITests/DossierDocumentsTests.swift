import Domain
import Forms
import Foundation
import Store
import Testing

/// The 申报表 and the 承诺书 print the dossier: for every shipped form, a complete generated
/// declaration goes through `pingshen apply` and `pingshen documents render`, and every value
/// it holds appears in the visible text of the ODT and of the HTML (read by Python, an
/// outside reader); the photo is in its frame; the pledge prints exactly the signed text.
@Suite(.serialized) struct DossierDocumentsTests {
    static let day = Day("2026-03-02")!

    struct Applied {
        var form: FormDefinition
        var application: String
        var data: JSONValue
    }

    /// Visible text of a rendered document (Tests/Tools/visible-text.py).
    static func visibleText(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", CLI.root.path + "/Tests/Tools/visible-text.py", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "visible-text.py \(path)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Every shipped form: one generated declaration applied, the documents rendered.
    static func applyAll(into dir: String) throws -> [Applied] {
        let library = try FormLibrary.load(directory: CLI.root.appendingPathComponent("forms").path)
        var applied: [Applied] = []
        for (i, id) in library.formIDs.enumerated() {
            let form = try library.form(id)
            let level = form.levels[form.levels.count / 2]
            let applicant = DeclarationGenerator.Applicant(
                name: "测试申报人\(i)", residentID: ResidentID.make(region: "410802", birth: Day("1985-06-0\(1 + i % 9)")!, sequence: 100 + i),
                unitName: "焦作市测试单位\(i)", creditCode: CreditCode.completing("91410800MA44T\(String(format: "%04d", i))")!,
                unitKind: "state-enterprise")
            let g = DeclarationGenerator.declaration(
                form: form, level: level, track: form.tracks.contains(.normal) ? .normal : form.tracks[0],
                applicant: applicant, on: day, seed: UInt64(i + 1))
            let file = "\(dir)/\(id).json"
            try Data(g.data.pretty.utf8).write(to: URL(fileURLWithPath: file))
            let uploads = AttachmentFolder(root: URL(fileURLWithPath: dir + "/uploads"))
            for bytes in g.files.values { try uploads.write(bytes) }
            let application = String(format: "A2026-9%04d", i)
            let r = try CLI.run([
                "apply", "--db", dir + "/pingshen.sqlite", "--form", id, "--data", file, "--application", application,
                "--date", day.description,
            ])
            #expect(r.status == 0, "apply \(id) \(level): \(r.stdout) \(r.stderr)")
            if r.status == 0 { applied.append(Applied(form: form, application: application, data: g.data)) }
        }
        let render = try CLI.run(["documents", "render", "--db", dir + "/pingshen.sqlite", "--out", dir])
        #expect(render.status == 0, "documents render: \(render.stdout) \(render.stderr)")
        return applied
    }

    @Test func everyShippedFormPrintsEveryDeclaredValueInOdtAndHtml() throws {
        let dir = CLI.temporaryDirectory()
        let applied = try Self.applyAll(into: dir)
        #expect(applied.count >= 10)
        for a in applied {
            let shown = a.form.present(a.data)
            #expect(!shown.sections.isEmpty)
            for ext in ["odt", "html"] {
                let path = "\(dir)/documents/declaration-form/\(a.application).\(ext)"
                let text = try Self.visibleText(path)
                var missing: [String] = []
                for section in shown.sections {
                    if !text.contains(section.title) { missing.append("section \(section.title)") }
                    for row in section.rows {
                        for line in row.value.split(separator: "\n") where !text.contains(line) {
                            missing.append("\(row.label): \(line)")
                        }
                    }
                }
                for f in shown.files where !text.contains(f.name) { missing.append("file \(f.name)") }
                if let specialty = a.form.specialty(in: a.data) {
                    #expect(text.contains("申报专业") || text.contains(specialty), "\(a.form.id)")
                }
                #expect(missing.isEmpty, "\(a.form.id) \(ext): not printed: \(missing.prefix(8))")
                #expect(!text.contains("按系列") || a.form.specialtyField == nil, "\(a.form.id): committee scope instead of the declared specialty")
            }
        }
    }

    /// The store's dossier, read back through `pingshen dossier`: who, every answer by section,
    /// the files and the documents the steps issued.
    @Test func theDossierCommandPrintsTheWholeDeclaration() throws {
        let dir = CLI.temporaryDirectory()
        let applied = try Self.applyAll(into: dir)
        let a = try #require(applied.first { $0.form.id == "engineering" })
        let r = try CLI.run(["dossier", "--db", dir + "/pingshen.sqlite", a.application])
        #expect(r.status == 0, "\(r.stderr)")
        for section in a.form.present(a.data).sections {
            #expect(r.stdout.contains("【\(section.title)】"))
            for row in section.rows { #expect(r.stdout.contains(row.value.split(separator: "\n").first.map(String.init) ?? "")) }
        }
        #expect(r.stdout.contains("申报表") && r.stdout.contains("承诺书"), "the documents are listed")
        let store = try EventStore(path: dir + "/pingshen.sqlite")
        let dossier = try #require(try store.dossier(applicationID: a.application))
        #expect(dossier.declarations.count == 1 && dossier.person != nil && dossier.unit != nil)
        #expect(dossier.documents.count >= 2)
        #expect(try store.dossier(applicationID: "A-none") == nil)
        #expect(try CLI.run(["dossier", "--db", dir + "/pingshen.sqlite", "A-none"]).status != 0)
    }

    @Test func thePhotoIsInItsFrameAndThePledgeIsTheSignedText() throws {
        let dir = CLI.temporaryDirectory()
        let applied = try Self.applyAll(into: dir)
        let a = try #require(applied.first { $0.form.id == "engineering" })
        let photo = try #require(a.form.present(a.data).photo)
        // The photo's bytes are in the 申报表's package (the `image:photo` frame) and in the HTML.
        let odt = "\(dir)/documents/declaration-form/\(a.application).odt"
        let archive = try Data(contentsOf: URL(fileURLWithPath: odt))
        let photoBytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/uploads/\(photo.sha256.prefix(2))/\(photo.sha256)"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            "import zipfile,sys,hashlib; z=zipfile.ZipFile(sys.argv[1]); print('\\n'.join(hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith('Pictures/')))",
            odt,
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let hashes = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(!archive.isEmpty && !photoBytes.isEmpty)
        #expect(hashes.contains(photo.sha256), "the photo is not among the ODT's pictures: \(hashes)")
        let html = try String(contentsOfFile: "\(dir)/documents/declaration-form/\(a.application).html", encoding: .utf8)
        #expect(html.contains(photoBytes.base64EncodedString().prefix(200)), "the photo is not in the HTML")

        // The 承诺书: the printed text is the signed text — its digest is the stored one.
        let store = try EventStore(path: dir + "/pingshen.sqlite")
        let stored = try #require(try store.declaration(applicationID: a.application))
        let signed = try #require(stored.pledgeText)
        let lines = signed.split(separator: "\n", omittingEmptySubsequences: true)
        for ext in ["odt", "html"] {
            let text = try Self.visibleText("\(dir)/documents/pledge/\(a.application).\(ext)")
            let first = try #require(text.range(of: String(lines.first!)), "\(ext): first line missing")
            let last = try #require(text.range(of: String(lines.last!), range: first.lowerBound..<text.endIndex))
            let printed = String(text[first.lowerBound..<last.upperBound]) + "\n"
            #expect(SHA256Digest.hex(of: printed) == SHA256Digest.hex(of: signed), "\(ext): printed pledge differs")
            #expect(text.contains(SHA256Digest.hex(of: signed)), "\(ext): the signed digest is printed")
        }
    }
}
