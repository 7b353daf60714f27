import Hummingbird
import NIOCore
import Store

/// The request context of every route: Hummingbird's core storage, the peer address (nil
/// under `app.test(.router)`, which opens no socket), and what `SessionMiddleware` found —
/// the signed-in account and the CSRF token the page's forms must carry.
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The signed-in account, nil for a visitor.
    public var identity: Identity?
    /// The token every form on the page carries in `_csrf`: the session's, or for a visitor
    /// the token of the `ps_csrf` cookie.
    public var csrfToken: String = ""
    /// The visitor's CSRF token was made for this request: the response sets its cookie.
    var issuedVisitorToken = false
    /// The request's path (the header marks the navigation item it is under).
    public var path: String = ""

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The largest multipart body (attachments), as `UploadLimits.requestBytes` by default. Never
    /// collected into memory: `MultipartFormData.receive` streams such bodies to disk.
    public var maxUploadSize: Int { UploadLimits().requestBytes }

    /// The signed-in account or `WebError.signInRequired`.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw WebError.signInRequired }
        return identity
    }
}

/// A signed-in account and its session.
public struct Identity: Sendable {
    public var account: Account
    public var session: WebSessionRecord
    /// Unread messages in the account's inbox (the header shows the count).
    public var unreadMessages: Int = 0
    /// A unit HR account that administers its unit's accounts (the header links 人员管理).
    public var administersUnit: Bool = false
}
