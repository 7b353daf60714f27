import CLibZip
import Foundation

/// Immutable bytes at a stable address (libzip reads the template archive from them on
/// every render, from any thread). Allocated once, freed in deinit.
final class StableBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: count) }
    }

    deinit { pointer.deallocate() }
}

/// Entry names a template may hold. Every entry of a template is copied into every document
/// rendered from it, and whoever unpacks a document writes its entries as files: a name that
/// is absolute, climbs out with `..`, or means something else on another system must never
/// get that far.
enum ZipEntryName {
    /// A relative path of non-empty segments other than `.` and `..`, separated by `/` (one
    /// trailing `/` marks a directory entry, as LibreOffice writes `Configurations2/toolbar/`),
    /// with no backslash, no drive letter (`C:`), no control character.
    static func isSafe(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first != UInt8(ascii: "/") else { return false }
        for b in bytes where b < 0x20 || b == 0x7F || b == UInt8(ascii: "\\") { return false }
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first & 0xDF)
        {
            return false
        }
        var segments = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasSuffix("/") { segments.removeLast() }
        return segments.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}

/// A zip archive opened read-only from memory with libzip; discarded in deinit.
final class ZipReader {
    let archive: OpaquePointer
    let bytes: StableBytes  // kept alive while libzip reads from it

    init(bytes: StableBytes) throws {
        self.bytes = bytes
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let src = zip_source_buffer_create(bytes.pointer, zip_uint64_t(bytes.count), 0, &err) else {
            throw TemplateError.package(String(cString: zip_error_strerror(&err)))
        }
        guard let za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) else {
            zip_source_free(src)
            throw TemplateError.package("not a readable zip archive: " + String(cString: zip_error_strerror(&err)))
        }
        archive = za
    }

    deinit { zip_discard(archive) }

    var count: Int { Int(zip_get_num_entries(archive, 0)) }

    func name(_ i: Int) -> String {
        guard let n = zip_get_name(archive, zip_uint64_t(i), ZIP_FL_ENC_RAW) else { return "" }
        return String(cString: n)
    }

    func read(_ i: Int) throws -> [UInt8] {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 else {
            throw TemplateError.package(String(cString: zip_strerror(archive)))
        }
        let size = Int(st.size)
        guard size < 64 << 20 else { throw TemplateError.package("entry \(name(i)) is too large") }
        guard let f = zip_fopen_index(archive, zip_uint64_t(i), 0) else {
            throw TemplateError.package("cannot open \(name(i)): " + String(cString: zip_strerror(archive)))
        }
        defer { zip_fclose(f) }
        var out = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = out.withUnsafeMutableBytes { zip_fread(f, $0.baseAddress! + got, zip_uint64_t(size - got)) }
            guard n > 0 else { throw TemplateError.package("cannot read \(name(i))") }
            got += Int(n)
        }
        return out
    }
}

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
    private let bytes: StableBytes
    private let parts: [String: [MustacheNode]]
    private let lock = NSLock()
    private var free: [RenderContext] = []

    init(bytes: StableBytes, parts: [String: [MustacheNode]]) {
        self.bytes = bytes
        self.parts = parts
    }

    func with<T>(_ body: (RenderContext) throws -> T) throws -> T {
        lock.lock()
        let r = free.popLast()
        lock.unlock()
        let reader = try r ?? RenderContext(reader: ZipReader(bytes: bytes), parts: parts.mapValues(deepCopy))
        defer {
            lock.lock()
            free.append(reader)
            lock.unlock()
        }
        return try body(reader)
    }
}

/// How a generated entry is stored.
public enum EntryCompression: Sendable, Equatable {
    case store
    /// Copied entries only: keep the compressed bytes of the template entry.
    case keep
    case deflate(level: Int)
}

/// Writes one ODT package into memory with libzip.
///
/// - entries copied from the template keep their compressed bytes (`ZIP_FL_COMPRESSED`: no
///   inflate/deflate);
/// - every entry gets the same fixed DOS time and no extra fields, so equal inputs give
///   equal bytes.
struct ODTPackageWriter {
    enum Entry {
        case copy(index: Int, name: String)
        case bytes(name: String, data: [UInt8], compression: EntryCompression)
    }

    /// Every entry's time: 2026-01-01 00:00:00 local time, i.e. the same DOS date and time
    /// fields on every machine (libzip writes DOS time through localtime_r). Computed once:
    /// `zip_file_set_dostime` would call mktime(), which re-reads /etc/localtime and takes
    /// the time-zone lock on every call — measured as the main cost on 2 threads.
    static let fixedTime: time_t = {
        var tm = tm()
        tm.tm_year = 2026 - 1900
        tm.tm_mon = 0
        tm.tm_mday = 1
        tm.tm_isdst = -1
        return mktime(&tm)
    }()

    static func write(template: StableBytes?, entries: [Entry]) throws -> [UInt8] {
        try write(reader: template.map { try ZipReader(bytes: $0) }, entries: entries)
    }

    static func write(reader: ZipReader?, entries: [Entry]) throws -> [UInt8] {
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let out = zip_source_buffer_create(nil, 0, 0, &err) else {
            throw TemplateError.package(String(cString: zip_error_strerror(&err)))
        }
        zip_source_keep(out)
        defer { zip_source_free(out) }
        guard let za = zip_open_from_source(out, ZIP_TRUNCATE, &err) else {
            throw TemplateError.package(String(cString: zip_error_strerror(&err)))
        }
        var closed = false
        defer { if !closed { zip_discard(za) } }

        func fail(_ what: String) -> TemplateError {
            TemplateError.package("\(what): \(String(cString: zip_strerror(za)))")
        }

        for entry in entries {
            let source: OpaquePointer?
            let name: String
            var compression: EntryCompression? = nil
            switch entry {
            case .copy(let index, let n):
                name = n
                // Keep the template's method so libzip copies the compressed bytes as they are.
                var st = zip_stat_t()
                zip_stat_init(&st)
                if let reader, zip_stat_index(reader.archive, zip_uint64_t(index), 0, &st) == 0 {
                    compression = st.comp_method == ZIP_CM_STORE ? .store : .keep
                }
                guard let reader else { throw TemplateError.package("no template archive to copy \(n) from") }
                source = zip_source_zip(za, reader.archive, zip_uint64_t(index), zip_flags_t(ZIP_FL_COMPRESSED), 0, -1)
            case .bytes(let n, let data, let c):
                name = n
                compression = c
                // libzip frees the copy with free() once the archive is written.
                let copy = malloc(max(data.count, 1))!
                data.withUnsafeBytes {
                    if data.count > 0 { copy.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
                }
                source = zip_source_buffer(za, copy, zip_uint64_t(data.count), 1)
                if source == nil { free(copy) }
            }
            guard let source else { throw fail("cannot create source for \(name)") }
            let idx = zip_file_add(za, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
            guard idx >= 0 else {
                zip_source_free(source)
                throw fail("cannot add \(name)")
            }
            let i = zip_uint64_t(idx)
            if let compression {
                switch compression {
                case .store:
                    zip_set_file_compression(za, i, ZIP_CM_STORE, 0)
                case .keep:
                    break
                case .deflate(let level):
                    zip_set_file_compression(za, i, ZIP_CM_DEFLATE, zip_uint32_t(level))
                }
            }
            guard zip_file_set_mtime(za, i, fixedTime, 0) == 0 else { throw fail("cannot set time of \(name)") }
            zip_file_extra_field_delete(za, i, UInt16.max, zip_flags_t(ZIP_FL_LOCAL | ZIP_FL_CENTRAL))
        }
        closed = true
        guard zip_close(za) == 0 else {
            let message = String(cString: zip_strerror(za))
            zip_discard(za)
            throw TemplateError.package("cannot write package: \(message)")
        }
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_source_stat(out, &st) == 0, zip_source_open(out) == 0 else {
            throw TemplateError.package("cannot read the written package")
        }
        defer { zip_source_close(out) }
        let size = Int(st.size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes {
                zip_source_read(out, $0.baseAddress! + got, zip_uint64_t(size - got))
            }
            guard n > 0 else { throw TemplateError.package("short read of the written package") }
            got += Int(n)
        }
        return bytes
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
