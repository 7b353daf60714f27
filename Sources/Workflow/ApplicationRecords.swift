public import Domain
public import Foundation

/// What an application is about, fixed when it is created.
public struct ApplicationProfile: Codable, Sendable, Equatable {
    public var applicationID: String
    public var personID: String
    public var unitID: String
    public var series: Series
    public var level: Level
    public var track: Track
    /// The applicant's current title level; nil for a person without a title.
    public var currentLevel: Level?
    /// The unit has its own review authority 自主评审: the result is filed 备案, not confirmed.
    public var unitHasSelfReviewAuthority: Bool
    /// The jurisdiction whose committee reviews it (`Routing`): `city`, a county's division
    /// code or `unit:<unit id>`. Nil in profiles made before routing (absent from their JSON,
    /// so older events keep their hashes): read by `Routing.jurisdiction(of:)`.
    public var jurisdiction: String?

    public init(
        applicationID: String, personID: String, unitID: String, series: Series, level: Level, track: Track = .normal,
        currentLevel: Level? = nil, unitHasSelfReviewAuthority: Bool = false, jurisdiction: String? = nil
    ) {
        self.jurisdiction = jurisdiction
        self.applicationID = applicationID
        self.personID = personID
        self.unitID = unitID
        self.series = series
        self.level = level
        self.track = track
        self.currentLevel = currentLevel
        self.unitHasSelfReviewAuthority = unitHasSelfReviewAuthority
    }
}

/// A signed pledge 告知承诺书: who signed, when, the hash of the pledge text they saw and the
/// hash of the declaration data they pledged for.
public struct PledgeRecord: Codable, Sendable, Equatable {
    public var signerID: String
    public var signedAt: Date
    public var textHash: String
    public var dataHash: String

    public init(signerID: String, signedAt: Date, textHash: String, dataHash: String) {
        self.signerID = signerID
        self.signedAt = signedAt
        self.textHash = textHash
        self.dataHash = dataHash
    }
}

/// Facts the caller looks up (integrity file, unit standing, personnel record) and hands to
/// `submit`, so the machine can check the eligibility gates that need no form. Every `…Until`
/// is the first day one may apply again (`BarEnd`): the bar holds on the days before it.
public struct EligibilityFacts: Codable, Sendable, Equatable {
    /// First day after an active integrity record (blacklist), if any.
    public var blacklistedUntil: Day?
    /// First day after the unit's suspension, if any.
    public var unitSuspendedUntil: Day?
    public var isRetired: Bool
    /// First day after a disciplinary sanction (记过 or heavier) of public-institution staff, if any.
    public var sanctionedUntil: Day?

    public init(
        blacklistedUntil: Day? = nil, unitSuspendedUntil: Day? = nil, isRetired: Bool = false,
        sanctionedUntil: Day? = nil
    ) {
        self.blacklistedUntil = blacklistedUntil
        self.unitSuspendedUntil = unitSuspendedUntil
        self.isRetired = isRetired
        self.sanctionedUntil = sanctionedUntil
    }

    public static let clear = EligibilityFacts()
}

/// A committee's count for one candidate. `present` is the number of experts present.
public struct VoteTally: Codable, Sendable, Hashable {
    public var yes: Int
    public var no: Int
    public var abstain: Int
    public var present: Int

    public init(yes: Int, no: Int, abstain: Int, present: Int) {
        self.yes = yes
        self.no = no
        self.abstain = abstain
        self.present = present
    }

    public var ballots: Int { yes + no + abstain }

    /// Passes with yes votes from at least `ratio` (policy: ⅔) of the experts present.
    public func passes(_ ratio: Fraction) -> Bool {
        CommitteeArithmetic.passes(yes: yes, present: present, pass: ratio)
    }
}

/// The one-time correction notice and its answer.
public struct CorrectionRecord: Codable, Sendable, Equatable {
    public var items: [String]
    /// The declaration fields the applicant may change (nil or empty: a note answers it).
    public var fields: [String]?
    public var requestedOn: Day
    /// Last day for the answer (inclusive).
    public var deadline: Day
    public var answeredOn: Day?
    public var answer: String?
}

/// A public notice period: starts and ends on these days (inclusive).
public struct NoticePeriod: Codable, Sendable, Equatable {
    public var batchID: String
    public var start: Day
    public var end: Day
    public var concludedOn: Day?
}

/// An objection 异议 and how it was resolved.
public struct ObjectionRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable { case dismissed, upheld }
    public var objectionID: String
    public var summary: String
    public var raisedOn: Day
    public var outcome: Outcome?
    public var finding: String?
    public var resolvedOn: Day?

    public var isOpen: Bool { outcome == nil }
}

/// The committee's result as recorded on the application.
public struct SessionResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var tally: VoteTally
    public var passed: Bool
    public var on: Day
}

/// How the office decides a re-examination 复查.
public enum ReexaminationOutcome: String, Codable, Sendable, CaseIterable {
    /// The original failure or refusal stands; it is final.
    case upheld
    /// Overturned: the qualification is reviewed again.
    case backToQualificationReview = "back-to-qualification-review"
    /// Overturned: the application goes before a committee again (only after a failure).
    case backToCommittee = "back-to-committee"

    public var chinese: String {
        switch self {
        case .upheld: "维持原结论"
        case .backToQualificationReview: "撤销原结论,重新资格审核"
        case .backToCommittee: "撤销原结论,重新提交评审"
        }
    }
}

/// A re-examination request and its decision.
public struct ReexaminationRecord: Codable, Sendable, Equatable {
    public var reason: String
    public var requestedOn: Day
    /// The stage it was asked against: `.failed` or `.refused`.
    public var against: ApplicationStage
    public var outcome: ReexaminationOutcome?
    public var finding: String?
    public var decidedOn: Day?
}
