public import Domain

/// What a certificate 专业技术职务任职资格证书 says.
public struct CertificateDetails: Codable, Sendable, Equatable {
    public var number: String
    public var holderID: String
    public var holderName: String
    public var applicationID: String
    public var series: Series
    public var level: Level
    /// The approval document number 文号 of the confirmation.
    public var approvalDocumentNumber: String
    public var issuedOn: Day
    /// The code the public types (or scans) to verify the certificate; supplied by the caller.
    public var verificationCode: String

    public init(
        number: String, holderID: String, holderName: String, applicationID: String, series: Series, level: Level,
        approvalDocumentNumber: String, issuedOn: Day, verificationCode: String
    ) {
        self.number = number
        self.holderID = holderID
        self.holderName = holderName
        self.applicationID = applicationID
        self.series = series
        self.level = level
        self.approvalDocumentNumber = approvalDocumentNumber
        self.issuedOn = issuedOn
        self.verificationCode = verificationCode
    }
}

/// A revocation 撤销: why, the decision's document number 撤销决定文号, and when.
public struct CertificateRevocation: Codable, Sendable, Equatable {
    public var reason: String
    public var decisionNumber: String
    public var on: Day
}

/// The state of one certificate: not issued, valid, or revoked.
public struct CertificateState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case none = "not-issued"
        case valid
        case revoked

        public var chinese: String {
            switch self {
            case .none: "未发证"
            case .valid: "有效"
            case .revoked: "已撤销"
            }
        }
    }

    public var status: Status = .none
    public var details: CertificateDetails?
    public var revocation: CertificateRevocation?

    public init() {}
}
