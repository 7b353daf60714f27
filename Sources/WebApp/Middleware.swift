import Foundation
import HTTPTypes
import Hummingbird

/// Security headers on every response, error pages included (the outermost middleware).
///
/// The CSP allows nothing but this origin: no inline script or style, no framing, forms only
/// to this origin. Responses that set no `Cache-Control` of their own (every dynamic page)
/// get `no-store`; static assets set their own.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var contentSecurityPolicy: String {
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'"
    }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        // A route may answer with a stricter policy of its own (a rendered document shown in
        // the browser: no script at all, only its own inline style and data: images).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "same-origin"
        response.headers[Self.frameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns every error thrown below it into a Chinese HTML page with the right status — the one
/// place where errors meet HTTP. Unexpected errors are logged and shown without details.
public struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: Pages

    public init(pages: Pages) { self.pages = pages }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return pages.errorResponse(WebError.logged(error, request: request, logger: context.logger))
        }
    }
}

/// The error pages of the signed-in site (inside `SessionMiddleware`): the same mapping as
/// `ErrorPageMiddleware`, with the header showing who is signed in and, after a refused form,
/// a link back to the page it was posted from (the same-origin `Referer`).
public struct SessionErrorPageMiddleware: RouterMiddleware {
    public typealias Context = WebRequestContext
    let pages: Pages

    public init(pages: Pages) { self.pages = pages }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = WebError.logged(error, request: request, logger: context.logger)
            return pages.errorResponse(mapped, context: context, backTo: Self.referringPage(request))
        }
    }

    /// The path of a same-origin `Referer` (nil for another site or none).
    static func referringPage(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = sameOriginURL(referer, request) else { return nil }
        return localPath(url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? ""))
    }
}

/// Takes a token per request from the client's bucket; an empty bucket is a 429 page with
/// `Retry-After`. The client is the peer address, or the configured proxy header's value.
public struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    let clientKey: @Sendable (Request, Context) -> String

    public init(limiter: RateLimiter, clientAddressHeader: String? = nil) {
        self.limiter = limiter
        clientKey = clientKeyFunction(header: clientAddressHeader)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch await limiter.take(clientKey(request, context)) {
        case .allowed: return try await next(request, context)
        case .limited(let seconds): throw WebError.tooManyRequests(retryAfter: seconds)
        }
    }
}

/// The client's key for rate limits: the first address in a trusted proxy's header (bounded),
/// else the socket's peer address.
func clientKeyFunction<Context: RemoteAddressRequestContext>(
    header: String?
) -> @Sendable (Request, Context) -> String {
    let name = header.flatMap { HTTPField.Name($0) }
    return { request, context in
        if let name, let value = request.headers[name] {
            let first = value.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty { return String(first.prefix(64)) }
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// `text` parsed as a URL when it names this request's host (and port): an `Origin` or a
/// `Referer` from this site; nil for another site or no `Host`.
func sameOriginURL(_ text: String, _ request: Request) -> URLComponents? {
    guard let url = URLComponents(string: text), let host = url.host, let authority = request.head.authority
    else { return nil }
    let origin = url.port.map { "\(host):\($0)" } ?? host
    return origin.lowercased() == authority.lowercased() ? url : nil
}
