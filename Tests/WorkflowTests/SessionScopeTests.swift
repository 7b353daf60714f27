import Domain
import Foundation
import Testing

@testable import Workflow

/// Seed item 6, the committee side: a session's plan records its committee's jurisdiction, and
/// `CommitteeSessionMachine` refuses — naming `scope.committee-jurisdiction` and both places — a
/// county's staff on another jurisdiction's session and a self-reviewing unit's staff on another
/// unit's or the city's; nobody runs a `unit:` session once the unit's grant no longer covers
/// its series and level (`scope.self-review-withdrawn`, naming the withdrawal's 文号). The city's
/// staff run every other session as before.
@Suite struct SessionScopeTests {
    typealias M = CommitteeSessionMachine

    static let xiuwu = "410821"
    static let boai = "410822"
    static let xiuwuSecretary = Actor(id: "xw-sec", role: .committeeSecretary, county: xiuwu)
    static let boaiSecretary = Actor(id: "ba-sec", role: .committeeSecretary, county: boai)
    static let universitySecretary = Actor(id: "web-u1-sec", role: .committeeSecretary, unitID: "U001")
    static let hospitalSecretary = Actor(id: "web-u2-sec", role: .committeeSecretary, unitID: "U002")

    static let grant = SelfReviewGrant(
        series: [.higherEducationTeachers], levels: [.deputySenior, .fullSenior], decisionNumber: "焦人社〔2026〕5号",
        from: day("2026-02-01"))

    static func plan(_ jurisdiction: String?, unit: String = "unit-1") -> SessionPlan {
        var p = SessionPaths.plan
        p.jurisdiction = jurisdiction
        if jurisdiction.flatMap(Routing.unitID(of:)) != nil {
            p.series = .higherEducationTeachers
            p.candidates = SessionPaths.candidates.map { SessionCandidate(applicationID: $0.applicationID, unitID: unit) }
        }
        return p
    }

    /// A stream whose session sits in `jurisdiction`, planned by the city's clerk (and drawn).
    static func drawn(_ jurisdiction: String?, standing: SelfReviewStanding? = nil) -> SessionStream {
        var s = SessionStream()
        s.today = day("2026-03-01")
        s.selfReview = standing
        s.run(.plan(plan(jurisdiction, unit: "U001")), as: Actors.clerk)
        s.run(.drawExperts(pool: SessionPaths.pool, needed: 11, seed: 2026), as: Actors.secretary)
        return s
    }

    @Test func aCountySecretaryIsRefusedAnotherCountysAndTheCitysSession() {
        let boai = Self.drawn(Self.boai)
        let refused = boai.refuse(
            .convene(present: SessionPaths.presentEight(boai.state)), as: Self.xiuwuSecretary,
            rule: "scope.committee-jurisdiction")
        #expect(refused?.message.contains("修武县（410821）") == true)
        #expect(refused?.message.contains("博爱县（410822）") == true)
        #expect(refused?.message.contains(SessionPaths.plan.sessionID) == true)
        #expect(refused.map { isChinese($0.message) } == true)
        // Planning another county's session, and any step on the city's, is refused the same way.
        SessionStream().refuse(.plan(Self.plan(Self.boai)), as: Self.xiuwuSecretary, rule: "scope.committee-jurisdiction")
        let city = Self.drawn(Routing.city)
        let cityRefused = city.refuse(
            .convene(present: SessionPaths.presentEight(city.state)), as: Self.boaiSecretary,
            rule: "scope.committee-jurisdiction")
        #expect(cityRefused?.message.contains("全市") == true)
        // The county's own secretary runs it.
        var own = Self.drawn(Self.boai)
        own.run(.convene(present: SessionPaths.presentEight(own.state)), as: Self.boaiSecretary)
        #expect(own.state.stage == .convened)
    }

    @Test func oldPlansWithoutAJurisdictionAreTheCitys() throws {
        // A plan event written before the jurisdiction was recorded has no such key.
        let data = try JSONEncoder().encode(SessionPaths.plan)
        #expect(!String(decoding: data, as: UTF8.self).contains("jurisdiction"))
        let decoded = try JSONDecoder().decode(SessionPlan.self, from: data)
        #expect(decoded.jurisdiction == nil && decoded.committeeJurisdiction == Routing.city)
        let s = Self.drawn(nil)
        s.refuse(
            .convene(present: SessionPaths.presentEight(s.state)), as: Self.xiuwuSecretary,
            rule: "scope.committee-jurisdiction")
    }

    @Test func aUnitsSecretaryRunsItsOwnSessionOnlyWithinTheGrant() {
        let standing = SelfReviewStanding(unitID: "U001", grant: Self.grant)
        var own = Self.drawn(Routing.unit("U001"), standing: standing)
        let present = SessionPaths.presentEight(own.state)
        // Another unit's secretary and the city's session are out of its reach.
        let other = own.refuse(
            .convene(present: present), as: Self.hospitalSecretary, rule: "scope.committee-jurisdiction")
        #expect(other?.message.contains("U002") == true && other?.message.contains("U001") == true)
        let city = Self.drawn(Routing.city)
        let cityRefused = city.refuse(
            .convene(present: SessionPaths.presentEight(city.state)), as: Self.universitySecretary,
            rule: "scope.committee-jurisdiction")
        #expect(cityRefused?.message.contains("全市") == true)
        #expect(cityRefused?.message.contains("U001") == true)
        // Its own: convene, count every box, close.
        own.run(.convene(present: present), as: Self.universitySecretary)
        for c in own.state.plan!.candidates {
            own.run(
                .recordBallots(applicationID: c.applicationID, voters: present, counts: VoteCounts(yes: 7, no: 1, abstain: 0)),
                as: Self.universitySecretary)
        }
        own.run(.close(minutes: "单位自主评审委员会评审会议"), as: Self.universitySecretary)
        #expect(own.state.stage == .closed && own.state.results.allSatisfy(\.passed))
        // The unit's committee sits only for the unit's own staff.
        var stranger = Self.plan(Routing.unit("U001"), unit: "U001")
        stranger.candidates[1].unitID = "U009"
        var fresh = SessionStream()
        fresh.selfReview = standing
        let refused = fresh.refuse(.plan(stranger), as: Self.universitySecretary, rule: "session.candidate-other-unit")
        #expect(refused?.message.contains("U009") == true)
        // A level the grant does not cover.
        var intermediate = Self.plan(Routing.unit("U001"), unit: "U001")
        intermediate.level = .intermediate
        let uncovered = fresh.refuse(
            .plan(intermediate), as: Self.universitySecretary, rule: "scope.self-review-not-granted")
        #expect(uncovered?.message.contains("焦人社〔2026〕5号") == true)
        #expect(uncovered?.message.contains("中级") == true)
    }

    @Test func aWithdrawnGrantStopsEveryoneNamingTheWithdrawal() {
        let granted = SelfReviewStanding(unitID: "U001", grant: Self.grant)
        var s = Self.drawn(Routing.unit("U001"), standing: granted)
        s.selfReview = SelfReviewStanding(
            unitID: "U001", grant: nil,
            withdrawal: .init(decisionNumber: "焦人社〔2026〕9号", on: day("2026-03-10")))
        let present = SessionPaths.presentEight(s.state)
        for actor in [Self.universitySecretary, Actors.secretary] {
            let refused = s.refuse(.convene(present: present), as: actor, rule: "scope.self-review-withdrawn")
            #expect(refused?.message.contains("焦人社〔2026〕9号") == true)
            #expect(refused?.message.contains("U001") == true)
        }
        // Unknown standing (never granted): refused too.
        s.selfReview = nil
        s.refuse(.convene(present: present), as: Actors.secretary, rule: "scope.self-review-withdrawn")
        // Granted again: the unit's secretary carries on.
        s.selfReview = granted
        s.run(.convene(present: present), as: Self.universitySecretary)
        #expect(s.state.stage == .convened)
    }

    @Test func theCitysSecretaryIsUnchanged() {
        // Every stage as before, with and without a recorded jurisdiction.
        #expect(SessionPaths.reach(.closed).state.stage == .closed)
        var s = Self.drawn(Routing.city)
        s.run(.convene(present: SessionPaths.presentEight(s.state)), as: Actors.secretary)
        var county = Self.drawn(Self.xiuwu)
        county.run(.convene(present: SessionPaths.presentEight(county.state)), as: Actors.secretary)
        #expect(s.state.stage == .convened && county.state.stage == .convened)
        #expect(M.inScope(Self.xiuwu, actor: Actors.secretary) && M.inScope(Routing.unit("U001"), actor: Actors.secretary))
        #expect(!M.inScope(Routing.city, actor: Self.universitySecretary))
        #expect(M.inScope(Routing.unit("U001"), actor: Self.universitySecretary))
        #expect(!M.inScope(Self.boai, actor: Self.xiuwuSecretary))
    }
}
