import Crypto
import Documents
import Domain
import Foundation
import ZipKit

/// What verifying one package may cost. A package's own claims are trusted for its size only
/// once its signature verifies under the office's keyring: then its signed `Payload-Oxum`
/// (plus a little, so added or grown files are still named) bounds what is read; before that,
/// or without one, `maxPayloadBytes` does. Files are hashed while read, in chunks, so memory
/// stays at a few chunks whatever a file's size — a 3 GB sparse file or a zip bomb stops at
/// the budget, with a Chinese failure, before anything large is read.
public struct VerificationBudget: Sendable, Equatable {
    /// Payload bytes read in all when the package's size is not vouched for by a valid signature.
    public var maxPayloadBytes: Int
    /// Bytes read beyond the signed `Payload-Oxum` before reading stops.
    public var signedSlackBytes: Int
    /// For a zip: the most uncompressed bytes its entries may declare per byte of the zip file
    /// (checked before anything is inflated; a zip bomb declares thousands).
    public var maxCompressionRatio: Int
    /// Below this many declared bytes a zip's ratio is not checked (a small file of zeros).
    public var ratioFloorBytes: Int
    /// Entries (files and folders) in a package.
    public var maxEntries: Int
    /// Each tag file (`bagit.txt`, `bag-info.txt`, the manifests, the signature) and each JSON
    /// file the database check reads (`heads.json`, `events.json`).
    public var maxTagFileBytes: Int
    /// Each tag file only hashed or read record by record (`metadata.xml`, which grows ≈ 10 KB
    /// an application: ≈ 180 MB for a city's confirmation of 18,000).
    public var maxStreamedTagFileBytes: Int
    /// Bytes per read.
    public var chunkBytes: Int

    public init(
        maxPayloadBytes: Int = 2 << 30, signedSlackBytes: Int = 64 << 20, maxCompressionRatio: Int = 100,
        ratioFloorBytes: Int = 16 << 20, maxEntries: Int = 2_000_000, maxTagFileBytes: Int = 64 << 20,
        maxStreamedTagFileBytes: Int = 2 << 30, chunkBytes: Int = 1 << 20
    ) {
        self.maxStreamedTagFileBytes = maxStreamedTagFileBytes
        self.maxPayloadBytes = maxPayloadBytes
        self.signedSlackBytes = signedSlackBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioFloorBytes = ratioFloorBytes
        self.maxEntries = maxEntries
        self.maxTagFileBytes = maxTagFileBytes
        self.chunkBytes = chunkBytes
    }

    /// 2 GiB of payload unless signed for more, compression at most 100:1, 2,000,000 entries,
    /// tag files read whole up to 64 MiB and streamed ones up to 2 GiB, 1 MiB chunks. The entries are listed before the signature is
    /// checked; a confirmation under one 文号 of a 20,000-application season holds over 200,000
    /// files (ten or so per application), so the limit is set for a season of 100,000 and more.
    public static let standard = VerificationBudget()
}

/// A package's files where they lie — a folder, a zip file or bytes in memory — listed with
/// their sizes and read in chunks. Paths are inside the bag (`data/…`, `bagit.txt`); a zip's
/// one top folder is stripped. Unsafe names, links and devices are refused while listing and
/// never read.
final class BagContainer: @unchecked Sendable {
    enum Storage {
        case folder(URL)
        case zip(path: String)
        case memory([String: [UInt8]])
    }

    struct Entry {
        /// The declared size: `stat` for a folder, the central directory for a zip.
        var size: Int
        /// For a zip: the entry's index and compressed size.
        var zipIndex: Int = -1
        var compressedSize: Int = 0
    }

    let storage: Storage
    /// The package's name: its folder's name, or its zip's name without `.zip`.
    let name: String?
    /// A zip's one top folder (stripped from every path), if it has one.
    private(set) var topFolder: String?
    private(set) var entries: [String: Entry] = [:]
    /// Problems met while listing (unsafe names, links, unreadable folders, a zip that does not open).
    private(set) var problems: [BagProblem] = []
    /// The zip file's size on disk (0 for a folder).
    private(set) var fileBytes = 0
    /// The reader the listing used, for sequential reads on this thread.
    private var zipReader: ZipFileReader?
    private var zipNames: [String: Int] = [:]

    private init(storage: Storage, name: String?) {
        self.storage = storage
        self.name = name
    }

    /// Lists a folder or a zip. Never fails: what cannot be read is in `problems`.
    static func open(path: String, budget: VerificationBudget) -> BagContainer {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var st = stat()
        guard stat(url.path, &st) == 0 else {
            let c = BagContainer(storage: .memory([:]), name: nil)
            c.problems.append(.init(.unreadable, path: nil, "\(path) does not exist"))
            return c
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            let c = BagContainer(storage: .folder(url), name: url.lastPathComponent)
            c.listFolder(url, budget: budget)
            return c
        }
        var name = url.lastPathComponent
        if name.lowercased().hasSuffix(".zip") { name = String(name.dropLast(4)) }
        let c = BagContainer(storage: .zip(path: url.path), name: name)
        c.fileBytes = Int(st.st_size)
        c.listZip(url.path, budget: budget)
        return c
    }

    /// Files already in memory (path inside the bag → bytes), e.g. a fuzzer's input.
    static func memory(_ files: [String: [UInt8]], name: String?) -> BagContainer {
        let c = BagContainer(storage: .memory(files), name: name)
        for (path, bytes) in files { c.entries[path] = Entry(size: bytes.count) }
        return c
    }

    // MARK: - listing

    private func listFolder(_ root: URL, budget: VerificationBudget) {
        var stack = [""]
        let fm = FileManager.default
        var seen = 0
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? root : root.appendingPathComponent(rel)
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: dir.path) } catch {
                problems.append(.init(.unreadable, path: rel, "\(error)"))
                continue
            }
            for name in names {
                seen += 1
                if seen > budget.maxEntries {
                    problems.append(
                        .init(
                            .budget, path: nil, "more than \(budget.maxEntries) entries: listing stopped",
                            zh: "文件超过 \(budget.maxEntries) 个"))
                    return
                }
                let child = rel.isEmpty ? name : "\(rel)/\(name)"
                var st = stat()
                guard lstat(root.appendingPathComponent(child).path, &st) == 0 else {
                    problems.append(.init(.unreadable, path: child, "cannot stat"))
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: stack.append(child)
                case S_IFREG: entries[child] = Entry(size: Int(st.st_size))
                default:
                    problems.append(.init(.unsafePath, path: child, "not a regular file (symbolic link or device)"))
                }
            }
        }
    }

    private func listZip(_ path: String, budget: VerificationBudget) {
        // libzip reads the central directory into memory: bound the file it comes from.
        guard fileBytes <= budget.maxPayloadBytes + budget.maxTagFileBytes else {
            problems.append(
                .init(
                    .budget, path: nil,
                    "the zip file is \(fileBytes) bytes, more than the budget of \(budget.maxPayloadBytes + budget.maxTagFileBytes)",
                    zh: "压缩包文件 \(fileBytes) 字节，超过校验限额 \(budget.maxPayloadBytes + budget.maxTagFileBytes) 字节"))
            return
        }
        let reader: ZipFileReader
        do { reader = try ZipFileReader(path: path) } catch {
            problems.append(.init(.unreadable, path: nil, error.message))
            return
        }
        zipReader = reader
        let count = reader.count
        guard count <= budget.maxEntries else {
            problems.append(
                .init(
                    .budget, path: nil, "\(count) entries, more than \(budget.maxEntries)",
                    zh: "压缩包有 \(count) 个条目，超过 \(budget.maxEntries) 个"))
            return
        }
        var raw: [(name: String, entry: Entry)] = []
        var names: Set<String> = []
        var declared = 0
        for index in 0..<count {
            let name = reader.name(index)
            if name.hasSuffix("/") {  // a directory entry: check it, read nothing
                if let reason = SafePath.problem(String(name.dropLast())) ?? ZipEntryName.problem(name) {
                    problems.append(.init(.unsafePath, path: name, reason))
                }
                continue
            }
            if let reason = SafePath.problem(name) ?? ZipEntryName.problem(name) {
                problems.append(.init(.unsafePath, path: name, reason))
                continue
            }
            guard let sizes = try? reader.sizes(index) else {
                problems.append(.init(.unreadable, path: name, "cannot stat the entry"))
                continue
            }
            guard names.insert(name).inserted else {
                problems.append(.init(.unsafePath, path: name, "duplicate entry"))
                continue
            }
            declared += sizes.size
            raw.append((name, Entry(size: sizes.size, zipIndex: index, compressedSize: sizes.compressedSize)))
        }
        // A zip bomb declares far more than its file could honestly hold: refuse before inflating.
        if declared > budget.ratioFloorBytes, declared / max(fileBytes, 1) > budget.maxCompressionRatio {
            problems.append(
                .init(
                    .budget, path: nil,
                    "entries declare \(declared) bytes in a \(fileBytes)-byte zip (more than \(budget.maxCompressionRatio):1)",
                    zh: "\(fileBytes) 字节的压缩包声明解压后共 \(declared) 字节，压缩比超过 \(budget.maxCompressionRatio):1，未解压"))
            return
        }
        // Strip the one top folder when every entry is inside it and it holds bagit.txt.
        let tops = Set(raw.map { String($0.name.split(separator: "/", maxSplits: 1)[0]) })
        if tops.count == 1, let top = tops.first, raw.contains(where: { $0.name == "\(top)/\(BagLayout.declaration)" })
        {
            topFolder = top
            for r in raw { entries[String(r.name.dropFirst(top.count + 1))] = r.entry }
        } else {
            for r in raw { entries[r.name] = r.entry }
            if entries[BagLayout.declaration] == nil {
                problems.append(
                    .init(.notABag, path: nil, "the zip holds no bagit.txt at its top or in one top folder"))
            }
        }
        for (path, entry) in entries { zipNames[path] = entry.zipIndex }
    }

    // MARK: - reading

    /// How a streamed read ended.
    enum ReadEnd: Equatable {
        case complete(bytes: Int)
        /// More than the limit came out; reading stopped there.
        case overLimit(bytes: Int)
    }

    /// A reader for one thread: zips need their own libzip handle per thread.
    final class Cursor {
        /// Unowned: the container keeps its `main` cursor, and a strong reference back made a
        /// cycle that leaked every verified package — its files in memory, or its open zip
        /// (LeakSanitizer, the bag fuzz target). Cursors never outlive their container.
        unowned let container: BagContainer
        private var zip: ZipFileReader?
        /// One read buffer for every file this cursor reads.
        private var buffer: UnsafeMutableRawBufferPointer?

        init(_ container: BagContainer, shared: Bool) {
            self.container = container
            if shared { zip = container.zipReader }
        }

        deinit { buffer?.deallocate() }

        func buffer(_ size: Int) -> UnsafeMutableRawBufferPointer {
            if let buffer, buffer.count >= size { return buffer }
            buffer?.deallocate()
            let made = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
            buffer = made
            return made
        }

        /// Reads the file at `path` in chunks, handing each to `body`, stopping once more than
        /// `limit` bytes came out.
        func stream(
            _ path: String, limit: Int, chunk: Int, _ body: (UnsafeRawBufferPointer) -> Void
        ) throws(BagProblem) -> ReadEnd {
            guard let entry = container.entries[path] else {
                throw BagProblem(.missing, path: path, "not in the package")
            }
            switch container.storage {
            case .memory(let files):
                let bytes = files[path] ?? []
                if bytes.count > limit { return .overLimit(bytes: bytes.count) }
                bytes.withUnsafeBytes { body($0) }
                return .complete(bytes: bytes.count)
            case .folder(let root):
                return try Self.streamFile(
                    root.path + "/" + path, path: path, limit: limit, buffer: buffer(chunk), body)
            case .zip(let zipPath):
                if zip == nil {
                    do { zip = try ZipFileReader(path: zipPath) } catch {
                        throw BagProblem(.unreadable, path: nil, error.message)
                    }
                }
                do {
                    switch try zip!.stream(entry.zipIndex, limit: limit, chunkSize: chunk, body) {
                    case .complete(let n): return .complete(bytes: n)
                    case .overLimit(let n): return .overLimit(bytes: n)
                    }
                } catch let error as ZipError {
                    throw BagProblem(.unreadable, path: path, error.message)
                } catch {
                    throw BagProblem(.unreadable, path: path, "\(error)")
                }
            }
        }

        static func streamFile(
            _ file: String, path: String, limit: Int, buffer: UnsafeMutableRawBufferPointer,
            _ body: (UnsafeRawBufferPointer) -> Void
        ) throws(BagProblem) -> ReadEnd {
            // O_NOFOLLOW: a file swapped for a link after listing is not followed.
            let fd = Foundation.open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw BagProblem(.unreadable, path: path, String(cString: strerror(errno))) }
            defer { close(fd) }
            var total = 0
            while true {
                let n = Foundation.read(fd, buffer.baseAddress!, buffer.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BagProblem(.unreadable, path: path, String(cString: strerror(errno)))
                }
                if n == 0 { return .complete(bytes: total) }
                total += n
                if total > limit { return .overLimit(bytes: total) }
                body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }

    /// A cursor for the calling thread (sharing the listing's zip handle: one thread only).
    lazy var main = Cursor(self, shared: true)

    /// The whole file at `path`, at most `limit` bytes.
    /// - Throws: a `.budget` problem when it is larger, `.missing` when absent, `.unreadable`.
    func read(_ path: String, limit: Int) throws(BagProblem) -> [UInt8] { try read(path, limit: limit, cursor: main) }

    /// `read(_:limit:)` through a worker's own cursor.
    func read(_ path: String, limit: Int, cursor: Cursor) throws(BagProblem) -> [UInt8] {
        var out: [UInt8] = []
        if let size = entries[path]?.size, size <= limit { out.reserveCapacity(size) }
        let end = try cursor.stream(path, limit: limit, chunk: 1 << 16) { out.append(contentsOf: $0) }
        if case .overLimit = end {
            throw BagProblem(
                .budget, path: path, "larger than \(limit) bytes: not read", zh: "\(path) 超过 \(limit) 字节，未读取")
        }
        return out
    }

    /// Reads the package's `metadata.xml` record by record (`PackageMetadata.scan`), at most
    /// `limit` bytes: a folder's file through its descriptor (a link is not followed), a zip's
    /// entry first streamed into an unlinked temporary file, bytes in memory as they are. The
    /// metadata of a season's confirmation (≈ 180 MB at 18,000 applications) is never whole
    /// in memory.
    /// - Throws: `BagProblem` when the file cannot be read or is larger than `limit`; a
    ///   `MarkupProblem` (inside `.parse`) when it is not metadata.
    func scanMetadata(
        limit: Int, root: (String?) -> Void, visit: (PackageMetadata.Record) -> Void
    ) -> Result<String?, MetadataReadProblem> {
        let path = PackageMetadata.path
        guard let entry = entries[path] else { return .failure(.read(BagProblem(.missing, path: path, "not in the package"))) }
        guard entry.size <= limit else {
            return .failure(
                .read(BagProblem(.budget, path: path, "larger than \(limit) bytes: not read", zh: "\(path) 超过 \(limit) 字节，未读取")))
        }
        func scan(_ source: PackageMetadata.Source) -> Result<String?, MetadataReadProblem> {
            do throws(MarkupProblem) { return .success(try PackageMetadata.scan(source, root: root, visit: visit)) } catch {
                return .failure(.parse(error))
            }
        }
        switch storage {
        case .memory(let files):
            return scan(.bytes(files[path] ?? []))
        case .folder(let folder):
            let fd = Foundation.open(folder.path + "/" + path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { return .failure(.read(BagProblem(.unreadable, path: path, String(cString: strerror(errno))))) }
            defer { close(fd) }
            return scan(.descriptor(fd))
        case .zip:
            var template = Array((NSTemporaryDirectory() + "/pingshen-metadata-XXXXXX").utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else { return .failure(.read(BagProblem(.unreadable, path: path, "cannot make a temporary file"))) }
            unlink(String(cString: template))  // gone with the descriptor
            defer { close(fd) }
            var failed = false
            do {
                let end = try main.stream(path, limit: limit, chunk: 1 << 20) { chunk in
                    var done = 0
                    while done < chunk.count, !failed {
                        let n = Foundation.write(fd, chunk.baseAddress! + done, chunk.count - done)
                        if n < 0 { if errno != EINTR { failed = true } } else { done += n }
                    }
                }
                if case .overLimit = end {
                    return .failure(
                        .read(BagProblem(.budget, path: path, "larger than \(limit) bytes: not read", zh: "\(path) 超过 \(limit) 字节，未读取")))
                }
            } catch {
                return .failure(.read(error))
            }
            guard !failed, lseek(fd, 0, SEEK_SET) == 0 else {
                return .failure(.read(BagProblem(.unreadable, path: path, "cannot write a temporary file")))
            }
            return scan(.descriptor(fd))
        }
    }

    enum MetadataReadProblem: Error {
        case read(BagProblem)
        case parse(MarkupProblem)
    }

    /// SHA-256 (hex) of the file at `path`, read in chunks.
    func sha256(
        _ path: String, cursor: Cursor, limit: Int, chunk: Int
    ) throws(BagProblem) -> (
        hash: String?, end: ReadEnd
    ) {
        var hasher = SHA256()
        let end = try cursor.stream(path, limit: limit, chunk: chunk) { hasher.update(bufferPointer: $0) }
        if case .overLimit = end { return (nil, end) }
        return (Hex.lowercase(hasher.finalize()), end)
    }
}
