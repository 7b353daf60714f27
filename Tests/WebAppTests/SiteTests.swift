import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebApp

@Suite("Site skeleton")
struct SiteTests {
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]

    func expectSecurityHeaders(_ headers: HTTPFields, _ uri: String) {
        for (name, value) in Self.securityHeaders {
            #expect(headers[HTTPField.Name(name)!] == value, "\(name) on \(uri)")
        }
    }

    @Test func homePageLinksToVerificationAndNotices() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let r = try await get(client, "/")
            #expect(r.status == .ok)
            #expect(r.body.contains("href=\"/verify\""))
            #expect(r.body.contains("href=\"/notices\""))
            #expect(r.body.contains("证书查验"))
            #expect(r.body.contains("评审结果公示"))
            #expect(r.body.contains("lang=\"zh-CN\""))
            #expect(!r.body.contains("<script"))
            #expect(!r.body.contains("style="))
            #expect(try xmllintProblems(r.body) == "")
        }
    }

    @Test func healthz() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let r = try await get(client, "/healthz")
            #expect(r.status == .ok)
            #expect(r.body == "ok")
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let f = try WebFixture.get()
        let d = f.valid
        let uris = [
            "/", "/healthz", "/verify", "/verify?number=\(d.number)&code=\(d.verificationCode)", "/verify?number=1",
            "/notices", "/notices/nope", "/static/site.css", "/static/../Package.swift", "/no/such/page",
        ]
        try await f.withApp { client in
            for uri in uris {
                let r = try await get(client, uri)
                expectSecurityHeaders(r.headers, uri)
                if uri.hasPrefix("/static/site.css") {
                    #expect(r.headers[.cacheControl] == "public, max-age=3600")
                } else {
                    #expect(r.headers[.cacheControl] == "no-store", "Cache-Control on \(uri)")
                }
            }
            let post = try await client.execute(uri: "/verify", method: .post) { $0 }
            expectSecurityHeaders(post.headers, "POST /verify")
            #expect(post.status.code >= 400)
            #expect(String(buffer: post.body).contains("zh-CN"))
        }
    }

    @Test func unknownRouteIsTheChinese404Page() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let r = try await get(client, "/no/such/page")
            #expect(r.status == .notFound)
            #expect(r.body.contains("页面不存在"))
            #expect(r.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try xmllintProblems(r.body) == "")
        }
    }

    @Test func staticFilesAreServedAndTraversalMisses() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let css = try await get(client, "/static/site.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.body.contains("@media print"))
            for uri in [
                "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/..%2FPackage.swift",
                "/static/%2E%2E%2F%2E%2E%2FPackage.swift", "/static/../../Package.swift", "/static/.hidden",
                "/static/", "/static/pages/home.html", "/static/..%5CPackage.swift",
            ] {
                let r = try await get(client, uri)
                #expect(r.status == .notFound, "\(uri)")
                #expect(!r.body.contains("swift-tools-version"), "\(uri)")
                #expect(r.body.contains("页面不存在"), "\(uri)")
            }
        }
    }

    @Test func rateLimitReturns429AndRecoversWithTheClock() async throws {
        let f = try WebFixture.get()
        let clock = ManualClock()
        let config = f.configuration(limit: RateLimit(capacity: 3, refillPerSecond: 0.5), clock: clock)
        let d = f.valid
        let uri = "/verify?number=\(d.number)&code=\(d.verificationCode)"
        try await f.withApp(config) { client in
            for _ in 0..<3 { #expect(try await get(client, uri).status == .ok) }
            let limited = try await get(client, uri)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "2")
            #expect(limited.body.contains("查询过于频繁"))
            #expect(limited.body.contains("2 秒后再试"))
            expectSecurityHeaders(limited.headers, "429")
            #expect(try xmllintProblems(limited.body) == "")
            // Other pages are not limited.
            #expect(try await get(client, "/notices").status == .ok)
            clock.advance(by: 1)
            #expect(try await get(client, uri).status == .tooManyRequests)
            clock.advance(by: 1)
            let again = try await get(client, uri)
            #expect(again.status == .ok)
            #expect(again.body.contains("有效"))
        }
    }

    @Test func rateLimitIsPerClientBehindATrustedProxyHeader() async throws {
        let f = try WebFixture.get()
        let config = f.configuration(
            limit: RateLimit(capacity: 1, refillPerSecond: 0.01), clientAddressHeader: "X-Real-IP")
        try await f.withApp(config) { client in
            let a: HTTPFields = [HTTPField.Name("X-Real-IP")!: "192.0.2.1"]
            let b: HTTPFields = [HTTPField.Name("X-Real-IP")!: "192.0.2.2"]
            let first = try await get(client, "/verify", headers: a)
            let second = try await get(client, "/verify", headers: a)
            let other = try await get(client, "/verify", headers: b)
            #expect(first.status == .ok)
            #expect(second.status == .tooManyRequests)
            #expect(other.status == .ok)
        }
    }

    @Test func limiterForgetsIdleClientsBeyondItsBound() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: RateLimit(capacity: 2, refillPerSecond: 1, maximumClients: 10)) { clock.now }
        for i in 0..<50 { _ = await limiter.take("client-\(i)") }
        #expect(await limiter.clientCount <= 10)
        #expect(await limiter.take("x") == .allowed(remaining: 1))
        #expect(await limiter.take("x") == .allowed(remaining: 0))
        #expect(await limiter.take("x") == .limited(retryAfter: 1))
    }

    @Test func templatesInterpolateOnlyEscaped() throws {
        let dir = WebFixture.repoRoot.appendingPathComponent("web/pages")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html") }
        #expect(files.count >= 8)
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("{{{"), "\(file)")
            #expect(!text.contains("{{&"), "\(file)")
            #expect(!text.contains("<script"), "\(file)")
            #expect(!text.contains("style="), "\(file)")
        }
    }

    @Test func missingTemplatesFolderIsASetupError() throws {
        let f = try WebFixture.get()
        var config = f.configuration()
        config.webDirectory = "/nonexistent-pingshen-web"
        #expect(throws: WebSetupError.self) { _ = try buildRouter(configuration: config) }
    }
}
