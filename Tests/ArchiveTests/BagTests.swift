import Domain
import Foundation
import Signing
import Testing

@testable import Archive

@Suite struct BagTests {
    let dir = temporaryDirectory()

    /// A package named as the archiver names its decision (`decision-2026-12`), in `dir` or a
    /// folder under it.
    func makeBag(
        _ keyring: OfficeKeyring, payload: [BagFile] = samplePayload(), name: String = "decision-2026-12",
        info: BagInfo = sampleInfo(), in folder: String = ""
    )
        throws -> String
    {
        let bag = try BagWriter.build(name: name, payload: payload, info: info, keyring: keyring)
        return try BagWriter.write(bag, into: folder.isEmpty ? dir : dir + "/" + folder, replace: true)
    }

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    @Test func intactBagVerifiesAndPythonBagitAgrees() throws {
        let k = try keyring()
        let path = try makeBag(k)
        let report = BagVerifier.verify(path: path, keys: k.publicKeys)
        #expect(report.problems == [])
        #expect(report.isValid)
        #expect(report.signedBy?.keyID == k.currentKeyID)
        #expect(report.payloadFileCount == 5)
        #expect(report.externalIdentifier == "焦职改〔2026〕12号")
        #expect(pythonBagitProblem(path) == nil)
        let info = try String(contentsOfFile: path + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Bagging-Date: 2026-07-15\n"))
        #expect(info.contains("External-Identifier: 焦职改〔2026〕12号\n"))
        #expect(info.contains("Payload-Oxum: "))
        let manifest = try String(contentsOfFile: path + "/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains(" data/applications/A1/附件 1 (扫描件).txt\n"))
        let tags = try String(contentsOfFile: path + "/tagmanifest-sha256.txt", encoding: .utf8)
        #expect(!tags.contains(BagLayout.signature))
    }

    @Test func oneChangedByteNamesTheFile() throws {
        let k = try keyring()
        let path = try makeBag(k)
        let file = path + "/data/decision/notice.odt"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[1234] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let report = BagVerifier.verify(path: path, keys: k.publicKeys)
        #expect(!report.isValid)
        #expect(report.problems.map(\.kind) == [.changed])
        #expect(report.problems.first?.path == "data/decision/notice.odt")
        #expect(report.problems.first?.chinese.contains("notice.odt") == true)
        #expect(pythonBagitProblem(path) != nil)
    }

    @Test func addedAndRemovedFilesAreNamed() throws {
        let k = try keyring()
        let path = try makeBag(k)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path + "/data/decision/extra.txt"))
        try FileManager.default.removeItem(atPath: path + "/data/applications/A2/empty.txt")
        try Data("y".utf8).write(to: URL(fileURLWithPath: path + "/notes.txt"))
        let report = BagVerifier.verify(path: path, keys: k.publicKeys)
        #expect(!report.isValid)
        let byKind = Dictionary(grouping: report.problems, by: \.kind).mapValues { $0.compactMap(\.path) }
        #expect(byKind[.added]?.sorted() == ["data/decision/extra.txt", "notes.txt"])
        #expect(byKind[.missing] == ["data/applications/A2/empty.txt"])
        #expect(byKind[.oxum] != nil)  // Payload-Oxum counts differ too
    }

    @Test func editedManifestBreaksTheTagManifestAndRewrittenTagManifestBreaksTheSignature() throws {
        let k = try keyring()
        let path = try makeBag(k)
        // Change a payload file and fix its manifest line: the tag manifest catches it.
        let file = path + "/data/applications/A1/events.json"
        try Data("[{\"version\":2}]\n".utf8).write(to: URL(fileURLWithPath: file))
        let newHash = BagLayout.sha256Hex(Array("[{\"version\":2}]\n".utf8))
        var manifest = try String(contentsOfFile: path + "/manifest-sha256.txt", encoding: .utf8)
        let lines = manifest.split(separator: "\n").map { line in
            line.hasSuffix(" data/applications/A1/events.json")
                ? "\(newHash) data/applications/A1/events.json" : String(line)
        }
        manifest = lines.joined(separator: "\n") + "\n"
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: path + "/manifest-sha256.txt"))
        var report = BagVerifier.verify(path: path, keys: k.publicKeys)
        #expect(report.problems.map(\.kind) == [.changed])
        #expect(report.problems.first?.path == "manifest-sha256.txt")
        // Then fix the tag manifest as well: only the signature is left to tell.
        let tags = BagLayout.manifest(
            try ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"].map {
                ($0, BagLayout.sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + $0)))))
            })
        try Data(tags).write(to: URL(fileURLWithPath: path + "/tagmanifest-sha256.txt"))
        report = BagVerifier.verify(path: path, keys: k.publicKeys)
        #expect(report.problems.map(\.kind) == [.signatureInvalid])
        #expect(pythonBagitProblem(path) == nil)  // plain BagIt cannot tell; the signature can
    }

    @Test func swappedSignatureFails() throws {
        let k = try keyring()
        let a = try makeBag(k, in: "a")
        var other = samplePayload()
        other[0].bytes += [0x0A]
        let b = try makeBag(k, payload: other, in: "b")
        // Signature from another package, same key.
        try FileManager.default.removeItem(atPath: a + "/signature-ed25519.txt")
        try FileManager.default.copyItem(atPath: b + "/signature-ed25519.txt", toPath: a + "/signature-ed25519.txt")
        #expect(BagVerifier.verify(path: a, keys: k.publicKeys).problems.map(\.kind) == [.signatureInvalid])
        // Signature from another key that claims to be the office key.
        let stranger = try OfficeKeyring.open(directory: dir + "/stranger", now: fixedNow)
        let forged = stranger.sign(Array(try Data(contentsOf: URL(fileURLWithPath: a + "/tagmanifest-sha256.txt"))))
        try Data(BagLayout.signatureFile(keyID: k.currentKeyID, signature: forged.signature))
            .write(to: URL(fileURLWithPath: a + "/signature-ed25519.txt"))
        let report = BagVerifier.verify(path: a, keys: k.publicKeys)
        #expect(report.problems.map(\.kind) == [.signatureInvalid])
        #expect(!report.isValid)
    }

    @Test func unknownKeyAndMissingSignatureFail() throws {
        let k = try keyring()
        let path = try makeBag(k)
        let stranger = try OfficeKeyring.open(directory: dir + "/stranger", now: fixedNow)
        let report = BagVerifier.verify(path: path, keys: stranger.publicKeys)
        #expect(report.problems.map(\.kind) == [.unknownKey])
        #expect(report.problems.first?.chinese.contains("不在职改办密钥库中") == true)
        try FileManager.default.removeItem(atPath: path + "/signature-ed25519.txt")
        #expect(BagVerifier.verify(path: path, keys: k.publicKeys).problems.map(\.kind) == [.signatureMissing])
    }

    @Test func rotationKeepsOldPackagesVerifiable() throws {
        let k = try keyring()
        let old = try makeBag(k, in: "old")
        let rotated = try k.rotate(now: fixedNow.addingTimeInterval(3600))
        // The new key signs decisions from the day it became current (2026-09-21).
        var later = sampleInfo()
        later.baggingDate = Day(year: 2026, month: 10, day: 9)!
        let new = try makeBag(rotated, info: later, in: "new")
        try rotated.exportPublicKeys(to: dir + "/public-keys.json")
        let keys = try PublicKeySet.load(path: dir + "/public-keys.json")
        #expect(BagVerifier.verify(path: old, keys: keys).isValid)
        #expect(BagVerifier.verify(path: new, keys: keys).isValid)
        #expect(BagVerifier.verify(path: old, keys: keys).signedBy?.retired != nil)
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let k = try keyring()
        let one = try BagWriter.build(name: "d", payload: samplePayload(), info: sampleInfo(), keyring: k)
        let two = try BagWriter.build(
            name: "d", payload: samplePayload().reversed(), info: sampleInfo(), keyring: try keyring())
        #expect(one == two)
        let p1 = try BagWriter.write(one, into: dir + "/1")
        let p2 = try BagWriter.write(two, into: dir + "/2")
        let a = BagReader.read(path: p1).files
        let b = BagReader.read(path: p2).files
        #expect(a.keys.sorted() == b.keys.sorted())
        for (path, bytes) in a { #expect(b[path] == bytes, "\(path)") }
        #expect(a.count == 10)
        let z1 = try BagZip.archive(one, date: sampleInfo().baggingDate)
        let z2 = try BagZip.archive(two, date: sampleInfo().baggingDate)
        #expect(z1 == z2)
    }

    @Test func unsafePayloadPathsAreRefused() throws {
        let k = try keyring()
        for bad in ["/abs", "../up", "a/../../b", "a//b", "./a", "100% done.txt"] {
            #expect(throws: ArchiveError.self) {
                try BagWriter.build(name: "x", payload: [BagFile(path: bad, bytes: [])], info: sampleInfo(), keyring: k)
            }
        }
        #expect(throws: ArchiveError.duplicatePath("a")) {
            try BagWriter.build(
                name: "x", payload: [BagFile(path: "a", bytes: []), BagFile(path: "a", bytes: [1])], info: sampleInfo(),
                keyring: k)
        }
    }

    @Test func zipRoundTripVerifiesAndTamperingIsFound() throws {
        let k = try keyring()
        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: samplePayload(), info: sampleInfo(), keyring: k)
        let zip = dir + "/decision-2026-12.zip"
        try BagZip.write(bag, date: sampleInfo().baggingDate, to: zip)
        #expect(BagVerifier.verify(path: zip, keys: k.publicKeys).problems == [])
        #expect(BagVerifier.verify(path: zip, keys: k.publicKeys).isValid)
        // Python's bagit validates the extracted zip too.
        let out = dir + "/unzipped"
        let unzip = run(
            "/usr/bin/env",
            ["python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, out])
        #expect(unzip.status == 0, "\(unzip.output)")
        #expect(pythonBagitProblem(out + "/decision-2026-12") == nil)
        // A changed entry inside the zip.
        var files = bag.files
        files["data/decision/notice.odt"]![0] ^= 0xFF
        try BagZip.write(BagPackage(name: bag.name, files: files), date: sampleInfo().baggingDate, to: zip)
        let report = BagVerifier.verify(path: zip, keys: k.publicKeys)
        #expect(report.problems.map(\.kind) == [.changed])
        #expect(report.problems.first?.path == "data/decision/notice.odt")
    }

    @Test func maliciousZipEntriesAreRefusedAndNothingIsExtracted() throws {
        let zip = dir + "/evil.zip"
        let made = run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('bag/bagit.txt', 'BagIt-Version: 1.0\\n')\nz.writestr('../evil', 'x')\nz.writestr('/etc/evil', 'x')\nz.writestr('bag/data/../../evil2', 'x')\nz.close()",
                zip,
            ])
        #expect(made.status == 0, "\(made.output)")
        let read = try BagZip.read(path: zip)
        #expect(Set(read.refused.map(\.name)) == ["../evil", "/etc/evil", "bag/data/../../evil2"])
        #expect(read.files.keys.sorted() == ["bag/bagit.txt"])
        let report = BagVerifier.verify(path: zip, keys: PublicKeySet(keys: []))
        #expect(!report.isValid)
        #expect(report.problems.filter { $0.kind == .unsafePath }.count == 3)
        #expect(!FileManager.default.fileExists(atPath: dir + "/../evil"))
    }

    @Test func notABag() {
        let report = BagVerifier.verify(path: dir + "/nothing-here", keys: PublicKeySet(keys: []))
        #expect(report.problems.map(\.kind) == [.unreadable])
        #expect(!report.isValid)
    }
}

@Suite struct BenchmarkTests {
    @Test func smallBenchmarkRunsAndVerifies() throws {
        let dir = temporaryDirectory()
        let result = try ArchiveBenchmark.run(applications: 20, directory: dir, zip: true)
        #expect(result.files == 80)
        #expect(result.payloadBytes > 20 * 3 * 20_000)
        #expect(pythonBagitProblem(dir + "/decision-2026-99") == nil)
        if ProcessInfo.processInfo.environment["PINGSHEN_ARCHIVE_BENCH"] != nil {
            print(try ArchiveBenchmark.run(applications: 2_000, directory: temporaryDirectory(), zip: true))
        }
    }
}
