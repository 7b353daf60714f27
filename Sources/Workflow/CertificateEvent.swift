public import Domain

/// What happened to a certificate.
public enum CertificateEvent: NamedEvent {
    case issued(details: CertificateDetails)
    case revoked(reason: String, decisionNumber: String, on: Day)

    public var name: String {
        switch self {
        case .issued: "issued"
        case .revoked: "revoked"
        }
    }
}
