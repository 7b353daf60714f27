import Domain
import Foundation
import Store

/// The outbound notifier's settings, from a YAML file (`notifier.yaml` beside the database, or
/// `serve --notifier PATH`); off unless the file says `enabled: yes`.
///
/// ```yaml
/// enabled: yes
/// host: 127.0.0.1          # the office's mail relay
/// port: 25
/// from: noreply@rsj.example.gov.cn
/// starttls: no             # TLS is the relay's job (see README)
/// credentials: smtp-credentials.yaml   # optional: username, password (0600); loopback relays only
/// site_url: https://zhicheng.example.gov.cn   # links in the mails
/// poll_seconds: 15
/// max_attempts: 8
/// retry_seconds: 60        # first retry; doubled each time, at most 6 hours
/// reset_code_minutes: 30   # how long a password reset code mailed to an applicant works
/// ```
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
        "retry_seconds", "helo", "timeout_seconds", "reset_code_minutes",
    ]

    /// Reads the file. - Throws: `ConfigError` naming the file, line and key, in Chinese.
    public static func load(path: String) throws(ConfigError) -> NotifierConfiguration {
        let root = try ConfigNode.load(path: path)
        try root.requireOnly(keys)
        let enabled = try root["enabled"]?.bool() ?? false
        let host = try root.string("host", default: "127.0.0.1")
        let port = try root.int("port", default: 25, in: 1...65535)
        let fromNode = try root.required("from")
        let from = try fromNode.string()
        guard SMTPDialogue.isPlainAddress(from) else {
            throw fromNode.error("发件人地址“\(from)”不是有效的电子邮件地址")
        }
        if let starttls = root["starttls"], try starttls.bool() {
            throw starttls.error("本系统不直接进行 STARTTLS 加密：请设为 no，并把邮件交给本机或内网的邮件中继（如 Postfix），由中继以 TLS 转发")
        }
        var username: String?
        var password: String?
        if let credentials = root["credentials"] {
            let name = try credentials.string()
            let file =
                name.hasPrefix("/")
                ? name : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
            let secrets = try ConfigNode.load(path: file)
            try secrets.requireOnly(["username", "password"])
            username = try secrets.required("username").string()
            password = try secrets.required("password").string()
            guard ["127.0.0.1", "::1", "localhost"].contains(host) else {
                throw credentials.error("账户密码只能发给本机的邮件中继（host 为 127.0.0.1）：本系统与中继之间不加密")
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
                timeout: try root.int("timeout_seconds", default: 30, in: 1...600)),
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
