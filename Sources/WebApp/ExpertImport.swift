import Documents
import Domain
import Foundation
import Store
import Workflow

/// The expert pool from a spreadsheet (CSV or XLSX, the first sheet): a header row, then one
/// expert a row in the columns of `ExpertImport.columns`. Every row is checked and every problem
/// reported as “第N行X列：…”; nothing is imported when any row fails (one transaction, one event).
public enum ExpertImport {
    /// The columns, in order (the header row must name them so).
    public static let columns = [
        "专家编号", "姓名", "所在单位统一社会信用代码", "所在单位名称", "职称", "专业", "评委会编号", "聘期起", "聘期止", "状态",
    ]
    public static let maxExperts = 5_000

    public typealias Failure = SheetImport.Failure

    /// Checks every row. - Returns: the experts, or every problem at once.
    public static func parse(
        _ bytes: [UInt8], store: EventStore
    ) throws -> Result<[ExpertEntry], Failure> {
        let rows: [SheetImport.Row]
        switch SheetImport.rows(bytes, columns: columns) {
        case .failure(let failure): return .failure(failure)
        case .success(let r): rows = r
        }
        var problems = SheetImport.Problems()
        let committees = Set(try store.committees().map(\.id))
        let existing = Set(try store.expertPool().map(\.id))
        let units = try store.units(limit: 1_000_000)
        let unitByCode = Dictionary(units.map { ($0.creditCode.value, $0.id) }, uniquingKeysWith: { a, _ in a })
        var entries: [ExpertEntry] = []
        var seen: [String: Int] = [:]
        for row in rows {
            let line = row.line
            func cell(_ i: Int) -> String { row.cell(i) }
            func problem(_ i: Int, _ message: String) { problems.add(row, i, message) }
            let id = cell(0)
            if id.isEmpty || id.count > 32 || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) {
                problem(0, "专家编号应为1至32位字母、数字、- 或 _")
            } else if existing.contains(id) {
                problem(0, "专家编号“\(id)”已在专家库中")
            } else if let first = seen[id] {
                problem(0, "专家编号“\(id)”与第\(first)行重复")
            } else {
                seen[id] = line
            }
            let name = cell(1)
            if !(1...30).contains(name.count) { problem(1, "请填写姓名（1至30字）") }
            var code: CreditCode?
            do { code = try CreditCode(cell(2)) } catch { problem(2, error.chinese) }
            let unitName = cell(3)
            if !(1...100).contains(unitName.count) { problem(3, "请填写所在单位名称") }
            let title = cell(4)
            if !(1...40).contains(title.count) { problem(4, "请填写职称") }
            let specialties = cell(5).split(whereSeparator: { "、;；,，".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if specialties.isEmpty { problem(5, "请填写专业（多个专业用顿号隔开）") }
            let committee = cell(6)
            if !committees.contains(committee) { problem(6, committee.isEmpty ? "请填写评委会编号" : "没有编号为“\(committee)”的评委会") }
            let start = day(cell(7))
            let end = day(cell(8))
            if start == nil { problem(7, "聘期起应为日期，如 2026-01-01") }
            if end == nil { problem(8, "聘期止应为日期，如 2028-12-31") }
            if let start, let end, end <= start { problem(8, "聘期止应晚于聘期起") }
            let statusText = cell(9)
            let status = ExpertEntry.Status.allCases.first { $0.chinese == statusText } ?? (statusText.isEmpty ? .active : nil)
            if status == nil { problem(9, "状态应为“在库”或“暂停”") }
            guard let code, let start, let end, let status, problems.isEmpty else { continue }
            entries.append(
                ExpertEntry(
                    id: id, name: name, unitCreditCode: code, unitName: unitName,
                    unitID: unitByCode[code.value] ?? "U-" + code.value, title: title, specialties: specialties,
                    committeeID: committee, termStart: start, termEnd: end, status: status))
        }
        return SheetImport.result(entries, problems, noun: "专家", measure: "名", max: maxExperts)
    }

    /// A date as typed (2026-01-01, 2026/1/1) or as a spreadsheet serial number (days since 1899-12-30).
    static func day(_ text: String) -> Day? {
        if let serial = Int(text), (20_000...80_000).contains(serial) {
            return Day(year: 1899, month: 12, day: 30).map { $0.adding(days: serial) }
        }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return Day(year: parts[0], month: parts[1], day: parts[2])
    }

    /// Imports every expert of a file that passes, as one event and one transaction.
    public static func importExperts(
        store: EventStore, context: Context, entries: [ExpertEntry], source: String
    ) throws {
        try store.write { tx in
            try tx.execute(
                CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID,
                .addExperts(entries, source: source), context: context)
            try tx.insertExperts(entries)
        }
    }

    /// Sets up a committee (the event and the registry row in one transaction).
    public static func setUpCommittee(store: EventStore, context: Context, committee: CommitteeSetUp) throws {
        try store.write { tx in
            try tx.execute(
                CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID, .setUp(committee),
                context: context)
            try tx.insertCommittee(committee)
        }
    }

    /// The pool as rows in the columns an import reads (the header first).
    public static func rows(_ experts: [ExpertEntry]) -> [[String]] {
        [columns]
            + experts.map { e in
                [
                    e.id, e.name, e.unitCreditCode?.value ?? "", e.unitName, e.title, e.specialties.joined(separator: "、"),
                    e.committeeID, e.termStart.description, e.termEnd.description, e.status.chinese,
                ]
            }
    }

    /// The pool as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read it).
    public static func csv(_ experts: [ExpertEntry]) -> String { Spreadsheet.csv(rows(experts)) }

    /// The pool as a CSV or XLSX file.
    public static func export(_ experts: [ExpertEntry], format: SheetImport.Format) throws -> [UInt8] {
        try SheetImport.file(rows(experts), format: format, sheetName: "专家库")
    }
}
