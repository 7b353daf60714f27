import Documents
import Foundation

/// The shape every import of an office's spreadsheet shares (the expert pool, the unit list):
/// the file read by `Documents.Spreadsheet` (CSV or the first sheet of an XLSX), cells trimmed,
/// the header row checked against the expected columns, blank rows skipped, and every problem of
/// every row collected as “第N行X列：…” — the caller writes nothing unless none was found.
public enum SheetImport {
    /// Every problem of a file, in the order of its rows.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let problems: [String]
        public init(problems: [String]) { self.problems = problems }
        public var description: String { problems.joined(separator: "\n") }
    }

    /// One data row of the sheet: `line` is its row number as the spreadsheet shows it.
    public struct Row: Sendable {
        public let line: Int
        public let cells: [String]
        /// The cell of zero-based column `i` ("" when the row is shorter).
        public func cell(_ i: Int) -> String { cells.indices.contains(i) ? cells[i] : "" }
    }

    /// Problems collected row by row.
    public struct Problems: Sendable {
        public private(set) var list: [String] = []
        public init() {}
        public var isEmpty: Bool { list.isEmpty }
        /// “第N行X列：message”.
        public mutating func add(_ row: Row, _ column: Int, _ message: String) {
            list.append(SheetImport.at(line: row.line, column: column, message))
        }
        public mutating func add(_ message: String) { list.append(message) }
    }

    /// “第N行X列：message”.
    public static func at(line: Int, column: Int, _ message: String) -> String {
        "第\(line)行\(Spreadsheet.column(column))列：\(message)"
    }

    /// The data rows of a file whose header row names `columns` in order (cells trimmed, blank
    /// rows left out), or every problem of the file as a whole (unreadable, empty, wrong header).
    public static func rows(_ bytes: [UInt8], columns: [String]) -> Result<[Row], Failure> {
        let read: [[String]]
        do { read = try Spreadsheet.read(bytes) } catch { return .failure(Failure(problems: [error.message])) }
        let trimmed = read.map { $0.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        guard let header = trimmed.first else { return .failure(Failure(problems: ["表格是空的"])) }
        var problems: [String] = []
        for (i, name) in columns.enumerated() where (header.indices.contains(i) ? header[i] : "") != name {
            problems.append(at(line: 1, column: i, "表头应为“\(name)”"))
        }
        guard problems.isEmpty else { return .failure(Failure(problems: problems)) }
        let rows = trimmed.enumerated().dropFirst().filter { $0.element.contains { !$0.isEmpty } }
            .map { Row(line: $0.offset + 1, cells: $0.element) }
        return .success(rows)
    }

    /// The checked items, or every problem: also when the file held none or more than `max`.
    public static func result<T>(
        _ items: [T], _ problems: Problems, noun: String, measure: String, max: Int
    ) -> Result<[T], Failure> {
        var problems = problems
        if problems.isEmpty, items.isEmpty { problems.add("表格中没有\(noun)") }
        if items.count > max { problems.add("一次最多导入\(max)\(measure)\(noun)") }
        return problems.isEmpty ? .success(items) : .failure(Failure(problems: problems.list))
    }

    /// A table as a file of the kind its name says: XLSX (`xlsx`) or CSV (anything else).
    public static func file(_ rows: [[String]], format: Format, sheetName: String) throws -> [UInt8] {
        switch format {
        case .csv: Array(Spreadsheet.csv(rows).utf8)
        case .xlsx: try Spreadsheet.xlsx(rows, sheetName: sheetName)
        }
    }

    /// The two formats an export writes.
    public enum Format: String, Sendable, CaseIterable {
        case csv, xlsx
        public var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
        /// The format of a file named so (`.xlsx` or else CSV).
        public static func of(fileName: String) -> Format { fileName.lowercased().hasSuffix(".xlsx") ? .xlsx : .csv }
    }
}
