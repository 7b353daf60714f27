import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Testing
import Workflow

@testable import WebApp

/// `/admin/units/import` and `/admin/units/export.csv|xlsx`: the administrator imports the unit
/// list from an XLSX made with openpyxl — each unit registered and approved as the office would
/// one by one, its HR administrator's one-time code shown once and redeemable; a CSV with several
/// bad rows lists every problem by row and column and writes nothing; the office head may export
/// but not import; an export imported into a fresh database gives the same units.
@Suite struct UnitImportTests {
    static let header = UnitImport.columns

    /// `count` units numbered from `from`: the county alternating between 修武县 (by name), 温县
    /// (by code) and the city level.
    static func rows(_ count: Int, from: Int = 1) -> [[String]] {
        (from..<(from + count)).map { i in
            let county = ["修武县", "410825", "市直单位"][i % 3]
            return [
                CreditCode.completing("12410800MB\(String(format: "%07d", 7_000 + i))")!, "焦作市第\(i)中学", "事业单位",
                county, "联系人\(i)", "0391-\(String(format: "%07d", 2_000_000 + i))", "school\(i)-hr",
            ]
        }
    }

    static func upload(_ browser: inout TestBrowser, name: String, _ file: [UInt8]) async throws -> TestBrowser.Page {
        let boundary = "----pingshen-units-boundary"
        var bytes = Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        bytes += file + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers = browser.cookieHeader()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let token = TestBrowser.encode(browser.csrf ?? "")
        let page = try await browser.client.execute(
            uri: "/admin/units/import?_csrf=\(token)", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)
        ) { TestBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
        browser.absorb(page)
        return page
    }

    static func download(_ browser: inout TestBrowser, _ uri: String) async throws -> [UInt8] {
        try await browser.client.execute(uri: uri, method: .get, headers: browser.cookieHeader()) { response in
            #expect(response.status == .ok)
            return Array(buffer: response.body)
        }
    }

    /// The unit list exported as XLSX and as CSV by the administrator.
    static func exports(_ s: ConsoleScenario) async throws -> (xlsx: [UInt8], csv: [UInt8]) {
        let result = Box()
        try await s.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            result.set(try await Self.download(&admin, "/admin/units/export.xlsx"), try await Self.download(&admin, "/admin/units/export.csv"))
        }
        return result.get()
    }

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: ([UInt8], [UInt8]) = ([], [])
        func set(_ a: [UInt8], _ b: [UInt8]) { lock.withLock { value = (a, b) } }
        func get() -> ([UInt8], [UInt8]) { lock.withLock { value } }
    }

    /// The texts of the list items of the page's problem list.
    static func problems(_ html: String) -> [String] {
        guard let start = html.range(of: "id=\"problems\""), let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].matches(of: #/<li>([^<]*)</li>/#).map {
            String($0.output.1).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    @Test func theAdministratorImportsTheUnitListFromAnXLSX() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        let rows = Self.rows(3)
        try await s.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            let form = try await admin.get("/admin/units/import")
            #expect(form.status == .ok && form.body.contains("action=\"/admin/units/import"))
            #expect(try xmllintProblems(form.body) == "")
            #expect(try await admin.get("/admin/units").body.contains("/admin/units/export.xlsx"))
            let done = try await Self.upload(&admin, name: "units.xlsx", try PoolTests.xlsx([Self.header] + rows))
            #expect(done.status == .ok, "\(done.body)")
            #expect(try xmllintProblems(done.body) == "")
            #expect(done.body.contains("已导入单位3个"))
            let codes = done.body.matches(of: #/<td>(school\d-hr)</td><td><strong>([A-Z2-9]{12})</strong>/#)
                .map { (String($0.output.1), String($0.output.2)) }
            #expect(codes.map(\.0) == ["school1-hr", "school2-hr", "school3-hr"])

            for (row, county) in zip(rows, ["410825", nil, "410821"]) {
                let code = row[0]
                let unit = try #require(try s.store.unit(UnitRegistrationActions.unitID(for: try CreditCode(code))))
                #expect(unit.name == row[1] && unit.kind == .publicInstitution && unit.county == county)
                let account = try #require(try s.store.account(username: row[6]))
                #expect(!account.disabled && account.unitID == unit.id && account.role == .unitHR)
                let log = try s.store.history(UnitRegistrationMachine.self, id: code)
                #expect(log.map(\.event.name) == ["applied", "approved", "resetCodeIssued"])
                #expect(log.allSatisfy { $0.stored.actorRole == Role.administrator.rawValue })
                #expect(!log.contains { e in codes.contains { e.stored.payload.contains($0.1) } })
            }
            // A code sets the HR administrator's password; the account then signs in to its unit.
            var hr = TestBrowser(client)
            _ = try await hr.get("/password-reset")
            let reset = try await hr.post(
                "/password-reset", [("username", codes[0].0), ("code", codes[0].1), ("password", "School1HR2026")])
            #expect(reset.status == .seeOther)
            var signedIn = TestBrowser(client)
            #expect(try await signedIn.signIn(codes[0].0, "School1HR2026").status == .seeOther)
            #expect(try await signedIn.get("/unit").status == .ok)

            // The same file again: every unit is registered already, nothing more written.
            _ = try await admin.get("/admin/units/import")
            let again = try await Self.upload(&admin, name: "units.xlsx", try PoolTests.xlsx([Self.header] + rows))
            #expect(again.status == .unprocessableContent)
            #expect(Self.problems(again.body).count == 6)
            #expect(Self.problems(again.body).first == "第2行A列：统一社会信用代码\(rows[0][0])的单位已注册")
            #expect(try s.store.audit().isIntact)
        }
    }

    @Test func aFileWithBadRowsListsEveryProblemAndWritesNothing() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        var bad = Self.rows(6)
        let code = bad[0][0]
        bad[1][0] = code  // row 3: the credit code of row 2 again
        bad[2][0] = String(bad[2][0].dropLast()) + (bad[2][0].last == "0" ? "1" : "0")  // row 4: check character
        bad[3][1] = ""  // row 5: no name
        bad[3][2] = "外资企业"  // row 5: no such kind
        bad[4][3] = "410899"  // row 6: no such county
        bad[5][6] = "SCHOOL1-HR"  // row 7: row 2's user name in other letters
        let rows = bad
        let csv = try SheetImport.file([Self.header] + rows, format: .csv, sheetName: "单位")
        let registrationsBefore = try s.store.unitRegistrations().count
        try await s.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            _ = try await admin.get("/admin/units/import")
            let refused = try await Self.upload(&admin, name: "units.csv", csv)
            #expect(refused.status == .unprocessableContent)
            #expect(try xmllintProblems(refused.body) == "")
            #expect(refused.body.contains("未导入任何单位"))
            let listed = Self.problems(refused.body)
            #expect(listed.count == 6)
            #expect(listed.indices.contains(1) && listed[1].hasPrefix("第4行A列：统一社会信用代码校验位错误"))
            #expect(
                listed.enumerated().filter { $0.offset != 1 }.map(\.element) == [
                    "第3行A列：统一社会信用代码\(code)与第2行重复",
                    "第5行B列：请填写单位名称（1至60字）",
                    "第5行C列：单位类型应为“事业单位”、“国有企业”、“非公有制企业”、“社会组织”、“人才服务机构”之一",
                    "第6行D列：所属县（市、区）“410899”不在本市县（市、区）名单中，应填县（市、区）名称或代码，市直单位填“市直单位”",
                    "第7行G列：用户名“SCHOOL1-HR”与第2行重复",
                ], "\(listed)")
            #expect(try s.store.unitRegistrations().count == registrationsBefore)
            for row in rows { #expect(try s.store.account(username: row[6]) == nil) }
        }
    }

    @Test func onlyTheAdministratorImports() async throws {
        let s = try await ConsoleScenario.withAdministrator()
        let csv = try SheetImport.file([Self.header] + Self.rows(1), format: .csv, sheetName: "单位")
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/admin/units/import").status == .forbidden)
            #expect(try await clerk.get("/admin/units/export.csv").status == .forbidden)
            var head = TestBrowser(client)
            try await head.signIn("head")
            let page = try await head.get("/admin/units/import")
            #expect(page.status == .ok && !page.body.contains("action=\"/admin/units/import") && page.body.contains("仅限系统管理员"))
            #expect(try await head.get("/admin/units/export.csv").status == .ok)
            let refused = try await Self.upload(&head, name: "units.csv", csv)
            #expect(refused.status == .forbidden)
            #expect(try s.store.account(username: "school1-hr") == nil)
        }
        // Below the web: the import itself refuses any other role.
        guard case .success(let entries) = try UnitImport.parse(csv, store: s.store, policy: s.rules.policy) else {
            Issue.record("the file did not parse")
            return
        }
        let head = try #require(try s.store.account(username: "head"))
        #expect(throws: StoreError.self) {
            try UnitImport.importUnits(
                store: s.store, context: Context(actor: head.actor, now: s.now.now, rules: s.rules), entries: entries,
                source: "测试", lockedHash: "x")
        }
        #expect(try s.store.account(username: "school1-hr") == nil)
    }

    @Test func anExportImportedIntoAFreshDatabaseGivesTheSameUnits() async throws {
        let first = try await ConsoleScenario.withAdministrator()
        let second = try await ConsoleScenario.withAdministrator()
        let rows = Self.rows(4)
        try await first.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            _ = try await admin.get("/admin/units/import")
            #expect(try await Self.upload(&admin, name: "units.csv", try SheetImport.file([Self.header] + rows, format: .csv, sheetName: "单位")).status == .ok)
        }
        let (exported, csvBefore) = try await Self.exports(first)
        #expect(exported.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        // What a reader of the export sees: the import's header and the four units.
        guard case .success(let read) = SheetImport.rows(exported, columns: Self.header) else {
            Issue.record("the export's header is not the import's")
            return
        }
        #expect(read.count == 4)
        #expect(read.contains { $0.cell(0) == rows[0][0] && $0.cell(3) == "温县（410825）" })
        #expect(read.contains { $0.cell(0) == rows[1][0] && $0.cell(3) == "市直单位" && $0.cell(6) == "school2-hr" })
        #expect(read.contains { $0.cell(0) == rows[2][0] && $0.cell(3) == "修武县（410821）" })
        try await second.withApp { client in
            var admin = TestBrowser(client)
            try await admin.signIn("root")
            _ = try await admin.get("/admin/units/import")
            let done = try await Self.upload(&admin, name: "units.xlsx", exported)
            #expect(done.status == .ok, "\(done.body)")
            let csvAfter = try await Self.download(&admin, "/admin/units/export.csv")
            #expect(csvAfter == csvBefore)
        }
        for row in rows {
            let id = UnitRegistrationActions.unitID(for: try CreditCode(row[0]))
            #expect(try first.store.unit(id) == second.store.unit(id))
        }
    }
}
