import Foundation
import ZipKit

/// Numbers from `RenderBenchmark.run`.
public struct RenderBenchmarkResult: Sendable, CustomStringConvertible {
    public let documents: Int
    public let oneThreadDocumentsPerSecond: Double
    public let twoThreadDocumentsPerSecond: Double
    public let batchDocuments: Int
    public let batchSeconds: Double
    public var batchDocumentsPerSecond: Double { batchSeconds > 0 ? Double(batchDocuments) / batchSeconds : 0 }
    /// VmHWM of the process after the batch, in MiB (peak resident memory).
    public let peakRSSMegabytes: Double
    public let bytesPerDocument: Int
    public let compression: EntryCompression

    public var description: String {
        String(
            format: """
                certificate ODT (12 fields, 5-row table, conditional paragraph), %@, %d bytes/document
                  in memory, 1 thread : %.0f documents/s (%d documents)
                  in memory, 2 threads: %.0f documents/s
                  JSON Lines batch    : %d documents in %.1f s = %.0f documents/s (2 threads), peak RSS %.1f MiB
                """, "\(compression)", bytesPerDocument, oneThreadDocumentsPerSecond, documents,
            twoThreadDocumentsPerSecond, batchDocuments, batchSeconds, batchDocumentsPerSecond, peakRSSMegabytes)
    }
}

/// The render benchmark the `pingshen-bench` executable runs: a certificate with 12 fields,
/// a 5-row table and a conditional paragraph, rendered to complete .odt packages.
public enum RenderBenchmark {
    /// Renders `documents` certificates in memory on 1 and on 2 threads, then a
    /// `batchDocuments` JSON Lines batch (2 threads) from a temporary file to `batchDirectory`
    /// (nil: documents are written to /dev/null), and reads the peak RSS (VmHWM).
    public static func run(
        documents: Int = 20_000, batchDocuments: Int = 100_000, batchDirectory: URL? = nil,
        compression: EntryCompression = .store, template: ODTTemplate? = nil
    ) throws -> RenderBenchmarkResult {
        let t = try template ?? certificateTemplate(compression: compression)
        let records = (0..<64).map(sampleRecord)
        let size = try t.render(records[0]).count
        // warm-up
        for i in 0..<200 { _ = try t.render(records[i % records.count]) }

        func timed(threads: Int) throws -> Double {
            let start = Date()
            let per = documents / threads
            let errors = BatchState()
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                // Each thread its own records: shared values would make the threads contend
                // on reference counts, which a real batch (one parsed record per document) does not.
                let mine = (0..<64).map(sampleRecord)
                do {
                    for i in 0..<per { _ = try t.render(mine[(i + w) % mine.count]) }
                } catch { errors.fail(line: 0, error) }
            }
            let (_, failed, failures) = errors.snapshot()
            if failed > 0 { throw TemplateError.io("benchmark render failed: \(failures.first!.error)") }
            return Double(per * threads) / Date().timeIntervalSince(start)
        }
        let one = try timed(threads: 1)
        let two = try timed(threads: 2)

        // The batch: JSON Lines file → documents, memory must stay flat.
        let jsonl = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pingshen-bench-\(getpid())-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: jsonl) }
        try writeRecords(batchDocuments, to: jsonl)
        let sink: @Sendable (Int, TemplateValue, [UInt8]) throws -> Void
        if let batchDirectory {
            try FileManager.default.createDirectory(at: batchDirectory, withIntermediateDirectories: true)
            sink = BatchRenderer.fileSink(batchDirectory, ext: "odt", nameField: nil)
        } else {
            let devnull = DevNull()
            sink = { _, _, bytes in devnull.write(bytes) }
        }
        let summary = try BatchRenderer.run(
            records: jsonl, threads: 2, render: { try t.render($0) }, sink: sink)
        if summary.failed > 0 { throw TemplateError.io("benchmark batch failed: \(summary.failures.first!)") }
        return RenderBenchmarkResult(
            documents: documents, oneThreadDocumentsPerSecond: one, twoThreadDocumentsPerSecond: two,
            batchDocuments: summary.documents, batchSeconds: summary.seconds, peakRSSMegabytes: peakRSSMegabytes(),
            bytesPerDocument: size, compression: compression)
    }

    /// Peak resident set size of this process (VmHWM in /proc/self/status), MiB; 0 if unknown.
    public static func peakRSSMegabytes() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    static func writeRecords(_ n: Int, to url: URL) throws {
        guard let f = fopen(url.path, "wb") else { throw TemplateError.io("cannot create \(url.path)") }
        defer { fclose(f) }
        let encoder = JSONEncoder()
        for i in 0..<n {
            var line = try encoder.encode(sampleRecord(i))
            line.append(0x0A)
            _ = line.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        }
    }

    /// One certificate record; every other one is revoked (the conditional paragraph).
    public static func sampleRecord(_ i: Int) -> TemplateValue {
        let n = String(format: "%06d", i)
        var records: [TemplateValue] = []
        for k in 0..<5 {
            records.append([
                "date": .string("202\(k)年\(k + 1)月\(k + 8)日"),
                "event": .string(["颁发证书", "继续教育 90 学时", "聘任 <高级> 岗位", "变更单位 & 地址", "年度核验"][k]),
                "operator": .string("王敏"),
            ])
        }
        return [
            "certificate_number": .string("豫焦职证2026GC\(n)"), "holder_name": .string(["李秀英", "张伟", "王芳", "刘洋"][i % 4]),
            "id_number": .string("4108021985061520\(String(format: "%02d", i % 100))"), "series": "工程技术",
            "specialty": "土木工程", "title": "高级工程师", "level": "副高级", "committee": "焦作市工程技术高级职称评审委员会",
            "approval_number": "焦职改审〔2026〕12号", "approval_date": "2026年5月20日", "issuer": "焦作市职称改革领导小组办公室",
            "issue_date": "2026年6月8日", "revoked": .bool(i % 2 == 1), "revoked_date": "2026年9月1日",
            "records": .list(records),
        ]
    }

    /// The benchmark's certificate, built in memory (independent of `templates/`).
    public static func certificateTemplate(compression: EntryCompression = .store) throws -> ODTTemplate {
        let ns = """
            xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
            xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
            xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
            """
        let fields = [
            ("证书编号", "certificate_number"), ("姓名", "holder_name"), ("公民身份号码", "id_number"), ("系列", "series"),
            ("专业", "specialty"), ("资格名称", "title"), ("资格级别", "level"), ("评审机构", "committee"),
            ("审批文号", "approval_number"), ("批准日期", "approval_date"),
        ]
        var body = "<text:p text:style-name=\"Title\">专业技术职务任职资格证书</text:p>"
        body += "<text:p text:style-name=\"P1\">{{#revoked}}本证书已于{{revoked_date}}撤销。{{/revoked}}</text:p>"
        for (label, key) in fields {
            body +=
                "<text:p text:style-name=\"P1\">\(label)：<text:span text:style-name=\"T1\">{{\(key)}}</text:span></text:p>"
        }
        body += """
            <table:table table:name="记载事项"><table:table-column table:number-columns-repeated="3"/>\
            <table:table-row><table:table-cell office:value-type="string"><text:p>日期</text:p></table:table-cell>\
            <table:table-cell office:value-type="string"><text:p>事项</text:p></table:table-cell>\
            <table:table-cell office:value-type="string"><text:p>经办人</text:p></table:table-cell></table:table-row>\
            <table:table-row><table:table-cell office:value-type="string"><text:p>{{#records}}{{date}}</text:p></table:table-cell>\
            <table:table-cell office:value-type="string"><text:p>{{event}}</text:p></table:table-cell>\
            <table:table-cell office:value-type="string"><text:p>{{operator}}{{/records}}</text:p></table:table-cell>\
            </table:table-row></table:table>\
            <text:p text:style-name="P1">{{issuer}}</text:p><text:p text:style-name="P1">{{issue_date}}</text:p>
            """
        let content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \(ns) office:version="1.3"><office:font-face-decls>\
            <style:font-face style:name="Noto Serif CJK SC" svg:font-family="&apos;Noto Serif CJK SC&apos;"/>\
            </office:font-face-decls><office:automatic-styles>\
            <style:style style:name="P1" style:family="paragraph"><style:text-properties fo:font-size="14pt"/></style:style>\
            <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>\
            </office:automatic-styles><office:body><office:text>\(body)</office:text></office:body></office:document-content>
            """
        let styles = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-styles \(ns) office:version="1.3"><office:styles>\
            <style:default-style style:family="paragraph"><style:text-properties style:font-name-asian="Noto Serif CJK SC"/>\
            </style:default-style><style:style style:name="Title" style:family="paragraph">\
            <style:text-properties fo:font-size="22pt" fo:font-weight="bold"/></style:style></office:styles>\
            </office:document-styles>
            """
        let bytes = try ODTPackageWriter.package([("content.xml", content), ("styles.xml", styles)])
        return try ODTTemplate(bytes: bytes, name: "benchmark-certificate.odt", compression: compression)
    }
}

/// /dev/null, opened once, for the benchmark's batch.
final class DevNull: @unchecked Sendable {
    let file: UnsafeMutablePointer<FILE>?
    init() { file = fopen("/dev/null", "wb") }
    deinit { if let file { fclose(file) } }
    func write(_ bytes: [UInt8]) {
        guard let file else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }
}
