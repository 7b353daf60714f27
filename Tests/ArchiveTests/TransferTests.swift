import Domain
import Foundation
import Signing
import Testing

@testable import Archive

@Suite struct TransferTests {
    let dir = temporaryDirectory()
    typealias Fixture = ArchivePackageFixture

    func keyring(_ folder: String = "keys") throws -> OfficeKeyring {
        try OfficeKeyring.open(directory: dir + "/" + folder, now: keyringCreated)
    }

    func checker(_ keys: PublicKeySet, trust: String = "测试密钥库") -> FourPropertyCheck {
        FourPropertyCheck(keys: keys, trust: trust)
    }

    /// `archive/` with two 2026 packages (a folder with its zip beside it, and a zip) and one of 2025.
    func archive(_ k: OfficeKeyring) throws -> String {
        let archive = dir + "/archive"
        let first = try Fixture.package(keyring: k)
        try Fixture.write(first, into: archive)
        try BagZip.write(first, date: Fixture.info().baggingDate, to: archive + "/decision-2026-12.zip")
        var info13 = Fixture.info(date: Day(year: 2026, month: 6, day: 1)!)
        info13.externalIdentifier = "焦职改〔2026〕13号"
        var records = Fixture.defaultRecords()
        for i in records.indices where records[i].retention == .permanent { records[i].item += 4 }
        records[4].item = 2
        let second = try Fixture.package(keyring: k, records: records, name: "decision-2026-13", info: info13)
        try BagZip.write(second, date: info13.baggingDate, to: archive + "/decision-2026-13.zip")
        var info25 = Fixture.info(date: Day(year: 2025, month: 12, day: 1)!)
        info25.externalIdentifier = "焦职改〔2025〕9号"
        try Fixture.write(try Fixture.package(keyring: k, name: "decision-2025-9", info: info25), into: archive)
        // A report beside a package is not a package.
        try Data("{}".utf8).write(to: URL(fileURLWithPath: archive + "/decision-2026-12.check.json"))
        return archive
    }

    func makeBatch(_ k: OfficeKeyring, archive: String, into batch: String) throws -> TransferList {
        let names = try Transfer.select(from: archive, year: 2026, names: nil)
        return try Transfer.make(
            packages: names, from: archive, into: batch, batchName: "移交-2026-J012", year: 2026, keyring: k,
            organization: "焦作市职称改革领导小组办公室", fonds: Fixture.fonds, check: checker(k.publicKeys), now: fixedNow)
    }

    @Test func transferAndReceiveRoundTrip() throws {
        let k = try keyring()
        let archive = try archive(k)
        #expect(
            try Transfer.select(from: archive, year: 2026, names: nil) == [
                "decision-2026-12.zip", "decision-2026-13.zip",
            ])
        #expect(try Transfer.select(from: archive, year: 2026, names: ["decision-2026-12"]) == ["decision-2026-12.zip"])
        let batch = dir + "/batch"
        let list = try makeBatch(k, archive: archive, into: batch)
        #expect(list.packages.map(\.name) == ["decision-2026-12.zip", "decision-2026-13.zip"])
        #expect(list.packages.map(\.records) == [5, 5])
        #expect(
            list.packages[0].codeRanges == [
                .init(first: "J012-2026-Y-ZCB-0001", last: "J012-2026-Y-ZCB-0004", count: 4),
                .init(first: "J012-2026-D30-ZCB-0001", last: "J012-2026-D30-ZCB-0001", count: 1),
            ])
        #expect(list.packages[0].rangesText == "J012-2026-Y-ZCB-0001 至 0004（4 件）；J012-2026-D30-ZCB-0001（1 件）")
        #expect(list.packages[1].codeRanges.first?.last == "J012-2026-Y-ZCB-0008")
        #expect(list.packages.allSatisfy { $0.check == "passed" })
        for file in [
            Transfer.listFile, Transfer.listHTML, Transfer.signatureFile, "reports/decision-2026-12.zip.check.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: batch + "/" + file), "\(file)")
        }
        let html = Array(try Data(contentsOf: URL(fileURLWithPath: batch + "/" + Transfer.listHTML)))
        #expect(ContentInspection.inspect(path: "l.html", bytes: html).wellFormedProblems == [])
        // No key travels in the batch.
        let everything = FileManager.default.enumerator(atPath: batch)?.allObjects as? [String] ?? []
        #expect(!everything.contains { $0.contains("key") })

        // The receiver trusts the sender's public keys it was handed (not the batch).
        let receiverKeys = try PublicKeySet.load(path: try exportedKeys(k))
        let (receipt, reports) = Transfer.receive(
            batch: batch, check: checker(receiverKeys, trust: "移交单位公钥"), now: fixedNow)
        #expect(receipt.problems == [])
        #expect(receipt.packages.map(\.problems) == [[], []])
        #expect(receipt.accepted)
        #expect(reports.count == 2)
        #expect(reports.values.allSatisfy { $0.occasion == .receipt && $0.passed })
        try Transfer.writeReceipt(receipt, reports: reports, into: batch)
        let stored = try JSONDecoder().decode(
            TransferReceipt.self, from: Data(contentsOf: URL(fileURLWithPath: batch + "/" + Transfer.receiptFile)))
        #expect(stored.accepted && stored.listSHA256 == receipt.listSHA256)
        #expect(FileManager.default.fileExists(atPath: batch + "/receipt-reports/decision-2026-13.zip.check.html"))
        #expect(receipt.text.contains("结论：接收。"))
    }

    func exportedKeys(_ k: OfficeKeyring) throws -> String {
        let path = dir + "/handed-over-public-keys.json"
        try k.exportPublicKeys(to: path)
        return path
    }

    @Test func aTamperedBatchIsNotReceived() throws {
        let k = try keyring()
        let archive = try archive(k)
        let batch = dir + "/batch"
        try makeBatch(k, archive: archive, into: batch)
        let keys = k.publicKeys

        // A changed byte in a package: its digest and its check fail, naming it.
        let zip = batch + "/packages/decision-2026-13.zip"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: zip)))
        bytes[bytes.count / 3] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: zip))
        let (receipt, _) = Transfer.receive(batch: batch, check: checker(keys), now: fixedNow)
        #expect(!receipt.accepted)
        #expect(receipt.packages.first { $0.name == "decision-2026-12.zip" }?.accepted == true)
        let bad = try #require(receipt.packages.first { $0.name == "decision-2026-13.zip" })
        #expect(!bad.accepted)
        #expect(bad.problems.contains { $0.contains("SHA-256 与移交清单不符") })
        #expect(receipt.text.contains("结论：不接收。"))

        // An edited list: the signature fails.
        let listURL = URL(fileURLWithPath: batch + "/" + Transfer.listFile)
        let edited = String(decoding: try Data(contentsOf: listURL), as: UTF8.self).replacingOccurrences(
            of: "\"records\" : 5", with: "\"records\" : 6")
        try Data(edited.utf8).write(to: listURL)
        let (receipt2, _) = Transfer.receive(batch: batch, check: checker(keys), now: fixedNow)
        #expect(receipt2.problems.contains { $0.contains("移交清单的签名无效") })

        // A package slipped in: named.
        try FileManager.default.copyItem(
            atPath: archive + "/decision-2025-9", toPath: batch + "/packages/decision-2025-9")
        let (receipt3, _) = Transfer.receive(batch: batch, check: checker(keys), now: fixedNow)
        #expect(receipt3.problems.contains { $0.contains("packages/decision-2025-9 不在移交清单中") })
    }

    @Test func theReceiverTrustsOnlyTheKeysItIsGiven() throws {
        let k = try keyring()
        let archive = try archive(k)
        let batch = dir + "/batch"
        try makeBatch(k, archive: archive, into: batch)
        // A public-keys.json dropped into the batch changes nothing.
        let forger = try keyring("forger")
        try forger.exportPublicKeys(to: batch + "/public-keys.json")
        let (receipt, _) = Transfer.receive(batch: batch, check: checker(forger.publicKeys), now: fixedNow)
        #expect(!receipt.accepted)
        #expect(receipt.problems.contains { $0.contains("不在接收方持有的移交单位公钥中") })
        #expect(receipt.packages.allSatisfy { p in p.problems.contains { $0.contains("真实性") } })
    }

    @Test func aPackageFailingTheHandOverCheckStopsTheBatch() throws {
        let k = try keyring()
        let archive = try archive(k)
        try FileManager.default.removeItem(atPath: archive + "/decision-2026-12/data/committee/S-2026-01/minutes.odt")
        let batch = dir + "/batch"
        #expect {
            try Transfer.make(
                packages: ["decision-2026-12", "decision-2026-13.zip"], from: archive, into: batch,
                batchName: "移交-2026-J012", year: 2026, keyring: k, organization: "焦作市职改办", fonds: Fixture.fonds,
                check: checker(k.publicKeys), now: fixedNow)
        } throws: { error in
            guard let refusal = error as? Transfer.Refusal else { return false }
            return refusal.failed.map(\.package) == ["decision-2026-12"] && refusal.message.contains("decision-2026-12")
        }
        #expect(!FileManager.default.fileExists(atPath: batch + "/" + Transfer.listFile))
    }
}
