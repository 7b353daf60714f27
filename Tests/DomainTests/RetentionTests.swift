import Foundation
import Testing

@testable import Domain

@Suite struct RetentionTests {
    static let policyDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policy").path

    // MARK: - the schedule

    @Test func shippedScheduleIsTheDefaultsAndLoadsWithTheRulebook() throws {
        let shipped = try RetentionSchedule.load(path: Self.policyDirectory + "/retention.yaml")
        #expect(shipped == RetentionSchedule.defaults)
        #expect(try Rulebook.load(directory: Self.policyDirectory).retention == shipped)
        #expect(shipped.retention(forRecordKind: "qualification-notice") == .permanent)
        #expect(shipped.retention(forRecordKind: "minutes") == .permanent)
        #expect(shipped.retention(forRecordKind: "vote-record") == .permanent)
        #expect(shipped.retention(forRecordKind: "revocation-decision") == .permanent)
        #expect(shipped.retention(forRecordKind: "reexamination-decision") == .permanent)
        #expect(shipped.retention(forRecordKind: "declaration-form") == .years30)
        #expect(shipped.retention(forRecordKind: "pledge") == .years30)
        #expect(shipped.retention(forRecordKind: "attachment") == .years30)
        #expect(shipped.retention(forRecordKind: "public-notice") == .years10)
        #expect(shipped.retention(forRecordKind: "no-such-kind") == nil)
        #expect(shipped.organisation(forRecordKind: "minutes") == "ZCB")
        #expect(shipped.longestRetention(forRecordKinds: ["public-notice", "pledge"]) == .years30)
        #expect(shipped.longestRetention(forRecordKinds: ["public-notice", "minutes"]) == .permanent)
    }

    @Test func scheduleWithoutAFileIsTheDefaults() throws {
        let empty = NSTemporaryDirectory() + "retention-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try RetentionSchedule.load(directory: empty) == .defaults)
    }

    func parse(_ yaml: String) throws(ConfigError) -> RetentionSchedule {
        try RetentionSchedule.parse(ConfigNode.parse(yaml: yaml, file: "retention.yaml"))
    }

    /// Every required kind, with one line replaced.
    func yaml(replacing kind: String? = nil, with line: String = "", organisation: String = "ZCB") -> String {
        var text = "organisation: \(organisation)\nrecords:\n"
        for e in RetentionSchedule.defaults.entries {
            if e.kind == kind {
                text += line
            } else {
                text += "  \(e.kind): { name: \(e.name), retention: \(e.retention.chinese) }\n"
            }
        }
        return text
    }

    @Test func longTermFormatsAreReadAndChecked() throws {
        #expect(
            RetentionSchedule.defaults.longTermFormats == ["ODT", "HTML", "JSON", "XML", "TXT", "PNG", "JPEG", "PDF"])
        let narrow = try parse(yaml() + "long_term_formats: [odt, PDF]\n")
        #expect(narrow.longTermFormats == ["ODT", "PDF"])
        do {
            _ = try parse(yaml() + "long_term_formats: [ODT, DOCX]\n")
            Issue.record("DOCX was accepted")
        } catch {
            #expect(error.key == "long_term_formats[1]")
            #expect(error.message.contains("ODT、HTML"))
        }
    }

    @Test func codesAndNamesAreBothRead() throws {
        let s = try parse(
            yaml(replacing: "public-notice", with: "  public-notice: { name: 公示, retention: D30, organisation: PS1 }\n")
        )
        #expect(s.retention(forRecordKind: "public-notice") == .years30)
        #expect(s.organisation(forRecordKind: "public-notice") == "PS1")
        #expect(s.organisation(forRecordKind: "minutes") == "ZCB")
    }

    @Test func errorsNameFileLineAndKey() {
        // A period that is not one of the three.
        let bad = yaml(replacing: "minutes", with: "  minutes: { name: 评审会议纪要, retention: 50年 }\n")
        #expect(throws: ConfigError.self) { try parse(bad) }
        do {
            _ = try parse(bad)
        } catch {
            #expect(error.file == "retention.yaml")
            #expect(error.key == "records.minutes.retention")
            #expect(error.line != nil)
            #expect(error.message.contains("永久"))
        }
        // A required kind missing.
        do {
            _ = try parse(yaml(replacing: "vote-record", with: ""))
            Issue.record("a schedule without vote-record was accepted")
        } catch {
            #expect(error.key == "records.vote-record")
            #expect(error.message.contains("vote-record"))
        }
        // An unknown key (a typo) is refused.
        do {
            _ = try parse(yaml(replacing: "pledge", with: "  pledge: { name: 承诺书, retenton: 30年 }\n"))
            Issue.record("a typo was accepted")
        } catch {
            #expect(error.key == "records.pledge.retenton")
        }
        // An organisation code that cannot stand in a 档号.
        do {
            _ = try parse(yaml(organisation: "Z-C"))
            Issue.record("an organisation code with a dash was accepted")
        } catch {
            #expect(error.key == "organisation")
            #expect(error.line == 1)
        }
    }

    // MARK: - periods

    @Test func periodsCarryTheirCodesAndNames() {
        #expect(RetentionPeriod.permanent.code == "Y")
        #expect(RetentionPeriod.years30.code == "D30")
        #expect(RetentionPeriod.years10.code == "D10")
        #expect(RetentionPeriod.allCases.map(\.chinese) == ["永久", "30年", "10年"])
        #expect(RetentionPeriod(text: "永久") == .permanent)
        #expect(RetentionPeriod(text: "d30") == .years30)
        #expect(RetentionPeriod(text: "定期10年") == .years10)
        #expect(RetentionPeriod(text: "20年") == nil)
        #expect(RetentionPeriod.years10 < .years30 && RetentionPeriod.years30 < .permanent)
    }

    // MARK: - 档号

    @Test func archivalCodeIsComposedAndParsed() throws {
        let code = try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "ZCB", item: 7)
        #expect(code.description == "J012-2026-Y-ZCB-0007")
        #expect(try ArchivalCode(parsing: "J012-2026-Y-ZCB-0007") == code)
        #expect(try ArchivalCode(parsing: "J012-2026-D30-ZCB-9999").item == 9999)
        #expect(try ArchivalCode(parsing: "J012-2026-D10-ZCB-0001").retention == .years10)
        #expect(
            try ArchivalCode(fonds: "J012", year: 2026, retention: .years30, organisation: "ZCB", item: 1).description
                == "J012-2026-D30-ZCB-0001")
        #expect(code.series == "J012-2026-Y-ZCB")
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == "[\"J012-2026-Y-ZCB-0007\"]")
        #expect(try JSONDecoder().decode([ArchivalCode].self, from: data) == [code])
        let later = try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "ZCB", item: 10)
        #expect(code < later)
    }

    @Test(arguments: [
        ("J-12", "全宗号"), ("j012", "全宗号"), ("", "全宗号"), ("全宗12", "全宗号"), ("J 12", "全宗号"),
        ("ABCDEFGHIJK", "全宗号"),
    ])
    func badFondsIsRefused(fonds: String, part: String) {
        #expect(throws: ArchivalCodeError(part: part, message: ArchivalCode.fondsProblem(fonds) ?? "")) {
            try ArchivalCode(fonds: fonds, year: 2026, retention: .permanent, organisation: "ZCB", item: 1)
        }
    }

    @Test func itemAndYearAtTheEdges() throws {
        for item in [0, -1, 1_000_000] {
            #expect(throws: ArchivalCodeError.self) {
                try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "ZCB", item: item)
            }
        }
        #expect(
            try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "ZCB", item: 1).description
                .hasSuffix("-0001"))
        #expect(
            try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "ZCB", item: 9999)
                .description.hasSuffix("-9999"))
        // A season of more than 9,999 files a series numbers on (more digits, read back the same).
        let large = try ArchivalCode(fonds: "J012", year: 2026, retention: .years30, organisation: "ZCB", item: 12_345)
        #expect(large.description == "J012-2026-D30-ZCB-12345")
        #expect(try ArchivalCode(parsing: large.description) == large)
        #expect(throws: ArchivalCodeError.self) { try ArchivalCode(parsing: "J012-2026-D30-ZCB-01234") }
        #expect(throws: ArchivalCodeError.self) {
            try ArchivalCode(fonds: "J012", year: 226, retention: .permanent, organisation: "ZCB", item: 1)
        }
        #expect(throws: ArchivalCodeError.self) {
            try ArchivalCode(fonds: "J012", year: 2026, retention: .permanent, organisation: "Z-B", item: 1)
        }
    }

    @Test(arguments: [
        "J012-2026-Y-ZCB-7", "J012-2026-Y-ZCB-00007", "J012-2026-Y-ZCB-0000", "J012-2026-X-ZCB-0001",
        "J012-26-Y-ZCB-0001", "J012-2026-Y-ZCB", "J012-2026-Y-ZC-B-0001", "j012-2026-Y-ZCB-0001",
        "J012-2026-Y--0001", "J012-２０２６-Y-ZCB-0001", "J012-2026-Y-ZCB-00１1",
    ])
    func malformedCodesAreRefused(text: String) {
        #expect(throws: ArchivalCodeError.self) { try ArchivalCode(parsing: text) }
    }
}
