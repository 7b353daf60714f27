import Documents
import Domain
import Foundation
import Hummingbird
import OfficeSteps
import Signing
import Store
import Workflow

extension Pages.Page {
    static let officeCertificates = Pages.Page("office-certificates")
    static let officeCertificateRun = Pages.Page("office-certificate-run")
}

/// The search of a certificate list, read from the query string of a `GET` (`q`, `series`,
/// `level`, `page`; `number` on a run's page): a plain form, no script.
struct CertificateFilter: Sendable, Equatable {
    var number: String?
    /// Name, ID number, certificate number, application number or unit name (a part of any).
    var text: String = ""
    var series: Series?
    var level: Level?
    var page: Int = 1

    init(number: String? = nil, text: String = "", series: Series? = nil, level: Level? = nil, page: Int = 1) {
        self.number = number
        self.text = text
        self.series = series
        self.level = level
        self.page = page
    }

    /// From the request's query string (unknown values are ignored).
    init(_ request: Request) {
        let pairs = (try? URLEncodedForm.parse(Array((request.uri.query ?? "").utf8))) ?? []
        let form = FormBody(pairs: pairs)
        number = form["number"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        text = String((form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        series = form["series"].flatMap(Series.init(rawValue:))
        level = form["level"].flatMap(Level.init(rawValue:))
        page = form["page"].flatMap { Int($0) }.map { max(1, $0) } ?? 1
    }

    var isNarrowed: Bool { !text.isEmpty || series != nil || level != nil }

    /// `path?…` with this filter (and the 文号) on `page`.
    func link(_ path: String, page: Int) -> String {
        var pairs: [FormPair] = []
        if let number { pairs.append(FormPair("number", number)) }
        if !text.isEmpty { pairs.append(FormPair("q", text)) }
        if let series { pairs.append(FormPair("series", series.rawValue)) }
        if let level { pairs.append(FormPair("level", level.rawValue)) }
        if page > 1 { pairs.append(FormPair("page", String(page))) }
        return pairs.isEmpty ? path : path + "?" + URLEncodedForm.encode(pairs)
    }
}

/// The certificates of the confirmations (文号), for the office: every 文号 with its progress
/// (counted in SQL: `EventStore.certificateBatch(es)`), a run per 文号 that issues the
/// certificates still missing in the background (`CertificateRuns`), and the issued
/// certificates listed, searched and paged in SQL (`EventStore.certificates`) — a page of a
/// 文号 with 20,000 applications reads one page of rows.
extension OfficeRoutes {
    func addCertificates(to group: RouterGroup<WebRequestContext>) {
        group.get("/certificates") { request, context in
            try certificatesPage(context, filter: CertificateFilter(request))
        }
        group.post("/certificates") { request, context in
            var request = request
            let number = (try await request.form()["number"] ?? "").trimmingCharacters(in: .whitespaces)
            let actor = try context.requireIdentity().account.actor
            try requireBatchInScope(number, context)
            try await services.certificateRuns.start(number: number, services: services, actor: actor)
            return seeOther("/office/certificates/run?number=\(percentEncoded(number))")
        }
        group.get("/certificates/download") { request, context in
            let part = request.uri.queryParameters.get("part").flatMap { Int($0) } ?? 1
            return try certificateZip(context, number: request.uri.queryParameters.get("number") ?? "", part: part)
        }
        group.get("/certificates/run") { request, context in
            try await certificateRunPage(context, filter: CertificateFilter(request))
        }
    }

    /// The confirmations (文号) with applications to certify or certified, with counts, and a
    /// search of every issued certificate.
    func certificatesPage(_ context: WebRequestContext, filter: CertificateFilter) throws -> Response {
        let scope = try StaffScope(context)
        let rows: [TemplateValue] = try services.store.certificateBatches(jurisdiction: scope.jurisdiction).map { batch in
            [
                "number": .string(batch.number), "total": .string(String(batch.total)),
                "done": .string(String(batch.certified)), "pending": .string(String(batch.pending)),
                "remaining": .bool(batch.pending > 0), "resume": .bool(batch.pending > 0 && batch.certified > 0),
                "href": .string("/office/certificates/run?number=\(percentEncoded(batch.number))"),
            ]
        }
        var filter = filter
        filter.number = nil
        var data = try certificateList(filter, path: "/office/certificates", scope: scope)
        data["rows"] = .list(rows)
        data["hasRows"] = .bool(!rows.isEmpty)
        return try services.pages.response(.officeCertificates, title: "证书颁发", data: data, context: context)
    }

    /// One 文号's run: where it stands (from the store, so after a restart too), the button that
    /// issues the rest, and its certificates listed and searched.
    func certificateRunPage(_ context: WebRequestContext, filter: CertificateFilter) async throws -> Response {
        guard let number = filter.number, let batch = try services.store.certificateBatch(number: number) else {
            throw WebError.notFound
        }
        try requireBatchInScope(number, context)
        let run = await services.certificateRuns.status(number)
        // Every certificate of the batch recorded: done, even while the task renders the last one.
        let running = (run?.isRunning ?? false) && batch.pending > 0
        var data = try certificateList(filter, path: "/office/certificates/run", scope: try StaffScope(context))
        let refusals: [TemplateValue] = (run?.refusals ?? []).map {
            ["application": .string($0.application), "message": .string($0.message)]
        }
        let parts = Self.zipParts(certified: batch.certified)
        let base = "/office/certificates/download?number=\(percentEncoded(number))"
        let downloads: [TemplateValue] = parts.map { part in
            let href = part.index > 1 ? base + "&part=\(part.index)" : base
            let last = part.first + part.count - 1
            let label = parts.count == 1 ? "下载本批证书（\(part.count)张，zip）" : "下载第\(part.first)–\(last)张（zip）"
            return ["href": .string(href), "label": .string(label)]
        }
        data.merge([
            "number": .string(number),
            "done": .string(String(batch.certified)), "total": .string(String(batch.total)),
            "pending": .string(String(batch.pending)),
            "running": .bool(running), "remaining": .bool(!running && batch.pending > 0),
            "resume": .bool(!running && batch.pending > 0 && (batch.certified > 0 || run != nil)),
            // Nothing in memory (a restart, or another server's run) and work left: say so.
            "interrupted": .bool(run == nil && batch.pending > 0 && batch.certified > 0),
            "finished": .bool(batch.pending == 0),
            "issuedNow": run.map { .string(String($0.issued)) } ?? .null,
            "failure": run?.failure.map { .string($0) } ?? .null,
            "hasRefusals": .bool(!refusals.isEmpty), "refusals": .list(refusals),
            "refusedCount": .string(String(run?.refusedCount ?? 0)),
            "moreRefusals": .bool((run?.refusedCount ?? 0) > refusals.count),
            "shownCount": .string(String(refusals.count)),
            "downloads": .list(downloads),
            "hasDownloads": .bool(!parts.isEmpty),
        ]) { _, new in new }
        return try services.pages.response(.officeCertificateRun, title: "证书颁发进度", data: data, context: context)
    }

    /// A 403 for a county's staff opening, running or downloading a 文号 that is not their
    /// county's (the city's staff: every 文号).
    func requireBatchInScope(_ number: String, _ context: WebRequestContext) throws {
        let scope = try StaffScope(context)
        guard let county = scope.county, let words = scope.refusalWords(policy: services.policy),
            try !services.store.certificateBatches(jurisdiction: county).contains(where: { $0.number == number })
        else { return }
        throw WebError.forbidden(
            "您是\(words.who)的工作人员，只能办理\(words.handles)；文号\(number)不是\(words.own)的确认。")
    }

    /// The zips a run's certificates are downloaded in: `certificateZipLimit` a part.
    static func zipParts(certified: Int) -> [(index: Int, first: Int, count: Int)] {
        stride(from: 0, to: certified, by: certificateZipLimit).enumerated().map { i, start in
            (i + 1, start + 1, min(certificateZipLimit, certified - start))
        }
    }

    /// The `certificate-list` partial's data: one page of the certificates `filter` selects, the
    /// pager and the search form.
    func certificateList(_ filter: CertificateFilter, path: String, scope: StaffScope) throws -> [String: TemplateValue] {
        let size = WebServices.pageSize
        var query = CertificateQuery(
            number: filter.number, text: filter.text.isEmpty ? nil : filter.text, series: filter.series?.rawValue,
            level: filter.level?.rawValue, offset: 0, limit: size, jurisdiction: scope.jurisdiction)
        query.offset = (filter.page - 1) * size
        var (rows, total) = try services.store.certificates(query)
        let pages = max(1, (total + size - 1) / size)
        let page = min(filter.page, pages)
        if page != filter.page {
            query.offset = (page - 1) * size
            rows = try services.store.certificates(query).rows
        }
        let certificates: [TemplateValue] = rows.map { r in
            let series = Series(rawValue: r.series)
            let level = Level(rawValue: r.level)
            return [
                "number": .string(r.number), "application": .string(r.applicationID),
                "href": .string("/office/applications/\(percentEncoded(r.applicationID))"),
                "name": .string(r.holderName), "idNumber": .string(ArchiveRoutes.masked(r.residentID)),
                "unit": .string(r.unitName ?? r.unitID ?? ""),
                "title": .string("\(series?.chinese ?? r.series) · \(level?.chinese ?? r.level)"),
                "approval": .string(r.approvalDocumentNumber), "issuedOn": .string(r.issuedOn),
                "status": .string(r.status == CertificateState.Status.revoked.rawValue ? "已撤销" : "有效"),
                "rendered": .bool(r.documentRendered),
                "documentStatus": .string(r.documentStatus == "failed" ? "生成失败" : "待生成"),
                "odt": r.documentID.map { .string("/documents/\($0).odt") } ?? .null,
                "html": r.documentID.map { .string("/documents/\($0).html") } ?? .null,
            ]
        }
        var hidden: [TemplateValue] = []
        if let number = filter.number { hidden.append(["name": "number", "value": .string(number)]) }
        var base = filter
        base.text = ""
        base.series = nil
        base.level = nil
        return [
            "certificates": .list(certificates), "hasCertificates": .bool(!certificates.isEmpty),
            // Every certificate of a run's page has that run's 文号.
            "showApproval": .bool(filter.number == nil),
            "certificateTotal": .string(String(total)), "page": .string(String(page)), "pages": .string(String(pages)),
            "previous": page > 1 ? .string(filter.link(path, page: page - 1)) : .null,
            "next": page < pages ? .string(filter.link(path, page: page + 1)) : .null,
            "certificateFilter": [
                "path": .string(path), "q": .string(filter.text), "hidden": .list(hidden),
                "narrowed": .bool(filter.isNarrowed), "clear": .string(base.link(path, page: 1)),
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

/// The certificate runs of the server: one background task per confirmation 文号, issuing the
/// certificates of its applications one transaction each (gap-free number from the counter,
/// the certificate stream, the application's record) and rendering the documents they queued
/// every `batchSize` certificates through the `DocumentDesk`. The work is derived from the store
/// (the applications of that 文号 not yet certified), so a run interrupted by a restart or a
/// refusal is resumed by starting it again, and a second start while one runs joins it; an
/// application certified meanwhile (another clerk, the command line) is skipped in its
/// transaction (`OfficeSteps.issueCertificate`), and its machine refuses a second certificate.
/// Progress pages read the store; this actor keeps only what the store does not say (whether
/// a run is going, what it was refused).
actor CertificateRuns {
    /// Certificates issued between two renderings of the queued documents.
    static let batchSize = 50
    /// Refusals in a row, with nothing issued between, after which a run stops: the cause is
    /// common to the run (the account's role, the signing key), not to one application.
    static let refusalsInARowLimit = 5
    /// Refusals a run keeps to show (the count is kept whole).
    static let refusalsShown = 20

    struct Refused: Sendable, Equatable {
        var application: String
        var message: String
    }

    struct Run: Sendable {
        var isRunning: Bool
        /// Certificates this run issued.
        var issued = 0
        var refusals: [Refused] = []
        var refusedCount = 0
        /// Why the run stopped before the end.
        var failure: String?
    }

    private var runs: [String: Run] = [:]

    func status(_ number: String) -> Run? { runs[number] }

    /// The applications confirmed under `number`: certified and still pending, in id order.
    static func progress(number: String, services: WebServices) throws -> (
        total: Int, certified: [String], pending: [String]
    ) {
        try OfficeSteps.certificateProgress(store: services.store, number: number)
    }

    /// Starts (or resumes) the run of `number` unless it is running.
    func start(number: String, services: WebServices, actor: Actor) throws {
        let pending = try services.store.applicationsAwaitingCertificate(number: number)
        guard !pending.isEmpty else { throw WebError.notFound }
        guard runs[number]?.isRunning != true else { return }
        guard let signer = services.signer else {
            throw WebError.refused(rule: "certificate.no-signing-key", message: "服务器未配置签名密钥，不能颁发证书")
        }
        runs[number] = Run(isRunning: true)
        Task.detached { await Self.work(number, pending, runs: self, signer: signer, services: services, actor: actor) }
    }

    /// The run's loop, off this actor (a status read never waits behind a transaction).
    private static func work(
        _ number: String, _ pending: [String], runs: CertificateRuns, signer: CertificateSigner, services: WebServices,
        actor: Actor
    ) async {
        var inARow = 0
        var failure: String?
        var issued = 0
        var refused: [Refused] = []
        var refusedCount = 0
        var index = 0
        run: while index < pending.count {
            let batch = pending[index..<min(pending.count, index + batchSize)]
            index += batch.count
            for id in batch {
                do {
                    if try issueWithoutRendering(id, signer: signer, services: services, actor: actor) { issued += 1 }
                    inARow = 0
                } catch let error as WebError {
                    refusedCount += 1
                    inARow += 1
                    if refused.count < refusalsShown { refused.append(Refused(application: id, message: error.message)) }
                    if inARow >= refusalsInARowLimit || refusedCount == pending.count {
                        failure = "\(id)：\(error.message)"
                        break run
                    }
                } catch {
                    failure = "\(id)：\(error)"
                    break run
                }
                await Task.yield()
            }
            await services.actions.issueDocuments()
            await runs.update(number, issued: issued, refused: refused, refusedCount: refusedCount)
        }
        await services.actions.issueDocuments()
        await runs.finish(number, issued: issued, refused: refused, refusedCount: refusedCount, failure: failure)
    }

    private func update(_ number: String, issued: Int, refused: [Refused], refusedCount: Int) {
        runs[number]?.issued = issued
        runs[number]?.refusals = refused
        runs[number]?.refusedCount = refusedCount
    }

    private func finish(_ number: String, issued: Int, refused: [Refused], refusedCount: Int, failure: String?) {
        runs[number] = Run(
            isRunning: false, issued: issued, refusals: refused, refusedCount: refusedCount, failure: failure)
    }

    /// One certificate, one transaction, its documents queued (rendered by the caller). - Returns:
    /// whether one was issued (false: the application had one already, or is not confirmed).
    /// A refusal is a `WebError.refused`.
    static func issueWithoutRendering(_ id: String, signer: CertificateSigner, services: WebServices, actor: Actor)
        throws -> Bool
    {
        do {
            guard let person = try OfficeSteps.holder(store: services.store, application: id) else { return false }
            let context = services.actions.context(actor)
            return try services.store.write { tx in
                try OfficeSteps.issueCertificate(tx, context, application: id, holder: person, signer: signer)
            } != nil
        } catch {
            if let refusal = error as? Refusal { throw WebError.refused(rule: refusal.rule, message: refusal.message) }
            if let stored = error as? StoreError {
                switch stored {
                case .refused(let refusal): throw WebError.refused(rule: refusal.rule, message: refusal.message)
                case .conflict: throw WebError.refused(rule: "conflict", message: stored.chinese)
                default: throw stored
                }
            }
            throw error
        }
    }

    /// One certificate in its own transaction, its documents rendered at once.
    static func issue(_ id: String, signer: CertificateSigner, services: WebServices, actor: Actor) async throws {
        _ = try issueWithoutRendering(id, signer: signer, services: services, actor: actor)
        await services.actions.issueDocuments()
    }
}
