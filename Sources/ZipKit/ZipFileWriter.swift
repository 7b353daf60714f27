import CLibZip
import Foundation

/// Writes a zip archive to a file with libzip, its entries streamed from files on disk: libzip
/// reads each file in chunks while it writes the archive, so neither an entry nor the archive
/// is ever whole in memory. Deterministic like `ZipWriter` (the same entries in the same order
/// give the same bytes): one date and time on every entry, no extra fields, optional Unix mode.
///
/// libzip writes into a temporary file beside `path` (`<path>.XXXXXX`) and renames it onto
/// `path` in `finish`; a caller that must leave nothing behind when killed puts `path` inside a
/// staging folder of its own.
///
/// ```swift
/// let zip = try ZipFileWriter(path: "staging/decision-2026-12.zip", time: ZipWriter.time(year: 2026, month: 1, day: 1))
/// try zip.addFile("decision-2026-12/bagit.txt", from: "staging/decision-2026-12/bagit.txt", compression: .deflate(level: 6))
/// try zip.finish()
/// ```
///
/// Not thread-safe (libzip's archive is not).
public final class ZipFileWriter {
    public let path: String
    public let time: time_t
    public let unixMode: UInt32?
    let archive: OpaquePointer
    var closed = false

    /// Opens `path` for writing (an existing file there is replaced when `finish` succeeds).
    public init(path: String, time: time_t, unixMode: UInt32? = nil) throws(ZipError) {
        var code: Int32 = 0
        guard let za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
            var err = zip_error_t()
            zip_error_init_with_code(&err, code)
            defer { zip_error_fini(&err) }
            throw ZipError("cannot create \(path): " + String(cString: zip_error_strerror(&err)))
        }
        self.path = path
        self.time = time
        self.unixMode = unixMode
        archive = za
    }

    deinit { if !closed { zip_discard(archive) } }

    func fail(_ what: String) -> ZipError { ZipError("\(what): \(String(cString: zip_strerror(archive)))") }

    /// Adds the file at `file` as entry `name`. libzip opens and reads it (in chunks) only in
    /// `finish`, so it must still be there then.
    public func addFile(_ name: String, from file: String, compression: ZipWriter.Compression) throws(ZipError) {
        guard let source = zip_source_file(archive, file, 0, -1) else { throw fail("cannot add \(name) from \(file)") }
        try add(name, source: source, compression: compression)
    }

    /// Adds an entry with the given bytes (small ones: they are kept until `finish`).
    public func add(_ name: String, bytes: [UInt8], compression: ZipWriter.Compression) throws(ZipError) {
        let source: OpaquePointer?
        if bytes.isEmpty {
            source = zip_source_buffer(archive, nil, 0, 0)
        } else {
            let copy = malloc(bytes.count)!
            bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            source = zip_source_buffer(archive, copy, zip_uint64_t(bytes.count), 1)
            if source == nil { free(copy) }
        }
        guard let source else { throw fail("cannot add \(name)") }
        try add(name, source: source, compression: compression)
    }

    func add(_ name: String, source: OpaquePointer, compression: ZipWriter.Compression) throws(ZipError) {
        let idx = zip_file_add(archive, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard idx >= 0 else {
            zip_source_free(source)
            throw fail("cannot add \(name)")
        }
        let i = zip_uint64_t(idx)
        switch compression {
        case .store: zip_set_file_compression(archive, i, ZIP_CM_STORE, 0)
        case .deflate(let level): zip_set_file_compression(archive, i, ZIP_CM_DEFLATE, zip_uint32_t(level))
        case .keep: break
        }
        guard zip_file_set_mtime(archive, i, time, 0) == 0 else { throw fail("cannot set the time of \(name)") }
        zip_file_extra_field_delete(archive, i, UInt16.max, zip_flags_t(ZIP_FL_LOCAL | ZIP_FL_CENTRAL))
        if let unixMode {
            zip_file_set_external_attributes(
                archive, i, 0, UInt8(ZIP_OPSYS_UNIX), (zip_uint32_t(0o100000) | zip_uint32_t(unixMode)) << 16)
        }
    }

    /// Writes the archive (reading every file added) and renames it onto `path`.
    public func finish() throws(ZipError) {
        closed = true
        guard zip_close(archive) == 0 else {
            let message = String(cString: zip_strerror(archive))
            zip_discard(archive)
            throw ZipError("cannot write \(path): \(message)")
        }
    }
}
