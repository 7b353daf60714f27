import Foundation
import ZipKit

/// How a generated entry of a document is stored (`ZipKit`'s compression).
public typealias EntryCompression = ZipWriter.Compression

/// What one render needs privately: an open reader of the template archive and its own
/// copy of the compiled parts.
///
/// Opening the archive costs a central-directory parse and a mktime() per entry, so readers
/// are reused, and a libzip archive must not be used by two threads at once. The private
/// copy of the compiled tree keeps threads from updating the same reference counts (shared
/// arrays made two threads no faster than one).
final class RenderContext {
    let reader: ZipReader
    let parts: [String: [MustacheNode]]

    init(reader: ZipReader, parts: [String: [MustacheNode]]) {
        self.reader = reader
        self.parts = parts
    }
}

final class RenderContextPool: @unchecked Sendable {
    private let bytes: ZipBytes
    private let parts: [String: [MustacheNode]]
    private let lock = NSLock()
    private var free: [RenderContext] = []

    init(bytes: ZipBytes, parts: [String: [MustacheNode]]) {
        self.bytes = bytes
        self.parts = parts
    }

    func with<T>(_ body: (RenderContext) throws -> T) throws -> T {
        lock.lock()
        let r = free.popLast()
        lock.unlock()
        let reader = try r ?? RenderContext(reader: ODTPackageWriter.reader(bytes), parts: parts.mapValues(deepCopy))
        defer {
            lock.lock()
            free.append(reader)
            lock.unlock()
        }
        return try body(reader)
    }
}

/// Writes one ODT package into memory with `ZipKit`'s writer:
///
/// - entries copied from the template keep their compressed bytes (no inflate/deflate);
/// - every entry gets the same fixed time (2026-01-01 00:00 local, i.e. the same DOS date and
///   time fields on every machine) and no extra fields, so equal inputs give equal bytes.
enum ODTPackageWriter {
    enum Entry {
        case copy(index: Int, name: String)
        case bytes(name: String, data: [UInt8], compression: EntryCompression)
    }

    /// Computed once: `mktime` per document would take the time-zone lock on every render.
    static let fixedTime = ZipWriter.time(year: 2026, month: 1, day: 1)

    /// A reader of a template's bytes, its errors as `TemplateError.package`.
    static func reader(_ bytes: ZipBytes) throws(TemplateError) -> ZipReader {
        do { return try ZipReader(bytes: bytes) } catch { throw .package(error.message) }
    }

    /// Entry `index` of a template (at most 64 MiB), its errors as `TemplateError.package`.
    static func read(_ reader: ZipReader, _ index: Int) throws(TemplateError) -> [UInt8] {
        do { return try reader.read(index, limit: 64 << 20) } catch { throw .package(error.message) }
    }

    static func write(template: ZipBytes?, entries: [Entry]) throws -> [UInt8] {
        try write(reader: template.map { try reader($0) }, entries: entries)
    }

    static func write(reader: ZipReader?, entries: [Entry]) throws -> [UInt8] {
        var zip = ZipWriter(time: fixedTime)
        for entry in entries {
            switch entry {
            case .copy(let index, let name):
                guard let reader else { throw TemplateError.package("no template archive to copy \(name) from") }
                zip.copy(name, from: reader, index: index)
            case .bytes(let name, let data, let compression):
                zip.add(name, bytes: data, compression: compression)
            }
        }
        do { return try zip.finish() } catch { throw TemplateError.package(error.message) }
    }

    /// A new ODT package from XML parts (mimetype and manifest added), e.g. for tests and
    /// the benchmark's built-in certificate.
    static func package(_ files: [(name: String, xml: String)]) throws -> [UInt8] {
        var manifest = """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
            manifest:version="1.3">
             <manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
            manifest:media-type="application/vnd.oasis.opendocument.text"/>

            """
        for f in files {
            manifest += " <manifest:file-entry manifest:full-path=\"\(f.name)\" manifest:media-type=\"text/xml\"/>\n"
        }
        manifest += "</manifest:manifest>\n"
        var entries: [Entry] = [.bytes(name: "mimetype", data: ODTTemplate.mimetype, compression: .store)]
        for f in files {
            entries.append(.bytes(name: f.name, data: Array(f.xml.utf8), compression: .deflate(level: 6)))
        }
        entries.append(
            .bytes(name: "META-INF/manifest.xml", data: Array(manifest.utf8), compression: .deflate(level: 6)))
        return try write(template: nil, entries: entries)
    }
}
