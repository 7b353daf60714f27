import Foundation
import Testing

@testable import PingshenCLI

/// Issue 15: an archive run's filing checks go on a lane of their own while the writer goes on —
/// the writer never waits for a check, the checks run one at a time in the order the packages
/// were built, and the run reports their outcomes in that order.
@Suite struct CheckLaneTests {
    final class Probe: @unchecked Sendable {
        let lock = NSLock()
        var running = 0
        var most = 0
        var order: [Int] = []
    }

    @Test func checksRunOneAtATimeInOrderWhileTheWriterGoesOn() {
        let lane = CheckLane()
        let probe = Probe()
        let started = Date()
        for i in 0..<12 {
            lane.submit {
                probe.lock.withLock {
                    probe.running += 1
                    probe.most = max(probe.most, probe.running)
                    probe.order.append(i)
                }
                usleep(UInt32(20_000 + (i % 3) * 10_000))  // 20–40 ms, uneven
                probe.lock.withLock { probe.running -= 1 }
                return CheckLane.Outcome(checkFailed: i % 5 == 0 ? ["package-\(i)"] : [])
            }
        }
        // Queued, not run: twelve checks of ≥ 20 ms each would take ≥ 240 ms.
        #expect(Date().timeIntervalSince(started) < 0.2)
        let outcomes = lane.drain()
        #expect(Date().timeIntervalSince(started) >= 0.24)
        #expect(outcomes.count == 12)
        #expect(outcomes.flatMap(\.checkFailed) == ["package-0", "package-5", "package-10"])
        #expect(probe.order == Array(0..<12))
        #expect(probe.most == 1)
        // Drained again (the builder's `defer`): nothing more to wait for, the same outcomes.
        #expect(lane.drain().count == 12)
    }
}
