import Documents
import Domain
import Hummingbird
import Store
import Workflow

/// The search and filters of the unit's and the office's queues, read from the query string
/// of a `GET` (`q`, `status`, `series`, `level`, `page`): a plain form, no script.
struct QueueFilter: Sendable, Equatable {
    /// Name, ID number, application number or unit name (a part of any).
    var text: String = ""
    /// A status's raw value, `all`, or empty (the page's default).
    var status: String = ""
    var series: Series?
    var level: Level?
    var page: Int = 1

    init(text: String = "", status: String = "", series: Series? = nil, level: Level? = nil, page: Int = 1) {
        self.text = text
        self.status = status
        self.series = series
        self.level = level
        self.page = page
    }

    /// From the request's query string (unknown values are ignored).
    init(_ request: Request) {
        let pairs = (try? URLEncodedForm.parse(Array((request.uri.query ?? "").utf8))) ?? []
        let form = FormBody(pairs: pairs)
        text = String((form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        let status = form["status"] ?? ""
        self.status = status == "all" || ApplicationStage(rawValue: status) != nil ? status : ""
        series = (form["series"]).flatMap(Series.init(rawValue:))
        level = (form["level"]).flatMap(Level.init(rawValue:))
        page = (form["page"]).flatMap { Int($0) }.map { max(1, $0) } ?? 1
    }

    /// The statuses selected, given the page's default when none is chosen.
    func statuses(default fallback: [String]) -> [String] {
        switch status {
        case "": fallback
        case "all": []
        default: [status]
        }
    }

    /// Whether the visitor narrowed the list beyond the page's default.
    var isNarrowed: Bool { !text.isEmpty || series != nil || level != nil || !status.isEmpty }

    /// `path?…` with this filter on `page`.
    func link(_ path: String, page: Int) -> String {
        var pairs: [FormPair] = []
        if !text.isEmpty { pairs.append(FormPair("q", text)) }
        if !status.isEmpty { pairs.append(FormPair("status", status)) }
        if let series { pairs.append(FormPair("series", series.rawValue)) }
        if let level { pairs.append(FormPair("level", level.rawValue)) }
        if page > 1 { pairs.append(FormPair("page", String(page))) }
        return pairs.isEmpty ? path : path + "?" + URLEncodedForm.encode(pairs)
    }
}

extension WebServices {
    /// A queue page's list (`application-list` partial) and filter form (`queue-filter`
    /// partial): the applications `filter` selects among `base` (unit, the page's default
    /// statuses and what comes first; a county's staff: `jurisdiction`, in the query), 50 a page.
    func applicationQueue(
        _ filter: QueueFilter, unit: String?, jurisdiction: String? = nil, defaultStatuses: [String], defaultLabel: String, first: [String] = [],
        path: String, link: (String) -> String
    ) throws -> [String: TemplateValue] {
        var query = ApplicationQuery(
            unit: unit, text: filter.text.isEmpty ? nil : filter.text,
            statuses: filter.statuses(default: defaultStatuses), series: filter.series?.rawValue,
            level: filter.level?.rawValue, first: first, offset: 0, limit: Self.pageSize, jurisdiction: jurisdiction)
        var (rows, total) = try store.applicationQueue(query)
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(filter.page, pages)
        if page > 1 {
            query.offset = (page - 1) * Self.pageSize
            rows = try store.applicationQueue(query).rows
        }
        let pending = Set(first)
        let values: [TemplateValue] = rows.map { r in
            let series = Series(rawValue: r.series)
            let level = Level(rawValue: r.level)
            return [
                "id": .string(r.id), "href": .string(link(r.id)), "name": .string(r.personName ?? r.personID),
                "unit": .string(r.unitName ?? r.unitID),
                "title": .string("\(series?.chinese ?? r.series) · \(level?.chinese ?? r.level)"),
                "status": .string(ApplicationStage(rawValue: r.status)?.chinese ?? r.status),
                "pending": .bool(pending.contains(r.status)),
            ]
        }
        let stages = ApplicationStage.allCases.filter { $0 != .none }
        return [
            "rows": .list(values), "hasRows": .bool(!values.isEmpty), "total": .string(String(total)),
            "page": .string(String(page)), "pages": .string(String(pages)),
            "previous": page > 1 ? .string(filter.link(path, page: page - 1)) : .null,
            "next": page < pages ? .string(filter.link(path, page: page + 1)) : .null,
            "filter": [
                "path": .string(path), "q": .string(filter.text), "defaultLabel": .string(defaultLabel), "narrowed": .bool(filter.isNarrowed),
                "statuses": .list(
                    [["value": "all", "label": "全部状态", "selected": .bool(filter.status == "all")]]
                        + stages.map { s in
                            [
                                "value": .string(s.rawValue), "label": .string(s.chinese),
                                "selected": .bool(filter.status == s.rawValue),
                            ]
                        }),
                "series": .list(
                    Series.allCases.map { s in
                        ["value": .string(s.rawValue), "label": .string(s.chinese), "selected": .bool(filter.series == s)]
                    }),
                "levels": .list(
                    Level.allCases.map { l in
                        ["value": .string(l.rawValue), "label": .string(l.chinese), "selected": .bool(filter.level == l)]
                    }),
            ],
        ]
    }
}
