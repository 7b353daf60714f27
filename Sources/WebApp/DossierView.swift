import Documents
import Domain
import Forms
import Foundation
import HTTPTypes
import Hummingbird
import Issuance
import Store
import Workflow

/// The dossier as reviewers read it (the `dossier` partial): the declaration of the latest
/// submission in its form's sections, the photo, the attachments with links, the signed
/// pledge's digests, earlier submissions, and for the office the eligibility check with every
/// reason. Unit HR, the office and the seated experts see the same layout.
extension WebServices {
    /// The `dossier` partial's values for an application (nil values when nothing was declared).
    /// - Parameter correcting: the clerk may ask for a correction: each field gets a checkbox
    ///   beside it (bound to the page's `correction-form`), unfilled fields are listed too.
    func dossier(id: String, state: ApplicationState, withEligibility: Bool, correcting: Bool = false) throws
        -> TemplateValue
    {
        // Only the declarations: the page's other facts come with the application's own state.
        let versions = try store.declarations(applicationID: id)
        guard let latest = versions.last, let data = try? JSONValue.parse(latest.data) else {
            return ["declared": false, "correcting": .bool(correcting)]
        }
        let form = try? forms.form(latest.formID)
        let shown = form?.present(data) ?? DeclarationPresentation(sections: [], files: [], photo: nil)
        let base = "/dossiers/\(id)/files/"
        let changes = try self.changes(versions, form: form)
        var out = Self.declarationValues(shown, fileBase: base, correcting: correcting)
        out.merge([
            "declared": true,
            "formTitle": .string(form?.title ?? latest.formID), "formVersion": .string(latest.formVersion),
            "submittedAt": .string(Self.beijingTime(latest.submittedAt)),
            "dataDigest": .string(latest.dataSHA256),
            "correcting": .bool(correcting),
            "unfilled": .list(
                correcting
                    ? (form?.fields ?? []).filter { data[$0.id] == nil }.map {
                        ["field": .string($0.id), "label": .string($0.label)]
                    } : []),
            "changes": .list(changes),
            "hasChanges": .bool(!changes.isEmpty),
            "hasUnfilled": .bool(correcting && (form?.fields ?? []).contains { data[$0.id] == nil }),
            "versions": .list(
                versions.dropLast().map { v in
                    ["version": .string(String(v.version)), "submittedAt": .string(Self.beijingTime(v.submittedAt))]
                }),
            "hasVersions": .bool(versions.count > 1),
        ]) { a, _ in a }
        if withEligibility, let form, let rules = try? forms.rules(for: form.id) {
            let on = state.submittedOn ?? Day(Date())
            let decision = rules.evaluate(rules.facts(declaredIn: data, series: form.series), on: on)
            out["eligibility"] = [
                "eligible": .bool(decision.isEligible),
                "on": .string(on.chinese),
                "reasons": .list(
                    decision.reasons.map {
                        ["text": .string($0.fact), "requirement": .string($0.requirement), "rule": .string($0.rule)]
                    }),
                "hasReasons": .bool(!decision.reasons.isEmpty),
            ]
        } else {
            out["eligibility"] = .null
        }
        return .object(out)
    }

    /// A declaration as laid out by `Forms.present` for a page: its sections row by row
    /// (`sections`), its files with links under `fileBase` (`files`, `hasFiles`) and the photo —
    /// the reviewers' dossier and the applicant's preview before the pledge.
    /// - Parameter correcting: a checkbox beside each field for the clerk's correction request.
    static func declarationValues(
        _ shown: DeclarationPresentation, fileBase base: String, correcting: Bool = false
    ) -> [String: TemplateValue] {
        [
            "sections": .list(
                shown.sections.map { s in
                    [
                        "title": .string(s.title),
                        "rows": .list(
                            s.rows.enumerated().map { i, row in
                                [
                                    "label": .string(row.label), "value": .string(row.value), "field": .string(row.field),
                                    "check": .bool(correcting && (i == 0 || s.rows[i - 1].field != row.field)),
                                ]
                            }),
                    ]
                }),
            "files": .list(
                shown.files.enumerated().map { i, f in
                    let field = String(f.path.prefix { $0 != "[" && $0 != "." })
                    return [
                        "number": .string(String(i + 1)), "label": .string(f.label), "name": .string(f.name),
                        "format": .string(f.format), "size": .string(f.sizeText), "href": .string(base + f.sha256),
                        "field": .string(field),
                        "check": .bool(correcting && !shown.files[..<i].contains { $0.path.hasPrefix(field) }),
                    ]
                }),
            "hasFiles": .bool(!shown.files.isEmpty),
            "photo": shown.photo.map { .string(base + $0.sha256) } ?? .null,
        ]
    }

    /// What the last submission changed against the one before (a correction's answer), field
    /// by field as a reader sees them.
    func changes(_ versions: [StoredDeclaration], form: FormDefinition?) throws -> [TemplateValue] {
        guard versions.count > 1, let form,
            let before = try? JSONValue.parse(versions[versions.count - 2].data),
            let after = try? JSONValue.parse(versions[versions.count - 1].data)
        else { return [] }
        func text(_ shown: DeclarationPresentation, _ field: String) -> String {
            let rows = shown.sections.flatMap(\.rows).filter { $0.field == field }.map(\.value)
            return rows.isEmpty ? "（未填写）" : rows.joined(separator: "\n")
        }
        let old = form.present(before)
        let new = form.present(after)
        return form.fields.filter { before[$0.id] != after[$0.id] }.map { f in
            ["label": .string(f.label), "before": .string(text(old, f.id)), "after": .string(text(new, f.id))]
        }
    }

    /// `2026-03-02T01:00:00Z` → `2026-03-02 09:00`, Beijing time.
    static func beijingTime(_ iso: String) -> String {
        guard let date = Timestamp.parse(iso) else { return iso }
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        out.dateFormat = "yyyy-MM-dd HH:mm"
        return out.string(from: date)
    }

    /// Whether `account` may read an application's dossier: as for its documents
    /// (`mayRead`) — the office, auditors and secretaries; unit HR of its unit; the applicant;
    /// an expert seated at the open session that reviews it.
    func mayReadDossier(applicationID: String, account: Account) throws -> Bool {
        guard let state = try store.load(ApplicationMachine.self, id: applicationID)?.state,
            let profile = state.profile
        else { return false }
        switch account.role {
        case .officeClerk, .officeHead, .committeeSecretary:
            try requireInScope(account, applicationID: applicationID, profile: profile)  // a county's staff
            return true
        case .auditor, .archivist: return true
        case .unitHR: return account.unitID == profile.unitID
        case .applicant: return account.personID == profile.personID
        case .expert: return try CommitteeDesk.expertMaySee(applicationID, state: state, expertID: account.expertID, store: store)
        case .public, .system, .administrator: return false
        }
    }
}

/// `GET /dossiers/{application}/files/{sha256}`: a file a declaration of that application
/// lists, for whoever may read the dossier. Anything else is the same 404. Pictures open in
/// the page; other files download under their declared name.
struct DossierRoutes {
    let services: WebServices

    func add(to router: Router<WebRequestContext>) {
        router.get("/dossiers/{application}/files/{sha}") { _, context in
            guard let identity = context.identity else { throw WebError.notFound }
            let id = context.parameters.get("application") ?? ""
            let sha = context.parameters.get("sha") ?? ""
            guard try services.mayReadDossier(applicationID: id, account: identity.account),
                let file = try listedFile(applicationID: id, sha256: sha),
                let root = services.uploadsDirectory,
                let bytes = AttachmentFolder(root: root).contents(sha256: sha)
            else { throw WebError.notFound }
            let type = ["application/pdf", "image/jpeg", "image/png"].contains(file.mediaType)
                ? file.mediaType : "application/octet-stream"
            var headers: HTTPFields = [.contentType: type]
            headers[.contentDisposition] =
                type.hasPrefix("image/")
                ? "inline" : DocumentRoutes.attachment(file.name, fallback: "attachment-\(sha.prefix(12)).bin")
            headers[.cacheControl] = "private, no-store"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The file with this hash as some declaration of the application lists it.
    func listedFile(applicationID: String, sha256: String) throws -> DeclaredFile? {
        for d in try services.store.declarations(applicationID: applicationID).reversed() {
            guard let data = try? JSONValue.parse(d.data), let form = try? services.forms.form(d.formID) else { continue }
            if let f = form.present(data).files.first(where: { $0.sha256 == sha256 }) { return f }
        }
        return nil
    }
}
