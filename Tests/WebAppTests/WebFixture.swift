import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Season
import Signing
import Store
import Testing
import Workflow

@testable import WebApp

/// A clock the tests move by hand (seconds).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 1000

    var now: Double { lock.withLock { seconds } }
    func advance(by delta: Double) { lock.withLock { seconds += delta } }
}

/// Two demo seasons of 30 applications, built once for the whole test target: one run to the
/// end (valid and revoked certificates), one stopped while results are in public notice.
struct WebFixture: Sendable {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let rules: Rulebook
    /// The finished season.
    let store: EventStore
    /// A season stopped during a public notice.
    let noticeStore: EventStore
    let valid: CertificateDetails
    let revoked: CertificateDetails
    let revocation: CertificateRevocation

    private static let shared = Result { () throws -> WebFixture in try WebFixture.make() }

    static func get() throws -> WebFixture { try shared.get() }

    static func make() throws -> WebFixture {
        let rules = try Rulebook.load(directory: repoRoot.appendingPathComponent("policy").path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)

        let signer = CertificateSigner(
            keyring: try DemoSeason.demoKeyring(directory: dir.appendingPathComponent("keys").path, seed: 2026))
        let store = try EventStore(path: dir.appendingPathComponent("season.sqlite").path)
        _ = try DemoSeason(
            store: store, rules: rules, configuration: .init(applications: 30, seed: 2026), signer: signer,
            forms: try FormSupport.library
        ).run()
        var valid: CertificateDetails?
        var revoked: (CertificateDetails, CertificateRevocation)?
        for id in try store.streamIDs(CertificateMachine.self) {
            guard let state = try store.load(CertificateMachine.self, id: id)?.state, let d = state.details else {
                continue
            }
            if state.status == .valid, valid == nil { valid = d }
            if state.status == .revoked, revoked == nil, let r = state.revocation { revoked = (d, r) }
        }

        // Stop a second season (same seed) a little further each time until results are in notice.
        let noticeStore = try EventStore(path: dir.appendingPathComponent("notice.sqlite").path)
        var stop = 100
        while try noticeStore.streamIDs(ApplicationMachine.self, status: ApplicationStage.publicNotice.rawValue).count
            < 2
        {
            stop += 15
            guard stop < 5000 else { throw FixtureError("no public notice found in the demo season") }
            do {
                _ = try DemoSeason(
                    store: noticeStore, rules: rules,
                    configuration: .init(applications: 30, seed: 2026, stopAfterStep: stop), signer: signer,
                    forms: try FormSupport.library
                ).run()
                throw FixtureError("the season ended before a public notice was seen")
            } catch SeasonError.interrupted {
                continue
            }
        }
        guard let valid, let revoked else {
            throw FixtureError("the demo season issued no valid and revoked certificates")
        }
        return WebFixture(
            rules: rules, store: store, noticeStore: noticeStore, valid: valid, revoked: revoked.0,
            revocation: revoked.1)
    }

    /// A configuration on `store` with the repository's `web/` folder, a fixed wall clock and
    /// the given limiter settings.
    func configuration(
        store: EventStore? = nil, limit: RateLimit = .verificationDefault, clock: ManualClock = ManualClock(),
        clientAddressHeader: String? = nil
    ) -> WebConfiguration {
        var configuration = WebConfiguration(
            store: store ?? self.store, rules: rules,
            webDirectory: Self.repoRoot.appendingPathComponent("web").path, verificationLimit: limit,
            clientAddressHeader: clientAddressHeader, clock: { clock.now },
            now: { Date(timeIntervalSince1970: 1_780_000_000) })
        configuration.formsDirectory = Self.repoRoot.appendingPathComponent("forms").path
        configuration.templatesDirectory = Self.repoRoot.appendingPathComponent("templates").path
        configuration.passwordCost = 4
        return configuration
    }

    /// A fresh folder for a test's documents and uploads (`WebConfiguration.dataDirectory`).
    static func temporaryDataDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-web-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Runs `body` against the router of `configuration`, without sockets.
    func withApp(
        _ configuration: WebConfiguration? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = Application(router: try buildRouter(configuration: configuration ?? self.configuration()))
        try await app.test(.router, body)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Percent-encodes a query value (everything but unreserved characters).
func encoded(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

/// GETs `uri` and returns status, headers and body text.
func get(
    _ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = [:]
) async throws -> (
    status: HTTPResponse.Status, headers: HTTPFields, body: String
) {
    try await client.execute(uri: uri, method: .get, headers: headers) { response in
        (response.status, response.headers, String(buffer: response.body))
    }
}

/// Runs `xmllint --noout` over `text`; returns its complaints (empty when well-formed).
func xmllintProblems(_ text: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-page-\(UUID().uuidString).xhtml")
    try Data(text.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
    process.arguments = ["--noout", "--nonet", file.path]
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? "" : String(decoding: output, as: UTF8.self)
}
