import CLibXML2
import Foundation
import ZipKit

/// Tables an office keeps in spreadsheets: the first sheet of an XLSX workbook (a zip of XML,
/// read with `ZipKit` and libxml2 without network, DTDs or entities) or a CSV file (RFC 4180,
/// UTF-8), as rows of cell texts. Row `i` of the result is the sheet's row `i + 1`; column `j` is
/// the column lettered `Spreadsheet.column(j)`. Problems are Chinese messages.
public enum Spreadsheet {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public static let maxRows = 20_000
    public static let maxColumns = 100
    public static let maxPartBytes = 50 << 20

    /// The column letters of a zero-based index: 0 → A, 25 → Z, 26 → AA.
    public static func column(_ index: Int) -> String {
        var n = index + 1
        var letters = ""
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// Reads a CSV file or an XLSX workbook, told apart by the zip signature.
    public static func read(_ bytes: [UInt8]) throws(Problem) -> [[String]] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readXLSX(bytes) }
        return try readCSV(bytes)
    }

    // MARK: CSV

    public static func readCSV(_ bytes: [UInt8]) throws(Problem) -> [[String]] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw Problem("CSV文件不是UTF-8编码，请在表格软件中另存为“CSV UTF-8”格式后再导入")
        }
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var chars = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending {
                pending = nil
                return p
            }
            return chars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let d = next() {
                        if d == "\"" { field.append("\"") } else {
                            quoted = false
                            pending = d
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case ",":
                // As an XLSX: at most `maxColumns` (a line of commas made a row of millions).
                guard row.count + 1 < maxColumns else { throw Problem("表格第\(rows.count + 1)行超过\(maxColumns)列") }
                row.append(field)
                field = ""
                atFieldStart = true
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                atFieldStart = true
                guard rows.count <= maxRows else { throw Problem("表格超过\(maxRows)行") }
            default:
                field.append(c)
                atFieldStart = false
            }
        }
        if quoted { throw Problem("CSV文件第\(rows.count + 1)行有未闭合的引号") }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
            guard rows.count <= maxRows else { throw Problem("表格超过\(maxRows)行") }
        }
        return rows
    }

    // MARK: XLSX

    public static func readXLSX(_ bytes: [UInt8]) throws(Problem) -> [[String]] {
        let zip: ZipReader
        do { zip = try ZipReader(bytes: bytes) } catch { throw Problem("不是有效的XLSX文件（无法作为zip读取）") }
        let names = zip.names
        func part(_ name: String) throws(Problem) -> XNode? {
            guard let i = names.firstIndex(of: name) else { return nil }
            do {
                let data = try zip.read(i, limit: maxPartBytes)
                return try LibXMLDocument(bytes: data, part: name).tree()
            } catch {
                throw Problem("XLSX文件中的\(name)无法读取")
            }
        }
        // The first sheet of the workbook, through the workbook's relationships.
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let workbook = try part("xl/workbook.xml"), let rels = try part("xl/_rels/workbook.xml.rels") {
            var first: XNode?
            workbook.preorder { n in if first == nil, n.name == "sheet" { first = n } }
            let rid = first?.attributes.first { $0.name.hasSuffix(":id") }?.value
            var target: String?
            rels.preorder { n in if n.name == "Relationship", n.attribute("Id") == rid { target = n.attribute("Target") } }
            if let target {
                sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        var shared: [String] = []
        if let sst = try part("xl/sharedStrings.xml") {
            for si in sst.children where si.name == "si" { shared.append(text(of: si)) }
        }
        guard let sheet = try part(sheetPath) else { throw Problem("XLSX文件中没有工作表") }
        var rows: [[String]] = []
        var data: XNode?
        sheet.preorder { n in if data == nil, n.name == "sheetData" { data = n } }
        for r in data?.children ?? [] where r.name == "row" {
            let number = r.attribute("r").flatMap(Int.init) ?? rows.count + 1
            guard number >= 1, number <= maxRows else { throw Problem("表格超过\(maxRows)行") }
            while rows.count < number { rows.append([]) }
            var cells: [String] = []
            for c in r.children where c.name == "c" {
                let index = c.attribute("r").flatMap(columnIndex) ?? cells.count
                guard index < maxColumns else { throw Problem("表格第\(number)行超过\(maxColumns)列") }
                while cells.count <= index { cells.append("") }
                let type = c.attribute("t") ?? "n"
                let value = c.children.first { $0.name == "v" }.map(text(of:)) ?? ""
                switch type {
                case "s":
                    guard let i = Int(value), shared.indices.contains(i) else {
                        throw Problem("XLSX文件第\(number)行\(column(index))列引用了不存在的共享字符串")
                    }
                    cells[index] = shared[i]
                case "inlineStr": cells[index] = c.children.first { $0.name == "is" }.map(text(of:)) ?? ""
                case "b": cells[index] = value == "1" ? "TRUE" : "FALSE"
                default: cells[index] = value
                }
            }
            rows[number - 1] = cells
        }
        return rows
    }

    /// "C5" → 2 (the column's zero-based index).
    static func columnIndex(_ reference: String) -> Int? {
        var n = 0
        var any = false
        for u in reference.unicodeScalars {
            guard (65...90).contains(u.value) else { break }
            n = n * 26 + Int(u.value - 64)
            any = true
            if n > maxColumns { return maxColumns }
        }
        return any ? n - 1 : nil
    }

    /// The text of `t` elements under a node, leaving out phonetic runs (`rPh`).
    static func text(of node: XNode) -> String {
        var bytes: [UInt8] = []
        func walk(_ n: XNode) {
            if n.kind == .text {
                bytes += n.text
                return
            }
            if n.name == "rPh" { return }
            for c in n.children { walk(c) }
        }
        walk(node)
        return String(decoding: bytes, as: UTF8.self)
    }
}
