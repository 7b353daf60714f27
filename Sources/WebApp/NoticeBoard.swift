import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

/// `GET /notices` and `GET /notices/{batch}`: the results in public notice 评审结果公示 now,
/// by batch — name, masked ID number, unit, series and level, the period and where to object.
struct NoticeBoard: Sendable {
    let store: EventStore
    let pages: Pages
    let objectionContact: String

    struct Entry {
        var applicationID: String
        var name: String
        var maskedID: String
        var unit: String
        var series: Series
        var level: Level
    }

    struct Batch {
        var id: String
        var start: Day
        var end: Day
        var entries: [Entry]
    }

    /// Every application whose stream status is `public-notice`, grouped by notice batch.
    func batches() throws -> [Batch] {
        var byID: [String: Batch] = [:]
        let ids = try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.publicNotice.rawValue)
        for id in ids {
            guard let state = try store.load(ApplicationMachine.self, id: id)?.state,
                state.stage == .publicNotice, let notice = state.notice, let profile = state.profile
            else { continue }
            let person = try store.person(profile.personID)
            let unit = try store.unit(profile.unitID)
            let entry = Entry(
                applicationID: id, name: person?.name ?? "—", maskedID: person?.residentID.masked ?? "—",
                unit: unit?.name ?? "—", series: profile.series, level: profile.level)
            byID[notice.batchID, default: Batch(id: notice.batchID, start: notice.start, end: notice.end, entries: [])]
                .entries.append(entry)
        }
        return byID.values.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.map { batch in
            var b = batch
            b.entries.sort { $0.applicationID < $1.applicationID }
            return b
        }
    }

    func list() throws -> Response {
        try pages.response(
            .notices, title: "评审结果公示", data: ["batches": .list(try batches().map { value($0, link: true) })])
    }

    func batch(_ id: String) throws -> Response {
        guard Self.isBatchID(id), let batch = try batches().first(where: { $0.id == id }) else {
            throw WebError.notFound
        }
        return try pages.response(.notices, title: "评审结果公示 \(batch.id)", data: ["batches": [value(batch, link: false)]])
    }

    /// Letters, digits and hyphens, at most 32: anything else cannot be a batch.
    static func isBatchID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 32
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }

    func value(_ batch: Batch, link: Bool) -> TemplateValue {
        [
            "batchID": .string(batch.id), "title": .string("评审结果公示（批次 \(batch.id)）"),
            "start": .string(batch.start.chinese), "end": .string(batch.end.chinese),
            "count": .number(Double(batch.entries.count)), "objectionContact": .string(objectionContact),
            "showLink": .bool(link),
            "entries": .list(
                batch.entries.enumerated().map { n, e in
                    [
                        "index": .number(Double(n + 1)), "name": .string(e.name), "maskedID": .string(e.maskedID),
                        "unit": .string(e.unit), "series": .string(e.series.chinese), "level": .string(e.level.chinese),
                        "title": .string(TitleNames.title(e.series, e.level)),
                    ]
                }),
        ]
    }
}
