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
/// (`EventStore.audit`: the chain, the projections against a replay, the declarations against
/// their signed pledges; `LogCheckpoints.verify`: every signed checkpoint in the database and
/// in `DIR/checkpoints`) and the signed decision packages under `DIR/archive`, each verified on
/// request against the office's keyring in `DIR/keys` — never a `public-keys.json` lying in the
/// archive — and against the database (`DecisionArchiver.verifyHeads`). Read-only.
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
        // Not the check reports beside them, the keys or staging folders.
        guard let dir = archiveDirectory else { return [] }
        return ArchiveFolder.packageNames(in: dir.path)
    }

    func overview(_ context: WebRequestContext) throws -> Response {
        let report = try services.store.audit()
        // The signed checkpoints, in the database and DIR/checkpoints, against the office keyring.
        var checkpoints: CheckpointReport?
        if let dir = services.configuration.dataDirectory {
            checkpoints = try LogCheckpoints.verify(
                store: services.store, keys: try? trustedKeys(), directory: LogCheckpoints.directory(dataDirectory: dir)
            )
        }
        let all = report.problems.map(\.chinese) + (checkpoints?.problems.map(\.chinese) ?? [])
        let problems: [TemplateValue] = all.prefix(100).map { .string($0) }
        let list: [TemplateValue] = packages().map {
            ["name": .string($0), "href": .string("/audit/packages/\(percentEncoded($0))")]
        }
        let checkpointLine: String =
            if let latest = checkpoints?.latest {
                "签名检查点 \(checkpoints!.checkpoints) 个，最近一个为第 \(latest.number) 号（\(latest.createdAt)，覆盖 \(latest.eventCount) 个事件），其后新增 \(checkpoints!.eventsAfterLatest) 个事件尚未纳入检查点。"
            } else {
                "尚无签名检查点：整条记录被删除或历史被整体改写（哈希重算）无法发现。请由职改办执行 pingshen audit checkpoint（网站每日自动建立）。"
            }
        return try services.pages.response(
            .audit, title: "审计",
            data: [
                "intact": .bool(all.isEmpty), "events": .number(Double(report.eventsChecked)),
                "streams": .number(Double(report.streamsChecked)), "problems": .list(problems),
                "problemCount": .number(Double(all.count)), "packages": .list(list),
                "hasPackages": .bool(!list.isEmpty), "checkpoint": .string(checkpointLine),
            ], context: context)
    }

    /// The office's public keys, from its keyring in the data folder.
    func trustedKeys() throws -> PublicKeySet {
        guard let dir = services.configuration.dataDirectory else {
            throw WebError.refused(rule: "archive.keys", message: "未配置数据目录，无法读取职改办密钥库。")
        }
        do {
            return try OfficeKeyring.trustedKeys(
                directory: URL(fileURLWithPath: dir, isDirectory: true).appendingPathComponent("keys").path)
        } catch {
            throw WebError.refused(rule: "archive.keys", message: "无法读取职改办密钥库：\(error.chinese)")
        }
    }

    func package(_ context: WebRequestContext) throws -> Response {
        guard let name = context.parameters.get("name"), packages().contains(name), let dir = archiveDirectory else {
            throw WebError.notFound
        }
        let keys = try trustedKeys()
        let path = dir.appendingPathComponent(name).path
        let report = BagVerifier.verify(path: path, keys: keys)
        var problems = report.problems.map(\.chinese)
        // The package against the database: its decision, its applications, its signed heads.
        let heads = try DecisionArchiver.verifyHeads(store: services.store, package: path)
        problems += heads.problems.map(\.chinese)
        return try services.pages.response(
            .auditPackage, title: "归档包 \(name)",
            data: [
                "name": .string(name), "valid": .bool(report.isValid && heads.isIntact),
                "files": .number(Double(report.payloadFileCount)), "bytes": .number(Double(report.payloadBytes)),
                "decision": report.externalIdentifier.map { .string($0) } ?? .null,
                "key": report.signedBy.map { .string($0.keyID) } ?? .null,
                "problems": .list(problems.map { .string($0) }),
            ], context: context)
    }
}
