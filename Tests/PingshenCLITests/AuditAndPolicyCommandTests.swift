import Foundation
import Testing

@Suite struct AuditAndPolicyCommandTests {
    @Test func auditNamesTheEditedEvent() throws {
        let dir = CLI.temporaryDirectory()
        #expect(try CLI.run(["demo", "--out", dir, "--applications", "30", "--seed", "1"]).status == 0)
        let db = dir + "/pingshen.sqlite"
        #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
        // An insider rewrites who accepted an application.
        _ = try CLI.sqlite(
            db,
            "UPDATE events SET actor_id = 'clerk-99' WHERE stream_kind = 'application' AND stream_id = 'A2026-00010' AND type = 'accepted'"
        )
        let r = try CLI.run(["audit", "verify", "--db", db])
        #expect(r.status == 1)
        #expect(r.stdout.contains("application/A2026-00010"))
        #expect(r.stdout.contains("被修改"))
    }

    @Test func auditOfAMissingDatabaseSaysSo() throws {
        let r = try CLI.run(["audit", "verify", "--db", "/nonexistent/x.sqlite"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("数据库文件不存在"))
    }

    @Test func badPolicyNamesFileLineAndKey() throws {
        let dir = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/calendar", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.root.path + "/policy/calendar/2026.yaml", toPath: dir + "/calendar/2026.yaml")
        try "unit_notice_working_days: 5\npublic_notice:\n  working_days: three\n".write(
            toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["policy", "check", "--policy-dir", dir])
        #expect(r.status != 0)
        #expect(r.stderr.contains("policy.yaml:3"))
        #expect(r.stderr.contains("public_notice.working_days"))
        #expect(r.stderr.contains("应为整数"))
        #expect(try CLI.run(["policy", "check"]).status == 0)
    }

    @Test func calendarCountsAcrossTheSpringFestival() throws {
        let r = try CLI.run(["calendar", "add", "2026-02-13", "5"])
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2026-02-27")
        #expect(try CLI.run(["calendar", "is-working-day", "2026-02-14"]).status == 0)  // make-up Saturday
        #expect(try CLI.run(["calendar", "is-working-day", "2026-02-16"]).status == 1)  // Spring Festival
        let outside = try CLI.run(["calendar", "add", "2031-05-06", "1"])
        #expect(outside.status != 0)
        #expect(outside.stderr.contains("工作日历未包含2031年"))
    }

    @Test func tickLapsesNothingOnAQuietDay() throws {
        let dir = CLI.temporaryDirectory()
        #expect(try CLI.run(["demo", "--out", dir, "--applications", "30", "--seed", "2"]).status == 0)
        let r = try CLI.run(["tick", "--db", dir + "/pingshen.sqlite", "--date", "2026-11-02"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2026-11-02: 0 件到期事项已处理"))
    }
}
