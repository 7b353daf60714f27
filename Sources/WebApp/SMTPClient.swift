import Foundation
import NIOCore
import NIOPosix

/// Where and how the notifier hands mail over (from `notifier.yaml`, `NotifierConfiguration`).
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The envelope and header sender.
    public var from: String
    /// The name this host gives in EHLO.
    public var heloName: String
    /// AUTH PLAIN with these (only to a loopback relay: there is no TLS here).
    public var username: String?
    public var password: String?
    /// Seconds a whole delivery may take before the connection is closed.
    public var timeout: Int

    public init(
        host: String, port: Int, from: String, heloName: String = "pingshen.localdomain", username: String? = nil,
        password: String? = nil, timeout: Int = 30
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.username = username
        self.password = password
        self.timeout = timeout
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

/// A small SMTP client (RFC 5321) over a plain TCP connection made with `NIOPosix`: greeting,
/// EHLO, AUTH PLAIN when credentials are set, MAIL FROM, RCPT TO, DATA with the message
/// dot-stuffed, QUIT. One connection per message.
public enum SMTPClient {
    public static func send(_ message: MailMessage, settings: SMTPSettings) async throws {
        let channel: NIOAsyncChannel<String, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
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
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            func expect(_ codes: ClosedRange<Int>, after what: String) async throws {
                var last = ""
                while true {
                    guard let line = try await replies.next() else {
                        throw SMTPError("connection closed after \(what)")
                    }
                    guard let reply = SMTPDialogue.reply(line) else { throw SMTPError("malformed reply to \(what): \(line)") }
                    last = line
                    if reply.more { continue }
                    guard codes.contains(reply.code) else {
                        throw SMTPError("\(what): \(last)", permanent: reply.code >= 500)
                    }
                    return
                }
            }
            func write(_ text: String) async throws {
                try await outbound.write(ByteBuffer(string: text))
            }
            try await expect(220...220, after: "greeting")
            try await write("EHLO \(settings.heloName)\r\n")
            try await expect(250...250, after: "EHLO")
            if let username = settings.username, let password = settings.password {
                let token = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
                try await write("AUTH PLAIN \(token)\r\n")
                try await expect(235...235, after: "AUTH")
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
            try? await expect(221...221, after: "QUIT")
        }
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
