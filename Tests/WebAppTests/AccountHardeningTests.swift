import Domain
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Store
@testable import WebApp

/// Accounts under attack (issue 13, item 5): one account per ID number however registrations
/// race, sign-in limits an attacker elsewhere cannot turn against the owner, and unknown user
/// names answered after the same bcrypt work as known ones.
@Suite struct AccountHardeningTests {
    static let idNumber = "11010519491231002X"
    static let realIP = HTTPField.Name("X-Real-IP")!
    static let password = "Zhicheng2026pw"

    func fresh(_ adjust: (inout WebConfiguration) -> Void = { _ in }) throws -> (WebConfiguration, EventStore) {
        let store = try EventStore(inMemory: ())
        var configuration = try WebFixture.get().configuration(store: store, clientAddressHeader: "X-Real-IP")
        adjust(&configuration)
        return (configuration, store)
    }

    @Test func sixRegistrationsAtOnceWithOneIDNumberMakeOneAccount() async throws {
        // bcrypt at cost 10 (~0.1 s) between the check and the insert, as in production.
        let (configuration, store) = try fresh { $0.passwordCost = 10 }
        try await WebFixture.get().withApp(configuration) { client in
            let pages = try await withThrowingTaskGroup(of: TestBrowser.Page.self) { group in
                for n in 0..<6 {
                    group.addTask {
                        var browser = TestBrowser(client)
                        _ = try await browser.get("/register")
                        return try await browser.post(
                            "/register",
                            [
                                "username": "racer\(n)", "display_name": "张三", "id_number": Self.idNumber,
                                "password": Self.password, "password_confirm": Self.password,
                            ], extraHeaders: [Self.realIP: "10.1.0.\(n)"])
                    }
                }
                var pages: [TestBrowser.Page] = []
                for try await page in group { pages.append(page) }
                return pages
            }
            #expect(pages.filter { $0.status == .seeOther }.count == 1)
            let refused = pages.filter { $0.status == .unprocessableContent }
            #expect(refused.count == 5)
            #expect(refused.allSatisfy { $0.body.contains("该身份证号码已注册过账户") })
        }
        let count = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE person_id = ?", arguments: ["P-" + Self.idNumber])
        }
        #expect(count == 1)
        // The database refuses a second account for the person whatever the caller checked.
        let again = try store.register(
            NewAccount(
                username: "other", passwordHash: "x", role: .applicant, displayName: "张三", personID: "P-" + Self.idNumber),
            now: Date())
        #expect(again == .personTaken)
        #expect(throws: StoreError.self) {
            try store.write { tx in
                try tx.db.execute(
                    sql: """
                        INSERT INTO accounts (username, password_hash, role, display_name, person_id, created_at)
                        VALUES ('sneaky', 'x', 'applicant', '张三', ?, '2026-01-01T00:00:00Z')
                        """, arguments: ["P-" + Self.idNumber])
            }
        }
    }

    @Test func theMigrationNamesDuplicateAccountsInChinese() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-dup-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            let queue = try DatabaseQueue(path: file.path)
            try Migrations.migrator.migrate(queue, upTo: "2026-11-30-declaration-pledge-text")
            try queue.write { db in
                for (name, person) in [("a1", "P-1"), ("a2", "P-1"), ("b1", "P-2"), ("b2", "P-2"), ("c", "P-3")] {
                    try db.execute(
                        sql: """
                            INSERT INTO accounts (username, password_hash, role, display_name, person_id, created_at)
                            VALUES (?, 'x', 'applicant', '张三', ?, '2026-01-01T00:00:00Z')
                            """, arguments: [name, person])
                }
            }
        }
        do {
            _ = try EventStore(path: file.path)
            Issue.record("a database with duplicate accounts was migrated")
        } catch {
            let text = "\(error)"
            #expect(text.contains("2 个身份证号码各对应多个账户"), "\(text)")
            #expect(text.contains("P-1(2 个账户：a1、a2)"), "\(text)")
            #expect(text.contains("P-2(2 个账户：b1、b2)"), "\(text)")
            #expect(!text.contains("P-3"))
        }
    }

    @Test func anAttackerElsewhereCannotLockTheOwnerOut() async throws {
        let (configuration, store) = try fresh()
        let hash = try await PasswordHasher(cost: 4).hash("Head2026password")
        _ = try store.insertAccount(
            NewAccount(username: "head", passwordHash: hash, role: .officeHead, displayName: "负责人"), now: Date())
        try await WebFixture.get().withApp(configuration) { client in
            // One address guessing: limited after five failures …
            var attacker = TestBrowser(client)
            _ = try await attacker.get("/login")
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<8 {
                statuses.append(
                    try await attacker.post(
                        "/login", ["username": "head", "password": "Wrong2026guess"], extraHeaders: [Self.realIP: "10.6.6.6"]
                    ).status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(3).allSatisfy { $0 == .tooManyRequests })
            // … while the owner, from their own address, signs in at once.
            var owner = TestBrowser(client)
            _ = try await owner.get("/login")
            let signedIn = try await owner.post(
                "/login", ["username": "HEAD", "password": "Head2026password"], extraHeaders: [Self.realIP: "10.0.0.1"])
            #expect(signedIn.status == .seeOther)
        }
    }

    @Test func manyAddressesGuessingOneNameMeetTheBackstop() async throws {
        let (configuration, _) = try fresh { $0.usernameLimit = RateLimit(capacity: 10, refillPerSecond: 1.0 / 15.0) }
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.get("/login")
            var statuses: [HTTPResponse.Status] = []
            for n in 0..<12 {
                statuses.append(
                    try await browser.post(
                        "/login", ["username": "head", "password": "Wrong2026guess"],
                        extraHeaders: [Self.realIP: "10.9.0.\(n)"]
                    ).status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
        }
    }

    @Test func unknownNamesCostWhatKnownOnesDo() async throws {
        // Accounts hashed at cost 10 (like the demo's) on a server whose new passwords use 4:
        // an unknown name must still cost a cost-10 verification.
        let (configuration, store) = try fresh {
            $0.signInLimit = RateLimit(capacity: 100, refillPerSecond: 1)
            $0.signInPairLimit = RateLimit(capacity: 100, refillPerSecond: 1)
            $0.usernameLimit = RateLimit(capacity: 100, refillPerSecond: 1)
        }
        let hash = try await PasswordHasher(cost: 10).hash("Clerk2026password")
        _ = try store.insertAccount(
            NewAccount(username: "clerk", passwordHash: hash, role: .officeClerk, displayName: "经办人"), now: Date())
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.get("/login")
            func time(_ username: String) async throws -> Double {
                let started = ContinuousClock.now
                let page = try await browser.post("/login", ["username": username, "password": "Wrong2026guess"])
                #expect(page.status == .unauthorized)
                let elapsed = ContinuousClock.now - started
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            _ = try await time("nobody-warmup")  // the dummy hash is made once
            var known: [Double] = []
            var unknown: [Double] = []
            for n in 0..<5 {
                known.append(try await time("clerk"))
                unknown.append(try await time("nobody\(n)"))
            }
            let k = known.sorted()[2]
            let u = unknown.sorted()[2]
            // The timing is printed, not asserted (a loaded test machine makes timing tests lie;
            // scripts/attack.sh measures it): what makes the two cost the same is asserted below.
            print("sign-in refusal, median of 5: known \(Int(k * 1000)) ms, unknown \(Int(u * 1000)) ms")
        }
        // An unknown name is verified against a dummy hash of the accounts' own cost (10 here),
        // not the server's cost for new passwords (4).
        #expect(DummyCost(store: store, fallback: 4, clock: { 0 }).current() == 10)
        #expect(try store.commonPasswordCost() == 10)
    }
}
