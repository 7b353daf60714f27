import Domain
import Foundation
import Testing

/// `pingshen units import|export` on databases from `pingshen init`: units from an XLSX made
/// with openpyxl registered and approved with each HR administrator's one-time code printed; a
/// CSV with bad rows reported row by row with nothing written; only the administrator imports;
/// the export (XLSX, read back by openpyxl) imported into a fresh database gives the same units.
/// And `pingshen experts export --out FILE.xlsx`, read back by openpyxl.
@Suite(.serialized) struct UnitsCommandTests {
    static let header = ["统一社会信用代码", "单位名称", "单位类型", "所属县（市、区）", "联系人", "联系电话", "人事账户用户名"]

    static func rows(_ count: Int) -> [[String]] {
        (1...count).map { i in
            [
                CreditCode.completing("52410800MJ\(String(format: "%07d", 300 + i))")!, "焦作市第\(i)协会", "社会组织",
                ["孟州市", "410882", ""][i % 3], "经办人\(i)", "1390391\(String(format: "%04d", i))", "assoc\(i)-hr",
            ]
        }
    }

    /// The rows of an XLSX as openpyxl reads them.
    static func openpyxl(_ file: String) throws -> [[String]] {
        let p = Process()
        let out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", CLI.root.path + "/Tests/Tools/read_xlsx.py", file]
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openpyxl (python3 -m pip install openpyxl)")
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return json?["rows"] as? [[String]] ?? []
    }

    @Test func unitsFromAnXLSXAndBackIntoAFreshDatabase() throws {
        let (dir, db) = try ExpertsCommandTests.setUp()
        let file = try ExpertsCommandTests.xlsx([Self.header] + Self.rows(5), dir: dir, name: "units")
        // Another role may not import.
        let head = try InitAndAdminCommandTests.run(
            [
                "admin", "add", "--db", db, "--as", "root", "--username", "head", "--role", "office-head",
                "--name", "王主任", "--reason", "组建职改办",
            ], input: "Zhuren2026pw\n")
        #expect(head.status == 0, "\(head.stderr)")
        let notAdministrator = try CLI.run(["units", "import", "--db", db, "--as", "head", "--file", file])
        #expect(notAdministrator.status != 0 && notAdministrator.stderr.contains("不是可用的系统管理员账户"), "\(notAdministrator.stderr)")
        let imported = try CLI.run(["units", "import", "--db", db, "--as", "root", "--file", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = imported.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        for (line, row) in zip(lines, Self.rows(5)) {
            #expect(line.firstMatch(of: #/^\w{18}\t[^\t]+\tU-\w{18}\t[\w.-]+\t[A-Z2-9]{12}$/#) != nil, "\(line)")
            #expect(line.hasPrefix("\(row[0])\t\(row[1])\tU-\(row[0])\t\(row[6])\t"))
        }
        #expect(imported.stderr.contains("已导入单位5个"))
        let events = try CLI.sqlite(db, "SELECT count(*) FROM events WHERE stream_kind = 'unit-registration'")
        #expect(events.trimmingCharacters(in: .whitespacesAndNewlines) == "15")
        let counties = try CLI.sqlite(db, "SELECT credit_code || ':' || ifnull(county, '') FROM units ORDER BY credit_code")
        #expect(counties.split(separator: "\n").map(String.init) == Self.rows(5).map { r in
            "\(r[0]):" + (["孟州市": "410883", "410882": "410882", "": ""][r[3]] ?? "?")
        })

        // The export as XLSX, as openpyxl reads it, and into a fresh database.
        let exported = dir + "/units-export.xlsx"
        let export = try CLI.run(["units", "export", "--db", db, "--out", exported])
        #expect(export.status == 0, "\(export.stderr)")
        let read = try Self.openpyxl(exported)
        #expect(read.first == Self.header && read.count == 6)
        #expect(read.contains { $0[0] == Self.rows(5)[2][0] && $0[3] == "孟州市（410883）" })
        #expect(read.contains { $0[0] == Self.rows(5)[1][0] && $0[3] == "市直单位" })
        #expect(read.contains { $0 == [Self.rows(5)[0][0], "焦作市第1协会", "社会组织", "沁阳市（410882）", "经办人1", "13903910001", "assoc1-hr"] })
        let (_, fresh) = try ExpertsCommandTests.setUp()
        let again = try CLI.run(["units", "import", "--db", fresh, "--as", "root", "--file", exported])
        #expect(again.status == 0, "\(again.stderr)")
        let before = try CLI.run(["units", "export", "--db", db, "--format", "csv"])
        let after = try CLI.run(["units", "export", "--db", fresh, "--format", "csv"])
        #expect(before.status == 0 && before.stdout == after.stdout && before.stdout.split(separator: "\r\n").count == 6)
        let query = "SELECT id, name, credit_code, kind, self_review, ifnull(county, '') FROM units ORDER BY id"
        #expect(try CLI.sqlite(db, query) == CLI.sqlite(fresh, query))
    }

    @Test func aFileWithBadRowsImportsNothing() throws {
        let (dir, db) = try ExpertsCommandTests.setUp()
        var rows = [Self.header] + Self.rows(4)
        rows[2][0] = rows[1][0]
        rows[3][3] = "焦作县"
        rows[4][5] = "电话"
        let csv = dir + "/units.csv"
        try Data(rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: csv))
        let refused = try CLI.run(["units", "import", "--db", db, "--as", "root", "--file", csv])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("未导入任何单位"), "\(refused.stderr)")
        #expect(refused.stderr.contains("第3行A列：统一社会信用代码\(rows[1][0])与第2行重复"))
        #expect(refused.stderr.contains("第4行D列：所属县（市、区）“焦作县”不在本市县（市、区）名单中"))
        #expect(refused.stderr.contains("第5行F列：请填写联系电话"))
        let count = try CLI.sqlite(db, "SELECT count(*) FROM events WHERE stream_kind = 'unit-registration'")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try CLI.sqlite(db, "SELECT count(*) FROM accounts WHERE username LIKE 'assoc%'").hasPrefix("0"))
    }

    @Test func theExpertPoolExportsAsXLSX() throws {
        let (dir, db) = try ExpertsCommandTests.setUp()
        #expect(try ExpertsCommandTests.committee(db, members: "15").status == 0)
        let file = try ExpertsCommandTests.xlsx([ExpertsCommandTests.header] + ExpertsCommandTests.rows(16), dir: dir, name: "pool")
        #expect(try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", file]).status == 0)
        let out = dir + "/pool-export.xlsx"
        let export = try CLI.run(["experts", "export", "--db", db, "--out", out])
        #expect(export.status == 0, "\(export.stderr)")
        let read = try Self.openpyxl(out)
        let csv = try ExpertsCommandTests.exported(db).map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
        // The same rows as the CSV export (the CSV's cells have no commas or quotes here).
        #expect(read.count == 17)
        #expect(read.map { $0.joined(separator: ",") } == csv)
        #expect(read[1] == ["E001", "专家1号", ExpertsCommandTests.rows(1)[0][2], "焦作市第1研究院", "正高级工程师", "机械工程、电气工程", "PW-GC", "2026-01-01", "2028-12-31", "在库"])
    }
}
