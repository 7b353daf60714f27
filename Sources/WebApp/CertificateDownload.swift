import Documents
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Workflow
import ZipKit

/// A confirmation's certificates as one zip (to print the run at once): each certified
/// application's certificate, ODT and HTML, named by its certificate number, under a folder
/// named after the 文号's digits. Only the office (the route's group); only rendered files
/// inside the documents folder.
extension OfficeRoutes {
    /// At most this many certificates a download (a larger run is downloaded in parts later).
    static let certificateZipLimit = 2_000

    func certificateZip(_ context: WebRequestContext, number: String) throws -> Response {
        let progress = try CertificateRuns.progress(number: number, services: services)
        guard progress.total > 0, !progress.certified.isEmpty else { throw WebError.notFound }
        guard progress.certified.count <= Self.certificateZipLimit else {
            throw WebError.refused(
                rule: "certificate.zip-too-large",
                message: "本批证书共\(progress.certified.count)张，超过一次下载的上限\(Self.certificateZipLimit)张。")
        }
        let routes = DocumentRoutes(services: services)
        let digits = number.split { !$0.isASCII || !$0.isNumber }.joined(separator: "-")
        let folder = "证书-" + (digits.isEmpty ? "batch" : digits)
        var zip = ZipWriter(time: time(nil))
        var count = 0
        for id in progress.certified {
            guard let state = try services.store.load(ApplicationMachine.self, id: id)?.state,
                let certificate = state.certificateNumber
            else { continue }
            var documents = try services.documents(forStream: CertificateMachine.kind, id: certificate)
                .filter { $0.kind == DocumentKind.certificate.rawValue && $0.isRendered }
            if documents.isEmpty {
                documents = try services.documents(forStream: ApplicationMachine.kind, id: id)
                    .filter { $0.kind == DocumentKind.certificate.rawValue && $0.isRendered }
            }
            guard let document = documents.last else { continue }
            for ext in ["odt", "html"] {
                guard let url = try routes.fileURL(document, ext: ext),
                    let data = FileManager.default.contents(atPath: url.path)
                else { continue }
                // ODT packages are compressed already.
                zip.add("\(folder)/\(certificate).\(ext)", bytes: Array(data), compression: ext == "odt" ? .store : .deflate(level: 6))
            }
            count += 1
        }
        guard count > 0 else { throw WebError.notFound }
        let bytes: [UInt8]
        do { bytes = try zip.finish() } catch {
            throw WebError.refused(rule: "certificate.zip", message: "证书压缩包无法生成。")
        }
        var headers: HTTPFields = [.contentType: "application/zip"]
        headers[.contentDisposition] = DocumentRoutes.attachment(
            "\(number)证书（\(count)张）.zip", fallback: "\(folder.replacingOccurrences(of: "证书", with: "certificates")).zip")
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
