import Domain
import Foundation
import Store

/// The deadlines a server runs by itself, as the nightly `pingshen tick` would: unanswered
/// corrections lapse, finished notice periods conclude, suspensions and integrity records end.
public enum DeadlineRunner {
    /// Runs everything due on the day of `now` (`EventStore.runDeadlines`). - Returns: how many
    /// streams changed.
    @discardableResult
    public static func runDue(store: EventStore, rules: Rulebook, now: Date) throws(StoreError) -> Int {
        let report = try store.runDeadlines(rules: rules, now: now)
        for (id, error) in report.skipped {
            FileHandle.standardError.write(Data("scheduler skipped \(id): \(error)\n".utf8))
        }
        return report.changed.count
    }

    /// Runs `runDue` now and then every `interval` seconds until the task is cancelled
    /// (the web server's background job). Failures are logged and retried at the next round.
    public static func loop(
        store: EventStore, rules: Rulebook, now: @escaping @Sendable () -> Date, interval: Double = 3600
    ) async {
        while !Task.isCancelled {
            do {
                let changed = try runDue(store: store, rules: rules, now: now())
                if changed > 0 { print("定时处理:\(Day(now())) 到期事项 \(changed) 件") }
            } catch {
                FileHandle.standardError.write(Data("scheduler failed: \(error)\n".utf8))
            }
            try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }
}
