import Documents
import Domain
import Foundation
import Store
import Workflow

/// Every row of one document kind (any status) in queue order, read once: the queue places and
/// earlier counts that name and number documents, answered in memory (the queue only grows,
/// so a row's place never changes).
struct KindIndex {
    let rows: [QueuedDocument]
    /// Distinct subjects among `rows[0...i]`.
    let distinctThrough: [Int]
    let bySubject: [String: [QueuedDocument]]

    init(_ rows: [QueuedDocument]) {
        self.rows = rows
        var seen = Set<String>()
        distinctThrough = rows.map { r in
            seen.insert(r.request.subject)
            return seen.count
        }
        bySubject = Dictionary(grouping: rows, by: \.request.subject)
    }

    /// How many rows have an id at most `id` (rows are sorted by id).
    private func countThrough(_ id: Int64) -> Int {
        var lo = 0
        var hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid].id <= id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// `EventStore.documentOrdinal(kind:through:distinctSubjects:)`.
    func ordinal(through id: Int64, distinctSubjects: Bool) -> Int {
        let n = countThrough(id)
        return distinctSubjects ? (n == 0 ? 0 : distinctThrough[n - 1]) : n
    }

    /// `EventStore.documentCount(kind:subject:before:)`.
    func count(subject: String, before id: Int64) -> Int {
        (bySubject[subject] ?? []).reduce(0) { $0 + ($1.id < id ? 1 : 0) }
    }

    /// `EventStore.documents(kind:subject:)`.
    func rows(subject: String) -> [QueuedDocument] { bySubject[subject] ?? [] }
}

/// One pass per batch: the data every document of a batch needs, read in a few queries per
/// machine and table (`EventStore.histories(_:ids:)`, `people(ids:)`, `units(ids:)`,
/// `declarations(applicationIDs:)`) before the batch is prepared; the per-document builders
/// then find everything cached. A stream or row the batch did not foresee is still read on
/// its own, so the documents are the same either way.
extension DocumentService {
    func kindIndex(_ kind: DocumentKind) throws -> KindIndex {
        if let index = kindIndexes[kind] { return index }
        let index = KindIndex(try rows(kind: kind))
        kindIndexes[kind] = index
        return index
    }

    /// The 取得资格通知 rows by the 文号 their application had as of the row (built once; the
    /// applications read a slice at a time).
    func qualificationIndex() throws -> [String: [QueuedDocument]] {
        if let index = qualificationRows { return index }
        var index: [String: [QueuedDocument]] = [:]
        let all = try kindIndex(.qualificationNotice).rows
        for start in stride(from: 0, to: all.count, by: gatherSlice) {
            let slice = all[start..<min(start + gatherSlice, all.count)]
            // The rows whose key was computed already have their 文号.
            try prefetch(ApplicationMachine.self, slice.filter { qualificationNumbers[$0.id] == nil }.map(\.streamID))
            for r in slice {
                guard
                    let number = try qualificationNumbers[r.id]
                        ?? state(ApplicationMachine.self, r.streamID, asOf: r.version).documentNumber
                else { continue }
                index[number, default: []].append(r)
            }
            forgetStreams()
        }
        qualificationRows = index
        return index
    }

    /// Reads the histories of these streams that are not cached yet, in one batch.
    func prefetch<M: Machine>(_ machine: M.Type, _ ids: [String]) throws {
        let missing = Array(Set(ids.filter { histories["\(M.kind)/\($0)"] == nil }))
        guard !missing.isEmpty else { return }
        for (id, events) in try store.histories(machine, ids: missing) {
            histories["\(M.kind)/\(id)"] = events.map(\.event)
            recordedAt["\(M.kind)/\(id)"] = events.map(\.stored.recordedAt)
        }
    }

    /// Drops the cached streams and declarations (memory stays that of one batch).
    func forgetStreams() {
        histories.removeAll(keepingCapacity: true)
        replayed.removeAll(keepingCapacity: true)
        recordedAt.removeAll(keepingCapacity: true)
        declarationCache.removeAll(keepingCapacity: true)
        declarationRows.removeAll(keepingCapacity: true)
    }

    /// Before computing keys: the applications of the requests whose key needs their state.
    func gatherForKeys(_ rows: ArraySlice<QueuedDocument>) throws {
        forgetStreams()
        let ids = rows.filter {
            $0.streamKind == ApplicationMachine.kind
                && ($0.request.kind == .qualificationNotice || $0.request.kind == .certificate)
        }.map(\.streamID)
        try prefetch(ApplicationMachine.self, ids)
    }

    /// Reads what the documents of `batch` (each key with its anchor request) need, in a few
    /// queries: the streams named by the requests, then the streams those name (a
    /// certificate's application, a session's applications, the applications' sessions), then
    /// the people, units and declarations of every application.
    func gather(_ batch: [(key: DocumentKey, anchor: QueuedDocument)]) throws {
        forgetStreams()
        var applications: [String] = []
        var certificates: [String] = []
        var sessions: [String] = []
        var sessionsOf: [String] = []  // applications whose deciding session a document names
        for (key, anchor) in batch {
            switch key.kind {
            case .pledge, .declarationForm, .acceptanceNotice, .correctionNotice, .refusalNotice,
                .reexaminationDecision:
                applications.append(anchor.streamID)
            case .publicNotice, .qualificationNotice:
                break  // a whole batch's applications: read a slice at a time by `listed`
            case .certificate:
                certificates.append(key.name)
            case .revocationDecision:
                certificates.append(anchor.streamID)
            case .minutes, .voteRecord:
                sessions.append(anchor.streamID)
            }
        }
        try prefetch(CertificateMachine.self, certificates)
        try prefetch(CommitteeSessionMachine.self, sessions)
        var people: [String] = []
        for id in certificates {
            guard let d = (try? state(CertificateMachine.self, id))?.details else { continue }
            applications.append(d.applicationID)
            sessionsOf.append(d.applicationID)
            people.append(d.holderID)
        }
        var declarationsOf = Set(applications)  // a session's documents print no declaration
        for id in sessions {
            guard let s = try? state(CommitteeSessionMachine.self, id) else { continue }
            applications += s.results.map(\.applicationID)
        }
        try prefetch(ApplicationMachine.self, applications)
        var units: [String] = []
        var deciding: [String] = []
        var seen = Set<String>()
        let decided = Set(sessionsOf)
        for id in applications where seen.insert(id).inserted {
            guard let s = try? state(ApplicationMachine.self, id) else { continue }
            if let p = s.profile {
                people.append(p.personID)
                units.append(p.unitID)
            }
            if decided.contains(id) { declarationsOf.insert(id) }
            if decided.contains(id), let session = s.result?.sessionID ?? s.sessionID { deciding.append(session) }
        }
        try prefetch(CommitteeSessionMachine.self, deciding)
        try gatherRegistry(people: people, units: units, declarationsOf: Array(declarationsOf))
    }

    /// People, units and declarations not cached yet, in one batch each.
    func gatherRegistry(people: [String], units: [String], declarationsOf applications: [String]) throws {
        let newPeople = Array(Set(people.filter { self.people[$0] == nil }))
        for (id, p) in try store.people(ids: newPeople) { self.people[id] = p }
        let newUnits = Array(Set(units.filter { self.units[$0] == nil }))
        let found = try store.units(ids: newUnits)
        for id in newUnits { self.units[id] = .some(found[id]) }
        let wanted = Array(Set(applications.filter { declarationRows[$0] == nil }))
        let declared = try store.declarations(applicationIDs: wanted)
        for id in wanted { declarationRows[id] = declared[id] ?? [] }
    }

    /// The applications a list document names (one request each, in order), read a slice at a
    /// time and kept without their declarations (the specialty read first), so a batch of any
    /// size holds one slice of histories and declarations; then the sessions that decided them.
    /// - Parameter sessions: read the histories of the sessions that decided them too (for
    ///   `sessions(of:)`).
    func listed(_ rows: [QueuedDocument], sessions: Bool = true) throws -> [ApplicationFacts] {
        var out: [ApplicationFacts] = []
        for start in stride(from: 0, to: rows.count, by: gatherSlice) {
            let slice = rows[start..<min(start + gatherSlice, rows.count)]
            forgetStreams()
            try prefetch(ApplicationMachine.self, slice.map(\.streamID))
            var people: [String] = []
            var units: [String] = []
            for r in slice {
                guard let p = (try? state(ApplicationMachine.self, r.streamID))?.profile else { continue }
                people.append(p.personID)
                units.append(p.unitID)
            }
            try gatherRegistry(people: people, units: units, declarationsOf: slice.map(\.streamID))
            for r in slice {
                // What `application(_:asOf:)` gives, but the declaration only parsed for its
                // specialty, not laid out (two lists of 18,183 applications in the 20,000
                // season, each laid out on this one thread, were a third of the phase's wall).
                let state = try self.state(ApplicationMachine.self, r.streamID, asOf: r.version)
                guard let profile = state.profile else {
                    throw IssuanceError.missingStream(kind: ApplicationMachine.kind, id: r.streamID)
                }
                var a = ApplicationFacts(
                    state: state, profile: profile, person: try person(profile.personID),
                    unitName: try unitName(profile.unitID), title: TitleNames.title(profile.series, profile.level),
                    declared: nil)
                a.specialty = try declaredSpecialty(r.streamID, asOf: r.version)
                a.specialty = try specialty(a)
                out.append(a)
            }
        }
        forgetStreams()
        if sessions {
            try prefetch(CommitteeSessionMachine.self, out.compactMap { $0.state.result?.sessionID ?? $0.state.sessionID })
        }
        return out
    }
}
