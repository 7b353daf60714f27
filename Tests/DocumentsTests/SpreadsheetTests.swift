import Testing
import ZipKit

@testable import Documents

/// `Spreadsheet`: CSV by RFC 4180 (quotes, doubled quotes, commas and line breaks inside, CRLF,
/// a byte-order mark; UTF-8 only) and the first sheet of an XLSX (shared and inline strings,
/// cells placed by their reference, gaps left empty); an XLSX with a DOCTYPE is refused.
@Suite struct SpreadsheetTests {
    /// Found by the csv fuzz target: a CSV line of commas was read as a row of any number of
    /// columns (an XLSX stops at 100), and a last row without a line break could pass 20,000 rows.
    @Test func csvKeepsTheColumnAndRowLimits() throws {
        let hundred = Array(repeating: "x", count: 100).joined(separator: ",")
        #expect(try Spreadsheet.readCSV(Array("a\n\(hundred)\n".utf8))[1].count == 100)
        #expect {
            try Spreadsheet.readCSV(Array("a\n\(hundred),y\n".utf8))
        } throws: { ($0 as? Spreadsheet.Problem)?.message == "表格第2行超过100列" }
        #expect(throws: Spreadsheet.Problem.self) { try Spreadsheet.readCSV(Array(String(repeating: ",", count: 1_000_000).utf8)) }
        let rows = String(repeating: "a\n", count: Spreadsheet.maxRows)
        #expect(try Spreadsheet.readCSV(Array(rows.utf8)).count == Spreadsheet.maxRows)
        #expect {
            try Spreadsheet.readCSV(Array((rows + "last").utf8))
        } throws: { ($0 as? Spreadsheet.Problem)?.message == "表格超过20000行" }
    }

    @Test func csvQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}编号,姓名,备注\r\nE1,\"王,五\",\"他说\"\"好\"\"\r\n第二行\"\r\nE2,李四,\n"
        let rows = try Spreadsheet.readCSV(Array(text.utf8))
        #expect(rows == [["编号", "姓名", "备注"], ["E1", "王,五", "他说\"好\"\r\n第二行"], ["E2", "李四", ""]])
        #expect(throws: Spreadsheet.Problem.self) { try Spreadsheet.readCSV([0xB1, 0xE0, 0xBA, 0xC5]) }  // GBK
        #expect(throws: Spreadsheet.Problem.self) { try Spreadsheet.readCSV(Array("a,\"b\n".utf8)) }
    }

    @Test func columnLetters() {
        #expect([0, 2, 25, 26, 27, 51, 52].map(Spreadsheet.column) == ["A", "C", "Z", "AA", "AB", "AZ", "BA"])
        #expect(Spreadsheet.columnIndex("C5") == 2 && Spreadsheet.columnIndex("AA10") == 26)
    }

    static func xlsx(sheet: String, shared: String? = nil) throws -> [UInt8] {
        var zip = ZipWriter(time: ZipWriter.time(year: 2026, month: 1, day: 1))
        zip.add(
            "xl/workbook.xml",
            bytes: Array(#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="专家" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8),
            compression: .deflate(level: 6))
        zip.add(
            "xl/_rels/workbook.xml.rels",
            bytes: Array(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/first.xml"/></Relationships>"#.utf8),
            compression: .deflate(level: 6))
        zip.add("xl/worksheets/first.xml", bytes: Array(sheet.utf8), compression: .deflate(level: 6))
        if let shared { zip.add("xl/sharedStrings.xml", bytes: Array(shared.utf8), compression: .deflate(level: 6)) }
        return try zip.finish()
    }

    @Test func theFirstSheetOfAnXLSX() throws {
        let sheet = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>行内</t></is></c></row><row r="3"><c r="B3"><v>46082</v></c><c r="D3" t="s"><v>1</v></c></row></sheetData></worksheet>"#
        let shared = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>专家编号</t></si><si><r><t>机械</t></r><r><t>工程</t></r><rPh><t>ジ</t></rPh></si></sst>"#
        let rows = try Spreadsheet.read(try Self.xlsx(sheet: sheet, shared: shared))
        #expect(rows == [["专家编号", "", "行内"], [], ["", "46082", "", "机械工程"]])
    }

    @Test func anXLSXWithADoctypeIsRefused() throws {
        let sheet = #"<!DOCTYPE x [<!ENTITY e "boom">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>"#
        #expect(throws: Spreadsheet.Problem.self) { try Spreadsheet.read(try Self.xlsx(sheet: sheet)) }
        #expect(throws: Spreadsheet.Problem.self) { try Spreadsheet.read([0x50, 0x4B, 0x03, 0x04, 0, 0]) }
    }
}
