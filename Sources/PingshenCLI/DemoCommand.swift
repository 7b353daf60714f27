import ArgumentParser
import Domain
import Foundation
import Season
import Store

/// `pingshen demo`: a deterministic simulated season through the real store.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a deterministic simulated season into DIR/pingshen.sqlite and print the final states.",
        discussion: """
            Every path of the workflow is exercised. Same seed, same database. A run that was killed
            resumes where it stopped when started again with the same arguments.
            """)

    @Option(help: "Output folder (created if missing).") var out = "out/demo"
    @Option(help: "Number of applications (at least \(DemoSeason.minimumApplications)).") var applications = 200
    @Option(help: "Random seed.") var seed: UInt64 = 2026
    @OptionGroup var rules: RulesOptions

    func validate() throws {
        guard applications >= DemoSeason.minimumApplications else {
            throw ValidationError("--applications 至少为 \(DemoSeason.minimumApplications)(以覆盖全部流程)")
        }
    }

    func run() throws {
        let book = try rules.load()
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        let path = outURL.appendingPathComponent("pingshen.sqlite").path
        let store: EventStore
        do { store = try EventStore(path: path) } catch { throw CLIError(error.chinese + " (\(error))") }
        var bar = ProgressBar(total: 1, label: "")
        var phase = ""
        let season: DemoSeason
        do {
            season = try DemoSeason(
                store: store, rules: book, configuration: .init(applications: applications, seed: seed)
            ) { name, done, total in
                if name != phase {
                    if !phase.isEmpty { bar.finish() }
                    phase = name
                    bar = ProgressBar(total: total, label: name)
                }
                bar.update(done)
            }
        } catch let error as SeasonError {
            throw CLIError(error.chinese)
        } catch let error as StoreError {
            throw CLIError(error.chinese + " (\(error))")
        }
        let summary = try season.run()
        bar.finish()
        print("演示评审年度: \(applications) 份申报, 随机种子 \(seed), 数据库 \(path)")
        print(summary.render())
    }
}
