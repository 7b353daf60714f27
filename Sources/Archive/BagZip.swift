import Domain
import Foundation
import ZipKit

/// Zip files of packages for transfer, through `ZipKit` (the one libzip wrapper).
///
/// Writing is deterministic: entries in path order under one top folder (`<name>/`), deflate
/// level 6, one DOS date (the bagging date, 00:00) on every entry, Unix permissions 0644, no
/// extra fields. Reading happens in memory: no entry is ever extracted to a path taken from
/// the archive, and entries with absolute paths, `..` or other unsafe names are refused.
public enum BagZip {
    /// Writes `bag` as a zip file at `path`.
    public static func write(_ bag: BagPackage, date: Day, to path: String) throws(ArchiveError) {
        let bytes = try archive(bag, date: date)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    /// Writes the zip of a package staged as a folder (`BagStreamWriter`): the files `paths`
    /// (inside the bag, in this order) under the one top folder `name/`, each streamed from the
    /// folder by libzip — the same bytes as `write(_:date:to:)` of the same package, never whole
    /// in memory. libzip's temporary file lies beside `path`.
    public static func write(
        folder: URL, paths: [String], name: String, date: Day, to path: String
    ) throws(ArchiveError) {
        let c = date.components
        do {
            let zip = try ZipFileWriter(
                path: path, time: ZipWriter.time(year: c.year, month: c.month, day: c.day), unixMode: 0o644)
            for p in paths {
                let entry = "\(name)/\(p)"
                try SafePath.check(entry)
                try zip.addFile(entry, from: try SafePath.join(folder, p).path, compression: .deflate(level: 6))
            }
            try zip.finish()
        } catch let error as ArchiveError {
            throw error
        } catch let error as ZipError {
            throw .zip(error.message)
        } catch {
            throw .zip("\(error)")
        }
    }

    /// The zip bytes of `bag`.
    public static func archive(_ bag: BagPackage, date: Day) throws(ArchiveError) -> [UInt8] {
        let c = date.components
        var zip = ZipWriter(time: ZipWriter.time(year: c.year, month: c.month, day: c.day), unixMode: 0o644)
        for path in bag.sortedPaths {
            let name = "\(bag.name)/\(path)"
            try SafePath.check(name)
            zip.add(name, bytes: bag.files[path]!, compression: .deflate(level: 6))
        }
        do { return try zip.finish() } catch { throw .zip(error.message) }
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
        let reader: ZipReader
        do { reader = try ZipReader(bytes: bytes) } catch { throw .zip(error.message) }
        var files: [String: [UInt8]] = [:]
        var refused: [(name: String, reason: String)] = []
        for index in 0..<reader.count {
            let name = reader.name(index)
            if name.hasSuffix("/") {  // a directory entry: check it, read nothing
                if let reason = SafePath.problem(String(name.dropLast())) ?? ZipEntryName.problem(name) {
                    refused.append((name, reason))
                }
                continue
            }
            if let reason = SafePath.problem(name) ?? ZipEntryName.problem(name) {
                refused.append((name, reason))
                continue
            }
            let out: [UInt8]
            do {
                guard try reader.size(index) <= maximumEntrySize else {
                    refused.append((name, "entry larger than \(maximumEntrySize) bytes"))
                    continue
                }
                out = try reader.read(index, limit: maximumEntrySize)
            } catch { throw .zip(error.message) }
            if files[name] != nil {
                refused.append((name, "duplicate entry"))
                continue
            }
            files[name] = out
        }
        return (files, refused)
    }
}
