import Archive
import Documents
import Foundation
import Hummingbird
import Signing
import Store

extension Pages.Page {
    static let audit = Pages.Page("audit")
    static let auditPackage = Pages.Page("audit-package")
}

/// `/audit` (auditors and the office head): the tamper-evident log checked end to end
/// (`EventStore.audit`) and the signed decision packages under `DIR/archive`, each verified
/// on request against the office's public keys (`BagVerifier`). Read-only.
struct AuditRoutes {
    let services: WebServices

    var archiveDirectory: URL? {
        services.configuration.dataDirectory.map {
            URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("archive", isDirectory: true)
        }
    }

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/audit").add(middleware: RequireRole([.auditor, .officeHead]))
        group.get { _, context in try overview(context) }
        group.get("packages/{name}") { _, context in try package(context) }
    }

    /// Package folders and zips in the archive directory, by name.
    func packages() -> [String] {
        guard let dir = archiveDirectory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return names.filter { !$0.hasPrefix(".") && $0 != "public-keys.json" && $0 != "keys" }.sorted()
    }

    func overview(_ context: WebRequestContext) throws -> Response {
        let report = try services.store.audit()
        let problems: [TemplateValue] = report.problems.prefix(100).map { .string($0.chinese) }
        let list: [TemplateValue] = packages().map { ["name": .string($0), "href": .string("/audit/packages/\(percentEncoded($0))")] }
        return try services.pages.response(
            .audit, title: "审计",
            data: [
                "intact": .bool(report.isIntact), "events": .number(Double(report.eventsChecked)),
                "streams": .number(Double(report.streamsChecked)), "problems": .list(problems),
                "problemCount": .number(Double(report.problems.count)), "packages": .list(list),
                "hasPackages": .bool(!list.isEmpty),
            ], context: context)
    }

    func package(_ context: WebRequestContext) throws -> Response {
        guard let name = context.parameters.get("name"), packages().contains(name), let dir = archiveDirectory else {
            throw WebError.notFound
        }
        let keysPath = dir.appendingPathComponent("public-keys.json").path
        let keys: PublicKeySet
        do { keys = try PublicKeySet.load(path: keysPath) } catch {
            throw WebError.refused(rule: "archive.keys", message: "未找到或无法读取职改办公钥文件 public-keys.json。")
        }
        let report = BagVerifier.verify(path: dir.appendingPathComponent(name).path, keys: keys)
        return try services.pages.response(
            .auditPackage, title: "归档包 \(name)",
            data: [
                "name": .string(name), "valid": .bool(report.isValid),
                "files": .number(Double(report.payloadFileCount)), "bytes": .number(Double(report.payloadBytes)),
                "decision": report.externalIdentifier.map { .string($0) } ?? .null,
                "key": report.signedBy.map { .string($0.keyID) } ?? .null,
                "problems": .list(report.problems.map { .string($0.chinese) }),
            ], context: context)
    }
}
