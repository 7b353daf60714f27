import Domain

/// A certificate: issued (valid) → revoked. A revoked certificate shows as revoked wherever it
/// is verified (`isValid`). The stream id is the certificate number.
public enum CertificateMachine: Machine {
    public typealias State = CertificateState
    public typealias Command = CertificateCommand
    public typealias Event = CertificateEvent

    public static let kind = "certificate"
    public static var initial: CertificateState { CertificateState() }

    public static func status(of state: CertificateState) -> String { state.status.rawValue }

    /// True for an issued certificate that has not been revoked.
    public static func isValid(_ state: CertificateState) -> Bool { state.status == .valid }

    public static func decide(
        _ command: CertificateCommand, state: CertificateState, context: Context
    ) throws(Refusal) -> Decision<CertificateEvent> {
        let action = command.chinese
        switch command {
        case .issue(let details):
            try Gate.role(context.actor, [.officeClerk, .officeHead], kind: kind, action: action)
            guard state.status == .none else { throw invalid(state, action) }
            try Gate.nonBlank(details.number, kind: kind, field: "证书编号", rule: "number-missing")
            try Gate.nonBlank(details.holderID, kind: kind, field: "持证人", rule: "holder-missing")
            try Gate.nonBlank(details.approvalDocumentNumber, kind: kind, field: "批准文号", rule: "approval-missing")
            try Gate.nonBlank(details.verificationCode, kind: kind, field: "验证码", rule: "verification-code-missing")
            return Decision(
                [.issued(details: details)], documents: [DocumentRequest(.certificate, subject: details.number)])

        case .revoke(let reason, let decisionNumber):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            if let r = state.revocation {
                throw Refusal(
                    rule: "certificate.already-revoked",
                    message: "证书已于\(r.on.chinese)撤销(\(r.decisionNumber)),不能重复撤销")
            }
            guard state.status == .valid, let details = state.details else { throw invalid(state, action) }
            try Gate.nonBlank(reason, kind: kind, field: "撤销理由", rule: "reason-missing")
            try Gate.nonBlank(decisionNumber, kind: kind, field: "撤销决定文号", rule: "decision-number-missing")
            return Decision(
                [.revoked(reason: reason, decisionNumber: decisionNumber, on: context.today)],
                documents: [DocumentRequest(.revocationDecision, subject: details.number)],
                archives: [.revocation(documentNumber: decisionNumber)])
        }
    }

    static func invalid(_ state: CertificateState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "证书", state: state.status.chinese, action: action)
    }

    public static func evolve(_ state: CertificateState, _ event: CertificateEvent) -> CertificateState {
        var s = state
        switch event {
        case .issued(let details):
            s.details = details
            s.status = .valid
        case .revoked(let reason, let number, let on):
            s.revocation = CertificateRevocation(reason: reason, decisionNumber: number, on: on)
            s.status = .revoked
        }
        return s
    }
}
