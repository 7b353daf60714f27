import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the peer address
/// (nil under `app.test(.router)`, which opens no socket).
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies are not accepted by the public pages; keep decoding small.
    public var maxUploadSize: Int { 64 * 1024 }
}
