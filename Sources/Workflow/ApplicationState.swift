public import Domain

/// The state of one application, derived from its events (`ApplicationMachine.replay`).
public struct ApplicationState: Codable, Sendable, Equatable {
    public var stage: ApplicationStage = .none
    public var profile: ApplicationProfile?
    public var createdOn: Day?
    /// The binding pledge from the last submission (cleared when the unit returns it).
    public var pledge: PledgeRecord?
    public var submittedOn: Day?
    public var unitNoticeStartedOn: Day?
    public var recommendedOn: Day?
    /// Why the unit last returned the application to the applicant.
    public var unitReturnReason: String?
    public var correction: CorrectionRecord?
    /// True once a correction notice was issued: only one per application, ever.
    public var hasUsedCorrection: Bool = false
    public var acceptedOn: Day?
    public var refusalReasons: [String] = []
    public var sessionID: String?
    public var result: SessionResult?
    public var notice: NoticePeriod?
    public var objections: [ObjectionRecord] = []
    /// The day of the latest result or refusal notice: the re-examination window runs from it.
    public var decisionNoticeOn: Day?
    /// A re-examination upheld the failure or refusal: no further re-examination.
    public var isFinal: Bool = false
    public var reexamination: ReexaminationRecord?
    public var documentNumber: String?
    public var confirmedOn: Day?
    public var certificateNumber: String?
    public var certifiedOn: Day?
    public var archivedOn: Day?
    public var withdrawalReason: String?
    public var closedOn: Day?

    public init() {}

    public var openObjections: [ObjectionRecord] { objections.filter(\.isOpen) }
}
