import Documents
import Domain
import Forms
import Foundation
import Store
import Workflow

/// A document request as queued in the store's `documents` table.
public struct QueuedDocument: Sendable, Equatable {
    public var id: Int64
    public var request: DocumentRequest
    /// The stream whose step queued it and the stream's version right after that step.
    public var streamKind: String
    public var streamID: String
    public var version: Int
    public var status: DocumentStatus
}

/// Which document a request asks for: the kind and its name (the file stem). Requests for the
/// same document (every application of a notice batch queues the batch's 公示) share a key.
public struct DocumentKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: DocumentKind
    public var name: String

    public init(_ kind: DocumentKind, name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }
}

/// One document ready to render: its key, the template, the data and its pictures (the
/// applicant's photo for `image:photo` frames).
public struct PreparedDocument: Sendable {
    public var key: DocumentKey
    public var template: String
    public var data: TemplateValue
    public var images: [String: [UInt8]] = [:]
}

/// Builds the template data of every document the workflow queues, from the store (states as
/// of the step that queued the request, events, registry) and the office's policy, and renders
/// it with `templates/` as ODT and HTML. Dates are the days the steps happened, never the clock:
/// the same database always gives the same documents.
///
/// Not thread-safe (it caches streams and registry rows); render the prepared data on any
/// thread (`PreparedDocument` and `TemplateLibrary` are `Sendable`).
///
/// ```swift
/// let service = DocumentService(store: store, rules: rules, library: TemplateLibrary(directory: templates))
/// for row in try service.queued() {
///     if let key = try service.key(for: row) {
///         let doc = try service.prepare(key, anchor: row)
///         let (odt, html) = try service.render(doc)
///     }
/// }
/// ```
public final class DocumentService {
    public let store: EventStore
    public let rules: Rulebook
    public let library: TemplateLibrary
    /// The forms, to lay declarations out by their sections and labels.
    public let forms: FormLibrary
    /// Where the applicants' files are (the photo printed on the 申报表 and the certificate).
    public let attachments: AttachmentFolder?
    var policy: Policy { rules.policy }

    var histories: [String: Any] = [:]
    var people: [String: PersonRecord] = [:]
    var units: [String: UnitRecord?] = [:]
    var committeeList: [CommitteeRecord]?
    var expertNames: [String: ExpertRecord] = [:]
    var loadedExpertCommittees: Set<String> = []
    var declarationCache: [String: Declared?] = [:]

    /// Gather each batch's data in a few queries (`gather`) and count queue places in memory
    /// (`KindIndex`); false: the same data read one document at a time (the reference the
    /// tests compare with).
    public var gathers = true
    /// Requests or applications per batch read when computing keys, indexing 文号 and reading
    /// the applications a list document names.
    public var gatherSlice = 500
    /// Every row of a kind (any status), read once per rendering (see `kindIndex`).
    var kindIndexes: [DocumentKind: KindIndex] = [:]
    /// The 取得资格通知 rows by the 文号 their application had when the row was queued.
    var qualificationRows: [String: [QueuedDocument]]?
    /// The 文号 of each 取得资格通知 row whose key was computed (by row id).
    var qualificationNumbers: [Int64: String] = [:]
    /// States replayed from the cached histories, by `kind/id@version` (a session's, with its
    /// ballots, is asked for by every certificate it decided).
    var replayed: [String: Any] = [:]
    /// Each cached stream's `recorded_at` per version (the same keys as `histories`).
    var recordedAt: [String: [String]] = [:]
    /// Every declaration of the gathered applications, oldest first.
    var declarationRows: [String: [StoredDeclaration]] = [:]

    public init(
        store: EventStore, rules: Rulebook, library: TemplateLibrary, forms: FormLibrary,
        attachments: AttachmentFolder? = nil
    ) {
        self.store = store
        self.rules = rules
        self.library = library
        self.forms = forms
        self.attachments = attachments
    }

    /// A copy sharing `parent`'s cached streams, registry rows, declarations and queue indexes
    /// (copy on write: what this one caches stays its own). A rendering thread prepares the
    /// documents of a chunk with such a copy of the service that gathered the chunk, which is
    /// not touched again until the chunk is done.
    init(copying parent: DocumentService) {
        store = parent.store
        rules = parent.rules
        library = parent.library
        forms = parent.forms
        attachments = parent.attachments
        histories = parent.histories
        people = parent.people
        units = parent.units
        committeeList = parent.committeeList
        expertNames = parent.expertNames
        loadedExpertCommittees = parent.loadedExpertCommittees
        declarationCache = parent.declarationCache
        gathers = parent.gathers
        gatherSlice = parent.gatherSlice
        kindIndexes = parent.kindIndexes
        qualificationRows = parent.qualificationRows
        qualificationNumbers = parent.qualificationNumbers
        replayed = parent.replayed
        recordedAt = parent.recordedAt
        declarationRows = parent.declarationRows
    }

    /// The template that renders a kind (`templates/NAME.odt|.html`).
    public static func templateName(for kind: DocumentKind) -> String { kind.rawValue }

    // MARK: - the queue

    /// Queued requests in queue order; `status` nil for every status.
    public func queued(status: DocumentStatus? = .pending) throws -> [QueuedDocument] {
        try store.documents(status: status).map(Self.queuedDocument)
    }

    static func queuedDocument(_ r: StoredDocument) throws -> QueuedDocument {
        guard let request = r.request else { throw IssuanceError.unknownKind(r.kind) }
        return QueuedDocument(
            id: r.id, request: request, streamKind: r.streamKind, streamID: r.streamID, version: r.version,
            status: r.status)
    }

    /// The rows of one kind (any status) queued for `subject`, in queue order.
    func rows(kind: DocumentKind, subject: String) throws -> [QueuedDocument] {
        try store.documents(kind: kind, subject: subject).map(Self.queuedDocument)
    }

    /// Every row of one kind (any status), in queue order.
    func rows(kind: DocumentKind) throws -> [QueuedDocument] {
        try store.documents(kind: kind).map(Self.queuedDocument)
    }

    /// Which document a queued request asks for; nil when it cannot be issued yet (a
    /// certificate requested at confirmation before its number is recorded).
    ///
    /// List documents share one key per batch: 评审结果公示 by batch id, 取得资格通知 by its
    /// 文号; a certificate by its number (asked for by the confirmation and by the certificate
    /// stream). Other documents are one per request: the first for a subject is named by the
    /// subject, later ones (a second refusal after a re-examination) `subject-2`, `subject-3` ….
    public func key(for row: QueuedDocument) throws -> DocumentKey? {
        let kind = row.request.kind
        let subject = row.request.subject
        switch kind {
        case .publicNotice:
            return DocumentKey(kind, name: subject)
        case .qualificationNotice:
            let state = try self.state(ApplicationMachine.self, row.streamID, asOf: row.version)
            guard let number = state.documentNumber else {
                throw IssuanceError.missingData(document: "\(kind.rawValue)/\(subject)", what: "文号")
            }
            qualificationNumbers[row.id] = number
            return DocumentKey(kind, name: number)
        case .certificate:
            if row.streamKind == ApplicationMachine.kind {
                guard let number = try self.state(ApplicationMachine.self, row.streamID).certificateNumber else {
                    return nil
                }
                return DocumentKey(kind, name: number)
            }
            return DocumentKey(kind, name: subject)
        case .minutes, .voteRecord, .revocationDecision:
            return DocumentKey(kind, name: subject)
        case .pledge, .declarationForm, .acceptanceNotice, .correctionNotice, .refusalNotice, .reexaminationDecision:
            let earlier =
                gathers
                ? try kindIndex(kind).count(subject: subject, before: row.id)
                : try store.documentCount(kind: kind, subject: subject, before: row.id)
            return DocumentKey(kind, name: earlier == 0 ? subject : "\(subject)-\(earlier + 1)")
        }
    }

    /// The template data for a document. `anchor` is a request for it (for per-request
    /// documents, THE request).
    public func prepare(_ key: DocumentKey, anchor: QueuedDocument) throws -> PreparedDocument {
        var images: [String: [UInt8]] = [:]
        let data: TemplateValue
        switch key.kind {
        case .pledge: data = try pledge(anchor)
        case .declarationForm: (data, images) = try declarationForm(anchor)
        case .acceptanceNotice: data = try acceptanceNotice(anchor)
        case .correctionNotice: data = try correctionNotice(anchor)
        case .refusalNotice: data = try refusalNotice(anchor)
        case .reexaminationDecision: data = try reexaminationDecision(anchor)
        case .publicNotice: data = try publicNotice(batch: key.name)
        case .qualificationNotice: data = try qualificationNotice(documentNumber: key.name)
        case .certificate: (data, images) = try certificate(number: key.name)
        case .revocationDecision: data = try revocationDecision(anchor)
        case .minutes: data = try minutes(anchor)
        case .voteRecord: data = try voteRecord(anchor)
        }
        return PreparedDocument(key: key, template: Self.templateName(for: key.kind), data: data, images: images)
    }

    /// Renders a prepared document: the ODT package and the HTML (UTF-8). Thread-safe.
    public static func render(_ doc: PreparedDocument, library: TemplateLibrary) throws -> (odt: [UInt8], html: [UInt8])
    {
        do {
            let odt = try library.render(doc.template, as: .odt, data: doc.data, images: doc.images)
            let html = try library.render(doc.template, as: .html, data: doc.data, images: doc.images)
            return (odt, html)
        } catch let error as TemplateError {
            throw IssuanceError.render(document: doc.key.description, message: error.description)
        } catch {
            throw IssuanceError.render(document: doc.key.description, message: "\(error)")
        }
    }

    /// One format of a prepared document (`render(_:library:)` makes both). Thread-safe.
    static func render(_ doc: PreparedDocument, as format: DocumentFormat, library: TemplateLibrary) throws -> [UInt8] {
        do {
            return try library.render(doc.template, as: format, data: doc.data, images: doc.images)
        } catch let error as TemplateError {
            throw IssuanceError.render(document: doc.key.description, message: error.description)
        } catch {
            throw IssuanceError.render(document: doc.key.description, message: "\(error)")
        }
    }

    public func render(_ doc: PreparedDocument) throws -> (odt: [UInt8], html: [UInt8]) {
        try Self.render(doc, library: library)
    }

    // MARK: - streams, as of a version

    func history<M: Machine>(_ m: M.Type, _ id: String) throws -> [M.Event] {
        let key = "\(M.kind)/\(id)"
        if let h = histories[key] as? [M.Event] { return h }
        let stored = try store.history(m, id: id)
        guard !stored.isEmpty else { throw IssuanceError.missingStream(kind: M.kind, id: id) }
        let events = stored.map(\.event)
        histories[key] = events
        recordedAt[key] = stored.map(\.stored.recordedAt)
        return events
    }

    /// A stream's state after `version` events (the step that queued a request), or now.
    func state<M: Machine>(_ m: M.Type, _ id: String, asOf version: Int? = nil) throws -> M.State {
        let events = try history(m, id)
        let n = version.map { min(max($0, 0), events.count) } ?? events.count
        let key = "\(M.kind)/\(id)@\(n)"
        if let s = replayed[key] as? M.State { return s }
        let s = M.replay(events.prefix(n))
        replayed[key] = s
        return s
    }

    // MARK: - registry

    func person(_ id: String) throws -> PersonRecord {
        if let p = people[id] { return p }
        guard let p = try store.person(id) else {
            throw IssuanceError.missingData(document: "person/\(id)", what: "人员登记信息")
        }
        people[id] = p
        return p
    }

    func unit(_ id: String) throws -> UnitRecord? {
        if let u = units[id] { return u }
        let u = try store.unit(id)
        units[id] = u
        return u
    }

    func unitName(_ id: String) throws -> String { try unit(id)?.name ?? id }

    func committees() throws -> [CommitteeRecord] {
        if let c = committeeList { return c }
        let c = try store.committees()
        committeeList = c
        return c
    }

    /// The committee that reviews a series and level (the first registered), or its usual name.
    func committeeName(series: Series, level: Level) throws -> String {
        if let c = try committees().first(where: { $0.series == series && $0.level == level }) { return c.name }
        return "\(policy.region.name)\(series.chinese)\(level.chinese)职称评审委员会"
    }

    func committee(id: String) throws -> CommitteeRecord? { try committees().first { $0.id == id } }

    func expert(_ id: String, committee: String) throws -> ExpertRecord? {
        if !loadedExpertCommittees.contains(committee) {
            for e in try store.experts(committee: committee) { expertNames[e.id] = e }
            loadedExpertCommittees.insert(committee)
        }
        return expertNames[id]
    }
}
