import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Testing
import Workflow

@testable import WebApp

/// `/admin/committees` and `/admin/experts`: the office head sets up a committee (its size checked
/// against the policy), a clerk imports the pool from an XLSX made with openpyxl; a file with a
/// wrong credit code in row 5 column C shows “第5行C列：…” and imports nothing; one expert added by
/// hand; the pool exported as CSV; each change an event in the log.
@Suite struct PoolTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func rows(_ count: Int) -> [[String]] {
        [ExpertImport.columns]
            + (1...count).map { i in
                [
                    "E\(String(format: "%03d", i))", "专家\(i)号", CreditCode.completing("12410800MB\(String(format: "%07d", i))")!,
                    "焦作市第\(i)研究院", "正高级工程师", "机械工程、电气工程", "PW-GC", "2026-01-01", "2028-12-31", "在库",
                ]
            }
    }

    static func xlsx(_ rows: [[String]]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let json = dir.appendingPathComponent("rows.json")
        let out = dir.appendingPathComponent("experts.xlsx")
        try JSONSerialization.data(withJSONObject: rows).write(to: json)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.path + "/Tests/PingshenCLITests/Tools/make_xlsx.py", json.path, out.path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openpyxl (python3 -m pip install openpyxl)")
        return [UInt8](try Data(contentsOf: out))
    }

    static func upload(_ browser: inout TestBrowser, name: String, _ file: [UInt8]) async throws -> TestBrowser.Page {
        let boundary = "----pingshen-pool-boundary"
        var bytes = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        bytes += file + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers = browser.cookieHeader()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let token = TestBrowser.encode(browser.csrf ?? "")
        let page = try await browser.client.execute(
            uri: "/admin/experts/import?_csrf=\(token)", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)
        ) { TestBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
        browser.absorb(page)
        return page
    }

    @Test func theOfficeSetsUpACommitteeAndImportsItsExperts() async throws {
        let s = try await ConsoleScenario.make()
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get("/admin/committees").status == .forbidden)
            var head = TestBrowser(client)
            try await head.signIn("head")
            let page = try await head.get("/admin/committees")
            #expect(page.status == .ok)
            #expect(try xmllintProblems(page.body) == "")
            var fields: [(String, String)] = [
                ("id", "PW-GC"), ("name", "焦作市工程系列中级评审委员会"), ("series", "engineering"), ("level", "intermediate"),
                ("jurisdiction", "city"), ("scope", "按系列"), ("members", "14"), ("term_start", "2026-01-01"),
                ("term_end", "2028-12-31"), ("decision", "焦职改〔2026〕3号"),
            ]
            let even = try await head.post("/admin/committees", fields)
            #expect(even.status == .conflict && even.body.contains("不少于15的单数"))
            fields[6] = ("members", "15")
            _ = try await head.get("/admin/committees")
            #expect(try await head.post("/admin/committees", fields).status == .seeOther)
            #expect(try await head.get("/admin/committees").body.contains("焦职改〔2026〕3号"))

            // A wrong credit code in row 5 column C: every problem shown, nothing imported.
            var bad = Self.rows(30)
            let code = bad[4][2]
            bad[4][2] = String(code.dropLast()) + (code.last == "0" ? "1" : "0")
            _ = try await clerk.get("/admin/experts")
            let refused = try await Self.upload(&clerk, name: "bad.xlsx", try Self.xlsx(bad))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("第5行C列：统一社会信用代码校验位错误"), "\(refused.body)")
            #expect(try s.store.expertPool().isEmpty)
            #expect(try xmllintProblems(refused.body) == "")

            let done = try await Self.upload(&clerk, name: "experts.xlsx", try Self.xlsx(Self.rows(30)))
            #expect(done.status == .seeOther, "\(done.body)")
            #expect(try s.store.expertPool().count == 30)
            let list = try await clerk.get("/admin/experts")
            #expect(list.body.contains("专家库") && list.body.contains("共30人"))

            // One by hand: problems named by column.
            let wrong = try await clerk.post(
                "/admin/experts",
                [("id", "E100"), ("name", "王专家"), ("credit_code", "123"), ("unit_name", "焦作大学"), ("title", "教授"),
                 ("specialties", "机械工程"), ("committee", "PW-GC"), ("term_start", "2026-01-01"),
                 ("term_end", "2028-12-31"), ("status", "在库")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("所在单位统一社会信用代码：统一社会信用代码应为18位"))
            _ = try await clerk.get("/admin/experts")
            let one = try await clerk.post(
                "/admin/experts",
                [("id", "E100"), ("name", "王专家"), ("credit_code", CreditCode.completing("12410800MB0000100")!),
                 ("unit_name", "焦作大学"), ("title", "教授"), ("specialties", "机械工程"), ("committee", "PW-GC"),
                 ("term_start", "2026-01-01"), ("term_end", "2028-12-31"), ("status", "暂停")])
            #expect(one.status == .seeOther)
            let csv = try await clerk.get("/admin/experts/export.csv")
            #expect(csv.body.split(separator: "\r\n").count == 32)
            #expect(csv.body.contains("E100,王专家,") && csv.body.contains(",暂停"))

            let log = try s.store.history(CommitteeRegistryMachine.self, id: CommitteeRegistryMachine.streamID)
            #expect(log.map(\.event.name) == ["committeeSetUp", "expertsAdded", "expertsAdded"])
            #expect(log.map(\.stored.actorRole) == [Role.officeHead.rawValue, Role.officeClerk.rawValue, Role.officeClerk.rawValue])
            #expect(try s.store.audit().isIntact)
        }
    }
}
