/// Commands for a certificate. Issue: office clerk or head. Revoke: office head.
public enum CertificateCommand: Sendable, Equatable {
    case issue(CertificateDetails)
    case revoke(reason: String, decisionNumber: String)

    public var chinese: String {
        switch self {
        case .issue: "发证"
        case .revoke: "撤销证书"
        }
    }
}
