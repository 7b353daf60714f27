import Domain
import Forms
import Foundation
import Season
import Signing
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `pingshen-bench certificate-run APPLICATIONS [DIR] [--kill-at FRACTION]`: the office's
/// certificate run of one confirmation 文号 at a season's scale, through a real `pingshen serve`
/// driven over HTTP (curl, as a clerk would: sign in, 颁发证书, refresh the progress page).
///
/// Prepares once (kept in `DIR/prepared`, reused by the next call with the same size): the demo
/// season of APPLICATIONS applications with declarations, stopped right after its first
/// confirmation (`DemoSeason.Configuration.stopBeforeCertificates`), so one 文号's applications
/// wait for their certificates. The season's other queued documents are marked failed — a
/// server renders them after each step; rendering a season's documents is `full-season`'s
/// measure, not this one's — so the run renders only what it queues. Each run copies the
/// prepared folder to `DIR/run` and times: the run from the POST to the last certificate and to
/// the last document rendered, certificates/s, the server's CPU seconds and peak RSS, the
/// progress page while the run goes, a list page (first, middle, last), searches, and a zip part.
/// With `--kill-at F` the server is killed (SIGKILL) once F of the batch is certified, started
/// again, and the run resumed by 继续颁发; the bench then checks every application holds exactly
/// one certificate.
enum CertificateRunBench {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ s: String) { description = s }
    }

    static let seed: UInt64 = 11

    static func run(arguments: [String]) throws {
        var positional: [String] = []
        var killAt: Double?
        var it = arguments.makeIterator()
        while let a = it.next() {
            if a == "--kill-at", let v = it.next().flatMap(Double.init) { killAt = v } else { positional.append(a) }
        }
        let applications = positional.first.flatMap { Int($0) } ?? 2_000
        let base = URL(
            fileURLWithPath: positional.count > 1
                ? positional[1] : "/var/tmp/pingshen-bench-certificate-run-\(applications)")
        let repository = URL(fileURLWithPath: policyDirectory()).deletingLastPathComponent()
        let prepared = base.appendingPathComponent("prepared-\(applications)")
        try prepare(applications: applications, folder: prepared, repository: repository)

        let runFolder = base.appendingPathComponent("run")
        try? FileManager.default.removeItem(at: runFolder)
        try FileManager.default.copyItem(at: prepared, to: runFolder)
        let database = runFolder.appendingPathComponent(EventStore.fileName()).path
        let store = try EventStore(path: database)
        // The city's confirmation (the largest 文号; counties and self-reviewing units confirm their own).
        guard let batch = try store.certificateBatches().filter({ $0.pending > 0 }).max(by: { $0.total < $1.total }) else {
            throw Failure("no confirmation waits for certificates in \(database)")
        }
        print("season of \(applications) applications: 文号 \(batch.number), \(batch.total) confirmed, \(batch.certified) certified")

        var server = try Server.start(database: database, data: runFolder.path, repository: repository)
        defer { server.stop() }
        var client = try Client(port: server.port, folder: runFolder)
        try client.signIn()
        let runPath = "/office/certificates/run?number=" + percent(batch.number)
        let page = try client.get(runPath)
        let csrf = try csrfToken(page.body)
        let started = Date()
        let cpuBefore = server.cpuSeconds()
        _ = try client.post("/office/certificates", ["_csrf": csrf, "number": batch.number])

        var polls: [Double] = []
        var killed = false
        var certifiedAt: Double?
        var allRenderedAt: Double?
        var cpuSeconds = 0.0
        var peakRSS = 0.0
        while true {
            Thread.sleep(forTimeInterval: 1)
            let p = try client.get(runPath)
            polls.append(p.seconds)
            let done = try store.certificateBatch(number: batch.number)!
            if let fraction = killAt, !killed, Double(done.certified) >= fraction * Double(done.total) {
                cpuSeconds += server.cpuSeconds() - cpuBefore
                peakRSS = max(peakRSS, server.peakRSSMegabytes())
                server.kill()
                killed = true
                let after = try store.certificateBatch(number: batch.number)!
                print("killed (SIGKILL) at \(after.certified) / \(after.total) certified")
                server = try Server.start(database: database, data: runFolder.path, repository: repository)
                client = try Client(port: server.port, folder: runFolder)
                try client.signIn()
                let resumed = try client.get(runPath)
                guard resumed.body.contains("id=\"interrupted\"") else {
                    throw Failure("after the restart the run page does not say the run was interrupted")
                }
                _ = try client.post("/office/certificates", ["_csrf": try csrfToken(resumed.body), "number": batch.number])
                continue
            }
            if done.pending == 0, certifiedAt == nil { certifiedAt = Date().timeIntervalSince(started) }
            if certifiedAt != nil, !p.body.contains("id=\"running\"") {
                // The task renders its last documents after the last certificate.
                if try certificateDocumentsPending(store, number: batch.number) == 0 {
                    allRenderedAt = Date().timeIntervalSince(started)
                    break
                }
            }
            if Date().timeIntervalSince(started) > 7_200 { throw Failure("the run did not finish in two hours") }
        }
        let cpuBase = killed ? server.cpuSecondsSinceStart() : server.cpuSeconds() - cpuBefore
        cpuSeconds += cpuBase
        peakRSS = max(peakRSS, server.peakRSSMegabytes())

        // Exactly one certificate per application, gap-free numbers: the store says so.
        let final = try store.certificateBatch(number: batch.number)!
        let issued = try store.certificates(CertificateQuery(number: batch.number, limit: 1)).total
        guard final.pending == 0, issued == final.total else {
            throw Failure("\(final.certified) certified of \(final.total), \(issued) certificates issued under the 文号")
        }

        // The list: pages and searches, each the median of 3.
        let pages = (issued + 49) / 50
        let sample = try store.certificates(CertificateQuery(number: batch.number, offset: issued / 2, limit: 1)).rows[0]
        var timings: [(String, Double, Int)] = []
        func time(_ label: String, _ path: String) throws {
            var t: [Double] = []
            var size = 0
            for _ in 0..<3 {
                let r = try client.get(path)
                t.append(r.seconds)
                size = r.body.utf8.count
            }
            timings.append((label, t.sorted()[1], size))
        }
        try time("run page, list page 1", runPath)
        try time("run page, list page \(pages / 2)", runPath + "&page=\(pages / 2)")
        try time("run page, list page \(pages) (last)", runPath + "&page=\(pages)")
        try time("search by name (\(sample.holderName))", runPath + "&q=" + percent(sample.holderName))
        try time("search by certificate number", runPath + "&q=" + percent(sample.number))
        try time("all certificates, search by application", "/office/certificates?q=" + percent(sample.applicationID))
        try time("all certificates, page 1", "/office/certificates")
        // VmHWM only grows: the peak of the run and the list, then with the zip.
        let listPeakRSS = max(peakRSS, server.peakRSSMegabytes())
        let parts = (issued + 1_999) / 2_000
        let zipStart = Date()
        let zip = try client.download(
            "/office/certificates/download?number=\(percent(batch.number))&part=\(max(1, parts / 2))",
            to: runFolder.appendingPathComponent("part.zip"))
        let zipSeconds = Date().timeIntervalSince(zipStart)
        peakRSS = max(peakRSS, server.peakRSSMegabytes())

        let certified = certifiedAt ?? 0
        let rendered = allRenderedAt ?? 0
        let sortedPolls = polls.sorted()
        print()
        print("| certificate run, one 文号 | |")
        print("| --- | ---: |")
        print("| certificates issued | \(final.total)\(killed ? " (server killed with SIGKILL at \(Int((killAt ?? 0) * 100)) %, resumed)" : "") |")
        print("| wall to the last certificate | \(fmt(certified)) s (\(fmt(Double(final.total) / max(certified, 0.001), 0)) certificates/s) |")
        print("| wall to the last document rendered | \(fmt(rendered)) s |")
        print("| server CPU (user+sys) during the run | \(fmt(cpuSeconds)) s (\(fmt(cpuSeconds / Double(max(final.total, 1)) * 1000, 2)) ms a certificate) |")
        print("| server peak RSS, the run and the list | \(fmt(listPeakRSS, 0)) MB |")
        print("| server peak RSS, with the zip | \(fmt(peakRSS, 0)) MB |")
        print(
            "| progress page while running (\(polls.count) polls) | median \(ms(sortedPolls[sortedPolls.count / 2])), max \(ms(sortedPolls.last ?? 0)) |")
        for (label, seconds, size) in timings { print("| \(label) | \(ms(seconds)) (\(size / 1024) KB) |") }
        print("| zip part \(max(1, parts / 2)) of \(parts) | \(ms(zipSeconds)) (\(zip / 1_048_576) MB) |")
        print("| load average at the end | \(loadAverage()) |")
        server.stop()
        try? FileManager.default.removeItem(at: runFolder)
    }

    static func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
    static func ms(_ s: Double) -> String { String(format: "%.0f ms", s * 1000) }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"
    }

    static func percent(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func csrfToken(_ html: String) throws -> String {
        guard let r = html.range(of: "name=\"_csrf\" value=\"") else { throw Failure("no CSRF token on the page") }
        let rest = html[r.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }

    /// The batch's certificate documents still queued: the certificate streams' and those its
    /// certified applications asked for at confirmation (another 文号's wait for their run).
    static func certificateDocumentsPending(_ store: EventStore, number: String) throws -> Int {
        let certified = Set(try store.applicationsCertified(number: number))
        return try store.documents(status: .pending).filter {
            $0.kind == "certificate" && ($0.streamKind == "certificate" || certified.contains($0.streamID))
        }.count
    }

    /// The season stopped at its first confirmation, kept for the next run of the same size.
    static func prepare(applications: Int, folder: URL, repository: URL) throws {
        let database = folder.appendingPathComponent(EventStore.fileName())
        let marker = folder.appendingPathComponent("prepared")
        if FileManager.default.fileExists(atPath: marker.path) { return }
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let started = Date()
        let rules = try Rulebook.load(directory: policyDirectory())
        let store = try EventStore(path: database.path)
        try store.setWebSetting("demo_season", "seed \(seed), \(applications) applications")
        let keyring = try DemoSeason.demoKeyring(directory: folder.appendingPathComponent("keys").path, seed: seed)
        let season = try DemoSeason(
            store: store, rules: rules,
            configuration: .init(applications: applications, seed: seed, stopBeforeCertificates: true),
            signer: CertificateSigner(keyring: keyring),
            forms: try FormLibrary.load(directory: repository.appendingPathComponent("forms").path),
            attachments: folder.appendingPathComponent("uploads"))
        do {
            _ = try season.run()
            throw Failure("the season did not stop at its confirmation")
        } catch SeasonError.interrupted {}
        // Everything queued before the confirmation's certificates: marked failed (see above).
        let others = try store.documents(status: .pending).filter { $0.kind != "certificate" }.map(\.id)
        for start in stride(from: 0, to: others.count, by: 5_000) {
            try store.markDocuments(rendered: [], failed: Array(others[start..<min(others.count, start + 5_000)]))
        }
        FileManager.default.createFile(atPath: marker.path, contents: Data())
        print("prepared in \(fmt(Date().timeIntervalSince(started))) s: \(folder.path) (\(others.count) other documents marked failed)")
    }

    /// A `pingshen serve --demo` on the run's database (the binary beside this one).
    struct Server {
        var process: Process
        var port: Int
        var output: URL

        static func start(database: String, data: String, repository: URL) throws -> Server {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("pingshen")
            let port = 18_000 + Int(getpid() % 2_000)
            let p = Process()
            p.executableURL = binary
            p.arguments = [
                "serve", "--demo", "--db", database, "--data-dir", data, "--port", String(port),
                "--web-dir", repository.appendingPathComponent("web").path,
                "--templates-dir", repository.appendingPathComponent("templates").path,
                "--forms-dir", repository.appendingPathComponent("forms").path,
                "--policy-dir", repository.appendingPathComponent("policy").path,
            ]
            let output = URL(fileURLWithPath: data).appendingPathComponent("serve-\(Date().timeIntervalSince1970).log")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            p.standardOutput = handle
            p.standardError = handle
            try p.run()
            let deadline = Date().addingTimeInterval(300)
            while Date() < deadline {
                if let log = try? String(contentsOf: output, encoding: .utf8), log.contains("网站已启动") {
                    return Server(process: p, port: port, output: output)
                }
                guard p.isRunning else {
                    throw Failure("pingshen serve exited: " + ((try? String(contentsOf: output, encoding: .utf8)) ?? ""))
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            p.terminate()
            throw Failure("pingshen serve did not start in 300 s")
        }

        func stat() -> [String] {
            guard let s = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                let close = s.lastIndex(of: ")")
            else { return [] }
            return s[s.index(after: close)...].split(separator: " ").map(String.init)
        }

        /// user + system CPU seconds of the server so far.
        func cpuSeconds() -> Double {
            let f = stat()
            guard f.count > 13, let u = Double(f[11]), let s = Double(f[12]) else { return 0 }
            return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        func cpuSecondsSinceStart() -> Double { cpuSeconds() }

        func peakRSSMegabytes() -> Double {
            guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
            else { return 0 }
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
            }
            return 0
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            guard process.isRunning else { return }
            process.interrupt()
            process.waitUntilExit()
        }
    }

    /// curl with a cookie jar, as a clerk's browser.
    struct Client {
        var port: Int
        var jar: String

        init(port: Int, folder: URL) throws {
            self.port = port
            jar = folder.appendingPathComponent("cookies-\(port).txt").path
            try? FileManager.default.removeItem(atPath: jar)
        }

        var origin: String { "http://127.0.0.1:\(port)" }

        struct Reply {
            var body: String
            var seconds: Double
        }

        func curl(_ arguments: [String]) throws -> (Data, Double) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-sS", "--max-time", "600", "-b", jar, "-c", jar, "-H", "Origin: \(origin)"] + arguments
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw Failure("curl \(arguments) failed (\(p.terminationStatus))") }
            return (data, 0)
        }

        /// The body, and the request's time as curl measured it (`time_total`).
        func get(_ path: String) throws -> Reply {
            let marker = "\n@@time@@"
            let (data, _) = try curl(["-w", marker + "%{time_total} %{http_code}", origin + path])
            let text = String(decoding: data, as: UTF8.self)
            guard let r = text.range(of: marker, options: .backwards) else { throw Failure("no timing from curl") }
            let tail = text[r.upperBound...].split(separator: " ")
            guard tail.count == 2, tail[1] == "200" else { throw Failure("GET \(path): HTTP \(tail.last ?? "?")") }
            return Reply(body: String(text[..<r.lowerBound]), seconds: Double(tail[0]) ?? 0)
        }

        func post(_ path: String, _ fields: [String: String]) throws -> String {
            var args = ["-o", "/dev/null", "-w", "%{http_code}"]
            for (k, v) in fields.sorted(by: { $0.key < $1.key }) { args += ["--data-urlencode", "\(k)=\(v)"] }
            let (data, _) = try curl(args + [origin + path])
            let code = String(decoding: data, as: UTF8.self)
            guard code == "303" || code == "200" else { throw Failure("POST \(path): HTTP \(code)") }
            return code
        }

        func signIn() throws {
            let page = try get("/login")
            _ = try post(
                "/login",
                ["_csrf": try CertificateRunBench.csrfToken(page.body), "username": "clerk", "password": "Pingshen2026"])
            let office = try get("/office/certificates")
            guard office.body.contains("证书颁发") else { throw Failure("signing in as clerk failed") }
        }

        /// Saves the body in `file`. - Returns: its size in bytes.
        func download(_ path: String, to file: URL) throws -> Int {
            let (data, _) = try curl(["-o", file.path, "-w", "%{http_code}", origin + path])
            guard String(decoding: data, as: UTF8.self) == "200" else { throw Failure("GET \(path) failed") }
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            try? FileManager.default.removeItem(at: file)
            return size
        }
    }
}
