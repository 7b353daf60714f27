import Domain
import Foundation
import Store

/// Everything the web application needs, passed in by the caller (the `serve` command or a test).
///
/// ```swift
/// let configuration = WebConfiguration(
///     store: try EventStore(path: "out/demo/" + EventStore.fileName()),
///     rules: try Rulebook.load(directory: "policy"),
///     webDirectory: "web")
/// let app = try buildApplication(configuration: configuration)
/// try await app.runService()
/// ```
public struct WebConfiguration: Sendable {
    /// The event store the pages read (a pool of SQLite connections in WAL mode: safe to read
    /// from many requests at once).
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
    /// The workflow's time: what "today" is for deadlines and documents, and the time shown on
    /// pages ("查验时间"). A demo server moves it forward (`SimulatedClock`); tests fix it.
    public var now: @Sendable () -> Date
    /// Real time, for session expiry (never simulated: skipping days must not sign people out).
    public var wallClock: @Sendable () -> Date
    /// bcrypt cost of new passwords (12; tests use 4).
    public var passwordCost: UInt8 = 12
    /// Seconds a session lasts after sign-in.
    public var sessionLifetime: Double = 8 * 3600
    /// Mark cookies `Secure` (when a TLS proxy serves the site).
    public var secureCookies = false
    /// Sign-in and registration attempts per client address (each costs a bcrypt).
    public var signInLimit = RateLimit(capacity: 10, refillPerSecond: 1.0 / 6.0)
    /// Failed sign-ins per client address and user name: one address guessing one account.
    /// Keyed by the pair, so guesses from elsewhere never lock the owner out.
    public var signInPairLimit = RateLimit(capacity: 5, refillPerSecond: 1.0 / 30.0)
    /// Failed sign-ins per user name from all addresses together: the backstop against many
    /// addresses guessing one account. It refills faster than one address may guess (a token
    /// every 15 s against one every 30 s), so one address alone can never empty it.
    public var usernameLimit = RateLimit(capacity: 60, refillPerSecond: 1.0 / 15.0)
    /// What uploads may cost: per request, in flight per account and in all, the per-account
    /// quota, the disk's reserve.
    public var uploadLimits = UploadLimits()
    /// What a connection may cost: timeouts, connections per client and in all (used by
    /// `buildApplication`; router tests open no sockets).
    public var connectionLimits = ConnectionLimits()
    /// The outbound notifier (SMTP), when `serve` has one: one-time codes are mailed through it.
    public var notifier: Notifier?
    /// The demo's clock, when this is a demo server or a training/test installation: enables
    /// `/demo/clock` for the office.
    public var simulatedClock: SimulatedClock?
    /// A banner every page shows (`OfficeProfile.testClockBanner` on a training/test
    /// installation, `pingshen init --test-clock`); nil on a production server.
    public var environmentBanner: String?
    /// The office's document templates (`templates/`).
    public var templatesDirectory = "templates"
    /// The declaration forms and eligibility rules (`forms/`).
    public var formsDirectory = "forms"
    /// Where the server keeps its files: `documents/<kind>/` (rendered after every step) and
    /// `uploads/` (applicants' attachments). Nil: documents are not rendered (tests of pages
    /// that issue none).
    public var dataDirectory: String?

    public init(
        store: EventStore, rules: Rulebook, host: String = "127.0.0.1", port: Int = 8080, webDirectory: String = "web",
        verificationLimit: RateLimit = .verificationDefault, clientAddressHeader: String? = nil,
        clock: @escaping @Sendable () -> Double = WebConfiguration.monotonicSeconds,
        now: @escaping @Sendable () -> Date = Date.init, wallClock: @escaping @Sendable () -> Date = Date.init
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
        self.wallClock = wallClock
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
