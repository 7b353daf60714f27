public import Domain

/// A self-reviewing unit's authority 自主评审权 as the office's record holds it when a step acts
/// on a session of the unit's committee: the grant in force, or — withdrawn — the withdrawal's
/// 文号 and day. The store reads it from the unit's standing stream in the step's transaction.
public struct SelfReviewStanding: Sendable, Equatable {
    public var unitID: String
    /// The grant in force (nil: never granted, or withdrawn).
    public var grant: SelfReviewGrant?
    /// The last withdrawal, when there was one.
    public var withdrawal: Withdrawal?

    public struct Withdrawal: Sendable, Equatable {
        public var decisionNumber: String
        public var on: Day

        public init(decisionNumber: String, on: Day) {
            self.decisionNumber = decisionNumber
            self.on = on
        }
    }

    public init(unitID: String, grant: SelfReviewGrant?, withdrawal: Withdrawal? = nil) {
        self.unitID = unitID
        self.grant = grant
        self.withdrawal = withdrawal
    }
}

/// Who may act on a committee session (seed item 6): the session's committee has a
/// jurisdiction (`SessionPlan.jurisdiction`), and
///
/// - an account scoped to a county (`Actor.county`) acts only on its county's sessions;
/// - a self-reviewing unit's staff (an actor with `unitID`, e.g. the unit's committee secretary
///   单位评审委员会秘书) acts only on the sessions of its own unit's committee (`unit:<unit id>`);
/// - nobody acts on a `unit:` session once the unit's grant no longer covers the session's
///   series and level (withdrawn: the refusal names the withdrawal's 文号);
/// - the city's staff act on every other session.
///
/// Every refusal names the rule, the actor's place and the session's.
extension CommitteeSessionMachine {
    /// Why `actor` may not act on the session `plan` describes; nil when it may. `standing` is
    /// the unit's authority for a `unit:` session (nil there: not known, refused).
    public static func scopeRefusal(
        actor: Actor, plan: SessionPlan, standing: SelfReviewStanding?, policy: Policy
    ) -> Refusal? {
        let jurisdiction = plan.committeeJurisdiction
        let place = Routing.chinese(jurisdiction, policy: policy)
        let session = "评审会议\(plan.sessionID)属于\(place)的评审委员会"
        if actor.role != .expert, actor.role != .system {
            if let county = actor.county, county != jurisdiction {
                return Refusal(
                    rule: "scope.committee-jurisdiction",
                    message: "您是\(Routing.chinese(county, policy: policy))的工作人员，只能办理本县（市、区）评审委员会的评审会议；\(session)")
            }
            if let unit = actor.unitID, Routing.unit(unit) != jurisdiction {
                return Refusal(
                    rule: "scope.committee-jurisdiction",
                    message: "您是单位\(unit)的工作人员，只能办理本单位自主评审委员会（\(Routing.chinese(Routing.unit(unit)))）的评审会议；\(session)")
            }
        }
        guard let unit = Routing.unitID(of: jurisdiction) else { return nil }
        let title = "\(plan.series.chinese)\(plan.level.chinese)"
        if let standing, standing.unitID == unit, let grant = standing.grant, grant.covers(plan.series, plan.level) {
            return nil
        }
        if let standing, standing.unitID == unit, let grant = standing.grant {
            return Refusal(
                rule: "scope.self-review-not-granted",
                message: "单位\(unit)的自主评审权（\(grant.decisionNumber)：\(grant.chinese)）不包括\(title)，其评审委员会不能办理评审会议\(plan.sessionID)")
        }
        if let standing, standing.unitID == unit, let w = standing.withdrawal {
            return Refusal(
                rule: "scope.self-review-withdrawn",
                message: "单位\(unit)的自主评审权已于\(w.on.chinese)由\(w.decisionNumber)收回，其评审委员会不能再办理评审会议\(plan.sessionID)（\(title)）")
        }
        return Refusal(
            rule: "scope.self-review-withdrawn",
            message: "单位\(unit)未获自主评审权（或已收回），其评审委员会不能办理评审会议\(plan.sessionID)（\(title)）")
    }

    /// Whether `actor` sees sessions and committees of `jurisdiction` in the consoles (a county's
    /// staff: its county's; a unit's staff: its unit's; the city's staff: all).
    public static func inScope(_ jurisdiction: String, actor: Actor) -> Bool {
        if let county = actor.county { return county == jurisdiction }
        if let unit = actor.unitID { return Routing.unit(unit) == jurisdiction }
        return true
    }
}

extension CommitteeSessionMachine {
    /// The self-reviewing unit whose authority a step on this session depends on (the unit of
    /// a `unit:` session's committee), nil for the city's and counties' sessions: what the store
    /// reads into `Context.selfReview`.
    public static func selfReviewUnit(_ command: CommitteeSessionCommand, state: CommitteeSessionState) -> String? {
        let plan: SessionPlan? = if case .plan(let p) = command { p } else { state.plan }
        return plan.flatMap { Routing.unitID(of: $0.committeeJurisdiction) }
    }
}
