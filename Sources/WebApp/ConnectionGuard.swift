import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one connection may cost the server before it is answered: how long it may take to send
/// a request, how many connections one client and everyone may hold.
///
/// Without these, 1,100 half-sent requests held every file descriptor the process had and
/// locked everyone out for as long as they were held.
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections held at once by everyone (never more than the process's file limit allows,
    /// less a reserve for the database and files). Beyond it new connections wait in the
    /// listen backlog.
    public var maximumConnections: Int
    /// Connections one client holds at once: its peer address, or with
    /// `WebConfiguration.clientAddressHeader` the proxy's header (then counted per request in
    /// flight, the proxy holding the connections). Beyond it a connection is closed at once
    /// (with the header: answered 429).
    public var perClient: Int
    /// Seconds a request's head may take to arrive, counted from the connection's opening or
    /// the previous response (also how long an idle keep-alive connection stays open).
    public var headerTimeout: Double
    /// Seconds without a single byte read, whatever the state (Hummingbird's idle timeout).
    public var idleTimeout: Double
    /// A request body must arrive at this many bytes per second on average, counted after
    /// `bodyGrace` seconds; a slower one is cut off.
    public var minimumBodyRate: Int
    public var bodyGrace: Double
    /// When a response was sent before the request's body was read (a refusal), seconds the
    /// rest of the body is read and dropped before the connection is closed.
    public var lingerAfterRefusal: Double

    public init(
        maximumConnections: Int = 4096, perClient: Int = 64, headerTimeout: Double = 10, idleTimeout: Double = 30,
        minimumBodyRate: Int = 1024, bodyGrace: Double = 10, lingerAfterRefusal: Double = 2
    ) {
        self.maximumConnections = maximumConnections
        self.perClient = perClient
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.minimumBodyRate = minimumBodyRate
        self.bodyGrace = bodyGrace
        self.lingerAfterRefusal = lingerAfterRefusal
    }

    /// `maximumConnections`, lowered to the process's open-file limit less 128 (the database,
    /// uploads, documents and logs need descriptors too).
    public var effectiveMaximum: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
            return maximumConnections
        }
        return max(16, min(maximumConnections, Int(limit.rlim_cur) - 128))
    }
}

/// Connections (or requests in flight) per client key, shared by every connection's handler.
final class ClientConnections: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot for `key`. - Returns: false when the client holds `limit` already.
    func acquire(_ key: String) -> Bool {
        counts.withLockedValue { counts in
            let held = counts[key, default: 0]
            guard held < limit else { return false }
            counts[key] = held + 1
            return true
        }
    }

    func release(_ key: String) {
        counts.withLockedValue { counts in
            let left = counts[key, default: 0] - 1
            counts[key] = left > 0 ? left : nil
        }
    }

    func held(_ key: String) -> Int { counts.withLockedValue { $0[key, default: 0] } }

    /// Refusals per client since they were last logged, and when that was: one log line per
    /// client a minute, not one per refused connection (an attack would fill the log).
    private let refusals = NIOLockedValueBox<[String: (count: Int, logged: NIODeadline)]>([:])

    /// Counts a refusal of `key`. - Returns: the refusals to report now (nil: not yet).
    func refused(_ key: String) -> Int? {
        refusals.withLockedValue { refusals in
            let now = NIODeadline.now()
            var entry = refusals[key] ?? (0, now - .seconds(120))
            entry.count += 1
            if now - entry.logged >= .seconds(60) {
                let count = entry.count
                refusals[key] = (0, now)
                if refusals.count > 10_000 { refusals = refusals.filter { now - $0.value.logged < .seconds(60) } }
                return count
            }
            refusals[key] = entry
            return nil
        }
    }
}

/// One per connection, after the HTTP codec: the per-client cap, the header timeout (which is
/// also the keep-alive timeout), the minimum body rate, and the lingering close after a response
/// sent before the request's body was read — the rest of such a body is dropped here (never
/// handed to the application) for `lingerAfterRefusal` seconds, then the connection closes.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    let clients: ClientConnections
    /// The proxy's client-address header: the key comes from each request then.
    let header: HTTPField.Name?
    let logger: Logger

    /// The client key holding a slot in `clients` for the connection (without a header).
    private var connectionSlot: String?
    /// With a header: the keys holding a slot for each request in flight, oldest first.
    private var requestSlots: [String] = []
    private var activated = false
    /// The request being read has arrived whole (its `.end` was read).
    private var requestComplete = true
    /// Requests whose response has not ended (more than one only when a client pipelines).
    private var inFlight = 0
    /// The response went out before the request's body was read: drop the rest, then close.
    private var lingering = false
    /// A request refused here (its client holds too many): its parts are dropped.
    private var refusedHere = false
    private var bodyStarted = NIODeadline.now()
    private var bodyBytes = 0
    private var headerTimer: Scheduled<Void>?
    private var rateTimer: Scheduled<Void>?
    private var lingerTimer: Scheduled<Void>?

    init(limits: ConnectionLimits, clients: ClientConnections, header: HTTPField.Name?, logger: Logger) {
        self.limits = limits
        self.clients = clients
        self.header = header
        self.logger = logger
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activate(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    private func activate(_ context: ChannelHandlerContext) {
        guard !activated else { return }
        activated = true
        if header == nil {
            let key = context.channel.remoteAddress?.ipAddress ?? "unknown"
            guard clients.acquire(key) else {
                if let count = clients.refused(key) {
                    logger.notice(
                        "connections refused: too many from one client",
                        metadata: ["client": .string(key), "refused": .stringConvertible(count)])
                }
                context.close(promise: nil)
                return
            }
            connectionSlot = key
        }
        startHeaderTimer(context)
    }

    private func stop() {
        headerTimer?.cancel()
        headerTimer = nil
        rateTimer?.cancel()
        rateTimer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        if let connectionSlot {
            clients.release(connectionSlot)
            self.connectionSlot = nil
        }
        for key in requestSlots { clients.release(key) }
        requestSlots = []
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            headerTimer?.cancel()
            headerTimer = nil
            requestComplete = false
            inFlight += 1
            if let header {
                let key = Self.clientKey(head.headerFields[header]) ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
                guard clients.acquire(key) else {
                    if let count = clients.refused(key) {
                        logger.notice(
                            "requests refused: too many from one client",
                            metadata: ["client": .string(key), "refused": .stringConvertible(count)])
                    }
                    refuse(context)
                    return
                }
                requestSlots.append(key)
            }
            bodyStarted = .now()
            bodyBytes = 0
            startRateTimer(context)
            context.fireChannelRead(data)
        case .body(let buffer):
            if lingering || refusedHere { return }
            bodyBytes += buffer.readableBytes
            context.fireChannelRead(data)
        case .end:
            requestComplete = true
            rateTimer?.cancel()
            rateTimer = nil
            if lingering || refusedHere {
                context.close(promise: nil)
                return
            }
            context.fireChannelRead(data)
        }
    }

    /// The first address of a proxy's header value (as `clientKeyFunction` reads it).
    static func clientKey(_ value: String?) -> String? {
        guard let value else { return nil }
        let first = value.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return first.isEmpty ? nil : String(first.prefix(64))
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            if !requestComplete, inFlight == 1 {
                // Answered before the body was read: this connection ends after the response.
                response.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(response)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            inFlight = max(0, inFlight - 1)
            releaseRequestSlot()
            context.write(data, promise: promise)
            if !requestComplete, inFlight == 0 {
                beginLingering(context)
            } else if requestComplete, inFlight == 0 {
                startHeaderTimer(context)
            }
        }
    }

    // MARK: timers and refusals

    private func releaseRequestSlot() {
        guard !requestSlots.isEmpty else { return }
        clients.release(requestSlots.removeFirst())
    }

    private func startHeaderTimer(_ context: ChannelHandlerContext) {
        headerTimer?.cancel()
        let seconds = limits.headerTimeout
        headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            [weak self] in
            guard let self, self.requestComplete, self.inFlight == 0 else { return }
            self.logger.debug("connection closed: no request head in time")
            context.close(promise: nil)
        }
    }

    /// Checks the body's average rate every second while it is being read.
    private func startRateTimer(_ context: ChannelHandlerContext) {
        rateTimer?.cancel()
        rateTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [weak self] in
            guard let self else { return }
            self.rateTimer = nil
            guard !self.requestComplete, !self.lingering, !self.refusedHere else { return }
            let elapsed = Double((NIODeadline.now() - self.bodyStarted).nanoseconds) / 1e9
            if elapsed > self.limits.bodyGrace,
                Double(self.bodyBytes) < Double(self.limits.minimumBodyRate) * (elapsed - self.limits.bodyGrace)
            {
                self.logger.notice(
                    "connection closed: request body too slow",
                    metadata: ["bytes": .stringConvertible(self.bodyBytes), "seconds": .stringConvertible(Int(elapsed))])
                context.close(promise: nil)
                return
            }
            self.startRateTimer(context)
        }
    }

    private func beginLingering(_ context: ChannelHandlerContext) {
        lingering = true
        rateTimer?.cancel()
        rateTimer = nil
        context.flush()
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(
            in: .nanoseconds(Int64(limits.lingerAfterRefusal * 1e9))
        ) {
            context.close(promise: nil)
        }
    }

    /// A 429 written here (the client holds too many requests): the request never reaches the
    /// application; the rest of its body is dropped and the connection closed.
    private func refuse(_ context: ChannelHandlerContext) {
        refusedHere = true
        rateTimer?.cancel()
        let text = "请求过多：同一地址同时进行的请求已达上限（\(limits.perClient)个），请稍后再试。\n"
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        let head = HTTPResponse(
            status: .tooManyRequests,
            headerFields: [
                .contentType: "text/plain; charset=utf-8", .contentLength: String(buffer.readableBytes),
                .connection: "close", .retryAfter: "5",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(
            in: .nanoseconds(Int64(limits.lingerAfterRefusal * 1e9))
        ) {
            context.close(promise: nil)
        }
    }
}
