import Crypto
import Domain
import Foundation
import Signing
import ZipKit

/// The forms a package is written in: a folder (the default: see ARCHITECTURE.md, "The
/// archive, as decisions happen") or a `.zip` of it, or both.
public enum BagForm: String, Sendable, CaseIterable, Comparable {
    case folder
    case zip

    public static func < (a: BagForm, b: BagForm) -> Bool { a.rawValue < b.rawValue }
}

/// How a file already on disk (a rendered document, an upload) gets into a package's folder.
/// Whatever the way, the package's file is hashed as it lands there and the signed manifests
/// prove every byte; see ARCHITECTURE.md, "The archive, as decisions happen", for the choice.
public enum FilePlacement: String, Sendable, CaseIterable {
    /// Its bytes read, hashed and written: the package owns its copy. The default.
    case copy
    /// A copy-on-write clone (`FICLONE`, on Btrfs or XFS): a file of its own whose blocks are
    /// shared until either side changes — a copy's independence at a link's cost; a plain copy
    /// where the filesystem cannot clone (ext4) or across filesystems.
    case clone
    /// A hard link (`link(2)`): the very file of the documents folder (one inode, two names),
    /// only hashed; a copy across filesystems. Safe against a document rendered again (the
    /// renderer writes a new file and renames it over the old name) but not against a file
    /// written in place, which changes the package too (verification then reports it).
    case link
}

/// A payload file as written: its path under `data/`, size and SHA-256 (computed while it was
/// written).
public struct WrittenFile: Sendable, Equatable {
    /// Relative to `data/`.
    public var path: String
    public var size: Int
    public var sha256: String
}

/// A further tag file at a package's root (`metadata.xml`): bytes already made, or text written
/// piece by piece as its producer emits it (a file of hundreds of megabytes never whole in
/// memory: the metadata of a season's confirmation is read from the catalogue row by row).
public struct TagFile {
    /// Emits the file's text, in order, by calling the function it is given.
    public typealias Producer = (_ emit: (String) throws(ArchiveError) -> Void) throws(ArchiveError) -> Void

    enum Content {
        case bytes([UInt8])
        case streamed(Producer)
    }

    public let path: String
    let content: Content

    /// Written as `produce` emits it.
    public init(path: String, produce: @escaping Producer) {
        self.path = path
        content = .streamed(produce)
    }

    /// Bytes already made.
    public init(_ file: BagFile) {
        path = file.path
        content = .bytes(file.bytes)
    }
}

/// Writes a signed BagIt 1.0 package file by file, in bounded memory: each payload file is
/// written (or copied from disk in chunks) into a staging folder and hashed while written; the
/// manifests, `bag-info.txt` (`Payload-Oxum`) and the Ed25519 signature are made from those
/// hashes at the end. Memory is one chunk buffer plus a line per file, whatever the files' sizes.
/// The same files, info and key give the same bytes as `BagWriter.build` + `BagWriter.write`
/// (and, for the zip, `BagZip.write`).
///
/// Everything is written under `parent/.<name>.partial-<pid>/` (the folder `<name>/`, the zip
/// and libzip's temporary file) and renamed into place by `finish`; the staging folder is
/// locked (`flock`) while this writer lives, so `BagStreamWriter.removeAbandonedStaging` can
/// tell a killed writer's folder from a running one's. A writer dropped unfinished (an error, a
/// decision whose documents still wait) removes its staging folder.
///
/// ```swift
/// let bag = try BagStreamWriter(name: "decision-2026-12", into: "archive")
/// try bag.add("heads.json", bytes: heads)
/// try bag.add("decision/取得资格通知.odt", copying: URL(fileURLWithPath: "documents/…/A1.odt"))
/// let written = try bag.finish(info: info, keyring: keyring, forms: [.folder])
/// ```
public final class BagStreamWriter {
    public let name: String
    let parent: URL
    let staging: URL
    /// The bag's folder inside the staging folder.
    let root: URL
    /// `root`'s path, and that of its `data/` folder with a trailing slash.
    let rootPath: String
    let dataPrefix: String
    let chunkSize: Int
    /// How files on disk are placed (`add(_:copying:)`).
    public let placement: FilePlacement
    private let buffer: UnsafeMutableRawBufferPointer
    private var lock: Int32 = -1
    private var files: [String: WrittenFile] = [:]
    private var madeFolders: Set<String> = []
    private var finished = false

    /// The default chunk: 1 MiB.
    public static let defaultChunkSize = 1 << 20
    /// What staging folders' names hold between the package's name and the writer's pid.
    public static let stagingMarker = ".partial-"

    /// The staging folder of a package in `parent` for this process.
    static func stagingURL(name: String, parent: URL) throws(ArchiveError) -> URL {
        try SafePath.join(parent, ".\(name)\(stagingMarker)\(getpid())")
    }

    /// Starts a package `name` in `parent` (created if missing); a staging folder this process
    /// left there before is replaced.
    public init(
        name: String, into parent: String, chunkSize: Int = defaultChunkSize, placement: FilePlacement = .copy
    ) throws(ArchiveError) {
        try SafePath.check(name)
        guard !name.contains("/") else { throw .unsafePath(name, reason: "a bag name is one folder name") }
        self.name = name
        self.parent = URL(fileURLWithPath: parent, isDirectory: true).standardizedFileURL
        staging = try Self.stagingURL(name: name, parent: self.parent)
        root = try SafePath.join(staging, name)
        rootPath = root.path
        dataPrefix = rootPath + "/" + BagLayout.payloadDirectory
        self.chunkSize = max(chunkSize, 1)
        self.placement = placement
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: self.chunkSize, alignment: 16)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: self.parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch { throw .io(path: staging.path, reason: "\(error)") }
        lock = open(staging.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            throw .io(path: staging.path, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
        do { try fm.createDirectory(at: root, withIntermediateDirectories: false) } catch {
            throw .io(path: root.path, reason: "\(error)")
        }
        madeFolders.insert(rootPath)
    }

    deinit {
        buffer.deallocate()
        if !finished { try? FileManager.default.removeItem(at: staging) }
        if lock >= 0 { close(lock) }
    }

    /// Gives up: the staging folder is removed, nothing is put in place.
    public func discard() {
        finished = true
        try? FileManager.default.removeItem(at: staging)
    }

    /// The payload written so far, in path order.
    public var payload: [WrittenFile] { files.values.sorted { BagLayout.pathOrder($0.path, $1.path) } }

    /// Payload bytes written so far.
    public var payloadBytes: Int { files.values.reduce(0) { $0 + $1.size } }

    // MARK: - payload

    /// The file's place in the staging folder, its folders made; the path checked as
    /// `BagWriter.build` checks it.
    /// Returns the file's path in the file system: a checked relative path (no `..`, `.` or
    /// empty component, not absolute) under the bag's `data/` stays inside it, so it is joined
    /// as text (URL joining was a tenth of writing a city's package).
    private func prepare(_ path: String) throws(ArchiveError) -> String {
        try SafePath.check(path)
        guard !path.contains("%") else { throw .unsafePath(path, reason: "\"%\" in a payload path") }
        guard files[path] == nil else { throw .duplicatePath(path) }
        let target = dataPrefix + path
        let folder = String(target[..<target.utf8.lastIndex(of: UInt8(ascii: "/"))!])
        if !madeFolders.contains(folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw .io(path: folder, reason: "\(error)")
            }
            // The folder and the ones above it, up to the bag's root, are made now.
            var f = Substring(folder)
            while f.utf8.count > rootPath.utf8.count, madeFolders.insert(String(f)).inserted,
                let slash = f.utf8.lastIndex(of: UInt8(ascii: "/"))
            {
                f = f[..<slash]
            }
        }
        return target
    }

    /// Writes a payload file (`heads.json`, `applications/A1/events.json`) from bytes.
    public func add(_ path: String, bytes: [UInt8]) throws(ArchiveError) {
        let target = try prepare(path)
        let hash = try write(bytes, to: target)
        files[path] = WrittenFile(path: path, size: bytes.count, sha256: hash)
    }

    /// Places the file at `source` into the payload as `path` — copied in chunks, cloned or
    /// linked as `placement` says — and hashes the package's file on the way: never read whole.
    /// - Parameter expectedSHA256: when given, the file is kept only if its content has this
    ///   digest (a content-addressed upload); a missing source is then left out too.
    /// - Returns: whether the file was added.
    /// - Throws: `ArchiveError.io` when the source cannot be read (and no digest was given) or
    ///   the copy cannot be written.
    @discardableResult
    public func add(_ path: String, copying source: URL, expectedSHA256: String? = nil) throws(ArchiveError) -> Bool {
        let target = try prepare(path)
        let placed: (size: Int, hash: String)?
        switch placement {
        case .link: placed = try linked(source, to: target, optional: expectedSHA256 != nil)
        case .copy, .clone: placed = try copied(source, to: target, optional: expectedSHA256 != nil)
        }
        guard let placed else { return false }
        if let expectedSHA256, expectedSHA256 != placed.hash {
            unlink(target)
            return false
        }
        files[path] = WrittenFile(path: path, size: placed.size, sha256: placed.hash)
        return true
    }

    /// `source` hard-linked as `target` (a copy when the system cannot link it there), then
    /// hashed by reading the package's file. Nil when the source is missing and `optional`.
    private func linked(_ source: URL, to target: String, optional: Bool) throws(ArchiveError) -> (
        size: Int, hash: String
    )? {
        guard Glibc.link(source.path, target) == 0 else {
            let failure = errno
            if failure == ENOENT || failure == EACCES {
                if optional { return nil }
                throw .io(path: source.path, reason: String(cString: strerror(failure)))
            }
            // EXDEV (another filesystem), EPERM (a filesystem without hard links), EMLINK …
            return try copied(source, to: target, optional: optional)
        }
        let input = open(target, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            let reason = String(cString: strerror(errno))
            unlink(target)
            throw .io(path: target, reason: reason)
        }
        defer { close(input) }
        do { return try hash(input, copyingTo: nil, path: target, source: target) } catch {
            unlink(target)
            throw error
        }
    }

    /// `source` copied (or, with `.clone`, cloned) as `target`, hashed on the way. Nil when the
    /// source is missing and `optional`.
    private func copied(_ source: URL, to target: String, optional: Bool) throws(ArchiveError) -> (
        size: Int, hash: String
    )? {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            if optional { return nil }
            throw .io(path: source.path, reason: String(cString: strerror(errno)))
        }
        defer { close(input) }
        let output = try create(target)
        defer { close(output) }
        do throws(ArchiveError) {
            // FICLONE = _IOW(0x94, 9, int): the package's file shares the source's blocks.
            if placement == .clone, ioctl(output, 0x4004_9409, input) == 0 {
                return try hash(output, copyingTo: nil, path: target, source: target)
            }
            return try hash(input, copyingTo: output, path: target, source: source.path)
        } catch {
            unlink(target)
            throw error
        }
    }

    /// Reads `input` from its start in chunks, hashing them and, when `output` is given,
    /// writing them there.
    private func hash(
        _ input: Int32, copyingTo output: Int32?, path: String, source: String
    ) throws(ArchiveError) -> (size: Int, hash: String) {
        var hasher = SHA256()
        var size = 0
        while true {
            let n = pread(input, buffer.baseAddress!, buffer.count, off_t(size))
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io(path: source, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(bufferPointer: chunk)
            if let output { try writeAll(output, chunk, path: path) }
            size += n
        }
        return (size, Hex.lowercase(hasher.finalize()))
    }

    private func create(_ path: String) throws(ArchiveError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(ArchiveError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ArchiveError) {
        let failure: Int32 = bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
        if failure != 0 { throw .io(path: path, reason: String(cString: strerror(failure))) }
    }

    /// Writes `bytes` to `path`; returns their SHA-256.
    private func write(_ bytes: [UInt8], to path: String) throws(ArchiveError) -> String {
        let fd = try create(path)
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        return BagLayout.sha256Hex(bytes)
    }

    /// Writes a tag file at the bag's root by lines, hashing them as they go (the manifest of a
    /// package with many files is never one string).
    private func writeLines(_ file: String, _ lines: some Sequence<String>) throws(ArchiveError) -> String {
        try writeStreamed(file) { emit throws(ArchiveError) in
            for line in lines { try emit(line) }
        }
    }

    /// Writes a tag file at the bag's root from what `produce` emits, in 64 KiB writes, hashing
    /// as it goes: memory is the buffer, whatever the file's size.
    private func writeStreamed(_ file: String, _ produce: TagFile.Producer) throws(ArchiveError) -> String {
        let url = try SafePath.join(root, file)
        let fd = try create(url.path)
        defer { close(fd) }
        var hasher = SHA256()
        var pending: [UInt8] = []
        pending.reserveCapacity(1 << 17)
        func flush() throws(ArchiveError) {
            hasher.update(data: pending)
            try writeAll(fd, pending, path: url.path)
            pending.removeAll(keepingCapacity: true)
        }
        try produce { text throws(ArchiveError) in
            pending.append(contentsOf: text.utf8)
            if pending.count >= 1 << 16 { try flush() }
        }
        try flush()
        return Hex.lowercase(hasher.finalize())
    }

    // MARK: - finishing

    /// Where the package was put.
    public struct Result: Sendable, Equatable {
        public var folder: String?
        public var zip: String?
        public var payloadBytes: Int
        public var payloadFiles: Int
    }

    /// Writes the tag files — `bagit.txt`, `bag-info.txt` (with `Payload-Oxum` from the files
    /// written), `manifest-sha256.txt`, the further tag files `tagFiles` makes from the payload
    /// (`metadata.xml`), `tagmanifest-sha256.txt` and its Ed25519 signature —, makes the zip
    /// when asked (from the staged folder, each file streamed by libzip), and renames each form
    /// asked into `parent` (an older package of the same name is replaced).
    public func finish(
        info: BagInfo, keyring: OfficeKeyring, forms: Set<BagForm> = [.folder],
        tagFiles: (_ payload: [WrittenFile]) throws(ArchiveError) -> [TagFile] = { _ in [] }
    ) throws(ArchiveError) -> Result {
        guard !forms.isEmpty else { throw .io(path: parent.path, reason: "no form asked for the package \(name)") }
        let payload = self.payload
        let octets = payload.reduce(0) { $0 + $1.size }
        var tagHashes: [(path: String, hash: String)] = []
        let declarationURL = try SafePath.join(root, BagLayout.declaration)
        tagHashes.append((BagLayout.declaration, try write(BagLayout.declarationBytes, to: declarationURL.path)))
        let infoBytes = BagWriter.infoFile(info, octets: octets, count: payload.count)
        tagHashes.append((BagLayout.info, try write(infoBytes, to: try SafePath.join(root, BagLayout.info).path)))
        tagHashes.append(
            (
                BagLayout.manifest,
                try writeLines(
                    BagLayout.manifest,
                    payload.lazy.map { "\($0.sha256) \(BagLayout.encode(BagLayout.payloadDirectory + $0.path))\n" })
            ))
        var tagPaths: Set<String> = [BagLayout.declaration, BagLayout.info, BagLayout.manifest]
        for t in try tagFiles(payload) {
            try SafePath.check(t.path)
            guard !t.path.contains("/"), !t.path.hasPrefix("data"), !tagPaths.contains(t.path),
                t.path != BagLayout.tagManifest, t.path != BagLayout.signature
            else { throw .unsafePath(t.path, reason: "a further tag file is one new file at the package's root") }
            tagPaths.insert(t.path)
            switch t.content {
            case .bytes(let bytes): tagHashes.append((t.path, try write(bytes, to: try SafePath.join(root, t.path).path)))
            case .streamed(let produce): tagHashes.append((t.path, try writeStreamed(t.path, produce)))
            }
        }
        let tagManifest = BagLayout.manifest(tagHashes)
        _ = try write(tagManifest, to: try SafePath.join(root, BagLayout.tagManifest).path)
        let (keyID, signature) = keyring.sign(tagManifest)
        _ = try write(
            BagLayout.signatureFile(keyID: keyID, signature: signature),
            to: try SafePath.join(root, BagLayout.signature).path)

        var result = Result(folder: nil, zip: nil, payloadBytes: octets, payloadFiles: payload.count)
        if forms.contains(.zip) {
            let staged = try SafePath.join(staging, name + ".zip")
            let allPaths = (Array(tagPaths) + [BagLayout.tagManifest, BagLayout.signature]
                + payload.map { BagLayout.payloadDirectory + $0.path }).sorted(by: BagLayout.pathOrder)
            try BagZip.write(folder: root, paths: allPaths, name: name, date: info.baggingDate, to: staged.path)
            let target = try SafePath.join(parent, name + ".zip")
            guard rename(staged.path, target.path) == 0 else {
                throw .io(path: target.path, reason: String(cString: strerror(errno)))
            }
            result.zip = target.path
        }
        if forms.contains(.folder) {
            let target = try SafePath.join(parent, name)
            try moveIntoPlace(root, target)
            result.folder = target.path
        }
        finished = true
        try? FileManager.default.removeItem(at: staging)
        return result
    }

    /// Renames the folder `staged` onto `target`. An existing `target` (a rebuild) is first
    /// renamed into the staging folder, which goes with it: two renames, never a package half
    /// removed (killed between them, the old package waits in the staging folder and the next
    /// run, which finds the decision still pending, builds it again).
    func moveIntoPlace(_ staged: URL, _ target: URL) throws(ArchiveError) {
        if rename(staged.path, target.path) == 0 { return }
        let first = errno
        guard first == EEXIST || first == ENOTEMPTY || first == EISDIR || first == ENOTDIR else {
            throw .io(path: target.path, reason: String(cString: strerror(first)))
        }
        let old = try SafePath.join(staging, "replaced")
        guard rename(target.path, old.path) == 0, rename(staged.path, target.path) == 0 else {
            throw .io(path: target.path, reason: String(cString: strerror(errno)))
        }
    }

    // MARK: - staging left by killed writers

    /// Removes from `directory` the staging folders (`.<package>.partial-<pid>`) no running
    /// writer holds — each writer keeps its folder locked while it lives, and the system drops
    /// the lock when the process dies, even by `kill -9` — and the staging files of atomic
    /// writes (`.<file>.partial-<pid>`, check reports) whose process is gone.
    /// - Returns: the names removed.
    @discardableResult
    public static func removeAbandonedStaging(in directory: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let range = name.range(of: stagingMarker, options: .backwards) else { continue }
            let digits = name[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits) else { continue }
            let url = directory.appendingPathComponent(name)
            var st = stat()
            guard lstat(url.path, &st) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR {
                let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                let free = flock(fd, LOCK_EX | LOCK_NB) == 0
                if free { try? FileManager.default.removeItem(at: url) }
                close(fd)
                if free { removed.append(name) }
            } else {
                if kill(pid, 0) == 0 || errno == EPERM { continue }  // its writer still runs
                try? FileManager.default.removeItem(at: url)
                removed.append(name)
            }
        }
        return removed
    }
}
