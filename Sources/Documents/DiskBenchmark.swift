import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One repetition of `DiskBenchmark.run`, in seconds.
public struct DiskBenchmarkRound: Sendable {
    /// `smallDocuments` certificates on one thread (the template compiled inside the timing).
    public let oneThread: Double
    /// `documents` certificates on every core.
    public let allCores: Double
    /// The same finished files read and written into another folder by this process (one
    /// open/read/close and one open/write/close per file, like the writer).
    public let copyInProcess: Double
    /// The same finished files copied by `cp -r` (a child process).
    public let copyCP: Double
    /// CPU seconds (user + system, every thread) of the same four steps: on a loaded machine
    /// they move far less than the wall times.
    public let oneThreadCPU: Double
    public let allCoresCPU: Double
    public let copyInProcessCPU: Double
    public let copyCPCPU: Double
}

/// Numbers from `DiskBenchmark.run`: medians of the rounds.
public struct DiskBenchmarkResult: Sendable, CustomStringConvertible {
    public let template: String
    public let documents: Int
    public let smallDocuments: Int
    public let threads: Int
    public let bytes: Int
    public let rounds: [DiskBenchmarkRound]
    /// Seconds to render the `documents` certificates in memory on one thread (parsed records,
    /// bytes dropped): the rendering alone, no disk, the median of the rounds.
    public let inMemory: [Double]
    public let loadBefore: String
    public let loadAfter: String

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public var oneThread: Double { Self.median(rounds.map(\.oneThread)) }
    public var allCores: Double { Self.median(rounds.map(\.allCores)) }
    public var copyInProcess: Double { Self.median(rounds.map(\.copyInProcess)) }
    public var copyCP: Double { Self.median(rounds.map(\.copyCP)) }
    /// Rendering on every core against the `cp -r` floor: the median of each round's ratio
    /// (render and copies measured seconds apart, under the same load).
    public var ratio: Double { Self.median(rounds.map { $0.copyCP > 0 ? $0.allCores / $0.copyCP : 0 }) }
    public var ratioInProcess: Double {
        Self.median(rounds.map { $0.copyInProcess > 0 ? $0.allCores / $0.copyInProcess : 0 })
    }

    public var description: String {
        func list(_ xs: [Double]) -> String { xs.map { String(format: "%.2f", $0) }.joined(separator: " ") }
        var s = String(
            format: """
                %@ to disk: %d distinct certificates (%d threads), %.1f MB; median of %d rounds
                load average before: %@, after: %@
                | | seconds (median) | documents/s | rounds | CPU s (median) |
                | --- | ---: | ---: | --- | ---: |

                """, template, documents, threads, Double(bytes) / 1_000_000, rounds.count, loadBefore,
            loadAfter)
        s += String(
            format: "| render %d, 1 rendering thread | %.3f | %.0f | %@ | %.2f |\n", smallDocuments, oneThread,
            Double(smallDocuments) / max(oneThread, 1e-9), list(rounds.map(\.oneThread)),
            Self.median(rounds.map(\.oneThreadCPU)))
        s += String(
            format: "| render %d, %d rendering threads | %.3f | %.0f | %@ | %.2f |\n", documents, threads, allCores,
            Double(documents) / max(allCores, 1e-9), list(rounds.map(\.allCores)), Self.median(rounds.map(\.allCoresCPU)))
        s += String(
            format: "| render %d in memory, 1 thread, no disk | %.3f | %.0f | %@ | |\n", documents,
            Self.median(inMemory), Double(documents) / max(Self.median(inMemory), 1e-9), list(inMemory))
        s += String(
            format: "| copy the %d files, in process | %.3f | %.0f | %@ | %.2f |\n", documents, copyInProcess,
            Double(documents) / max(copyInProcess, 1e-9), list(rounds.map(\.copyInProcess)),
            Self.median(rounds.map(\.copyInProcessCPU)))
        s += String(
            format: "| copy the %d files, cp -r | %.3f | %.0f | %@ | %.2f |\n", documents, copyCP,
            Double(documents) / max(copyCP, 1e-9), list(rounds.map(\.copyCP)), Self.median(rounds.map(\.copyCPCPU)))
        s += String(
            format: "render ÷ cp -r floor (median of the rounds' ratios): %.2f× (%@); render ÷ in-process copy: %.2f× (%@)",
            ratio, list(rounds.map { $0.allCores / max($0.copyCP, 1e-9) }), ratioInProcess,
            list(rounds.map { $0.allCores / max($0.copyInProcess, 1e-9) }))
        return s
    }
}

/// Rendering at the limit of the disk: the shipped certificate (`templates/certificate.odt`,
/// its QR code and photo frame) with distinct generated data — 12 fields, a 5-row table, the
/// revocation remark on every other one — written one .odt per certificate through
/// `BatchRenderer` (the `pingshen render --records` path, JSON Lines parsed), against the
/// floor of copying the same finished files.
public enum DiskBenchmark {
    /// Runs `rounds` repetitions in fresh folders under `directory`, each round's removed at its
    /// end (about 3 × `documents` files, 1 GB for 10,000 certificates).
    public static func run(
        templateURL: URL, documents: Int = 10_000, smallDocuments: Int = 1_000, threads: Int, rounds: Int = 5,
        directory: URL
    ) throws -> DiskBenchmarkResult {
        let fm = FileManager.default
        let root = directory.appendingPathComponent("pingshen-render-disk-\(getpid())")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        let records = root.appendingPathComponent("certificates.jsonl")
        let small = root.appendingPathComponent("small.jsonl")
        try writeRecords(documents, to: records)
        try writeRecords(smallDocuments, to: small)
        settle()
        let loadBefore = loadAverage()
        var out: [DiskBenchmarkRound] = []
        var inMemory: [Double] = []
        let parsed = (0..<documents).map(certificate)
        var bytes = 0
        for round in 0..<rounds {
            func fresh(_ name: String) throws -> URL {
                let u = root.appendingPathComponent("\(name)-\(round)")
                try? fm.removeItem(at: u)
                return u
            }
            func render(_ jsonl: URL, into dir: URL, threads: Int) throws -> Double {
                let start = Date()
                let t = try ODTTemplate(contentsOf: templateURL)
                let s = try BatchRenderer.render(
                    t, records: jsonl, outputDirectory: dir, nameField: "certificate_number", threads: threads)
                if s.failed > 0 { throw TemplateError.io("render-disk failed: \(s.failures.first!)") }
                return Date().timeIntervalSince(start)
            }
            // A round's folders are deleted after its timings, then the run waits (`settle`):
            // ext4 skips inodes freed in the last minute when it allocates new ones (perf:
            // recently_deleted, find_inode_bit), which made a round right after deleting 30,000
            // files several times slower.
            var available = statvfs()
            if statvfs(root.path, &available) == 0 {
                let free = Int(available.f_bavail) * Int(available.f_frsize)
                guard free > documents * 40_000 * 4 else {
                    throw TemplateError.io("render-disk needs about \(documents * 40_000 * 4 / 1_000_000) MB free in \(root.path)")
                }
            }
            let one = try fresh("one")
            var cpu = cpuSeconds()
            let oneSeconds = try render(small, into: one, threads: 1)
            let oneCPU = cpuSeconds() - cpu
            let all = try fresh("all")
            cpu = cpuSeconds()
            let allSeconds = try render(records, into: all, threads: threads)
            let allCPU = cpuSeconds() - cpu
            let names = try fm.contentsOfDirectory(atPath: all.path).sorted()
            guard names.count == documents else {
                throw TemplateError.io("render-disk wrote \(names.count) files, expected \(documents)")
            }
            let copied = try fresh("copy")
            var start = Date()
            cpu = cpuSeconds()
            bytes = try copyFiles(names, from: all, to: copied)
            let copySeconds = Date().timeIntervalSince(start)
            let copyCPU = cpuSeconds() - cpu
            let cp = try fresh("cp")
            start = Date()
            cpu = cpuSeconds(children: true)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/cp")
            p.arguments = ["-r", all.path, cp.path]
            try p.run()
            p.waitUntilExit()
            let cpSeconds = Date().timeIntervalSince(start)
            let cpCPU = cpuSeconds(children: true) - cpu
            guard p.terminationStatus == 0 else { throw TemplateError.io("cp -r failed") }
            for dir in [one, all, copied, cp] { try fm.removeItem(at: dir) }
            settle()
            let t = try ODTTemplate(contentsOf: templateURL)
            var sum = 0
            let memoryStart = Date()
            for record in parsed { sum &+= try t.render(record).count }
            inMemory.append(Date().timeIntervalSince(memoryStart))
            if sum == 0 { throw TemplateError.io("render-disk rendered nothing") }
            out.append(
                DiskBenchmarkRound(
                    oneThread: oneSeconds, allCores: allSeconds, copyInProcess: copySeconds, copyCP: cpSeconds,
                    oneThreadCPU: oneCPU, allCoresCPU: allCPU, copyInProcessCPU: copyCPU, copyCPCPU: cpCPU))
        }
        return DiskBenchmarkResult(
            template: templateURL.lastPathComponent, documents: documents, smallDocuments: smallDocuments,
            threads: threads, bytes: bytes, rounds: out, inMemory: inMemory, loadBefore: loadBefore, loadAfter: loadAverage())
    }

    /// Copies each file with one read and one write (files of at most 1 MiB); the bytes copied.
    static func copyFiles(_ names: [String], from: URL, to: URL) throws -> Int {
        try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        for name in names {
            let src = from.appendingPathComponent(name).path
            let fd = open(src, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw TemplateError.io("cannot open \(src)") }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard n >= 0 else { throw TemplateError.io("cannot read \(src)") }
            let dst = to.appendingPathComponent(name).path
            let w = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard w >= 0 else { throw TemplateError.io("cannot create \(dst)") }
            let written = buffer.withUnsafeBytes { Glibc.write(w, $0.baseAddress, n) }
            close(w)
            guard written == n else { throw TemplateError.io("cannot write \(dst)") }
            total += n
        }
        return total
    }

    /// Waits until the inodes freed so far are no longer "recently deleted" for ext4 (60 s
    /// once their inode-table blocks are written: `sync` first), so that no step pays for the
    /// files the previous round deleted.
    static func settle() {
        sync()
        sleep(61)
    }

    /// User + system CPU seconds of this process (every thread) or of its waited-for children.
    static func cpuSeconds(children: Bool = false) -> Double {
        var u = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// /proc/loadavg's three averages.
    public static func loadAverage() -> String {
        let s = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return s.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func writeRecords(_ n: Int, to url: URL) throws {
        guard let f = fopen(url.path, "wb") else { throw TemplateError.io("cannot create \(url.path)") }
        defer { fclose(f) }
        for i in 0..<n {
            var line = Array(certificate(i).canonical.utf8)
            line.append(0x0A)
            _ = line.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        }
    }

    /// Certificate `i` of the generated season: every field of `templates/certificate.odt`,
    /// a 5-row record table, every other one revoked.
    public static func certificate(_ i: Int) -> TemplateValue {
        let n = String(format: "%06d", i)
        let code = String(format: "%04X-%04X", (i &* 7919) & 0xFFFF, (i &* 104_729) & 0xFFFF)
        var rows: [TemplateValue] = []
        for k in 0..<5 {
            rows.append([
                "date": .string("202\(k + 2)年\(k + 1)月\(k + 8)日"),
                "event": .string(["颁发证书", "继续教育 90 学时", "聘任 <高级> 岗位", "变更单位 & 地址", "年度核验"][k]),
            ])
        }
        let revoked = i % 2 == 1
        return [
            "certificate_number": .string("豫焦职证2026GC\(n)"),
            "holder_name": .string(["李秀英", "张伟", "王芳", "刘洋", "陈静"][i % 5] + String(i % 97)),
            "gender": .string(i % 2 == 0 ? "女" : "男"),
            "birth_date": .string("19\(70 + i % 25)年\(i % 12 + 1)月\(i % 28 + 1)日"),
            "id_number": .string("410802\(1970 + i % 25)0615\(String(format: "%04d", i % 10_000))"),
            "unit": .string("焦作市第\(i % 50 + 1)建筑设计研究院有限公司"),
            "series": "工程技术", "specialty": "土木工程", "title": "高级工程师", "level": "副高级",
            "committee": "焦作市工程技术高级职称评审委员会",
            "approval_number": "焦职改审〔2026〕12号", "approval_date": "2026年5月20日",
            "has_photo": false, "photo": .null,
            "revoked": .bool(revoked),
            "revoked_date": revoked ? "2026年9月1日" : .null,
            "revocation_number": revoked ? .string("焦职改撤〔2026〕\(i % 40 + 1)号") : .null,
            "records": .list(rows),
            "verification_code": .string(code),
            "verification_url": .string("https://zcps.jiaozuo.gov.cn/verify/2026GC\(n)?code=\(code)"),
            "issuer": "焦作市职称改革领导小组办公室", "issue_date": "2026年6月8日",
        ]
    }
}
