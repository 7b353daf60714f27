import Foundation
import Testing

/// `pingshen committee check` under the project's policy/policy.yaml (quorum ⅔, pass ⅔).
@Suite struct CommitteeCommandTests {
    @Test func quorateAndPassingExitsZeroWithTheThresholds() throws {
        let r = try CLI.run(["committee", "check", "--members", "11", "--present", "8", "--yes", "6"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("出席 8 人，应到 11 人，法定出席人数 ≥ 8（2/3）：达到"), "\(r.stdout)")
        #expect(r.stdout.contains("同意 6 票，通过须 ≥ 6（出席人数的 2/3）：通过"), "\(r.stdout)")
        #expect(r.stdout.contains("结论：达到法定出席人数，评审通过"))
    }

    @Test func oneVoteShortExitsOne() throws {
        let r = try CLI.run(["committee", "check", "--members", "11", "--present", "8", "--yes", "5"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("同意 5 票，通过须 ≥ 6（出席人数的 2/3）：未通过"), "\(r.stdout)")
        #expect(r.stdout.contains("结论：同意票不足，评审未通过"))
    }

    @Test func oneMemberShortOfTheQuorumExitsOne() throws {
        let r = try CLI.run(["committee", "check", "--members", "11", "--present", "7", "--yes", "7"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("出席 7 人，应到 11 人，法定出席人数 ≥ 8（2/3）：未达到"), "\(r.stdout)")
        #expect(r.stdout.contains("票数达到，但出席人数不足，表决无效"))
        #expect(r.stdout.contains("结论：未达到法定出席人数，不能开会表决"))
    }

    @Test func theRatiosComeFromThePolicyDirectory() throws {
        let dir = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/calendar", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.root.path + "/policy/calendar/2026.yaml", toPath: dir + "/calendar/2026.yaml")
        try "committee:\n  quorum: 3/4\n  pass: 1/2\n".write(
            toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(
            ["committee", "check", "--members", "11", "--present", "9", "--yes", "5", "--policy-dir", dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("法定出席人数 ≥ 9（3/4）：达到"), "\(r.stdout)")
        #expect(r.stdout.contains("通过须 ≥ 5（出席人数的 1/2）：通过"), "\(r.stdout)")
    }

    @Test(arguments: [
        (["--members", "11", "--present", "12", "--yes", "6"], "--present", "出席人数12人多于评审委员会人数11人"),
        (["--members", "11", "--present", "8", "--yes", "9"], "--yes", "同意票数9票多于出席人数8人"),
        (["--members", "12", "--present", "8", "--yes", "6"], "--members", "评审委员会人数应为7至999人之间的单数，实为12人"),
        (["--members", "5", "--present", "5", "--yes", "5"], "--members", "评审委员会人数应为7至999人之间的单数，实为5人"),
    ])
    func impossibleCountsAreRefusedNamingTheOption(arguments: [String], option: String, message: String) throws {
        let r = try CLI.run(["committee", "check"] + arguments)
        #expect(r.status == 64, "a refused count is a usage error, neither a pass nor a fail: \(r.status)")
        #expect(r.stderr.contains("pingshen committee check"), "the usage of the subcommand: \(r.stderr)")
        #expect(r.stderr.contains("选项 \(option)：\(message)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
