import Documents
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Workflow

/// One row of the `documents` queue: a document a workflow step issued, and where it was
/// rendered (`path`, the `.odt` relative to the documents folder; the `.html` sits beside it).
struct IssuedDocument: Sendable, Equatable {
    var id: Int64
    var kind: String
    var subject: String
    var streamKind: String
    var streamID: String
    var status: DocumentStatus
    var path: String?
    var createdAt: String

    /// The kind in Chinese (`受理通知书`), or the raw kind for one this build does not know.
    var kindName: String { DocumentKind(rawValue: kind)?.chinese ?? kind }
    var isRendered: Bool { status == .rendered && path != nil }

    /// The name a download is saved under: `受理通知书-A2026-0001.odt`.
    func downloadName(_ ext: String) -> String {
        let safe = subject.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "-" : $0 }
        return "\(kindName)-\(String(safe)).\(ext)"
    }

    /// For a page's document list: kind, subject, status and both links when rendered.
    var templateValue: TemplateValue {
        [
            "id": .string(String(id)), "kind": .string(kindName), "subject": .string(subject),
            "rendered": .bool(isRendered),
            "status": .string(
                isRendered ? "已生成" : status == .failed ? "生成失败" : "待生成"),
            "odt": .string("/documents/\(id).odt"), "html": .string("/documents/\(id).html"),
            "created": .string(String(WebServices.beijingTime(createdAt).prefix(10))),
            // The applicant portal's names for the same.
            "title": .string("\(kindName)（\(subject)）"), "day": .string(String(WebServices.beijingTime(createdAt).prefix(10))),
            "ready": .bool(isRendered),
        ]
    }

    init(_ d: StoredDocument) {
        id = d.id
        kind = d.kind
        subject = d.subject
        streamKind = d.streamKind
        streamID = d.streamID
        status = d.status
        path = d.path
        createdAt = d.createdAt
    }
}

extension WebServices {
    /// The documents the steps of one stream issued, oldest first. The applicant portal and the
    /// consoles list an application's documents with this (plus its certificate's:
    /// `documents(forStream: CertificateMachine.kind, id: number)`).
    func documents(forStream kind: String, id: String) throws -> [IssuedDocument] {
        try store.documents(streamKind: kind, streamID: id).map(IssuedDocument.init)
    }

    /// An application's documents and those of its certificate, oldest first.
    func documents(forApplication state: ApplicationState, id: String) throws -> [IssuedDocument] {
        var list = try documents(forStream: ApplicationMachine.kind, id: id)
        if let number = state.certificateNumber {
            list += try documents(forStream: CertificateMachine.kind, id: number)
        }
        return list
    }

    /// One queue row by id.
    func document(id: Int64) throws -> IssuedDocument? {
        try store.document(id: id).map(IssuedDocument.init)
    }

    /// The application a document belongs to: its own stream, or the certificate's application.
    func owningApplication(of document: IssuedDocument) throws -> ApplicationProfile? {
        switch document.streamKind {
        case ApplicationMachine.kind:
            return try store.load(ApplicationMachine.self, id: document.streamID)?.state.profile
        case CertificateMachine.kind:
            guard let details = try store.load(CertificateMachine.self, id: document.streamID)?.state.details else {
                return nil
            }
            return try store.load(ApplicationMachine.self, id: details.applicationID)?.state.profile
        default:
            return nil
        }
    }

    /// Whether `account` may download `document`: the office, auditors and committee secretaries
    /// all (a county's staff only their county's applications': a 403 otherwise); unit HR its unit's applications'; an applicant their own applications' and
    /// certificates'; an expert the dossiers of the candidates before a session they sit on
    /// (`CommitteeDesk.expertMayRead`). Everyone else: no (answered with 404, like a missing id).
    func mayRead(_ document: IssuedDocument, account: Account) throws -> Bool {
        switch account.role {
        case .officeClerk, .officeHead, .committeeSecretary:
            // A county's staff: only their county's applications' (403 naming both places).
            if StaffScope(account).county != nil, let profile = try owningApplication(of: document) {
                var id = document.streamID
                if document.streamKind == CertificateMachine.kind,
                    let details = try store.load(CertificateMachine.self, id: document.streamID)?.state.details
                {
                    id = details.applicationID
                }
                try requireInScope(account, applicationID: id, profile: profile)
            }
            return true
        case .auditor, .archivist:
            return true
        case .unitHR:
            guard let unit = account.unitID, let profile = try owningApplication(of: document) else { return false }
            return profile.unitID == unit
        case .applicant:
            guard let person = account.personID else { return false }
            if document.streamKind == CertificateMachine.kind,
                let details = try store.load(CertificateMachine.self, id: document.streamID)?.state.details,
                details.holderID == person
            {
                return true
            }
            return try owningApplication(of: document)?.personID == person
        case .expert:
            return try CommitteeDesk.expertMayRead(document, expertID: account.expertID, store: store)
        case .public, .system, .administrator:
            return false  // (the administrator manages accounts, not applications)
        }
    }
}

/// `GET /documents/{id}.odt` and `.html`: the files the workflow's documents were rendered to,
/// by queue row id, for whoever may read them (`WebServices.mayRead`); anyone else, a missing
/// id, a document not rendered yet or a file gone all get the same 404.
struct DocumentRoutes {
    let services: WebServices

    static let contentTypes = [
        "odt": "application/vnd.oasis.opendocument.text", "html": "text/html; charset=utf-8",
    ]

    func add(to router: Router<WebRequestContext>) {
        router.get("/documents/{file}") { _, context in
            guard let identity = context.identity else { throw WebError.notFound }
            let file = context.parameters.get("file") ?? ""
            guard let dot = file.lastIndex(of: "."), let id = Int64(file[..<dot]), id > 0,
                let type = Self.contentTypes[String(file[file.index(after: dot)...])]
            else { throw WebError.notFound }
            let ext = String(file[file.index(after: dot)...])
            guard let document = try services.document(id: id), try services.mayRead(document, account: identity.account),
                document.isRendered,
                let url = try fileURL(document, ext: ext),
                let data = FileManager.default.contents(atPath: url.path)
            else { throw WebError.notFound }
            var headers: HTTPFields = [.contentType: type]
            if ext == "html" {
                // Opened in the browser (printable), under a policy that allows no script at all:
                // only the document's own inline style and its data: pictures (photo, QR code).
                headers[.contentDisposition] = Self.disposition(
                    "inline", document.downloadName(ext), fallback: "document-\(id).\(ext)")
                headers[.contentSecurityPolicy] = Self.documentPolicy
            } else {
                headers[.contentDisposition] = Self.attachment(
                    document.downloadName(ext), fallback: "document-\(id).\(ext)")
            }
            headers[.cacheControl] = "private, no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// The rendered file, only when it resolves inside the documents folder.
    func fileURL(_ document: IssuedDocument, ext: String) throws -> URL? {
        guard let root = services.documentsDirectory, let path = document.path, path.hasSuffix(".odt") else {
            return nil
        }
        let relative = ext == "odt" ? path : String(path.dropLast(".odt".count)) + ".html"
        let base = root.standardizedFileURL.resolvingSymlinksInPath()
        let url = base.appendingPathComponent(relative).standardizedFileURL.resolvingSymlinksInPath()
        guard url.path.hasPrefix(base.path + "/") else { return nil }
        return url
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with an RFC 5987 name for
    /// Chinese file names; the plain name is an ASCII fallback).
    /// The policy of a rendered HTML document opened in the browser.
    static let documentPolicy =
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'none'"

    static func attachment(_ name: String, fallback: String) -> String {
        disposition("attachment", name, fallback: fallback)
    }

    /// `TYPE; filename="…"; filename*=UTF-8''…`.
    static func disposition(_ type: String, _ name: String, fallback: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "\(type); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
