import Documents
import Domain
import Forms
import Foundation
import Store

/// Renders a server's queued documents into `directory/<kind>/<name>.odt|.html`, one batch at
/// a time, right after the step that queued them (the web site's `WebActions` call it after
/// every transaction). The compiled templates are kept; each batch gets a fresh
/// `DocumentService` (it caches histories, which later steps would make stale). An actor: one
/// batch at a time, whatever thread asks.
///
/// ```swift
/// let desk = DocumentDesk(store: store, rules: rules, forms: forms, templatesDirectory: "templates",
///                         outputDirectory: data.appendingPathComponent("documents"), attachments: nil)
/// await desk.issuePending()
/// ```
public actor DocumentDesk {
    let store: EventStore
    let rules: Rulebook
    let forms: FormLibrary
    let attachments: AttachmentFolder?
    let library: TemplateLibrary
    public let directory: URL
    /// What the last batch did (nil before the first, or when it failed as a whole).
    public private(set) var lastSummary: IssuanceSummary?

    public init(
        store: EventStore, rules: Rulebook, forms: FormLibrary, templatesDirectory: String, outputDirectory: URL,
        attachments: AttachmentFolder?
    ) {
        self.store = store
        self.rules = rules
        self.forms = forms
        self.attachments = attachments
        library = TemplateLibrary(directory: URL(fileURLWithPath: templatesDirectory, isDirectory: true))
        directory = outputDirectory
    }

    /// Renders every pending request. - Returns: the summary (nil when rendering failed as a whole).
    @discardableResult
    public func issuePending() -> IssuanceSummary? {
        do {
            let service = DocumentService(
                store: store, rules: rules, library: library, forms: forms, attachments: attachments)
            let summary = try service.renderPending(into: directory, threads: 1)
            lastSummary = summary
            for failure in summary.failures {
                FileHandle.standardError.write(Data("document not rendered: \(failure)\n".utf8))
            }
            return summary
        } catch {
            FileHandle.standardError.write(Data("document rendering failed: \(error)\n".utf8))
            return nil
        }
    }
}
