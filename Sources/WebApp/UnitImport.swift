import Documents
import Domain
import Foundation
import Store
import Workflow

/// The office's unit list from a spreadsheet (CSV or XLSX, the first sheet) and back: a header
/// row, then one unit a row in the columns of `UnitImport.columns`. Every row is checked (the
/// credit code by GB 32100, the county against the policy's list, duplicates within the file and
/// against units already registered or waiting, user names already taken) and every problem is
/// reported as “第N行X列：…” (`SheetImport`); nothing is imported when any row fails. An import
/// registers and approves each unit as the office would one by one — the registration stream's
/// `applied`, `approved` and `resetCodeIssued` events — and creates its HR administrator account
/// with no known password and a one-time code to hand over, all units in one transaction. Only
/// the administrator imports (the office head approves registrations but does not create accounts
/// in bulk).
public enum UnitImport {
    /// The columns, in order (the header row must name them so).
    public static let columns = ["统一社会信用代码", "单位名称", "单位类型", "所属县（市、区）", "联系人", "联系电话", "人事账户用户名"]
    public static let maxUnits = 5_000
    /// What the county column says for a unit at city level 市直 (an empty cell says the same).
    public static let cityLevel = "市直单位"
    /// Who imports.
    public static let roles: [Role] = [.administrator]

    /// One unit of the file.
    public struct Entry: Sendable, Equatable {
        public var application: UnitApplication
    }

    /// What one imported unit's HR administrator got.
    public struct Issued: Sendable, Equatable {
        public var creditCode: String
        public var name: String
        public var unitID: String
        public var username: String
        /// The one-time code, to be handed over once (never stored, never logged).
        public var code: String
    }

    /// Checks every row. - Returns: the units, or every problem at once.
    public static func parse(
        _ bytes: [UInt8], store: EventStore, policy: Policy
    ) throws -> Result<[Entry], SheetImport.Failure> {
        let rows: [SheetImport.Row]
        switch SheetImport.rows(bytes, columns: columns) {
        case .failure(let failure): return .failure(failure)
        case .success(let r): rows = r
        }
        var problems = SheetImport.Problems()
        let registered = Dictionary(
            try store.unitRegistrations().map { ($0.creditCode, $0.state.stage) }, uniquingKeysWith: { a, _ in a })
        var codes: [String: Int] = [:]
        var usernames: [String: Int] = [:]
        var entries: [Entry] = []
        for row in rows {
            func problem(_ i: Int, _ message: String) { problems.add(row, i, message) }
            var code: CreditCode?
            do { code = try CreditCode(row.cell(0).uppercased()) } catch { problem(0, error.chinese) }
            if let c = code?.value {
                if let stage = registered[c], stage == .approved || stage == .pending {
                    problem(0, stage == .approved ? "统一社会信用代码\(c)的单位已注册" : "统一社会信用代码\(c)的单位已提交注册申请，正在等待审核")
                } else if let first = codes[c] {
                    problem(0, "统一社会信用代码\(c)与第\(first)行重复")
                } else {
                    codes[c] = row.line
                }
            }
            let name = row.cell(1)
            if let p = UnitFieldRules.textProblem(name, label: "单位名称") { problem(1, p) }
            let kind = UnitKind.allCases.first { $0.chinese == row.cell(2) || $0.rawValue == row.cell(2) }
            if kind == nil {
                problem(2, "单位类型应为" + UnitKind.allCases.map { "“\($0.chinese)”" }.joined(separator: "、") + "之一")
            }
            let county = county(row.cell(3), policy: policy)
            if county == nil {
                problem(3, "所属县（市、区）“\(row.cell(3))”不在本市县（市、区）名单中，应填县（市、区）名称或代码，市直单位填“\(cityLevel)”")
            }
            let contact = row.cell(4)
            if let p = UnitFieldRules.textProblem(contact, label: "联系人") { problem(4, p) }
            let phone = row.cell(5)
            if let p = UnitFieldRules.phoneProblem(phone) { problem(5, p) }
            let username = row.cell(6)
            if let p = UnitFieldRules.usernameProblem(username) {
                problem(6, p)
            } else if let first = usernames[username.lowercased()] {
                problem(6, "用户名“\(username)”与第\(first)行重复")
            } else if try store.usernameTaken(username) {
                problem(6, "用户名“\(username)”已被使用")
            } else {
                usernames[username.lowercased()] = row.line
            }
            guard let code, let kind, let county, problems.isEmpty else { continue }
            entries.append(
                Entry(
                    application: UnitApplication(
                        name: name, creditCode: code, kind: kind, contactName: contact, contactPhone: phone,
                        username: username, county: county.isEmpty ? nil : county)))
        }
        return SheetImport.result(entries, problems, noun: "单位", measure: "个", max: maxUnits)
    }

    /// The county code a cell names ("" at city level), nil when the policy lists no such county:
    /// the code (410821), the name (修武县) or both as exported (修武县（410821）).
    static func county(_ text: String, policy: Policy) -> String? {
        if text.isEmpty || text == cityLevel || text == "市直" { return "" }
        let counties = policy.devolution.counties
        return counties.first { $0.code == text || $0.name == text || "\($0.name)（\($0.code)）" == text }?.code
    }

    /// Imports every unit of a file that passed `parse`, in one transaction: each registered,
    /// approved and its HR administrator account given a one-time code.
    /// - Parameter lockedHash: a bcrypt hash of a random secret nobody knows (each account's
    ///   password until its code sets one).
    public static func importUnits(
        store: EventStore, context: Context, entries: [Entry], source: String, lockedHash: String
    ) throws -> [Issued] {
        guard roles.contains(context.actor.role) else {
            throw StoreError.refused(
                Refusal(rule: "unit-registration.import-role", message: "批量导入单位仅限系统管理员"))
        }
        let reason = "批量导入：\(source)"
        let codes = entries.map { _ in AdminActions.newCode() }
        let ids = try store.write { tx -> [String] in
            var ids: [String] = []
            for (entry, code) in zip(entries, codes) {
                let a = entry.application
                let stream = a.creditCode.value
                try UnitRegistrationActions.apply(tx, context: context, application: a, passwordHash: lockedHash)
                let id = try UnitRegistrationActions.approve(tx, context: context, creditCode: stream, reason: reason)
                _ = try UnitRegistrationActions.issueResetCode(
                    tx, context: context, creditCode: stream, reason: reason, code: code)
                ids.append(id)
            }
            return ids
        }
        return entries.indices.map { i in
            let a = entries[i].application
            return Issued(creditCode: a.creditCode.value, name: a.name, unitID: ids[i], username: a.username, code: codes[i])
        }
    }

    /// The registered units (approved registrations, by credit code) as rows in the columns an
    /// import reads, the header first; the county as the registry has it.
    public static func rows(store: EventStore, policy: Policy) throws -> [[String]] {
        let units = Dictionary(
            try store.units(limit: 1_000_000).map { ($0.creditCode.value, $0) }, uniquingKeysWith: { a, _ in a })
        return [columns]
            + (try store.unitRegistrations(.approved)).compactMap { code, state -> [String]? in
                guard let a = state.application else { return nil }
                let county = units[code]?.county ?? a.county
                let countyText = county.map { c in policy.devolution.county(c).map { "\($0.name)（\($0.code)）" } ?? c }
                return [
                    a.creditCode.value, a.name, a.kind.chinese, countyText ?? cityLevel, a.contactName, a.contactPhone,
                    a.username,
                ]
            }
    }

    /// The registered units as a CSV or XLSX file.
    public static func export(store: EventStore, policy: Policy, format: SheetImport.Format) throws -> [UInt8] {
        try SheetImport.file(rows(store: store, policy: policy), format: format, sheetName: "单位名单")
    }
}

/// The rules a unit's fields follow, on the registration form and in an imported file alike.
enum UnitFieldRules {
    /// A name or contact: 1 to 60 characters.
    static func textProblem(_ text: String, label: String) -> String? {
        (1...60).contains(text.count) ? nil : "请填写\(label)（1至60字）"
    }

    static func phoneProblem(_ phone: String) -> String? {
        (7...20).contains(phone.count) && phone.allSatisfy({ $0.isASCII && ($0.isNumber || "-+ ".contains($0)) })
            ? nil : "请填写联系电话（7至20位数字，可含 - +）"
    }

    static func usernameProblem(_ username: String) -> String? {
        (3...32).contains(username.count)
            && username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            ? nil : "用户名须为3至32位字母、数字、下划线、点或短横线"
    }
}
