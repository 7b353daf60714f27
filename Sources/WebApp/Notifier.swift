import Domain
import Foundation
import Store

/// The outbound notifier's settings, from a YAML file (`notifier.yaml` beside the database, or
/// `serve --notifier PATH`); off unless the file says `enabled: yes`.
///
/// ```yaml
/// enabled: yes
/// host: smtp.example.gov.cn  # the office's mail server (127.0.0.1: a relay on this host)
/// port: 587                # default: 465 for tls: implicit, 587 for starttls, 25 for none
/// tls: starttls            # starttls | implicit (SMTPS) | none — none only to 127.0.0.1, ::1, localhost
/// verify_certificate: yes  # default yes: the certificate must chain to a trusted root and name the host
/// ca_file: /etc/pingshen/office-ca.pem   # optional: PEM certificates trusted besides the system's
/// tls_server_name: smtp.example.gov.cn   # optional: the name the certificate carries (default: host)
/// from: noreply@rsj.example.gov.cn
/// username: noreply        # optional: AUTH PLAIN or LOGIN, only over TLS with the certificate verified
/// password_file: smtp-password   # the password alone in a file (0600), relative to this file
/// site_url: https://zhicheng.example.gov.cn   # links in the mails
/// poll_seconds: 15
/// max_attempts: 8
/// retry_seconds: 60        # first retry; doubled each time, at most 6 hours
/// reset_code_minutes: 30   # how long a password reset code mailed to an applicant works
/// ```
///
/// `starttls: yes|no` (older files) means `tls: starttls|none`; `credentials: FILE` (a YAML file
/// with `username` and `password`) is read as before, under the same TLS rule.
public struct NotifierConfiguration: Sendable, Equatable {
    public var enabled: Bool
    public var smtp: SMTPSettings
    public var siteURL: String
    public var pollSeconds: Int
    public var maxAttempts: Int
    public var retrySeconds: Int
    /// How long a password reset code mailed to an applicant works.
    public var resetCodeMinutes: Int = 30

    public static let keys: Set<String> = [
        "enabled", "host", "port", "from", "starttls", "credentials", "site_url", "poll_seconds", "max_attempts",
        "retry_seconds", "helo", "timeout_seconds", "reset_code_minutes", "tls", "verify_certificate", "ca_file",
        "tls_server_name", "username", "password_file",
    ]

    /// Hosts a plain connection may go to: this machine.
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

    /// Why a file holding the mail account's password may not be used: others than its owner
    /// may read or write it (as ssh refuses a private key that others can read). Nil when only
    /// the owner can (`chmod 600`).
    static func secretFileRefusal(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }  // an unreadable file is refused where it is read
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        return "密码文件 \(path) 的权限过宽（当前为\(String(mode, radix: 8))，同组或其他用户可以读取）：请执行 chmod 600 \(path) 后重试"
    }

    /// Reads the file. - Throws: `ConfigError` naming the file, line and key, in Chinese.
    public static func load(path: String) throws(ConfigError) -> NotifierConfiguration {
        let root = try ConfigNode.load(path: path)
        try root.requireOnly(keys)
        let enabled = try root["enabled"]?.bool() ?? false
        let host = try root.string("host", default: "127.0.0.1")
        let security: SMTPSecurity
        if let node = root["tls"] {
            let text = try node.string()
            guard let value = SMTPSecurity(rawValue: text) else {
                throw node.error("tls 应为 starttls、implicit 或 none，而不是“\(text)”")
            }
            if let legacy = root["starttls"], try legacy.bool() != (value == .starttls) {
                throw legacy.error("starttls 与 tls 矛盾：请只保留 tls")
            }
            security = value
        } else {
            security = try root["starttls"]?.bool() == true ? .starttls : .none
        }
        let defaultPort = security == .implicit ? 465 : security == .starttls ? 587 : 25
        let port = try root.int("port", default: defaultPort, in: 1...65535)
        let fromNode = try root.required("from")
        let from = try fromNode.string()
        guard SMTPDialogue.isPlainAddress(from) else {
            throw fromNode.error("发件人地址“\(from)”不是有效的电子邮件地址")
        }
        if security == .none, !loopbackHosts.contains(host) {
            throw root.error(
                "发往其他主机（\(host)）的邮件须经TLS加密：请设置 tls: starttls（一般为587端口）或 tls: implicit（465端口）；不加密只能发给本机的邮件中继（host 为 127.0.0.1）",
                key: "host")
        }
        let verify = try root["verify_certificate"]?.bool() ?? true
        func relative(_ name: String) -> String {
            name.hasPrefix("/") ? name : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
        }
        var caFile: String?
        if let node = root["ca_file"] {
            let file = relative(try node.string())
            guard FileManager.default.isReadableFile(atPath: file) else { throw node.error("无法读取CA证书文件 \(file)") }
            caFile = file
        }
        let serverName = try root["tls_server_name"]?.string()
        var username: String?
        var password: String?
        var credentialsNode: ConfigNode?
        if let credentials = root["credentials"] {
            credentialsNode = credentials
            let file = relative(try credentials.string())
            if let refusal = Self.secretFileRefusal(file) { throw credentials.error(refusal) }
            let secrets = try ConfigNode.load(path: file)
            try secrets.requireOnly(["username", "password"])
            username = try secrets.required("username").string()
            password = try secrets.required("password").string()
        }
        if let node = root["username"] {
            guard credentialsNode == nil else { throw node.error("username 与 credentials 只能设置其一") }
            credentialsNode = node
            username = try node.string()
            guard let fileNode = root["password_file"] else { throw node.error("设置了 username 时须以 password_file 指定密码文件") }
            let file = relative(try fileNode.string())
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else { throw fileNode.error("无法读取密码文件 \(file)") }
            if let refusal = Self.secretFileRefusal(file) { throw fileNode.error(refusal) }
            // The password is the file's first line, exactly (never echoed in any message).
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let secret = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard !secret.isEmpty else { throw fileNode.error("密码文件 \(file) 的第一行是空的") }
            password = secret
        } else if let fileNode = root["password_file"] {
            throw fileNode.error("设置了 password_file 时须同时设置 username")
        }
        if let credentialsNode {
            guard security != .none else {
                throw credentialsNode.error("账户密码只在TLS加密的连接上发送：请设置 tls: starttls 或 tls: implicit")
            }
            guard verify else {
                throw credentialsNode.error("账户密码只发给证书经过验证的服务器：请删除 verify_certificate: no（或改为 yes）")
            }
        }
        let site = try root.string("site_url", default: "")
        if !site.isEmpty, !(site.hasPrefix("https://") || site.hasPrefix("http://")) {
            throw root.error("网站地址须以 https:// 开头", key: "site_url")
        }
        return NotifierConfiguration(
            enabled: enabled,
            smtp: SMTPSettings(
                host: host, port: port, from: from, heloName: try root.string("helo", default: "pingshen.localdomain"),
                username: username, password: password,
                timeout: try root.int("timeout_seconds", default: 30, in: 1...600), security: security,
                verifyCertificate: verify, caFile: caFile, serverName: serverName),
            siteURL: site.hasSuffix("/") ? String(site.dropLast()) : site,
            pollSeconds: try root.int("poll_seconds", default: 15, in: 1...3600),
            maxAttempts: try root.int("max_attempts", default: 8, in: 1...100),
            retrySeconds: try root.int("retry_seconds", default: 60, in: 1...86400),
            resetCodeMinutes: try root.int("reset_code_minutes", default: 30, in: 5...1440))
    }

    /// When the next try of a mail tried `attempts` times (counting this failure) is due; nil:
    /// give up. Doubling from `retrySeconds`, at most 6 hours apart.
    public func retryDelay(afterAttempts attempts: Int) -> TimeInterval? {
        guard attempts < maxAttempts else { return nil }
        let doubled = Double(retrySeconds) * pow(2, Double(max(0, attempts - 1)))
        return min(doubled, 6 * 3600)
    }
}

/// Mails the outbox (`Store/Outbox.swift`) and one-off codes through `SMTPClient`. `run()` is
/// the background task of `serve`: every `pollSeconds` it sends the due mails, marks each sent,
/// or schedules its retry (doubling), or gives it up after `maxAttempts` or a permanent (5xx)
/// refusal. Everything it needs is in the database, so a restart carries on where it stopped.
public final class Notifier: Sendable {
    public let configuration: NotifierConfiguration
    let store: EventStore
    let now: @Sendable () -> Date

    public init(configuration: NotifierConfiguration, store: EventStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.store = store
        self.now = now
    }

    /// The mail of one inbox message.
    public func mail(_ item: OutboxMail) -> MailMessage {
        let link = configuration.siteURL.isEmpty ? item.link : configuration.siteURL + item.link
        return MailMessage(
            from: configuration.smtp.from, to: item.address, subject: "【职称评审】\(item.subject)",
            body: "\(item.body)\n\n查看详情：\(link)\n\n本邮件由职称评审系统自动发送，请勿回复。",
            date: now(), messageID: "m\(item.messageID).\(Int(now().timeIntervalSince1970))")
    }

    /// Sends what is due once. - Returns: how many were sent.
    @discardableResult
    public func sendDue() async -> Int {
        let due: [OutboxMail]
        do { due = try store.dueMail(now: now()) } catch { return 0 }
        var sent = 0
        for item in due {
            do {
                try await SMTPClient.send(mail(item), settings: configuration.smtp)
                try? store.markMailSent(item.messageID, now: now())
                sent += 1
            } catch {
                let permanent = (error as? SMTPError)?.permanent ?? false
                let delay = permanent ? nil : configuration.retryDelay(afterAttempts: item.attempts + 1)
                try? store.markMailFailed(
                    item.messageID, error: "\(error)", retryAt: delay.map { now().addingTimeInterval($0) }, now: now())
            }
        }
        return sent
    }

    /// Until cancelled: the due mails, then a pause.
    public func run() async {
        while !Task.isCancelled {
            await sendDue()
            try? await Task.sleep(for: .seconds(configuration.pollSeconds))
        }
    }

    /// Sends one mail now, not kept anywhere (a one-time code must not wait in the database).
    public func sendNow(to address: String, subject: String, body: String) async throws {
        try await SMTPClient.send(
            MailMessage(
                from: configuration.smtp.from, to: address, subject: "【职称评审】\(subject)",
                body: body + "\n\n本邮件由职称评审系统自动发送，请勿回复。", date: now(),
                messageID: "c\(UInt64.random(in: 1...UInt64.max))"),
            settings: configuration.smtp)
    }
}
