import Documents
import Domain
import Foundation
import Store
import Workflow

/// What the committee console and the expert pages both read: sessions, their candidates
/// (name, unit, title sought, dossier documents), experts and ballot participation. Reads
/// only; every change goes through `WebActions`.
struct CommitteeDesk: Sendable {
    let services: WebServices

    var store: EventStore { services.store }

    /// A session with its version.
    struct Session {
        var id: String
        var version: Int
        var state: CommitteeSessionState
        var plan: SessionPlan
    }

    /// Every planned session, newest date first.
    func sessions() throws -> [Session] {
        try store.streamIDs(CommitteeSessionMachine.self).compactMap { id in try session(id) }
            .sorted { ($0.plan.date, $0.id) > ($1.plan.date, $1.id) }
    }

    /// One session, nil when there is none (or the id cannot be one).
    func session(_ id: String) throws -> Session? {
        guard Self.isStreamID(id), let loaded = try store.load(CommitteeSessionMachine.self, id: id),
            let plan = loaded.state.plan
        else { return nil }
        return Session(id: id, version: loaded.version, state: loaded.state, plan: plan)
    }

    /// Letters, digits and `-_.`, at most 64: anything else is not looked up.
    static func isStreamID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == ".")
            }
    }

    func committee(_ id: String) throws -> CommitteeRecord? { try store.committees().first { $0.id == id } }

    /// Experts of the registry by id (names, units and titles for the pages).
    func experts(committee: String) throws -> [String: ExpertRecord] {
        Dictionary(uniqueKeysWithValues: try store.experts(committee: committee).map { ($0.id, $0) })
    }

    /// A candidate as the pages show them.
    struct Candidate {
        var applicationID: String
        var name: String
        var unit: String
        var title: String
        var stage: String
        var documents: [DocumentLink]
    }

    struct DocumentLink {
        var id: Int64
        var kind: DocumentKind
        var status: DocumentStatus
    }

    func candidate(_ applicationID: String) throws -> Candidate {
        let state = try store.load(ApplicationMachine.self, id: applicationID)?.state
        let profile = state?.profile
        let person = try profile.map { try store.person($0.personID) } ?? nil
        let unit = try profile.map { try store.unit($0.unitID) } ?? nil
        return Candidate(
            applicationID: applicationID, name: person?.name ?? "—", unit: unit?.name ?? profile?.unitID ?? "—",
            title: profile.map { TitleNames.title($0.series, $0.level) } ?? "—", stage: state?.stage.chinese ?? "—",
            documents: try documents(stream: ApplicationMachine.kind, id: applicationID, kinds: Self.dossierKinds))
    }

    /// The documents a stream's steps queued, of `kinds`, oldest first (the download route
    /// `/documents/{id}.odt|.html` serves them by row id).
    func documents(stream kind: String, id: String, kinds: [DocumentKind]) throws -> [DocumentLink] {
        try store.documents(streamKind: kind, streamID: id).compactMap { row -> DocumentLink? in
            guard let k = row.documentKind, kinds.contains(k) else { return nil }
            return DocumentLink(id: row.id, kind: k, status: row.status)
        }
    }

    /// The dossier documents an expert reads: the declaration form and pledge of a candidate
    /// before a session the expert is seated at (drawn, not recused), until the session closes.
    static func expertMayRead(_ document: IssuedDocument, expertID: String?, store: EventStore) throws -> Bool {
        guard document.streamKind == ApplicationMachine.kind,
            let kind = DocumentKind(rawValue: document.kind), dossierKinds.contains(kind),
            let state = try store.load(ApplicationMachine.self, id: document.streamID)?.state
        else { return false }
        return try expertMaySee(document.streamID, state: state, expertID: expertID, store: store)
    }

    /// Whether an expert sits at the open session that reviews the application (the dossier
    /// is theirs to read until the session closes).
    static func expertMaySee(
        _ applicationID: String, state: ApplicationState, expertID: String?, store: EventStore
    ) throws -> Bool {
        guard let expertID, let sessionID = state.sessionID,
            let session = try store.load(CommitteeSessionMachine.self, id: sessionID)?.state
        else { return false }
        return session.stage != .closed && session.members.contains { $0.id == expertID }
            && session.plan?.candidates.contains { $0.applicationID == applicationID } == true
    }

    /// What an expert reads of a candidate (`/documents/{id}` serves these to seated experts).
    static let dossierKinds: [DocumentKind] = [.declarationForm, .pledge]

    static func value(_ link: DocumentLink) -> TemplateValue {
        let status: String =
            switch link.status {
            case .rendered: "已生成"
            case .failed: "生成失败"
            case .pending: "待生成"
            }
        return [
            "documentID": .string(String(link.id)), "kind": .string(link.kind.chinese), "status": .string(status),
            "rendered": .bool(link.status == .rendered),
        ]
    }

    /// Facts of a session every page shows.
    func summary(_ session: Session) throws -> [String: TemplateValue] {
        let committee = try committee(session.plan.committeeID)
        let quorum = services.policy.committee.quorum
        return [
            "sessionID": .string(session.id), "committeeName": .string(committee?.name ?? session.plan.committeeID),
            "date": .string(session.plan.date.chinese), "venue": .string(session.plan.venue ?? "—"),
            "stage": .string(session.state.stage.chinese), "stageCode": .string(session.state.stage.rawValue),
            "memberCount": .number(Double(session.plan.memberCount)),
            "quorum": .number(Double(quorum.minimum(of: session.plan.memberCount))),
            "quorumRatio": .string(quorum.chinese),
            "candidateCount": .number(Double(session.plan.candidates.count)),
            "presentCount": .number(Double(session.state.present.count)),
            // Seed item 6: whose committee sits, and a self-reviewing unit's results are filed 备案.
            "jurisdiction": .string(Routing.chinese(session.plan.committeeJurisdiction, policy: services.policy)),
            "filed": .bool(Routing.unitID(of: session.plan.committeeJurisdiction) != nil),
        ]
    }
}
