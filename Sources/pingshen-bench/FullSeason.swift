import Foundation
import PingshenCLI

#if canImport(Glibc)
    import Glibc
#endif

// `pingshen-bench full-season N [DIR]`: `pingshen demo --applications N --seed 11` run in this
// process through `PingshenCLI.Demo` (the command itself, not a copy) on a fresh folder, with
// each phase's wall time, what it made per second, the bytes it left on disk per second and the
// process's peak RSS (VmHWM, which only grows) when the phase ended.

enum FullSeason {
    struct Phase {
        var name: String
        var seconds: Double
        var made: Int
        var unit: String
        var bytes: Int64
        var peakMB: Double
        var load: Double
    }

    /// Bytes of the regular files under `url`.
    static func folderBytes(_ url: URL) -> Int64 {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        else { return 0 }
        var total: Int64 = 0
        for case let file as URL in walker {
            guard let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]),
                values.isRegularFile == true
            else { continue }
            total += Int64(values.fileSize ?? 0)
        }
        return total
    }

    /// The process's peak resident set so far, in MB (VmHWM; getrusage's maxrss where absent).
    static func peakMegabytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// The one-minute load average.
    static func load() -> Double {
        var averages = [Double](repeating: 0, count: 3)
        return getloadavg(&averages, 3) > 0 ? averages[0] : -1
    }

    /// - Parameter demoOptions: more of `pingshen demo`'s options (`--archive-files link`).
    static func run(
        applications: Int, seed: UInt64, directory: URL?, repository: URL, demoOptions: [String] = []
    ) throws {
        let out =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-full-season-\(UUID().uuidString)")
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: out.path), !entries.isEmpty {
            throw BenchError("\(out.path) is not empty: full-season runs on a fresh folder")
        }
        defer { if directory == nil { try? FileManager.default.removeItem(at: out) } }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(
            "full-season: \(applications) applications, seed \(seed), \(cores) cores, into \(out.path)"
                + (demoOptions.isEmpty ? "" : " (\(demoOptions.joined(separator: " ")))"))
        print(String(format: "load average at start: %.2f", load()))
        // A line per phase as it ends, flushed (a long season can be watched, or stopped after
        // the phases of interest).
        func line(_ p: Phase) -> String {
            let mb = Double(p.bytes) / 1_048_576
            return "| \(p.name) | \(String(format: "%.1f", p.seconds)) | \(p.made) \(p.unit) | "
                + String(
                    format: "%.0f | %.0f | %.1f | %.0f | %.2f |", Double(p.made) / max(p.seconds, 1e-9), mb,
                    mb / max(p.seconds, 1e-9), p.peakMB, p.load)
        }
        let header = "| phase | wall s | made | per s | MB written | MB/s | peak RSS MB | load avg |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        var phases: [Phase] = []
        var start = Date()
        var before: Int64 = 0
        let units: [DemoPhase: String] = [.workflow: "applications", .documents: "documents", .archive: "packages"]
        try Demo.run(
            arguments: [
                "--out", out.path, "--applications", String(applications), "--seed", String(seed),
                "--policy-dir", repository.appendingPathComponent("policy").path,
                "--templates-dir", repository.appendingPathComponent("templates").path,
                "--forms-dir", repository.appendingPathComponent("forms").path,
            ] + demoOptions
        ) { phase, made in
            let seconds = Date().timeIntervalSince(start)
            let peak = peakMegabytes()
            let bytes = folderBytes(out)
            phases.append(
                Phase(
                    name: phase.rawValue, seconds: seconds, made: made, unit: units[phase] ?? "", bytes: bytes - before,
                    peakMB: peak, load: load()))
            before = bytes
            if phases.count == 1 { print("\n" + header) }
            print(line(phases[phases.count - 1]))
            fflush(nil)
            start = Date()  // the folder walk is no phase's
        }
        print()
        print(header)
        for p in phases { print(line(p)) }
        let seconds = phases.reduce(0) { $0 + $1.seconds }
        let mb = Double(phases.reduce(0) { $0 + $1.bytes }) / 1_048_576
        print(
            String(
                format: "| total | %.1f | | | %.0f | %.1f | %.0f | %.2f |", seconds, mb, mb / max(seconds, 1e-9),
                phases.last?.peakMB ?? 0, load()))
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
