import Domain
import Foundation
import GRDB
import Signing
import Testing
import Workflow

@testable import Season
@testable import Store

@Suite struct DemoSeasonTests {
    // policy/ not loading fails the tests that use it (naming the file), never crashes the run.
    private static let loadedRules = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try Rulebook.load(directory: root.appendingPathComponent("policy").path)
    }
    static var rules: Rulebook { get throws { try loadedRules.get() } }

    func season(_ n: Int, seed: UInt64, store: EventStore, stopAfter: Int? = nil) throws -> SeasonSummary {
        let keys = try DemoSeason.demoKeyring(directory: Fixtures.temporaryPath("keys"), seed: seed)
        let s = try DemoSeason(
            store: store, rules: try Self.rules,
            configuration: .init(applications: n, seed: seed, stopAfterStep: stopAfter),
            signer: CertificateSigner(keyring: keys))
        return try s.run()
    }

    func headHashes(_ store: EventStore) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: "SELECT kind || '/' || id || '=' || head_hash FROM streams ORDER BY kind, id")
        }
    }

    @Test func everyPathIsExercisedAndTheLogIsIntact() throws {
        let store = try EventStore()
        let summary = try season(60, seed: 7, store: store)
        #expect(summary.auditIntact)
        for (status, minimum) in [
            ("archived", 10), ("lapsed", 1), ("refused", 2), ("withdrawn", 1), ("failed", 2), ("draft", 4),
        ] {
            #expect(summary.count("application", status) >= minimum, "application \(status)")
        }
        #expect(summary.count("certificate", "revoked") == 2)
        #expect(summary.count("unit", "suspended") == 2)  // one before the season, one after the post-hoc check
        #expect(summary.count("person", "recorded") == 3)
        #expect(summary.count("check", "falsified") == 2)
        #expect(summary.count("check", "confirmed") >= 1)
        #expect(summary.count("session", "closed") >= 2)
        for rule in [
            "application.blacklisted", "application.unit-suspended", "application.retired", "application.level-jump",
            "application.pledge-missing", "application.unit-notice-too-short", "application.not-owner",
            "application.notice-not-ended", "session.quorum-not-met", "session.second-ballot",
            "certificate.already-revoked", "application.nothing-due",
        ] {
            #expect(summary.statistics.refusals[rule] != nil, "\(rule) not exercised")
        }
        // The projections equal a replay of the log, for every machine.
        #expect(try store.projectionMismatches(ApplicationMachine.self).isEmpty)
        #expect(try store.projectionMismatches(CommitteeSessionMachine.self).isEmpty)
        #expect(try store.projectionMismatches(CertificateMachine.self).isEmpty)
        #expect(try store.projectionMismatches(PostHocCheckMachine.self).isEmpty)
        #expect(try store.projectionMismatches(UnitStandingMachine.self).isEmpty)
        #expect(try store.projectionMismatches(PersonIntegrityMachine.self).isEmpty)
        // Self-reviewing unit: filed, then certified and archived; the upheld objection failed.
        let filed = try store.load(ApplicationMachine.self, id: "A2026-00015")
        #expect(filed?.state.stage == .archived)
        #expect(try store.load(ApplicationMachine.self, id: "A2026-00011")?.state.stage == .failed)
        // Certificates are numbered 1, 2, 3 … with no gap.
        let numbers = try store.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM streams WHERE kind = 'certificate' ORDER BY id")
        }
        let sequences = numbers.map { Int($0.suffix(5))! }.sorted()
        #expect(sequences == Array(1...numbers.count))
        // Each certificate's code comes from the office's signature over its content, and
        // verification answers valid or revoked (with the decision) at once.
        var valid = 0
        var revoked = 0
        for number in numbers {
            let details = try #require(try store.load(CertificateMachine.self, id: number)?.state.details)
            #expect(details.verificationCode.count == CertificateSigner.codeLength)
            switch try CertificateSigner.verify(
                number: number, code: details.verificationCode.lowercased(), store: store)
            {
            case .valid: valid += 1
            case .revoked(_, let revocation):
                revoked += 1
                #expect(revocation.decisionNumber.hasPrefix("焦职改〔2026〕"))
            default: Issue.record("\(number) does not verify")
            }
            #expect(try CertificateSigner.verify(number: number, code: "0000000000", store: store) == .codeMismatch)
        }
        #expect(revoked == 2 && valid == numbers.count - 2)
        #expect(try CertificateSigner.verify(number: "41082026999999999", code: "X", store: store) == .unknown)
    }

    @Test func theSameSeedGivesTheSameDatabase() throws {
        let a = try EventStore()
        let b = try EventStore()
        _ = try season(40, seed: 11, store: a)
        _ = try season(40, seed: 11, store: b)
        #expect(try headHashes(a) == headHashes(b))
        let c = try EventStore()
        _ = try season(40, seed: 12, store: c)
        #expect(try headHashes(a) != headHashes(c))
    }

    @Test func anInterruptedSeasonResumesToTheSameDatabase() throws {
        let whole = try EventStore()
        let full = try season(40, seed: 5, store: whole)
        let path = Fixtures.temporaryPath("interrupted.sqlite")
        for stop in [3, full.statistics.committedSteps / 2] {
            try? FileManager.default.removeItem(atPath: path)
            do {
                _ = try season(40, seed: 5, store: try EventStore(path: path), stopAfter: stop)
                Issue.record("the season should have stopped")
            } catch let error as SeasonError {
                guard case .interrupted = error else { throw error }
            }
            let reopened = try EventStore(path: path)
            #expect(try reopened.audit().isIntact)
            // The last committed step is recorded with it (probes that write nothing are not steps).
            let done = try reopened.jobStep(try #require(try reopened.jobs().first))
            #expect((1...stop).contains(done))
            let resumed = try season(40, seed: 5, store: reopened)
            #expect(resumed.statistics.skippedSteps > 0)
            #expect(
                resumed.statistics.committedSteps + resumed.statistics.skippedSteps == full.statistics.committedSteps)
            #expect(try headHashes(reopened) == headHashes(whole))
        }
    }
}

extension DemoSeasonTests {
    /// The store writes events and snapshots with its own encoder; every one of a season's
    /// must be byte for byte what Foundation's sorted-keys encoder writes for the same value.
    @Test func everyPayloadAndSnapshotIsWhatFoundationWouldWrite() throws {
        let store = try EventStore()
        _ = try season(40, seed: 3, store: store)
        var checked = 0
        func compare<M: Machine>(_ machine: M.Type) throws {
            let foundation = JSONEncoder()
            foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let rows = try store.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT stream_id, version, payload FROM events WHERE stream_kind = ?", arguments: [M.kind])
            }
            for row in rows {
                let payload: String = row["payload"]
                let event = try JSONDecoder().decode(M.Event.self, from: Data(payload.utf8))
                #expect(String(decoding: try foundation.encode(event), as: UTF8.self) == payload)
                checked += 1
            }
            for (id, json) in try Self.snapshots(store, kind: M.kind) {
                let state = try JSONDecoder().decode(M.State.self, from: Data(json.utf8))
                #expect(String(decoding: try foundation.encode(state), as: UTF8.self) == json, "\(M.kind)/\(id)")
                #expect(try store.replay(machine, id: id) == (try store.load(machine, id: id))?.state)
            }
        }
        try compare(ApplicationMachine.self)
        try compare(CommitteeSessionMachine.self)
        try compare(CertificateMachine.self)
        try compare(PostHocCheckMachine.self)
        try compare(UnitStandingMachine.self)
        try compare(PersonIntegrityMachine.self)
        #expect(checked == (try store.audit().eventsChecked))
    }

    static func snapshots(_ store: EventStore, kind: String) throws -> [(String, String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, state FROM snapshots WHERE kind = ?", arguments: [kind]).map {
                ($0["id"], $0["state"])
            }
        }
    }
}

enum Fixtures {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-season-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }
}
