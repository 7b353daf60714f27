import CLibZip
import Foundation

/// Writes a zip archive into memory with libzip, deterministically: equal entries give equal
/// bytes. Every entry gets the writer's one date and time, no extra fields and, when asked,
/// the same Unix permissions; entries are written in the order given.
///
/// ```swift
/// var zip = ZipWriter(time: ZipWriter.time(year: 2026, month: 1, day: 1))
/// zip.add("mimetype", bytes: mimetype, compression: .store)
/// zip.add("content.xml", bytes: xml, compression: .deflate(level: 6))
/// let bytes = try zip.finish()
/// ```
///
/// One writer makes both the ODT packages of `Documents` and the bag zips of `Archive`.
public struct ZipWriter {
    /// How an entry is stored.
    public enum Compression: Sendable, Equatable {
        case store
        /// Copied entries only: keep the compressed bytes of the source entry as they are.
        case keep
        case deflate(level: Int)
    }

    enum Source {
        case copy(reader: ZipReader, index: Int)
        case bytes([UInt8])
    }

    struct Entry {
        var name: String
        var source: Source
        var compression: Compression?
    }

    /// The entries' modification time as a `time_t` in local time (libzip turns it into the DOS
    /// date and time fields through `localtime_r`).
    public let time: time_t
    /// Unix permission bits written into every entry's external attributes (as a regular
    /// file), or nil for libzip's default.
    public let unixMode: UInt32?
    var entries: [Entry] = []

    public init(time: time_t, unixMode: UInt32? = nil) {
        self.time = time
        self.unixMode = unixMode
    }

    /// Local midnight (or the given time) of a calendar day, the same DOS fields on every
    /// machine. Compute it once per archive or once per process: `mktime` re-reads
    /// /etc/localtime and takes the time-zone lock (per entry it was the main cost of
    /// rendering on two threads).
    public static func time(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) -> time_t {
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_isdst = -1
        return mktime(&tm)
    }

    /// Adds an entry with the given bytes.
    public mutating func add(_ name: String, bytes: [UInt8], compression: Compression) {
        entries.append(Entry(name: name, source: .bytes(bytes), compression: compression))
    }

    /// Adds entry `index` of `reader` under `name`, copying its compressed bytes as they are
    /// (no inflate, no deflate).
    public mutating func copy(_ name: String, from reader: ZipReader, index: Int) {
        entries.append(
            Entry(
                name: name, source: .copy(reader: reader, index: index),
                compression: reader.isStored(index) ? .store : .keep))
    }

    /// The archive's bytes.
    public func finish() throws(ZipError) -> [UInt8] {
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let out = zip_source_buffer_create(nil, 0, 0, &err) else {
            throw ZipError(String(cString: zip_error_strerror(&err)))
        }
        zip_source_keep(out)
        defer { zip_source_free(out) }
        guard let za = zip_open_from_source(out, ZIP_TRUNCATE, &err) else {
            throw ZipError(String(cString: zip_error_strerror(&err)))
        }
        var closed = false
        defer { if !closed { zip_discard(za) } }

        func fail(_ what: String) -> ZipError { ZipError("\(what): \(String(cString: zip_strerror(za)))") }

        for entry in entries {
            let source: OpaquePointer?
            switch entry.source {
            case .copy(let reader, let index):
                source = zip_source_zip(za, reader.archive, zip_uint64_t(index), zip_flags_t(ZIP_FL_COMPRESSED), 0, -1)
            case .bytes(let data) where data.isEmpty:
                // No buffer: libzip does not take (nor free) one of length 0 — the 1-byte copy
                // made before leaked for every empty entry (LeakSanitizer, the odt fuzz target).
                source = zip_source_buffer(za, nil, 0, 0)
            case .bytes(let data):
                // libzip frees the copy with free() once the archive is written.
                let copy = malloc(data.count)!
                data.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
                source = zip_source_buffer(za, copy, zip_uint64_t(data.count), 1)
                if source == nil { free(copy) }
            }
            guard let source else { throw fail("cannot add \(entry.name)") }
            let idx = zip_file_add(za, entry.name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
            guard idx >= 0 else {
                zip_source_free(source)
                throw fail("cannot add \(entry.name)")
            }
            let i = zip_uint64_t(idx)
            switch entry.compression {
            case .store?: zip_set_file_compression(za, i, ZIP_CM_STORE, 0)
            case .deflate(let level)?: zip_set_file_compression(za, i, ZIP_CM_DEFLATE, zip_uint32_t(level))
            case .keep?, nil: break
            }
            guard zip_file_set_mtime(za, i, time, 0) == 0 else { throw fail("cannot set the time of \(entry.name)") }
            zip_file_extra_field_delete(za, i, UInt16.max, zip_flags_t(ZIP_FL_LOCAL | ZIP_FL_CENTRAL))
            if let unixMode {
                zip_file_set_external_attributes(
                    za, i, 0, UInt8(ZIP_OPSYS_UNIX), (zip_uint32_t(0o100000) | zip_uint32_t(unixMode)) << 16)
            }
        }
        closed = true
        guard zip_close(za) == 0 else {
            let message = String(cString: zip_strerror(za))
            zip_discard(za)
            throw ZipError("cannot write: \(message)")
        }
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_source_stat(out, &st) == 0, zip_source_open(out) == 0 else {
            throw ZipError("cannot read the written archive")
        }
        defer { zip_source_close(out) }
        let size = Int(st.size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes {
                zip_source_read(out, $0.baseAddress! + got, zip_uint64_t(size - got))
            }
            guard n > 0 else { throw ZipError("short read of the written archive") }
            got += Int(n)
        }
        return bytes
    }
}
