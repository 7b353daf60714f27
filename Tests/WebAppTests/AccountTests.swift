import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import WebApp

/// Accounts, sessions and CSRF: registration, sign-in, sign-out, the role guard.
@Suite struct AccountTests {
    /// A configuration on a fresh database (accounts are per test), cheap bcrypt.
    func freshConfiguration(
        clock: ManualClock = ManualClock(), wall: @escaping @Sendable () -> Date = Date.init
    ) throws -> (WebConfiguration, EventStore) {
        let fixture = try WebFixture.get()
        let store = try EventStore(inMemory: ())
        var configuration = fixture.configuration(store: store, clock: clock)
        configuration.passwordCost = 4
        configuration.wallClock = wall
        return (configuration, store)
    }

    static let idNumber = "11010519491231002X"

    func register(_ browser: inout TestBrowser, username: String = "zhang.san", id: String = idNumber) async throws
        -> TestBrowser.Page
    {
        _ = try await browser.get("/register")
        return try await browser.post(
            "/register",
            [
                "username": username, "display_name": "张三", "id_number": id, "password": "Zhicheng2026pw",
                "password_confirm": "Zhicheng2026pw",
            ])
    }

    @Test func registrationSignsInWithAStrictHttpOnlyCookie() async throws {
        let (configuration, store) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            let answer = try await register(&browser)
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/apply")
            let cookie = try #require(answer.headers[values: .setCookie].first { $0.hasPrefix("ps_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let account = try await browser.get("/account")
            #expect(account.status == .ok)
            #expect(account.body.contains("张三"))
            #expect(account.body.contains("申报人"))
            let stored = try #require(try store.account(username: "ZHANG.SAN"))  // case-insensitive
            #expect(stored.personID == "P-" + Self.idNumber)
            #expect(stored.passwordHash.hasPrefix("$2b$04$"))
            #expect(!stored.passwordHash.contains("Zhicheng2026pw"))
        }
    }

    @Test func registrationShowsEveryProblemAtOnceAndStoresNothing() async throws {
        let (configuration, store) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.get("/register")
            let answer = try await browser.post(
                "/register",
                [
                    "username": "x", "display_name": "", "id_number": "110105194912310021", "password": "short",
                    "password_confirm": "short",
                ])
            #expect(answer.status == .unprocessableContent)
            for message in ["用户名应为3至32位", "请填写姓名", "身份证号码校验位错误", "密码至少需要10个字符"] {
                #expect(answer.body.contains(message), "missing: \(message)")
            }
            #expect(try xmllintProblems(answer.body) == "")
            #expect(try store.account(username: "x") == nil)
        }
    }

    @Test func oneAccountPerIDNumberAndPerUserName() async throws {
        let (configuration, _) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var first = TestBrowser(client)
            #expect(try await register(&first).status == .seeOther)
            var second = TestBrowser(client)
            let sameID = try await register(&second, username: "li.si")
            #expect(sameID.status == .unprocessableContent)
            #expect(sameID.body.contains("该身份证号码已注册过账户"))
            var third = TestBrowser(client)
            let sameName = try await register(&third, username: "Zhang.San", id: "110105194912310038")
            #expect(sameName.status == .unprocessableContent)
            #expect(sameName.body.contains("该用户名已被使用"))
        }
    }

    @Test func signInOutAndWrongPasswords() async throws {
        let (configuration, _) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var setup = TestBrowser(client)
            _ = try await register(&setup)

            var browser = TestBrowser(client)
            let wrong = try await browser.signIn("zhang.san", "Wrong2026password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("用户名或密码不正确"))
            let unknown = try await browser.signIn("nobody", "Wrong2026password")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.contains("用户名或密码不正确"))

            let right = try await browser.signIn("zhang.san", "Zhicheng2026pw")
            #expect(right.status == .seeOther)
            #expect(right.location == "/apply")
            #expect(try await browser.get("/account").status == .ok)

            let out = try await browser.post("/logout", [:])
            #expect(out.status == .seeOther)
            #expect(browser.cookies[SessionManager.cookieName] == nil)
            #expect(try await browser.get("/account").status == .unauthorized)
        }
    }

    @Test func signInReturnsToALocalPageOnly() async throws {
        let (configuration, store) = try freshConfiguration()
        _ = try store.insertAccount(
            NewAccount(
                username: "clerk", passwordHash: try await PasswordHasher(cost: 4).hash("Clerk2026pass"),
                role: .officeClerk, displayName: "经办人"), now: Date())
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.get("/login")
            let local = try await browser.post(
                "/login", ["username": "clerk", "password": "Clerk2026pass", "next": "/account"])
            #expect(local.location == "/account")
            var other = TestBrowser(client)
            _ = try await other.get("/login")
            let foreign = try await other.post(
                "/login", ["username": "clerk", "password": "Clerk2026pass", "next": "//evil.example/x"])
            #expect(foreign.location == "/office")
        }
    }

    @Test func formsWithoutTheRightTokenOrFromAnotherSiteAreRefused() async throws {
        let (configuration, store) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.get("/register")
            let fields = [
                "username": "wang.wu", "display_name": "王五", "id_number": Self.idNumber,
                "password": "Zhicheng2026pw", "password_confirm": "Zhicheng2026pw",
            ]
            let none = try await browser.post("/register", fields, withToken: false)
            #expect(none.status == .forbidden)
            #expect(none.body.contains("表单已过期或来源不明"))
            let forged = try await browser.post("/register", fields, csrf: String(repeating: "A", count: 43))
            #expect(forged.status == .forbidden)
            let crossSite = try await browser.post(
                "/register", fields, extraHeaders: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            // A browser that never got a token (no cookie) cannot post at all.
            var fresh = TestBrowser(client)
            let noCookie = try await fresh.post("/register", fields, csrf: browser.csrf)
            #expect(noCookie.status == .forbidden)
            #expect(try store.account(username: "wang.wu") == nil)
            // The same form with its token goes through.
            #expect(try await browser.post("/register", fields).status == .seeOther)
        }
    }

    @Test func pagesForARoleSendVisitorsToSignInAndRefuseOtherRoles() async throws {
        let (base, store) = try freshConfiguration()
        var configuration = base
        configuration.simulatedClock = try SimulatedClock(store: store, base: { Date(timeIntervalSince1970: 1_780_000_000) })
        let hash = try await PasswordHasher(cost: 4).hash("Clerk2026pass")
        _ = try store.insertAccount(
            NewAccount(username: "clerk", passwordHash: hash, role: .officeClerk, displayName: "经办人"), now: Date())
        try await WebFixture.get().withApp(configuration) { client in
            var visitor = TestBrowser(client)
            let redirected = try await visitor.get("/demo/clock")
            #expect(redirected.status == .seeOther)
            #expect(redirected.location == "/login?next=/demo/clock")
            _ = try await visitor.get("/login")  // a visitor's form token; still not signed in
            let posted = try await visitor.post("/demo/clock", ["days": "1"])
            #expect(posted.status == .unauthorized)

            var applicant = TestBrowser(client)
            _ = try await register(&applicant)
            let refused = try await applicant.get("/demo/clock")
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("仅供职改办经办人、职改办负责人使用"))

            var clerk = TestBrowser(client)
            #expect(try await clerk.signIn("clerk", "Clerk2026pass").location == "/office")
            let page = try await clerk.get("/demo/clock")
            #expect(page.status == .ok)
            #expect(page.body.contains("2026-05-29"))
            let moved = try await clerk.post("/demo/clock", ["days": "3"])
            #expect(moved.status == .ok)
            #expect(moved.body.contains("2026-06-01"))
            #expect(try store.webSetting("demo_clock_days") == "3")
        }
    }

    @Test func signInIsRateLimitedPerUserName() async throws {
        let (configuration, _) = try freshConfiguration()
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            for _ in 0..<5 {
                #expect(try await browser.signIn("zhao.liu", "Wrong2026password").status == .unauthorized)
            }
            let limited = try await browser.signIn("zhao.liu", "Wrong2026password")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func sessionsExpireByTheWallClock() async throws {
        let wall = ManualClock()
        let (configuration, _) = try freshConfiguration(wall: { Date(timeIntervalSince1970: wall.now) })
        try await WebFixture.get().withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await register(&browser)
            #expect(try await browser.get("/account").status == .ok)
            wall.advance(by: configuration.sessionLifetime + 1)
            #expect(try await browser.get("/account").status == .unauthorized)
        }
    }

    @Test func demoAccountsCoverEveryRoleOnce() async throws {
        let store = try EventStore(inMemory: ())
        let hasher = PasswordHasher(cost: 4)
        let first = try await DemoAccounts.seed(store: store, password: "Demo2026pass", hasher: hasher, now: Date())
        let again = try await DemoAccounts.seed(store: store, password: "Demo2026pass", hasher: hasher, now: Date())
        #expect(first.map(\.username) == again.map(\.username))
        for role in [Role.officeClerk, .officeHead, .committeeSecretary, .auditor] {
            #expect(try store.accounts(role: role).count == 1)
        }
        let clerk = try #require(try store.account(username: "clerk"))
        #expect(try await hasher.verify("Demo2026pass", hash: clerk.passwordHash))
    }

    @Test func tokensAreRandomWellFormedAndComparedWhole() {
        let a = Tokens.random()
        let b = Tokens.random()
        #expect(a != b)
        #expect(Tokens.isWellFormed(a))
        #expect(!Tokens.isWellFormed(a + "x"))
        #expect(!Tokens.isWellFormed(String(a.dropLast()) + "!"))
        #expect(Tokens.equal(a, a))
        #expect(!Tokens.equal(a, b))
        #expect(Tokens.hash(a).count == 64)
    }
}
