import Domain
import Foundation
import Signing
import Testing

@testable import Archive

/// The four-property check reads each payload file once (the verifier's hashing read hands it
/// to the content inspection) and an archive run's checks share what they found per content
/// (`InspectionMemo`); neither may change a report.
@Suite struct OneReadCheckTests {
    let dir = temporaryDirectory()
    typealias Fixture = ArchivePackageFixture

    func keyring() throws -> OfficeKeyring { try OfficeKeyring.open(directory: dir + "/keys", now: keyringCreated) }

    func check(_ path: String, _ k: OfficeKeyring, memo: InspectionMemo? = nil) -> FourPropertyReport {
        FourPropertyCheck(keys: k.publicKeys, trust: "测试密钥库", memo: memo).check(
            path: path, occasion: .filing, now: fixedNow)
    }

    /// The package with one HTML carrying a script.
    func scripted(_ k: OfficeKeyring, into folder: String) throws -> String {
        var payload = Fixture.defaultPayload()
        let page = String(decoding: payload[1].bytes, as: UTF8.self).replacingOccurrences(
            of: "</head>", with: "<script>alert(1)</script></head>")
        payload[1].bytes = Array(page.utf8)
        return try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: folder)
    }

    @Test func aSharedMemoChangesNoReportAndKeepsOnlyCleanFiles() throws {
        let k = try keyring()
        let good = try Fixture.write(try Fixture.package(keyring: k), into: dir + "/a")
        let bad = try scripted(k, into: dir + "/b")
        let memo = InspectionMemo()
        let first = [check(good, k, memo: memo), check(bad, k, memo: memo)]
        let kept = memo.count
        // Seven payload files, six clean ones with distinct content in the good package; the bad
        // package adds nothing clean that is new.
        #expect(kept == Fixture.defaultPayload().count)
        let again = [check(good, k, memo: memo), check(bad, k, memo: memo)]
        let alone = [check(good, k), check(bad, k)]
        #expect(memo.count == kept)
        for (a, (b, c)) in zip(first, zip(again, alone)) {
            #expect(a.json() == b.json())
            #expect(a.json() == c.json())
        }
        // The script is found every time, never remembered as clean.
        #expect(again[1].failures.map(\.id) == ["security.executable"])
        #expect(again[1].item("security.executable")?.files == ["data/decision/qualification-notice/通知.html"])
    }

    @Test func aFileTheManifestDoesNotListIsStillInspected() throws {
        let k = try keyring()
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        // Dropped into the package after signing: not hashed by the verifier (not listed), so
        // read by the content pass on its own.
        try Data("<html><head><script>x()</script></head><body></body></html>".utf8).write(
            to: URL(fileURLWithPath: path + "/data/extra.html"))
        let report = check(path, k)
        #expect(report.item("integrity.manifest")?.outcome == .failed)
        #expect(report.item("security.executable")?.files == ["data/extra.html"])
    }
}
