import CLibZip
import Foundation

/// What went wrong reading or writing a zip; the callers' own errors carry the message.
public struct ZipError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Immutable bytes at a stable address: libzip reads an archive from them, possibly on every
/// render and from any thread. Allocated once, freed in deinit.
public final class ZipBytes: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    public let count: Int

    public init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        bytes.withUnsafeBytes { if count > 0 { pointer.copyMemory(from: $0.baseAddress!, byteCount: count) } }
    }

    deinit { pointer.deallocate() }
}

/// A zip archive opened read-only from memory with libzip (consistency-checked); discarded in
/// deinit. Nothing is ever extracted to a path: entries are read into memory by index.
///
/// Not thread-safe (libzip's archive is not): give each thread its own reader of the same
/// `ZipBytes`.
public final class ZipReader {
    let archive: OpaquePointer
    /// Kept alive while libzip reads from it.
    public let bytes: ZipBytes

    /// - Throws: `ZipError` when the bytes are not a readable zip archive.
    public init(bytes: ZipBytes) throws(ZipError) {
        self.bytes = bytes
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let src = zip_source_buffer_create(bytes.pointer, zip_uint64_t(bytes.count), 0, &err) else {
            throw ZipError(String(cString: zip_error_strerror(&err)))
        }
        guard let za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) else {
            zip_source_free(src)
            throw ZipError("not a readable zip archive: " + String(cString: zip_error_strerror(&err)))
        }
        archive = za
    }

    public convenience init(bytes: [UInt8]) throws(ZipError) { try self.init(bytes: ZipBytes(bytes)) }

    deinit { zip_discard(archive) }

    /// The number of entries.
    public var count: Int { Int(zip_get_num_entries(archive, 0)) }

    /// The name of entry `i`, its bytes as stored read as UTF-8 (invalid sequences become
    /// U+FFFD). Never libzip's CP437 guess: that would turn a control character such as 0x01
    /// into a printable one (☺) and hide it from the safety checks.
    public func name(_ i: Int) -> String {
        guard let n = zip_get_name(archive, zip_uint64_t(i), ZIP_FL_ENC_RAW) else { return "" }
        return String(cString: n)
    }

    /// Every entry's name, in the archive's order.
    public var names: [String] { (0..<count).map(name) }

    /// The uncompressed size of entry `i` as the central directory gives it.
    public func size(_ i: Int) throws(ZipError) -> Int {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 else {
            throw ZipError("cannot stat \(name(i)): " + String(cString: zip_strerror(archive)))
        }
        return Int(st.size)
    }

    /// Whether entry `i` is stored without compression.
    public func isStored(_ i: Int) -> Bool {
        var st = zip_stat_t()
        zip_stat_init(&st)
        return zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 && st.comp_method == ZIP_CM_STORE
    }

    /// The uncompressed bytes of entry `i` (CRC checked by libzip at the end of the entry).
    /// - Throws: `ZipError` when the entry is larger than `limit` or cannot be read.
    public func read(_ i: Int, limit: Int = 1 << 30) throws(ZipError) -> [UInt8] {
        let size = try size(i)
        guard size <= limit else { throw ZipError("entry \(name(i)) is too large") }
        guard let f = zip_fopen_index(archive, zip_uint64_t(i), 0) else {
            throw ZipError("cannot open \(name(i)): " + String(cString: zip_strerror(archive)))
        }
        defer { zip_fclose(f) }
        var out = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = out.withUnsafeMutableBytes { zip_fread(f, $0.baseAddress! + got, zip_uint64_t(size - got)) }
            guard n > 0 else { throw ZipError("cannot read \(name(i)) (corrupt entry)") }
            got += Int(n)
        }
        return out
    }
}
