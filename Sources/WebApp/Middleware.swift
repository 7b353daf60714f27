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
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
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
            let mapped = WebError.from(error)
            if mapped == .internal {
                context.logger.error(
                    "request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            }
            return pages.errorResponse(mapped)
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
            let mapped = WebError.from(error)
            if mapped == .internal {
                context.logger.error(
                    "request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            }
            return pages.errorResponse(mapped, context: context, backTo: Self.referringPage(request))
        }
    }

    /// The path of a same-origin `Referer` (nil for another site or none).
    static func referringPage(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = URLComponents(string: referer),
            let host = request.head.authority,
            url.host.map({ h in url.port.map { "\(h):\($0)" } ?? h })?.lowercased() == host.lowercased()
        else { return nil }
        return localPath(url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? ""))
    }
}

/// Takes a token per request from the client's bucket; an empty bucket is a 429 page with
/// `Retry-After`. The client is the peer address, or the configured proxy header's value.
public struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    let clientAddressHeader: HTTPField.Name?

    public init(limiter: RateLimiter, clientAddressHeader: String? = nil) {
        self.limiter = limiter
        self.clientAddressHeader = clientAddressHeader.flatMap { HTTPField.Name($0) }
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch await limiter.take(clientKey(request, context)) {
        case .allowed: return try await next(request, context)
        case .limited(let seconds): throw WebError.tooManyRequests(retryAfter: seconds)
        }
    }

    func clientKey(_ request: Request, _ context: Context) -> String {
        if let name = clientAddressHeader, let value = request.headers[name] {
            // The proxy's own header: the first address it recorded, bounded.
            let first = value.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty { return String(first.prefix(64)) }
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }
}
