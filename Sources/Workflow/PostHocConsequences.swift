/// What a falsified post-hoc check sets off in other streams. The store executes all of them,
/// together with the `falsified` event itself, in ONE transaction: either the certificate is
/// revoked, the person recorded and (if the unit supplied the false proof) the unit suspended,
/// or nothing is written.
public struct PostHocConsequences: Sendable, Equatable {
    /// Revoke the certificate (issues the 撤销决定书).
    public var revokeCertificate: PlannedCommand<CertificateMachine>
    /// Record the person in the integrity file for `policy.blacklistYears` (3).
    public var recordPerson: PlannedCommand<PersonIntegrityMachine>
    /// Suspend the unit for `policy.unitSuspensionYears` (2) when it supplied the false proof.
    public var suspendUnit: PlannedCommand<UnitStandingMachine>?

    public init(
        revokeCertificate: PlannedCommand<CertificateMachine>, recordPerson: PlannedCommand<PersonIntegrityMachine>,
        suspendUnit: PlannedCommand<UnitStandingMachine>?
    ) {
        self.revokeCertificate = revokeCertificate
        self.recordPerson = recordPerson
        self.suspendUnit = suspendUnit
    }
}
