import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// How the connection to the mail server is protected.
public enum SMTPSecurity: String, Sendable, Equatable, CaseIterable {
    /// Plain TCP: only to a relay on this host (the configuration refuses any other).
    case none
    /// Plain TCP, then `STARTTLS` before anything else is sent (RFC 3207; usually port 587 or 25).
    case starttls
    /// TLS from the first byte (SMTPS, RFC 8314; usually port 465).
    case implicit
}

/// Where and how the notifier hands mail over (from `notifier.yaml`, `NotifierConfiguration`).
public struct SMTPSettings: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The envelope and header sender.
    public var from: String
    /// The name this host gives in EHLO.
    public var heloName: String
    /// AUTH PLAIN or LOGIN with these — only over TLS with the certificate verified.
    public var username: String?
    public var password: String?
    /// Seconds a whole delivery may take before the connection is closed.
    public var timeout: Int
    public var security: SMTPSecurity
    /// Whether the server's certificate must chain to a trusted root and name the host (on
    /// unless the configuration turns it off).
    public var verifyCertificate: Bool
    /// A PEM file of certificates trusted besides the system's (an office's own CA).
    public var caFile: String?
    /// The name the certificate must carry (and the TLS SNI); the host when nil. For a host given
    /// as an IP address the certificate must carry that address.
    public var serverName: String?

    public init(
        host: String, port: Int, from: String, heloName: String = "pingshen.localdomain", username: String? = nil,
        password: String? = nil, timeout: Int = 30, security: SMTPSecurity = .none, verifyCertificate: Bool = true,
        caFile: String? = nil, serverName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.username = username
        self.password = password
        self.timeout = timeout
        self.security = security
        self.verifyCertificate = verifyCertificate
        self.caFile = caFile
        self.serverName = serverName
    }

    /// Never shows the password.
    public var description: String {
        "SMTP \(host):\(port) \(security.rawValue)\(verifyCertificate ? "" : " (certificate not verified)")"
            + (username.map { " as \($0)" } ?? "")
    }
}

/// A delivery that did not go through: what the server or the network said.
public struct SMTPError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// A 5xx answer: retrying will not help.
    public var permanent: Bool
    public init(_ message: String, permanent: Bool = false) {
        self.message = message
        self.permanent = permanent
    }
    public var description: String { message }
}

/// A small SMTP client (RFC 5321) over a TCP connection made with `NIOPosix`, TLS by
/// `NIOSSL` (BoringSSL) when the settings ask: implicit TLS from the first byte, or `STARTTLS`
/// after the first EHLO (then EHLO again, RFC 3207); certificates verified against the system's
/// roots and `caFile`, and the host name (or address) checked. Then AUTH PLAIN or LOGIN — only on
/// a TLS connection — MAIL FROM, RCPT TO, DATA with the message dot-stuffed, QUIT. One connection
/// per message. What goes wrong is an `SMTPError` naming the step, never the password.
public enum SMTPClient {
    public static func send(_ message: MailMessage, settings: SMTPSettings) async throws {
        let tls = try settings.security == .none ? nil : tlsContext(settings)
        let serverHostname = tls == nil ? nil : sniName(settings)
        let channel: NIOAsyncChannel<String, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .implicit, let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError("cannot connect to \(settings.host):\(settings.port): \(error)")
        }
        // A server that stops answering: the connection is closed, which ends the dialogue.
        let raw = channel.channel
        let deadline = raw.eventLoop.scheduleTask(in: .seconds(Int64(settings.timeout))) { raw.close(promise: nil) }
        defer { deadline.cancel() }
        var secured = settings.security == .implicit
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            /// The reply's lines (texts after the code) once its last line has a code in `codes`.
            @discardableResult
            func expect(_ codes: ClosedRange<Int>, after what: String) async throws -> [String] {
                var lines: [String] = []
                while true {
                    let next: String?
                    do { next = try await replies.next() } catch {
                        throw SMTPError("\(what): \(secured || what == "STARTTLS" ? "TLS: " : "")\(error)")
                    }
                    guard let line = next else {
                        throw SMTPError("\(secured ? "TLS: " : "")connection closed after \(what)")
                    }
                    guard let reply = SMTPDialogue.reply(line) else { throw SMTPError("malformed reply to \(what): \(line)") }
                    lines.append(String(line.dropFirst(4)))
                    if reply.more { continue }
                    guard codes.contains(reply.code) else {
                        throw SMTPError("\(what): \(line)", permanent: reply.code >= 500)
                    }
                    return lines
                }
            }
            func write(_ text: String) async throws {
                do { try await outbound.write(ByteBuffer(string: text)) } catch {
                    throw SMTPError("\(secured ? "TLS: " : "")cannot write: \(error)")
                }
            }
            try await expect(220...220, after: secured ? "greeting (TLS)" : "greeting")
            try await write("EHLO \(settings.heloName)\r\n")
            var extensions = try await expect(250...250, after: "EHLO")
            if settings.security == .starttls, let tls {
                guard SMTPDialogue.offers("STARTTLS", in: extensions) else {
                    throw SMTPError("the server does not offer STARTTLS (tls: starttls)")
                }
                try await write("STARTTLS\r\n")
                try await expect(220...220, after: "STARTTLS")
                // The handshake starts as the handler joins; what is written next waits for it.
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: tls, serverHostname: serverHostname), position: .first)
                }.get()
                secured = true
                try await write("EHLO \(settings.heloName)\r\n")
                extensions = try await expect(250...250, after: "EHLO after STARTTLS")
            }
            if let username = settings.username, let password = settings.password {
                guard secured, settings.verifyCertificate else {
                    throw SMTPError("credentials are sent only over TLS with the certificate verified", permanent: true)
                }
                let mechanisms = SMTPDialogue.authMechanisms(in: extensions)
                if mechanisms.contains("PLAIN") {
                    let token = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
                    try await write("AUTH PLAIN \(token)\r\n")
                    try await expect(235...235, after: "AUTH PLAIN")
                } else if mechanisms.contains("LOGIN") {
                    try await write("AUTH LOGIN\r\n")
                    try await expect(334...334, after: "AUTH LOGIN")
                    try await write(Data(username.utf8).base64EncodedString() + "\r\n")
                    try await expect(334...334, after: "AUTH LOGIN (user name)")
                    try await write(Data(password.utf8).base64EncodedString() + "\r\n")
                    try await expect(235...235, after: "AUTH LOGIN (password)")
                } else {
                    throw SMTPError("the server offers neither AUTH PLAIN nor AUTH LOGIN", permanent: true)
                }
            }
            try await write("MAIL FROM:<\(settings.from)>\r\n")
            try await expect(250...250, after: "MAIL FROM")
            try await write("RCPT TO:<\(message.to)>\r\n")
            try await expect(250...251, after: "RCPT TO")
            try await write("DATA\r\n")
            try await expect(354...354, after: "DATA")
            try await write(SMTPDialogue.dotStuffed(message.rendered))
            try await expect(250...250, after: "the message")
            try await write("QUIT\r\n")
            _ = try? await expect(221...221, after: "QUIT")
        }
    }

    /// The client's TLS context: TLS 1.2 or later, the system's roots and `caFile`, the
    /// certificate verified unless the settings turn it off.
    static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = settings.verifyCertificate ? .fullVerification : .none
        if let caFile = settings.caFile {
            do {
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw SMTPError("cannot read the CA certificates in \(caFile): \(error)", permanent: true)
            }
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw SMTPError("cannot set up TLS: \(error)", permanent: true)
        }
    }

    /// The name sent as SNI and checked in the certificate: nil for an IP address (then the
    /// certificate must name the address connected to).
    static func sniName(_ settings: SMTPSettings) -> String? {
        let name = settings.serverName ?? settings.host
        let isAddress = name.contains(":") || name.split(separator: ".").allSatisfy { UInt8($0) != nil }
        return isAddress ? nil : name
    }
}

/// Splits what the server sends into lines (CRLF or LF), at most 4 KB each.
final class SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError("reply line longer than 4096 bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        var bytes = buffer.readBytes(length: length) ?? []
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        context.fireChannelRead(wrapInboundOut(String(decoding: bytes, as: UTF8.self)))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

extension SMTPDialogue {
    /// Whether an EHLO reply's lines (texts after the code) offer `keyword` (case-insensitive).
    public static func offers(_ keyword: String, in lines: [String]) -> Bool {
        lines.contains { $0.split(separator: " ").first?.uppercased() == keyword.uppercased() }
    }

    /// The mechanisms of an EHLO reply's `AUTH` line, upper-cased.
    public static func authMechanisms(in lines: [String]) -> Set<String> {
        var result = Set<String>()
        for line in lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map { $0.uppercased() }
            if words.first == "AUTH" { result.formUnion(words.dropFirst()) }
        }
        return result
    }
}
