import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Signing
import Store
import Testing

@testable import Archive
@testable import WebApp

/// Issue 13 item 2 on `/audit`: a package is verified against the office's keyring in
/// `DIR/keys` and against the database — never against a `public-keys.json` in the archive.
@Suite struct AuditPackageTests {
    static let password = "Audit2026pass"

    /// A data folder with the office keyring (made before the season's decisions) and the
    /// signed package of the finished season's first confirmation.
    func office(_ fixture: WebFixture) throws -> (data: String, package: String, keyring: OfficeKeyring) {
        let data = try WebFixture.temporaryDataDirectory()
        let keyring = try OfficeKeyring.open(
            directory: data + "/keys", now: Date(timeIntervalSince1970: 1_767_225_600))
        let number = try #require(try fixture.store.applicationDocumentNumbers().first)
        let archiver = DecisionArchiver(
            store: fixture.store, keyring: keyring,
            documents: ClosureDocumentSource(dossier: { _ in [] }, decision: { _, _ in [] }), organization: "焦作市职改办")
        let written = try archiver.write(.confirmation(documentNumber: number), into: data + "/archive")
        return (data, written.folder!, keyring)
    }

    func page(_ fixture: WebFixture, data: String, _ path: String) async throws -> TestBrowser.Page {
        var configuration = fixture.configuration()
        configuration.dataDirectory = data
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        let username = "auditor-\(UUID().uuidString.prefix(8))"
        _ = try fixture.store.insertAccount(
            NewAccount(username: username, passwordHash: hash, role: .auditor, displayName: "审计员"), now: Date())
        let result = Box()
        try await fixture.withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn(username, Self.password)
            result.page = try await browser.get(path)
        }
        return try #require(result.page)
    }

    final class Box: @unchecked Sendable { var page: TestBrowser.Page? }

    @Test func aGenuinePackageVerifiesAgainstTheKeyringAndTheDatabase() async throws {
        let fixture = try WebFixture.get()
        let (data, package, _) = try office(fixture)
        let name = URL(fileURLWithPath: package).lastPathComponent
        let page = try await page(fixture, data: data, "/audit/packages/\(name)")
        #expect(page.status == .ok)
        #expect(page.body.contains("id=\"package-valid\""), "\(page.body)")
        #expect(page.body.contains("与数据库中的决定一致"))
    }

    @Test func aPackageReSignedWithAKeyBesideItIsRefused() async throws {
        let fixture = try WebFixture.get()
        let (data, package, keyring) = try office(fixture)
        // A forger re-signs the tag manifest and puts the key in public-keys.json in the archive.
        let forger = try OfficeKeyring.open(
            directory: data + "/forger", now: Date(timeIntervalSince1970: 1_767_225_600))
        let tags = Array(try Data(contentsOf: URL(fileURLWithPath: package + "/tagmanifest-sha256.txt")))
        let (keyID, signature) = forger.sign(tags)
        try Data(BagLayout.signatureFile(keyID: keyID, signature: signature))
            .write(to: URL(fileURLWithPath: package + "/signature-ed25519.txt"))
        try Data(PublicKeySet(keys: keyring.publicKeys.keys + forger.publicKeys.keys).encoded())
            .write(to: URL(fileURLWithPath: data + "/archive/public-keys.json"))
        let name = URL(fileURLWithPath: package).lastPathComponent
        let page = try await page(fixture, data: data, "/audit/packages/\(name)")
        #expect(page.status == .ok)
        #expect(page.body.contains("id=\"package-problems\""))
        #expect(page.body.contains("签名密钥不在职改办密钥库中"), "\(page.body)")
    }

    @Test func aPackageUnderAnotherNameIsRefused() async throws {
        let fixture = try WebFixture.get()
        let (data, package, _) = try office(fixture)
        try FileManager.default.moveItem(atPath: package, toPath: data + "/archive/decision-2026-99")
        let page = try await page(fixture, data: data, "/audit/packages/decision-2026-99")
        #expect(page.body.contains("归档包名称与其所载决定不符"), "\(page.body)")
    }
}
