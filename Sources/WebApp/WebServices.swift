import Domain
import Forms
import Foundation
import Issuance
import Signing
import Store

/// What every part of the site shares, built once in `buildRouter`: the store, the rules, the
/// page templates, the forms, the workflow runner and the clock. Each area of the site is a
/// `…Routes` value made from this and added to the router there.
struct WebServices: Sendable {
    let configuration: WebConfiguration
    let pages: Pages
    let forms: FormLibrary
    let actions: WebActions
    /// Signs certificates (verification codes) with the office's key from `DIR/keys`; nil
    /// without a data directory.
    let signer: CertificateSigner?
    /// The office's certificate batches running in the background.
    let certificateRuns = CertificateRuns()

    var store: EventStore { configuration.store }
    var rules: Rulebook { configuration.rules }
    var policy: Policy { configuration.rules.policy }
    /// The workflow's "now" (simulated on a demo server).
    var now: Date { configuration.now() }
    var today: Day { Day(configuration.now()) }

    /// `DIR/documents`, where `DocumentDesk` renders and downloads are read from.
    var documentsDirectory: URL? {
        configuration.dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("documents") }
    }

    /// `DIR/uploads`, the applicants' attachments (content-addressed).
    var uploadsDirectory: URL? {
        configuration.dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("uploads") }
    }

    init(configuration: WebConfiguration, pages: Pages) throws {
        self.configuration = configuration
        self.pages = pages
        do {
            forms = try FormLibrary.load(directory: configuration.formsDirectory)
        } catch {
            throw WebSetupError("无法读取申报表定义 \(configuration.formsDirectory)：\(error)")
        }
        let library = forms
        let desk = configuration.dataDirectory.map {
            DocumentDesk(
                store: configuration.store, rules: configuration.rules, forms: library,
                templatesDirectory: configuration.templatesDirectory,
                outputDirectory: URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("documents"),
                attachments: AttachmentFolder(
                    root: URL(fileURLWithPath: $0, isDirectory: true).appendingPathComponent("uploads")))
        }
        if let dir = configuration.dataDirectory {
            do {
                signer = CertificateSigner(
                    keyring: try OfficeKeyring.open(
                        directory: URL(fileURLWithPath: dir, isDirectory: true).appendingPathComponent("keys").path))
            } catch {
                throw WebSetupError("无法打开签名密钥目录 \(dir)/keys：\(error)")
            }
        } else {
            signer = nil
        }
        actions = WebActions(store: configuration.store, rules: configuration.rules, now: configuration.now, desk: desk)
    }
}
