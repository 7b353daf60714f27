import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let adminUnitImport = Pages.Page("admin-unit-import")
}

/// The unit list as a spreadsheet (`UnitImport`): `/admin/units/export.csv|xlsx` (the
/// administrator and the office head, as `/admin/units`) and `/admin/units/import` (the
/// administrator only): every problem shown with its row and column and nothing imported, or
/// every unit registered and approved with its HR administrator's one-time code shown once.
struct UnitImportRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/admin/units").add(
            middleware: RequireRole(Set(UnitRegistrationMachine.officeRoles)))
        for format in SheetImport.Format.allCases {
            group.get("export.\(format.rawValue)") { _, _ in
                SpreadsheetUpload.download(
                    try UnitImport.export(store: services.store, policy: services.rules.policy, format: format),
                    format: format, name: "units")
            }
        }
        group.get("import") { _, context in try page(context, problems: [], issued: []) }
        group.post("import") { request, context in try await importFile(request, context) }
    }

    func page(
        _ context: WebRequestContext, problems: [String], issued: [UnitImport.Issued], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let codes: [TemplateValue] = issued.map { i in
            [
                "code": .string(i.creditCode), "name": .string(i.name), "unit": .string(i.unitID),
                "username": .string(i.username), "setup": .string(i.code),
            ]
        }
        let counties = services.rules.policy.devolution.counties.map { "\($0.name)（\($0.code)）" }
        return try services.pages.response(
            .adminUnitImport, title: issued.isEmpty ? "导入单位名单" : "单位人事管理员账户的一次性设置码",
            data: [
                "problems": .list(problems.map { .string($0) }), "hasProblems": .bool(!problems.isEmpty),
                "codes": .list(codes), "hasCodes": .bool(!codes.isEmpty), "count": .string("\(codes.count)"),
                "hours": .string("\(Int(AdminActions.resetCodeLifetime / 3600))"),
                "columns": .string(UnitImport.columns.joined(separator: "、")),
                "kinds": .string(UnitKind.allCases.map(\.chinese).joined(separator: "、")),
                "counties": .string(counties.joined(separator: "、")), "cityLevel": .string(UnitImport.cityLevel),
                "mayImport": .bool(UnitImport.roles.contains(try context.requireIdentity().account.role)),
            ], context: context, status: status)
    }

    func importFile(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let wf = Context(actor: try context.requireIdentity().account.actor, now: services.now, rules: services.rules)
        guard UnitImport.roles.contains(wf.actor.role) else {
            throw WebError.forbidden("此操作仅供系统管理员使用：批量导入单位会同时创建单位人事管理员账户。")
        }
        let file = try await SpreadsheetUpload.file(request)
        switch try UnitImport.parse(file.bytes, store: services.store, policy: services.rules.policy) {
        case .failure(let failure):
            return try page(context, problems: failure.problems, issued: [], status: .unprocessableContent)
        case .success(let entries):
            let locked = try await ExpertAccountActions.lockedHash(cost: services.configuration.passwordCost)
            var issued: [UnitImport.Issued] = []
            do {
                issued = try UnitImport.importUnits(
                    store: services.store, context: wf, entries: entries, source: file.source, lockedHash: locked)
            } catch let error as StoreError {
                guard let refusal = error.refusal else { throw error }
                return try page(context, problems: [refusal.message], issued: [], status: .conflict)
            }
            return try page(context, problems: [], issued: issued)
        }
    }
}

/// A spreadsheet uploaded as the `file` part of a multipart form (at most `maxFileBytes`), and
/// one downloaded: what the imports and exports of `/admin` share.
enum SpreadsheetUpload {
    /// The largest spreadsheet accepted.
    static let maxFileBytes = 5 << 20

    /// The file's bytes and how the log names it (file name and SHA-256).
    static func file(_ request: Request) async throws -> (bytes: [UInt8], source: String) {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxFileBytes + 64 << 10 {
            throw WebError.payloadTooLarge
        }
        guard let type = request.headers[.contentType] else { throw WebError.badRequest(field: "文件", message: "请选择文件。") }
        let body = try await request.body.collect(upTo: maxFileBytes + 64 << 10)
        var limits = MultipartFormData.Limits.standard
        limits.bytes = maxFileBytes + 64 << 10
        let multipart = try MultipartFormData.parse(Array(buffer: body), contentType: type, limits: limits)
        guard let file = multipart.files.first(where: { $0.name == "file" }), !file.body.isEmpty else {
            throw WebError.badRequest(field: "文件", message: "请选择要导入的CSV或XLSX文件。")
        }
        let name = (file.filename ?? "").filter { !$0.isNewline }.prefix(100)
        return (file.body, "导入文件 \(name)（SHA-256 \(SHA256Digest.hex(of: file.body))）")
    }

    /// A spreadsheet as an attachment named `name.csv` or `name.xlsx`.
    static func download(_ bytes: [UInt8], format: SheetImport.Format, name: String) -> Response {
        var response = Response(
            status: .ok, headers: [.contentType: format.contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        response.headers[.contentDisposition] = "attachment; filename=\"\(name).\(format.rawValue)\""
        return response
    }
}
