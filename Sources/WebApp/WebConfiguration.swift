import Domain
import Foundation
import Store

/// Everything the web application needs, passed in by the caller (the `serve` command or a test).
///
/// ```swift
/// let configuration = WebConfiguration(
///     store: try EventStore(path: "out/demo/pingshen.sqlite"),
///     rules: try Rulebook.load(directory: "policy"),
///     webDirectory: "web")
/// let app = try buildApplication(configuration: configuration)
/// try await app.runService()
/// ```
public struct WebConfiguration: Sendable {
    /// The event store the pages read (a GRDB pool: safe to read from many requests at once).
    public var store: EventStore
    /// The office's policy (region names, objection contact, verification URL) and calendar.
    public var rules: Rulebook
    /// Interface to bind, `127.0.0.1` by default (put a reverse proxy in front for the public).
    public var host: String
    public var port: Int
    /// The folder with `pages/` (Mustache HTML templates) and `static/` (CSS and images).
    public var webDirectory: String
    /// Token buckets for certificate verification, per client address.
    public var verificationLimit: RateLimit
    /// A request header that carries the client address when a trusted reverse proxy sits in
    /// front (for example `X-Real-IP`); `nil` uses the socket's peer address.
    public var clientAddressHeader: String?
    /// The monotonic clock of the rate limiter, in seconds (injected by tests).
    public var clock: @Sendable () -> Double
    /// Wall-clock time shown on pages ("查验时间"), injectable for stable output.
    public var now: @Sendable () -> Date

    public init(
        store: EventStore, rules: Rulebook, host: String = "127.0.0.1", port: Int = 8080, webDirectory: String = "web",
        verificationLimit: RateLimit = .verificationDefault, clientAddressHeader: String? = nil,
        clock: @escaping @Sendable () -> Double = WebConfiguration.monotonicSeconds,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.rules = rules
        self.host = host
        self.port = port
        self.webDirectory = webDirectory
        self.verificationLimit = verificationLimit
        self.clientAddressHeader = clientAddressHeader
        self.clock = clock
        self.now = now
    }

    /// Seconds from an arbitrary start, never going backwards.
    @Sendable public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000
    }

    var pagesDirectory: String { (webDirectory as NSString).appendingPathComponent("pages") }
    var staticDirectory: String { (webDirectory as NSString).appendingPathComponent("static") }
}

/// A token bucket's size: `capacity` requests at once, refilled at `refillPerSecond`.
public struct RateLimit: Sendable, Equatable {
    public var capacity: Double
    public var refillPerSecond: Double
    /// Clients remembered at most (the oldest idle ones are forgotten first).
    public var maximumClients: Int

    public init(capacity: Double, refillPerSecond: Double, maximumClients: Int = 10_000) {
        precondition(capacity >= 1 && refillPerSecond > 0 && maximumClients > 0)
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maximumClients = maximumClients
    }

    /// 20 verifications at once, then one every 3 seconds (20 a minute) per client.
    public static let verificationDefault = RateLimit(capacity: 20, refillPerSecond: 1.0 / 3.0)
}
