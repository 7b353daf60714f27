import Foundation
import Testing

@testable import Documents

/// Paths relative to the repository root, found from this file's location.
enum Paths {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// Outside checks vendored into the project (each set with its SOURCE.md).
    static let conformance = repoRoot.appendingPathComponent("Tests/Conformance")
    static let templates = repoRoot.appendingPathComponent("templates")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func tempDir(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pingshen-docs-\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct ProcessResult {
    var status: Int32
    var output: String
}

/// Runs a program (found on PATH through /usr/bin/env) and captures stdout + stderr.
func run(_ args: [String], cwd: URL? = nil, stderr: Bool = true) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    if let cwd { p.currentDirectoryURL = cwd }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = stderr ? pipe : FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// Fails the test (not skips) when a tool CI installs is missing.
func requireTool(_ name: String, package: String) -> Bool {
    let r = try? run(["sh", "-c", "command -v \(name)"])
    let ok = r?.status == 0
    #expect(ok, "required tool '\(name)' is missing (Debian package \(package))")
    return ok
}
