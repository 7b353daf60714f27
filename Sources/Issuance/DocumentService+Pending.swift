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

        // Each rendering thread prepares with its own copy of the service (`init(copying:)`):
        // what the copies would otherwise each read again is read here once — the queue places
        // of the kinds numbered by them, and the committees. (A failure stays the document's.)
        if gathers {
            for kind in Set(order.map(\.kind)) where Self.numberedKinds.contains(kind) { _ = try? kindIndex(kind) }
            if !order.isEmpty { _ = try? committees() }
        }

        let total = order.count
        var done = 0
        progress?(0, total)
        // One chunk is prepared and rendered on `threads` threads while the next is gathered here.
        var inFlight: BackgroundRendering?
        defer { _ = inFlight?.wait() }
        func finish(_ rendering: BackgroundRendering) throws {
            let results = rendering.wait()
            // Record the outcome from this thread, in one transaction.
            var rendered: [(Int64, String)] = []
            for (job, error) in zip(rendering.jobs, results) {
                if let error {
                    for id in job.rows { failedRows.append((id, "\(job.key): \(error)")) }
                    continue
                }
                let relative = "\(job.odt.deletingLastPathComponent().lastPathComponent)/\(job.odt.lastPathComponent)"
                for id in job.rows { rendered.append((id, relative)) }
                summary.documents += 1
                summary.byKind[job.key.kind, default: 0] += 1
            }
            summary.requests += rendered.count
            try mark(rendered: rendered, failed: failedRows)
            summary.failed += failedRows.count
            for f in failedRows where summary.failures.count < 100 { summary.failures.append(f.1) }
            failedRows = []
            done += rendering.jobs.count + rendering.skipped
            progress?(done, total)
        }
        // A list document (a 公示 or 取得资格通知 names a whole batch: 18,183 applications each in
        // the 20,000 season, the one document whose size grows with the season) is rendered
        // alone after the others, its list streamed (see `writeList`).
        let lists = gathers ? order.filter { Self.isList($0.kind) } : []
        let chunked = gathers ? order.filter { !Self.isList($0.kind) } : order
        // A session's documents name about 60 applications each: chunks of them are 1/16 the size.
        var chunks: [ArraySlice<DocumentKey>] = []
        var first = 0
        while first < chunked.count {
            let size = Self.isSession(chunked[first].kind) ? max(1, chunkSize / 16) : max(1, chunkSize)
            var end = first
            while end < chunked.count, end - first < size,
                Self.isSession(chunked[end].kind) == Self.isSession(chunked[first].kind)
            {
                end += 1
            }
            chunks.append(chunked[first..<end])
            first = end
        }
        /// Where a document's `.odt` and `.html` go.
        func files(_ key: DocumentKey) throws -> (odt: URL, html: URL) {
            (
                try OutputPath.file(in: directory, folder: key.kind.rawValue, subject: key.name, extension: "odt"),
                try OutputPath.file(in: directory, folder: key.kind.rawValue, subject: key.name, extension: "html")
            )
        }
        for chunk in chunks {
            var jobs: [RenderJob] = []
            for key in chunk {
                let rows = members[key] ?? []
                do {
                    let (odt, html) = try files(key)
                    // Without gathering (the reference, one document at a time) each is prepared
                    // here, the lists too.
                    let work: RenderJob.Work = gathers ? .anchor(rows[0]) : .prepared(try prepare(key, anchor: rows[0]))
                    jobs.append(
                        RenderJob(
                            key: key, work: work, group: Self.group(key, rows: rows), odt: odt, html: html,
                            rows: rows.map(\.id)))
                } catch {
                    for r in rows { failedRows.append((r.id, "\(key): \(error)")) }
                }
            }
            // Gather the data of the others here (the service is not thread-safe); the rendering
            // threads prepare them from a copy that only they read.
            var preparer: ChunkPreparer?
            if gathers && jobs.contains(where: { if case .anchor = $0.work { true } else { false } }) {
                try gather(chunk.map { ($0, members[$0]![0]) })
                preparer = ChunkPreparer(DocumentService(copying: self))
            }
            let rendering = BackgroundRendering(
                jobs: jobs, skipped: chunk.count - jobs.count, preparer: preparer, library: library, threads: threads)
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
        // The lists after the others, each with its list streamed into its files (`writeList`:
        // the applications it names read, and its rows rendered and written, a slice at a time),
        // side by side on the rendering threads, each with its own copy of this service (a
        // list reads its applications three times — what surrounds the list, the ODT, the HTML —
        // so one after the other on this thread they were the phase's longest stretch).
        var listFiles: [(odt: URL, html: URL)?] = []
        for key in lists {
            do { listFiles.append(try files(key)) } catch {
                listFiles.append(nil)
                for r in members[key] ?? [] { failedRows.append((r.id, "\(key): \(error)")) }
            }
        }
        let listErrors = ResultBox(count: lists.count)
        let parent = ChunkPreparer(self)
        DispatchQueue.concurrentPerform(iterations: lists.count) { [lists, listFiles] i in
            guard let (odt, html) = listFiles[i] else { return }
            do { try DocumentService(copying: parent.service).writeList(lists[i], odt: odt, html: html) } catch {
                listErrors.set(i, error)
            }
        }
        for (i, key) in lists.enumerated() {
            let rows = members[key] ?? []
            if let odt = listFiles[i]?.odt {
                if let error = listErrors.errors[i] {
                    for r in rows { failedRows.append((r.id, "\(key): \(error)")) }
                } else {
                    let relative = "\(odt.deletingLastPathComponent().lastPathComponent)/\(odt.lastPathComponent)"
                    try mark(rendered: rows.map { ($0.id, relative) }, failed: [])
                    summary.documents += 1
                    summary.byKind[key.kind, default: 0] += 1
                    summary.requests += rows.count
                }
            }
            done += 1
            progress?(done, total)
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

    /// The kinds whose documents carry their place in the queue (`ordinal`).
    static let numberedKinds: Set<DocumentKind> = [
        .acceptanceNotice, .correctionNotice, .refusalNotice, .reexaminationDecision, .publicNotice, .minutes,
    ]

    /// A committee session's document (纪要, 表决票汇总表: every application it decided).
    static func isSession(_ kind: DocumentKind) -> Bool { kind == .minutes || kind == .voteRecord }

    /// A list document (one per batch or 文号, naming many applications).
    static func isList(_ kind: DocumentKind) -> Bool { kind == .publicNotice || kind == .qualificationNotice }

    /// What a document is prepared from: its application (so one thread lays out an
    /// application's declaration once for all its letters and its certificate), else itself.
    static func group(_ key: DocumentKey, rows: [QueuedDocument]) -> String {
        if isList(key.kind) { return key.description }
        return rows.first { $0.streamKind == ApplicationMachine.kind }?.streamID ?? key.description
    }

    /// Prepares (from `preparer`, a copy per thread), renders and writes the documents on
    /// `threads` threads, each taking the next run of documents of one `group`; the error of
    /// each, or nil.
    static func renderAll(
        _ jobs: [RenderJob], preparer: ChunkPreparer?, library: TemplateLibrary, threads: Int
    ) -> [(any Error)?] {
        // Runs of consecutive jobs of one group (an application's documents are side by side).
        var runs: [Range<Int>] = []
        var first = 0
        for i in jobs.indices where i == jobs.count - 1 || jobs[i + 1].group != jobs[i].group {
            runs.append(first..<(i + 1))
            first = i + 1
        }
        let box = ResultBox(count: jobs.count)
        let workers = max(1, min(threads, runs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { [runs] _ in
            let local = preparer.map { DocumentService(copying: $0.service) }
            while let r = box.nextRun(of: runs.count) {
                for i in runs[r] {
                    let job = jobs[i]
                    do {
                        let doc: PreparedDocument
                        switch job.work {
                        case .prepared(let prepared): doc = prepared
                        case .anchor(let row):
                            guard let local else { throw IssuanceError.missingData(document: job.key.description, what: "文书数据") }
                            doc = try local.prepare(job.key, anchor: row)
                        }
                        // The ODT written before the HTML is made: one of the two in memory.
                        try write(try render(doc, as: .odt, library: library), to: job.odt)
                        try write(try render(doc, as: .html, library: library), to: job.html)
                    } catch {
                        box.set(i, error)
                    }
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

/// One document to prepare, render and write, and the queue rows it answers.
struct RenderJob: Sendable {
    enum Work: Sendable {
        /// Prepared on the caller's thread.
        case prepared(PreparedDocument)
        /// To prepare on a rendering thread for this request (the anchor of `prepare`).
        case anchor(QueuedDocument)
    }
    var key: DocumentKey
    var work: Work
    /// Consecutive jobs of one group go to one thread (`DocumentService.group`).
    var group: String
    var odt: URL
    var html: URL
    var rows: [Int64]
}

/// A copy of the service that gathered a chunk, read by the rendering threads only (each
/// prepares with its own `DocumentService(copying:)` of it), never changed after it is made.
final class ChunkPreparer: @unchecked Sendable {
    let service: DocumentService
    init(_ service: DocumentService) { self.service = service }
}

/// A chunk prepared and rendered on its own threads while the caller gathers the next one.
final class BackgroundRendering: @unchecked Sendable {
    let jobs: [RenderJob]
    /// Documents of the chunk that failed before rendering (counted as done).
    let skipped: Int
    private let group = DispatchGroup()
    private var errors: [(any Error)?] = []

    init(jobs: [RenderJob], skipped: Int, preparer: ChunkPreparer?, library: TemplateLibrary, threads: Int) {
        self.jobs = jobs
        self.skipped = skipped
        group.enter()
        DispatchQueue.global().async {
            self.errors = DocumentService.renderAll(jobs, preparer: preparer, library: library, threads: threads)
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

    private var next = 0

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    /// The next of `count` runs for a thread to take, or nil when all are taken.
    func nextRun(of count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

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
