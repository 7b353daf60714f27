import Foundation
import Store
import Testing

/// `pingshen serve`: how --demo, --db and --out agree.
@Suite(.serialized) struct ServeCommandTests {
    /// A free TCP port on loopback (bound once, then released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `serve --demo --db DIR/season.sqlite` builds the demo season in DIR (that very file, its
    /// documents and archive beside it) and serves it.
    @Test func demoWithDbBuildsTheSeasonInTheDatabasesFolder() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/season.sqlite"
        let log = dir + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["serve", "--demo", "--db", db, "--applications", "30", "--seed", "5", "--port", String(Self.freePort())]
        p.currentDirectoryURL = CLI.root
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        defer {
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(300)
        var text = ""
        while Date() < deadline, p.isRunning {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("网站已启动") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(text.contains("网站已启动"), "serve --demo --db did not start:\n\(text)")
        #expect(text.contains("数据库 \(db)"), "\(text)")
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(!FileManager.default.fileExists(atPath: dir + "/pingshen.sqlite"), "the season went into another file")
        #expect(FileManager.default.fileExists(atPath: dir + "/documents"), "documents not beside the database")
        #expect(!text.contains("数据库文件不存在"))
    }

    /// --demo on a database a demo did not build (an office's real one) is refused before any
    /// demo account or clock is added; nothing is written to it.
    @Test func demoIsRefusedOnARealDatabase() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/office.sqlite"
        _ = try EventStore(path: db)
        let before = try CLI.sqlite(db, "SELECT COUNT(*) FROM web_settings; SELECT COUNT(*) FROM accounts")
        let r = try CLI.run(["serve", "--demo", "--db", db, "--port", String(Self.freePort())])
        #expect(r.status != 0)
        #expect(r.stderr.contains("不是演示数据库"), "\(r.stderr)")
        #expect(try CLI.sqlite(db, "SELECT COUNT(*) FROM web_settings; SELECT COUNT(*) FROM accounts") == before)
    }

    @Test func outAndDbInDifferentFoldersAreRefusedUpFront() throws {
        let dir = CLI.temporaryDirectory()
        let r = try CLI.run(["serve", "--demo", "--db", dir + "/a/x.sqlite", "--out", dir + "/b"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--out"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"), "nothing is built when refused")
        let withoutDemo = try CLI.run(["serve", "--out", dir + "/b"])
        #expect(withoutDemo.status != 0)
        #expect(withoutDemo.stderr.contains("--demo"), "\(withoutDemo.stderr)")
    }
}
