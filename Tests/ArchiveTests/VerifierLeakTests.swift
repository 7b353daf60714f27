import Foundation
import Signing
import Testing

@testable import Archive

/// Found by LeakSanitizer in the bag fuzz target (scripts/fuzz.sh): the container's cursor held
/// it strongly, so every verification leaked the package — its files in memory, or its zip
/// reader with the file it keeps open (an auditor's /audit page verifies on every visit).
@Suite struct VerifierLeakTests {
    let dir = temporaryDirectory()

    func bag() throws -> (BagPackage, PublicKeySet) {
        let keyring = try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated)
        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: samplePayload(), info: sampleInfo(), keyring: keyring)
        return (bag, keyring.publicKeys)
    }

    @Test func aVerifiedPackageInMemoryIsReleased() throws {
        let (bag, keys) = try bag()
        weak var released: BagContainer?
        do {
            let container = BagContainer.memory(bag.files, name: bag.name)
            released = container
            #expect(BagVerifier.verify(container, keys: keys, budget: .standard).isValid)
        }
        #expect(released == nil)
    }

    @Test func aVerifiedZipIsReleased() throws {
        let (bag, keys) = try bag()
        let zip = dir + "/decision-2026-12.zip"
        try BagZip.write(bag, date: sampleInfo().baggingDate, to: zip)
        weak var released: BagContainer?
        do {
            let container = BagContainer.open(path: zip, budget: .standard)
            released = container
            #expect(BagVerifier.verify(container, keys: keys, budget: .standard).isValid)
        }
        #expect(released == nil)
    }
}
