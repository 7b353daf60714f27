import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

@testable import WebApp

@Suite("Certificate verification")
struct VerificationTests {
    @Test func formWithoutParameters() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let r = try await get(client, "/verify")
            #expect(r.status == .ok)
            #expect(r.body.contains("证书查验"))
            #expect(r.body.contains("name=\"number\""))
            #expect(r.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func validCertificateShowsHolderAndDetails() async throws {
        let f = try WebFixture.get()
        let d = f.valid
        try await f.withApp { client in
            let r = try await get(client, "/verify?number=\(d.number)&code=\(d.verificationCode)")
            #expect(r.status == .ok)
            #expect(r.body.contains("有效"))
            #expect(r.body.contains(d.holderName))
            #expect(r.body.contains(d.series.chinese))
            #expect(r.body.contains(d.level.chinese))
            #expect(r.body.contains(TitleNames.title(d.series, d.level)))
            #expect(r.body.contains(d.approvalDocumentNumber))
            #expect(r.body.contains(d.issuedOn.chinese))
            #expect(!r.body.contains("已撤销"))
        }
    }

    @Test func revokedCertificateShowsTheDecision() async throws {
        let f = try WebFixture.get()
        let d = f.revoked
        try await f.withApp { client in
            let r = try await get(client, "/verify?number=\(d.number)&code=\(d.verificationCode)")
            #expect(r.status == .ok)
            #expect(r.body.contains("已撤销"))
            #expect(r.body.contains(f.revocation.decisionNumber))
            #expect(r.body.contains(f.revocation.on.chinese))
            #expect(r.body.contains(d.holderName))
        }
    }

    @Test func wrongCodeAndUnknownNumberLookAlike() async throws {
        let f = try WebFixture.get()
        let d = f.valid
        let unknownNumber = "999" + String(d.number.dropFirst(3))
        try await f.withApp { client in
            let wrong = try await get(client, "/verify?number=\(d.number)&code=ZZZZZZZZZZ")
            let unknown = try await get(client, "/verify?number=\(unknownNumber)&code=ZZZZZZZZZZ")
            #expect(wrong.status == unknown.status)
            #expect(wrong.body.contains("未找到"))
            #expect(!wrong.body.contains(d.holderName))
            // The same page but for the echoed number.
            #expect(
                wrong.body.replacingOccurrences(of: d.number, with: "N")
                    == unknown.body.replacingOccurrences(of: unknownNumber, with: "N"))
        }
    }

    @Test func theQRCodeURLVerifiesWithALowerCaseCode() async throws {
        let f = try WebFixture.get()
        let d = f.valid
        let base = try #require(URLComponents(string: f.rules.policy.region.verificationBaseURL))
        var qr = base
        qr.queryItems = [
            .init(name: "number", value: d.number), .init(name: "code", value: d.verificationCode.lowercased()),
        ]
        let uri = try #require(qr.url).absoluteString.replacingOccurrences(
            of: "\(base.scheme!)://\(base.host!)", with: "")
        #expect(uri.hasPrefix(base.path + "?number="))
        try await f.withApp { client in
            let r = try await get(client, uri)
            #expect(r.status == .ok)
            #expect(r.body.contains("有效"))
            #expect(r.body.contains(d.holderName))
        }
    }

    @Test func hostileInputIsEscapedNeverReflectedRaw() async throws {
        let f = try WebFixture.get()
        let script = "<script>alert(1)</script>"
        let quotes = "\"&'x"
        try await f.withApp { client in
            let r = try await get(client, "/verify?number=\(encoded(script))&code=\(encoded(quotes))")
            #expect(r.status == .ok)
            #expect(!r.body.contains(script))
            #expect(!r.body.contains("<script"))
            #expect(r.body.contains("&lt;script&gt;"))
            #expect(r.body.contains("未找到"))
            let q = try await get(client, "/verify?number=\(encoded(quotes))&code=x")
            #expect(!q.body.contains(quotes))
            #expect(try xmllintProblems(r.body) == "")
            #expect(try xmllintProblems(q.body) == "")
        }
    }

    @Test func badInputIsA400PageNamingTheField() async throws {
        let f = try WebFixture.get()
        let long = String(repeating: "8", count: 33)
        let hostileLong = String(repeating: "<script>", count: 5)
        try await f.withApp { client in
            let number = try await get(client, "/verify?number=\(long)&code=ABC")
            #expect(number.status == .badRequest)
            #expect(number.body.contains("证书编号"))
            #expect(number.body.contains("32"))
            let code = try await get(client, "/verify?number=123&code=\(long)")
            #expect(code.status == .badRequest)
            #expect(code.body.contains("查验码"))
            let missing = try await get(client, "/verify?number=123")
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("请填写查验码"))
            let empty = try await get(client, "/verify?number=&code=ABC")
            #expect(empty.status == .badRequest)
            #expect(empty.body.contains("请填写证书编号"))
            let control = try await get(client, "/verify?number=12%0A3&code=ABC")
            #expect(control.status == .badRequest)
            let hostile = try await get(client, "/verify?number=\(encoded(hostileLong))&code=x")
            #expect(hostile.status == .badRequest)
            #expect(!hostile.body.contains("<script>"))
            #expect(try xmllintProblems(number.body) == "")
        }
    }
}

@Test func checkTimeIsBeijingTime() {
    // 2026-05-28T20:26:40Z is 2026-05-29 04:26 in Beijing.
    #expect(VerificationPage.chineseTime(Date(timeIntervalSince1970: 1_780_000_000)) == "2026年5月29日 04:26")
}
