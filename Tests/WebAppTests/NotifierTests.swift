import Domain
import Foundation
import Store
import Testing
import Workflow

@testable import WebApp

/// A real SMTP server for a test: `Tests/Tools/smtp-sink.py` (Python's aiosmtpd) on a free port,
/// writing each message it receives — decoded by Python's email package — as JSON.
final class SMTPSink: @unchecked Sendable {
    let process = Process()
    let folder: URL
    private(set) var port = 0

    init(rejectFirst: Int = 0, arguments: [String] = []) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-smtp-\(UUID().uuidString)")
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", WebFixture.repoRoot.path + "/Tests/Tools/smtp-sink.py", folder.path]
            + (rejectFirst > 0 ? ["--reject-first", String(rejectFirst)] : []) + arguments
        process.standardOutput = pipe
        try process.run()
        // The first line, read on a thread of its own (not the concurrency pool's).
        let line: String = await withCheckedContinuation { done in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while let byte = try? pipe.fileHandleForReading.read(upToCount: 1), let b = byte.first, b != 10 {
                    bytes.append(b)
                }
                done.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
            stop()
            throw SMTPError("smtp-sink.py did not start (python3 -m pip install aiosmtpd): \(line)")
        }
        self.port = port
    }

    /// The messages received so far, in order.
    func received() throws -> [[String: Any]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as! [String: Any]
        }
    }

    /// Kills the server (SIGKILL: nothing to flush, and no signal mask can keep it alive).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A clock the notifier test moves forward.
final class ShiftedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    let base: @Sendable () -> Date
    init(_ base: @escaping @Sendable () -> Date) { self.base = base }
    var now: Date { lock.withLock { base().addingTimeInterval(offset) } }
    func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
}

/// The outbound notifier against a real SMTP server: the mail as received (subject and body
/// decoded by Python), retries with backoff, resuming after a restart; configuration from a file.
@Suite struct NotifierTests {
    static func configuration(port: Int) -> NotifierConfiguration {
        NotifierConfiguration(
            // A long dialogue timeout: the full parallel run on two loaded cores once starved the
            // Python server past the default 30 s and the two mails went unsent.
            enabled: true,
            smtp: SMTPSettings(host: "127.0.0.1", port: port, from: "noreply@rsj.example.gov.cn", timeout: 180),
            siteURL: "https://zhicheng.example.gov.cn", pollSeconds: 1, maxAttempts: 3, retrySeconds: 60)
    }

    /// The applicant of A-1 with a confirmed address; A-1 moved through the unit's two steps.
    static func scenarioWithMail() async throws -> ConsoleScenario {
        let s = try await ConsoleScenario.make()
        let account = try #require(try s.store.account(username: "applicant1"))
        try s.store.setEmail(accountID: account.id, email: "zhang1@example.com", codeHash: "h")
        #expect(try s.store.confirmEmail(accountID: account.id, codeHash: "h"))
        try s.drive("A-1", to: .qualificationReview)
        return s
    }

    @Test func theApplicantReceivesTheMessagesInChinese() async throws {
        let s = try await Self.scenarioWithMail()
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let notifier = Notifier(configuration: Self.configuration(port: sink.port), store: s.store, now: { s.now.now })
        #expect(await notifier.sendDue() == 2)
        let mails = try sink.received()
        #expect(mails.count == 2)
        let subjects = mails.compactMap { $0["subject"] as? String }
        #expect(subjects == ["【职称评审】单位内部公示已开始", "【职称评审】用人单位已审核推荐"])
        let first = try #require(mails.first)
        #expect(first["rcpt_tos"] as? [String] == ["zhang1@example.com"])
        #expect(first["mail_from"] as? String == "noreply@rsj.example.gov.cn")
        #expect(first["charset"] as? String == "utf-8")
        #expect(first["transfer_encoding"] as? String == "base64")
        let body = try #require(mails.last?["body"] as? String)
        #expect(body.contains("用人单位已于2026年3月"))
        #expect(body.contains("审核推荐您的职称申报（申报编号 A-1，工程师），申报已报送职改办。"))
        #expect(body.contains("查看详情：https://zhicheng.example.gov.cn/apply/A-1"))
        // On the wire: RFC 2047 words and base64, no raw UTF-8.
        let raw = try #require(first["raw"] as? String)
        #expect(raw.contains("Subject: =?UTF-8?B?"))
        #expect(!raw.contains("单位"))
        // Sent once: nothing is due any more; the other applicant (no address) got nothing.
        #expect(await notifier.sendDue() == 0)
        #expect(try s.store.outboxCounts().sent == 2)
        #expect(try sink.received().count == 2)
    }

    @Test func aTemporaryRefusalIsRetriedLaterAndAfterARestart() async throws {
        let s = try await ConsoleScenario.make()
        let account = try #require(try s.store.account(username: "applicant1"))
        try s.store.setEmail(accountID: account.id, email: "zhang1@example.com", codeHash: "h")
        _ = try s.store.confirmEmail(accountID: account.id, codeHash: "h")
        try s.execute("A-1", .startUnitNotice, as: s.hr("A-1"), at: s.now.now)
        let sink = try await SMTPSink(rejectFirst: 1)
        defer { sink.stop() }
        let clock = ShiftedClock { s.now.now }
        let first = Notifier(configuration: Self.configuration(port: sink.port), store: s.store, now: { clock.now })
        #expect(await first.sendDue() == 0)
        #expect(try s.store.outboxCounts().waiting == 1)
        #expect(try sink.received().isEmpty)
        // Not before the backoff (60 s for the first retry).
        clock.advance(30)
        #expect(await first.sendDue() == 0)
        // A new notifier on the same database (a restart) sends it once it is due.
        clock.advance(31)
        let restarted = Notifier(configuration: Self.configuration(port: sink.port), store: s.store, now: { clock.now })
        #expect(await restarted.sendDue() == 1)
        #expect(try sink.received().map { $0["subject"] as? String } == ["【职称评审】单位内部公示已开始"])
        #expect(try s.store.outboxCounts() == (sent: 1, waiting: 0, failed: 0))
    }

    @Test func anUnreachableServerIsGivenUpAfterTheLastAttempt() async throws {
        let s = try await Self.scenarioWithMail()
        let clock = ShiftedClock { s.now.now }
        // A port nobody listens on (the sink's, once it has stopped).
        let sink = try await SMTPSink()
        sink.stop()
        let notifier = Notifier(configuration: Self.configuration(port: sink.port), store: s.store, now: { clock.now })
        for _ in 0..<3 {
            #expect(await notifier.sendDue() == 0)
            clock.advance(3600)
        }
        #expect(try s.store.outboxCounts() == (sent: 0, waiting: 0, failed: 2))
    }

    @Test func theClientDeliversALineStartingWithADot() async throws {
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let mail = MailMessage(
            from: "noreply@rsj.example.gov.cn", to: "li@example.com", subject: "评审会议邀请",
            body: "第一行\n.第二行以句点开头\n", date: Date(timeIntervalSince1970: 1_780_000_000), messageID: "t1")
        try await SMTPClient.send(mail, settings: Self.configuration(port: sink.port).smtp)
        let received = try sink.received()
        #expect(received.count == 1)
        #expect(received.first?["subject"] as? String == "评审会议邀请")
        #expect(received.first?["body"] as? String == "第一行\n.第二行以句点开头\n")
    }

    @Test func subjectWordsDotStuffingAndBackoff() throws {
        let long = String(repeating: "职称评审结果公示", count: 6)
        let words = MailMessage.encodedWords(long)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word -> String in
            let b64 = word.dropFirst(10).dropLast(2)
            return String(decoding: Data(base64Encoded: String(b64))!, as: UTF8.self)
        }.joined()
        #expect(decoded == long)
        #expect(MailMessage.encodedWords("Hello") == ["Hello"])
        #expect(SMTPDialogue.dotStuffed("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
        #expect(SMTPDialogue.reply("250-SIZE")! == (250, true))
        #expect(SMTPDialogue.reply("250 OK")! == (250, false))
        #expect(SMTPDialogue.isPlainAddress("a.b@example.com"))
        #expect(!SMTPDialogue.isPlainAddress("a b@example.com"))
        #expect(!SMTPDialogue.isPlainAddress("a@example.com>\r\nRCPT TO:<x@y.z"))
        let c = Self.configuration(port: 25)
        #expect(c.retryDelay(afterAttempts: 1) == 60)
        #expect(c.retryDelay(afterAttempts: 2) == 120)
        #expect(c.retryDelay(afterAttempts: 3) == nil)
    }

    @Test func configurationFromAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-notifier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func load(_ text: String) throws(ConfigError) -> NotifierConfiguration {
            let path = dir.appendingPathComponent("notifier.yaml").path
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            return try NotifierConfiguration.load(path: path)
        }
        let off = try load("from: noreply@rsj.example.gov.cn\n")
        #expect(off.enabled == false)
        let on = try load("enabled: yes\nhost: 127.0.0.1\nport: 2525\nfrom: noreply@rsj.example.gov.cn\nsite_url: https://a.example/\n")
        #expect(on.enabled && on.smtp.port == 2525 && on.siteURL == "https://a.example")
        #expect(on.smtp.security == .none && on.smtp.verifyCertificate)
        #expect(throws: ConfigError.self) { try load("enabled: yes\n") }
        // An older file's starttls: yes is tls: starttls (port 587 unless given).
        let legacy = try load("enabled: yes\nfrom: noreply@rsj.example.gov.cn\nstarttls: yes\n")
        #expect(legacy.smtp.security == .starttls && legacy.smtp.port == 587)
        // Another host only with TLS: a clear Chinese refusal naming the key.
        do {
            _ = try load("enabled: yes\nhost: smtp.example.com\nfrom: a@b.cn\n")
            Issue.record("a plain connection to another host accepted")
        } catch {
            #expect(error.description.contains("host") && error.description.contains("须经TLS加密"), "\(error)")
        }
        let remote = try load("enabled: yes\nhost: smtp.example.com\ntls: implicit\nfrom: a@b.cn\n")
        #expect(remote.smtp.security == .implicit && remote.smtp.port == 465 && remote.smtp.verifyCertificate)
        try "username: u\npassword: p\n".write(
            to: dir.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(  // only its owner may read a file with a password
            [.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("secret.yaml").path)
        let local = try load("enabled: yes\nfrom: a@b.cn\ntls: starttls\ncredentials: secret.yaml\n")
        #expect(local.smtp.username == "u" && local.smtp.password == "p")
        // Credentials only over TLS with the certificate verified, even to this host.
        for text in [
            "enabled: yes\nfrom: a@b.cn\ncredentials: secret.yaml\n",
            "enabled: yes\nhost: smtp.example.com\ntls: starttls\nverify_certificate: no\nfrom: a@b.cn\ncredentials: secret.yaml\n",
        ] {
            do {
                _ = try load(text)
                Issue.record("credentials without verified TLS accepted: \(text)")
            } catch {
                #expect(error.description.contains("credentials") && error.description.contains("账户密码"), "\(error)")
            }
        }
        #expect(throws: ConfigError.self) { try load("enabled: yes\nfrom: a@b.cn\ntls: ssl\n") }
    }
}
