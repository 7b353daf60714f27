import Documents
import Domain
import Foundation
import Store
import Workflow

/// What `renderPending` did.
public struct IssuanceSummary: Sendable, CustomStringConvertible {
    /// Distinct documents rendered, each as `.odt` and `.html`.
    public var documents = 0
    /// Queue rows marked rendered (several rows can share one list document).
    public var requests = 0
    /// Rows left pending because they cannot be issued yet (a certificate before its number).
    public var waiting = 0
    /// Rows marked failed, with the reason (at most 100 kept).
    public var failed = 0
    public var failures: [String] = []
    public var byKind: [DocumentKind: Int] = [:]
    public var seconds = 0.0

    public var files: Int { documents * 2 }
    public var documentsPerSecond: Double { seconds > 0 ? Double(documents) / seconds : 0 }

    public var description: String {
        String(
            format: "%d documents (%d files) for %d requests in %.2f s (%.0f documents/s), %d waiting, %d failed",
            documents, files, requests, seconds, documentsPerSecond, waiting, failed)
    }

    /// For users, in Chinese.
    public var chinese: String {
        String(
            format: "生成文书 %d 份(ODT 与 HTML 共 %d 个文件,对应 %d 条待办),用时 %.2f 秒,每秒 %.0f 份;待办 %d 条,失败 %d 条",
            documents, files, requests, seconds, documentsPerSecond, waiting, failed)
    }
}

extension DocumentService {
    /// Renders every pending request of the `documents` queue into
    /// `directory/<kind>/<name>.odt` and `.html`, and marks the requests rendered (status and
    /// the `.odt` path relative to `directory`) in one small transaction per chunk.
    ///
    /// Requests for the same document (a 公示 batch, a 取得资格通知, a certificate asked for twice)
    /// render it once. A request that cannot be issued yet stays pending; one whose data is
    /// missing is marked `failed`. File names come from `OutputPath`, so no subject can write
    /// outside `directory`. The same database gives the same bytes.
    ///
    /// With `gathers` (the default) the data of each chunk of documents is read in one pass —
    /// a few batch queries per chunk (`gather`), queue places counted in memory — and a chunk
    /// renders on `threads` threads while the next one is gathered and prepared.
    ///
    /// - Parameters:
    ///   - threads: rendering threads (data is gathered and the database written on the caller's).
    ///   - chunkSize: documents gathered, rendered and marked together.
    ///   - progress: called on the caller's thread with (documents done, documents in total).
    /// - Returns: counts and speed.
    ///
    /// ```swift
    /// let summary = try service.renderPending(into: out.appendingPathComponent("documents"))
    /// print(summary.chinese)
    /// ```
    public func renderPending(
        into directory: URL, threads: Int = 2, chunkSize: Int = 256, progress: ((Int, Int) -> Void)? = nil
    ) throws -> IssuanceSummary {
        let start = Date()
        var summary = IssuanceSummary()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        // Which document each pending request asks for, in queue order (the applications whose
        // state a key needs read a slice at a time).
        var order: [DocumentKey] = []
        var members: [DocumentKey: [QueuedDocument]] = [:]
        var failedRows: [(Int64, String)] = []
        // A certificate asked for at confirmation waits for the certificate step: an application
        // still confirmed or filed has no number yet. One query of the streams' statuses tells
        // them all, so the pass a server runs after every step does not read the histories of a
        // whole 文号's applications (20,000 after a city's confirmation) only to find each waiting.
        var pending = try queued(status: .pending)
        if pending.contains(where: { $0.request.kind == .certificate && $0.streamKind == ApplicationMachine.kind }) {
            var uncertified = Set(try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.confirmed.rawValue))
            uncertified.formUnion(try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.filed.rawValue))
            let before = pending.count
            pending.removeAll {
                $0.request.kind == .certificate && $0.streamKind == ApplicationMachine.kind
                    && uncertified.contains($0.streamID)
            }
            summary.waiting += before - pending.count
        }
        for first in stride(from: 0, to: pending.count, by: gatherSlice) {
            let slice = pending[first..<min(first + gatherSlice, pending.count)]
            if gathers { try gatherForKeys(slice) }
            for row in slice {
                do {
                    guard let key = try key(for: row) else {
                        summary.waiting += 1
                        continue
                    }
                    if members[key] == nil { order.append(key) }
                    members[key, default: []].append(row)
                } catch {
                    failedRows.append((row.id, "\(row.request.kind.rawValue)/\(row.request.subject): \(error)"))
                }
            }
        }
        if gathers {
            order = Self.groupedByApplication(order, members: members)
            forgetStreams()
            if order.contains(where: { $0.kind == .qualificationNotice }) { _ = try qualificationIndex() }
        }
        for kind in Set(order.map(\.kind)) {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(kind.rawValue, isDirectory: true),
                withIntermediateDirectories: true)
        }

        let total = order.count
        var done = 0
        progress?(0, total)
        // One chunk renders on `threads` threads while the next one is gathered and prepared here.
        var inFlight: BackgroundRendering?
        defer { _ = inFlight?.wait() }
        func finish(_ rendering: BackgroundRendering) throws {
            let results = rendering.wait()
            // Record the outcome from this thread, in one transaction.
            var rendered: [(Int64, String)] = []
            for (job, error) in zip(rendering.jobs, results) {
                if let error {
                    for id in job.rows { failedRows.append((id, "\(job.doc.key): \(error)")) }
                    continue
                }
                let relative = "\(job.odt.deletingLastPathComponent().lastPathComponent)/\(job.odt.lastPathComponent)"
                for id in job.rows { rendered.append((id, relative)) }
                summary.documents += 1
                summary.byKind[job.doc.key.kind, default: 0] += 1
            }
            summary.requests += rendered.count
            try mark(rendered: rendered, failed: failedRows)
            summary.failed += failedRows.count
            for f in failedRows where summary.failures.count < 100 { summary.failures.append(f.1) }
            failedRows = []
            done += rendering.jobs.count + rendering.skipped
            progress?(done, total)
        }
        for chunk in stride(from: 0, to: order.count, by: max(1, chunkSize)).map({
            order[$0..<min($0 + max(1, chunkSize), order.count)]
        }) {
            // Gather the data here (the service is not thread-safe) …
            if gathers { try gather(chunk.map { ($0, members[$0]![0]) }) }
            var jobs: [RenderJob] = []
            for key in chunk {
                let rows = members[key] ?? []
                do {
                    let doc = try prepare(key, anchor: rows[0])
                    let odt = try OutputPath.file(
                        in: directory, folder: key.kind.rawValue, subject: key.name, extension: "odt")
                    let html = try OutputPath.file(
                        in: directory, folder: key.kind.rawValue, subject: key.name, extension: "html")
                    jobs.append(RenderJob(doc: doc, odt: odt, html: html, rows: rows.map(\.id)))
                } catch {
                    for r in rows { failedRows.append((r.id, "\(key): \(error)")) }
                }
            }
            // … render and write on `threads` threads …
            let rendering = BackgroundRendering(
                jobs: jobs, skipped: chunk.count - jobs.count, library: library, threads: threads)
            if let previous = inFlight {
                inFlight = nil
                try finish(previous)
            }
            inFlight = rendering
        }
        if let previous = inFlight {
            inFlight = nil
            try finish(previous)
        }
        if !failedRows.isEmpty {
            try mark(rendered: [], failed: failedRows)
            summary.failed += failedRows.count
            for f in failedRows where summary.failures.count < 100 { summary.failures.append(f.1) }
        }
        if gathers { forgetStreams() }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// The documents of one application side by side (in the order their applications first
    /// come), then the others in queue order: a chunk then reads and decodes an application's
    /// history and declarations once for all its letters and its certificate.
    static func groupedByApplication(_ order: [DocumentKey], members: [DocumentKey: [QueuedDocument]]) -> [DocumentKey] {
        var groups: [String: [DocumentKey]] = [:]
        var firsts: [String] = []
        var others: [DocumentKey] = []
        for key in order {
            let application: String?
            switch key.kind {
            case .publicNotice, .qualificationNotice, .minutes, .voteRecord, .revocationDecision:
                application = nil
            case .pledge, .declarationForm, .acceptanceNotice, .correctionNotice, .refusalNotice, .reexaminationDecision,
                .certificate:
                application = members[key]?.first { $0.streamKind == ApplicationMachine.kind }?.streamID
            }
            guard let application else {
                others.append(key)
                continue
            }
            if groups[application] == nil { firsts.append(application) }
            groups[application, default: []].append(key)
        }
        return firsts.flatMap { groups[$0] ?? [] } + others
    }

    func mark(rendered: [(Int64, String)], failed: [(Int64, String)]) throws {
        try store.markDocuments(rendered: rendered.map { (id: $0.0, path: $0.1) }, failed: failed.map(\.0))
    }

    /// Renders and writes the documents on `threads` threads; the error of each, or nil.
    static func renderAll(
        _ jobs: [(PreparedDocument, URL, URL)], library: TemplateLibrary, threads: Int
    ) -> [(any Error)?] {
        let box = ResultBox(count: jobs.count)
        let workers = max(1, min(threads, jobs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: jobs.count, by: workers) {
                let (doc, odtURL, htmlURL) = jobs[i]
                do {
                    let (odt, html) = try render(doc, library: library)
                    try write(odt, to: odtURL)
                    try write(html, to: htmlURL)
                } catch {
                    box.set(i, error)
                }
            }
        }
        return box.errors
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a document.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.path + ".part"
        guard let f = fopen(temporary, "wb") else { throw IssuanceError.io("cannot create \(temporary)") }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard n == bytes.count, closed == 0 else {
            unlink(temporary)
            throw IssuanceError.io("cannot write \(temporary)")
        }
        guard rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw IssuanceError.io("cannot rename \(temporary) to \(url.path)")
        }
    }
}

/// One document to render and write, and the queue rows it answers.
struct RenderJob: Sendable {
    var doc: PreparedDocument
    var odt: URL
    var html: URL
    var rows: [Int64]
}

/// A chunk rendering on its own threads while the caller prepares the next one.
final class BackgroundRendering: @unchecked Sendable {
    let jobs: [RenderJob]
    /// Documents of the chunk that failed before rendering (counted as done).
    let skipped: Int
    private let group = DispatchGroup()
    private var errors: [(any Error)?] = []

    init(jobs: [RenderJob], skipped: Int, library: TemplateLibrary, threads: Int) {
        self.jobs = jobs
        self.skipped = skipped
        group.enter()
        DispatchQueue.global().async {
            self.errors = DocumentService.renderAll(jobs.map { ($0.doc, $0.odt, $0.html) }, library: library, threads: threads)
            self.group.leave()
        }
    }

    /// The error of each job, or nil, once all are written.
    func wait() -> [(any Error)?] {
        group.wait()
        return errors
    }
}

/// Per-job errors written by the rendering threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(any Error)?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        storage[i] = error
    }

    var errors: [(any Error)?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
