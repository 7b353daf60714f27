import Documents
import Domain
import Forms
import Foundation
import GRDB
import Issuance
import Season
import Testing

@testable import Store

/// `ISSUANCE_BENCH=200 swift test --filter SpeedTests`: renders a demo season's documents and
/// prints the speed.
@Test(.enabled(if: ProcessInfo.processInfo.environment["ISSUANCE_BENCH"] != nil))
func demoSeasonRenderingSpeed() throws {
    let n = Int(ProcessInfo.processInfo.environment["ISSUANCE_BENCH"] ?? "") ?? 200
    let rules = try Rulebook.load(directory: Paths.policy.path)
    let store = try EventStore()
    let forms = try FormLibrary.load(directory: Paths.forms.path)
    _ = try DemoSeason(store: store, rules: rules, configuration: .init(applications: n, seed: 2026), forms: forms).run()
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("issuance-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: out) }
    for threads in [1, 2] {
        try store.write { tx in try tx.db.execute(sql: "UPDATE documents SET status = 'pending', path = NULL") }
        let service = DocumentService(
            store: store, rules: rules, library: TemplateLibrary(directory: Paths.templates), forms: forms)
        let summary = try service.renderPending(into: out.appendingPathComponent("t\(threads)"), threads: threads)
        print("ISSUANCE-BENCH applications=\(n) threads=\(threads): \(summary)")
        #expect(summary.failed == 0)
    }
}
