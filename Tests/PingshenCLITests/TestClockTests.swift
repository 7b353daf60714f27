import Domain
import Foundation
@testable import PingshenCLI
import Store
import Testing
import Workflow

/// `pingshen init --test-clock`: a training or test installation. The set-up event (the log's
/// first) records it, the audit and every page say so, and only such a database (or a demo's)
/// gets the movable clock; a production database never does.
@Suite(.serialized) struct TestClockTests {
    static let banner = "培训/测试环境：时钟可调，不得用于正式评审"

    static func initDatabase(_ db: String, testClock: Bool) throws -> CLI.Result {
        try InitAndAdminCommandTests.run(
            ["init", "--db", db, "--office", "焦作市职称改革领导小组办公室", "--fonds", "J012", "--admin", "root"]
                + (testClock ? ["--test-clock"] : []),
            input: "Jiaozuo2026pw\n")
    }

    /// The payload of the administration stream's first event.
    static func setUpPayload(_ db: String) throws -> String {
        try CLI.sqlite(db, "SELECT payload FROM events WHERE stream_kind = 'administration' AND version = 1")
    }

    @Test func testClockIsRecordedInTheFirstEventAndTheAudit() throws {
        let dir = CLI.temporaryDirectory()
        let test = dir + "/training.sqlite"
        let made = try Self.initDatabase(test, testClock: true)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains(Self.banner), "\(made.stdout)")
        let payload = try Self.setUpPayload(test)
        #expect(payload.contains("\"testClock\":true"), "the set-up event does not record the test clock: \(payload)")
        let store = try EventStore(path: test)
        #expect(try store.officeProfile()?.isTestInstallation == true)
        let history = try store.history(AdministrationMachine.self, id: AdministrationMachine.streamID)
        #expect(history.first?.event.chinese.contains(Self.banner) == true, "the auditor's line does not say so")
        let audit = try CLI.run(["audit", "verify", "--db", test])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("注意：" + Self.banner), "\(audit.stdout)")
        #expect(try ServeCommand.clockMode(store: store, demo: false, path: test) == .testInstallation)

        // A production database: nothing recorded, the audit silent, real time.
        let real = dir + "/office.sqlite"
        #expect(try Self.initDatabase(real, testClock: false).status == 0)
        let realPayload = try Self.setUpPayload(real)
        #expect(realPayload.contains("J012") && !realPayload.contains("testClock"), "\(realPayload)")
        let realAudit = try CLI.run(["audit", "verify", "--db", real])
        #expect(realAudit.status == 0 && !realAudit.stdout.contains(Self.banner), "\(realAudit.stdout)")
        let realStore = try EventStore(path: real)
        #expect(try ServeCommand.clockMode(store: realStore, demo: false, path: real) == .real)
        // …and it can never get the clock afterwards: set-up does not run twice, --demo is refused.
        let again = try Self.initDatabase(real, testClock: true)
        #expect(again.status != 0 && again.stderr.contains("已于此前初始化"), "\(again.stderr)")
        #expect(!(try Self.setUpPayload(real)).contains("testClock"))
        #expect(throws: CLIError.self) { try ServeCommand.clockMode(store: realStore, demo: true, path: real) }
        let demo = try CLI.run(["serve", "--demo", "--db", real])
        #expect(demo.status != 0 && demo.stderr.contains("不是演示数据库"))
        // The machine itself refuses a second set-up, test clock or not.
        let second = Result {
            try realStore.write { tx in
                try tx.execute(
                    AdministrationMachine.self, id: AdministrationMachine.streamID,
                    .setUp(office: OfficeProfile(name: "别的", fonds: "X", testClock: true)),
                    context: Context(actor: .system, now: Date(), rules: Rulebook(policy: Policy(), calendar: WorkingCalendar())))
            }
        }
        #expect((try? second.get()) == nil)
        #expect(try realStore.officeProfile()?.isTestInstallation == false)
    }

    /// `pingshen tick --date`: a later day only on a test installation; a production database's
    /// scheduler may not run ahead of today (it would end notices early).
    @Test func tickRunsAheadOnlyOnATestInstallation() throws {
        let dir = CLI.temporaryDirectory()
        let test = dir + "/training.sqlite"
        let real = dir + "/office.sqlite"
        #expect(try Self.initDatabase(test, testClock: true).status == 0)
        #expect(try Self.initDatabase(real, testClock: false).status == 0)
        let ahead = Day(Date()).adding(days: 40).description
        let refused = try CLI.run(["tick", "--db", real, "--date", ahead])
        #expect(refused.status != 0 && refused.stderr.contains("正式数据库不能提前处理到期事项"), "\(refused.stderr)")
        let today = try CLI.run(["tick", "--db", real])
        #expect(today.status == 0 && today.stdout.contains("\(Day(Date())): 0 件到期事项已处理"), "\(today.stdout)\(today.stderr)")
        let moved = try CLI.run(["tick", "--db", test, "--date", ahead])
        #expect(moved.status == 0 && moved.stdout.contains("\(ahead): 0 件到期事项已处理"), "\(moved.stdout)\(moved.stderr)")
    }

    /// `serve` on a test installation: the banner on every page and the clock page for the
    /// office; on a production database: neither (the clock page is not routed).
    @Test func serveRunsTheClockAndTheBannerOnlyOnATestInstallation() throws {
        let dir = CLI.temporaryDirectory()
        let test = dir + "/training.sqlite"
        let real = dir + "/real/office.sqlite"
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        #expect(try Self.initDatabase(test, testClock: true).status == 0)
        #expect(try Self.initDatabase(real, testClock: false).status == 0)

        try Self.serving(test) { port, log in
            #expect(log.contains(Self.banner) && log.contains("/demo/clock"), "\(log)")
            for path in ["/", "/login", "/verify"] {
                let (status, body) = try Self.get(port, path)
                #expect(status == 200 && body.contains(Self.banner), "\(path): \(status)")
                #expect(body.contains("id=\"environment-banner\""), "\(path)")
            }
            // The clock page exists (for the office: a visitor is sent to sign in).
            let (status, _) = try Self.get(port, "/demo/clock")
            #expect(status == 303 || status == 401 || status == 403, "/demo/clock answered \(status)")
        }
        try Self.serving(real) { port, log in
            #expect(!log.contains(Self.banner) && !log.contains("/demo/clock"), "\(log)")
            let (status, body) = try Self.get(port, "/")
            #expect(status == 200 && !body.contains(Self.banner) && !body.contains("environment-banner"))
            #expect(try Self.get(port, "/demo/clock").0 == 404, "a production server routes the clock page")
        }
    }

    /// Runs `serve --db db` on a free port until it prints that it started, then `body`.
    static func serving(_ db: String, _ body: (Int, String) throws -> Void) throws {
        let port = ServeCommandTests.freePort()
        let log = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("serve-\(port).log").path
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["serve", "--db", db, "--port", String(port)]
        p.currentDirectoryURL = CLI.root
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        defer {
            if p.isRunning { p.interrupt() }
            p.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        while Date() < deadline, p.isRunning {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("网站已启动") { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        try #require(text.contains("网站已启动"), "serve --db \(db) did not start:\n\(text)")
        try body(port, text)
    }

    /// A plain HTTP/1.1 GET on loopback: the status and the body (`Connection: close`).
    static func get(_ port: Int, _ path: String) throws -> (Int, String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "cannot connect to port \(port)")
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        let status = Int(text.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
        return (status, text)
    }
}
