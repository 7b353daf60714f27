import Archive
import ArgumentParser
import Domain
import Forms
import Foundation
import Issuance
import Signing
import Store
import Workflow

/// Rendered documents from `DIR/documents/`, located through the store's documents queue, as
/// the dossiers and decision documents of archive packages.
struct RenderedDocumentSource: DocumentSource {
    let store: EventStore
    let root: URL
    /// The applicants' files (content-addressed), archived with each dossier; nil: none.
    var uploads: URL? = nil
    /// The forms, to find the files a declaration lists.
    var forms: FormLibrary? = nil

    /// List documents (one per batch) belong to the decision, not to a dossier.
    static let listKinds: Set<String> = [DocumentKind.publicNotice.rawValue, DocumentKind.qualificationNotice.rawValue]

    /// The distinct `.odt` paths of rendered documents, sorted.
    static func renderedPaths(_ documents: [StoredDocument]) -> [String] {
        Array(Set(documents.filter(\.isRendered).compactMap(\.path))).sorted()
    }

    /// A rendered document's ODT and HTML, as files the package copies (never rendered again,
    /// never read whole).
    func files(forODT relative: String) throws -> [PayloadFile] {
        let odt = try SafePath.join(root, relative)
        let html = odt.deletingPathExtension().appendingPathExtension("html")
        return [
            PayloadFile(path: relative, file: odt),
            PayloadFile(path: String(relative.dropLast(4)) + ".html", file: html),
        ]
    }

    /// The documents of a stream that `bounds` covers; throws when one of them is still waiting
    /// for the renderer (the package is built once it is rendered).
    static func covered(
        _ documents: [StoredDocument], kind: String, bounds: StreamBounds
    ) throws(ArchiveError) -> [StoredDocument] {
        let covered = documents.filter { bounds.covers(kind: kind, id: $0.streamID, version: $0.version) }
        if let waiting = covered.first(where: { $0.status == .pending }) {
            throw .documentsPending("\(waiting.kind) \(waiting.subject)")
        }
        return covered
    }

    func dossier(applicationID: String, bounds: StreamBounds) throws -> [PayloadFile] {
        let paths = Self.renderedPaths(
            try Self.covered(
                try store.documents(streamKind: ApplicationMachine.kind, streamID: applicationID),
                kind: ApplicationMachine.kind, bounds: bounds))
        var out = try paths.filter { !Self.listKinds.contains(String($0.prefix { $0 != "/" })) }.flatMap(
            files(forODT:))
        // The declared files, by content (`attachments/<sha256>.<ext>`; the declarations list
        // which field each belongs to and its name). A file no longer at hand is left out.
        if let uploads {
            let folder = AttachmentFolder(root: uploads)
            var seen = Set<String>()
            for d in try store.declarations(applicationID: applicationID)
            where bounds.covers(kind: ApplicationMachine.kind, id: applicationID, version: d.version) {
                guard let data = try? JSONValue.parse(d.data), let form = try? forms?.form(d.formID) else { continue }
                for f in form.present(data).files where seen.insert(f.sha256).inserted {
                    // Copied only when its content is still that digest (`AttachmentFolder.contents`).
                    guard let url = folder.url(sha256: f.sha256) else { continue }
                    let ext = f.format == "JPEG" ? "jpg" : f.format.lowercased()
                    out.append(PayloadFile(path: "attachments/\(f.sha256).\(ext)", file: url, expectedSHA256: f.sha256))
                }
            }
        }
        return out
    }

    func decisionDocuments(for decision: ArchiveDecision, sessionIDs: [String], bounds: StreamBounds) throws
        -> [PayloadFile]
    {
        var paths: [String] = []
        switch decision {
        case .confirmation(let number):
            var seen = Set<String>()
            let notices = try Self.covered(
                try store.documents(kind: .qualificationNotice), kind: ApplicationMachine.kind, bounds: bounds)
            for row in notices where row.isRendered {
                guard let path = row.path, seen.insert("\(row.streamID)\n\(path)").inserted else { continue }
                if try store.load(ApplicationMachine.self, id: row.streamID)?.state.documentNumber == number {
                    paths.append(path)
                }
            }
        case .session:
            break
        case .revocation(let number):
            // The 撤销决定书 of each certificate revoked under the number.
            for row in try store.documents(kind: .revocationDecision) {
                guard
                    try store.load(CertificateMachine.self, id: row.streamID)?.state.revocation?.decisionNumber == number
                else { continue }
                paths += Self.renderedPaths(try Self.covered([row], kind: CertificateMachine.kind, bounds: bounds))
            }
        case .reexamination(let id):
            paths += Self.renderedPaths(
                try Self.covered(
                    try store.documents(streamKind: ApplicationMachine.kind, streamID: id).filter {
                        $0.kind == DocumentKind.reexaminationDecision.rawValue
                    }, kind: ApplicationMachine.kind, bounds: bounds))
        }
        for session in sessionIDs {
            let kinds: Set<String> = [DocumentKind.minutes.rawValue, DocumentKind.voteRecord.rawValue]
            paths += Self.renderedPaths(
                try Self.covered(
                    try store.documents(streamKind: CommitteeSessionMachine.kind, streamID: session).filter {
                        kinds.contains($0.kind)
                    }, kind: CommitteeSessionMachine.kind, bounds: bounds))
        }
        return try Array(Set(paths)).sorted().flatMap(files(forODT:))
    }
}

/// Builds the packages the archive outbox holds: each decision as of the step that made it
/// (`as_of_seq`), into `DIR/archive/` (streamed, as a folder by default; `packageForms` adds or
/// chooses the `.zip`), then marks it built. Idempotent and resumable: a package is written
/// through a staging folder renamed into place and marked built only after, so a run killed at
/// any point builds it again — with the same bytes — the next time; every run first removes the
/// staging folders of killed builders. A decision whose documents are not rendered yet stays
/// pending; any other failure is recorded and retried on the next run.
struct ArchiveBuilder: Sendable {
    let store: EventStore
    let keyring: OfficeKeyring
    let organization: String
    /// `DIR/documents`, where the renderer wrote the documents.
    let documents: URL
    /// `DIR/archive`.
    let archive: URL
    var uploads: URL? = nil
    var forms: FormLibrary? = nil
    /// The office's 归档范围和保管期限表 (`policy/retention.yaml`).
    var retention: RetentionSchedule = .defaults
    /// The outside programs of the filing check (ODF schema, LibreOffice); `.none`: those items
    /// are reported as not applicable (the check on demand and at hand-over runs them).
    var external: ExternalChecks = .none
    /// The forms each package is written in (`archive build --form`, `demo --archive-form`).
    var packageForms: Set<BagForm> = [.folder]
    /// How rendered documents and uploads get into the packages' folders (`archive build
    /// --files`, `demo --archive-files`): copied by default.
    var placement: FilePlacement = .copy
    /// 文号 prefix → county code (`DecisionArchiver.countyPrefixes`): a county's decisions get
    /// their own package names.
    var countyPrefixes: [String: String] = [:]

    /// The office's county prefixes from the policy.
    static func countyPrefixes(_ policy: Policy) -> [String: String] {
        Dictionary(policy.devolution.counties.map { ($0.documentPrefix, $0.code) }, uniquingKeysWith: { a, _ in a })
    }

    /// The package name of `decision` (a county's carries its code).
    func packageName(_ decision: ArchiveDecision) -> String {
        DecisionArchiver.packageName(decision, county: DecisionArchiver.county(of: decision, prefixes: countyPrefixes))
    }

    struct Report: Sendable {
        var written: [DecisionArchiver.Written] = []
        var waiting: [ArchiveDecision] = []
        var failed: [(decision: ArchiveDecision, reason: String)] = []
        /// Packages built whose filing check failed (see the report beside each).
        var checkFailed: [String] = []
    }

    /// The keyring folder (`DATA-DIR/keys`) whose public keys the filing check trusts.
    var keyringDirectory: String { keyring.directory.path }

    /// Queues the decisions of a database made before the outbox existed (as of the log now).
    func queueEarlierDecisions() throws(StoreError) {
        for number in try store.applicationDocumentNumbers() {
            try store.queueArchiveIfMissing(.confirmation(documentNumber: number))
        }
        for session in try store.streamIDs(CommitteeSessionMachine.self, status: CommitteeSessionStage.closed.rawValue) {
            try store.queueArchiveIfMissing(.session(id: session))
        }
    }

    /// Builds every pending (and failed) decision; with `all`, rebuilds the built ones too;
    /// with `onlyPending`, leaves the failed ones for later.
    func run(
        all: Bool = false, onlyPending: Bool = false, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(StoreError)
        -> Report
    {
        // What a killed builder left half-made goes first, whether or not anything is left to build.
        removeAbandonedStaging()
        let entries = try store.archiveOutbox().filter {
            all || $0.status == .pending || ($0.status == .failed && !onlyPending)
        }
        var report = Report()
        guard !entries.isEmpty else { return report }
        do {
            try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
            try keyring.exportPublicKeys(to: archive.appendingPathComponent("public-keys.json").path)
        } catch {
            throw .database("cannot prepare \(archive.path): \(error)")
        }
        var archiver = DecisionArchiver(
            store: store, keyring: keyring,
            documents: RenderedDocumentSource(store: store, root: documents, uploads: uploads, forms: forms),
            organization: organization)
        archiver.countyPrefixes = countyPrefixes
        // The filing checks of this run share what they found in each file: a session's package
        // and its decision's hold the same dossiers, inspected once.
        let memo = InspectionMemo()
        // Each package's filing check runs on a lane of its own while the next packages are
        // written: writing is mostly the kernel making files and the store's reads, the check
        // mostly reading and parsing them, so the two overlap.
        let lane = CheckLane()
        defer { _ = lane.drain() }  // a failure below still waits for the checks queued
        let formats = LongTermFormat.list(retention.longTermFormats)
        for entry in entries {
            let written: DecisionArchiver.Written
            do {
                written = try archiver.write(
                    entry.decision, into: archive.path, forms: packageForms, asOfSeq: entry.asOfSeq,
                    placement: placement,
                    filing: { payload, info throws(ArchiveError) in
                        try file(entry.decision, payload: payload, info: info)
                    })
            } catch .documentsPending {
                report.waiting.append(entry.decision)
                continue
            } catch {
                report.failed.append((entry.decision, error.chinese))
                try store.markArchiveFailed(entry.decision, asOfSeq: entry.asOfSeq, reason: error.description)
                continue
            }
            try store.markArchiveBuilt(
                entry.decision, asOfSeq: entry.asOfSeq, package: packageName(entry.decision), at: now())
            report.written.append(written)
            // The four-property check at filing (DA/T 70), its report kept beside the package.
            let (decision, paths) = (entry.decision, written.paths)
            lane.submit {
                var outcome = CheckLane.Outcome()
                do {
                    let check = FourPropertyCheck(
                        keys: try OfficeKeyring.trustedKeys(directory: keyringDirectory), trust: "职改办密钥库",
                        store: store, external: external, formats: formats, memo: memo)
                    for path in paths {
                        let result = check.check(path: path, occasion: .filing, now: now())
                        try FourPropertyCheck.writeReports(result, besidePackage: path)
                        if !result.passed { outcome.checkFailed.append(URL(fileURLWithPath: path).lastPathComponent) }
                    }
                } catch {
                    outcome.failure = (decision, "四性检测未能进行：\(error)")
                }
                return outcome
            }
        }
        // The checks' results, in the order the packages were built.
        for outcome in lane.drain() {
            report.checkFailed += outcome.checkFailed
            if let failure = outcome.failure { report.failed.append(failure) }
        }
        return report
    }

    /// The builder of an office's data folder (`documents/`, `uploads/` and the keyring in
    /// `keys/`), its packages into `archive` (default `DATA/archive`); nil when the folder has no
    /// keyring yet.
    static func inDataFolder(
        store: EventStore, book: Rulebook, data: URL, forms: String, archive: URL? = nil,
        external: ExternalChecks = .none, packageForms: Set<BagForm> = [.folder], placement: FilePlacement = .copy
    ) throws -> ArchiveBuilder? {
        let keys = data.appendingPathComponent("keys")
        guard FileManager.default.fileExists(atPath: keys.appendingPathComponent("keyring.json").path) else { return nil }
        let keyring: OfficeKeyring
        do { keyring = try OfficeKeyring.open(directory: keys.path) } catch { throw CLIError(error.chinese) }
        return ArchiveBuilder(
            store: store, keyring: keyring, organization: book.policy.region.office,
            documents: data.appendingPathComponent("documents"),
            archive: archive ?? data.appendingPathComponent("archive"), uploads: data.appendingPathComponent("uploads"),
            forms: try? FormLibrary.load(directory: forms), retention: book.retention, external: external,
            packageForms: packageForms, placement: placement, countyPrefixes: countyPrefixes(book.policy))
    }

    /// The real outside programs in `folder` (nil: none); a folder missing one is refused.
    static func externalChecks(_ folder: String?) throws -> ExternalChecks {
        guard let folder else { return .none }
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        let missing = ExternalChecks.missingPrograms(odfTools: url)
        guard missing.isEmpty else { throw CLIError("四性检测所需程序缺失：\(missing.joined(separator: "、"))") }
        return .programs(odfTools: url)
    }

    /// Removes the staging folders (`.<package>.partial-<pid>`, holding the folder, the zip and
    /// libzip's temporary file) a killed builder left behind, and the staging files of check
    /// reports — none a running builder holds (`BagStreamWriter.removeAbandonedStaging`).
    func removeAbandonedStaging() {
        BagStreamWriter.removeAbandonedStaging(in: archive)
    }

    /// Numbers the package's records in the catalogue (the same numbers on every rebuild) and
    /// returns its DA/T 46 `metadata.xml`, written as the package is finished from the
    /// catalogue's rows in 档号 order — streamed: a city's confirmation of 18,000 applications
    /// catalogues a quarter of a million records (≈ 180 MB of metadata), never held at once.
    func file(_ decision: ArchiveDecision, payload: [WrittenFile], info: BagInfo) throws(ArchiveError) -> [TagFile] {
        do {
            guard let fonds = try store.officeProfile()?.fonds else {
                throw ArchiveError.filing("本系统未设置全宗号（pingshen init --fonds）")
            }
            if let problem = ArchivalCode.fondsProblem(fonds) { throw ArchiveError.filing("全宗号“\(fonds)”：\(problem)") }
            let year = info.baggingDate.year
            var people: [String: (name: String, id: String, certificate: String?, series: String, level: String)] = [:]
            let applicationIDs = Set(payload.compactMap { PackageRecords.applicationID(ofPath: $0.path) })
            for id in applicationIDs {
                guard let state = try store.load(ApplicationMachine.self, id: id)?.state, let profile = state.profile,
                    let person = try store.person(profile.personID)
                else { continue }
                people[id] = (
                    person.name, person.residentID.description, state.certificateNumber, profile.series.chinese,
                    profile.level.chinese
                )
            }
            // Every record kind must be in the schedule before anything is filed.
            for f in payload {
                let kind = PackageRecords.kind(ofPath: f.path)
                guard retention.retention(forRecordKind: kind) != nil else {
                    throw ArchiveError.filing("记录类型“\(kind)”（\(f.path)）不在归档范围和保管期限表（policy/retention.yaml）中")
                }
            }
            let package = packageName(decision)
            let documentNumber: String? = if case .confirmation(let n) = decision { n } else { nil }
            let (retention, date) = (self.retention, info.baggingDate.description)
            let requests = PackageRecords.plan(
                written: payload, names: { retention.entry(forRecordKind: $0)?.name },
                person: { id in people[id]?.name }
            ).lazy.map { p in
                let period = retention.retention(forRecordKind: p.kind)!  // every kind checked above
                let who = p.applicationID.flatMap { people[$0] }
                return CatalogueRecord(
                    series: "\(fonds)-\(year)-\(period.code)-\(retention.organisation(forRecordKind: p.kind))",
                    package: package, decision: decision.description, path: p.path, kind: p.kind, title: p.title,
                    documentNumber: documentNumber, date: date, year: year, retention: period.code,
                    classification: PackageRecords.classification(ofKind: p.kind), size: p.size, format: p.format,
                    sha256: p.sha256, applicationID: p.applicationID, personName: who?.name, idNumber: who?.id,
                    certificateNumber: who?.certificate, titleSeries: who?.series, level: who?.level)
            }
            try store.fileArchiveRecords(streaming: requests) { series, item in
                "\(series)-\(item < 10_000 ? String(format: "%04d", item) : String(item))"
            }
            let (store, organization) = (self.store, self.organization)
            let metadata = TagFile(path: PackageMetadata.path) { emit throws(ArchiveError) in
                try emit(PackageRecords.metadataHeader(fonds: fonds, organization: organization))
                // A record of this package's path that is no longer in its payload (an older
                // build's) keeps its catalogue row but is not described.
                var failure: ArchiveError?
                do {
                    try store.forEachArchiveRecord(package: package) { row in
                        do throws(ArchiveError) {
                            guard Self.contains(payload, row.path) else { return true }
                            try emit(PackageRecords.metadataEntry(.init(catalogued: row, responsible: organization)))
                            return true
                        } catch {
                            failure = error
                            return false
                        }
                    }
                } catch {
                    throw ArchiveError.store("\(error)")
                }
                if let failure { throw failure }
                try emit(PackageRecords.metadataFooter)
            }
            return [metadata]
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError.store("\(error)")
        }
    }

    /// Whether `payload` (in `BagLayout.pathOrder`, as `BagStreamWriter` gives it) holds `path`:
    /// a binary search, no second index of a quarter of a million paths.
    static func contains(_ payload: [WrittenFile], _ path: String) -> Bool {
        var (low, high) = (0, payload.count)
        while low < high {
            let mid = (low + high) / 2
            if payload[mid].path.utf8.elementsEqual(path.utf8) { return true }
            if BagLayout.pathOrder(payload[mid].path, path) { low = mid + 1 } else { high = mid }
        }
        return false
    }
}

/// The filing checks of one archive run, run in turn on a thread of their own while the writer
/// goes on: `submit` queues a check and returns at once (a check waiting holds only its
/// package's paths; one runs at a time, so memory is one check beside one package being
/// written), and `drain` waits for them all and gives every outcome in the order submitted.
final class CheckLane: @unchecked Sendable {
    struct Outcome: Sendable {
        var checkFailed: [String] = []
        var failure: (decision: ArchiveDecision, reason: String)?
    }

    /// Serial: the checks run one after another, in the order submitted.
    private let queue = DispatchQueue(label: "pingshen.archive.check")
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var outcomes: [Outcome] = []

    /// Queues `check` after the ones submitted before it.
    func submit(_ check: @escaping @Sendable () -> Outcome) {
        queue.async(group: group) { [self] in
            let outcome = check()
            lock.withLock { outcomes.append(outcome) }
        }
    }

    /// Waits for the checks submitted; their outcomes in the order submitted.
    func drain() -> [Outcome] {
        group.wait()
        return lock.withLock { outcomes }
    }
}

extension ArchiveCommand {
    /// `pingshen archive build`: what `serve` does after each decision, for an office without
    /// the server (or to rebuild: the same bytes from the same database).
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Build the signed packages of the decisions queued in the database's archive outbox (each as of the step that made it).",
            discussion: """
                Documents still queued are rendered first. A decision made before the outbox existed is \
                queued as of now. --all rebuilds the packages already built: the same database gives \
                byte-identical packages. Exit 1 when a package could not be built (the reason is printed).
                """)

        @Option(name: .customLong("db"), help: "The office's database.") var database: String
        @Option(
            name: .customLong("data-dir"),
            help: "The data folder: documents/, uploads/ and keys/ (default: the folder of --db).")
        var dataDirectory: String?
        @Option(help: "Where the packages go (default: DATA-DIR/archive).") var out: String?
        @Flag(help: "Rebuild the packages already built too.") var all = false
        @Option(name: .customLong("form"), help: "The form of each package: folder (the default), zip or both.")
        var form: ArchiveForms = .folder
        @Option(
            name: .customLong("files"),
            help:
                "How rendered documents and uploads get into a package's folder: copy (the default), clone (copy-on-write where the filesystem can, else copy) or link (hard links into DATA-DIR, same filesystem only, else copy)."
        )
        var files: FilePlacement = .copy
        @Option(
            name: .customLong("odf-tools"),
            help:
                "Folder with validate-odt.sh and odt-to-pdf.sh: the filing check then runs the ODF schema and LibreOffice on every ODT (slow)."
        )
        var odfTools: String?
        @OptionGroup var rules: RulesOptions
        @Option(name: .customLong("templates-dir"), help: "Folder with the office's templates.")
        var templatesDirectory = "templates"
        @Option(name: .customLong("forms-dir"), help: "Folder with the declaration forms.")
        var formsDirectory = "forms"

        func run() throws {
            let book = try rules.load()
            guard FileManager.default.fileExists(atPath: database) else { throw CLIError("数据库文件不存在：\(database)") }
            let store: EventStore
            do { store = try EventStore(path: database) } catch { throw CLIError(error.chinese + " (\(error))") }
            let data = URL(
                fileURLWithPath: dataDirectory ?? URL(fileURLWithPath: database).deletingLastPathComponent().path,
                isDirectory: true)
            guard
                let builder = try ArchiveBuilder.inDataFolder(
                    store: store, book: book, data: data, forms: formsDirectory,
                    archive: out.map { URL(fileURLWithPath: $0, isDirectory: true) },
                    external: try ArchiveBuilder.externalChecks(odfTools), packageForms: form.forms, placement: files)
            else {
                throw CLIError("未找到职改办密钥库：\(data.appendingPathComponent("keys").path)（可用 --data-dir 指定数据目录）")
            }
            _ = try renderQueuedDocuments(
                store: store, rules: book, into: data, templates: templatesDirectory, forms: formsDirectory,
                uploads: data.appendingPathComponent("uploads"))
            let report: ArchiveBuilder.Report
            do {
                try builder.queueEarlierDecisions()
                report = try builder.run(all: all)
            } catch {
                throw CLIError(error.chinese + " (\(error))")
            }
            for w in report.written {
                print("已归档：\(w.paths.joined(separator: "、"))（\(w.applicationCount) 件申报，\(w.payloadBytes / 1024) KB）")
            }
            for name in report.checkFailed { print("四性检测未通过：\(name)（见其旁的 .check.html 报告）") }
            for d in report.waiting { print("待文书生成后归档：\(d)") }
            for f in report.failed { print("未能归档：\(f.decision)：\(f.reason)") }
            print("归档包：新建或重建 \(report.written.count) 个，等待 \(report.waiting.count) 个，失败 \(report.failed.count) 个")
            if !report.failed.isEmpty || !report.waiting.isEmpty || !report.checkFailed.isEmpty { throw ExitCode(1) }
        }
    }
}

/// While the server runs: the archive outbox built every few seconds (a decision's package
/// appears shortly after the step that made it), failures retried every ten minutes and
/// reported on standard error. Killed at any point, the next start builds what is left.
struct ArchiveJob: Sendable {
    let builder: ArchiveBuilder
    var interval: Duration = .seconds(5)
    var retryFailedEvery: TimeInterval = 600

    func run() async {
        var lastFailedRetry = Date.distantPast
        while !Task.isCancelled {
            do {
                let pending = try builder.store.archiveOutbox(status: .pending)
                let retry = Date().timeIntervalSince(lastFailedRetry) >= retryFailedEvery
                if !pending.isEmpty || retry {
                    if retry { lastFailedRetry = Date() }
                    let report = try builder.run(onlyPending: !retry)
                    for w in report.written { print("已归档：\(w.paths.joined(separator: "、"))") }
                    for name in report.checkFailed {
                        FileHandle.standardError.write(Data("四性检测未通过：\(name)（见其旁的 .check.html 报告）\n".utf8))
                    }
                    for f in report.failed {
                        FileHandle.standardError.write(Data("未能归档 \(f.decision)：\(f.reason)（稍后重试）\n".utf8))
                    }
                    if !report.written.isEmpty { fflush(nil) }
                }
            } catch {
                FileHandle.standardError.write(Data("归档任务出错：\(error.chinese)（\(error)）\n".utf8))
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// `--form` of `archive build` and `--archive-form` of `demo`: the forms each package is written in.
enum ArchiveForms: String, ExpressibleByArgument, CaseIterable {
    case folder, zip, both

    var forms: Set<BagForm> {
        switch self {
        case .folder: [.folder]
        case .zip: [.zip]
        case .both: [.folder, .zip]
        }
    }
}

extension FilePlacement: ExpressibleByArgument {}
