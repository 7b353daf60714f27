import Workflow

extension StoreTransaction {
    /// Records that post-hoc check `id` found falsified material, with everything that follows
    /// from it in this same transaction: the certificate revoked, the person's integrity
    /// record, and — when the unit supplied the false proof — the unit's suspension
    /// (`PostHocCheckMachine.consequences`). A refusal of any of them throws, and the caller's
    /// transaction writes nothing.
    ///
    /// ```swift
    /// try store.write { tx in try tx.falsify(check: "K2026-00003", finding, context: head) }
    /// ```
    /// - Returns: the number of events appended (check, certificate, person, unit).
    @discardableResult
    public func falsify(check id: String, _ finding: FalsificationFinding, context: Context) throws -> Int {
        let outcome = try execute(PostHocCheckMachine.self, id: id, .falsify(finding), context: context)
        guard let last = outcome.events.last, let subject = outcome.state.subject,
            let plan = PostHocCheckMachine.consequences(of: last, subject: subject, actor: context.actor)
        else { throw StoreError.corrupt(stream: "\(PostHocCheckMachine.kind)/\(id)", reason: "no consequences planned") }
        var events = outcome.events.count
        events += try execute(
            CertificateMachine.self, id: plan.revokeCertificate.streamID, plan.revokeCertificate.command,
            context: context
        ).events.count
        events += try execute(
            PersonIntegrityMachine.self, id: plan.recordPerson.streamID, plan.recordPerson.command, context: context
        ).events.count
        if let unit = plan.suspendUnit {
            events += try execute(UnitStandingMachine.self, id: unit.streamID, unit.command, context: context)
                .events.count
        }
        return events
    }
}
