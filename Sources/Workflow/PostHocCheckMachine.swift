public import Domain

/// A post-hoc check 事后核查 of a certified application's pledge: opened (sampled or targeted)
/// → confirmed, or falsified. The consequences of a falsification are commands for other
/// machines, planned by `consequences(of:subject:actor:)` for the store to run in one
/// transaction. The stream id is the check id.
public enum PostHocCheckMachine: Machine {
    public typealias State = PostHocCheckState
    public typealias Command = PostHocCheckCommand
    public typealias Event = PostHocCheckEvent

    public static let kind = "check"
    public static var initial: PostHocCheckState { PostHocCheckState() }

    public static func status(of state: PostHocCheckState) -> String { state.stage.rawValue }

    public static func decide(
        _ command: PostHocCheckCommand, state: PostHocCheckState, context: Context
    ) throws(Refusal) -> Decision<PostHocCheckEvent> {
        let action = command.chinese
        let today = context.today
        switch command {
        case .openSampled(let subject, let seed, let percent):
            try Gate.role(context.actor, [.officeClerk, .auditor], kind: kind, action: action)
            guard state.stage == .none else { throw invalid(state, action) }
            try checkSubject(subject)
            guard (1...100).contains(percent) else {
                throw Refusal(rule: "check.percent-invalid", message: "抽查比例应在1%至100%之间,实为\(percent)%")
            }
            return Decision([.opened(subject: subject, origin: .sampled(seed: seed, percent: percent), on: today)])

        case .openTargeted(let subject, let reason):
            try Gate.role(context.actor, [.officeClerk, .officeHead, .auditor], kind: kind, action: action)
            guard state.stage == .none else { throw invalid(state, action) }
            try checkSubject(subject)
            try Gate.nonBlank(reason, kind: kind, field: "核查理由", rule: "reason-missing")
            return Decision([.opened(subject: subject, origin: .targeted(reason: reason), on: today)])

        case .confirm(let note):
            try Gate.role(context.actor, [.officeClerk, .auditor], kind: kind, action: action)
            guard state.stage == .open else { throw invalid(state, action) }
            return Decision([.confirmed(note: note, on: today)])

        case .falsify(let finding):
            try Gate.role(context.actor, [.officeHead], kind: kind, action: action)
            guard state.stage == .open else { throw invalid(state, action) }
            try Gate.nonBlank(finding.proof, kind: kind, field: "虚假材料", rule: "proof-missing")
            try Gate.nonBlank(finding.details, kind: kind, field: "核查情况", rule: "details-missing")
            try Gate.nonBlank(
                finding.revocationDecisionNumber, kind: kind, field: "撤销决定文号", rule: "decision-number-missing")
            if finding.unitSuppliedFalseProof {
                try Gate.nonBlank(
                    finding.unitDecisionNumber ?? "", kind: kind, field: "暂停单位职称工作决定文号",
                    rule: "unit-decision-number-missing")
            }
            return Decision([.falsified(finding: finding, on: today)])
        }
    }

    static func checkSubject(_ subject: CheckSubject) throws(Refusal) {
        try Gate.nonBlank(subject.applicationID, kind: kind, field: "申报编号", rule: "subject-incomplete")
        try Gate.nonBlank(subject.certificateNumber, kind: kind, field: "证书编号", rule: "subject-incomplete")
        try Gate.nonBlank(subject.personID, kind: kind, field: "持证人", rule: "subject-incomplete")
        try Gate.nonBlank(subject.unitID, kind: kind, field: "用人单位", rule: "subject-incomplete")
    }

    static func invalid(_ state: PostHocCheckState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "事后核查", state: state.stage.chinese, action: action)
    }

    public static func evolve(_ state: PostHocCheckState, _ event: PostHocCheckEvent) -> PostHocCheckState {
        var s = state
        switch event {
        case .opened(let subject, let origin, let on):
            s.subject = subject
            s.origin = origin
            s.openedOn = on
            s.stage = .open
        case .confirmed(let note, let on):
            s.note = note
            s.closedOn = on
            s.stage = .confirmed
        case .falsified(let finding, let on):
            s.finding = finding
            s.closedOn = on
            s.stage = .falsified
        }
        return s
    }

    // MARK: - pure helpers

    /// The applications drawn for checking: `percent` of them (rounded up; at least one when
    /// percent > 0), picked with `SeededGenerator(seed)` from the ids in sorted order, so the
    /// same ids and seed always give the same sample. Returned sorted.
    public static func sample(applicationIDs: [String], percent: Int, seed: UInt64) -> [String] {
        let ids = Array(Set(applicationIDs)).sorted()
        let p = min(max(percent, 0), 100)
        guard p > 0, !ids.isEmpty else { return [] }
        let count = max(1, (ids.count * p + 99) / 100)
        return Array(SeededDraw.shuffled(ids, seed: seed).prefix(count)).sorted()
    }

    /// The commands a `falsified` event sets off, for the store to run in the same transaction:
    /// revoke the certificate, record the person (policy years), and suspend the unit (policy
    /// years) when it supplied the false proof. Nil for any other event.
    ///
    /// ```swift
    /// if let plan = PostHocCheckMachine.consequences(of: event, subject: subject, actor: ctx.actor) {
    ///     // in one transaction: append `event`, then run plan.revokeCertificate,
    ///     // plan.recordPerson and plan.suspendUnit through their machines' decide
    /// }
    /// ```
    public static func consequences(
        of event: PostHocCheckEvent, subject: CheckSubject, actor: Actor
    )
        -> PostHocConsequences?
    {
        guard case .falsified(let finding, _) = event else { return nil }
        let reason = "事后核查发现申报材料“\(finding.proof)”虚假:\(finding.details)"
        let revoke = PlannedCommand<CertificateMachine>(
            streamID: subject.certificateNumber,
            command: .revoke(reason: reason, decisionNumber: finding.revocationDecisionNumber), actor: actor)
        let record = PlannedCommand<PersonIntegrityMachine>(
            streamID: subject.personID,
            command: .record(reason: reason, basis: finding.revocationDecisionNumber, years: nil), actor: actor)
        var suspend: PlannedCommand<UnitStandingMachine>?
        if finding.unitSuppliedFalseProof {
            suspend = PlannedCommand(
                streamID: subject.unitID,
                command: .suspend(
                    reason: "单位为申报人提供虚假证明材料“\(finding.proof)”",
                    decisionNumber: finding.unitDecisionNumber ?? finding.revocationDecisionNumber, years: nil),
                actor: actor)
        }
        return PostHocConsequences(revokeCertificate: revoke, recordPerson: record, suspendUnit: suspend)
    }

    /// The consequences of a falsified check, from its state (nil unless falsified).
    public static func consequences(of state: PostHocCheckState, actor: Actor) -> PostHocConsequences? {
        guard state.stage == .falsified, let subject = state.subject, let finding = state.finding,
            let on = state.closedOn
        else { return nil }
        return consequences(of: .falsified(finding: finding, on: on), subject: subject, actor: actor)
    }
}
