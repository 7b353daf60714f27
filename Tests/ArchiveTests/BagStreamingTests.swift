import Crypto
import Domain
import Foundation
import Signing
import Testing

@testable import Archive

/// Issue 15: packages written streamed (`BagStreamWriter`) — each file hashed while written,
/// files on disk copied in chunks — are the very bytes of the in-memory writer's, verify,
/// pass Python's bagit, rebuild identically, and leave nothing behind when they fail.
@Suite struct BagStreamingTests {
    let dir = temporaryDirectory()

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    /// Every regular file under `root` with its bytes, by relative path.
    func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = URL(fileURLWithPath: root).standardizedFileURL
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return out
        }
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out[String(url.standardizedFileURL.path.dropFirst(base.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    /// Bytes that do not repeat (so a chunk boundary error changes the digest).
    func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// The payload as files on disk (copied) and bytes (made), and the same as `BagFile`s.
    func payload() throws -> (files: [PayloadFile], bags: [BagFile]) {
        let source = URL(fileURLWithPath: dir + "/source", isDirectory: true)
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        var files: [PayloadFile] = []
        var bags: [BagFile] = []
        // Larger than the 4 KiB chunk the tests write with, and not a multiple of it.
        let large = noise(300_001, seed: 7)
        try Data(large).write(to: source.appendingPathComponent("large.odt"))
        files.append(PayloadFile(path: "applications/A1/dossier/申报表.odt", file: source.appendingPathComponent("large.odt")))
        bags.append(BagFile(path: "applications/A1/dossier/申报表.odt", bytes: large))
        let exact = noise(8192, seed: 8)
        try Data(exact).write(to: source.appendingPathComponent("exact.html"))
        files.append(PayloadFile(path: "applications/A1/dossier/申报表.html", file: source.appendingPathComponent("exact.html")))
        bags.append(BagFile(path: "applications/A1/dossier/申报表.html", bytes: exact))
        try Data().write(to: source.appendingPathComponent("empty.txt"))
        files.append(PayloadFile(path: "applications/A2/empty.txt", file: source.appendingPathComponent("empty.txt")))
        bags.append(BagFile(path: "applications/A2/empty.txt", bytes: []))
        for f in samplePayload() where f.path != "applications/A2/empty.txt" {
            files.append(PayloadFile(path: f.path, bytes: f.bytes))
            bags.append(f)
        }
        return (files, bags)
    }

    let metadata = BagFile(path: "metadata.xml", bytes: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x/>\n".utf8))

    func stream(
        _ files: [PayloadFile], into parent: String, forms: Set<BagForm>, keyring: OfficeKeyring
    ) throws -> BagStreamWriter.Result {
        let bag = try BagStreamWriter(name: "decision-2026-12", into: parent, chunkSize: 4096)
        for f in files {
            switch f.content {
            case .bytes(let b): try bag.add(f.path, bytes: b)
            case .file(let url, let expected): try bag.add(f.path, copying: url, expectedSHA256: expected)
            }
        }
        return try bag.finish(info: sampleInfo(), keyring: keyring, forms: forms) { written in
            // The filing callback sees every file with its size and digest taken while written.
            #expect(written.map(\.path) == written.map(\.path).sorted(by: BagLayout.pathOrder))
            return [TagFile(metadata)]
        }
    }

    @Test func streamedPackageIsTheInMemoryWritersBytesAndVerifies() throws {
        let k = try keyring()
        let (files, bags) = try payload()
        let streamed = try stream(files, into: dir + "/streamed", forms: [.folder, .zip], keyring: k)
        #expect(streamed.payloadFiles == bags.count)
        #expect(streamed.payloadBytes == bags.reduce(0) { $0 + $1.bytes.count })

        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: bags, info: sampleInfo(), keyring: k, tagFiles: [metadata])
        let folder = try BagWriter.write(bag, into: dir + "/memory")
        try BagZip.write(bag, date: sampleInfo().baggingDate, to: dir + "/memory/decision-2026-12.zip")

        let streamedFolder = try #require(streamed.folder)
        let streamedZip = try #require(streamed.zip)
        #expect(try tree(streamedFolder) == tree(folder))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: streamedZip))
                == Data(contentsOf: URL(fileURLWithPath: dir + "/memory/decision-2026-12.zip")))
        let info = try String(contentsOfFile: streamedFolder + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Payload-Oxum: \(bags.reduce(0) { $0 + $1.bytes.count }).\(bags.count)\n"))

        for path in [streamedFolder, streamedZip] {
            let report = BagVerifier.verify(path: path, keys: k.publicKeys)
            #expect(report.problems == [], "\(path)")
            #expect(report.signedBy?.keyID == k.currentKeyID)
        }
        #expect(pythonBagitProblem(streamedFolder) == nil)
        // Only the package is left: no staging folder, no libzip temporary file.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir + "/streamed").sorted()
                == ["decision-2026-12", "decision-2026-12.zip"])
    }

    @Test func rebuildReplacesThePackageWithTheSameBytes() throws {
        let k = try keyring()
        let (files, _) = try payload()
        let first = try stream(files, into: dir + "/archive", forms: [.folder, .zip], keyring: k)
        let before = try tree(try #require(first.folder))
        let zipBefore = try Data(contentsOf: URL(fileURLWithPath: try #require(first.zip)))
        // A stray file in the built folder goes when the package is rebuilt over it.
        try Data("stray".utf8).write(to: URL(fileURLWithPath: first.folder! + "/data/stray.txt"))
        let again = try stream(files, into: dir + "/archive", forms: [.folder, .zip], keyring: k)
        #expect(again.folder == first.folder && again.zip == first.zip)
        #expect(try tree(again.folder!) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again.zip!)) == zipBefore)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir + "/archive").sorted()
                == ["decision-2026-12", "decision-2026-12.zip"])
    }

    @Test func zipAloneIsWrittenWithoutAFolder() throws {
        let k = try keyring()
        let (files, _) = try payload()
        let written = try stream(files, into: dir + "/zip", forms: [.zip], keyring: k)
        #expect(written.folder == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/zip") == ["decision-2026-12.zip"])
        #expect(BagVerifier.verify(path: try #require(written.zip), keys: k.publicKeys).problems == [])
    }

    @Test func anUploadIsCopiedOnlyWhenItsContentIsItsDigest() throws {
        let k = try keyring()
        let good = noise(10_000, seed: 3)
        let url = URL(fileURLWithPath: dir + "/upload.jpg")
        try Data(good).write(to: url)
        let digest = SHA256Digest.hex(of: good)
        let bag = try BagStreamWriter(name: "decision-2026-12", into: dir + "/uploads", chunkSize: 1000)
        #expect(try bag.add("a/good.jpg", copying: url, expectedSHA256: digest))
        #expect(try !bag.add("a/changed.jpg", copying: url, expectedSHA256: String(repeating: "0", count: 64)))
        #expect(try !bag.add("a/missing.jpg", copying: URL(fileURLWithPath: dir + "/none"), expectedSHA256: digest))
        #expect(throws: ArchiveError.self) { try bag.add("a/unreadable.jpg", copying: URL(fileURLWithPath: dir + "/none")) }
        #expect(throws: ArchiveError.self) { try bag.add("a/good.jpg", bytes: [1]) }  // the same path twice
        #expect(throws: ArchiveError.self) { try bag.add("../escape", bytes: [1]) }
        let written = try bag.finish(info: sampleInfo(), keyring: k)
        #expect(try tree(try #require(written.folder)).keys.filter { $0.hasPrefix("data/") } == ["data/a/good.jpg"])
        #expect(BagVerifier.verify(path: written.folder!, keys: k.publicKeys).problems == [])
    }

    @Test func aWriterGivenUpLeavesNothingBehind() throws {
        let parent = dir + "/abandoned"
        do {
            let bag = try BagStreamWriter(name: "decision-2026-12", into: parent)
            try bag.add("heads.json", bytes: Array("{}\n".utf8))
            // Dropped unfinished (an error while gathering, documents still waiting).
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == [])
    }

    /// A staging folder is locked while its writer lives: the cleanup removes only those no
    /// running writer holds (a killed writer's lock is gone with its process) and the staging
    /// files of processes gone.
    @Test func cleanupRemovesOnlyAbandonedStaging() throws {
        let parent = URL(fileURLWithPath: dir + "/cleanup", isDirectory: true)
        let live = try BagStreamWriter(name: "decision-2026-13", into: parent.path)
        try live.add("heads.json", bytes: [0x7B, 0x7D])
        // What a killed writer left: an unlocked staging folder (its pid may even be running
        // now, reused), a libzip temporary file inside it, and a report's staging file.
        let killed = parent.appendingPathComponent(".decision-2026-12.partial-\(getpid())")
        try FileManager.default.createDirectory(at: killed.appendingPathComponent("decision-2026-12/data"), withIntermediateDirectories: true)
        try Data([1]).write(to: killed.appendingPathComponent("decision-2026-12.zip.aB3xYz"))
        try Data([1]).write(to: parent.appendingPathComponent(".decision-2026-12.check.json.partial-999999"))
        try Data([1]).write(to: parent.appendingPathComponent(".decision-2026-12.check.html.partial-1"))  // init runs
        let removed = BagStreamWriter.removeAbandonedStaging(in: parent)
        #expect(
            removed.sorted() == [".decision-2026-12.check.json.partial-999999", ".decision-2026-12.partial-\(getpid())"])
        let left = try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted()
        #expect(left == [".decision-2026-12.check.html.partial-1", ".decision-2026-13.partial-\(getpid())"])
        _ = try live.finish(info: sampleInfo(), keyring: try keyring())
        #expect(FileManager.default.fileExists(atPath: parent.path + "/decision-2026-13/bagit.txt"))
    }

    /// A file far larger than the chunk is copied in chunks: the process's peak memory does not
    /// grow by the file's size (a writer reading it whole would add 192 MiB to the peak).
    @Test func aLargeFileIsNeverReadWhole() throws {
        let k = try keyring()
        let size = 512 << 20
        let url = URL(fileURLWithPath: dir + "/large.bin")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let fd = open(url.path, O_WRONLY)
        #expect(ftruncate(fd, off_t(size)) == 0)  // sparse: zeros, nothing written to disk
        close(fd)
        func peakKiB() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_maxrss
        }
        func status(_ field: String) throws -> Int {
            let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            return text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        }
        // The whole test run shares this process, and another test may already have taken its
        // peak past the current memory plus the file (the peak would then not show a whole
        // read): the peak is reset to the current memory first (`clear_refs` 5, Linux ≥ 4.0), so
        // reading the file whole would raise it by the file's 512 MiB.
        let reset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let currentKiB = try status("VmRSS")
        let before = reset ? try status("VmHWM") : peakKiB()
        let bag = try BagStreamWriter(name: "decision-2026-12", into: dir + "/large", chunkSize: 1 << 16)
        #expect(try bag.add("large.bin", copying: url))
        let written = try bag.finish(info: sampleInfo(), keyring: k)
        let after = reset ? try status("VmHWM") : peakKiB()
        // A whole read would take the peak to at least the current memory plus the file.
        #expect(after < max(before, currentKiB + (size >> 10)), "peak \(before) → \(after) KiB, current \(currentKiB) KiB")
        #expect(reset || before < currentKiB + (size >> 10), "the peak could not be reset and was already above what a whole read would make")
        #expect(written.payloadBytes == size)
        let manifest = try String(contentsOfFile: written.folder! + "/manifest-sha256.txt", encoding: .utf8)
        let zeros = Hex.lowercase(SHA256.hash(data: [UInt8](repeating: 0, count: size)))
        #expect(manifest == "\(zeros) data/large.bin\n")
    }
}

/// `metadata.xml` is read node by node (libxml2's streaming reader), with the same refusals as
/// a tree: entity declarations, DTDs with identifiers, anything not well-formed.
@Suite struct PackageMetadataReaderTests {
    @Test func recordsAreReadFieldByField() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <电子文件元数据 全宗号="J012" 立档单位="焦作市职改办" 标准="DA/T 46-2009">
              <记录>
                <档号>J012-2026-Y-ZCB-0001</档号>
                <题名>申报表（张三，申报 A1）&amp;<![CDATA[<附>]]></题名>
                <文号/>
                <数字摘要 算法="SHA-256">  abc  </数字摘要>
              </记录>
              <记录>
                <计算机文件名>applications/A2/events.json</计算机文件名>
              </记录>
            </电子文件元数据>
            """
        let m = try PackageMetadata.parse(Array(xml.utf8))
        #expect(m.fonds == "J012")
        #expect(m.records.count == 2)
        #expect(m.records[0]["档号"] == "J012-2026-Y-ZCB-0001")
        #expect(m.records[0]["题名"] == "申报表（张三，申报 A1）&<附>")
        #expect(m.records[0]["文号"] == "")
        #expect(m.records[0]["数字摘要"] == "abc")
        #expect(m.records[0].digestAlgorithm == "SHA-256")
        #expect(m.records[0].line == 3)
        #expect(m.records[1].label == "data/applications/A2/events.json")
    }

    @Test func unsafeOrMalformedFilesAreRefused() {
        let cases = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e \"boom\">]>\n<电子文件元数据/>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE 电子文件元数据 SYSTEM \"http://example.com/x.dtd\">\n<电子文件元数据/>",
            "<电子文件元数据><记录><档号>1</记录></电子文件元数据>",
            "<other/>",
            "<电子文件元数据><文件/></电子文件元数据>",
            "",
        ]
        for xml in cases {
            #expect(throws: (any Error).self, "\(xml)") { try PackageMetadata.parse(Array(xml.utf8)) }
        }
    }
}
