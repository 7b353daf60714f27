import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

/// The demo's clock: real time moved forward by whole days the office chose to skip, so a
/// visitor can watch a notice period run out. The offset is kept in the database
/// (`web_settings.demo_clock_days`), so a restarted demo server keeps its date.
public final class SimulatedClock: @unchecked Sendable {
    static let key = "demo_clock_days"
    let store: EventStore
    let base: @Sendable () -> Date
    private let lock = NSLock()
    private var days: Int

    public init(store: EventStore, base: @escaping @Sendable () -> Date = Date.init) throws {
        self.store = store
        self.base = base
        days = Int(try store.webSetting(Self.key) ?? "0") ?? 0
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return base().addingTimeInterval(Double(days) * 86_400)
    }

    public var offsetDays: Int {
        lock.lock()
        defer { lock.unlock() }
        return days
    }

    /// Moves the clock `by` days forward (and stores the offset).
    public func advance(by count: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        try store.setWebSetting(Self.key, String(days + count))
        days += count
    }
}

extension Pages.Page {
    static let demoClock = Pages.Page("demo-clock")
}

/// `/demo/clock` (office only; demo servers and training/test installations only): skip days
/// and run the scheduler for each, as the nightly `pingshen tick` would.
struct DemoClockRoutes {
    let store: EventStore
    let pages: Pages
    let rules: Rulebook
    let clock: SimulatedClock
    /// A training/test installation's clock (`pingshen init --test-clock`), not a demo's.
    var test = false

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/demo/clock").add(middleware: RequireRole([.officeClerk, .officeHead]))
        group.get { _, context in try page(context, done: nil) }
        group.post { request, context in
            var request = request
            let form = try await request.form()
            guard let days = Int(form["days"] ?? ""), (1...60).contains(days) else {
                throw WebError.badRequest(field: "天数", message: "请输入1至60之间的天数。")
            }
            var changed = 0
            for _ in 0..<days {
                try clock.advance(by: 1)
                let now = Day(clock.now()).startInstant.addingTimeInterval(9 * 3600)
                do {
                    changed += try DeadlineRunner.runDue(store: store, rules: rules, now: now)
                } catch let error as StoreError {
                    throw WebError.refused(rule: "scheduler", message: error.chinese)
                }
            }
            return try page(context, done: "已前进 \(days) 天，定时处理了 \(changed) 件事项。")
        }
    }

    func page(_ context: WebRequestContext, done: String?) throws -> Response {
        let today = Day(clock.now())
        let working = (try? rules.calendar.isWorkingDay(today)) ?? false
        return try pages.response(
            .demoClock, title: test ? "测试时钟" : "演示时钟",
            data: [
                "heading": .string(test ? "测试时钟" : "演示时钟"), "system": .string(test ? "本培训/测试系统" : "演示系统"),
                "today": .string(today.description), "offset": .number(Double(clock.offsetDays)),
                "working": .bool(working), "done": done.map { .string($0) } ?? .null,
            ], context: context)
    }
}

/// The accounts of a demo server, one or more for every role, all with `password`.
public enum DemoAccounts {
    public struct Created: Sendable {
        public var username: String
        public var role: Role
        public var note: String
    }

    /// Creates the demo accounts that do not exist yet (with `rules`, the demo county's staff
    /// too: `seedCounty`). - Returns: every demo account.
    public static func seed(
        store: EventStore, password: String, hasher: PasswordHasher, now: Date, rules: Rulebook? = nil
    ) async throws -> [Created] {
        var wanted: [(NewAccount, String)] = [
            (NewAccount(username: "clerk", passwordHash: "", role: .officeClerk, displayName: "职改办经办人（演示）"), ""),
            (NewAccount(username: "head", passwordHash: "", role: .officeHead, displayName: "职改办负责人（演示）"), ""),
            (
                NewAccount(
                    username: "secretary", passwordHash: "", role: .committeeSecretary, displayName: "评委会秘书（演示）"),
                ""
            ),
            (NewAccount(username: "auditor", passwordHash: "", role: .auditor, displayName: "审计人员（演示）"), ""),
            (NewAccount(username: "archivist", passwordHash: "", role: .archivist, displayName: "档案管理员（演示）"), ""),
        ]
        let units = try store.units(limit: 3)
        // Every expert of the engineering committees (a draw may seat any of them), the
        // intermediate committee first: that is where a demo applicant usually applies.
        var experts: [ExpertRecord] = []
        let committees = try store.committees().filter { $0.series == .engineering }
            .sorted { ($0.level == .intermediate ? 0 : 1, $0.id) < ($1.level == .intermediate ? 0 : 1, $1.id) }
        for committee in committees { experts += try store.experts(committee: committee.id) }
        for (i, unit) in units.enumerated() {
            wanted.append(
                (
                    NewAccount(
                        username: "hr\(i + 1)", passwordHash: "", role: .unitHR, displayName: "\(unit.name)人事处",
                        unitID: unit.id),
                    "\(unit.name)，统一社会信用代码 \(unit.creditCode.value)"
                ))
        }
        for (i, expert) in experts.enumerated() {
            wanted.append(
                (
                    NewAccount(
                        username: "expert\(i + 1)", passwordHash: "", role: .expert, displayName: expert.name,
                        expertID: expert.id),
                    "\(expert.name)，\(expert.committeeID)"
                ))
        }
        // The self-reviewing unit's committee secretary, `unitsecretary` (DemoSelfReview.swift).
        // Listed after the city's staff (whom `serve --demo` prints first, one per role).
        let unitStaff = try await seedSelfReview(store: store, password: password, hasher: hasher, now: now)
        var created: [Created] = []
        var hash: String?
        for (account, note) in wanted {
            if try store.account(username: account.username) == nil {
                if hash == nil { hash = try await hasher.hash(password) }
                var new = account
                new.passwordHash = hash!
                _ = try store.insertAccount(new, now: now)
            }
            created.append(Created(username: account.username, role: account.role, note: note))
        }
        created += unitStaff
        if let rules { created += try await seedCounty(store: store, password: password, hasher: hasher, now: now, rules: rules) }
        return created
    }

    /// The demo county's staff (seed item 6; the county of the season's county units,
    /// `DemoSeason.county`): a clerk, a head and a committee secretary of 修武县, created and
    /// scoped to the county as the administrator does it (`AdministrationMachine` `.createStaff`
    /// then `.setScope`, through `AdminActions`). The season's county steps are theirs
    /// (`Account.actor`: `web-xwclerk`, `web-xwhead`). Nothing when the office is not set up
    /// (the administration's log needs it) or the county is not in the policy.
    static let countyCode = "410821"

    static func seedCounty(
        store: EventStore, password: String, hasher: PasswordHasher, now: Date, rules: Rulebook
    ) async throws -> [Created] {
        guard try store.officeProfile() != nil, let county = rules.policy.devolution.county(countyCode) else { return [] }
        let wanted: [(String, Role, String)] = [
            ("xwclerk", .officeClerk, "\(county.name)人社局职改股经办人（演示）"),
            ("xwhead", .officeHead, "\(county.name)人社局职改股负责人（演示）"),
            ("xwsecretary", .committeeSecretary, "\(county.name)评委会秘书（演示）"),
        ]
        var created: [Created] = []
        for (username, role, displayName) in wanted {
            if try store.account(username: username) == nil {
                let hash = try await hasher.hash(password)
                try AdminActions.createStaff(
                    store: store, context: Context(actor: .system, now: now, rules: rules), username: username,
                    role: role, displayName: displayName, passwordHash: hash, reason: "演示系统：\(county.name)工作人员")
                try AdminActions.setScope(
                    store: store, context: Context(actor: Actor(id: "demo-administrator", role: .administrator), now: now, rules: rules),
                    username: username, county: county.code, reason: "演示系统：\(county.name)职称评审工作人员")
            }
            created.append(Created(username: username, role: role, note: "工作范围：\(county.name)（\(county.code)）"))
        }
        return created
    }
}
