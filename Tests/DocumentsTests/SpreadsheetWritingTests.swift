import Foundation
import Testing

@testable import Documents

/// The XLSX and CSV an export writes: openpyxl (Python, PyPI) reads the workbook back with the
/// same rows and sheet name; `Spreadsheet.read` reads both back; equal rows give equal bytes.
@Suite struct SpreadsheetWritingTests {
    static let rows: [[String]] = [
        ["编号", "名称", "备注", "代码"],
        ["E001", "焦作市第一人民医院", "含“引号”, 逗号 & <尖括号>", "91410800MA0000001X"],
        ["E002", "", " 前后空格 ", "0012"],
        ["E003", "多行\n文字", "2026-01-01", "=1+1"],
    ]

    @Test func openpyxlReadsTheWorkbookBack() throws {
        let bytes = try Spreadsheet.xlsx(Self.rows, sheetName: "专家库")
        let dir = Paths.tempDir("xlsx")
        let file = dir.appendingPathComponent("book.xlsx")
        try Data(bytes).write(to: file)
        let result = try run(
            ["python3", Paths.repoRoot.path + "/Tests/Tools/read_xlsx.py", file.path], stderr: false)
        #expect(result.status == 0, "openpyxl (python3 -m pip install openpyxl): \(result.output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["title"] as? String == "专家库")
        let read = try #require(json["rows"] as? [[String]])
        // openpyxl leaves out trailing empty cells; an empty cell inside a row reads "".
        #expect(read == Self.rows)
        // Every cell is text: "0012" keeps its zeros and "=1+1" is no formula.
        #expect(read[2][3] == "0012" && read[3][3] == "=1+1")
    }

    @Test func theProjectsReaderReadsBothBack() throws {
        #expect(try Spreadsheet.read(try Spreadsheet.xlsx(Self.rows, sheetName: "单位名单")) == Self.rows)
        let csv = Spreadsheet.csv(Self.rows)
        #expect(csv.hasPrefix("\u{FEFF}编号,名称,备注,代码\r\n"))
        #expect(try Spreadsheet.read(Array(csv.utf8)) == Self.rows)
    }

    @Test func equalRowsGiveEqualBytes() throws {
        let a = try Spreadsheet.xlsx(Self.rows, sheetName: "专家库")
        let b = try Spreadsheet.xlsx(Self.rows, sheetName: "专家库")
        #expect(a == b)
        #expect(a != (try Spreadsheet.xlsx(Self.rows.dropLast(), sheetName: "专家库")))
    }
}
