import Domain
import Forms
import Foundation
import Signing
import Store
import Workflow

/// The workflow steps of the consoles that are more than one command on one stream — a 文号
/// from the gap-free counter, a batch of applications, a session and its applications, a
/// post-hoc finding with its consequences — written once, for the web consoles (`WebApp`) and
/// the `pingshen` subcommands (`PingshenCLI`) alike.
///
/// Every function runs inside the caller's transaction (`tx`) with the caller's context (the
/// acting account's actor, now, the rules): the caller decides what one transaction holds and
/// renders the documents it queued. Which role may do what stays the machines' decision; a
/// check here that no machine makes throws a `Refusal` (rule id and Chinese message), and the
/// caller's transaction writes nothing.
///
/// ```swift
/// let number = try store.write { tx in try OfficeSteps.confirm(tx, context, applications: ["A-1", "A-2"]) }
/// ```
public enum OfficeSteps {
    // MARK: numbers

    /// The next decision 文号 of the context's year from the gap-free counter: the city's, or for
    /// an account scoped to a county the policy lists, the county's own (its prefix and counter).
    public static func nextDecisionNumber(_ tx: StoreTransaction, _ context: Context) throws -> String {
        let year = context.today.year
        if let code = context.actor.county, let county = context.policy.devolution.county(code) {
            return DocumentNumber.format(
                county: county, year: year, sequence: try tx.nextNumber(DocumentNumber.counterName(county: code, year: year)))
        }
        return DocumentNumber.format(
            policy: context.policy, year: year, sequence: try tx.nextNumber(DocumentNumber.counterName(year: year)))
    }

    // MARK: office

    /// The correction notice's items for the field ids ticked (their labels from the
    /// application's form; attachments marked 附件) and the ids that exist in the form.
    public static func correctionItems(form: FormDefinition?, ticked: [String]) -> (items: [String], fields: [String]) {
        guard let form else { return ([], []) }
        let fields = form.fields.filter { ticked.contains($0.id) }
        let items = fields.map { f -> String in
            if case .attachment = f.type { return "附件：\(f.label)" }
            return f.label
        }
        return (items, fields.map(\.id))
    }

    /// The id a new public-notice batch gets by default: `N<year>-<nn>`, one more than the
    /// batches issued so far.
    public static func suggestedNoticeBatch(store: EventStore, on day: Day) throws -> String {
        let existing = try store.documentOrdinal(kind: .publicNotice, distinctSubjects: true)
        return "N\(day.year)-\(String(format: "%02d", existing + 1))"
    }

    /// Starts the public notice 公示 of `applications` as batch `batch` from `startsOn`.
    public static func startPublicNotice(
        _ tx: StoreTransaction, _ context: Context, applications: [String], batch: String, startsOn: Day
    ) throws {
        for id in applications {
            try tx.execute(
                ApplicationMachine.self, id: id, .startPublicNotice(batchID: batch, startsOn: startsOn),
                context: context)
        }
    }

    /// Confirms 确认 `applications` under ONE new 文号 (office head; the machine refuses anyone
    /// else). - Returns: the 文号.
    public static func confirm(_ tx: StoreTransaction, _ context: Context, applications: [String]) throws -> String {
        let number = try nextDecisionNumber(tx, context)
        for id in applications {
            try tx.execute(ApplicationMachine.self, id: id, .confirm(documentNumber: number), context: context)
        }
        return number
    }

    /// Revokes the certificate of an application with `reason` under `decision` (the next 文号
    /// when empty). - Returns: the decision's 文号.
    @discardableResult
    public static func revokeCertificate(
        _ tx: StoreTransaction, _ context: Context, application id: String, reason: String, decision: String
    ) throws -> String {
        guard let certificate = try tx.load(ApplicationMachine.self, id: id)?.state.certificateNumber else {
            throw Refusal(rule: "certificate.none", message: "该申报尚未发证，无证书可撤销")
        }
        let number = decision.isEmpty ? try nextDecisionNumber(tx, context) : decision
        try tx.execute(
            CertificateMachine.self, id: certificate, .revoke(reason: reason, decisionNumber: number), context: context)
        return number
    }

    // MARK: certificates

    /// The applications confirmed under 文号 `number`: certified and still pending, in id order
    /// (read in SQL: `EventStore.applicationsCertified`, `applicationsAwaitingCertificate`).
    public static func certificateProgress(store: EventStore, number: String) throws -> (
        total: Int, certified: [String], pending: [String]
    ) {
        let certified = try store.applicationsCertified(number: number)
        let pending = try store.applicationsAwaitingCertificate(number: number)
        return (certified.count + pending.count, certified, pending)
    }

    /// One certificate: the gap-free number, the certificate stream with its signed verification
    /// code, and the application's record. Nothing happens to an application already certified
    /// or not confirmed. - Returns: the certificate's number, nil when nothing was issued.
    @discardableResult
    public static func issueCertificate(
        _ tx: StoreTransaction, _ context: Context, application id: String, holder person: PersonRecord,
        signer: CertificateSigner
    ) throws -> String? {
        guard let state = try tx.load(ApplicationMachine.self, id: id)?.state, let p = state.profile,
            let approval = state.documentNumber, state.certificateNumber == nil
        else { return nil }
        let day = context.today
        let sequence = try tx.nextNumber(CertificateNumber.counterName(year: day.year))
        let number = CertificateNumber.format(
            policy: context.policy, year: day.year, series: p.series, level: p.level, sequence: sequence)
        let code = signer.code(
            for: CertificateContent(
                number: number, holderName: person.name, residentID: person.residentID.value, series: p.series,
                level: p.level, approvalDocumentNumber: approval, issuedOn: day))
        let details = CertificateDetails(
            number: number, holderID: p.personID, holderName: person.name, applicationID: id, series: p.series,
            level: p.level, approvalDocumentNumber: approval, issuedOn: day, verificationCode: code)
        try tx.execute(CertificateMachine.self, id: number, .issue(details), context: context)
        try tx.execute(ApplicationMachine.self, id: id, .recordCertificate(number: number), context: context)
        return number
    }

    /// The holder of an application's certificate from the registry (read before the step's
    /// transaction), refused when the registry has no such person.
    public static func holder(store: EventStore, application id: String) throws -> PersonRecord? {
        guard let profile = try store.load(ApplicationMachine.self, id: id)?.state.profile else { return nil }
        guard let person = try store.person(profile.personID) else {
            throw Refusal(rule: "certificate.holder-unknown", message: "登记册中没有申报人\(profile.personID)")
        }
        return person
    }

    // MARK: post-hoc checks

    /// What a check of a certified application is about, nil before a certificate.
    public static func checkSubject(_ id: String, _ state: ApplicationState) -> CheckSubject? {
        guard let p = state.profile, let number = state.certificateNumber else { return nil }
        return CheckSubject(applicationID: id, certificateNumber: number, personID: p.personID, unitID: p.unitID)
    }

    /// A new check id `K<year>-<n>` from the year's counter, skipping ids already used (the
    /// demo season numbers its checks itself).
    public static func nextCheckID(_ tx: StoreTransaction, year: Int) throws -> String {
        while true {
            let id = "K\(year)-" + String(format: "%05d", try tx.nextNumber("check-\(year)"))
            if try tx.load(PostHocCheckMachine.self, id: id) == nil { return id }
        }
    }

    /// Certified applications with a valid certificate and no check yet: the sampling pool.
    public static func samplingPool(store: EventStore) throws -> [String: CheckSubject] {
        let checked = Set(
            try store.streamIDs(PostHocCheckMachine.self).compactMap {
                try store.load(PostHocCheckMachine.self, id: $0)?.state.subject?.applicationID
            })
        var pool: [String: CheckSubject] = [:]
        for stage in [ApplicationStage.certified, .archived] {
            for (id, _) in try store.applications(unit: nil, status: stage.rawValue) where !checked.contains(id) {
                guard let state = try store.load(ApplicationMachine.self, id: id)?.state,
                    let subject = checkSubject(id, state),
                    try store.load(CertificateMachine.self, id: subject.certificateNumber)?.state.status == .valid
                else { continue }
                pool[id] = subject
            }
        }
        return pool
    }

    /// Draws `percent` of `pool` (`samplingPool`, read before the transaction) with `seed`
    /// (`PostHocCheckMachine.sample`) and opens one check per drawn application.
    /// - Returns: the check ids opened; refused when nothing is drawn.
    public static func openSampledChecks(
        _ tx: StoreTransaction, _ context: Context, pool: [String: CheckSubject], percent: Int, seed: UInt64
    ) throws -> [String] {
        let drawn = PostHocCheckMachine.sample(applicationIDs: Array(pool.keys), percent: percent, seed: seed)
        guard !drawn.isEmpty else {
            throw Refusal(rule: "check.pool-empty", message: "没有可抽查的已发证申报（或抽查比例为0）")
        }
        var opened: [String] = []
        for id in drawn {
            let checkID = try nextCheckID(tx, year: context.today.year)
            try tx.execute(
                PostHocCheckMachine.self, id: checkID, .openSampled(subject: pool[id]!, seed: seed, percent: percent),
                context: context)
            opened.append(checkID)
        }
        return opened
    }

    /// Opens a targeted check 专项核查 of one certified application. - Returns: the check's id.
    public static func openTargetedCheck(
        _ tx: StoreTransaction, _ context: Context, application id: String, reason: String
    ) throws -> String {
        guard let state = try tx.load(ApplicationMachine.self, id: id)?.state, let subject = checkSubject(id, state)
        else { throw Refusal(rule: "check.not-certified", message: "该申报尚未发证，不能进行事后核查") }
        let checkID = try nextCheckID(tx, year: context.today.year)
        try tx.execute(
            PostHocCheckMachine.self, id: checkID, .openTargeted(subject: subject, reason: reason), context: context)
        return checkID
    }

    /// Falsified: the finding, the certificate's revocation, the person's integrity record and
    /// (when the unit supplied the false proof) the unit's suspension, with their 文号 from the
    /// gap-free counter (`StoreTransaction.falsify`). - Returns: the finding as recorded.
    @discardableResult
    public static func falsify(
        _ tx: StoreTransaction, _ context: Context, check id: String, proof: String, details: String,
        unitSuppliedFalseProof byUnit: Bool
    ) throws -> FalsificationFinding {
        guard try tx.load(PostHocCheckMachine.self, id: id)?.state.subject != nil else {
            throw Refusal(rule: "check.unknown", message: "没有编号为\(id)的事后核查")
        }
        let revocationNumber = try nextDecisionNumber(tx, context)
        let unitNumber = byUnit ? try nextDecisionNumber(tx, context) : nil
        let finding = FalsificationFinding(
            proof: proof, unitSuppliedFalseProof: byUnit, details: details,
            revocationDecisionNumber: revocationNumber, unitDecisionNumber: unitNumber)
        try tx.falsify(check: id, finding, context: context)
        return finding
    }

    // MARK: committee sessions

    /// Plans a session of `committee` on `date` for the accepted `applications` of its series,
    /// level and jurisdiction (`Routing`; each assigned to the session in the same transaction). - Returns: the
    /// session's id `S<year>-<nnn>`.
    public static func planSession(
        _ tx: StoreTransaction, _ context: Context, committee: CommitteeRecord, date: Day, venue: String?,
        applications: [String]
    ) throws -> String {
        let sessionID = "S\(date.year)-\(String(format: "%03d", try tx.nextNumber("committee-session/\(date.year)")))"
        var candidates: [SessionCandidate] = []
        for id in applications {
            guard let application = try tx.load(ApplicationMachine.self, id: id),
                let profile = application.state.profile, application.state.stage == .accepted,
                profile.series == committee.series, profile.level == committee.level
            else {
                throw Refusal(
                    rule: "session.candidate-not-waiting",
                    message: "申报\(id)不是已受理、待提交\(committee.name)评审的申报")
            }
            // Seed item 6: a county's or a self-reviewing unit's applications go to its committee.
            if let refusal = Routing.candidateRefusal(
                applicationID: id, profile: profile, committeeName: committee.name,
                committeeJurisdiction: committee.jurisdiction, policy: context.policy)
            {
                throw refusal
            }
            try tx.execute(ApplicationMachine.self, id: id, .assignToSession(sessionID: sessionID), context: context)
            candidates.append(SessionCandidate(applicationID: id, unitID: profile.unitID))
        }
        let plan = SessionPlan(
            sessionID: sessionID, committeeID: committee.id, series: committee.series, level: committee.level,
            memberCount: committee.memberCount, candidates: candidates, date: date, venue: venue,
            jurisdiction: committee.jurisdiction)
        try tx.execute(CommitteeSessionMachine.self, id: sessionID, .plan(plan), context: context)
        return sessionID
    }

    /// The experts a draw chooses from on `day`: the committee's pool in their term and not
    /// suspended (状态 暂停).
    public static func drawPool(store: EventStore, committee: String, on day: Day) throws -> [ExpertRef] {
        let suspended = try store.suspendedExpertIDs(committee: committee)
        return try store.experts(committee: committee)
            .filter { $0.termEnd >= day && !suspended.contains($0.id) }
            .map { ExpertRef(id: $0.id, unitID: $0.unitID) }
    }

    /// The draw's seed, from the system's cryptographic source (getrandom) at the moment of the
    /// draw and recorded with it: nobody chooses it, anyone can replay the draw.
    public static func drawSeed() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return UInt64.random(in: 1...UInt64.max, using: &generator)
    }

    /// Draws `needed` experts (the committee's size when nil) for session `id` from `pool`
    /// (`drawPool`, read before the transaction), with a seed from `drawSeed`.
    public static func drawExperts(
        _ tx: StoreTransaction, _ context: Context, session id: String, pool: [ExpertRef], needed: Int?,
        expectedVersion: Int? = nil
    ) throws {
        guard let plan = try tx.load(CommitteeSessionMachine.self, id: id)?.state.plan else {
            throw Refusal(rule: "session.unknown", message: "没有编号为\(id)的评审会议")
        }
        try tx.execute(
            CommitteeSessionMachine.self, id: id,
            .drawExperts(pool: pool, needed: needed ?? plan.memberCount, seed: drawSeed()), context: context,
            expectedVersion: expectedVersion)
    }

    /// One secret ballot of `expertID` on `applicationID`, checked again inside the transaction
    /// that writes it (a box counted or a session closed a moment earlier refuses it).
    public static func castBallot(
        _ tx: StoreTransaction, session id: String, application applicationID: String, expert expertID: String,
        choice: BallotChoice
    ) throws {
        guard let state = try tx.load(CommitteeSessionMachine.self, id: id)?.state else {
            throw Refusal(rule: "ballot.session-unknown", message: "评审会议不存在")
        }
        switch state.stage {
        case .closed:
            throw Refusal(rule: "ballot.session-closed", message: "评审会议已闭会，不能再投票")
        case .convened, .voting:
            break
        case .none, .planned, .drawn:
            throw Refusal(rule: "ballot.session-not-open", message: "评审会议尚未召开，不能投票")
        }
        guard state.plan?.candidates.contains(where: { $0.applicationID == applicationID }) == true else {
            throw Refusal(rule: "ballot.candidate-unknown", message: "该申报不是本次会议的评审对象")
        }
        guard state.present.contains(expertID) else {
            throw Refusal(
                rule: "ballot.not-present", message: "您未出席本次会议或已回避，不能投票（缺席专家不得委托他人或事后补投）")
        }
        guard state.counts[applicationID] == nil else {
            throw Refusal(rule: "ballot.counted", message: "该申报人的票箱已计票，不能再投票")
        }
        guard try tx.castBallot(sessionID: id, applicationID: applicationID, expertID: expertID, choice: choice)
        else { throw Refusal(rule: "ballot.second-ballot", message: "您已对该申报人投票") }
    }

    /// Records ballot boxes into the session's log, read and recorded in one transaction so no
    /// ballot slips in between: one candidate's box (`application`), or with nil every box not
    /// yet counted — refused as a whole while any box lacks a present expert's ballot.
    /// - Returns: the candidates counted.
    @discardableResult
    public static func countBallots(
        _ tx: StoreTransaction, _ context: Context, session id: String, application: String?
    ) throws -> [String] {
        guard let state = try tx.load(CommitteeSessionMachine.self, id: id)?.state, let plan = state.plan else {
            throw Refusal(rule: "session.unknown", message: "没有编号为\(id)的评审会议")
        }
        let open = state.stage == .convened || state.stage == .voting
        if let application {
            guard plan.candidates.contains(where: { $0.applicationID == application }) else {
                throw Refusal(rule: "session.candidate-unknown", message: "申报\(application)不是本次会议的评审对象")
            }
            let box = try tx.ballotBox(sessionID: id, applicationID: application)
            if open, state.counts[application] == nil {
                let missing = Set(state.present).subtracting(box.voters).count
                guard missing == 0 else {
                    throw Refusal(
                        rule: "session.ballot-incomplete",
                        message: "出席专家\(state.present.count)人中尚有\(missing)人未投票，票箱须收齐全部出席专家的选票后方可计票")
                }
            }
            try tx.execute(
                CommitteeSessionMachine.self, id: id,
                .recordBallots(applicationID: application, voters: box.voters, counts: box.counts), context: context)
            return [application]
        }
        guard open else { throw Refusal(rule: "session.not-open", message: "评审会议未在进行中，不能计票") }
        let pending = plan.candidates.map(\.applicationID).filter { state.counts[$0] == nil }
        guard !pending.isEmpty else { throw Refusal(rule: "session.nothing-to-count", message: "全部评审对象均已计票") }
        var boxes: [(String, (voters: [String], counts: VoteCounts))] = []
        var incomplete = 0
        for applicationID in pending {
            let box = try tx.ballotBox(sessionID: id, applicationID: applicationID)
            if !Set(state.present).subtracting(box.voters).isEmpty { incomplete += 1 }
            boxes.append((applicationID, box))
        }
        guard incomplete == 0 else {
            throw Refusal(
                rule: "session.ballot-incomplete",
                message: "尚有\(incomplete)名评审对象的票箱未收齐全部出席专家的选票，收齐后方可计票")
        }
        for (applicationID, box) in boxes {
            try tx.execute(
                CommitteeSessionMachine.self, id: id,
                .recordBallots(applicationID: applicationID, voters: box.voters, counts: box.counts), context: context)
        }
        return pending
    }

    /// Closes session `id` with the minutes and, in the same transaction, records each
    /// candidate's result on the application (as the scheduler's `system` actor, as the demo
    /// season does). - Returns: the closed session's state.
    @discardableResult
    public static func closeSession(
        _ tx: StoreTransaction, _ context: Context, session id: String, minutes: String, expectedVersion: Int? = nil
    ) throws -> CommitteeSessionState {
        let closed = try tx.execute(
            CommitteeSessionMachine.self, id: id, .close(minutes: minutes), context: context,
            expectedVersion: expectedVersion)
        for planned in CommitteeSessionMachine.applicationCommands(for: closed.state) {
            try tx.execute(
                ApplicationMachine.self, id: planned.streamID, planned.command,
                context: Context(actor: planned.actor, now: context.now, rules: context.rules))
        }
        return closed.state
    }
}
