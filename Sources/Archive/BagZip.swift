import CLibZip
import Domain
import Foundation

/// Zip files of packages for transfer, with libzip.
///
/// Writing is deterministic: entries in path order under one top folder (`<name>/`), deflate
/// level 6, one DOS date (the bagging date, 00:00) on every entry, no extra fields. Reading
/// happens in memory: no entry is ever extracted to a path taken from the archive, and entries
/// with absolute paths, `..` or other unsafe names are refused.
public enum BagZip {
    /// Writes `bag` as a zip file at `path`.
    public static func write(_ bag: BagPackage, date: Day, to path: String) throws(ArchiveError) {
        let bytes = try archive(bag, date: date)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    /// The zip bytes of `bag`.
    public static func archive(_ bag: BagPackage, date: Day) throws(ArchiveError) -> [UInt8] {
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let out = zip_source_buffer_create(nil, 0, 0, &err) else {
            throw .zip(String(cString: zip_error_strerror(&err)))
        }
        zip_source_keep(out)
        defer { zip_source_free(out) }
        guard let za = zip_open_from_source(out, ZIP_TRUNCATE, &err) else {
            throw .zip(String(cString: zip_error_strerror(&err)))
        }
        var closed = false
        defer { if !closed { zip_discard(za) } }
        let c = date.components
        let dosDate = UInt16(((c.year - 1980) << 9) | (c.month << 5) | c.day)
        for path in bag.sortedPaths {
            let name = "\(bag.name)/\(path)"
            try SafePath.check(name)
            let data = bag.files[path]!
            let copy = malloc(max(data.count, 1))!
            data.withUnsafeBytes { if data.count > 0 { copy.copyMemory(from: $0.baseAddress!, byteCount: data.count) } }
            guard let source = zip_source_buffer(za, copy, zip_uint64_t(data.count), 1) else {
                free(copy)
                throw .zip("cannot add \(name): \(String(cString: zip_strerror(za)))")
            }
            let idx = zip_file_add(za, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
            guard idx >= 0 else {
                zip_source_free(source)
                throw .zip("cannot add \(name): \(String(cString: zip_strerror(za)))")
            }
            let i = zip_uint64_t(idx)
            zip_set_file_compression(za, i, ZIP_CM_DEFLATE, 6)
            guard zip_file_set_dostime(za, i, 0, dosDate, 0) == 0 else {
                throw .zip("cannot set the date of \(name)")
            }
            zip_file_extra_field_delete(za, i, UInt16.max, zip_flags_t(ZIP_FL_LOCAL | ZIP_FL_CENTRAL))
            // Unix permissions 0644 on every entry, whatever the umask.
            zip_file_set_external_attributes(za, i, 0, UInt8(ZIP_OPSYS_UNIX), zip_uint32_t(0o100644) << 16)
        }
        closed = true
        guard zip_close(za) == 0 else {
            let message = String(cString: zip_strerror(za))
            zip_discard(za)
            throw .zip("cannot write: \(message)")
        }
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_source_stat(out, &st) == 0, zip_source_open(out) == 0 else {
            throw .zip("cannot read the written archive")
        }
        defer { zip_source_close(out) }
        let size = Int(st.size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes {
                zip_source_read(out, $0.baseAddress! + got, zip_uint64_t(size - got))
            }
            guard n > 0 else { throw .zip("short read of the written archive") }
            got += Int(n)
        }
        return bytes
    }

    /// The largest entry read into memory (a guard against zip bombs).
    public static let maximumEntrySize = 1 << 30

    /// Reads every entry of a zip into memory. Unsafe entry names are not read; they are
    /// returned in `refused` with the reason.
    public static func read(
        path: String
    ) throws(ArchiveError) -> (
        files: [String: [UInt8]], refused: [(name: String, reason: String)]
    ) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .io(path: path, reason: "\(error)")
        }
        return try read(bytes: Array(data))
    }

    public static func read(
        bytes: [UInt8]
    ) throws(ArchiveError) -> (
        files: [String: [UInt8]], refused: [(name: String, reason: String)]
    ) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        defer { buffer.deallocate() }
        bytes.withUnsafeBytes {
            if bytes.count > 0 { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        }
        var err = zip_error_t()
        zip_error_init(&err)
        defer { zip_error_fini(&err) }
        guard let src = zip_source_buffer_create(buffer, zip_uint64_t(bytes.count), 0, &err) else {
            throw .zip(String(cString: zip_error_strerror(&err)))
        }
        guard let za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) else {
            zip_source_free(src)
            throw .zip("not a readable zip archive: " + String(cString: zip_error_strerror(&err)))
        }
        defer { zip_discard(za) }
        var files: [String: [UInt8]] = [:]
        var refused: [(name: String, reason: String)] = []
        for index in 0..<Int(zip_get_num_entries(za, 0)) {
            let i = zip_uint64_t(index)
            guard let cName = zip_get_name(za, i, 0) else { continue }
            let name = String(cString: cName)
            if name.hasSuffix("/") {  // a directory entry: check it, read nothing
                if let reason = SafePath.problem(String(name.dropLast())) { refused.append((name, reason)) }
                continue
            }
            if let reason = SafePath.problem(name) {
                refused.append((name, reason))
                continue
            }
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(za, i, 0, &st) == 0 else { throw .zip("cannot stat \(name)") }
            let size = Int(st.size)
            guard size <= maximumEntrySize else {
                refused.append((name, "entry larger than \(maximumEntrySize) bytes"))
                continue
            }
            guard let f = zip_fopen_index(za, i, 0) else {
                throw .zip("cannot open \(name): " + String(cString: zip_strerror(za)))
            }
            defer { zip_fclose(f) }
            var out = [UInt8](repeating: 0, count: size)
            var got = 0
            while got < size {
                let n = out.withUnsafeMutableBytes { zip_fread(f, $0.baseAddress! + got, zip_uint64_t(size - got)) }
                guard n > 0 else { throw .zip("cannot read \(name) (corrupt entry)") }
                got += Int(n)
            }
            if files[name] != nil {
                refused.append((name, "duplicate entry"))
                continue
            }
            files[name] = out
        }
        return (files, refused)
    }
}
