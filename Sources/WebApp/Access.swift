import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// Where each role starts after signing in.
func homePath(for role: Role) -> String {
    switch role {
    case .applicant: "/apply"
    case .unitHR: "/unit"
    case .officeClerk, .officeHead: "/office"
    case .committeeSecretary: "/committee"
    case .expert: "/expert"
    case .auditor: "/audit"
    case .administrator: "/admin"
    case .archivist: "/archive"
    case .public, .system: "/"
    }
}

/// Lets a request through only for a signed-in account in one of `roles`.
///
/// A visitor asking for a page is sent to the sign-in page (and back afterwards); any other
/// request by a visitor is a 401 page; a signed-in account of another role gets a 403 page
/// saying who may use it. Ownership (this applicant's application, this unit's applicants)
/// is checked by each route and answered with 404, so ids cannot be probed.
public struct RequireRole: RouterMiddleware {
    public typealias Context = WebRequestContext
    let roles: Set<Role>

    public init(_ roles: Set<Role>) { self.roles = roles }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else {
            if request.method == .get || request.method == .head {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return .redirect(to: "/login?next=" + percentEncoded(next), type: .normal)
            }
            throw WebError.signInRequired
        }
        guard roles.contains(identity.account.role) else {
            let who = Role.allCases.filter(roles.contains).map(\.chinese).joined(separator: "、")
            throw WebError.forbidden("此页面仅供\(who)使用；您当前以“\(identity.account.role.chinese)”身份登录。")
        }
        return try await next(request, context)
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
func percentEncoded(_ text: String) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

/// A `next` target after sign-in: only a path on this site (never `//host` or a full URL).
func localPath(_ candidate: String?) -> String? {
    guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
        !candidate.unicodeScalars.contains(where: { $0.value < 0x20 })
    else { return nil }
    return candidate
}

/// A 303 to `path` (after a POST: the browser GETs the result page).
func seeOther(_ path: String) -> Response { .redirect(to: path, type: .normal) }
