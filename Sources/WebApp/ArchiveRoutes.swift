import Archive
import Documents
import Domain
import Foundation
import Hummingbird
import Signing
import Store

extension Pages.Page {
    static let archive = Pages.Page("archive")
    static let archivePackage = Pages.Page("archive-package")
}

/// `/archive`, the archivist's desk (the archivist and the office head): the packages the
/// archive outbox built (each with its latest four-property report, DA/T 70), the catalogue of
/// their records (档号, 题名, 文号, holder, certificate, retention) searched by 文号, name, ID
/// number, certificate number, year and series, and a package's page with its records, its
/// report item by item and the check run again on demand. Reads the store's catalogue and the
/// reports beside the packages; the check trusts the office keyring in `DIR/keys` only.
struct ArchiveRoutes {
    let services: WebServices
    static let pageSize = 50

    var archiveDirectory: URL? {
        services.configuration.dataDirectory.map {
            URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("archive", isDirectory: true)
        }
    }

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/archive").add(middleware: RequireRole([.archivist, .officeHead]))
        group.get { request, context in try catalogue(request, context) }
        group.get("packages/{name}") { _, context in try package(context) }
        group.post("packages/{name}/check") { request, context in
            var request = request
            let form = try await request.form()
            return try check(context, confirmed: form["confirm"] == "yes")
        }
    }

    /// A 身份证号 as the lists show it: the first 6 and last 4 characters.
    static func masked(_ id: String?) -> String {
        guard let id, id.count > 10 else { return id ?? "" }
        return String(id.prefix(6)) + String(repeating: "*", count: id.count - 10) + String(id.suffix(4))
    }

    static func retentionName(_ code: String) -> String { RetentionPeriod(text: code)?.chinese ?? code }

    func rows(_ records: [CatalogueRecord]) -> [TemplateValue] {
        records.map { r in
            [
                "code": .string(r.code), "title": .string(r.title), "number": .string(r.documentNumber ?? ""),
                "name": .string(r.personName ?? ""), "idNumber": .string(Self.masked(r.idNumber)),
                "certificate": .string(r.certificateNumber ?? ""), "retention": .string(Self.retentionName(r.retention)),
                "date": .string(r.date), "format": .string(r.format), "size": .string(String(r.size)),
                "package": .string(r.package), "packageHref": .string("/archive/packages/\(percentEncoded(r.package))"),
                "path": .string(r.path),
            ]
        }
    }

    func catalogue(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let pairs = (try? URLEncodedForm.parse(Array((request.uri.query ?? "").utf8))) ?? []
        let form = FormBody(pairs: pairs)
        let text = String((form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        let year = form["year"].flatMap { Int($0) }
        let series = form["series"].flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
        let requested = form["page"].flatMap { Int($0) }.map { max(1, $0) } ?? 1
        var query = CatalogueQuery(
            text: text.isEmpty ? nil : text, year: year, titleSeries: series, limit: Self.pageSize, offset: 0)
        var (records, total) = try services.store.archiveCatalogue(query)
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(requested, pages)
        if page > 1 {
            query.offset = (page - 1) * Self.pageSize
            records = try services.store.archiveCatalogue(query).records
        }
        func link(_ p: Int) -> String {
            var out: [FormPair] = []
            if !text.isEmpty { out.append(FormPair("q", text)) }
            if let year { out.append(FormPair("year", String(year))) }
            if let series { out.append(FormPair("series", series)) }
            if p > 1 { out.append(FormPair("page", String(p))) }
            return out.isEmpty ? "/archive" : "/archive?" + URLEncodedForm.encode(out)
        }
        let facets = try services.store.archiveCatalogueFacets()
        let outbox = try services.store.archiveOutbox()
        let packages: [TemplateValue] = outbox.reversed().prefix(200).map { e in
            let name = e.package ?? DecisionArchiver.packageName(e.decision)
            let report = archiveDirectory.flatMap {
                FourPropertyCheck.existingReport(besidePackage: $0.appendingPathComponent(name).path)
            }
            let status: String =
                switch e.status {
                case .built: "已归档"
                case .pending: "待生成"
                case .failed: "生成失败"
                }
            let check: String =
                if let report {
                    report.passed
                        ? "四性检测通过（\(report.occasion.chinese)，\(WebServices.beijingTime(report.checkedAt))）"
                        : "四性检测未通过（\(report.occasion.chinese)，\(WebServices.beijingTime(report.checkedAt))）"
                } else { e.status == .built ? "尚无检测报告" : "" }
            return [
                "decision": .string(e.decision.description),
                "kind": .string(e.decision.kind == "session" ? "评审会议" : "资格确认"),
                "name": .string(name), "href": .string("/archive/packages/\(percentEncoded(name))"),
                "built": .bool(e.status == .built), "status": .string(status),
                "when": .string(e.builtAt.map(WebServices.beijingTime) ?? ""),
                "check": .string(check), "failed": .bool(report.map { !$0.passed } ?? false),
            ]
        }
        return try services.pages.response(
            .archive, title: "档案管理",
            data: [
                "q": .string(text), "records": .list(rows(records)), "hasRecords": .bool(!records.isEmpty),
                "total": .string(String(total)), "page": .string(String(page)), "pages": .string(String(pages)),
                "previous": page > 1 ? .string(link(page - 1)) : .null,
                "next": page < pages ? .string(link(page + 1)) : .null,
                "years": .list(
                    facets.years.map { y in ["value": .string(String(y)), "selected": .bool(y == year)] }),
                "series": .list(
                    facets.titleSeries.map { s in ["value": .string(s), "selected": .bool(s == series)] }),
                "narrowed": .bool(!text.isEmpty || year != nil || series != nil),
                "packages": .list(packages), "hasPackages": .bool(!packages.isEmpty),
            ], context: context)
    }

    /// The package's folder (or zip) in the archive directory; 404 for any other name.
    func packagePath(_ context: WebRequestContext) throws -> (name: String, path: String) {
        guard let name = context.parameters.get("name"), let dir = archiveDirectory,
            ArchiveFolder.packageNames(in: dir.path).contains(name)
        else { throw WebError.notFound }
        return (name, dir.appendingPathComponent(name).path)
    }

    func package(_ context: WebRequestContext) throws -> Response {
        let (name, path) = try packagePath(context)
        let records = try services.store.archiveCatalogue(CatalogueQuery(package: name, limit: 500)).records
        let report = FourPropertyCheck.existingReport(besidePackage: path)
        let properties: [TemplateValue] = ArchiveProperty.allCases.map { property in
            let items = report?.items.filter { $0.property == property } ?? []
            return [
                "name": .string(property.chinese),
                "outcome": .string(report?.outcome(of: property).chinese ?? "未检测"),
                "failed": .bool(report?.outcome(of: property) == .failed),
                "items": .list(
                    items.map { i in
                        [
                            "name": .string(i.name), "outcome": .string(i.outcome.chinese),
                            "failed": .bool(i.outcome == .failed),
                            "details": .list(i.details.prefix(20).map { .string($0) }),
                            "files": .list(i.files.prefix(20).map { .string($0) }),
                        ]
                    }),
            ]
        }
        return try services.pages.response(
            .archivePackage, title: "归档包 \(name)",
            data: [
                "name": .string(name), "records": .list(rows(records)), "recordCount": .string(String(records.count)),
                "hasReport": .bool(report != nil), "passed": .bool(report?.passed ?? false),
                "occasion": .string(report?.occasion.chinese ?? ""),
                "checkedAt": .string(report.map { WebServices.beijingTime($0.checkedAt) } ?? ""),
                "decision": .string(report?.externalIdentifier ?? ""), "trust": .string(report?.trust ?? ""),
                "properties": .list(properties),
                "action": .string("/archive/packages/\(percentEncoded(name))/check"),
            ], context: context)
    }

    /// The check on demand: the package against the office keyring and the database, the
    /// report written beside it (replacing the last one), then its page.
    func check(_ context: WebRequestContext, confirmed: Bool) throws -> Response {
        let (name, path) = try packagePath(context)
        guard confirmed else { throw WebError.badRequest(field: "确认", message: "请确认后再进行检测。") }
        guard let dir = services.configuration.dataDirectory else { throw WebError.notFound }
        let keys: PublicKeySet
        do {
            keys = try OfficeKeyring.trustedKeys(
                directory: URL(fileURLWithPath: dir, isDirectory: true).appendingPathComponent("keys").path)
        } catch {
            throw WebError.refused(rule: "archive.keys", message: "无法读取职改办密钥库：\(error.chinese)")
        }
        let check = FourPropertyCheck(
            keys: keys, trust: "职改办密钥库", store: services.store,
            formats: LongTermFormat.list(services.rules.retention.longTermFormats))
        let report = check.check(path: path, occasion: .onDemand, now: services.now)
        do { try FourPropertyCheck.writeReports(report, besidePackage: path) } catch {
            throw WebError.refused(rule: "archive.report", message: "检测报告无法写入：\(error.chinese)")
        }
        return .redirect(to: "/archive/packages/\(percentEncoded(name))", type: .normal)
    }
}
