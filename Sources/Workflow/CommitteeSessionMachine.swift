public import Domain

/// A committee session 评审会议: planned → experts drawn (random, seeded; same-unit experts
/// recused automatically and replaced by alternates; declared or office recusals) → convened
/// with a quorum → secret-ballot voting per candidate → closed with minutes.
///
/// **Ballot secrecy.** A vote is recorded as one counted ballot box per candidate
/// (`recordBallots`): the sorted ids of the experts who put in a ballot, and the yes/no/abstain
/// totals. Neither the command, the event nor the state pairs an expert with a choice, and two
/// boxes with the same voters and totals are indistinguishable whoever voted what. A box must
/// hold a ballot from every expert present — a partial box of one expert would reveal that
/// expert's choice — so "closing before everyone voted" cannot leave gaps: closing is refused
/// until every candidate's box is recorded (the stricter of the two options).
public enum CommitteeSessionMachine: Machine {
    public typealias State = CommitteeSessionState
    public typealias Command = CommitteeSessionCommand
    public typealias Event = CommitteeSessionEvent

    public static let kind = "session"
    public static var initial: CommitteeSessionState { CommitteeSessionState() }

    public static func status(of state: CommitteeSessionState) -> String { state.stage.rawValue }

    // MARK: - decide

    public static func decide(
        _ command: CommitteeSessionCommand, state: CommitteeSessionState, context: Context
    ) throws(Refusal) -> Decision<CommitteeSessionEvent> {
        let actor = context.actor
        let today = context.today
        let action = command.chinese
        try Gate.role(actor, roles(for: command), kind: kind, action: action)
        // Seed item 6: the session's committee's jurisdiction decides who may run it.
        let scoped: SessionPlan? = if case .plan(let p) = command { p } else { state.plan }
        if let scoped,
            let refusal = scopeRefusal(
                actor: actor, plan: scoped, standing: context.selfReview, policy: context.policy)
        {
            throw refusal
        }

        switch command {
        case .plan(let plan):
            guard state.stage == .none else { throw invalid(state, action) }
            try Gate.nonBlank(plan.sessionID, kind: kind, field: "会议编号", rule: "id-missing")
            try Gate.nonBlank(plan.committeeID, kind: kind, field: "评审委员会", rule: "committee-missing")
            guard plan.memberCount >= 3, plan.memberCount % 2 == 1 else {
                throw Refusal(
                    rule: "session.member-count-invalid",
                    message: "评审委员会组成人数应为不少于3人的单数,实为\(plan.memberCount)人")
            }
            guard !plan.candidates.isEmpty else {
                throw Refusal(rule: "session.no-candidates", message: "评审会议须至少有一名评审对象")
            }
            if let unit = Routing.unitID(of: plan.committeeJurisdiction),
                let other = plan.candidates.first(where: { $0.unitID != unit })
            {
                throw Refusal(
                    rule: "session.candidate-other-unit",
                    message: "单位自主评审委员会只评审本单位人员：申报\(other.applicationID)的申报单位是\(other.unitID)，不是\(unit)")
            }
            let ids = plan.candidates.map(\.applicationID)
            guard Set(ids).count == ids.count else {
                throw Refusal(rule: "session.candidate-duplicate", message: "评审对象重复:同一申报只能列入一次")
            }
            return Decision([.planned(plan: plan, on: today)])

        case .drawExperts(let pool, let needed, let seed):
            guard state.stage == .planned, let plan = state.plan else { throw invalid(state, action) }
            let quorum = context.policy.committee.quorum
            let minimum = CommitteeArithmetic.quorumMinimum(members: plan.memberCount, quorum: quorum)
            guard needed >= minimum else {
                throw Refusal(
                    rule: "session.draw-below-quorum",
                    message: "抽取专家人数\(needed)人少于法定出席人数(评审委员会\(plan.memberCount)人的\(quorum.chinese),至少\(minimum)人)")
            }
            guard needed <= plan.memberCount else {
                throw Refusal(
                    rule: "session.draw-above-committee",
                    message: "抽取专家人数\(needed)人超过评审委员会的委员人数\(plan.memberCount)人")
            }
            guard Set(pool.map(\.id)).count == pool.count else {
                throw Refusal(rule: "session.pool-duplicate", message: "专家库中有重复的专家编号")
            }
            guard pool.count >= needed else {
                throw Refusal(
                    rule: "session.pool-too-small", message: "专家库仅有\(pool.count)名专家,少于所需的\(needed)人")
            }
            let (members, alternates) = draw(
                pool: pool, needed: needed, ratio: context.policy.committee.drawRatio, seed: seed)
            var events: [CommitteeSessionEvent] = [
                .expertsDrawn(seed: seed, needed: needed, members: members, alternates: alternates, on: today)
            ]
            var s = evolve(state, events[0])
            for member in members {
                guard let candidate = plan.candidates.first(where: { $0.unitID == member.unitID }) else { continue }
                guard let replacement = nextAlternate(s) else {
                    throw Refusal(
                        rule: "session.not-enough-experts",
                        message: "抽取的专家因与评审对象同单位回避后,备选专家不足,无法凑足\(needed)人;请扩大专家库后重新抽取")
                }
                let e = CommitteeSessionEvent.expertRecused(
                    expertID: member.id, reason: .sameUnit(applicationID: candidate.applicationID),
                    replacement: replacement, on: today)
                events.append(e)
                s = evolve(s, e)
            }
            return Decision(events)

        case .declareConflict(let expertID, let note):
            guard actor.id == expertID else {
                throw Refusal(rule: "session.not-self", message: "专家只能为本人申请回避")
            }
            return try recuse(
                expertID, reason: .declaredConflict(note: note), state: state, action: action, today: today)

        case .recuseExpert(let expertID, let note):
            try Gate.nonBlank(note, kind: kind, field: "回避理由", rule: "reason-missing")
            return try recuse(expertID, reason: .byOffice(note: note), state: state, action: action, today: today)

        case .convene(let present):
            guard state.stage == .drawn, let plan = state.plan else { throw invalid(state, action) }
            guard Set(present).count == present.count else {
                throw Refusal(rule: "session.present-duplicate", message: "出席专家名单中有重复")
            }
            let seated = Set(state.members.map(\.id))
            let strangers = present.filter { !seated.contains($0) }
            guard strangers.isEmpty else {
                throw Refusal(
                    rule: "session.expert-not-seated",
                    message: "以下人员不是本次会议的评审专家(未抽中、已回避或仅为备选):\(strangers.joined(separator: "、"))")
            }
            let quorum = context.policy.committee.quorum
            guard CommitteeArithmetic.isQuorate(present: present.count, members: plan.memberCount, quorum: quorum)
            else {
                let minimum = CommitteeArithmetic.quorumMinimum(members: plan.memberCount, quorum: quorum)
                throw Refusal(
                    rule: "session.quorum-not-met",
                    message:
                        "出席专家\(present.count)人,未达到评审委员会\(plan.memberCount)人的\(quorum.chinese)(至少\(minimum)人),不能开会"
                )
            }
            return Decision([.convened(present: present.sorted(), on: today)])

        case .recordBallots(let applicationID, let voters, let counts):
            if state.stage == .closed {
                throw Refusal(rule: "session.closed", message: "评审会议已闭会,不能再投票")
            }
            guard state.stage == .convened || state.stage == .voting, let plan = state.plan else {
                throw invalid(state, action)
            }
            guard plan.candidates.contains(where: { $0.applicationID == applicationID }) else {
                throw Refusal(rule: "session.candidate-unknown", message: "申报\(applicationID)不是本次会议的评审对象")
            }
            guard Set(voters).count == voters.count else {
                throw Refusal(rule: "session.second-ballot", message: "同一专家对同一评审对象只能投一票,名单中有重复")
            }
            let present = Set(state.present)
            let outsiders = voters.filter { !present.contains($0) }
            guard outsiders.isEmpty else {
                throw Refusal(
                    rule: "session.voter-not-present",
                    message: "未出席或已回避的专家不能投票(不得委托或事后补投):\(outsiders.joined(separator: "、"))")
            }
            let already = Set(state.voters[applicationID] ?? []).intersection(voters)
            guard already.isEmpty else {
                throw Refusal(
                    rule: "session.second-ballot",
                    message: "专家\(already.sorted().joined(separator: "、"))已对申报\(applicationID)投过票,不能重复投票")
            }
            let missing = present.subtracting(voters)
            guard missing.isEmpty else {
                throw Refusal(
                    rule: "session.ballot-incomplete",
                    message: "无记名投票须整箱登记:申报\(applicationID)的票箱缺少出席专家\(missing.sorted().joined(separator: "、"))的选票")
            }
            guard counts.yes >= 0, counts.no >= 0, counts.abstain >= 0, counts.total == voters.count else {
                throw Refusal(
                    rule: "session.ballot-count-mismatch",
                    message: "票数不符:赞成\(counts.yes)、反对\(counts.no)、弃权\(counts.abstain),合计应为投票专家\(voters.count)人")
            }
            return Decision([
                .ballotsRecorded(applicationID: applicationID, voters: voters.sorted(), counts: counts, on: today)
            ])

        case .close(let minutes):
            guard state.stage == .convened || state.stage == .voting, let plan = state.plan else {
                throw invalid(state, action)
            }
            let pending = plan.candidates.map(\.applicationID).filter { state.counts[$0] == nil }
            guard pending.isEmpty else {
                throw Refusal(
                    rule: "session.voting-incomplete",
                    message: "以下评审对象尚未完成投票,不能闭会:\(pending.joined(separator: "、"))")
            }
            try Gate.nonBlank(minutes, kind: kind, field: "会议纪要", rule: "minutes-missing")
            let all = results(of: state, pass: context.policy.committee.pass)
            return Decision(
                [.closed(minutes: minutes, results: all, on: today)],
                documents: [
                    DocumentRequest(.minutes, subject: plan.sessionID),
                    DocumentRequest(.voteRecord, subject: plan.sessionID),
                ],
                archives: [.session(id: plan.sessionID)])
        }
    }

    /// Who may give `command` (the web console offers only the forms the signed-in role may use).
    public static func roles(for command: CommitteeSessionCommand) -> [Role] {
        switch command {
        case .plan, .drawExperts: [.committeeSecretary, .officeClerk]
        case .declareConflict: [.expert]
        case .recuseExpert: [.officeClerk, .officeHead]
        case .convene, .recordBallots, .close: [.committeeSecretary]
        }
    }

    static func invalid(_ state: CommitteeSessionState, _ action: String) -> Refusal {
        Gate.invalidTransition(kind: kind, noun: "评审会议", state: state.stage.chinese, action: action)
    }

    static func recuse(
        _ expertID: String, reason: RecusalReason, state: CommitteeSessionState, action: String, today: Day
    ) throws(Refusal) -> Decision<CommitteeSessionEvent> {
        guard state.stage == .drawn else { throw invalid(state, action) }
        guard !state.recusedIDs.contains(expertID) else {
            throw Refusal(rule: "session.expert-already-recused", message: "专家\(expertID)已回避")
        }
        if state.alternates.contains(where: { $0.id == expertID }) {
            return Decision([.expertRecused(expertID: expertID, reason: reason, replacement: nil, on: today)])
        }
        guard state.members.contains(where: { $0.id == expertID }) else {
            throw Refusal(rule: "session.expert-unknown", message: "专家\(expertID)不是本次会议抽取的专家")
        }
        return Decision([
            .expertRecused(expertID: expertID, reason: reason, replacement: nextAlternate(state), on: today)
        ])
    }

    /// The first unused alternate who does not work for a candidate's unit.
    static func nextAlternate(_ state: CommitteeSessionState) -> ExpertRef? {
        let units = Set(state.plan?.candidates.map(\.unitID) ?? [])
        return state.alternates.first { !units.contains($0.unitID) }
    }

    // MARK: - pure helpers

    /// The random draw: the pool is put in id order (so the caller's order does not matter),
    /// shuffled with `SeededGenerator(seed)`, and the first `needed × ratio` taken; the first
    /// `needed` are members, the rest alternates in order.
    public static func draw(
        pool: [ExpertRef], needed: Int, ratio: Int, seed: UInt64
    ) -> (members: [ExpertRef], alternates: [ExpertRef]) {
        let shuffled = SeededDraw.shuffled(pool.sorted { $0.id < $1.id }, seed: seed)
        let taken = Array(shuffled.prefix(min(shuffled.count, needed * max(ratio, 1))))
        return (Array(taken.prefix(needed)), Array(taken.dropFirst(needed)))
    }

    /// A candidate's result from the recorded counts: passes with yes ≥ `pass` (⅔) of the
    /// experts present. Nil when the candidate's ballot box is not recorded.
    public static func result(
        for applicationID: String, in state: CommitteeSessionState, pass: Fraction
    )
        -> CandidateResult?
    {
        guard let c = state.counts[applicationID] else { return nil }
        let tally = VoteTally(yes: c.yes, no: c.no, abstain: c.abstain, present: state.present.count)
        return CandidateResult(applicationID: applicationID, tally: tally, passed: tally.passes(pass))
    }

    /// Every candidate's result, in plan order (candidates without a ballot box are skipped).
    public static func results(of state: CommitteeSessionState, pass: Fraction) -> [CandidateResult] {
        (state.plan?.candidates ?? []).compactMap { result(for: $0.applicationID, in: state, pass: pass) }
    }

    /// After closing: the `recordResult` command each application stream must run, in the same
    /// transaction that closes the session (application id → command).
    public static func applicationCommands(for state: CommitteeSessionState) -> [PlannedCommand<ApplicationMachine>] {
        guard state.stage == .closed, let plan = state.plan else { return [] }
        return state.results.map {
            PlannedCommand(
                streamID: $0.applicationID, command: .recordResult(sessionID: plan.sessionID, tally: $0.tally),
                actor: .system)
        }
    }

    // MARK: - evolve

    public static func evolve(_ state: CommitteeSessionState, _ event: CommitteeSessionEvent) -> CommitteeSessionState {
        var s = state
        switch event {
        case .planned(let plan, let on):
            s.plan = plan
            s.plannedOn = on
            s.stage = .planned
        case .expertsDrawn(let seed, let needed, let members, let alternates, _):
            s.seed = seed
            s.needed = needed
            s.drawn = members + alternates
            s.members = members
            s.alternates = alternates
            s.stage = .drawn
        case .expertRecused(let expertID, let reason, let replacement, _):
            s.recusals.append(RecusalRecord(expertID: expertID, reason: reason, replacement: replacement))
            s.alternates.removeAll { $0.id == expertID }
            if let i = s.members.firstIndex(where: { $0.id == expertID }) {
                if let replacement {
                    s.members[i] = replacement
                    s.alternates.removeAll { $0.id == replacement.id }
                } else {
                    s.members.remove(at: i)
                }
            }
        case .convened(let present, let on):
            s.present = present
            s.convenedOn = on
            s.stage = .convened
        case .ballotsRecorded(let applicationID, let voters, let counts, _):
            let old = s.counts[applicationID] ?? .zero
            s.counts[applicationID] = VoteCounts(
                yes: old.yes + counts.yes, no: old.no + counts.no, abstain: old.abstain + counts.abstain)
            s.voters[applicationID] = ((s.voters[applicationID] ?? []) + voters).sorted()
            s.stage = .voting
        case .closed(let minutes, let results, let on):
            s.minutes = minutes
            s.results = results
            s.closedOn = on
            s.stage = .closed
        }
        return s
    }
}
