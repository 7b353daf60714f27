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
        // libzip reads each file in chunks while it writes the zip into a file of its own; the
        // response then streams that file: 2,000 certificates (134 MB) are never in memory.
        let file = try Self.zipFile(services)
        let zip: ZipFileWriter
        do { zip = try ZipFileWriter(path: file.path, time: time_t(services.now.timeIntervalSince1970)) } catch {
            throw WebError.refused(rule: "certificate.zip", message: "证书压缩包无法生成。")
        }
        var count = 0
        for row in rows {
            guard let id = row.documentID, let document = try services.document(id: id), document.isRendered else {
                continue
            }
            for ext in ["odt", "html"] {
                guard let url = try routes.fileURL(document, ext: ext), FileManager.default.isReadableFile(atPath: url.path)
                else { continue }
                // ODT packages are compressed already.
                do {
                    try zip.addFile(
                        "\(folder)/\(row.number).\(ext)", from: url.path, compression: ext == "odt" ? .store : .deflate(level: 6))
                } catch {
                    throw WebError.refused(rule: "certificate.zip", message: "证书压缩包无法生成。")
                }
            }
            count += 1
        }
        guard count > 0 else { throw WebError.notFound }
        let body: ResponseBody
        do {
            try zip.finish()
            body = try Self.streamed(file)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw WebError.refused(rule: "certificate.zip", message: "证书压缩包无法生成。")
        }
        var headers: HTTPFields = [.contentType: "application/zip"]
        headers[.contentDisposition] = DocumentRoutes.attachment(
            "\(number)证书" + (total > rows.count ? "第\(part)部分" : "") + "（\(count)张）.zip",
            fallback: "\(folder.replacingOccurrences(of: "证书", with: "certificates"))" + (part > 1 ? "-\(part)" : "") + ".zip")
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A new file for a zip being built: `DIR/downloads/.building/<uuid>.zip` (removed once open
    /// for streaming; what a killed server left there over an hour ago is removed here).
    static func zipFile(_ services: WebServices) throws -> URL {
        let base =
            services.configuration.dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory
        let folder = base.appendingPathComponent("downloads/.building", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw WebError.refused(rule: "certificate.zip", message: "证书压缩包无法生成。")
        }
        let stale = Date().addingTimeInterval(-3600)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let path = folder.appendingPathComponent(name).path
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < stale
            {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return folder.appendingPathComponent(UUID().uuidString + ".zip")
    }

    /// The body that streams `file` in chunks of 256 KB; the file is opened and then removed
    /// (the open handle keeps its bytes until the last chunk is read).
    static func streamed(_ file: URL) throws -> ResponseBody {
        let handle = try FileHandle(forReadingFrom: file)
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        try FileManager.default.removeItem(at: file)
        let reader = ZipFileStream(handle: handle)
        return ResponseBody(contentLength: Int(size)) { writer in
            defer { reader.close() }
            while let chunk = try reader.next() {
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
    }
}

/// The open file a zip download streams from, read a chunk at a time by the response's task.
final class ZipFileStream: @unchecked Sendable {
    static let chunk = 256 * 1024
    private let handle: FileHandle

    init(handle: FileHandle) { self.handle = handle }

    /// The next chunk; nil at the end.
    func next() throws -> ByteBuffer? {
        guard let data = try handle.read(upToCount: Self.chunk), !data.isEmpty else { return nil }
        return ByteBuffer(bytes: data)
    }

    func close() { try? handle.close() }
}
