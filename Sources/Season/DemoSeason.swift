import Domain
import Forms
import Foundation
import Signing
import Store
import Workflow

/// A deterministic simulated evaluation season through the real store: registry, applications
/// on every track, unit notices, qualification review with corrections (answered and lapsed),
/// refusals and re-examinations, committee sessions with draws, recusals, quorum and secret
/// ballots, public notices with objections (dismissed and upheld), confirmation or filing,
/// certificates, post-hoc checks with a revocation and a unit suspension, archiving.
///
/// Every write is one transaction that also records the step number, so a season killed half
/// way resumes where it stopped: the script is replayed and the steps already in the database
/// are skipped. The same seed gives the same database, event for event.
public final class DemoSeason {
    public struct Configuration: Sendable {
        public var applications: Int
        public var seed: UInt64
        /// The first day of the season (a working day).
        public var start: Day
        /// Stop (as if killed) after committing this many steps — for testing recovery.
        public var stopAfterStep: Int?
        /// Stop (`SeasonError.interrupted`) right after the first confirmation's transaction: a
        /// 文号 whose applications are confirmed and wait for their certificates (the office's
        /// certificate run, `pingshen-bench certificate-run`).
        public var stopBeforeCertificates: Bool

        public init(
            applications: Int, seed: UInt64, start: Day = Day(year: 2026, month: 3, day: 2)!, stopAfterStep: Int? = nil,
            stopBeforeCertificates: Bool = false
        ) {
            self.applications = applications
            self.seed = seed
            self.start = start
            self.stopAfterStep = stopAfterStep
            self.stopBeforeCertificates = stopBeforeCertificates
        }
    }

    /// Progress: phase name, done, total.
    public typealias Progress = (String, Int, Int) -> Void

    let store: EventStore
    let rules: Rulebook
    /// The forms applicants declare with; nil: applications carry no declaration (the
    /// workflow benchmark).
    let forms: FormLibrary?
    /// Where the declared files go (content-addressed, as the web's uploads); nil: not written.
    let attachments: URL?
    /// Signs certificate contents; the verification code is derived from the signature.
    let signer: CertificateSigner
    let config: Configuration
    let progress: Progress
    var rng: SeededGenerator
    /// Steps already in the database (from an earlier, interrupted run).
    let alreadyDone: Int
    var step = 0
    var clock: Date
    var stats = SeasonStatistics()
    /// Gap-free numbers the script has taken so far (checked against the store's counters).
    var documentsIssued = 0
    var certificatesIssued = 0
    /// The job name carries the parameters: resuming with other parameters would not replay.
    var job: String { "demo-season/applications=\(config.applications)/seed=\(config.seed)" }

    public init(
        store: EventStore, rules: Rulebook, configuration: Configuration, signer: CertificateSigner? = nil,
        forms: FormLibrary? = nil, attachments: URL? = nil, progress: @escaping Progress = { _, _, _ in }
    ) throws {
        self.store = store
        self.rules = rules
        self.forms = forms
        self.attachments = attachments
        if let signer {
            self.signer = signer
        } else {
            // No office key given: the seed's demo key in a throw-away folder.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "pingshen-demo-keys-\(UUID().uuidString)")
            self.signer = CertificateSigner(
                keyring: try Self.demoKeyring(directory: dir.path, seed: configuration.seed))
        }
        self.config = configuration
        self.progress = progress
        rng = SeededGenerator(seed: configuration.seed)
        let job = "demo-season/applications=\(configuration.applications)/seed=\(configuration.seed)"
        if let other = try store.jobs().first(where: { $0.hasPrefix("demo-season") && $0 != job }) {
            throw SeasonError.otherSeason(other)
        }
        alreadyDone = try store.jobStep(job)
        clock = configuration.start.startInstant
    }

    // MARK: - the step mechanism

    /// Moves the simulated clock to 09:00 on `day` (never backwards).
    func at(_ day: Day) {
        let nine = day.startInstant.addingTimeInterval(9 * 3600)
        if nine > clock { clock = nine }
    }

    func context(_ actor: Actor) -> Context {
        clock = clock.addingTimeInterval(0.001)  // 1 ms a step: even 100,000 applications stay within the day
        return Context(actor: actor, now: clock, rules: rules)
    }

    /// One write, as one transaction together with the step counter; skipped when an earlier run
    /// already committed it.
    @discardableResult
    func transact<T>(_ body: (StoreTransaction) throws -> T) throws -> T? {
        step += 1
        guard step > alreadyDone else {
            stats.skippedSteps += 1
            return nil
        }
        if let stop = config.stopAfterStep, step > stop { throw SeasonError.interrupted(afterStep: stop) }
        let n = step
        let value = try store.write { tx in
            let v = try body(tx)
            try tx.setJobStep(job, n)
            return v
        }
        stats.committedSteps += 1
        return value
    }

    func run<M: Machine>(_ m: M.Type, _ id: String, _ command: M.Command, as actor: Actor) throws {
        let ctx = context(actor)
        try transact { tx in
            let outcome = try tx.execute(m, id: id, command, context: ctx)
            self.stats.events += outcome.events.count
        }
    }

    /// A command the rules must refuse; the season fails if it is accepted.
    func probe<M: Machine>(
        _ m: M.Type, _ id: String, _ command: M.Command, as actor: Actor, expect rule: String
    )
        throws
    {
        let ctx = context(actor)
        step += 1
        guard step > alreadyDone else { return }
        do {
            try store.execute(m, id: id, command, context: ctx)
        } catch {
            guard let refusal = error.refusal, refusal.rule == rule else {
                throw SeasonError.unexpected("\(M.kind)/\(id): expected refusal \(rule), got \(error)")
            }
            stats.refusals[rule, default: 0] += 1
            return
        }
        throw SeasonError.unexpected("\(M.kind)/\(id): \(rule) was not refused")
    }

    func workingDays(_ n: Int, after day: Day) throws -> Day {
        do { return try rules.calendar.adding(workingDays: n, to: day) } catch {
            throw SeasonError.calendar(error.description)
        }
    }

    func chance(_ percent: Int) -> Bool { Int(rng.next() % 100) < percent }
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
}

extension DemoSeason {
    /// The demo office's signing key, derived from the season's seed so that the same seed gives
    /// the same database (certificate codes included). A real office's key is random.
    public static func demoKeyring(directory: String, seed: UInt64) throws -> OfficeKeyring {
        let material = Array(EventHash.sha256Hex("pingshen-demo-office-key|\(seed)").utf8)
        let bytes = stride(from: 0, to: 64, by: 2).map { i -> UInt8 in
            UInt8(String(decoding: material[i..<i + 2], as: UTF8.self), radix: 16)!
        }
        return try OfficeKeyring.open(
            directory: directory, now: Date(timeIntervalSince1970: 1_767_225_600), newKeySeed: bytes)
    }
}

public enum SeasonError: Error, CustomStringConvertible {
    case unexpected(String)
    case calendar(String)
    case interrupted(afterStep: Int)
    case otherSeason(String)

    public var description: String {
        switch self {
        case .unexpected(let s): "season script failed: \(s)"
        case .calendar(let s): s
        case .interrupted(let n): "season interrupted after step \(n)"
        case .otherSeason(let job): "database already holds another demo season (\(job))"
        }
    }

    /// For users, in Chinese.
    public var chinese: String {
        switch self {
        case .otherSeason(let job): "该数据库已保存另一组参数的演示数据(\(job)),请换一个输出目录或删除旧文件"
        case .calendar(let s): s
        default: "演示运行失败: \(description)"
        }
    }
}

/// Counters kept while the season runs.
public struct SeasonStatistics: Sendable {
    public var committedSteps = 0
    public var skippedSteps = 0
    public var events = 0
    /// Refusals the script provoked on purpose, by rule id.
    public var refusals: [String: Int] = [:]
}
