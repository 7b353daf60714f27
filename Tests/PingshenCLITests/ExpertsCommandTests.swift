import Domain
import Foundation
import Testing

/// `pingshen committee add|list` and `pingshen experts import|export` on a database from
/// `pingshen init`: a committee's size checked against the policy; 30 experts imported from an
/// XLSX made with openpyxl and from CSV; a file with a wrong credit code in row 5 column C
/// reported as “第5行C列：…” with nothing imported.
@Suite(.serialized) struct ExpertsCommandTests {
    static let header = [
        "专家编号", "姓名", "所在单位统一社会信用代码", "所在单位名称", "职称", "专业", "评委会编号", "聘期起", "聘期止", "状态",
    ]

    /// `count` experts of committee PW-GC, numbered from `from`.
    static func rows(_ count: Int, from: Int = 1) -> [[String]] {
        (from..<(from + count)).map { i in
            [
                "E\(String(format: "%03d", i))", "专家\(i)号", CreditCode.completing("12410800MB\(String(format: "%07d", i))")!,
                "焦作市第\(i)研究院", "正高级工程师", "机械工程、电气工程", "PW-GC", "2026-01-01", "2028-12-31", i % 7 == 0 ? "暂停" : "在库",
            ]
        }
    }

    static func setUp() throws -> (dir: String, db: String) {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/office.sqlite"
        let initialised = try InitAndAdminCommandTests.run(
            ["init", "--db", db, "--office", "焦作市职称改革领导小组办公室", "--fonds", "J012", "--admin", "root"],
            input: "Jiaozuo2026pw\n")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        return (dir, db)
    }

    static func committee(_ db: String, members: String) throws -> CLI.Result {
        try CLI.run([
            "committee", "add", "--db", db, "--as", "root", "--id", "PW-GC", "--name", "焦作市工程系列中级评审委员会",
            "--series", "engineering", "--level", "intermediate", "--members", members, "--term-start", "2026-01-01",
            "--term-end", "2028-12-31", "--decision", "焦职改〔2026〕3号",
        ])
    }

    static func xlsx(_ rows: [[String]], dir: String, name: String) throws -> String {
        let json = dir + "/\(name).json"
        let out = dir + "/\(name).xlsx"
        try JSONSerialization.data(withJSONObject: rows).write(to: URL(fileURLWithPath: json))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", CLI.root.path + "/Tests/PingshenCLITests/Tools/make_xlsx.py", json, out]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openpyxl (python3 -m pip install openpyxl)")
        return out
    }

    static func exported(_ db: String) throws -> [String] {
        let result = try CLI.run(["experts", "export", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\r\n").map(String.init)
    }

    @Test func committeesAreSetUpBySizeAndDecision() throws {
        let (_, db) = try Self.setUp()
        let even = try Self.committee(db, members: "16")
        #expect(even.status != 0 && even.stderr.contains("不少于15的单数"), "\(even.stderr)")
        let small = try Self.committee(db, members: "13")
        #expect(small.status != 0 && small.stderr.contains("实为13"))
        let done = try Self.committee(db, members: "15")
        #expect(done.status == 0, "\(done.stderr)")
        let twice = try Self.committee(db, members: "15")
        #expect(twice.status != 0 && twice.stderr.contains("已被使用"))
        let list = try CLI.run(["committee", "list", "--db", db])
        #expect(list.stdout.contains("PW-GC\t焦作市工程系列中级评审委员会\tengineering\t中级\tcity\t按系列\t15"))
        #expect(list.stdout.contains("焦职改〔2026〕3号"))
    }

    @Test func thirtyExpertsFromAnXLSXAndNothingFromABadFile() throws {
        let (dir, db) = try Self.setUp()
        #expect(try Self.committee(db, members: "15").status == 0)
        // Row 5 (the 4th expert) column C: a credit code with a wrong check character.
        var bad = [Self.header] + Self.rows(30)
        let code = bad[4][2]
        bad[4][2] = String(code.dropLast()) + (code.last == "0" ? "1" : "0")
        bad[7][6] = "PW-XX"
        let badFile = try Self.xlsx(bad, dir: dir, name: "bad")
        let refused = try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", badFile])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("第5行C列：统一社会信用代码校验位错误"), "\(refused.stderr)")
        #expect(refused.stderr.contains("第8行G列：没有编号为“PW-XX”的评委会"))
        #expect(refused.stderr.contains("未导入任何专家"))
        #expect(try Self.exported(db).count == 1, "nothing written")

        var good = [Self.header] + Self.rows(30)
        good[3][7] = "date:2026-03-01"  // a real date cell (a serial number in the sheet)
        let goodFile = try Self.xlsx(good, dir: dir, name: "good")
        let imported = try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", goodFile])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("已导入专家30人"))
        let lines = try Self.exported(db)
        #expect(lines.count == 31)
        #expect(lines.contains { $0.hasPrefix("E003,专家3号,") && $0.contains(",2026-03-01,2028-12-31,在库") })
        #expect(lines.contains { $0.hasPrefix("E007,") && $0.hasSuffix(",暂停") })
        #expect(lines.contains { $0.contains("机械工程、电气工程") })

        // The same experts again: every row names its duplicate, nothing written; CSV with a BOM.
        let csv = dir + "/more.csv"
        let rows = [Self.header] + Self.rows(2, from: 30)
        try Data(("\u{FEFF}" + rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n")).utf8)
            .write(to: URL(fileURLWithPath: csv))
        let duplicate = try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", csv])
        #expect(duplicate.status != 0 && duplicate.stderr.contains("第2行A列：专家编号“E030”已在专家库中"), "\(duplicate.stderr)")
        #expect(try Self.exported(db).count == 31)
        let fresh = [Self.header] + Self.rows(2, from: 31)
        try Data(fresh.map { $0.joined(separator: ",") }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: csv))
        #expect(try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", csv]).status == 0)
        #expect(try Self.exported(db).count == 33)
        // The log holds the import with the file's SHA-256, and verifies.
        let history = try CLI.sqlite(db, "SELECT count(*) FROM events WHERE stream_kind = 'committee-registry'")
        #expect(history.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }

    /// `pingshen experts accounts`: an account with a one-time code for an expert of the pool
    /// (user name = the expert's id), a new code the second time, none for a suspended expert.
    @Test func expertsGetAccountsWithOneTimeCodes() throws {
        let (dir, db) = try Self.setUp()
        #expect(try Self.committee(db, members: "15").status == 0)
        let csv = dir + "/pool.csv"
        try Data(([Self.header] + Self.rows(8)).map { $0.joined(separator: ",") }.joined(separator: "\n").utf8)
            .write(to: URL(fileURLWithPath: csv))
        #expect(try CLI.run(["experts", "import", "--db", db, "--as", "root", "--file", csv]).status == 0)
        func issue(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(["experts", "accounts", "--db", db, "--as", "root", "--reason", "提前发放专家账户"] + arguments)
        }
        let first = try issue(["--expert", "E001"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.firstMatch(of: #/E001\t专家1号\tE001\t[A-Z2-9]{12}\t新账户/#) != nil, "\(first.stdout)")
        let again = try issue(["--expert", "E001"])
        #expect(again.stdout.contains("\t重发设置码"), "\(again.stdout)")
        let suspended = try issue(["--expert", "E007"])
        #expect(suspended.status != 0 && suspended.stderr.contains("状态为“暂停”"), "\(suspended.stderr)")
        let neither = try issue([])
        #expect(neither.status != 0 && neither.stderr.contains("--expert 或 --session"))
        let accounts = try CLI.sqlite(db, "SELECT username || ',' || expert_id || ',' || role FROM accounts WHERE role = 'expert'")
        #expect(accounts.trimmingCharacters(in: .whitespacesAndNewlines) == "E001,E001,expert")
        let events = try CLI.sqlite(
            db, "SELECT type FROM events WHERE stream_kind = 'committee-registry' ORDER BY version")
        #expect(events.contains("expertAccountIssued\nexpertResetCodeIssued"), "\(events)")
    }
}
