import Archive
import Documents
import Domain
import Foundation
import Season
import Store

// pingshen-bench: the speed numbers in the README, measured on this machine.
//
//   pingshen-bench season [SIZES]     durable-store seasons, e.g. `season 2000,20000,100000`
//   pingshen-bench season-one N SEED  one season in this process (used by `season` per size)
//   pingshen-bench archive            2,000 synthetic dossiers hashed, signed, written, zipped, verified
//   pingshen-bench full-season N [DIR] [DEMO OPTIONS]  `pingshen demo --applications N --seed 11`
//                                     (and e.g. `--archive-files link`) in this process:
//                                     workflow, documents, archive — each phase's wall time,
//                                     items/s, MB/s written and peak RSS (FullSeason.swift)
//   pingshen-bench render             ODT certificates (12 fields, 5-row table, conditional
//                                     paragraph): 1 and 2 threads, and a 100,000-document batch
//   pingshen-bench render-disk [N] [ROUNDS] [DIR]
//                                     templates/certificate.odt to disk, one .odt per distinct
//                                     certificate: 1,000 on 1 thread, N (10,000) on every core,
//                                     against copying the same N files (in process and cp -r)
//   pingshen-bench certificate-run APPLICATIONS [DIR] [--kill-at F]
//                                     one 文号's certificate run through a real `pingshen serve`
//                                     over HTTP: wall, certificates/s, CPU, peak RSS, list pages,
//                                     searches, a zip part (CertificateRun.swift)
//
// Each size runs in its own process so its peak RSS is its own.

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

func policyDirectory() -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("policy/policy.yaml").path) {
            return dir.appendingPathComponent("policy").path
        }
        dir = dir.deletingLastPathComponent()
    }
    return "policy"
}

func seasonOne(applications: Int, seed: UInt64) throws {
    let rules = try Rulebook.load(directory: policyDirectory())
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let database = dir.appendingPathComponent(EventStore.fileName("season")).path
    let store = try EventStore(path: database)
    let season = try DemoSeason(
        store: store, rules: rules, configuration: .init(applications: applications, seed: seed))
    let s = try season.run()
    let size =
        (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
    // One machine-readable line for the parent.
    print(
        "RESULT \(applications) \(String(format: "%.2f", s.seconds)) \(s.statistics.committedSteps) \(s.eventsInLog) "
            + "\(String(format: "%.0f", s.transactionsPerSecond)) \(String(format: "%.0f", peakRSSMegabytes())) "
            + "\(size / 1_048_576) \(s.auditIntact)")
}

func season(sizes: [Int]) throws {
    print(
        "| applications | season s (wall) | transactions | events | transactions/s | peak RSS MB | database MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = ["season-one", String(n), "2026"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("RESULT") } ?? ""
        let f = line.split(separator: " ").map(String.init)
        guard f.count == 9, f[8] == "true" else {
            print("| \(n) | failed (exit \(p.terminationStatus)) |")
            continue
        }
        print("| \(f[1]) | \(f[2]) | \(f[3]) | \(f[4]) | \(f[5]) | \(f[6]) | \(f[7]) |")
    }
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "season-one":
        try seasonOne(applications: Int(args[1]) ?? 2000, seed: UInt64(args[2]) ?? 2026)
    case "archive":
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        print(try ArchiveBenchmark.run(applications: 2_000, directory: dir.path, zip: true).description)
    case "render":
        // In a child process too, so the batch's peak RSS is not the season's.
        let r = try RenderBenchmark.run(documents: 40_000, batchDocuments: 100_000)
        print(r.description)
    case "render-disk":
        let n = args.count > 1 ? Int(args[1]) ?? 10_000 : 10_000
        let rounds = args.count > 2 ? Int(args[2]) ?? 5 : 5
        let dir = args.count > 3 ? URL(fileURLWithPath: args[3]) : FileManager.default.temporaryDirectory
        let template = URL(fileURLWithPath: policyDirectory()).deletingLastPathComponent()
            .appendingPathComponent("templates/certificate.odt")
        let r = try DiskBenchmark.run(
            templateURL: template, documents: n, smallDocuments: min(n, 1_000),
            threads: ProcessInfo.processInfo.activeProcessorCount, rounds: rounds, directory: dir)
        print(r.description)
    case "certificate-run":
        try CertificateRunBench.run(arguments: Array(args.dropFirst()))
    case "full-season":
        try FullSeason.run(
            applications: args.count > 1 ? Int(args[1]) ?? 2000 : 2000, seed: 11,
            directory: args.count > 2 ? URL(fileURLWithPath: args[2]) : nil,
            repository: URL(fileURLWithPath: policyDirectory()).deletingLastPathComponent(),
            demoOptions: Array(args.dropFirst(3)))
    case "season":
        let sizes = (args.count > 1 ? args[1] : "2000,20000").split(separator: ",").compactMap { Int($0) }
        try season(sizes: sizes)
    default:
        try season(sizes: [2000, 20000])
        print()
        print(try RenderBenchmark.run(documents: 40_000, batchDocuments: 100_000).description)
    }
} catch {
    FileHandle.standardError.write(Data("pingshen-bench: \(error)\n".utf8))
    exit(1)
}
