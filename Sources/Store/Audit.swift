import Domain
import Foundation
import GRDB
import Workflow

/// What `audit verify` found.
public struct AuditReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case edited  // the stored hash does not match the event's contents
            case deleted  // a version is missing, or the projection is ahead of the log
            case reordered  // an event does not chain to the previous one
            case projection  // the projection's head does not match the log
            case undecodable  // an event does not decode as its machine's event
            case status  // the projection's status or version is not the replay's
            case snapshot  // a state snapshot is not the state the log replays to
            case index  // the application index is not the replayed profile
            case declaration  // a declaration's data, digest or pledge disagree with the signed pledge
            case orphan  // a projection row (stream, snapshot, index, declaration) with no events
            case certificateIndex  // a `certificate_index` row is not what the `issued` event says, or is missing
        }
        public var kind: Kind
        public var seq: Int?
        public var stream: String
        public var version: Int
        public var detail: String
        /// The detail in Chinese, when it needs one.
        public var chineseDetail: String?

        public init(
            kind: Kind, seq: Int?, stream: String, version: Int, detail: String, chineseDetail: String? = nil
        ) {
            self.kind = kind
            self.seq = seq
            self.stream = stream
            self.version = version
            self.detail = detail
            self.chineseDetail = chineseDetail
        }

        public var description: String {
            let at = seq.map { "event #\($0)" } ?? "stream head"
            return "\(kind.rawValue): \(at) \(stream) v\(version): \(detail)"
        }

        /// For users, in Chinese.
        public var chinese: String {
            let d = chineseDetail ?? detail
            switch kind {
            case .edited: return "记录 \(stream) 第 \(version) 个事件被修改：\(d)"
            case .deleted: return "记录 \(stream) 第 \(version) 个事件被删除：\(d)"
            case .reordered: return "记录 \(stream) 第 \(version) 个事件顺序被改动：\(d)"
            case .projection: return "记录 \(stream) 第 \(version) 个事件与当前状态不符：\(d)"
            case .undecodable: return "记录 \(stream) 第 \(version) 个事件无法解读：\(d)"
            case .status: return "记录 \(stream) 的当前状态与事件日志重放结果不符（状态表被改动）：\(d)"
            case .snapshot: return "记录 \(stream) 第 \(version) 版的状态快照与事件日志重放结果不符（快照被改动）：\(d)"
            case .index: return "申报 \(stream) 的索引与事件日志不符（索引表被改动）：\(d)"
            case .declaration: return "申报 \(stream) 第 \(version) 版申报数据与已签名的承诺书不符：\(d)"
            case .orphan: return "\(stream) 没有对应的事件日志（日志被删除或数据被伪造）：\(d)"
            case .certificateIndex: return "证书 \(stream) 的索引与事件日志不符（证书索引表被改动）：\(d)"
            }
        }
    }

    public var eventsChecked: Int
    public var streamsChecked: Int
    /// Every problem, the earliest in the log first.
    public var problems: [Problem]
    /// Streams whose kind no known machine replays (their chain is checked, not their
    /// projection), by kind.
    public var unreplayed: [String: Int] = [:]

    public init(eventsChecked: Int, streamsChecked: Int, problems: [Problem], unreplayed: [String: Int] = [:]) {
        self.eventsChecked = eventsChecked
        self.streamsChecked = streamsChecked
        self.problems = problems
        self.unreplayed = unreplayed
    }

    public var isIntact: Bool { problems.isEmpty }
    public var first: Problem? { problems.first }
}

extension EventStore {
    /// The machines whose streams `audit` replays: every workflow machine that writes to the log
    /// (a new machine belongs here; streams of a kind not listed are only chain-checked and
    /// counted in `AuditReport.unreplayed`).
    public static var replayedMachines: [any Machine.Type] {
        [
            ApplicationMachine.self, CommitteeSessionMachine.self, CertificateMachine.self, UnitStandingMachine.self,
            PersonIntegrityMachine.self, PostHocCheckMachine.self, AdministrationMachine.self,
            CommitteeRegistryMachine.self, UnitRegistrationMachine.self, AccountRecoveryMachine.self,
            ObjectionMachine.self,
        ]
    }

    /// Walks the whole log: recomputes each event's hash, checks each stream's versions run
    /// 1, 2, 3 … and chain by hash. With `replay` (the default) it also rebuilds every stream
    /// of a known machine from its events and checks what the database keeps beside the log
    /// against it: the stream's row (version, status, head hash), its state snapshot, the
    /// application index, and each declaration (its data against its digest, the digest
    /// against the signed pledge in the submitting event and in the pledge record). Rows with
    /// no events behind them are named too.
    ///
    /// A history deleted or rewritten consistently (hashes recomputed) passes this; only a
    /// signed checkpoint (`appendCheckpoint`, checked by `Signing.LogCheckpoints.verify`) or a
    /// signed package's heads can show it.
    public func audit(
        replay: Bool = true, machines: [any Machine.Type] = EventStore.replayedMachines
    ) throws(StoreError) -> AuditReport {
        try read { db in
            var auditor = Auditor(db: db, replay: replay, machines: machines)
            return try auditor.run()
        }
    }
}

/// One audit's walk through the log and the projections. The database is read on the calling
/// thread, a batch of streams at a time (each stream's events with its row, snapshot, index row
/// and declarations); each batch is then examined — hashes recomputed, events decoded and
/// replayed, projections compared — on every core (`StreamExaminer`, no database). The problems
/// come out in the order a one-thread walk finds them.
struct Auditor {
    let db: Database
    let replay: Bool
    let machines: [String: any Machine.Type]
    var problems: [AuditReport.Problem] = []
    var unreplayed: [String: Int] = [:]

    struct StreamRow: Sendable {
        var version: Int
        var status: String
        var head: String
    }
    var rows: [String: StreamRow] = [:]
    var seen: Set<String> = []
    /// Streams and events gathered for the next examination.
    var batch: [StreamWork] = []
    var batchEvents = 0
    static let batchStreams = 512
    static let batchEventLimit = 20_000

    init(db: Database, replay: Bool, machines: [any Machine.Type]) {
        self.db = db
        self.replay = replay
        var byKind: [String: any Machine.Type] = [:]
        for m in machines { byKind[m.kind] = m }
        self.machines = byKind
    }

    mutating func run() throws -> AuditReport {
        for s in try Row.fetchAll(db, sql: "SELECT kind, id, version, status, head_hash FROM streams") {
            rows["\(s["kind"] as String)/\(s["id"] as String)"] = StreamRow(
                version: s["version"], status: s["status"], head: s["head_hash"])
        }
        var count = 0
        var key = ""
        var current: StreamWork?
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY stream_kind, stream_id, version")
        while let row = try cursor.next() {
            let e = StoredEvent(row: row)
            count += 1
            let k = "\(e.streamKind)/\(e.streamID)"
            if k != key {
                if let done = current { try gather(done) }
                key = k
                current = StreamWork(kind: e.streamKind, id: e.streamID)
            }
            current?.events.append(e)
        }
        if let done = current { try gather(done) }
        examine()
        // Projection rows with no events behind them.
        for (k, r) in rows where !seen.contains(k) {
            problems.append(
                .init(
                    kind: .deleted, seq: nil, stream: k, version: r.version, detail: "no events in the log",
                    chineseDetail: "状态表中有该记录，事件日志中却没有任何事件"))
        }
        if replay { try orphans() }
        problems.sort { ($0.seq ?? Int.max, $0.stream, $0.version) < ($1.seq ?? Int.max, $1.stream, $1.version) }
        return AuditReport(eventsChecked: count, streamsChecked: rows.count, problems: problems, unreplayed: unreplayed)
    }

    /// One stream's events are all read: reads what the database keeps beside them and queues
    /// the stream for examination.
    mutating func gather(_ stream: StreamWork) throws {
        var w = stream
        let key = "\(w.kind)/\(w.id)"
        seen.insert(key)
        w.row = rows[key]
        if replay, machines[w.kind] != nil {
            if let r = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT version, state FROM snapshots WHERE kind = ? AND id = ?"),
                arguments: [w.kind, w.id])
            {
                w.snapshot = StreamWork.Snapshot(version: r[0], state: r[1])
            }
            if w.kind == ApplicationMachine.kind {
                w.index = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT person_id, unit_id, series, level, track FROM application_index WHERE id = ?"),
                    arguments: [w.id]
                ).map { r in (0..<5).map { r[$0] } }
                w.declarations = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT version, data, data_sha256, pledge, pledge_text FROM declarations
                            WHERE application_id = ? ORDER BY version
                            """), arguments: [w.id]
                ).map { r in
                    StreamWork.Declaration(version: r[0], data: r[1], digest: r[2], pledge: r[3], pledgeText: r[4])
                }
            }
        }
        batchEvents += w.events.count
        batch.append(w)
        if batch.count >= Self.batchStreams || batchEvents >= Self.batchEventLimit { examine() }
    }

    /// Examines the gathered streams on every core and takes their findings in stream order.
    mutating func examine() {
        guard !batch.isEmpty else { return }
        let work = BatchExamination(batch: batch, replay: replay, machines: machines)
        let workers = batchEvents >= 256 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var examiner = StreamExaminer(replay: work.replay, machines: work.machines)
            for i in stride(from: w, to: work.batch.count, by: workers) {
                work.set(i, examiner.examine(work.batch[i]))
            }
        }
        for i in batch.indices {
            let found = work.get(i)
            problems += found.problems
            if let kind = found.unreplayed { unreplayed[kind, default: 0] += 1 }
        }
        batch.removeAll(keepingCapacity: true)
        batchEvents = 0
    }

    /// Snapshots, index rows and declarations of streams that have no events at all.
    mutating func orphans() throws {
        for r in try Row.fetchAll(db, sql: "SELECT kind, id, version FROM snapshots") {
            let key = "\(r["kind"] as String)/\(r["id"] as String)"
            if !seen.contains(key) {
                problems.append(
                    .init(
                        kind: .orphan, seq: nil, stream: key, version: r["version"], detail: "snapshot without events",
                        chineseDetail: "状态快照"))
            }
        }
        let application = ApplicationMachine.kind
        for id in try String.fetchAll(db, sql: "SELECT id FROM application_index")
        where !seen.contains("\(application)/\(id)") {
            problems.append(
                .init(
                    kind: .orphan, seq: nil, stream: "\(application)/\(id)", version: 0,
                    detail: "index row without events",
                    chineseDetail: "申报索引"))
        }
        // `certificate_index` against the `issued` events (each row exactly what its event says).
        for number in try String.fetchAll(
            db,
            sql: """
                WITH issued(number, approval, application_id, holder_id, holder_name, series, level, issued_on) AS (
                    \(StoreTransaction.issuedRows))
                SELECT number FROM (SELECT * FROM issued EXCEPT SELECT * FROM certificate_index)
                UNION
                SELECT number FROM (SELECT * FROM certificate_index EXCEPT SELECT * FROM issued)
                ORDER BY number
                """)
        {
            problems.append(
                .init(
                    kind: .certificateIndex, seq: nil, stream: "\(CertificateMachine.kind)/\(number)", version: 0,
                    detail: "certificate index row differs from the issued event", chineseDetail: "证书索引"))
        }
        for id in try String.fetchAll(db, sql: "SELECT DISTINCT application_id FROM declarations")
        where !seen.contains("\(application)/\(id)") {
            problems.append(
                .init(
                    kind: .orphan, seq: nil, stream: "\(application)/\(id)", version: 0,
                    detail: "declaration without events", chineseDetail: "申报数据"))
        }
    }
}

/// One stream as the audit read it: its events in version order and the rows kept beside them.
struct StreamWork: Sendable {
    struct Snapshot: Sendable {
        var version: Int
        var state: String
    }
    struct Declaration: Sendable {
        var version: Int
        var data: String
        var digest: String
        var pledge: String
        var pledgeText: String?
    }
    var kind: String
    var id: String
    var events: [StoredEvent] = []
    var row: Auditor.StreamRow?
    var snapshot: Snapshot?
    /// The `application_index` row (person, unit, series, level, track); nil: none.
    var index: [String]?
    var declarations: [Declaration] = []
}

/// What the audit found in one stream.
struct StreamFindings: Sendable {
    var problems: [AuditReport.Problem] = []
    /// The stream's kind when no known machine replays it.
    var unreplayed: String?
}

/// A batch's streams and a slot for each one's findings, shared by the examining threads (each
/// slot written by one thread, read after they all finished).
private final class BatchExamination: @unchecked Sendable {
    let batch: [StreamWork]
    let replay: Bool
    let machines: [String: any Machine.Type]
    private let slots: UnsafeMutablePointer<StreamFindings>

    init(batch: [StreamWork], replay: Bool, machines: [String: any Machine.Type]) {
        self.batch = batch
        self.replay = replay
        self.machines = machines
        slots = .allocate(capacity: max(batch.count, 1))
        slots.initialize(repeating: StreamFindings(), count: batch.count)
    }

    deinit {
        slots.deinitialize(count: batch.count)
        slots.deallocate()
    }

    func set(_ i: Int, _ value: StreamFindings) { slots[i] = value }
    func get(_ i: Int) -> StreamFindings { slots[i] }
}

/// The checks of one stream, without the database: the chain (each event's hash, versions
/// 1, 2, 3 …, each event chained to the one before), the stream's row, and with `replay` the
/// replayed state against the row's status, the snapshot, the application index and the
/// declarations.
struct StreamExaminer {
    let replay: Bool
    let machines: [String: any Machine.Type]
    let decoder = JSONDecoder()
    var problems: [AuditReport.Problem] = []
    var unreplayed: String?

    init(replay: Bool, machines: [String: any Machine.Type]) {
        self.replay = replay
        self.machines = machines
    }

    mutating func examine(_ w: StreamWork) -> StreamFindings {
        problems = []
        unreplayed = nil
        let k = "\(w.kind)/\(w.id)"
        var expectedVersion = 1
        var previous = EventHash.genesis
        for e in w.events {
            if EventHash.hash(e.hashFields) != e.hash {
                problems.append(
                    .init(
                        kind: .edited, seq: e.seq, stream: k, version: e.version, detail: "hash mismatch",
                        chineseDetail: "哈希不符"))
            }
            if e.version != expectedVersion {
                problems.append(
                    .init(
                        kind: .deleted, seq: e.seq, stream: k, version: e.version,
                        detail: "expected version \(expectedVersion)", chineseDetail: "应为第 \(expectedVersion) 个事件"))
            } else if e.prevHash != previous {
                problems.append(
                    .init(
                        kind: .reordered, seq: e.seq, stream: k, version: e.version, detail: "previous hash differs",
                        chineseDetail: "与前一事件的哈希链不符"))
            }
            expectedVersion = e.version + 1
            previous = e.hash
        }
        finish(w)
        return StreamFindings(problems: problems, unreplayed: unreplayed)
    }

    /// The end of one stream's events: its row, and with `replay` its replayed state.
    mutating func finish(_ w: StreamWork) {
        let key = "\(w.kind)/\(w.id)"
        guard let last = w.events.last else { return }
        if let row = w.row {
            if last.version < row.version {
                problems.append(
                    .init(
                        kind: .deleted, seq: nil, stream: key, version: row.version,
                        detail: "log ends at version \(last.version)",
                        chineseDetail: "状态表记为第 \(row.version) 版，事件日志只到第 \(last.version) 个事件"))
            } else if last.version != row.version || last.hash != row.head {
                problems.append(
                    .init(
                        kind: .projection, seq: nil, stream: key, version: row.version, detail: "head hash differs",
                        chineseDetail: "状态表中的版本或头哈希与事件日志最后一个事件不符"))
            }
        } else {
            problems.append(
                .init(
                    kind: .status, seq: nil, stream: key, version: last.version, detail: "no row in streams",
                    chineseDetail: "事件日志中有该记录，状态表中却没有"))
        }
        guard replay else { return }
        guard let machine = machines[w.kind] else {
            unreplayed = w.kind
            return
        }
        check(machine, w)
    }

    /// Replays one stream and checks its row, snapshot, index and declarations.
    mutating func check<M: Machine>(_ machine: M.Type, _ w: StreamWork) {
        let key = "\(M.kind)/\(w.id)"
        let snapshotVersion = w.snapshot?.version
        var state = M.initial
        var atSnapshot: M.State?
        var decoded: [(version: Int, event: M.Event)] = []
        for e in w.events {
            do {
                let event = try decoder.decode(M.Event.self, from: Data(e.payload.utf8))
                decoded.append((e.version, event))
                state = M.evolve(state, event)
            } catch {
                problems.append(
                    .init(
                        kind: .undecodable, seq: e.seq, stream: key, version: e.version, detail: "\(error)",
                        chineseDetail: "事件内容无法按 \(M.kind) 的事件格式读取"))
                return
            }
            if e.version == snapshotVersion { atSnapshot = state }
        }
        let lastVersion = w.events.last?.version ?? 0
        if let row = w.row {
            let status = M.status(of: state)
            if row.status != status {
                problems.append(
                    .init(
                        kind: .status, seq: nil, stream: key, version: lastVersion,
                        detail: "status \(row.status), replay gives \(status)",
                        chineseDetail: "状态表记为“\(row.status)”，事件日志重放为“\(status)”"))
            }
        }
        if let snapshot = w.snapshot {
            if let atSnapshot {
                let stored = try? decoder.decode(M.State.self, from: Data(snapshot.state.utf8))
                if stored != atSnapshot {
                    problems.append(
                        .init(
                            kind: .snapshot, seq: nil, stream: key, version: snapshot.version,
                            detail: stored == nil ? "snapshot does not decode" : "snapshot differs from the replay",
                            chineseDetail: stored == nil ? "快照无法读取" : "快照内容与重放到该版本的状态不同"))
                }
            } else {
                problems.append(
                    .init(
                        kind: .snapshot, seq: nil, stream: key, version: snapshot.version,
                        detail: "snapshot at a version the log does not have (log ends at \(lastVersion))",
                        chineseDetail: "快照所记版本在事件日志中不存在（日志只到第 \(lastVersion) 个事件）"))
            }
        }
        if M.kind == ApplicationMachine.kind, let application = state as? ApplicationState {
            checkIndex(id: w.id, row: w.index, profile: application.profile)
            let pledges: [(version: Int, pledge: PledgeRecord)] = decoded.compactMap {
                switch $0.event as? ApplicationEvent {
                case .submitted(let pledge, _)?: ($0.version, pledge)
                case .correctionAnswered(_, _, let pledge?)?: ($0.version, pledge)
                default: nil
                }
            }
            checkDeclarations(id: w.id, rows: w.declarations, pledges: pledges)
        }
    }

    mutating func checkIndex(id: String, row: [String]?, profile: ApplicationProfile?) {
        let key = "\(ApplicationMachine.kind)/\(id)"
        guard let profile else {
            if row != nil {
                problems.append(
                    .init(
                        kind: .index, seq: nil, stream: key, version: 0, detail: "index row without a profile",
                        chineseDetail: "事件日志中没有申报信息，索引中却有"))
            }
            return
        }
        guard let found = row else {
            problems.append(
                .init(
                    kind: .index, seq: nil, stream: key, version: 0, detail: "no index row",
                    chineseDetail: "索引中缺少该申报"))
            return
        }
        let expected = [
            profile.personID, profile.unitID, profile.series.rawValue, profile.level.rawValue, profile.track.rawValue,
        ]
        let labels = ["申报人", "单位", "系列", "级别", "申报渠道"]
        let differing = (0..<5).filter { expected[$0] != found[$0] }
        if !differing.isEmpty {
            problems.append(
                .init(
                    kind: .index, seq: nil, stream: key, version: 0,
                    detail: differing.map { "\(found[$0]) instead of \(expected[$0])" }.joined(separator: ", "),
                    chineseDetail: differing.map { "\(labels[$0])为“\(found[$0])”，应为“\(expected[$0])”" }
                        .joined(separator: "；")))
        }
    }

    /// The pledge record as the `declarations.pledge` column keeps it (`Forms.PledgeRecord`).
    struct PledgeColumn: Decodable {
        var dataSHA256: String?
        var pledgeTextSHA256: String?
    }

    mutating func checkDeclarations(
        id: String, rows: [StreamWork.Declaration], pledges: [(version: Int, pledge: PledgeRecord)]
    ) {
        let key = "\(ApplicationMachine.kind)/\(id)"
        for r in rows {
            let version = r.version
            let digest = r.digest
            func problem(_ en: String, _ zh: String) {
                problems.append(
                    .init(kind: .declaration, seq: nil, stream: key, version: version, detail: en, chineseDetail: zh))
            }
            if SHA256Digest.hex(of: r.data) != digest {
                problem("data does not hash to data_sha256", "申报数据与其摘要不符，申报数据被改动")
            }
            // The signed pledge of the step that stored this declaration.
            guard let signed = pledges.last(where: { $0.version <= version }) else {
                problem(
                    "no submitting event at or before version \(version)",
                    "事件日志中在第 \(version) 版之前没有提交或补正的承诺书")
                continue
            }
            if signed.pledge.dataHash != digest {
                problem(
                    "data_sha256 differs from the pledge's data hash in event \(signed.version)",
                    "摘要与事件日志第 \(signed.version) 个事件中已签名承诺书的数据哈希不符（申报数据或摘要被改动）")
            }
            let column = try? decoder.decode(PledgeColumn.self, from: Data(r.pledge.utf8))
            if let recorded = column?.dataSHA256, recorded != digest {
                problem("the pledge record's dataSHA256 differs from data_sha256", "承诺书签名记录中的数据哈希与摘要不符")
            }
            if let pledgeText = r.pledgeText {
                let textHash = SHA256Digest.hex(of: pledgeText)
                if textHash != signed.pledge.textHash
                    || (column?.pledgeTextSHA256.map { $0 != textHash } ?? false)
                {
                    problem(
                        "the pledge text does not hash to the signed text hash",
                        "所存承诺书文本与已签名的文本哈希不符，承诺书文本被改动")
                }
            }
        }
    }
}
