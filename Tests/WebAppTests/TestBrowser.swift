import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser for router tests: keeps cookies, reads the CSRF token of the last page and
/// posts URL-encoded forms with it, like a person clicking through the site.
///
/// ```swift
/// var browser = TestBrowser(client)
/// _ = try await browser.get("/register")
/// let r = try await browser.post("/register", ["username": "zhang3", …])
/// ```
struct TestBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The `_csrf` value of the last HTML page fetched.
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        /// The body's bytes as sent (a download that is not text).
        var bytes: [UInt8] = []
        var location: String? { headers[.location] }
    }

    mutating func get(_ uri: String) async throws -> Page {
        let page = try await client.execute(uri: uri, method: .get, headers: cookieHeader()) { response in
            Page(
                status: response.status, headers: response.headers, body: String(buffer: response.body),
                bytes: Array(buffer: response.body))
        }
        absorb(page)
        return page
    }

    /// Posts `fields` (plus `_csrf` from the last page unless `csrf` is given or `withToken` is false).
    mutating func post(
        _ uri: String, _ fields: [(String, String)], withToken: Bool = true, csrf: String? = nil,
        extraHeaders: HTTPFields = [:]
    ) async throws -> Page {
        var all = fields
        if withToken, let token = csrf ?? self.csrf { all.append(("_csrf", token)) }
        var headers = cookieHeader()
        headers[.contentType] = "application/x-www-form-urlencoded"
        for field in extraHeaders { headers.append(field) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let page = try await client.execute(
            uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        absorb(page)
        return page
    }

    mutating func post(
        _ uri: String, _ fields: [String: String], withToken: Bool = true, csrf: String? = nil,
        extraHeaders: HTTPFields = [:]
    ) async throws -> Page {
        try await post(
            uri, fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, withToken: withToken, csrf: csrf,
            extraHeaders: extraHeaders)
    }

    /// Signs in through the form. - Returns: the answer to the POST.
    @discardableResult
    mutating func signIn(_ username: String, _ password: String) async throws -> Page {
        _ = try await get("/login")
        return try await post("/login", ["username": username, "password": password])
    }

    func cookieHeader() -> HTTPFields {
        guard !cookies.isEmpty else { return [:] }
        return [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func absorb(_ page: Page) {
        for line in page.headers[values: .setCookie] {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        if let token = Self.hiddenCSRF(in: page.body) { csrf = token }
    }

    static func hiddenCSRF(in body: String) -> String? {
        guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = body[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
            of: "%20", with: "+")
    }
}
