public import Domain

/// What a post-hoc check 事后核查 is about.
public struct CheckSubject: Codable, Sendable, Equatable {
    public var applicationID: String
    public var certificateNumber: String
    public var personID: String
    public var unitID: String

    public init(applicationID: String, certificateNumber: String, personID: String, unitID: String) {
        self.applicationID = applicationID
        self.certificateNumber = certificateNumber
        self.personID = personID
        self.unitID = unitID
    }
}

/// Why a check was opened: drawn in the random sample, or targeted (a complaint, a tip).
public enum CheckOrigin: Codable, Sendable, Equatable {
    case sampled(seed: UInt64, percent: Int)
    case targeted(reason: String)
}

/// A falsified pledge: which proof was false and whether the UNIT supplied it.
public struct FalsificationFinding: Codable, Sendable, Equatable {
    /// The pledged proof found false (e.g. 学历证书, 任职年限证明).
    public var proof: String
    public var unitSuppliedFalseProof: Bool
    public var details: String
    /// 撤销决定文号 of the revocation decision.
    public var revocationDecisionNumber: String
    /// Document number of the unit's suspension decision (required when the unit supplied it).
    public var unitDecisionNumber: String?

    public init(
        proof: String, unitSuppliedFalseProof: Bool, details: String, revocationDecisionNumber: String,
        unitDecisionNumber: String? = nil
    ) {
        self.proof = proof
        self.unitSuppliedFalseProof = unitSuppliedFalseProof
        self.details = details
        self.revocationDecisionNumber = revocationDecisionNumber
        self.unitDecisionNumber = unitDecisionNumber
    }
}

/// The state of one post-hoc check.
public struct PostHocCheckState: Codable, Sendable, Equatable {
    public enum Stage: String, Codable, Sendable, CaseIterable {
        case none = "not-opened"
        case open
        /// Every pledged proof verified.
        case confirmed
        case falsified

        public var chinese: String {
            switch self {
            case .none: "未立项"
            case .open: "核查中"
            case .confirmed: "核查属实"
            case .falsified: "发现虚假材料"
            }
        }
    }

    public var stage: Stage = .none
    public var subject: CheckSubject?
    public var origin: CheckOrigin?
    public var openedOn: Day?
    public var note: String?
    public var finding: FalsificationFinding?
    public var closedOn: Day?

    public init() {}
}
