import Domain
import Foundation
import Signing
import Store
import Testing
import ZipKit

@testable import Archive

/// Issue 13 item 2: trust comes from the office's keyring (with validity periods and
/// revocation), never from the package; a package's name must be its decision's; verifying
/// streams within a budget, so a zip bomb or a huge sparse file fails fast in bounded memory.
@Suite struct TrustAndBudgetTests {
    let dir = temporaryDirectory()

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    /// The office's trusted keys as a verifier reads them: from the keyring folder.
    func office() throws -> PublicKeySet { try OfficeKeyring.trustedKeys(directory: dir + "/keys") }

    func makeBag(
        _ keyring: OfficeKeyring, name: String = "decision-2026-12", info: BagInfo = sampleInfo(),
        in folder: String = "archive"
    ) throws -> String {
        let bag = try BagWriter.build(name: name, payload: samplePayload(), info: info, keyring: keyring)
        return try BagWriter.write(bag, into: dir + "/" + folder, replace: true)
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// A forger edits a payload file, rewrites both manifests, signs the tag manifest with a key
    /// of their own and adds that key to a `public-keys.json` beside the package.
    func forge(_ path: String) throws {
        let file = path + "/data/applications/A1/events.json"
        try write(Array("[{\"version\":9}]\n".utf8), file)  // same length: Payload-Oxum holds
        var manifest: [(path: String, hash: String)] = []
        for line in String(decoding: try bytes(path + "/manifest-sha256.txt"), as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            manifest.append((parts[1], BagLayout.sha256Hex(try bytes(path + "/" + parts[1]))))
        }
        try write(BagLayout.manifest(manifest), path + "/manifest-sha256.txt")
        let tags = BagLayout.manifest(
            try [BagLayout.declaration, BagLayout.info, BagLayout.manifest].map {
                ($0, BagLayout.sha256Hex(try bytes(path + "/" + $0)))
            })
        try write(tags, path + "/tagmanifest-sha256.txt")
        let forger = try OfficeKeyring.open(directory: dir + "/forger", now: keyringCreated)
        let (keyID, signature) = forger.sign(tags)
        try write(BagLayout.signatureFile(keyID: keyID, signature: signature), path + "/signature-ed25519.txt")
        let beside = PublicKeySet(keys: try office().keys + forger.publicKeys.keys)
        try write(beside.encoded(), URL(fileURLWithPath: path).deletingLastPathComponent().path + "/public-keys.json")
    }

    @Test func aPackageReSignedWithAKeyAddedToItsOwnPublicKeysFails() throws {
        let k = try keyring()
        let path = try makeBag(k)
        #expect(BagVerifier.verify(path: path, keys: try office()).isValid)
        try forge(path)
        // Against the office's keyring: the forger's key is unknown, whatever lies beside the package.
        let report = BagVerifier.verify(path: path, keys: try office())
        #expect(!report.isValid)
        #expect(report.problems.map(\.kind) == [.unknownKey])
        #expect(report.problems.first?.chinese.contains("不在职改办密钥库中") == true)
        // What the old default did (trust the file beside the package) would have passed.
        let beside = try PublicKeySet.load(path: dir + "/archive/public-keys.json")
        #expect(BagVerifier.verify(path: path, keys: beside).isValid)
    }

    @Test func aPackageCopiedUnderAnotherPackagesNameFails() throws {
        let k = try keyring()
        let original = try makeBag(k)
        // Decision 13's package replaced by a copy of decision 12's.
        let copy = dir + "/archive/decision-2026-13"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let report = BagVerifier.verify(path: copy, keys: try office())
        #expect(!report.isValid)
        #expect(report.problems.map(\.kind) == [.identity])
        #expect(report.problems.first?.chinese.contains("decision-2026-12") == true)
        #expect(report.problems.first?.chinese.contains("焦职改〔2026〕12号") == true)
        // The same as a zip: the zip's name, and its top folder, must be the decision's.
        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: samplePayload(), info: sampleInfo(), keyring: k)
        try BagZip.write(bag, date: sampleInfo().baggingDate, to: dir + "/decision-2026-13.zip")
        let zipped = BagVerifier.verify(path: dir + "/decision-2026-13.zip", keys: try office())
        #expect(zipped.problems.map(\.kind) == [.identity])
        let renamed = BagPackage(name: "decision-2026-13", files: bag.files)
        try BagZip.write(renamed, date: sampleInfo().baggingDate, to: dir + "/decision-2026-12.zip")
        let inner = BagVerifier.verify(path: dir + "/decision-2026-12.zip", keys: try office())
        #expect(inner.problems.map(\.kind) == [.identity])
        #expect(inner.problems.first?.path == "decision-2026-13")
    }

    @Test func aSessionPackageCannotPassAsADecisionOfTheSameDigits() throws {
        let k = try keyring()
        var info = sampleInfo()
        info.externalIdentifier = "S-2026-12"
        let payload = samplePayload() + [BagFile(path: "committee/S-2026-12/session.json", bytes: Array("{}\n".utf8))]
        let bag = try BagWriter.build(name: "session-S-2026-12", payload: payload, info: info, keyring: k)
        let path = try BagWriter.write(bag, into: dir + "/archive")
        #expect(BagVerifier.verify(path: path, keys: try office()).isValid)
        let disguised = dir + "/archive/decision-2026-12"
        try FileManager.default.copyItem(atPath: path, toPath: disguised)
        #expect(BagVerifier.verify(path: disguised, keys: try office()).problems.map(\.kind) == [.identity])
    }

    @Test func keysSignOnlyWithinTheirValidityAndBeforeRevocation() throws {
        let k = try keyring()  // valid from 2026-01-01
        let rotated = try k.rotate(now: Day("2026-06-01")!.startInstant.addingTimeInterval(9 * 3600))
        func dated(_ day: String, by keyring: OfficeKeyring, in folder: String) throws -> String {
            var info = sampleInfo()
            info.baggingDate = Day(day)!
            return try makeBag(keyring, info: info, in: folder)
        }
        // The old key signs until its last day, the new one from its first.
        #expect(BagVerifier.verify(path: try dated("2026-05-31", by: k, in: "a"), keys: try office()).isValid)
        #expect(BagVerifier.verify(path: try dated("2026-06-01", by: k, in: "b"), keys: try office()).isValid)
        let late = BagVerifier.verify(path: try dated("2026-06-02", by: k, in: "c"), keys: try office())
        #expect(late.problems.map(\.kind) == [.keyNotValid])
        #expect(late.problems.first?.chinese.contains("有效期至 2026-06-01") == true)
        let early = BagVerifier.verify(path: try dated("2025-12-31", by: k, in: "d"), keys: try office())
        #expect(early.problems.map(\.kind) == [.keyNotValid])
        let backdated = BagVerifier.verify(path: try dated("2026-05-01", by: rotated, in: "e"), keys: try office())
        #expect(backdated.problems.map(\.kind) == [.keyNotValid])
        #expect(BagVerifier.verify(path: try dated("2026-07-01", by: rotated, in: "f"), keys: try office()).isValid)
        // The old key is found compromised: revoked from 2026-03-01.
        #expect(throws: SigningError.self) {
            try OfficeKeyring.revoke(
                directory: dir + "/keys", keyID: rotated.currentKeyID, on: Day("2026-03-01")!, reason: "x")
        }
        try OfficeKeyring.revoke(
            directory: dir + "/keys", keyID: k.currentKeyID, on: Day("2026-03-01")!, reason: "密钥介质遗失")
        #expect(
            BagVerifier.verify(path: dir + "/a/decision-2026-12", keys: try office()).problems.map(\.kind) == [
                .keyRevoked
            ])
        let before = BagVerifier.verify(path: try dated("2026-02-28", by: k, in: "g"), keys: try office())
        #expect(before.isValid)
        let entry = try office().entry(k.currentKeyID)
        #expect(entry?.revokedOn == "2026-03-01")
        #expect(entry?.revocationReason == "密钥介质遗失")
        #expect(mode(of: dir + "/keys/keyring.json") == 0o600)
    }

    @Test func aKeyringOthersMayWriteIsNotTrusted() throws {
        _ = try keyring()
        chmod(dir + "/keys/keyring.json", 0o666)
        #expect(throws: SigningError.self) { try office() }
        chmod(dir + "/keys/keyring.json", 0o600)
        #expect(try office().keys.count == 1)
        #expect(throws: SigningError.self) { try OfficeKeyring.trustedKeys(directory: dir + "/nowhere") }
    }

    // MARK: - budget

    /// Writes a zip with one entry of `megabytes` of zeros, deflated (about 1,000:1).
    func bomb(_ path: String, megabytes: Int, entry: String) {
        let made = run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sys, zipfile
                z = zipfile.ZipFile(sys.argv[1], 'a', compression=zipfile.ZIP_DEFLATED)
                with z.open(sys.argv[3], 'w', force_zip64=True) as f:
                    chunk = bytes(1 << 20)
                    for _ in range(int(sys.argv[2])): f.write(chunk)
                z.close()
                """, path, String(megabytes), entry,
            ])
        #expect(made.status == 0, "\(made.output)")
    }

    @Test func aZipBombInASignedPackageFailsBeforeAnythingIsInflated() throws {
        let k = try keyring()
        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: samplePayload(), info: sampleInfo(), keyring: k)
        let zip = dir + "/decision-2026-12.zip"
        try BagZip.write(bag, date: sampleInfo().baggingDate, to: zip)
        bomb(zip, megabytes: 256, entry: "decision-2026-12/data/bomb.bin")
        let start = Date()
        let report = BagVerifier.verify(path: zip, keys: try office())
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(!report.isValid)
        #expect(report.problems.map(\.kind) == [.budget])
        #expect(report.problems.first?.chinese.contains("压缩比超过 100:1") == true)
        // Even allowed any ratio, an entry no manifest lists is named, never inflated.
        let lax = VerificationBudget(maxCompressionRatio: Int.max)
        let laxStart = Date()
        let again = BagVerifier.verify(path: zip, keys: try office(), budget: lax)
        #expect(Date().timeIntervalSince(laxStart) < 2)
        #expect(again.problems.map(\.kind) == [.added, .oxum])
        #expect(again.problems.first?.path == "data/bomb.bin")
    }

    @Test func aStreamedEntryStopsAtTheBudgetWhateverItDeclares() throws {
        // No signature to vouch for a size: the unsigned budget (here 8 MiB) holds, also for
        // an entry read through the zip stream.
        let zip = dir + "/decision-2026-12.zip"
        bomb(zip, megabytes: 32, entry: "decision-2026-12/bagit.txt")
        let reader = try ZipFileReader(path: zip)
        var seen = 0
        let end = try reader.stream(0, limit: 8 << 20) { seen += $0.count }
        guard case .overLimit(let n) = end else {
            Issue.record("read to the end: \(end)")
            return
        }
        #expect(n > 8 << 20 && n <= 9 << 20)
        #expect(seen <= 8 << 20)
        // Through the verifier: the unsigned budget stops the read of a listed file.
        let bag = BagContainer.open(
            path: zip, budget: VerificationBudget(maxPayloadBytes: 8 << 20, maxCompressionRatio: Int.max))
        #expect(bag.problems == [])
        #expect(throws: BagProblem.self) { try bag.read("bagit.txt", limit: 8 << 20) }
    }

    @Test func aHugeSparseFileFailsFastUnread() throws {
        let k = try keyring()
        let path = try makeBag(k)
        // 3 GB that take no disk space: reading them whole would take 3 GB of memory.
        let huge = path + "/data/decision/notice.odt"
        #expect(truncate(huge, 3 << 30) == 0)
        let start = Date()
        let report = BagVerifier.verify(path: path, keys: try office())
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(!report.isValid)
        #expect(report.problems.map(\.kind) == [.budget, .oxum])
        #expect(report.problems.first?.chinese.contains("超出允许的") == true)
        // Unsigned (the signature removed): the unsigned budget of 2 GiB refuses it as well.
        try FileManager.default.removeItem(atPath: path + "/signature-ed25519.txt")
        let unsigned = BagVerifier.verify(path: path, keys: try office())
        #expect(unsigned.problems.map(\.kind) == [.budget, .oxum, .signatureMissing])
    }

    @Test func aPackageHashesInChunksAndStillFindsAChangedFile() throws {
        let k = try keyring()
        let path = try makeBag(k)
        let small = VerificationBudget(chunkBytes: 7)
        #expect(BagVerifier.verify(path: path, keys: try office(), budget: small).isValid)
        let file = path + "/data/decision/notice.odt"
        var b = try bytes(file)
        b[2999] ^= 1
        try write(b, file)
        let report = BagVerifier.verify(path: path, keys: try office(), budget: small)
        #expect(report.problems.map(\.kind) == [.changed])
    }

    // MARK: - against the database

    @Test func thePackageMustBeTheDatabasesDecision() throws {
        let f = try StoreFixture(directory: dir)
        let archiver = DecisionArchiver(
            store: f.store, keyring: f.keyring, documents: StoreFixture.documents, organization: "焦作市职改办")
        let written = try archiver.write(
            .confirmation(documentNumber: StoreFixture.documentNumber), into: dir + "/archive")
        #expect(try DecisionArchiver.verifyHeads(store: f.store, package: written.folder!).problems == [])
        // A database that never took this decision.
        let other = try EventStore(path: dir + "/other.sqlite")
        let foreign = try DecisionArchiver.verifyHeads(store: other, package: written.folder!)
        #expect(foreign.problems.first?.kind == .decisionMissing)
        #expect(foreign.problems.first?.chinese.contains("焦职改〔2026〕12号") == true)
        #expect(foreign.problems.contains { $0.kind == .streamMissing })
        // A package missing one of the decision's applications.
        let cut = dir + "/cut/decision-2026-12"
        try FileManager.default.createDirectory(atPath: dir + "/cut", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: written.folder!, toPath: cut)
        try FileManager.default.removeItem(atPath: cut + "/data/applications/A-002")
        let missing = try DecisionArchiver.verifyHeads(store: f.store, package: cut)
        #expect(missing.problems.contains { $0.kind == .applicationMissing && $0.stream == "A-002" })
        #expect(missing.problems.contains { $0.kind == .headsMismatch && $0.stream == "application/A-002" })
    }
}
