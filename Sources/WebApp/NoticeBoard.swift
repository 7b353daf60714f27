import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let noticesPast = Pages.Page("notices-past")
}

/// `GET /notices`, `GET /notices/past` and `GET /notices/{batch}`: the results in public notice
/// 评审结果公示 now, by batch — name, masked ID number, unit, series and level, the period and
/// where to object (online, on the batch's page, during the period) — and the ended batches
/// 往期公示, searchable by name or unit, series, level and year, each with its list as
/// published, marked 已结束. The entries are the log's `publicNoticeStarted` events, read by
/// `Store`'s typed queries (`noticeBatches`, `noticeBatch`); nothing more about a person is shown
/// than the notice published.
struct NoticeBoard: Sendable {
    let store: EventStore
    let pages: Pages
    let objectionContact: String
    let now: @Sendable () -> Date

    static let pageSize = 20
    var today: Day { Day(now()) }

    /// The batches in notice today, each with its entries.
    func list(_ context: WebRequestContext) throws -> Response {
        let current = try store.noticeBatches(NoticeBatchQuery(phase: .current, today: today, limit: 100)).rows
        var batches: [TemplateValue] = []
        for row in current.sorted(by: { ($0.start, $0.batchID) < ($1.start, $1.batchID) }) {
            if let batch = try store.noticeBatch(row.batchID) { batches.append(value(batch, link: true)) }
        }
        return try pages.response(
            .notices, title: "评审结果公示", data: ["batches": .list(batches), "current": .bool(true)], context: context)
    }

    func batch(_ id: String, _ context: WebRequestContext) throws -> Response {
        guard Self.isBatchID(id), let batch = try store.noticeBatch(id) else { throw WebError.notFound }
        return try pages.response(
            .notices, title: "评审结果公示 \(batch.row.batchID)",
            data: ["batches": [value(batch, link: false)], "current": .bool(false)], context: context)
    }

    /// 往期公示: the ended batches, latest first, 20 a page.
    func past(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let pairs = (try? URLEncodedForm.parse(Array((request.uri.query ?? "").utf8))) ?? []
        let form = FormBody(pairs: pairs)
        let text = String((form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(50))
        let series = form["series"].flatMap(Series.init(rawValue:))
        let level = form["level"].flatMap(Level.init(rawValue:))
        let year = form["year"].flatMap { Int($0) }.flatMap { (2000...2100).contains($0) ? $0 : nil }
        let requested = form["page"].flatMap { Int($0) }.map { max(1, $0) } ?? 1
        var query = NoticeBatchQuery(
            text: text.isEmpty ? nil : text, series: series?.rawValue, level: level?.rawValue, year: year,
            phase: .ended, today: today, offset: (requested - 1) * Self.pageSize, limit: Self.pageSize)
        var (rows, total) = try store.noticeBatches(query)
        let pageCount = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(requested, pageCount)
        if page != requested {
            query.offset = (page - 1) * Self.pageSize
            rows = try store.noticeBatches(query).rows
        }
        let narrowed = !text.isEmpty || series != nil || level != nil || year != nil
        func link(_ page: Int) -> String {
            var pairs: [FormPair] = []
            if !text.isEmpty { pairs.append(FormPair("q", text)) }
            if let series { pairs.append(FormPair("series", series.rawValue)) }
            if let level { pairs.append(FormPair("level", level.rawValue)) }
            if let year { pairs.append(FormPair("year", String(year))) }
            if page > 1 { pairs.append(FormPair("page", String(page))) }
            return pairs.isEmpty ? "/notices/past" : "/notices/past?" + URLEncodedForm.encode(pairs)
        }
        let thisYear = today.year
        let data: [String: TemplateValue] = [
            "rows": .list(
                rows.map { r in
                    [
                        "batchID": .string(r.batchID), "title": .string(Self.title(r.batchID)),
                        "start": .string(r.start.chinese), "end": .string(r.end.chinese),
                        "count": .string(String(r.people)),
                        "matching": narrowed ? .string(String(r.matching)) : .null,
                    ]
                }),
            "hasRows": .bool(!rows.isEmpty), "total": .string(String(total)), "narrowed": .bool(narrowed),
            "page": .string(String(page)), "pages": .string(String(pageCount)),
            "previous": page > 1 ? .string(link(page - 1)) : .null,
            "next": page < pageCount ? .string(link(page + 1)) : .null,
            "q": .string(text),
            "series": .list(
                Series.allCases.map { s in
                    ["value": .string(s.rawValue), "label": .string(s.chinese), "selected": .bool(series == s)]
                }),
            "levels": .list(
                Level.allCases.map { l in
                    ["value": .string(l.rawValue), "label": .string(l.chinese), "selected": .bool(level == l)]
                }),
            "years": .list(
                (max(2000, thisYear - 10)...thisYear).reversed().map { y in
                    ["value": .string(String(y)), "selected": .bool(year == y)]
                }),
        ]
        return try pages.response(.noticesPast, title: "往期公示", data: data, context: context)
    }

    /// Letters, digits and hyphens, at most 32: anything else cannot be a batch.
    static func isBatchID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 32
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }

    static func title(_ batchID: String) -> String { "评审结果公示（批次 \(batchID)）" }

    /// Objections are taken online from the first to the last day of the period.
    func acceptsObjections(_ row: NoticeBatchRow) -> Bool { row.start <= today && today <= row.end }

    func value(_ batch: (row: NoticeBatchRow, entries: [NoticeEntryRow]), link: Bool) -> TemplateValue {
        let row = batch.row
        let ended = !row.inNotice && row.end < today
        return [
            "batchID": .string(row.batchID), "title": .string(Self.title(row.batchID)),
            "start": .string(row.start.chinese), "end": .string(row.end.chinese),
            "count": .number(Double(batch.entries.count)), "objectionContact": .string(objectionContact),
            "showLink": .bool(link), "ended": .bool(ended), "open": .bool(acceptsObjections(row)),
            "entries": .list(
                batch.entries.enumerated().map { n, e in
                    let series = Series(rawValue: e.series)
                    let level = Level(rawValue: e.level)
                    return [
                        "index": .number(Double(n + 1)), "name": .string(e.name ?? "—"),
                        "maskedID": .string(e.maskedID ?? "—"), "unit": .string(e.unitName ?? "—"),
                        "series": .string(series?.chinese ?? e.series), "level": .string(level?.chinese ?? e.level),
                        "title": .string(series.flatMap { s in level.map { TitleNames.title(s, $0) } } ?? "—"),
                    ]
                }),
        ]
    }
}
