import Foundation
import Testing

@Suite struct ApplyAndRenderCommandTests {
    @Test func applySubmitsAValidDeclarationAndExplainsARefusal() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/pingshen.sqlite"
        let examples = CLI.root.path + "/forms/examples"
        let ok = try CLI.run([
            "apply", "--db", db, "--form", "engineering", "--data", examples + "/engineering-intermediate.json",
            "--facts", examples + "/engineering-intermediate-facts.json", "--application", "A2026-80001",
            "--date", "2026-03-02",
        ])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("已提交申报"))
        let history = try CLI.run(["history", "--db", db, "A2026-80001"])
        #expect(history.stdout.contains("submitted"))
        // The same applicant cannot submit the same application twice.
        let again = try CLI.run([
            "apply", "--db", db, "--form", "engineering", "--data", examples + "/engineering-intermediate.json",
            "--facts", examples + "/engineering-intermediate-facts.json", "--application", "A2026-80001",
            "--date", "2026-03-03",
        ])
        #expect(again.status == 1)
        #expect(again.stdout.contains("不能"))
        // A form with mistakes: every problem, nothing written.
        let bad = dir + "/bad.json"
        try #"{"level": "intermediate", "track": "normal", "phone": "123"}"#.write(
            toFile: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run([
            "apply", "--db", db, "--form", "engineering", "--data", bad, "--facts",
            examples + "/engineering-intermediate-facts.json", "--application", "A2026-80002", "--date", "2026-03-02",
        ])
        #expect(r.status == 1)
        #expect(r.stdout.contains("phone"))
        #expect(r.stdout.contains("name"))
        #expect(try CLI.run(["history", "--db", db, "A2026-80002"]).status != 0)
    }

    @Test func renderWritesOneDocumentAndABatch() throws {
        let dir = CLI.temporaryDirectory()
        let sample = CLI.root.path + "/templates/samples/certificate.json"
        let odt = try CLI.run(["render", "--template", "certificate", "--data", sample, "--out", dir + "/c.odt"])
        #expect(odt.status == 0, "\(odt.stderr)")
        let html = try CLI.run(["render", "--template", "certificate", "--data", sample, "--out", dir + "/c.html"])
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: dir + "/c.html", encoding: .utf8)
        #expect(page.contains("专业技术职务任职资格证书"))
        // A batch of JSON Lines, one document per line.
        let record = try String(contentsOfFile: sample, encoding: .utf8).replacingOccurrences(of: "\n", with: " ")
        var lines: [String] = []
        for i in 0..<25 {
            lines.append(
                record.replacingOccurrences(
                    of: #""certificate_number": ""#, with: #""certificate_number": "N\#(i)-"#))
        }
        try lines.joined(separator: "\n").write(toFile: dir + "/r.jsonl", atomically: true, encoding: .utf8)
        let batch = try CLI.run([
            "render", "--template", "certificate", "--records", dir + "/r.jsonl", "--out-dir", dir + "/batch",
        ])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.contains("25"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/batch").filter { $0.hasSuffix(".odt") }
        #expect(files.count == 25)
        let validate = Process()
        validate.executableURL = URL(fileURLWithPath: "/bin/bash")
        validate.arguments = [CLI.root.path + "/Tests/Conformance/odf/validate-odt.sh", dir + "/c.odt"]
        validate.standardOutput = FileHandle.nullDevice
        try validate.run()
        validate.waitUntilExit()
        #expect(validate.terminationStatus == 0)
    }
}
