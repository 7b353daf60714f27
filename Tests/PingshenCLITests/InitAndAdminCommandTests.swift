import Foundation
import Store
import Testing

/// `pingshen init` and `pingshen admin` as an office going live would run them.
@Suite(.serialized) struct InitAndAdminCommandTests {
    /// Runs the CLI with `input` on standard input.
    static func run(_ arguments: [String], input: String) throws -> CLI.Result {
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = arguments
        p.currentDirectoryURL = CLI.root
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLI.Result(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func initSetsUpAnOfficeOnceAndTheAdministratorManagesStaff() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/office.sqlite"
        let password = "Jiaozuo2026pw"
        let first = try Self.run(
            ["init", "--db", db, "--office", "焦作市职称改革领导小组办公室", "--fonds", "J012", "--admin", "root"],
            input: password + "\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("全宗号 J012"))
        #expect(!first.stdout.contains(password) && !first.stderr.contains(password), "the password is never printed")
        // The signing key is the office's alone (0600).
        let keys = try FileManager.default.contentsOfDirectory(atPath: dir + "/keys")
        #expect(!keys.isEmpty)
        for k in keys {
            let mode = try FileManager.default.attributesOfItem(atPath: dir + "/keys/" + k)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(k)")
        }
        let again = try Self.run(
            ["init", "--db", db, "--office", "别的", "--fonds", "X", "--admin", "other"], input: password + "\n")
        #expect(again.status != 0)
        #expect(again.stderr.contains("已于此前初始化"))
        let weak = try Self.run(["init", "--db", dir + "/b.sqlite", "--office", "x", "--fonds", "y", "--admin", "a"], input: "short\n")
        #expect(weak.status != 0 && weak.stderr.contains("密码"))

        let added = try Self.run(
            ["admin", "add", "--db", db, "--as", "root", "--reason", "新入职", "--username", "clerk1", "--name", "王经办",
             "--role", "office-clerk"],
            input: "Clerk2026pass1\n")
        #expect(added.status == 0, "\(added.stderr)")
        let code = try CLI.run(
            ["admin", "reset-code", "--db", db, "--as", "root", "--reason", "忘记密码", "--username", "clerk1"])
        #expect(code.status == 0)
        #expect(code.stdout.firstMatch(of: #/[A-Z2-9]{12}/#) != nil)
        let notAdmin = try CLI.run(
            ["admin", "set", "--db", db, "--as", "clerk1", "--reason", "x", "--username", "root", "--disabled", "true"])
        #expect(notAdmin.status != 0 && notAdmin.stderr.contains("不是可用的系统管理员"))
        let last = try CLI.run(
            ["admin", "set", "--db", db, "--as", "root", "--reason", "x", "--username", "root", "--disabled", "true"])
        #expect(last.status != 0 && last.stderr.contains("最后一个"))
        let list = try CLI.run(["admin", "list", "--db", db])
        #expect(list.stdout.contains("clerk1\t王经办\t职改办经办人\t使用中"))
        #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
        // serve on it: no demo clock, no demo accounts (--demo refused).
        let demo = try CLI.run(["serve", "--demo", "--db", db])
        #expect(demo.status != 0 && demo.stderr.contains("不是演示数据库"))
    }
}
