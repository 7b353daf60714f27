import Domain
import Forms
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Workflow

@testable import WebApp

/// The workflow's "now" the tests move by hand.
final class TestNow: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date

    init(_ day: Day) { date = day.startInstant.addingTimeInterval(10 * 3600) }
    var now: Date { lock.withLock { date } }
    var today: Day { Day(now) }
    func set(_ day: Day) { lock.withLock { date = day.startInstant.addingTimeInterval(10 * 3600) } }
}

/// A fresh store with two units, their people and applications driven straight through the
/// machines to where a console test starts, and one account per role (password `Console2026pw`).
///
/// ```swift
/// let s = try await ConsoleScenario.make(applications: 2)
/// try s.drive("A-1", to: .qualificationReview)
/// ```
struct ConsoleScenario: Sendable {
    static let password = "Console2026pw"
    static let start = Day(year: 2026, month: 3, day: 2)!

    let store: EventStore
    let rules: Rulebook
    let dataDirectory: String
    let now: TestNow
    let configuration: WebConfiguration

    /// `make(applications:)` with the office set up as `pingshen init` does (its name and 全宗号
    /// J012) and its administrator `root` (password `Console2026pw`), both by the system.
    static func withAdministrator(applications: Int = 1) async throws -> ConsoleScenario {
        let s = try await make(applications: applications)
        let system = Context(actor: .system, now: s.now.now, rules: s.rules)
        try s.store.write { tx in
            try tx.execute(
                AdministrationMachine.self, id: AdministrationMachine.streamID,
                .setUp(office: OfficeProfile(name: "焦作市职称改革领导小组办公室", fonds: "J012")), context: system)
        }
        try AdminActions.createStaff(
            store: s.store, context: system, username: "root", role: .administrator, displayName: "管理员",
            passwordHash: try await PasswordHasher(cost: 4).hash(password), reason: "系统初始化")
        return s
    }

    /// `applications` per unit: ids `A-1`… in unit `U-1`, `B-1`… in unit `U-2`.
    static func make(applications: Int = 1) async throws -> ConsoleScenario {
        let fixture = try WebFixture.get()
        let data = try WebFixture.temporaryDataDirectory()
        let store = try EventStore(path: URL(fileURLWithPath: data).appendingPathComponent("web.sqlite").path)
        let now = TestNow(start)
        var configuration = fixture.configuration(store: store)
        configuration.now = { now.now }
        configuration.dataDirectory = data
        let scenario = ConsoleScenario(
            store: store, rules: fixture.rules, dataDirectory: data, now: now, configuration: configuration)
        try scenario.seed(applications: applications)
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash(password)
        let accounts: [NewAccount] = [
            NewAccount(username: "hr1", passwordHash: hash, role: .unitHR, displayName: "一号单位人事处", unitID: "U-1"),
            NewAccount(username: "hr2", passwordHash: hash, role: .unitHR, displayName: "二号单位人事处", unitID: "U-2"),
            NewAccount(username: "clerk", passwordHash: hash, role: .officeClerk, displayName: "经办人"),
            NewAccount(username: "head", passwordHash: hash, role: .officeHead, displayName: "负责人"),
            NewAccount(username: "auditor", passwordHash: hash, role: .auditor, displayName: "审计"),
            NewAccount(username: "expert", passwordHash: hash, role: .expert, displayName: "专家", expertID: "E-1"),
            NewAccount(
                username: "applicant1", passwordHash: hash, role: .applicant, displayName: "申报人一",
                personID: "P-A-1"),
            NewAccount(
                username: "applicant2", passwordHash: hash, role: .applicant, displayName: "申报人二",
                personID: "P-B-1"),
        ]
        for account in accounts { _ = try store.insertAccount(account, now: Date()) }
        return scenario
    }

    /// Units, people, and each application created and submitted on `start`.
    func seed(applications: Int) throws {
        let units = [
            UnitRecord(
                id: "U-1", name: "焦作精密机械有限公司", creditCode: try CreditCode(CreditCode.completing("91410800100000001")!),
                kind: .privateEnterprise, hasSelfReviewAuthority: false),
            UnitRecord(
                id: "U-2", name: "焦作市人民医院", creditCode: try CreditCode(CreditCode.completing("12410800100000002")!),
                kind: .publicInstitution, hasSelfReviewAuthority: false),
        ]
        let at = Self.start.startInstant.addingTimeInterval(9 * 3600)
        try store.write { tx in
            for u in units { try tx.insert(u) }
            for (u, prefix) in [("U-1", "A"), ("U-2", "B")] {
                for n in 1...applications {
                    let person = PersonRecord(
                        id: "P-\(prefix)-\(n)", name: (prefix == "A" ? "张" : "李") + ["一", "二", "三", "四", "五"][n % 5],
                        residentID: ResidentID.make(
                            region: "410802", birth: Day(year: 1985, month: 1, day: n)!,
                            sequence: n + (prefix == "A" ? 0 : 100)),
                        unitID: u, currentLevel: .assistant, isRetired: false)
                    try tx.insert(person)
                }
            }
        }
        // Each applicant declares with the engineering form (a generated, complete declaration with
        // its photo and files in the data folder's uploads), signed and stored with the submit step.
        let form = try FormSupport.engineering
        let pledgeText = form.pledge?.text ?? ""
        for (u, prefix) in [("U-1", "A"), ("U-2", "B")] {
            let unit = units.first { $0.id == u }!
            for n in 1...applications {
                let id = "\(prefix)-\(n)"
                let personID = "P-\(prefix)-\(n)"
                let person = try store.person(personID)!
                let applicant = Actor(id: "applicant-\(personID)", role: .applicant, personID: personID)
                let profile = ApplicationProfile(
                    applicationID: id, personID: personID, unitID: u, series: .engineering, level: .intermediate,
                    currentLevel: .assistant)
                try execute(id, .create(profile), as: applicant, at: at)
                let generated = DeclarationGenerator.declaration(
                    form: form, level: .intermediate, track: .normal,
                    applicant: .init(
                        name: person.name, residentID: person.residentID, unitName: unit.name,
                        creditCode: unit.creditCode.value, unitKind: unit.kind.rawValue),
                    on: Self.start, seed: UInt64(n) + (prefix == "A" ? 0 : 100))
                let uploads = try UploadStore(dataDirectory: dataDirectory)
                for (sha, bytes) in generated.files { try uploads.store(bytes, sha256: sha) }
                let pledge = PledgeRecord(
                    signerID: personID, signedAt: at, textHash: SHA256Digest.hex(of: pledgeText),
                    dataHash: SHA256Digest.hex(of: generated.data.canonical))
                try store.write { tx in
                    let outcome = try tx.execute(
                        ApplicationMachine.self, id: id,
                        .submit(pledge: pledge, currentPledgeTextHash: pledge.textHash, eligibility: .clear),
                        context: Context(actor: applicant, now: at, rules: rules))
                    try tx.record(
                        StoredDeclaration(
                            applicationID: id, version: outcome.version, formID: form.id, formVersion: form.version,
                            data: generated.data.canonical, dataSHA256: pledge.dataHash, pledge: "{}",
                            pledgeText: pledgeText, submittedAt: Timestamp.format(at)))
                }
            }
        }
    }

    func execute(_ id: String, _ command: ApplicationCommand, as actor: Actor, at date: Date) throws {
        try store.execute(ApplicationMachine.self, id: id, command, context: Context(actor: actor, now: date, rules: rules))
    }

    static let clerk = Actor(id: "test-clerk", role: .officeClerk)
    static let head = Actor(id: "test-head", role: .officeHead)

    func hr(_ id: String) -> Actor { Actor(id: "test-hr", role: .unitHR, unitID: id.hasPrefix("A") ? "U-1" : "U-2") }

    func workingDays(_ n: Int, after day: Day) throws -> Day { try rules.calendar.adding(workingDays: n, to: day) }

    /// Drives `id` (from where it stands) to `stage` through the machines, moving the web's
    /// clock along so the next web step happens after the last one. Supports the main path:
    /// unit notice → qualification review → accepted → passed → public notice →
    /// awaiting confirmation → confirmed.
    func drive(_ id: String, to stage: ApplicationStage, batch: String = "N-TEST") throws {
        func current() throws -> ApplicationState { try store.load(ApplicationMachine.self, id: id)!.state }
        func step(_ command: ApplicationCommand, as actor: Actor, on day: Day? = nil) throws {
            if let day, day > now.today { now.set(day) }
            try execute(id, command, as: actor, at: now.now)
        }
        let order: [ApplicationStage] = [
            .unitReview, .unitNotice, .qualificationReview, .accepted, .inSession, .passed, .publicNotice,
            .awaitingConfirmation, .confirmed,
        ]
        guard let target = order.firstIndex(of: stage) else { return }
        while let here = order.firstIndex(of: try current().stage), here < target {
            switch order[here] {
            case .unitReview: try step(.startUnitNotice, as: hr(id))
            case .unitNotice:
                let start = try current().unitNoticeStartedOn!
                try step(.recommend, as: hr(id), on: try workingDays(rules.policy.unitNoticeWorkingDays, after: start))
            case .qualificationReview: try step(.accept, as: Self.clerk)
            case .accepted: try holdSession(for: id)
            case .passed: try step(.startPublicNotice(batchID: batch, startsOn: now.today), as: Self.clerk)
            case .publicNotice:
                let end = try current().notice!.end
                try step(.concludeNotice, as: Self.clerk, on: end.adding(days: 1))
            case .awaitingConfirmation: try step(.confirm(documentNumber: "测试〔2026〕1号"), as: Self.head)
            default: return
            }
        }
    }

    static let secretary = Actor(id: "test-secretary", role: .committeeSecretary)

    /// A committee session of five experts for `id` alone (`S-<id>`), everyone voting yes; its
    /// close records the result on the application in the same transaction.
    func holdSession(for id: String) throws {
        let sessionID = "S-\(id)"
        let unit = try store.load(ApplicationMachine.self, id: id)!.state.profile!.unitID
        let context = Context(actor: Self.secretary, now: now.now, rules: rules)
        try execute(id, .assignToSession(sessionID: sessionID), as: Self.secretary, at: now.now)
        let plan = SessionPlan(
            sessionID: sessionID, committeeID: "C-engineering-intermediate", series: .engineering,
            level: .intermediate, memberCount: 5, candidates: [SessionCandidate(applicationID: id, unitID: unit)],
            date: now.today)
        try store.execute(CommitteeSessionMachine.self, id: sessionID, .plan(plan), context: context)
        let pool = (1...7).map { ExpertRef(id: "E-\($0)", unitID: "X-\($0)") }
        try store.execute(
            CommitteeSessionMachine.self, id: sessionID, .drawExperts(pool: pool, needed: 5, seed: 7), context: context)
        let present = try store.load(CommitteeSessionMachine.self, id: sessionID)!.state.members.prefix(5).map(\.id)
        try store.execute(CommitteeSessionMachine.self, id: sessionID, .convene(present: present), context: context)
        try store.execute(
            CommitteeSessionMachine.self, id: sessionID,
            .recordBallots(applicationID: id, voters: present, counts: VoteCounts(yes: 5, no: 0, abstain: 0)),
            context: context)
        try store.write { tx in
            let closed = try tx.execute(
                CommitteeSessionMachine.self, id: sessionID, .close(minutes: "测试会议纪要"), context: context)
            for planned in CommitteeSessionMachine.applicationCommands(for: closed.state) {
                try tx.execute(
                    ApplicationMachine.self, id: planned.streamID, planned.command,
                    context: Context(actor: planned.actor, now: now.now, rules: rules))
            }
        }
    }

    func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await WebFixture.get().withApp(configuration, body)
    }

    func state(_ id: String) throws -> ApplicationState { try store.load(ApplicationMachine.self, id: id)!.state }
}

extension TestBrowser {
    /// Signs in as one of the scenario's accounts.
    mutating func signIn(_ username: String) async throws {
        let answer = try await signIn(username, ConsoleScenario.password)
        #expect(answer.status == .seeOther, "sign-in as \(username)")
    }

    /// GETs `path` (the form's page, for its CSRF token), then posts `fields` to `action`.
    mutating func submit(_ path: String, _ action: String, _ fields: [(String, String)]) async throws -> Page {
        _ = try await get(path)
        return try await post(action, fields)
    }
}
