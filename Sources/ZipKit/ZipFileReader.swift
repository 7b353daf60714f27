import CLibZip
import Foundation

/// A zip archive read from a file, entry by entry in chunks: nothing is read whole into
/// memory, so a checker can hash an entry while reading it and stop at a budget (a zip bomb
/// — a few megabytes expanding to gigabytes — costs one chunk of memory, not its size).
/// libzip reads the central directory when opened (consistency-checked) and the entries on
/// demand; nothing is ever extracted to a path.
///
/// Not thread-safe (libzip's archive is not): open one reader per thread.
///
/// ```swift
/// let zip = try ZipFileReader(path: "decision-2026-12.zip")
/// var hasher = SHA256()
/// try zip.stream(0, limit: 1 << 30) { chunk in hasher.update(bufferPointer: chunk) }
/// ```
public final class ZipFileReader {
    let archive: OpaquePointer
    public let path: String

    /// - Throws: `ZipError` when the file cannot be opened or is not a readable zip archive.
    public init(path: String) throws(ZipError) {
        self.path = path
        var code: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            var err = zip_error_t()
            zip_error_init_with_code(&err, code)
            defer { zip_error_fini(&err) }
            throw ZipError("not a readable zip archive: " + String(cString: zip_error_strerror(&err)))
        }
        archive = za
    }

    deinit { zip_discard(archive) }

    /// The number of entries.
    public var count: Int { Int(zip_get_num_entries(archive, 0)) }

    /// The name of entry `i`, its bytes as stored read as UTF-8 (see `ZipReader.name`).
    public func name(_ i: Int) -> String {
        guard let n = zip_get_name(archive, zip_uint64_t(i), ZIP_FL_ENC_RAW) else { return "" }
        return String(cString: n)
    }

    /// The sizes the central directory declares for entry `i` (uncompressed, compressed).
    /// Declared only: `stream` counts what it really inflates.
    public func sizes(_ i: Int) throws(ZipError) -> (size: Int, compressedSize: Int) {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 else {
            throw ZipError("cannot stat \(name(i)): " + String(cString: zip_strerror(archive)))
        }
        return (Int(clamping: st.size), Int(clamping: st.comp_size))
    }

    /// Why `stream` stopped before the end of an entry.
    public enum StreamEnd: Sendable, Equatable {
        /// The whole entry was read (CRC checked by libzip at its end).
        case complete(bytes: Int)
        /// More than `limit` bytes came out: reading stopped there.
        case overLimit(bytes: Int)
    }

    /// Reads entry `i` in chunks of at most `chunkSize` bytes, handing each to `body`, and
    /// stops once more than `limit` bytes have come out (whatever the entry declares).
    /// - Throws: `ZipError` when the entry cannot be opened or is corrupt (a bad CRC or
    ///   compressed data that does not inflate), or what `body` throws.
    public func stream(
        _ i: Int, limit: Int, chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> StreamEnd {
        guard let f = zip_fopen_index(archive, zip_uint64_t(i), 0) else {
            throw ZipError("cannot open \(name(i)): " + String(cString: zip_strerror(archive)))
        }
        defer { zip_fclose(f) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1), alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = zip_fread(f, buffer.baseAddress!, zip_uint64_t(buffer.count))
            if n < 0 {
                throw ZipError("cannot read \(name(i)) (corrupt entry): " + String(cString: zip_file_strerror(f)))
            }
            if n == 0 { return .complete(bytes: total) }
            total += Int(n)
            if total > limit { return .overLimit(bytes: total) }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(n)]))
        }
    }
}
