import Domain
import Foundation
import Signing
import Store
import Workflow

/// One file of a package's payload as a `DocumentSource` gives it: bytes made for it, or a file
/// already on disk (a rendered document, an upload), which the package copies in chunks.
public struct PayloadFile: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case bytes([UInt8])
        /// A file on disk, never read whole. With `expectedSHA256`, it is archived only when its
        /// content has that digest (a content-addressed upload); otherwise it must be readable.
        case file(URL, expectedSHA256: String?)
    }

    /// Relative (`取得资格通知.odt`); it lands under the package's folders.
    public var path: String
    public var content: Content

    public init(path: String, content: Content) {
        self.path = path
        self.content = content
    }

    public init(path: String, bytes: [UInt8]) { self.init(path: path, content: .bytes(bytes)) }

    /// The file at `url`, copied when the package is written.
    public init(path: String, file url: URL, expectedSHA256: String? = nil) {
        self.init(path: path, content: .file(url, expectedSHA256: expectedSHA256))
    }
}

/// Where the rendered documents come from (the document service, or a test's stand-in).
public protocol DocumentSource: Sendable {
    /// An applicant's dossier: the rendered 申报表, the signed pledge, attachments … — only
    /// the documents queued by the application's steps up to `bounds` (a package built as of a
    /// point in the log leaves out what was issued after it).
    func dossier(applicationID: String, bounds: StreamBounds) throws -> [PayloadFile]
    /// The decision's own documents: the 取得资格通知 (ODT and HTML), minutes and vote record.
    func decisionDocuments(for decision: ArchiveDecision, sessionIDs: [String], bounds: StreamBounds) throws
        -> [PayloadFile]
}

/// The last version of each stream a package covers (`kind/id` → version); a stream not
/// listed is not bounded (a package built from the database as it is now).
public struct StreamBounds: Sendable, Equatable {
    public var versions: [String: Int]
    public var isBounded: Bool

    public static let unbounded = StreamBounds(versions: [:], isBounded: false)

    public init(versions: [String: Int], isBounded: Bool = true) {
        self.versions = versions
        self.isBounded = isBounded
    }

    /// Whether the step `version` of the stream is covered.
    public func covers(kind: String, id: String, version: Int) -> Bool {
        guard isBounded else { return true }
        guard let last = versions["\(kind)/\(id)"] else { return false }
        return version <= last
    }
}

/// A `DocumentSource` made of two closures.
public struct ClosureDocumentSource: DocumentSource {
    let dossierBody: @Sendable (String) throws -> [(path: String, bytes: [UInt8])]
    let decisionBody: @Sendable (ArchiveDecision, [String]) throws -> [(path: String, bytes: [UInt8])]

    public init(
        dossier: @escaping @Sendable (String) throws -> [(path: String, bytes: [UInt8])],
        decision: @escaping @Sendable (ArchiveDecision, [String]) throws -> [(path: String, bytes: [UInt8])]
    ) {
        dossierBody = dossier
        decisionBody = decision
    }

    public func dossier(applicationID: String, bounds: StreamBounds) throws -> [PayloadFile] {
        try dossierBody(applicationID).map { PayloadFile(path: $0.path, bytes: $0.bytes) }
    }

    public func decisionDocuments(for decision: ArchiveDecision, sessionIDs: [String], bounds: StreamBounds) throws
        -> [PayloadFile]
    { try decisionBody(decision, sessionIDs).map { PayloadFile(path: $0.path, bytes: $0.bytes) } }
}

/// The head of one stream a package covers, as listed in `data/heads.json` — the same record a
/// log checkpoint keeps (kind, id, version, hash).
public typealias StreamHead = CheckpointHead

/// One submission's declaration as archived (`applications/<id>/declarations/<version>.json`):
/// the data exactly as stored (canonical JSON, whose SHA-256 is `data_sha256`), the signed
/// pledge record and the pledge text exactly as signed. The stored JSON texts are embedded
/// as they are, so the digest can be recomputed from the file.
enum ArchivedDeclaration {
    static func bytes(_ d: StoredDeclaration) throws(ArchiveError) -> [UInt8] {
        func string(_ s: String?) throws(ArchiveError) -> String {
            guard let s else { return "null" }
            do { return String(decoding: try JSONEncoder().encode(s), as: UTF8.self) } catch {
                throw .store("cannot encode JSON: \(error)")
            }
        }
        // Keys in sorted order, one per line.
        let lines = [
            "\"application_id\": \(try string(d.applicationID))",
            "\"data\": \(d.data)",
            "\"data_sha256\": \(try string(d.dataSHA256))",
            "\"form_id\": \(try string(d.formID))",
            "\"form_version\": \(try string(d.formVersion))",
            "\"pledge\": \(d.pledge)",
            "\"pledge_text\": \(try string(d.pledgeText))",
            "\"submitted_at\": \(try string(d.submittedAt))",
            "\"version\": \(d.version)",
        ]
        return Array(("{\n  " + lines.joined(separator: ",\n  ") + "\n}\n").utf8)
    }
}

/// `data/heads.json`: the head hash of every stream the package covers. It sits in the
/// payload, so the manifest, the tag manifest and the signature cover it.
public struct HeadsFile: Codable, Sendable, Equatable {
    public var format = "pingshen-heads/1"
    public var decision: String
    public var streams: [StreamHead]

    public init(decision: String, streams: [StreamHead]) {
        self.decision = decision
        self.streams = streams.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    }

    public static let path = "heads.json"
}

/// Writes the signed package of a decision from the store.
///
/// Layout under `data/`:
/// - `decision/…` the decision documents from the `DocumentSource`;
/// - `committee/<session>/session.json` (plan, experts present, recusals, counts, minutes,
///   results) and `events.json`;
/// - `applications/<id>/application.json` (the application's state, with the submitted
///   profile and pledge), `events.json` (its event log), `declarations/<version>.json` (each
///   submission's data, pledge record and signed pledge text) and `dossier/…` from the source
///   (the rendered 申报表 and 承诺书 and the declared attachments);
/// - `certificates/<number>/events.json` for each certificate issued on these applications;
/// - `heads.json` the head (version, hash) of every stream above.
///
/// Byte-identical when written twice from the same data: sorted JSON keys, sorted paths, the
/// date from the decision.
///
/// ```swift
/// let archiver = DecisionArchiver(store: store, keyring: keyring, documents: source, organization: "焦作市职改办")
/// let written = try archiver.write(.confirmation(documentNumber: "焦职改〔2026〕12号"), into: "archive", forms: [.folder])
/// ```
public struct DecisionArchiver: Sendable {
    public let store: EventStore
    public let keyring: OfficeKeyring
    public let documents: any DocumentSource
    public let organization: String
    /// 文号 prefix → the county's division code (`policy.yaml` `devolution.counties`): a county
    /// numbers its decisions on its own counter, so 修职改〔2026〕1号 and the city's 焦职改〔2026〕1号
    /// share their digits — their packages are `decision-410821-2026-1` and `decision-2026-1`.
    public var countyPrefixes: [String: String] = [:]

    public init(store: EventStore, keyring: OfficeKeyring, documents: any DocumentSource, organization: String) {
        self.store = store
        self.keyring = keyring
        self.documents = documents
        self.organization = organization
    }

    /// Where a package was written.
    public struct Written: Sendable, Equatable {
        /// The folder, when that form was asked for.
        public var folder: String?
        public var zip: String?
        public var applicationCount: Int
        public var payloadBytes: Int

        /// The package's paths, folder first.
        public var paths: [String] { [folder, zip].compactMap { $0 } }
    }

    /// The folder name of a decision's package: `decision-2026-12` for 焦职改〔2026〕12号,
    /// `session-<id>` for a session (ASCII letters, digits, `-`, `_`, `.` kept).
    public static func packageName(_ decision: ArchiveDecision, county: String? = nil) -> String {
        let tag = county.map { sanitize($0) + "-" } ?? ""
        switch decision {
        case .confirmation(let number):
            return "decision-" + tag + digits(number)
        case .session(let id):
            return "session-" + sanitize(id)
        case .revocation(let number):
            return "revocation-" + tag + digits(number)
        case .reexamination(let id):
            return "reexamination-" + sanitize(id)
        }
    }

    /// The package name of `decision` in this office: a county's 文号 (its prefix in
    /// `countyPrefixes`) carries the county's code, so no two decisions share a package.
    public func packageName(_ decision: ArchiveDecision) -> String {
        Self.packageName(decision, county: Self.county(of: decision, prefixes: countyPrefixes))
    }

    /// The county whose 文号 prefix `decision` carries (a confirmation's or revocation's), if any.
    public static func county(of decision: ArchiveDecision, prefixes: [String: String]) -> String? {
        switch decision {
        case .confirmation(let number), .revocation(let number):
            prefixes[String(number.prefix { $0 != "〔" && $0 != "[" })]
        case .session, .reexamination: nil
        }
    }

    /// The ASCII digit groups of a 文号 joined by `-` (焦职改〔2026〕12号 → `2026-12`),
    /// `unnumbered` when it has none.
    public static func digits(_ number: String) -> String {
        let groups = number.split { !$0.isASCII || !$0.isNumber }.map(String.init)
        return groups.isEmpty ? "unnumbered" : groups.joined(separator: "-")
    }

    static func sanitize(_ text: String) -> String {
        let kept = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
        let trimmed = kept.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        return trimmed.isEmpty ? "unnamed" : trimmed
    }

    /// Builds the package in memory (small packages and tests: files on disk are read whole).
    /// - Parameter asOfSeq: the package covers the log up to this event (the decision's
    ///   transaction, from the archive outbox); nil: the database as it is now.
    public func package(for decision: ArchiveDecision, asOfSeq: Int? = nil) throws(ArchiveError) -> BagPackage {
        var payload: [BagFile] = []
        let info = try contents(of: decision, asOfSeq: asOfSeq) { file throws(ArchiveError) in
            switch file.content {
            case .bytes(let bytes): payload.append(BagFile(path: file.path, bytes: bytes))
            case .file(let url, let expected):
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    if expected != nil { return }
                    throw .io(path: url.path, reason: "cannot read")
                }
                let bytes = [UInt8](data)
                if let expected, BagLayout.sha256Hex(bytes) != expected { return }
                payload.append(BagFile(path: file.path, bytes: bytes))
            }
        }
        return try BagWriter.build(name: packageName(decision), payload: payload, info: info, keyring: keyring)
    }

    /// Writes the package, streamed (`BagStreamWriter`: each file hashed while written, files on
    /// disk copied in chunks — or cloned or linked, `placement` —, never whole in memory), as a
    /// folder (the default), a `.zip` or both, replacing an older one of the same name.
    /// - Parameter filing: files the package's records (numbers them in the catalogue) and
    ///   returns the further tag files (`metadata.xml`) for the payload written and the info.
    public func write(
        _ decision: ArchiveDecision, into directory: String, forms: Set<BagForm> = [.folder], asOfSeq: Int? = nil,
        chunkSize: Int = BagStreamWriter.defaultChunkSize, placement: FilePlacement = .copy,
        filing: ((_ payload: [WrittenFile], _ info: BagInfo) throws(ArchiveError) -> [TagFile])? = nil
    ) throws(ArchiveError)
        -> Written
    {
        let bag = try BagStreamWriter(
            name: packageName(decision), into: directory, chunkSize: chunkSize, placement: placement)
        do throws(ArchiveError) {
            let info = try contents(of: decision, asOfSeq: asOfSeq) { file throws(ArchiveError) in
                switch file.content {
                case .bytes(let bytes): try bag.add(file.path, bytes: bytes)
                case .file(let url, let expected): try bag.add(file.path, copying: url, expectedSHA256: expected)
                }
            }
            let result = try bag.finish(info: info, keyring: keyring, forms: forms) { payload throws(ArchiveError) in
                try filing?(payload, info) ?? []
            }
            let count = Int(info.extra.first { $0.label == "Pingshen-Application-Count" }?.value ?? "") ?? 0
            return Written(
                folder: result.folder, zip: result.zip, applicationCount: count, payloadBytes: result.payloadBytes)
        } catch {
            bag.discard()
            throw error
        }
    }

    /// Writes the package as a folder and, when `zip` is set, a `.zip` beside it.
    public func write(
        _ decision: ArchiveDecision, into directory: String, zip: Bool, asOfSeq: Int? = nil
    ) throws(ArchiveError) -> Written {
        try write(decision, into: directory, forms: zip ? [.folder, .zip] : [.folder], asOfSeq: asOfSeq)
    }

    // MARK: - gathering

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ value: T) throws(ArchiveError) -> [UInt8] {
        do { return Array(try encoder.encode(value)) + [0x0A] } catch { throw .store("cannot encode JSON: \(error)") }
    }

    /// Gathers the package's payload file by file into `sink` (one application's files at a
    /// time: nothing of the package is kept), and returns its `bag-info.txt`.
    func contents(
        of decision: ArchiveDecision, asOfSeq: Int?, into sink: (PayloadFile) throws(ArchiveError) -> Void
    ) throws(ArchiveError) -> BagInfo {
        do {
            return try gather(decision, asOfSeq: asOfSeq, into: sink)
        } catch let e as ArchiveError {
            throw e
        } catch let e as StoreError {
            throw .store(e.description)
        } catch {
            throw .store("\(error)")
        }
    }

    /// The applications a decision covers (with their states, sorted by id), the sessions they
    /// were reviewed in and the decision's date; nil when the database holds no such decision.
    public struct Members: Sendable {
        public var applications: [(id: String, state: ApplicationState)]
        public var sessionIDs: [String]
        public var date: Day
    }

    /// What `decision` covers in the database now (nil: no such decision).
    /// - Parameter fromLog: rebuild each state from the event log alone (verifying: the
    ///   projections may be what was tampered with) instead of loading it.
    /// - Parameter asOfSeq: as of this point in the log (each state from the log up to it).
    public static func members(
        of decision: ArchiveDecision, store: EventStore, fromLog: Bool = false, asOfSeq: Int? = nil
    ) throws(StoreError) -> Members? {
        func application(_ id: String) throws(StoreError) -> ApplicationState? {
            if let asOfSeq { return try store.state(ApplicationMachine.self, id: id, upToSeq: asOfSeq)?.state }
            return fromLog
                ? try store.replay(ApplicationMachine.self, id: id)
                : try store.load(ApplicationMachine.self, id: id)?.state
        }
        var applications: [(id: String, state: ApplicationState)] = []
        var sessionIDs: [String] = []
        var date: Day?
        switch decision {
        case .confirmation(let number):
            for id in try store.applicationIDs(documentNumber: number) {
                guard let state = try application(id), state.documentNumber == number else { continue }
                applications.append((id, state))
                if let s = state.sessionID, !sessionIDs.contains(s) { sessionIDs.append(s) }  // what it was decided on
                if let d = state.confirmedOn ?? state.decisionNoticeOn { date = max(date ?? d, d) }
            }
        case .session(let id):
            let session =
                if let asOfSeq {
                    try store.state(CommitteeSessionMachine.self, id: id, upToSeq: asOfSeq)?.state
                } else if fromLog {
                    try store.replay(CommitteeSessionMachine.self, id: id)
                } else {
                    try store.load(CommitteeSessionMachine.self, id: id)?.state
                }
            guard let session, let plan = session.plan else { return nil }
            sessionIDs = [id]
            date = session.closedOn ?? session.convenedOn ?? plan.date
            for c in plan.candidates {
                if let state = try application(c.applicationID), state.profile != nil {
                    applications.append((c.applicationID, state))
                }
            }
        case .revocation(let number):
            // The certificates revoked under the decision (a decision may revoke several).
            for id in try store.streamIDs(CertificateMachine.self, status: CertificateState.Status.revoked.rawValue) {
                let certificate =
                    if let asOfSeq { try store.state(CertificateMachine.self, id: id, upToSeq: asOfSeq)?.state } else {
                        try store.load(CertificateMachine.self, id: id)?.state
                    }
                guard let certificate, let revoked = certificate.revocation, revoked.decisionNumber == number,
                    let details = certificate.details, let state = try application(details.applicationID)
                else { continue }
                applications.append((details.applicationID, state))
                date = max(date ?? revoked.on, revoked.on)
            }
        case .reexamination(let id):
            if let state = try application(id), let decided = state.reexamination?.decidedOn {
                applications.append((id, state))
                date = decided
            }
        }
        guard !applications.isEmpty, let date else { return nil }
        applications.sort { BagLayout.pathOrder($0.id, $1.id) }
        sessionIDs.sort(by: BagLayout.pathOrder)
        return Members(applications: applications, sessionIDs: sessionIDs, date: date)
    }

    /// The last version of each stream `decision` covers, as of the log position `seq`.
    func bounds(_ members: Members, asOfSeq seq: Int?) throws(StoreError) -> StreamBounds {
        guard let seq else { return .unbounded }
        var versions: [String: Int] = [:]
        func add(_ kind: String, _ id: String) throws(StoreError) {
            if let last = try store.events(kind: kind, id: id, upToSeq: seq).last { versions["\(kind)/\(id)"] = last.version }
        }
        for s in members.sessionIDs { try add(CommitteeSessionMachine.kind, s) }
        for a in members.applications {
            try add(ApplicationMachine.kind, a.id)
            if let number = a.state.certificateNumber { try add(CertificateMachine.kind, number) }
        }
        return StreamBounds(versions: versions)
    }

    private func gather(
        _ decision: ArchiveDecision, asOfSeq: Int?, into sink: (PayloadFile) throws(ArchiveError) -> Void
    ) throws -> BagInfo {
        guard let members = try Self.members(of: decision, store: store, asOfSeq: asOfSeq) else {
            throw ArchiveError.decisionNotFound(decision.description)
        }
        let applications = members.applications
        let sessionIDs = members.sessionIDs
        let baggingDate = members.date
        let bounds = try bounds(members, asOfSeq: asOfSeq)

        func emit(_ path: String, _ bytes: [UInt8]) throws(ArchiveError) { try sink(PayloadFile(path: path, bytes: bytes)) }
        var heads: [StreamHead] = []
        func addLog(kind: String, id: String, folder: String) throws {
            let events =
                if let asOfSeq { try store.events(kind: kind, id: id, upToSeq: asOfSeq) } else {
                    try store.events(kind: kind, id: id)
                }
            try emit("\(folder)/events.json", try Self.json(events))
            if let last = events.last {
                heads.append(StreamHead(kind: kind, id: id, version: last.version, hash: last.hash))
            }
        }
        func component(_ id: String) throws -> String {
            try SafePath.check(id)
            guard !id.contains("/") else { throw ArchiveError.unsafePath(id, reason: "an id is one path component") }
            return id
        }

        for doc in try documents.decisionDocuments(for: decision, sessionIDs: sessionIDs, bounds: bounds) {
            try sink(PayloadFile(path: "decision/\(doc.path)", content: doc.content))
        }
        for sid in sessionIDs {
            let folder = "committee/\(try component(sid))"
            let session =
                if let asOfSeq { try store.state(CommitteeSessionMachine.self, id: sid, upToSeq: asOfSeq)?.state } else {
                    try store.load(CommitteeSessionMachine.self, id: sid)?.state
                }
            if let session {
                try emit("\(folder)/session.json", try Self.json(session))
            }
            try addLog(kind: CommitteeSessionMachine.kind, id: sid, folder: folder)
        }
        var certificates: [String] = []
        for app in applications {
            let folder = "applications/\(try component(app.id))"
            try emit("\(folder)/application.json", try Self.json(app.state))
            try addLog(kind: ApplicationMachine.kind, id: app.id, folder: folder)
            for doc in try documents.dossier(applicationID: app.id, bounds: bounds) {
                try sink(PayloadFile(path: "\(folder)/dossier/\(doc.path)", content: doc.content))
            }
            // What was declared: every submission's data, its signed pledge record and the
            // exact pledge text signed (a correction's answer beside the original).
            for d in try store.declarations(applicationID: app.id)
            where bounds.covers(kind: ApplicationMachine.kind, id: app.id, version: d.version)
            {
                try emit("\(folder)/declarations/\(d.version).json", try ArchivedDeclaration.bytes(d))
            }
            if let number = app.state.certificateNumber { certificates.append(number) }
        }
        for number in certificates.sorted(by: BagLayout.pathOrder) {
            try addLog(kind: CertificateMachine.kind, id: number, folder: "certificates/\(try component(number))")
        }
        try emit(HeadsFile.path, try Self.json(HeadsFile(decision: decision.description, streams: heads)))

        let description: String
        switch decision {
        case .confirmation(let n): description = "取得资格通知 \(n) 及其所依据的评审材料"
        case .session(let id): description = "评审会议 \(id) 的会议纪要、投票记录及申报材料"
        case .revocation(let n): description = "撤销决定 \(n) 及所撤销证书的办理记录和申报材料"
        case .reexamination(let id): description = "申报 \(id) 的复查决定及其办理记录和申报材料"
        }
        let info = BagInfo(
            sourceOrganization: organization, baggingDate: baggingDate, externalIdentifier: decision.description,
            externalDescription: description,
            extra: [
                .init("Pingshen-Application-Count", String(applications.count)),
                .init("Pingshen-Session-Count", String(sessionIDs.count)),
                .init("Pingshen-Certificate-Count", String(certificates.count)),
                .init("Pingshen-Stream-Count", String(heads.count)),
            ])
        return info
    }
}
