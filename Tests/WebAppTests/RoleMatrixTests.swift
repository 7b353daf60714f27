import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import WebApp

/// Role × route: every signed-in area refuses every role it is not for (403), sends visitors to
/// sign in (GET) or answers 401 (POST), and lets its own roles through. Ids in the paths need
/// not exist: a refusal must come before any lookup, and an allowed role then gets a real
/// answer (a page, a redirect, or 404 for an id that is not theirs).
@Suite struct RoleMatrixTests {
    static let password = "Matrix2026pass"

    /// A signed-in session per role (nil: a visitor with a form token).
    static let roles: [Role?] = [
        nil, .applicant, .unitHR, .officeClerk, .officeHead, .committeeSecretary, .expert, .auditor, .archivist,
        .administrator,
    ]

    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var allowed: Set<Role>
    }

    static let office: Set<Role> = [.officeClerk, .officeHead]
    static let routes: [Route] = [
        Route(method: .get, path: "/apply", allowed: [.applicant]),
        Route(method: .get, path: "/apply/new", allowed: [.applicant]),
        Route(method: .post, path: "/apply/new", allowed: [.applicant]),
        Route(method: .get, path: "/apply/W2026-99999", allowed: [.applicant]),
        Route(method: .get, path: "/apply/W2026-99999/form", allowed: [.applicant]),
        Route(method: .post, path: "/apply/W2026-99999/form", allowed: [.applicant]),
        Route(method: .get, path: "/apply/W2026-99999/pledge", allowed: [.applicant]),
        Route(method: .post, path: "/apply/W2026-99999/submit", allowed: [.applicant]),
        Route(method: .post, path: "/apply/W2026-99999/correction", allowed: [.applicant]),
        Route(method: .post, path: "/apply/W2026-99999/reexamination", allowed: [.applicant]),
        Route(method: .post, path: "/apply/W2026-99999/withdraw", allowed: [.applicant]),
        Route(method: .get, path: "/unit", allowed: [.unitHR]),
        Route(method: .get, path: "/unit/recommend", allowed: [.unitHR]),
        Route(method: .post, path: "/unit/recommend", allowed: [.unitHR]),
        Route(method: .get, path: "/unit/applications/A-1", allowed: [.unitHR]),
        Route(method: .post, path: "/unit/applications/A-1/notice", allowed: [.unitHR]),
        Route(method: .post, path: "/unit/applications/A-1/recommend", allowed: [.unitHR]),
        Route(method: .post, path: "/unit/applications/A-1/return", allowed: [.unitHR]),
        Route(method: .get, path: "/office", allowed: office),
        Route(method: .get, path: "/office/accept", allowed: office),
        Route(method: .post, path: "/office/accept", allowed: office),
        Route(method: .get, path: "/office/applications/A-1", allowed: office),
        Route(method: .post, path: "/office/applications/A-1/accept", allowed: office),
        Route(method: .get, path: "/office/notice", allowed: office),
        Route(method: .post, path: "/office/notice", allowed: office),
        Route(method: .get, path: "/office/confirm", allowed: office),
        Route(method: .post, path: "/office/confirm", allowed: office),
        Route(method: .get, path: "/office/certificates", allowed: office),
        Route(method: .post, path: "/office/certificates", allowed: office),
        Route(method: .get, path: "/office/checks", allowed: office),
        Route(method: .post, path: "/office/checks/sample", allowed: office),
        Route(method: .get, path: "/office/records", allowed: office),
        Route(method: .get, path: "/committee", allowed: office.union([.committeeSecretary])),
        Route(method: .post, path: "/committee/sessions", allowed: office.union([.committeeSecretary])),
        Route(method: .get, path: "/committee/sessions/S-1", allowed: office.union([.committeeSecretary])),
        Route(method: .post, path: "/committee/sessions/S-1/draw", allowed: office.union([.committeeSecretary])),
        Route(method: .post, path: "/committee/sessions/S-1/convene", allowed: office.union([.committeeSecretary])),
        Route(method: .post, path: "/committee/sessions/S-1/count", allowed: office.union([.committeeSecretary])),
        Route(method: .post, path: "/committee/sessions/S-1/close", allowed: office.union([.committeeSecretary])),
        Route(method: .get, path: "/expert", allowed: [.expert]),
        Route(method: .get, path: "/expert/sessions/S-1", allowed: [.expert]),
        Route(method: .get, path: "/expert/sessions/S-1/candidates/A-1", allowed: [.expert]),
        Route(method: .post, path: "/expert/sessions/S-1/conflict", allowed: [.expert]),
        Route(method: .post, path: "/expert/sessions/S-1/vote", allowed: [.expert]),
        Route(method: .get, path: "/demo/clock", allowed: office),
        Route(method: .post, path: "/demo/clock", allowed: office),
        Route(method: .get, path: "/audit", allowed: [.auditor, .officeHead]),
        Route(method: .get, path: "/archive", allowed: [.archivist, .officeHead]),
        Route(method: .get, path: "/archive/packages/decision-2026-1", allowed: [.archivist, .officeHead]),
        Route(method: .post, path: "/archive/packages/decision-2026-1/check", allowed: [.archivist, .officeHead]),
        Route(method: .get, path: "/admin", allowed: [.administrator]),
        Route(method: .get, path: "/messages", allowed: Set(roles.compactMap { $0 })),
        Route(method: .get, path: "/office/accounts", allowed: office),
        Route(method: .post, path: "/office/accounts/reset-code", allowed: office),
        Route(method: .post, path: "/messages/read", allowed: Set(roles.compactMap { $0 })),
        Route(method: .post, path: "/messages/1/read", allowed: Set(roles.compactMap { $0 })),
        Route(method: .post, path: "/admin/staff", allowed: [.administrator]),
        Route(method: .post, path: "/admin/staff/nobody/disable", allowed: [.administrator]),
        Route(method: .get, path: "/admin/units", allowed: [.administrator, .officeHead]),
        Route(method: .post, path: "/admin/units/91410800MA44XY1230/approve", allowed: [.administrator, .officeHead]),
        Route(method: .post, path: "/admin/units/91410800MA44XY1230/refuse", allowed: [.administrator, .officeHead]),
        Route(method: .post, path: "/admin/units/91410800MA44XY1230/reset-code", allowed: [.administrator, .officeHead]),
        Route(method: .get, path: "/admin/committees", allowed: [.administrator, .officeHead]),
        Route(method: .post, path: "/admin/committees", allowed: [.administrator, .officeHead]),
        Route(method: .get, path: "/admin/experts", allowed: [.administrator, .officeHead, .officeClerk]),
        Route(method: .post, path: "/admin/experts", allowed: [.administrator, .officeHead, .officeClerk]),
        Route(method: .get, path: "/admin/experts/export.csv", allowed: [.administrator, .officeHead, .officeClerk]),
        Route(method: .post, path: "/admin/experts/accounts", allowed: [.administrator]),
    ]

    @Test func everyAreaRefusesEveryOtherRole() async throws {
        let store = try EventStore(inMemory: ())
        var configuration = try WebFixture.get().configuration(store: store)
        configuration.dataDirectory = try WebFixture.temporaryDataDirectory()
        configuration.simulatedClock = try SimulatedClock(store: store, base: configuration.now)
        configuration.signInLimit = RateLimit(capacity: 100, refillPerSecond: 1)
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        for role in Self.roles.compactMap({ $0 }) {
            _ = try store.insertAccount(
                NewAccount(
                    username: "m-\(role.rawValue)", passwordHash: hash, role: role, displayName: role.chinese,
                    personID: role == .applicant ? "P-11010519491231002X" : nil,
                    unitID: role == .unitHR ? "U-none" : nil, expertID: role == .expert ? "E-none" : nil),
                now: Date())
        }
        try await WebFixture.get().withApp(configuration) { client in
            var failures: [String] = []
            for role in Self.roles {
                var browser = TestBrowser(client)
                if let role {
                    let signedIn = try await browser.signIn("m-\(role.rawValue)", Self.password)
                    #expect(signedIn.status == .seeOther, "\(role) signs in")
                    _ = try await browser.get("/account")  // the session's form token
                } else {
                    _ = try await browser.get("/login")  // a visitor's form token
                }
                for route in Self.routes {
                    let page =
                        route.method == .get
                        ? try await browser.get(route.path) : try await browser.post(route.path, [:])
                    let who = role?.rawValue ?? "visitor"
                    let expected: String
                    let ok: Bool
                    if let role, route.allowed.contains(role) {
                        expected = "let through (not 401/403)"
                        ok = page.status != .unauthorized && page.status != .forbidden && page.status != .internalServerError
                    } else if role == nil {
                        expected = route.method == .get ? "303 to /login" : "401"
                        ok =
                            route.method == .get
                            ? page.status == .seeOther && page.location?.hasPrefix("/login?next=") == true
                            : page.status == .unauthorized
                    } else {
                        expected = "403"
                        ok = page.status == .forbidden && page.body.contains("仅供")
                    }
                    if !ok { failures.append("\(who) \(route.method) \(route.path): \(page.status), expected \(expected)") }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test func theAuditorSeesAnIntactLog() async throws {
        let fixture = try WebFixture.get()
        var configuration = fixture.configuration()
        configuration.dataDirectory = try WebFixture.temporaryDataDirectory()
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        let username = "auditor-\(UUID().uuidString.prefix(8))"
        _ = try fixture.store.insertAccount(
            NewAccount(username: username, passwordHash: hash, role: .auditor, displayName: "审计员"), now: Date())
        try await fixture.withApp(configuration) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn(username, Self.password)
            let page = try await browser.get("/audit")
            #expect(page.status == .ok)
            #expect(page.body.contains("日志完整"))
            #expect(try xmllintProblems(page.body) == "")
            #expect(try await browser.get("/audit/packages/..%2Fpingshen.sqlite").status == .notFound)
        }
    }
}
