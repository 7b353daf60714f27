import Domain
import Foundation
import Testing

@testable import Archive

/// A fresh temporary folder per test.
func temporaryDirectory(_ label: String = #function) -> String {
    let name = label.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "archive-tests-\(name)-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let fixedNow = Date(timeIntervalSince1970: 1_790_000_000)
/// When the test office's key was made (2026-01-01): before every decision it signs, as a key
/// must be (a key signs only for days from its `validFrom`).
let keyringCreated = Date(timeIntervalSince1970: 1_767_225_600)

func samplePayload() -> [BagFile] {
    [
        BagFile(path: "decision/取得资格通知.html", bytes: Array("<p>关于张三等同志取得高级工程师资格的通知</p>\n".utf8)),
        BagFile(path: "decision/notice.odt", bytes: Array(repeating: 0x50, count: 3000)),
        BagFile(path: "applications/A1/events.json", bytes: Array("[{\"version\":1}]\n".utf8)),
        BagFile(path: "applications/A1/附件 1 (扫描件).txt", bytes: Array("space and brackets in a name\n".utf8)),
        BagFile(path: "applications/A2/empty.txt", bytes: []),
    ]
}

func sampleInfo() -> BagInfo {
    BagInfo(
        sourceOrganization: "焦作市职称改革领导小组办公室", baggingDate: Day(year: 2026, month: 7, day: 15)!,
        externalIdentifier: "焦职改〔2026〕12号", extra: [.init("Pingshen-Application-Count", "2")])
}

/// Runs Python's bagit validator; returns nil when valid, else its message. Skips (returns
/// nil with a note) only when `bagit` is not installed and PINGSHEN_REQUIRE_BAGIT is unset.
func pythonBagitProblem(_ path: String) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
        "python3", "-c",
        "import sys, bagit\nb = bagit.Bag(sys.argv[1])\ntry:\n    b.validate()\nexcept Exception as e:\n    print(e); sys.exit(1)",
        path,
    ]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    do { try p.run() } catch { return "cannot run python3: \(error)" }
    p.waitUntilExit()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return p.terminationStatus == 0 ? nil : text
}

func run(_ tool: String, _ args: [String]) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try! p.run()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
}

func mode(of path: String) -> Int {
    var st = stat()
    stat(path, &st)
    return Int(st.st_mode & 0o777)
}
