import Crypto
import Foundation
import Signing
import Testing

@testable import Archive

@Suite struct KeyringTests {
    @Test func keyIsCreatedOnFirstUseWith0600() throws {
        let dir = temporaryDirectory()
        let keyring = try OfficeKeyring.open(directory: dir, now: fixedNow)
        #expect(keyring.currentKeyID.count == 16)
        #expect(mode(of: "\(dir)/\(keyring.currentKeyID).key") == 0o600)
        let again = try OfficeKeyring.open(directory: dir)
        #expect(again.currentKeyID == keyring.currentKeyID)
        #expect(again.publicKeys.keys.count == 1)
    }

    @Test func looseKeyPermissionsAreRefused() throws {
        let dir = temporaryDirectory()
        let keyring = try OfficeKeyring.open(directory: dir, now: fixedNow)
        let file = "\(dir)/\(keyring.currentKeyID).key"
        chmod(file, 0o644)
        #expect(throws: SigningError.looseKeyPermissions(path: file, mode: "0644")) {
            try OfficeKeyring.open(directory: dir)
        }
        do {
            _ = try OfficeKeyring.open(directory: dir)
        } catch {
            #expect(error.chinese.contains("0600"))
        }
    }

    @Test func signaturesAreDeterministic() throws {
        // swift-crypto on Linux signs through BoringSSL's ED25519_sign (RFC 8032, deterministic);
        // package bytes and certificate codes rely on it.
        let keyring = try OfficeKeyring.open(directory: temporaryDirectory(), now: fixedNow)
        let message = Array("焦职改〔2026〕12号".utf8)
        #expect(keyring.sign(message).signature == keyring.sign(message).signature)
        #expect(keyring.sign(message).signature.count == 64)
    }

    @Test func rotationKeepsTheOldPublicKeyAndExports() throws {
        let dir = temporaryDirectory()
        let first = try OfficeKeyring.open(directory: dir, now: fixedNow)
        let second = try first.rotate(now: fixedNow.addingTimeInterval(86_400))
        #expect(second.currentKeyID != first.currentKeyID)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(first.currentKeyID).key"))
        let reopened = try OfficeKeyring.open(directory: dir)
        #expect(reopened.currentKeyID == second.currentKeyID)
        #expect(reopened.publicKeys.entry(first.currentKeyID)?.retired != nil)
        #expect(reopened.publicKeys.entry(second.currentKeyID)?.retired == nil)
        let export = dir + "/public-keys.json"
        try reopened.exportPublicKeys(to: export)
        let loaded = try PublicKeySet.load(path: export)
        #expect(loaded == reopened.publicKeys)
        #expect(loaded.keys.allSatisfy { $0.algorithm == "Ed25519" && $0.signingKey != nil })
    }

    @Test func unsafePathsAreRefused() {
        for bad in ["/etc/passwd", "../evil", "a/../b", "a//b", "a/./b", "a/", "", "a\\b", "a\nb"] {
            #expect(SafePath.problem(bad) != nil, "\(bad)")
        }
        for good in ["a", "a/b.txt", "申报表/张三.odt", "100% done.txt", "..x", "x.."] {
            #expect(SafePath.problem(good) == nil, "\(good)")
        }
        #expect(throws: ArchiveError.self) { try SafePath.join(URL(fileURLWithPath: "/tmp/x"), "../y") }
    }
}
