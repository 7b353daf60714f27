public import Domain

/// An expert in a pool or seated at a session, with the unit they work for (for recusal).
public struct ExpertRef: Codable, Sendable, Hashable {
    public var id: String
    public var unitID: String

    public init(id: String, unitID: String) {
        self.id = id
        self.unitID = unitID
    }
}

/// A candidate before a session: the application and the applicant's unit.
public struct SessionCandidate: Codable, Sendable, Hashable {
    public var applicationID: String
    public var unitID: String

    public init(applicationID: String, unitID: String) {
        self.applicationID = applicationID
        self.unitID = unitID
    }
}

/// What a session is planned for.
public struct SessionPlan: Codable, Sendable, Equatable {
    public var sessionID: String
    public var committeeID: String
    public var series: Series
    public var level: Level
    /// Members of the committee for this meeting: the quorum is counted against this number.
    public var memberCount: Int
    public var candidates: [SessionCandidate]
    public var date: Day
    /// Where the meeting is held (nil in plans made before the web console recorded it; absent
    /// from the event's JSON then, so older events keep their hashes).
    public var venue: String?
    /// The jurisdiction of the session's committee (`Routing`: `city`, a county's code or
    /// `unit:<unit id>`), which decides who may run the session. Nil in plans made before it
    /// was recorded (absent from their JSON, so older events keep their hashes): the city's.
    public var jurisdiction: String?

    public init(
        sessionID: String, committeeID: String, series: Series, level: Level, memberCount: Int,
        candidates: [SessionCandidate], date: Day, venue: String? = nil, jurisdiction: String? = nil
    ) {
        self.sessionID = sessionID
        self.committeeID = committeeID
        self.series = series
        self.level = level
        self.memberCount = memberCount
        self.candidates = candidates
        self.date = date
        self.venue = venue
        self.jurisdiction = jurisdiction
    }

    /// Whose committee sits: the recorded jurisdiction, the city's when none was recorded.
    public var committeeJurisdiction: String { jurisdiction ?? Routing.city }
}

/// Why an expert does not sit 回避.
public enum RecusalReason: Codable, Sendable, Equatable {
    /// Works for the unit of this candidate (automatic, at the draw).
    case sameUnit(applicationID: String)
    /// The expert declared a conflict of interest (relative, collaborator …).
    case declaredConflict(note: String)
    /// The office recused the expert.
    case byOffice(note: String)

    public var chinese: String {
        switch self {
        case .sameUnit(let id): "与申报人(\(id))同一单位"
        case .declaredConflict(let note): "本人申请回避:\(note)"
        case .byOffice(let note): "职改办决定回避:\(note)"
        }
    }
}

/// One recusal and the alternate who took the seat (nil when the expert was an alternate, or
/// no alternate was left).
public struct RecusalRecord: Codable, Sendable, Equatable {
    public var expertID: String
    public var reason: RecusalReason
    public var replacement: ExpertRef?
}

/// Yes / no / abstain counts of one ballot box. Never who voted what.
public struct VoteCounts: Codable, Sendable, Hashable {
    public var yes: Int
    public var no: Int
    public var abstain: Int

    public init(yes: Int, no: Int, abstain: Int) {
        self.yes = yes
        self.no = no
        self.abstain = abstain
    }

    public var total: Int { yes + no + abstain }
    public static let zero = VoteCounts(yes: 0, no: 0, abstain: 0)
}

/// One candidate's result at a closed session.
public struct CandidateResult: Codable, Sendable, Equatable {
    public var applicationID: String
    public var tally: VoteTally
    public var passed: Bool

    public init(applicationID: String, tally: VoteTally, passed: Bool) {
        self.applicationID = applicationID
        self.tally = tally
        self.passed = passed
    }
}
