import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Builds the router of the public site: pages, static files and the middleware chain.
///
/// The chain, outermost first: security headers (every response) → error pages (every error
/// becomes a Chinese HTML page) → routes; `/verify` adds the per-client rate limit.
/// Later increments add their groups (applicant portal, consoles) behind sessions and CSRF.
///
/// ```swift
/// let router = try buildRouter(configuration: configuration)
/// let app = Application(router: router)
/// try await app.test(.router) { client in
///     try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
/// }
/// ```
/// - Throws: `WebSetupError` when templates or static files cannot be loaded.
public func buildRouter(configuration: WebConfiguration) throws -> Router<WebRequestContext> {
    let policy = configuration.rules.policy
    let pages = try Pages(directory: configuration.pagesDirectory, policy: policy, banner: configuration.environmentBanner)
    let assets = try StaticAssets(directory: configuration.staticDirectory)
    let limiter = RateLimiter(limit: configuration.verificationLimit, clock: configuration.clock)
    let verification = VerificationPage(
        store: configuration.store, pages: pages, office: policy.region.office, now: configuration.now)
    let notices = NoticeBoard(
        store: configuration.store, pages: pages, objectionContact: policy.region.objectionContact,
        now: configuration.now)

    let sessions = SessionManager(
        store: configuration.store, lifetime: configuration.sessionLifetime,
        secureCookies: configuration.secureCookies, now: configuration.wallClock)
    let clientKey: @Sendable (Request, WebRequestContext) -> String = clientKeyFunction(
        header: configuration.clientAddressHeader)

    let router = Router(context: WebRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorPageMiddleware(pages: pages))
    router.add(middleware: SessionMiddleware(sessions: sessions))
    router.add(middleware: SessionErrorPageMiddleware(pages: pages))

    router.get("/") { _, context in try pages.response(.home, title: "首页", context: context) }
    router.get("/healthz") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
    router.get("/static/{file}") { _, context in
        guard let name = context.parameters.get("file"), let response = assets.response(name) else {
            throw WebError.notFound
        }
        return response
    }
    for path in verificationPaths(policy) {
        router.group(RouterPath(path))
            .add(
                middleware: RateLimitMiddleware(
                    limiter: limiter, clientAddressHeader: configuration.clientAddressHeader)
            )
            .get { request, _ in try verification.respond(to: request) }
    }
    router.get("/notices") { _, context in try notices.list(context) }
    router.get("/notices/past") { request, context in try notices.past(request, context) }
    router.get("/notices/{batch}") { _, context in try notices.batch(context.parameters.get("batch") ?? "", context) }

    AccountRoutes(
        store: configuration.store, pages: pages, sessions: sessions,
        hasher: PasswordHasher(cost: configuration.passwordCost),
        addressLimiter: RateLimiter(limit: configuration.signInLimit, clock: configuration.clock),
        pairLimiter: RateLimiter(limit: configuration.signInPairLimit, clock: configuration.clock),
        usernameLimiter: RateLimiter(limit: configuration.usernameLimit, clock: configuration.clock),
        clientKey: clientKey, now: configuration.now,
        dummyCost: DummyCost(store: configuration.store, fallback: configuration.passwordCost, clock: configuration.clock)
    ).add(to: router)
    let services = try WebServices(configuration: configuration, pages: pages)
    try ApplicantRoutes(services: services).add(to: router)
    CommitteeRoutes(services: services).add(to: router)
    ExpertRoutes(services: services).add(to: router)
    DocumentRoutes(services: services).add(to: router)
    DossierRoutes(services: services).add(to: router)
    UnitRoutes(services: services).add(to: router)
    UnitStaffRoutes(services: services).add(to: router)
    OfficeRoutes(services: services).add(to: router)
    AuditRoutes(services: services).add(to: router)
    ArchiveRoutes(services: services).add(to: router)
    AdminRoutes(services: services).add(to: router)
    MessageRoutes(services: services).add(to: router)
    RecoveryRoutes(
        services: services, addressLimiter: RateLimiter(limit: RecoveryRoutes.addressLimit, clock: configuration.clock),
        accountLimiter: RateLimiter(limit: RecoveryRoutes.accountLimit, clock: configuration.clock), clientKey: clientKey
    ).add(to: router)
    UnitRegistrationRoutes(
        services: services, limiter: RateLimiter(limit: configuration.signInLimit, clock: configuration.clock),
        clientKey: clientKey
    ).add(to: router)
    PoolRoutes(services: services).add(to: router)
    ObjectionRoutes(
        services: services, limiter: RateLimiter(limit: ObjectionRoutes.limit(policy), clock: configuration.clock),
        clientKey: clientKey
    ).add(to: router)
    if let clock = configuration.simulatedClock {
        DemoClockRoutes(
            store: configuration.store, pages: pages, rules: configuration.rules, clock: clock,
            test: configuration.environmentBanner != nil
        ).add(to: router)
    }
    return router
}

/// The application: the router bound to `configuration.host` and `port`.
///
/// ```swift
/// let app = try buildApplication(configuration: configuration)
/// try await app.runService()
/// ```
/// - Parameter onServerRunning: called once the socket is bound (the `serve` command prints
///   the address then).
public func buildApplication(
    configuration: WebConfiguration, onServerRunning: @escaping @Sendable () async -> Void = {}
) throws -> some ApplicationProtocol {
    try buildApplication(configuration: configuration, onBound: { _ in await onServerRunning() })
}

/// The application, telling `onBound` the port it listens on (port 0 in the configuration: one
/// the system chose; tests).
func buildApplication(
    configuration: WebConfiguration, onBound: @escaping @Sendable (Int) async -> Void
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration)
    let limits = configuration.connectionLimits
    let clients = ClientConnections(limit: limits.perClient)
    let header = configuration.clientAddressHeader.flatMap { HTTPField.Name($0) }
    let logger = Logger(label: "pingshen.connections")
    // Every connection: the per-client cap, header and body timeouts, the lingering close
    // after an early refusal (`ConnectionGuardHandler`); Hummingbird's idle timeout; at most
    // `effectiveMaximum` connections (beyond: the listen backlog waits).
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [
            ConnectionGuardHandler(limits: limits, clients: clients, header: header, logger: logger)
        ],
        idleTimeout: .nanoseconds(Int64(limits.idleTimeout * 1e9)))
    return Application(
        router: router,
        server: .http1(configuration: http1),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            availableConnectionsDelegate: MaximumAvailableConnections(limits.effectiveMaximum)),
        onServerRunning: { channel in await onBound(channel.localAddress?.port ?? configuration.port) })
}

/// Builds the application and runs it until SIGINT or SIGTERM (graceful shutdown).
public func runWebApplication(
    configuration: WebConfiguration, onServerRunning: @escaping @Sendable () async -> Void = {}
) async throws {
    let configuration = configuration
    // The deadlines run in the background (hourly; a demo's clock jumps run them at once).
    let scheduler = Task {
        await DeadlineRunner.loop(store: configuration.store, rules: configuration.rules, now: configuration.now)
    }
    defer { scheduler.cancel() }
    try await buildApplication(configuration: configuration, onServerRunning: onServerRunning).runService()
}

/// `/verify`, and the path of the policy's verification URL (which the certificates' QR codes
/// encode) when it differs.
func verificationPaths(_ policy: Policy) -> [String] {
    var paths = ["/verify"]
    if let path = URLComponents(string: policy.region.verificationBaseURL)?.path, path.hasPrefix("/"), path.count > 1,
        path != "/verify", !path.contains("{"), !path.contains("*")
    {
        paths.append(path)
    }
    return paths
}
