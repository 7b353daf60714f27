import Documents
import Domain
import Foundation
import Store
import Workflow

/// The list documents (评审结果公示, 取得资格通知: a whole batch or 文号 each, 18,183 names in
/// the 20,000 season) in bounded memory: what the document says around its list is read in
/// one pass over the batch a slice at a time, and the list itself is given to the renderer a
/// slice at a time (`StreamedList`) and written into the file as it is rendered — never the
/// whole batch's applications, data or output at once.
extension DocumentService {
    /// The applications a list document names (one request each, in queue order).
    func listRequests(_ key: DocumentKey) throws -> [QueuedDocument] {
        var seen = Set<String>()
        switch key.kind {
        case .publicNotice:
            return try kindIndex(.publicNotice).rows(subject: key.name).filter { seen.insert($0.streamID).inserted }
        case .qualificationNotice:
            // The index holds the rows whose application had this 文号 as of the row.
            return try (qualificationIndex()[key.name] ?? []).filter { seen.insert($0.streamID).inserted }
        default:
            throw IssuanceError.missingData(document: key.description, what: "名单")
        }
    }

    /// What a list document needs of all its applications together: the titles they obtain and
    /// the committees and days of the sessions that decided them (as `sessions(of:)` gives for
    /// the applications whole), read a slice of applications at a time.
    func listSummary(_ requests: [QueuedDocument]) throws -> (titles: Set<String>, committee: String, date: String) {
        var titles = Set<String>()
        var sessionIDs: [String] = []
        var seenSessions = Set<String>()
        for start in stride(from: 0, to: requests.count, by: gatherSlice) {
            let slice = requests[start..<min(start + gatherSlice, requests.count)]
            self.forgetStreams()
            try prefetch(ApplicationMachine.self, slice.map(\.streamID))
            for r in slice {
                let state = try self.state(ApplicationMachine.self, r.streamID, asOf: r.version)
                guard let profile = state.profile else {
                    throw IssuanceError.missingStream(kind: ApplicationMachine.kind, id: r.streamID)
                }
                titles.insert(TitleNames.title(profile.series, profile.level))
                if let id = state.result?.sessionID ?? state.sessionID, seenSessions.insert(id).inserted {
                    sessionIDs.append(id)
                }
            }
        }
        // In the order the applications first name them, as `sessions(of:)` reads them, 16
        // sessions at a time (a session's history holds every ballot: the 330 sessions of the
        // 20,000 season read at once were ≈70 MB).
        var names: [String] = []
        var days: [Day] = []
        for start in stride(from: 0, to: sessionIDs.count, by: 16) {
            let slice = Array(sessionIDs[start..<min(start + 16, sessionIDs.count)])
            forgetStreams()
            try prefetch(CommitteeSessionMachine.self, slice)
            for id in slice {
                guard let plan = try self.state(CommitteeSessionMachine.self, id).plan else { continue }
                let name = try committee(id: plan.committeeID)?.name ?? plan.committeeID
                if !names.contains(name) { names.append(name) }
                if !days.contains(plan.date) { days.append(plan.date) }
            }
        }
        forgetStreams()
        let committee = names.count == 1 ? names[0] : "\(policy.region.name)各职称评审委员会"
        return (titles, committee, days.sorted().map(\.chinese).joined(separator: "、"))
    }

    /// The list of a list document, `gatherSlice` applications a batch, each row as the
    /// document's data has it (numbered from 1).
    func streamedList(
        _ name: String, _ requests: [QueuedDocument], row: @escaping (ApplicationFacts) throws -> [String: TemplateValue]
    ) -> StreamedList {
        let slice = max(1, gatherSlice)
        return StreamedList(name: name, count: requests.count) { k in
            let first = k * slice
            guard first < requests.count else { return [] }
            let apps = try self.listed(Array(requests[first..<min(first + slice, requests.count)]), sessions: false)
            self.forgetStreams()
            return try apps.enumerated().map { i, a in
                var o = try row(a)
                o["number"] = .number(Double(first + i + 1))
                return .object(o)
            }
        }
    }

    /// A list document's data less its list, and the list (see `StreamedList`).
    func listDocument(_ key: DocumentKey) throws -> (data: [String: TemplateValue], list: StreamedList) {
        let requests = try listRequests(key)
        guard let first = requests.first else {
            throw IssuanceError.missingData(
                document: key.description, what: key.kind == .publicNotice ? "公示名单" : "取得资格人员名单")
        }
        let summary = try listSummary(requests)
        let lead = try listed([first], sessions: false)[0]
        forgetStreams()
        switch key.kind {
        case .publicNotice:
            guard let notice = lead.state.notice else { throw IssuanceError.missingData(document: key.description, what: "公示期") }
            // The day the notice was issued: the day of the step that started it (the batch's
            // first request).
            let issued = Day(try firstRecordedAt(first))
            var o = common(
                documentNumber: try registrationNumber(
                    .publicNotice, anchor: first, year: issued.year, distinctSubjects: true),
                issued: issued)
            o["year"] = .string(String(notice.start.year))
            o["committee"] = .string(summary.committee)
            o["session_date"] = .string(summary.date)
            o["count"] = .number(Double(requests.count))
            o["notice_start"] = .string(notice.start.chinese)
            o["notice_end"] = .string(notice.end.chinese)
            o["notice_days"] = .number(Double(policy.publicNoticeWorkingDays))
            o["objection_office"] = .string(contact.office)
            o["objection_phone"] = .string(contact.phone)
            o["objection_address"] = .string(policy.region.authority)
            let list = streamedList("candidates", requests) { a in
                [
                    "name": .string(a.person.name), "unit": .string(a.unitName),
                    "series": .string(a.profile.series.chinese),
                    "specialty": .string(try self.specialty(a)), "title": .string(a.title),
                    "id_number": .string(a.person.residentID.masked),
                ]
            }
            return (o, list)
        case .qualificationNotice:
            guard let confirmed = lead.state.confirmedOn else {
                throw IssuanceError.missingData(document: key.description, what: "取得资格人员名单")
            }
            var o = common(documentNumber: key.name, issued: confirmed)
            o["lead_name"] = .string(lead.person.name)
            o["qualification"] = .string(summary.titles.count == 1 ? lead.title : "专业技术职务任职")
            o["recipients"] = .string("各县(市)区人力资源和社会保障局,市直各有关单位")
            o["committee"] = .string(summary.committee)
            o["session_date"] = .string(summary.date)
            o["count"] = .number(Double(requests.count))
            o["approval_number"] = .string(key.name)
            o["effective_date"] = .string(confirmed.chinese)
            let list = streamedList("people", requests) { a in
                [
                    "name": .string(a.person.name), "unit": .string(a.unitName),
                    "specialty": .string(try self.specialty(a)), "title": .string(a.title),
                    "filed": .bool(a.profile.unitHasSelfReviewAuthority),
                ]
            }
            return (o, list)
        default:
            throw IssuanceError.missingData(document: key.description, what: "名单")
        }
    }

    /// A list document's data whole (its list in the data): what `prepare` gives.
    func wholeListDocument(_ key: DocumentKey) throws -> TemplateValue {
        var (o, list) = try listDocument(key)
        o[list.name] = .array(try list.all())
        return .object(o)
    }

    /// Renders a list document into `odt` and `html` with its list streamed (each through a
    /// temporary file and a rename, so a reader never sees half a document).
    func writeList(_ key: DocumentKey, odt: URL, html: URL) throws {
        let (data, list) = try listDocument(key)
        for (format, url) in [(DocumentFormat.odt, odt), (.html, html)] {
            let temporary = url.path + ".part"
            do {
                try library.write(
                    Self.templateName(for: key.kind), as: format, data: .object(data), streaming: list, to: temporary)
            } catch let error as TemplateError {
                throw IssuanceError.render(document: key.description, message: error.description)
            }
            guard rename(temporary, url.path) == 0 else {
                unlink(temporary)
                throw IssuanceError.io("cannot rename \(temporary) to \(url.path)")
            }
        }
    }
}
