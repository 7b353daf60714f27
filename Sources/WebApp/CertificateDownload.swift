import Documents
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Workflow
import ZipKit

/// A confirmation's certificates as zips (to print the run at once): each certificate, ODT
/// and HTML, named by its certificate number, under a folder named after the 文号's digits;
/// `certificateZipLimit` certificates a zip (`part` 1, 2, … in certificate-number order: a run
/// of 20,000 is ten zips). Only the office (the route's group); only rendered files inside the
/// documents folder.
extension OfficeRoutes {
    /// At most this many certificates a zip.
    static let certificateZipLimit = 2_000

    func certificateZip(_ context: WebRequestContext, number: String, part: Int = 1) throws -> Response {
        guard part >= 1 else { throw WebError.notFound }
        try requireBatchInScope(number, context)
        let (rows, total) = try services.store.certificates(
            CertificateQuery(
                number: number, offset: (part - 1) * Self.certificateZipLimit, limit: Self.certificateZipLimit,
                jurisdiction: try StaffScope(context).jurisdiction))
        guard total > 0, !rows.isEmpty else { throw WebError.notFound }
        let routes = DocumentRoutes(services: services)
        let digits = number.split { !$0.isASCII || !$0.isNumber }.joined(separator: "-")
        let folder = "证书-" + (digits.isEmpty ? "batch" : digits)
        var zip = ZipWriter(time: time(nil))
        var count = 0
        for row in rows {
            guard let id = row.documentID, let document = try services.document(id: id), document.isRendered else {
                continue
            }
            for ext in ["odt", "html"] {
                guard let url = try routes.fileURL(document, ext: ext),
                    let data = FileManager.default.contents(atPath: url.path)
                else { continue }
                // ODT packages are compressed already.
                zip.add("\(folder)/\(row.number).\(ext)", bytes: Array(data), compression: ext == "odt" ? .store : .deflate(level: 6))
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
            "\(number)证书" + (total > rows.count ? "第\(part)部分" : "") + "（\(count)张）.zip",
            fallback: "\(folder.replacingOccurrences(of: "证书", with: "certificates"))" + (part > 1 ? "-\(part)" : "") + ".zip")
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
