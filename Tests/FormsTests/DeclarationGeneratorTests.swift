import Domain
import Foundation
import Testing

@testable import Forms

/// Generated declarations are valid for every shipped form, level and track, and the
/// presentation shows every value they hold, under the form's sections.
@Suite struct DeclarationGeneratorTests {
    static let applicant = DeclarationGenerator.Applicant(
        name: "李文华", residentID: ResidentID.make(region: "410802", birth: Day("1986-04-09")!, sequence: 42),
        unitName: "焦作市建设工程有限公司", creditCode: CreditCode.completing("91410800MA44T8N9X")!,
        unitKind: "state-enterprise")
    static let day = Day("2026-03-02")!

    static var combinations: [(String, Level, Track)] {
        get throws {
            let library = try Support.library
            return try library.formIDs.flatMap { id in
                let form = try library.form(id)
                return form.levels.flatMap { level in form.tracks.map { (id, level, $0) } }
            }
        }
    }

    @Test func everyFormLevelAndTrackGetsAValidDeclaration() throws {
        var checked = 0
        for (id, level, track) in try Self.combinations {
            let form = try Support.form(id)
            let g = DeclarationGenerator.declaration(
                form: form, level: level, track: track, applicant: Self.applicant, on: Self.day, seed: 3)
            let report = form.validate(g.data)
            #expect(report.isValid, "\(id) \(level) \(track): \(report.problems.map(\.description))")
            // Every listed file is there, with its hash and size.
            for file in form.present(g.data).files {
                let bytes = g.files[file.sha256]
                #expect(bytes != nil, "\(id): \(file.name) has no content")
                #expect(bytes.map { SHA256Digest.hex(of: $0) } == file.sha256)
                #expect(bytes?.count == file.size)
            }
            checked += 1
        }
        #expect(checked > 60)
    }

    @Test func theSameSeedGivesTheSameDeclaration() throws {
        let form = try Support.form("engineering")
        let a = DeclarationGenerator.declaration(
            form: form, level: .deputySenior, track: .normal, applicant: Self.applicant, on: Self.day, seed: 9)
        let b = DeclarationGenerator.declaration(
            form: form, level: .deputySenior, track: .normal, applicant: Self.applicant, on: Self.day, seed: 9)
        #expect(a.data == b.data)
        #expect(a.data["name"]?.string == "李文华")
        #expect(a.data["current_title"]?.string == "工程师")
    }

    /// Fields of other tracks stay empty; the track's own fields are filled.
    @Test func trackFieldsFollowTheTrack() throws {
        let form = try Support.form("engineering")
        let normal = DeclarationGenerator.declaration(
            form: form, level: .intermediate, track: .normal, applicant: Self.applicant, on: Self.day, seed: 1)
        #expect(normal.data["talent_category"] == nil)
        #expect(normal.data["recommendation_letter"] == nil)
        let youth = DeclarationGenerator.declaration(
            form: form, level: .intermediate, track: .youthRecommendation, applicant: Self.applicant, on: Self.day,
            seed: 1)
        #expect(youth.data["recommendation_letter"]?.array?.count == 1)
    }

    /// Every leaf value of the data is printed (choices as their labels), each under the section
    /// of its field.
    @Test func thePresentationShowsEveryValue() throws {
        for id in try Support.library.formIDs {
            let form = try Support.form(id)
            let g = DeclarationGenerator.declaration(
                form: form, level: form.levels.last!, track: .normal, applicant: Self.applicant, on: Self.day, seed: 5)
            let shown = form.present(g.data)
            let text = shown.sections.flatMap { s in s.rows.map { "\(s.title) \($0.label) \($0.value)" } }
                .joined(separator: "\n")
            for field in form.fields {
                guard let value = g.data[field.id] else { continue }
                switch field.type {
                case .group(let inner, _, _, _):
                    for row in value.array ?? [] {
                        for f in inner {
                            guard let v = row[f.id], let t = form.text(of: f, value: v) else { continue }
                            #expect(text.contains("\(f.label)：\(t)"), "\(id).\(field.id).\(f.id) = \(t)")
                        }
                    }
                case .attachment:
                    for f in value.array ?? [] {
                        #expect(text.contains(f["name"]?.string ?? "?"), "\(id).\(field.id)")
                    }
                default:
                    let t = try #require(form.text(of: field, value: value), "\(id).\(field.id)")
                    let section = try #require(shown.sections.first { $0.title == field.section }, "\(id): \(field.section)")
                    #expect(section.rows.contains { $0.label == field.label && $0.value == t }, "\(id).\(field.id) = \(t)")
                }
            }
        }
    }

    @Test func sectionsFollowTheIncludesAndFieldOverrides() throws {
        let form = try Support.form("engineering")
        let titles = form.sections.map(\.title)
        #expect(titles.first == "基本信息")
        #expect(titles.contains("学历学位") && titles.contains("工作经历") && titles.contains("附件材料"))
        #expect(form.field("specialty")?.section == "基本信息", "a field's own section wins")
        #expect(form.field("technical_report")?.section == "专业技术工作", "the form's own fields by default")
        #expect(form.specialtyField == "specialty")
        #expect(form.specialty(in: ["specialty": "computing"]) == "计算机与软件")
    }

    @Test func smallFilesAreRealFiles() throws {
        let png = SmallFiles.png(seed: 3)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let pdf = SmallFiles.pdf(text: "x")
        #expect(String(decoding: pdf.prefix(8), as: UTF8.self) == "%PDF-1.4")
        // Outside judges: Python's zlib decompresses the PNG's data (CRC checked by the reader).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(png).write(to: dir.appendingPathComponent("p.png"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            """
            import struct, zlib, sys
            b = open(sys.argv[1], 'rb').read()
            i, idat = 8, b''
            while i < len(b):
                n, t = struct.unpack('>I4s', b[i:i+8]); d = b[i+8:i+8+n]
                assert zlib.crc32(t + d) == struct.unpack('>I', b[i+8+n:i+12+n])[0], t
                if t == b'IDAT': idat += d
                i += 12 + n
            assert len(zlib.decompress(idat)) == 120 * (1 + 90 * 3)
            """,
            dir.appendingPathComponent("p.png").path,
        ]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}
