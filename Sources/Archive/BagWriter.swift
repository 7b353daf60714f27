import Domain
import Foundation
import Signing

/// Builds and writes BagIt 1.0 (RFC 8493) packages signed with the office key.
///
/// Deterministic: the same payload, info and key give byte-identical packages (paths sorted by
/// their UTF-8 bytes, LF line endings, the date from the decision, Ed25519 signatures, which
/// swift-crypto computes deterministically per RFC 8032).
///
/// ```swift
/// let bag = try BagWriter.build(name: "decision-2026-12", payload: files, info: info, keyring: keyring)
/// try BagWriter.write(bag, into: "archive")
/// ```
public enum BagWriter {
    /// Builds the package in memory.
    /// - Parameter payload: files under `data/`, by relative path (`dossier/A1/申报表.odt`).
    /// - Throws: `ArchiveError.unsafePath` for an absolute, `..`-containing, not normalized
    ///   path or one containing `%` (which BagIt tools decode differently); `.duplicatePath` when two files share a path.
    /// - Parameter tagFiles: further tag files at the package's root (`metadata.xml`), listed in
    ///   the tag manifest and so covered by the signature.
    public static func build(
        name: String, payload: [BagFile], info: BagInfo, keyring: OfficeKeyring, tagFiles: [BagFile] = []
    ) throws(ArchiveError) -> BagPackage {
        try SafePath.check(name)
        guard !name.contains("/") else { throw .unsafePath(name, reason: "a bag name is one folder name") }
        var files: [String: [UInt8]] = [:]
        for f in payload {
            try SafePath.check(f.path)
            // RFC 8493 writes `%` as `%25`, but bagit-python 1.9 does not decode it: such a bag
            // would fail there. CR and LF are refused by SafePath, so manifests need no encoding.
            guard !f.path.contains("%") else { throw .unsafePath(f.path, reason: "\"%\" in a payload path") }
            let path = BagLayout.payloadDirectory + f.path
            guard files[path] == nil else { throw .duplicatePath(f.path) }
            files[path] = f.bytes
        }
        let paths = files.keys.sorted(by: BagLayout.pathOrder)
        let contents = paths.map { files[$0]! }
        let hashes = parallelMap(paths.count) { BagLayout.sha256Hex(contents[$0]) }
        let manifest = BagLayout.manifest(zip(paths, hashes).map { ($0, $1) })
        let octets = contents.reduce(0) { $0 + $1.count }
        let bagInfo = infoFile(info, octets: octets, count: paths.count)
        files[BagLayout.declaration] = BagLayout.declarationBytes
        files[BagLayout.info] = bagInfo
        files[BagLayout.manifest] = manifest
        var tagged = [BagLayout.declaration, BagLayout.info, BagLayout.manifest]
        for t in tagFiles {
            try SafePath.check(t.path)
            guard !t.path.contains("/"), !t.path.hasPrefix("data"), files[t.path] == nil,
                t.path != BagLayout.tagManifest, t.path != BagLayout.signature
            else { throw .unsafePath(t.path, reason: "a further tag file is one new file at the package's root") }
            files[t.path] = t.bytes
            tagged.append(t.path)
        }
        let tagManifest = BagLayout.manifest(
            tagged.sorted(by: BagLayout.pathOrder).map { ($0, BagLayout.sha256Hex(files[$0]!)) })
        files[BagLayout.tagManifest] = tagManifest
        let (keyID, signature) = keyring.sign(tagManifest)
        files[BagLayout.signature] = BagLayout.signatureFile(keyID: keyID, signature: signature)
        return BagPackage(name: name, files: files)
    }

    static func infoFile(_ info: BagInfo, octets: Int, count: Int) -> [UInt8] {
        func line(_ label: String, _ value: String) -> String {
            let flat = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            return "\(label): \(flat)\n"
        }
        var text = line("Source-Organization", info.sourceOrganization)
        text += line("Bagging-Date", info.baggingDate.description)
        text += line("External-Identifier", info.externalIdentifier)
        if let d = info.externalDescription { text += line("External-Description", d) }
        text += line("Bag-Software-Agent", info.softwareAgent)
        text += line("Payload-Oxum", "\(octets).\(count)")
        text += line("Bag-Size", byteSize(octets))
        text += line("Bag-Count", "1 of 1")
        for f in info.extra { text += line(f.label, f.value) }
        return Array(text.utf8)
    }

    static func byteSize(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KB", Double(n) / 1024) }
        return String(format: "%.1f MB", Double(n) / 1024 / 1024)
    }

    /// Writes the package as the folder `parent/<name>` (through a temporary folder renamed
    /// into place). An existing folder of that name is replaced only when `replace` is set.
    /// - Returns: the folder's path.
    @discardableResult
    public static func write(
        _ bag: BagPackage, into parent: String, replace: Bool = false
    ) throws(ArchiveError)
        -> String
    {
        let base = URL(fileURLWithPath: parent, isDirectory: true).standardizedFileURL
        let target = try SafePath.join(base, bag.name)
        let staging = try SafePath.join(base, ".\(bag.name).partial-\(getpid())")
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: base, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch { throw .io(path: staging.path, reason: "\(error)") }
        var made: Set<String> = []
        for path in bag.sortedPaths {
            let url = try SafePath.join(staging, path)
            do {
                let parentDirectory = url.deletingLastPathComponent()
                if made.insert(parentDirectory.path).inserted {
                    try fm.createDirectory(at: parentDirectory, withIntermediateDirectories: true)
                }
                try bag.files[path]!.withUnsafeBytes {
                    try Data(
                        bytesNoCopy: UnsafeMutableRawPointer(
                            mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!), count: $0.count,
                        deallocator: .none
                    ).write(to: url)
                }
            } catch { throw .io(path: url.path, reason: "\(error)") }
        }
        if fm.fileExists(atPath: target.path) {
            guard replace else {
                try? fm.removeItem(at: staging)
                throw .io(path: target.path, reason: "already exists")
            }
            try? fm.removeItem(at: target)
        }
        guard rename(staging.path, target.path) == 0 else {
            throw .io(path: target.path, reason: String(cString: strerror(errno)))
        }
        return target.path
    }
}
