public import Domain

/// What happened to an application. Each event carries every date and value `evolve` needs.
public enum ApplicationEvent: NamedEvent {
    case created(profile: ApplicationProfile, on: Day)
    case submitted(pledge: PledgeRecord, on: Day)
    case unitNoticeStarted(on: Day)
    case recommended(on: Day, workingDaysElapsed: Int)
    case returnedByUnit(reason: String, on: Day)
    case accepted(on: Day)
    /// `fields`: the declaration fields the applicant may change (nil in events written before
    /// fields were named; nil is also never written, so those events keep their bytes).
    case correctionRequested(items: [String], on: Day, deadline: Day, fields: [String]? = nil)
    /// `pledge`: signed again over the corrected declaration (nil: only a note was given).
    case correctionAnswered(note: String, on: Day, pledge: PledgeRecord? = nil)
    case refused(reasons: [String], on: Day)
    case lapsed(deadline: Day, on: Day)
    case assignedToSession(sessionID: String, on: Day)
    case resultRecorded(sessionID: String, tally: VoteTally, passed: Bool, on: Day)
    case publicNoticeStarted(batchID: String, start: Day, end: Day)
    case objectionRaised(objectionID: String, summary: String, on: Day)
    case objectionDismissed(objectionID: String, finding: String, on: Day)
    case objectionUpheld(objectionID: String, finding: String, on: Day)
    case noticeConcluded(on: Day)
    case confirmed(documentNumber: String, on: Day)
    case filed(documentNumber: String, on: Day)
    case certified(certificateNumber: String, on: Day)
    case archived(on: Day)
    case reexaminationRequested(reason: String, against: ApplicationStage, on: Day)
    case reexaminationDecided(outcome: ReexaminationOutcome, finding: String, on: Day)
    case withdrawn(reason: String, on: Day)

    public var name: String {
        switch self {
        case .created: "created"
        case .submitted: "submitted"
        case .unitNoticeStarted: "unitNoticeStarted"
        case .recommended: "recommended"
        case .returnedByUnit: "returnedByUnit"
        case .accepted: "accepted"
        case .correctionRequested: "correctionRequested"
        case .correctionAnswered: "correctionAnswered"
        case .refused: "refused"
        case .lapsed: "lapsed"
        case .assignedToSession: "assignedToSession"
        case .resultRecorded: "resultRecorded"
        case .publicNoticeStarted: "publicNoticeStarted"
        case .objectionRaised: "objectionRaised"
        case .objectionDismissed: "objectionDismissed"
        case .objectionUpheld: "objectionUpheld"
        case .noticeConcluded: "noticeConcluded"
        case .confirmed: "confirmed"
        case .filed: "filed"
        case .certified: "certified"
        case .archived: "archived"
        case .reexaminationRequested: "reexaminationRequested"
        case .reexaminationDecided: "reexaminationDecided"
        case .withdrawn: "withdrawn"
        }
    }
}
