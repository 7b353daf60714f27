import Crypto
import Domain
import Foundation
import Signing
import Testing

@testable import Archive

/// Issue 15: documents already on disk get into a package's folder copied (the default),
/// cloned or hard-linked (`FilePlacement`). Whatever the way, the package is the same bytes,
/// verifies, and a document changed after archiving is caught by verification.
@Suite struct FilePlacementTests {
    let dir = temporaryDirectory()

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    /// Bytes that do not repeat.
    func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Two rendered documents and an upload in a documents folder.
    func sources() throws -> [(path: String, url: URL, expected: String?)] {
        let folder = URL(fileURLWithPath: dir + "/documents", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var out: [(String, URL, String?)] = []
        for (i, (name, size)) in [("a.odt", 70_001), ("a.html", 4_096), ("photo.jpg", 12_345)].enumerated() {
            let bytes = noise(size, seed: UInt64(i + 1))
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            out.append(("applications/A1/dossier/\(name)", url, name == "photo.jpg" ? SHA256Digest.hex(of: bytes) : nil))
        }
        return out
    }

    func build(_ placement: FilePlacement, into parent: String, keyring k: OfficeKeyring) throws -> String {
        let bag = try BagStreamWriter(name: "decision-2026-12", into: parent, chunkSize: 4096, placement: placement)
        try bag.add("heads.json", bytes: Array("{}\n".utf8))
        for s in try sources() { #expect(try bag.add(s.path, copying: s.url, expectedSHA256: s.expected)) }
        return try #require(try bag.finish(info: sampleInfo(), keyring: k, forms: [.folder]).folder)
    }

    /// Every regular file under `root` with its bytes.
    func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = URL(fileURLWithPath: root).standardizedFileURL
        let e = try #require(FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out[String(url.standardizedFileURL.path.dropFirst(base.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    func inode(_ path: String) -> (device: UInt64, inode: UInt64, links: UInt64) {
        var st = stat()
        #expect(stat(path, &st) == 0, "\(path)")
        return (UInt64(st.st_dev), UInt64(st.st_ino), UInt64(st.st_nlink))
    }

    @Test func everyPlacementGivesTheSameVerifiedPackage() throws {
        let k = try keyring()
        let copied = try build(.copy, into: dir + "/copy", keyring: k)
        let expected = try tree(copied)
        #expect(expected.count == 9)  // 4 payload files + bagit, bag-info, manifest, tagmanifest, signature
        for placement in [FilePlacement.clone, .link] {
            let folder = try build(placement, into: dir + "/\(placement)", keyring: k)
            #expect(try tree(folder) == expected, "\(placement)")
            let report = BagVerifier.verify(path: folder, keys: k.publicKeys)
            #expect(report.problems == [], "\(placement)")
            #expect(pythonBagitProblem(folder) == nil, "\(placement)")
        }
        // A link is the documents folder's file itself; a copy is a file of its own.
        let source = dir + "/documents/a.odt"
        let linked = inode(dir + "/link/decision-2026-12/data/applications/A1/dossier/a.odt")
        let own = inode(copied + "/data/applications/A1/dossier/a.odt")
        #expect(linked.inode == inode(source).inode && linked.device == inode(source).device)
        #expect(linked.links >= 2)
        #expect(own.inode != inode(source).inode && own.links == 1)
    }

    /// A linked document written over in place afterwards changes the package too: the
    /// verifier names the file. A copied package is untouched by the same change.
    @Test func aDocumentChangedAfterArchivingIsCaught() throws {
        let k = try keyring()
        let linked = try build(.link, into: dir + "/link", keyring: k)
        let copied = try build(.copy, into: dir + "/copy", keyring: k)
        // Written in place (not the renderer's write-and-rename): same inode, other bytes.
        let source = dir + "/documents/a.odt"
        let fd = open(source, O_WRONLY)
        #expect(fd >= 0)
        var byte: UInt8 = 0x5A
        #expect(pwrite(fd, &byte, 1, 100) == 1)
        close(fd)

        let report = BagVerifier.verify(path: linked, keys: k.publicKeys)
        #expect(report.problems.map(\.kind) == [.changed])
        #expect(report.problems.first?.path == "data/applications/A1/dossier/a.odt")
        #expect(BagVerifier.verify(path: copied, keys: k.publicKeys).problems == [])
    }

    /// Linked or cloned, an upload whose content is no longer its digest is left out, and a
    /// missing one too — nothing is left in the package for either.
    @Test func aLinkedUploadIsKeptOnlyWhenItsContentIsItsDigest() throws {
        let k = try keyring()
        let good = noise(10_000, seed: 9)
        let url = URL(fileURLWithPath: dir + "/upload.jpg")
        try Data(good).write(to: url)
        for placement in [FilePlacement.link, .clone] {
            let bag = try BagStreamWriter(
                name: "decision-2026-12", into: dir + "/\(placement)", chunkSize: 1000, placement: placement)
            #expect(try bag.add("a/good.jpg", copying: url, expectedSHA256: SHA256Digest.hex(of: good)))
            #expect(try !bag.add("a/changed.jpg", copying: url, expectedSHA256: String(repeating: "0", count: 64)))
            #expect(
                try !bag.add(
                    "a/missing.jpg", copying: URL(fileURLWithPath: dir + "/none"), expectedSHA256: SHA256Digest.hex(of: good)))
            #expect(throws: ArchiveError.self) { try bag.add("a/unreadable.jpg", copying: URL(fileURLWithPath: dir + "/none")) }
            let folder = try #require(try bag.finish(info: sampleInfo(), keyring: k).folder)
            #expect(try tree(folder).keys.filter { $0.hasPrefix("data/") } == ["data/a/good.jpg"], "\(placement)")
            #expect(BagVerifier.verify(path: folder, keys: k.publicKeys).problems == [], "\(placement)")
        }
    }
}

/// Paths are checked before anything is written: ASCII (its own NFC) and Chinese in NFC pass,
/// a decomposed accent and the unsafe forms are refused.
@Suite struct SafePathTests {
    @Test func pathsInNFCPassAndOthersAreRefused() {
        #expect(SafePath.problem("applications/A1/dossier/application-form.odt") == nil)
        #expect(SafePath.problem("decision/取得资格通知.odt") == nil)
        #expect(SafePath.problem("applications/A1/caf\u{E9}.txt") == nil)
        #expect(SafePath.problem("applications/A1/cafe\u{301}.txt") == "not in Unicode NFC")
        #expect(SafePath.problem("a/../b") == "\"..\" component")
        #expect(SafePath.problem("/etc/passwd") == "absolute path")
        #expect(SafePath.problem("a//b") == "empty component (// or trailing /)")
    }
}
