import ArgumentParser
import Domain
import Foundation
import Store

/// Where the office's rule files live.
struct RulesOptions: ParsableArguments {
    @Option(name: .customLong("policy-dir"), help: "Folder with policy.yaml and calendar/YYYY.yaml.")
    var policyDirectory = "policy"

    func load() throws -> Rulebook {
        do { return try Rulebook.load(directory: policyDirectory) } catch {
            throw CLIError(error.description)
        }
    }
}

/// The database file.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite database file.")
    var path = EventStore.fileName()

    func open(mustExist: Bool = true) throws -> EventStore {
        if mustExist, !FileManager.default.fileExists(atPath: path) {
            throw CLIError("数据库文件不存在: \(path)")
        }
        do { return try EventStore(path: path) } catch { throw CLIError(error.chinese + " (\(error))") }
    }
}

/// An error printed to the user as is, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// A one-line progress bar on a terminal; silent when the output is not a terminal.
struct ProgressBar {
    let total: Int
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1
    var lastDrawn = -1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    mutating func update(_ done: Int) {
        guard isTerminal else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(done)/\(total)".utf8))
    }

    func finish() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
