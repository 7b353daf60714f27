import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Workflow

/// Random tokens for sessions and CSRF: 32 bytes from the system's CSPRNG, base64url.
enum Tokens {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 (hex) of a token: what the database keeps.
    static func hash(_ token: String) -> String {
        EventHash.hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// A token as `random()` makes them (43 base64url characters): anything else is ignored
    /// without touching the database.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43
            && token.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
            }
    }

    /// Compares without an early exit, so the time taken does not tell how much matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// Begins, finds and ends sessions. The cookie holds a random token; the database only its
/// SHA-256, so a copy of the database opens no session. Sessions last `lifetime` seconds.
public struct SessionManager: Sendable {
    public static let cookieName = "ps_session"
    public static let visitorCookieName = "ps_csrf"

    let store: EventStore
    let lifetime: Double
    let now: @Sendable () -> Date
    /// Adds `Secure` to the cookies (set when the site is served over HTTPS).
    let secureCookies: Bool

    public init(
        store: EventStore, lifetime: Double = 8 * 3600, secureCookies: Bool = false,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.lifetime = lifetime
        self.secureCookies = secureCookies
        self.now = now
    }

    /// Starts a session for `account`. - Returns: the cookie token (not stored) and the record.
    public func begin(_ account: Account) throws -> (token: String, session: WebSessionRecord) {
        let token = Tokens.random()
        let record = WebSessionRecord(
            tokenHash: Tokens.hash(token), accountID: account.id, csrf: Tokens.random(),
            expiresAt: now().timeIntervalSince1970 + lifetime)
        try store.insertSession(record, now: now())
        return (token, record)
    }

    func resolve(_ token: String) throws -> Identity? {
        guard Tokens.isWellFormed(token) else { return nil }
        guard let (session, account) = try store.session(tokenHash: Tokens.hash(token), now: now()) else { return nil }
        let unread = try account.inbox.map { try store.messageCounts(for: $0).unread } ?? 0
        var administersUnit = false
        if account.role == .unitHR, let unit = account.unitID,
            let registration = try UnitStaffActions.registration(store: store, unitID: unit)
        {
            administersUnit = UnitRegistrationMachine.administratorActorID(registration.state) == account.actor.id
        }
        return Identity(
            account: account, session: session, unreadMessages: unread, administersUnit: administersUnit)
    }

    func end(_ token: String) throws {
        guard Tokens.isWellFormed(token) else { return }
        try store.deleteSession(tokenHash: Tokens.hash(token))
    }

    /// `Set-Cookie` value for a session token (HttpOnly, SameSite=Strict, whole site).
    func sessionCookie(_ token: String) -> String {
        cookie(Self.cookieName, token, maxAge: Int(lifetime))
    }

    /// `Set-Cookie` value that removes the session cookie.
    func clearedSessionCookie() -> String { cookie(Self.cookieName, "", maxAge: 0) }

    func visitorCookie(_ token: String) -> String { cookie(Self.visitorCookieName, token, maxAge: nil) }

    private func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secureCookies { text += "; Secure" }
        return text
    }
}

/// Finds who is signed in and guards every form against cross-site requests.
///
/// - Reads the `ps_session` cookie and puts the account in `context.identity`.
/// - Gives a visitor without a session a CSRF token of their own (`ps_csrf` cookie), so the
///   sign-in and registration forms are protected too.
/// - On every unsafe request (POST, PUT, PATCH, DELETE): a foreign `Origin` is refused, and the
///   `_csrf` field must equal the token — otherwise `WebError.staleForm` (403) and the route
///   never runs.
///
/// What a request may cost before it is trusted is bounded: nothing of the body is read before
/// the `Origin`, the cookie and the token's source are checked. A client without a token
/// cookie is refused at once (no token it sends can match). A multipart body (file uploads,
/// signed-in accounts only) is never read here: its token comes in the query string (where
/// `FormView` puts it) and the route streams the body to disk afterwards. Only a URL-encoded
/// body is read for its `_csrf` field, at most `URLEncodedForm.Limits.standard.bytes` (a longer
/// declared length is refused before reading). Any other body is not read: its token must be
/// in the query string.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = WebRequestContext
    let sessions: SessionManager

    public init(sessions: SessionManager) { self.sessions = sessions }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        var request = request
        context.path = request.uri.path
        let cookies = request.cookies
        if let token = cookies[SessionManager.cookieName]?.value, let identity = try sessions.resolve(token) {
            context.identity = identity
            context.csrfToken = identity.session.csrf
        } else if let token = cookies[SessionManager.visitorCookieName]?.value, Tokens.isWellFormed(token) {
            context.csrfToken = token
        } else {
            context.csrfToken = Tokens.random()
            context.issuedVisitorToken = true
        }
        if Self.isUnsafe(request.method) {
            try Self.checkOrigin(request)
            // No token cookie: nothing this client sends can match. Refused before any body is read.
            guard !context.issuedVisitorToken else { throw WebError.staleForm }
            let provided = try await Self.submittedToken(&request, signedIn: context.identity != nil)
            guard let provided, Tokens.equal(provided, context.csrfToken) else { throw WebError.staleForm }
        }
        var response = try await next(request, context)
        if context.issuedVisitorToken, response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[values: .setCookie].append(sessions.visitorCookie(context.csrfToken))
        }
        return response
    }

    static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch || method == .delete
    }

    /// A browser's `Origin` must name this host. Absent (older clients, tools) or `null` (sent
    /// by some browsers for privacy): allowed, the token still decides.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        guard sameOriginURL(origin, request) != nil else { throw WebError.staleForm }
    }

    /// `_csrf` from the query string, or from a URL-encoded body (the body stays readable for
    /// the route). A multipart body is never read for it: the query string must carry it, and
    /// only a signed-in account may send one.
    static func submittedToken(_ request: inout Request, signedIn: Bool) async throws -> String? {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("multipart/form-data") {
            guard signedIn else { throw WebError.staleForm }
            return request.uri.queryParameters.get("_csrf")
        }
        if let token = request.uri.queryParameters.get("_csrf") { return token }
        guard type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let limit = URLEncodedForm.Limits.standard.bytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw WebError.payloadTooLarge
        }
        let body = try await request.collectBody(upTo: limit)
        return FormBody(pairs: try URLEncodedForm.parse(Array(body.readableBytesView)))["_csrf"]
    }
}

/// A posted URL-encoded form (parsed by `URLEncodedForm`) with lookups by name.
///
/// ```swift
/// var request = request
/// let form = try await request.form()
/// form["username"]  // the first value named username
/// ```
public struct FormBody: Sendable {
    public let pairs: [FormPair]

    public init(pairs: [FormPair]) { self.pairs = pairs }

    /// The first value named `name`.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value named `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}

extension Request {
    /// The URL-encoded form of a POST (the body was already collected by `SessionMiddleware`).
    mutating func form() async throws -> FormBody {
        let body = try await collectBody(upTo: URLEncodedForm.Limits.standard.bytes)
        return FormBody(pairs: try URLEncodedForm.parse(Array(body.readableBytesView)))
    }
}
