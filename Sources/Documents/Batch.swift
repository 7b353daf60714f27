import Foundation

/// What a batch did.
public struct BatchSummary: Sendable, CustomStringConvertible {
    public let documents: Int
    public let failed: Int
    public let seconds: Double
    public var documentsPerSecond: Double { seconds > 0 ? Double(documents) / seconds : 0 }
    /// The first failures (line number in the JSON Lines input, message), at most 100.
    public let failures: [BatchFailure]

    public var description: String {
        String(
            format: "%d documents in %.2f s (%.0f documents/s), %d failed", documents, seconds, documentsPerSecond,
            failed)
    }
}

public struct BatchFailure: Sendable, CustomStringConvertible {
    public let line: Int
    public let error: String
    public let chinese: String
    public var description: String { "line \(line): \(error)" }
}

/// Renders one document per line of a JSON Lines file. Lines are read in chunks and each
/// record is rendered and written before the next is parsed, so memory does not grow with
/// the batch. With `threads` > 1 each worker reads the file and renders every n-th record
/// with the same compiled (immutable, `Sendable`) template.
public enum BatchRenderer {
    /// Renders `records` (JSON Lines) with an ODT template into `outputDirectory`.
    ///
    /// - Parameters:
    ///   - nameField: a top-level field whose value names each file (e.g. `certificate_number`);
    ///     without it files are named by line number, `000001.odt`.
    ///   - progress: called from any thread with the number of documents done so far (every
    ///     `progressEvery` documents and at the end).
    public static func render(
        _ template: ODTTemplate, records: URL, outputDirectory: URL, nameField: String? = nil, threads: Int = 1,
        strict: Bool = true, progressEvery: Int = 100, progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> BatchSummary {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        return try run(
            records: records, threads: threads, progressEvery: progressEvery, progress: progress,
            writer: true, render: { try template.render($0, strict: strict) },
            sink: fileSink(outputDirectory, ext: "odt", nameField: nameField))
    }

    /// Renders `records` with an HTML (Mustache) template into `outputDirectory`.
    public static func render(
        _ template: MustacheTemplate, records: URL, outputDirectory: URL, nameField: String? = nil, threads: Int = 1,
        strict: Bool = true, progressEvery: Int = 100, progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> BatchSummary {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        return try run(
            records: records, threads: threads, progressEvery: progressEvery, progress: progress,
            writer: true, render: { Array(try template.renderHTMLDocument($0, strict: strict).utf8) },
            sink: fileSink(outputDirectory, ext: "html", nameField: nameField))
    }

    /// Writes each document as a file named from `nameField` or the line number.
    public static func fileSink(
        _ dir: URL, ext: String, nameField: String?
    )
        -> @Sendable (Int, TemplateValue, [UInt8])
        throws -> Void
    {
        let folder = dir.path.hasSuffix("/") ? dir.path : dir.path + "/"
        return { line, record, bytes in
            var base = String(format: "%06d", line)
            if let nameField, let v = record[nameField], case .string(let s) = v, !s.isEmpty {
                base = String(s.map { $0 == "/" || $0 == "\\" || $0 == "\0" ? "_" : $0 })
                if base.hasPrefix(".") { base = "_" + base.dropFirst() }
            }
            try writeFile(folder + base + "." + ext, bytes)
        }
    }

    /// Writes `bytes` as the file at `path` with three system calls: open (created or
    /// truncated, mode 0666 less the umask, as `fopen` made it), one write of the whole buffer
    /// (repeated only if the kernel writes less) and close. No stdio buffer or fstat, no fsync
    /// and no temporary name: a batch is rerun, not recovered.
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw TemplateError.io("cannot create \(path)") }
        let written = bytes.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
        let closed = close(fd) == 0
        guard written, closed else { throw TemplateError.io("cannot write \(path)") }
    }

    /// The batch loop: JSON Lines in, `render` each record, hand the bytes to `sink`.
    ///
    /// With `writer` the sink runs on a thread of its own: the `threads` workers render and
    /// queue each document (at most `4 × threads` wait, so memory stays flat) and the writer
    /// writes them, so writing overlaps rendering and only one thread at a time creates files in
    /// the folder (two threads creating files in one folder contend for its lock in the kernel:
    /// `pingshen-bench render-disk`, README "Speed"). Without it each worker calls `sink` itself.
    public static func run(
        records: URL, threads: Int = 1, progressEvery: Int = 100, progress: (@Sendable (Int) -> Void)? = nil,
        writer: Bool = false,
        render: @escaping @Sendable (TemplateValue) throws -> [UInt8],
        sink: @escaping @Sendable (Int, TemplateValue, [UInt8]) throws -> Void
    ) throws -> BatchSummary {
        let workers = max(1, threads)
        let state = BatchState()
        let start = Date()
        let path = records.path
        guard FileManager.default.isReadableFile(atPath: path) else { throw TemplateError.io("cannot read \(path)") }
        let finished: @Sendable () -> Void = {
            let done = state.done()
            if let progress, done % max(1, progressEvery) == 0 { progress(done) }
        }
        let queue = writer ? WriteQueue(capacity: 4 * workers) : nil
        let written = DispatchSemaphore(value: 0)
        if let queue {
            let thread = Thread {
                while let batch = queue.takeAll() {
                    for (line, record, doc) in batch {
                        do {
                            try sink(line, record, doc)
                            finished()
                        } catch {
                            state.fail(line: line, error)
                        }
                    }
                }
                written.signal()
            }
            thread.name = "batch-writer"
            thread.start()
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            do {
                try forEachLine(path: path) { lineNumber, bytes in
                    guard (lineNumber - 1) % workers == w else { return }
                    do {
                        let record = try TemplateValue(jsonBytes: bytes)
                        let doc = try render(record)
                        if let queue {
                            queue.put((lineNumber, record, doc))
                        } else {
                            try sink(lineNumber, record, doc)
                            finished()
                        }
                    } catch {
                        state.fail(line: lineNumber, error)
                    }
                }
            } catch {
                state.fail(line: 0, error)
            }
        }
        if let queue {
            queue.close()
            written.wait()
        }
        let seconds = Date().timeIntervalSince(start)
        let (ok, failed, failures) = state.snapshot()
        progress?(ok)
        return BatchSummary(documents: ok, failed: failed, seconds: seconds, failures: failures)
    }

    /// Calls `body` with each non-blank line (1-based number, bytes without the newline).
    static func forEachLine(path: String, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let f = fopen(path, "rb") else { throw TemplateError.io("cannot open \(path)") }
        defer { fclose(f) }
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var carry: [UInt8] = []
        var lineNumber = 0
        func emit(_ line: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            var end = line.count
            if end > 0, line[end - 1] == 0x0D { end -= 1 }
            var blank = true
            for i in 0..<end where line[i] != 0x20 && line[i] != 0x09 {
                blank = false
                break
            }
            if !blank { try body(lineNumber, UnsafeBufferPointer(rebasing: line[0..<end])) }
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunk, f) }
            if n == 0 { break }
            try buffer.withUnsafeBufferPointer { buf in
                var start = 0
                for i in 0..<n where buf[i] == 0x0A {
                    if carry.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: buf[start..<i]))
                    } else {
                        carry.append(contentsOf: buf[start..<i])
                        try carry.withUnsafeBufferPointer { try emit($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = i + 1
                }
                carry.append(contentsOf: buf[start..<n])
            }
        }
        if !carry.isEmpty { try carry.withUnsafeBufferPointer { try emit($0) } }
    }
}

/// Rendered documents waiting for the batch's writer thread, at most `capacity`.
final class WriteQueue: @unchecked Sendable {
    typealias Item = (line: Int, record: TemplateValue, bytes: [UInt8])
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits while the queue is full.
    func put(_ item: Item) {
        condition.lock()
        while items.count >= capacity { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// Everything queued (waiting for something); nil once closed and empty.
    func takeAll() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let all = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return all
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Counters shared by the batch workers.
final class BatchState: @unchecked Sendable {
    private let lock = NSLock()
    private var ok = 0
    private var failed = 0
    private var failures: [BatchFailure] = []

    func done() -> Int {
        lock.lock()
        defer { lock.unlock() }
        ok += 1
        return ok
    }

    func fail(line: Int, _ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        failed += 1
        if failures.count < 100 {
            let t = error as? TemplateError
            let json = error as? JSONSyntaxError
            failures.append(
                BatchFailure(
                    line: line, error: "\(error)", chinese: t?.chinese ?? json?.chinese ?? "第 \(line) 行处理失败：\(error)"))
        }
    }

    func snapshot() -> (Int, Int, [BatchFailure]) {
        lock.lock()
        defer { lock.unlock() }
        return (ok, failed, failures.sorted { $0.line < $1.line })
    }
}
