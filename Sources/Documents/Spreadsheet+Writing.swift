import Foundation
import ZipKit

/// Writing tables back out as an office's spreadsheet program reads them: CSV (UTF-8 with a
/// byte-order mark, CRLF, RFC 4180 quoting) and a minimal XLSX workbook (SpreadsheetML: one
/// sheet, every cell an inline string, so numbers such as credit codes and dates stay text).
/// Both are deterministic: the same rows give the same bytes. `Spreadsheet.read` reads either
/// back into the same rows.
extension Spreadsheet {
    /// The rows as CSV text (with a byte-order mark, so spreadsheet programs read it as UTF-8).
    public static func csv(_ rows: [[String]]) -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return "\u{FEFF}" + rows.map { $0.map(quote).joined(separator: ",") + "\r\n" }.joined()
    }

    /// The rows as the first (and only) sheet of an XLSX workbook named `sheetName`.
    public static func xlsx(_ rows: [[String]], sheetName: String) throws(Problem) -> [UInt8] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let officeRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let packageRels = "http://schemas.openxmlformats.org/package/2006/relationships"
        let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\r\n"
        let contentTypes =
            declaration
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            + "</Types>"
        let rootRels =
            declaration + "<Relationships xmlns=\"\(packageRels)\">"
            + "<Relationship Id=\"rId1\" Type=\"\(officeRels)/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>"
        // A sheet name: at most 31 characters, none of : \ / ? * [ ]
        let name = String(sheetName.filter { !":\\/?*[]".contains($0) }.prefix(31))
        let workbook =
            declaration + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(officeRels)\">"
            + "<sheets><sheet name=\"\(escape(name.isEmpty ? "Sheet1" : name))\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
            + "</workbook>"
        let workbookRels =
            declaration + "<Relationships xmlns=\"\(packageRels)\">"
            + "<Relationship Id=\"rId1\" Type=\"\(officeRels)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
            + "</Relationships>"
        var sheet = declaration + "<worksheet xmlns=\"\(main)\"><sheetData>"
        for (r, row) in rows.enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, value) in row.enumerated() where !value.isEmpty {
                let space = value.first?.isWhitespace == true || value.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                sheet += "<c r=\"\(column(c))\(r + 1)\" t=\"inlineStr\"><is><t\(space)>\(escape(value))</t></is></c>"
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        // A fixed date: equal rows, equal bytes.
        var zip = ZipWriter(time: ZipWriter.time(year: 2026, month: 1, day: 1))
        for (path, text) in [
            ("[Content_Types].xml", contentTypes), ("_rels/.rels", rootRels), ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/worksheets/sheet1.xml", sheet),
        ] {
            zip.add(path, bytes: Array(text.utf8), compression: .deflate(level: 6))
        }
        do { return try zip.finish() } catch { throw Problem("无法生成XLSX文件") }
    }

    /// Text escaped for XML content and attributes, with characters XML forbids replaced.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in XMLText.clean(s) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r\n": out += "&#13;\n"
            case "\r": out += "&#13;"
            default: out.append(ch)
            }
        }
        return out
    }
}
