import Foundation
import Testing

@testable import WebApp

/// The notifier's TLS against a real server (aiosmtpd through `Tests/Tools/smtp-sink.py`) with a
/// self-signed certificate the test makes with `openssl req`: STARTTLS and implicit TLS (SMTPS)
/// with AUTH PLAIN or LOGIN, the certificate verified against the file `ca_file` names; without
/// that file, or to a server whose certificate names neither the address nor `tls_server_name`,
/// nothing is sent and the password never leaves; a server that does not offer STARTTLS is not
/// sent to in the clear.
@Suite struct NotifierTLSTests {
    static let user = "noreply"
    static let password = "Smtp-Secret-2026"

    /// A self-signed certificate for `names` (and its key) in a new folder.
    static func certificate(names: String = "DNS:localhost,IP:127.0.0.1") throws -> (dir: URL, cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=\(names)",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openssl req (Debian package openssl)")
        return (dir, cert, key)
    }

    /// The settings `notifier.yaml` gives for this server (read from a real file, as `serve` does).
    static func settings(
        _ dir: URL, port: Int, tls: String, ca: String?, extra: String = "", password: Bool = true
    ) throws -> SMTPSettings {
        let secret = dir.appendingPathComponent("smtp-password")
        try "\(Self.password)\n".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        var text = "enabled: yes\nhost: 127.0.0.1\nport: \(port)\ntls: \(tls)\nfrom: noreply@rsj.example.gov.cn\ntimeout_seconds: 180\n"
        if let ca { text += "ca_file: \(ca)\n" }
        if password { text += "username: \(Self.user)\npassword_file: smtp-password\n" }
        text += extra
        let path = dir.appendingPathComponent("notifier.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try NotifierConfiguration.load(path: path).smtp
    }

    static func mail(_ n: Int) -> MailMessage {
        MailMessage(
            from: "noreply@rsj.example.gov.cn", to: "zhang\(n)@example.com", subject: "【职称评审】验证码",
            body: "您的验证码是 \(n)。", date: Date(timeIntervalSince1970: 1_790_000_000), messageID: "tls\(n)")
    }

    @Test(arguments: ["starttls", "implicit"])
    func mailGoesOverVerifiedTLSWithAuthentication(_ mode: String) async throws {
        let (dir, cert, key) = try Self.certificate()
        let sink = try await SMTPSink(
            arguments: ["--tls", mode, "--cert", cert, "--key", key, "--auth", "\(Self.user):\(Self.password)"])
        defer { sink.stop() }
        let settings = try Self.settings(dir, port: sink.port, tls: mode, ca: cert)
        #expect(settings.security.rawValue == mode && settings.verifyCertificate)
        #expect(!"\(settings)".contains(Self.password))
        try await SMTPClient.send(Self.mail(1), settings: settings)
        let received = try sink.received()
        #expect(received.count == 1)
        #expect(received.first?["tls"] as? Bool == true)
        #expect(received.first?["login"] as? String == Self.user)
        #expect(received.first?["subject"] as? String == "【职称评审】验证码")
        #expect((received.first?["body"] as? String)?.contains("您的验证码是 1。") == true)
    }

    @Test(arguments: ["starttls", "implicit"])
    func anUnverifiedCertificateStopsTheMail(_ mode: String) async throws {
        let (dir, cert, key) = try Self.certificate()
        let sink = try await SMTPSink(
            arguments: ["--tls", mode, "--cert", cert, "--key", key, "--auth", "\(Self.user):\(Self.password)"])
        defer { sink.stop() }
        // Not trusted: the system's roots do not know a self-signed certificate.
        do {
            try await SMTPClient.send(Self.mail(2), settings: try Self.settings(dir, port: sink.port, tls: mode, ca: nil))
            Issue.record("sent to a server whose certificate nobody vouches for")
        } catch let error as SMTPError {
            #expect(error.message.contains("TLS"), "\(error.message)")
            #expect(!error.message.contains(Self.password))
        }
        #expect(try sink.received().isEmpty)
    }

    /// The certificate must name the server: trusted, but for localhost only, it is refused for
    /// another name and accepted for localhost (`tls_server_name`, as the host is an address).
    @Test(arguments: ["starttls", "implicit"])
    func theCertificateMustNameTheServer(_ mode: String) async throws {
        let (dir, cert, key) = try Self.certificate(names: "DNS:localhost")
        let sink = try await SMTPSink(
            arguments: ["--tls", mode, "--cert", cert, "--key", key, "--auth", "\(Self.user):\(Self.password)"])
        defer { sink.stop() }
        for name in [nil, "smtp.example.gov.cn"] {
            do {
                try await SMTPClient.send(
                    Self.mail(3),
                    settings: try Self.settings(
                        dir, port: sink.port, tls: mode, ca: cert, extra: name.map { "tls_server_name: \($0)\n" } ?? ""))
                Issue.record("sent to a server whose certificate names another host (\(name ?? "127.0.0.1"))")
            } catch let error as SMTPError {
                #expect(error.message.contains("TLS"), "\(error.message)")
            }
        }
        #expect(try sink.received().isEmpty)
        try await SMTPClient.send(
            Self.mail(5), settings: try Self.settings(dir, port: sink.port, tls: mode, ca: cert, extra: "tls_server_name: localhost\n"))
        #expect(try sink.received().count == 1)
    }

    @Test func noMailInTheClearWhenTheServerOffersNoStartTLS() async throws {
        let (dir, cert, _) = try Self.certificate()
        let sink = try await SMTPSink()
        defer { sink.stop() }
        do {
            try await SMTPClient.send(Self.mail(4), settings: try Self.settings(dir, port: sink.port, tls: "starttls", ca: cert))
            Issue.record("sent without TLS")
        } catch let error as SMTPError {
            #expect(error.message.contains("STARTTLS"), "\(error.message)")
        }
        #expect(try sink.received().isEmpty)
    }

    /// A password file others can read is refused at start, naming the file, its mode and the
    /// fix; nothing of the password shows in the message. With `chmod 600` it loads.
    @Test func aPasswordFileOthersCanReadIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-notifier-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("smtp-password")
        try "\(Self.password)\n".write(to: secret, atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("notifier.yaml").path
        try "enabled: yes\nhost: smtp.example.gov.cn\ntls: starttls\nfrom: noreply@rsj.example.gov.cn\nusername: \(Self.user)\npassword_file: smtp-password\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        for mode in [0o644, 0o640, 0o604] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: secret.path)
            do {
                _ = try NotifierConfiguration.load(path: path)
                Issue.record("a password file of mode \(String(mode, radix: 8)) was accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("权限过宽") && text.contains("chmod 600") && text.contains(String(mode, radix: 8)), "\(text)")
                #expect(text.contains("password_file"), "\(text)")
                #expect(!text.contains(Self.password))
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        #expect(try NotifierConfiguration.load(path: path).smtp.password == Self.password)
    }
}
