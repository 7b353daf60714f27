import Domain
import Foundation
import Testing

@testable import Workflow

@Suite struct CommitteeSessionMachineTests {
    typealias M = CommitteeSessionMachine

    @Test func everyStageIsReachableAndReplayable() {
        for stage in CommitteeSessionStage.allCases {
            let s = SessionPaths.reach(stage)
            #expect(s.state.stage == stage)
            #expect(s.replayed == s.state)
            #expect(M.status(of: s.state) == stage.rawValue)
            #expect(isChinese(stage.chinese))
        }
    }

    // MARK: - planning

    @Test func planRefusals() {
        let s = SessionStream()
        s.refuse(.plan(SessionPaths.plan), as: Actors.head, rule: "session.role-not-allowed")
        s.refuse(.plan(SessionPaths.plan), as: Actors.applicant, rule: "session.role-not-allowed")
        var even = SessionPaths.plan
        even.memberCount = 10
        s.refuse(.plan(even), as: Actors.clerk, rule: "session.member-count-invalid")
        var none = SessionPaths.plan
        none.candidates = []
        s.refuse(.plan(none), as: Actors.clerk, rule: "session.no-candidates")
        var twice = SessionPaths.plan
        twice.candidates.append(twice.candidates[0])
        s.refuse(.plan(twice), as: Actors.clerk, rule: "session.candidate-duplicate")
        var blank = SessionPaths.plan
        blank.sessionID = ""
        s.refuse(.plan(blank), as: Actors.clerk, rule: "session.id-missing")
        SessionPaths.reach(.planned).refuse(
            .plan(SessionPaths.plan), as: Actors.secretary, rule: "session.invalid-transition")
    }

    // MARK: - the draw

    @Test func drawIsDeterministicBySeedAndIndependentOfPoolOrder() {
        let a = M.draw(pool: SessionPaths.pool, needed: 11, ratio: 2, seed: 42)
        let b = M.draw(pool: SessionPaths.pool.reversed(), needed: 11, ratio: 2, seed: 42)
        #expect(a.members == b.members && a.alternates == b.alternates)
        #expect(a.members.count == 11 && a.alternates.count == 11)
        let all = a.members + a.alternates
        #expect(Set(all.map(\.id)).count == 22)
        #expect(Set(all).isSubset(of: Set(SessionPaths.pool)))
        // Different seeds give different draws (all ten distinct here).
        let draws = Set(
            (0..<10).map { M.draw(pool: SessionPaths.pool, needed: 11, ratio: 2, seed: UInt64($0)).members.map(\.id) })
        #expect(draws.count == 10)
        // A small pool: everyone drawn, the rest are alternates.
        let small = M.draw(pool: Array(SessionPaths.pool.prefix(13)), needed: 11, ratio: 2, seed: 1)
        #expect(small.members.count == 11 && small.alternates.count == 2)
        // Pinned values: the draw must never change silently (audits replay it years later).
        #expect(SeededDraw.shuffled(Array(1...10), seed: 7) == SeededDraw.shuffled(Array(1...10), seed: 7))
        #expect(SeededDraw.shuffled(Array(1...10), seed: 7).sorted() == Array(1...10))
    }

    @Test func drawnSessionRecordsSeedAndRecusesSameUnitExperts() {
        let s = SessionPaths.reach(.drawn)
        let candidateUnits = Set(SessionPaths.candidates.map(\.unitID))
        #expect(s.state.seed == 2026 && s.state.needed == 11)
        #expect(s.state.members.count == 11)
        #expect(s.state.members.allSatisfy { !candidateUnits.contains($0.unitID) })
        let expected = M.draw(pool: SessionPaths.pool, needed: 11, ratio: 2, seed: 2026)
        #expect(s.state.drawn == expected.members + expected.alternates)
        let conflicted = expected.members.filter { candidateUnits.contains($0.unitID) }
        #expect(!conflicted.isEmpty)
        #expect(s.state.recusals.map(\.expertID) == conflicted.map(\.id))
        // Each replacement is the next alternate not from a candidate's unit, in draw order.
        let eligible = expected.alternates.filter { !candidateUnits.contains($0.unitID) }
        #expect(s.state.recusals.map(\.replacement) == Array(eligible.prefix(conflicted.count)))
        for r in s.state.recusals {
            guard case .sameUnit(let app) = r.reason else {
                Issue.record("reason \(r.reason)")
                continue
            }
            let unit = SessionPaths.candidates.first { $0.applicationID == app }!.unitID
            #expect(expected.members.first { $0.id == r.expertID }!.unitID == unit)
        }
        // Replaced members keep their seat position.
        let firstConflict = expected.members.firstIndex(of: conflicted[0])!
        #expect(s.state.members[firstConflict] == eligible[0])
        #expect(isChinese(s.state.recusals[0].reason.chinese))
    }

    @Test func drawRefusals() {
        let s = SessionPaths.reach(.planned)
        s.refuse(
            .drawExperts(pool: SessionPaths.pool, needed: 7, seed: 1), as: Actors.secretary,
            rule: "session.draw-below-quorum")
        s.refuse(
            .drawExperts(pool: Array(SessionPaths.pool.prefix(10)), needed: 11, seed: 1), as: Actors.secretary,
            rule: "session.pool-too-small")
        s.refuse(
            .drawExperts(pool: SessionPaths.pool + [SessionPaths.pool[0]], needed: 11, seed: 1), as: Actors.secretary,
            rule: "session.pool-duplicate")
        // 12 experts, 6 from a candidate's unit: not enough left after recusal.
        let crowded = (1...12).map { ExpertRef(id: "x\($0)", unitID: $0 <= 6 ? "unit-1" : "u\($0)") }
        s.refuse(
            .drawExperts(pool: crowded, needed: 11, seed: 3), as: Actors.secretary, rule: "session.not-enough-experts")
        s.refuse(
            .drawExperts(pool: SessionPaths.pool, needed: 11, seed: 1), as: Actors.expert("e01"),
            rule: "session.role-not-allowed")
        SessionPaths.reach(.drawn).refuse(
            .drawExperts(pool: SessionPaths.pool, needed: 11, seed: 1), as: Actors.secretary,
            rule: "session.invalid-transition")
    }

    // MARK: - recusal

    @Test func expertDeclaresAConflictAndIsReplacedByTheNextAlternate() {
        var s = SessionPaths.reach(.drawn)
        let seat = 3
        let expert = s.state.members[seat]
        let next = M.nextAlternate(s.state)!
        s.refuse(.declareConflict(expertID: expert.id, note: "近亲属"), as: Actors.expert("e99"), rule: "session.not-self")
        s.refuse(.declareConflict(expertID: expert.id, note: "近亲属"), as: Actors.clerk, rule: "session.role-not-allowed")
        let d = s.run(.declareConflict(expertID: expert.id, note: "与申报人为近亲属"), as: Actors.expert(expert.id))
        #expect(
            d?.events == [
                .expertRecused(
                    expertID: expert.id, reason: .declaredConflict(note: "与申报人为近亲属"), replacement: next, on: s.today)
            ])
        #expect(s.state.members[seat] == next)
        #expect(!s.state.alternates.contains(next))
        #expect(s.state.members.count == 11)
        s.refuse(
            .declareConflict(expertID: expert.id, note: "x"), as: Actors.expert(expert.id),
            rule: "session.expert-already-recused")
        s.refuse(.recuseExpert(expertID: "nobody", note: "x"), as: Actors.clerk, rule: "session.expert-unknown")
        #expect(s.replayed == s.state)
    }

    @Test func officeRecusesMembersAndAlternates() {
        var s = SessionPaths.reach(.drawn)
        let member = s.state.members[0]
        s.refuse(.recuseExpert(expertID: member.id, note: "x"), as: Actors.secretary, rule: "session.role-not-allowed")
        s.refuse(.recuseExpert(expertID: member.id, note: ""), as: Actors.head, rule: "session.reason-missing")
        s.run(.recuseExpert(expertID: member.id, note: "曾指导申报人论文"), as: Actors.head)
        #expect(!s.state.members.contains(member))
        let alternate = s.state.alternates[0]
        s.run(.recuseExpert(expertID: alternate.id, note: "合作关系"), as: Actors.clerk)
        #expect(!s.state.alternates.contains(alternate))
        #expect(s.state.recusals.last?.replacement == nil)
        #expect(s.state.members.count == 11)
    }

    @Test func withoutAlternatesARecusedSeatStaysEmpty() {
        var s = SessionStream()
        s.run(.plan(SessionPaths.plan), as: Actors.clerk)
        let pool = (1...11).map { ExpertRef(id: "x\($0)", unitID: "other") }
        s.run(.drawExperts(pool: pool, needed: 11, seed: 9), as: Actors.clerk)
        #expect(s.state.alternates.isEmpty)
        s.run(.recuseExpert(expertID: "x1", note: "回避"), as: Actors.clerk)
        #expect(s.state.members.count == 10)
        #expect(s.state.recusals.last?.replacement == nil)
    }

    @Test func recusalOnlyBeforeTheMeeting() {
        let s = SessionPaths.reach(.convened)
        let e = s.state.members[0].id
        s.refuse(.declareConflict(expertID: e, note: "x"), as: Actors.expert(e), rule: "session.invalid-transition")
        s.refuse(.recuseExpert(expertID: e, note: "x"), as: Actors.head, rule: "session.invalid-transition")
        SessionPaths.reach(.planned).refuse(
            .recuseExpert(expertID: e, note: "x"), as: Actors.head, rule: "session.invalid-transition")
    }

    // MARK: - quorum

    @Test func quorumOfElevenIsEight() {
        let s = SessionPaths.reach(.drawn)
        let seated = s.state.members.map(\.id)
        let r = s.refuse(
            .convene(present: Array(seated.prefix(7))), as: Actors.secretary, rule: "session.quorum-not-met")
        #expect(
            r?.message.contains("7人") == true && r?.message.contains("11人") == true
                && r?.message.contains("至少8人") == true)
        var ok = s
        ok.run(.convene(present: Array(seated.prefix(8))), as: Actors.secretary)
        #expect(ok.state.stage == .convened && ok.state.present == Array(seated.prefix(8)).sorted())
        var all = s
        all.run(.convene(present: seated), as: Actors.secretary)
        #expect(all.state.present.count == 11)
    }

    @Test func onlySeatedExpertsMayBePresent() {
        let s = SessionPaths.reach(.drawn)
        let seated = s.state.members.map(\.id)
        let recused = s.state.recusals[0].expertID
        let alternate = s.state.alternates[0].id
        for intruder in [recused, alternate, "stranger"] {
            let r = s.refuse(
                .convene(present: Array(seated.prefix(8)) + [intruder]), as: Actors.secretary,
                rule: "session.expert-not-seated")
            #expect(r?.message.contains(intruder) == true)
        }
        s.refuse(
            .convene(present: Array(seated.prefix(8)) + [seated[0]]), as: Actors.secretary,
            rule: "session.present-duplicate")
        s.refuse(.convene(present: seated), as: Actors.clerk, rule: "session.role-not-allowed")
        SessionPaths.reach(.planned).refuse(
            .convene(present: seated), as: Actors.secretary, rule: "session.invalid-transition")
    }

    // MARK: - voting

    @Test func twoThirdsOfEightPresentIsSixYes() {
        let s = SessionPaths.reach(.closed)
        let pass = Rules.real.policy.committee.pass
        #expect(
            M.result(for: "A-1", in: s.state, pass: pass)
                == CandidateResult(
                    applicationID: "A-1", tally: VoteTally(yes: 6, no: 1, abstain: 1, present: 8), passed: true))
        #expect(M.result(for: "A-2", in: s.state, pass: pass)?.passed == false)
        #expect(M.result(for: "A-3", in: s.state, pass: pass)?.passed == true)
        #expect(M.result(for: "A-9", in: s.state, pass: pass) == nil)
        #expect(s.state.results == M.results(of: s.state, pass: pass))
        #expect(VoteTally(yes: 6, no: 2, abstain: 0, present: 8).passes(pass))
        #expect(!VoteTally(yes: 5, no: 3, abstain: 0, present: 8).passes(pass))
        #expect(VoteTally(yes: 8, no: 3, abstain: 0, present: 11).passes(pass))
        #expect(!VoteTally(yes: 7, no: 4, abstain: 0, present: 11).passes(pass))
    }

    @Test func ballotRefusals() {
        var s = SessionPaths.reach(.convened)
        let present = s.state.present
        let absent = s.state.members.map(\.id).first { !present.contains($0) }!
        let recused = s.state.recusals[0].expertID
        let six = VoteCounts(yes: 6, no: 1, abstain: 1)
        s.refuse(
            .recordBallots(applicationID: "A-9", voters: present, counts: six), as: Actors.secretary,
            rule: "session.candidate-unknown")
        s.refuse(
            .recordBallots(applicationID: "A-1", voters: Array(present.dropLast()) + [absent], counts: six),
            as: Actors.secretary,
            rule: "session.voter-not-present")
        s.refuse(
            .recordBallots(applicationID: "A-1", voters: Array(present.dropLast()) + [recused], counts: six),
            as: Actors.secretary,
            rule: "session.voter-not-present")
        s.refuse(
            .recordBallots(
                applicationID: "A-1", voters: present + [present[0]], counts: VoteCounts(yes: 7, no: 1, abstain: 1)),
            as: Actors.secretary, rule: "session.second-ballot")
        let r = s.refuse(
            .recordBallots(
                applicationID: "A-1", voters: Array(present.prefix(7)), counts: VoteCounts(yes: 6, no: 1, abstain: 0)),
            as: Actors.secretary, rule: "session.ballot-incomplete")
        #expect(r?.message.contains(present[7]) == true)
        s.refuse(
            .recordBallots(applicationID: "A-1", voters: present, counts: VoteCounts(yes: 6, no: 1, abstain: 0)),
            as: Actors.secretary,
            rule: "session.ballot-count-mismatch")
        s.refuse(
            .recordBallots(applicationID: "A-1", voters: present, counts: VoteCounts(yes: 9, no: -1, abstain: 0)),
            as: Actors.secretary,
            rule: "session.ballot-count-mismatch")
        s.refuse(
            .recordBallots(applicationID: "A-1", voters: present, counts: six), as: Actors.expert(present[0]),
            rule: "session.role-not-allowed")
        s.run(.recordBallots(applicationID: "A-1", voters: present, counts: six), as: Actors.secretary)
        #expect(s.state.stage == .voting)
        // The same expert cannot vote twice on the same candidate.
        let again = s.refuse(
            .recordBallots(applicationID: "A-1", voters: present, counts: six), as: Actors.secretary,
            rule: "session.second-ballot")
        #expect(again?.message.contains(present[0]) == true)
        // … but votes on the next candidate.
        s.run(
            .recordBallots(applicationID: "A-2", voters: present, counts: VoteCounts(yes: 0, no: 8, abstain: 0)),
            as: Actors.secretary)
        #expect(s.state.voters["A-2"] == present)
        SessionPaths.reach(.drawn).refuse(
            .recordBallots(applicationID: "A-1", voters: present, counts: six), as: Actors.secretary,
            rule: "session.invalid-transition")
    }

    @Test func noVoteAfterClosing() {
        let s = SessionPaths.reach(.closed)
        let r = s.refuse(
            .recordBallots(
                applicationID: "A-1", voters: s.state.present, counts: VoteCounts(yes: 8, no: 0, abstain: 0)),
            as: Actors.secretary, rule: "session.closed")
        #expect(r?.message.contains("闭会") == true)
        s.refuse(.close(minutes: "再次闭会"), as: Actors.secretary, rule: "session.invalid-transition")
    }

    @Test func closingNeedsEveryBallotBoxAndMinutes() {
        var s = SessionPaths.reach(.voting)  // only A-1 voted
        let r = s.refuse(.close(minutes: "纪要"), as: Actors.secretary, rule: "session.voting-incomplete")
        #expect(r?.message.contains("A-2") == true && r?.message.contains("A-3") == true)
        SessionPaths.reach(.convened).refuse(
            .close(minutes: "纪要"), as: Actors.secretary, rule: "session.voting-incomplete")
        for id in ["A-2", "A-3"] {
            s.run(
                .recordBallots(
                    applicationID: id, voters: s.state.present, counts: VoteCounts(yes: 7, no: 1, abstain: 0)),
                as: Actors.secretary)
        }
        s.refuse(.close(minutes: " "), as: Actors.secretary, rule: "session.minutes-missing")
        s.refuse(.close(minutes: "纪要"), as: Actors.clerk, rule: "session.role-not-allowed")
        let d = s.run(.close(minutes: "纪要正文"), as: Actors.secretary)
        #expect(
            d?.documents == [
                DocumentRequest(.minutes, subject: "S-2026-01"), DocumentRequest(.voteRecord, subject: "S-2026-01"),
            ])
        guard case .closed(let minutes, let results, _) = d?.events.first else {
            Issue.record("no closed event")
            return
        }
        #expect(minutes == "纪要正文")
        #expect(results.map(\.applicationID) == ["A-1", "A-2", "A-3"])
        #expect(results.allSatisfy { $0.passed })
        #expect(s.state.stage == .closed && s.replayed == s.state)
    }

    @Test func closedSessionPlansTheApplicationsResults() {
        let s = SessionPaths.reach(.closed)
        let planned = M.applicationCommands(for: s.state)
        #expect(planned.map(\.streamID) == ["A-1", "A-2", "A-3"])
        #expect(planned.allSatisfy { $0.kind == "application" && $0.actor == .system })
        #expect(
            planned[0].command
                == .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 6, no: 1, abstain: 1, present: 8)))
        #expect(M.applicationCommands(for: SessionPaths.reach(.voting).state).isEmpty)
        // Applied to application streams waiting in this session: A-1 passes, A-2 fails.
        var outcomes: [ApplicationStage] = []
        for p in planned.prefix(2) {
            var app = AppPaths.reach(.accepted)
            app.run(.assignToSession(sessionID: "S-2026-01"), as: Actors.secretary)
            app.run(p.command, as: p.actor)
            outcomes.append(app.state.stage)
        }
        #expect(outcomes == [.passed, .failed])
    }

    // MARK: - secrecy

    @Test func theBallotRecordNeverPairsAnExpertWithAChoice() throws {
        var s = SessionPaths.reach(.convened)
        let present = s.state.present
        // The voters' order (which might follow the order ballots were handed in) is erased.
        let d1 = try M.decide(
            .recordBallots(
                applicationID: "A-1", voters: present.reversed(), counts: VoteCounts(yes: 6, no: 1, abstain: 1)),
            state: s.state, context: s.context(Actors.secretary))
        let d2 = try M.decide(
            .recordBallots(
                applicationID: "A-1", voters: present.shuffled(), counts: VoteCounts(yes: 6, no: 1, abstain: 1)),
            state: s.state, context: s.context(Actors.secretary))
        #expect(d1 == d2)
        // The event holds participation and totals only.
        let json =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(d1.events[0])) as! [String: [String: Any]]
        let body = json["ballotsRecorded"]!
        #expect(Set(body.keys) == ["applicationID", "voters", "counts", "on"])
        #expect(body["voters"] as? [String] == present)
        #expect(Set((body["counts"] as! [String: Int]).keys) == ["yes", "no", "abstain"])
        s.run(
            .recordBallots(applicationID: "A-1", voters: present, counts: VoteCounts(yes: 6, no: 1, abstain: 1)),
            as: Actors.secretary)
        // The state keeps the set of voters and the counts per candidate, nothing per expert.
        #expect(s.state.voters == ["A-1": present])
        #expect(s.state.counts == ["A-1": VoteCounts(yes: 6, no: 1, abstain: 1)])
        let stateJSON = String(decoding: try JSONEncoder().encode(s.state), as: UTF8.self)
        for expert in present {
            // An expert id appears only in lists of ids (drawn, members, present, voters), never as a key.
            #expect(!stateJSON.contains("\"\(expert)\":"))
        }
        // A box of one would reveal a choice: partial boxes are refused.
        s.refuse(
            .recordBallots(applicationID: "A-2", voters: [present[0]], counts: VoteCounts(yes: 1, no: 0, abstain: 0)),
            as: Actors.secretary, rule: "session.ballot-incomplete")
    }

    // MARK: - matrices, codability

    static let commandTable: [(command: CommitteeSessionCommand, stage: CommitteeSessionStage, roles: Set<Role>)] = [
        (.plan(SessionPaths.plan), .none, [.committeeSecretary, .officeClerk]),
        (.drawExperts(pool: SessionPaths.pool, needed: 11, seed: 1), .planned, [.committeeSecretary, .officeClerk]),
        (.recuseExpert(expertID: "e01", note: "n"), .drawn, [.officeClerk, .officeHead]),
        (.convene(present: []), .drawn, [.committeeSecretary]),
        (.recordBallots(applicationID: "A-1", voters: [], counts: .zero), .convened, [.committeeSecretary]),
        (.close(minutes: "m"), .voting, [.committeeSecretary]),
    ]

    @Test func everyCommandRefusesEveryOtherRole() {
        for (command, stage, roles) in Self.commandTable {
            let s = SessionPaths.reach(stage)
            for actor in Actors.all where !roles.contains(actor.role) {
                let r = s.refuse(command, as: actor, rule: "session.role-not-allowed")
                #expect(r?.message.contains(actor.role.chinese) == true)
            }
        }
        for actor in Actors.all where actor.role != .expert {
            SessionPaths.reach(.drawn).refuse(
                .declareConflict(expertID: "e01", note: "n"), as: actor, rule: "session.role-not-allowed")
        }
    }

    @Test func everyCommandIsRefusedInEveryOtherStage() {
        let allowed: [String: Set<CommitteeSessionStage>] = [
            "安排评审会议": [.none], "抽取评审专家": [.planned], "决定专家回避": [.drawn], "召开评审会议": [.drawn],
            "登记投票结果": [.convened, .voting], "闭会": [.convened, .voting],
        ]
        for stage in CommitteeSessionStage.allCases {
            let s = SessionPaths.reach(stage)
            for (command, _, roles) in Self.commandTable where !allowed[command.chinese]!.contains(stage) {
                let actor = Actors.all.first { roles.contains($0.role) }!
                let rule =
                    stage == .closed && command.chinese == "登记投票结果" ? "session.closed" : "session.invalid-transition"
                let r = s.refuse(command, as: actor, rule: rule)
                if rule == "session.invalid-transition" { #expect(r?.message.contains(stage.chinese) == true) }
            }
            if stage != .drawn {
                s.refuse(
                    .declareConflict(expertID: "e01", note: "n"), as: Actors.expert("e01"),
                    rule: "session.invalid-transition")
            }
        }
    }

    @Test func eventsRoundTripWithTheirCaseNames() throws {
        var s = SessionPaths.reach(.closed)
        var d = SessionPaths.reach(.drawn)
        d.run(.recuseExpert(expertID: d.state.members[0].id, note: "n"), as: Actors.clerk)
        s.events += d.events.suffix(1)
        #expect(
            Set(s.events.map(\.name)) == [
                "planned", "expertsDrawn", "expertRecused", "convened", "ballotsRecorded", "closed",
            ])
        for e in s.events {
            let data = try JSONEncoder().encode(e)
            #expect(try JSONDecoder().decode(CommitteeSessionEvent.self, from: data) == e)
            #expect((try JSONSerialization.jsonObject(with: data) as! [String: Any]).keys.first == e.name)
        }
        let state = SessionPaths.reach(.closed).state
        #expect(try JSONDecoder().decode(CommitteeSessionState.self, from: JSONEncoder().encode(state)) == state)
    }
}
