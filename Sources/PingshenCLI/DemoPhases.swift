import ArgumentParser
import Foundation

/// The phases of `pingshen demo`, in order: the season's workflow, its documents, its signed
/// packages.
public enum DemoPhase: String, Sendable, CaseIterable {
    case workflow, documents, archive
}

/// Told as each phase of the demo ends, with how many things it made (applications, documents
/// rendered, packages written).
public typealias DemoPhaseObserver = (DemoPhase, Int) -> Void

/// `pingshen demo` from another program: `pingshen-bench full-season` runs exactly the command
/// (the same arguments, the same code path) and times its phases.
///
/// ```swift
/// try Demo.run(arguments: ["--out", "/tmp/season", "--applications", "2000"]) { phase, made in
///     print(phase, made)
/// }
/// ```
public enum Demo {
    public static func run(arguments: [String], phases: @escaping DemoPhaseObserver) throws {
        let command = try DemoCommand.parse(arguments)
        try command.run(phases: phases)
    }
}
