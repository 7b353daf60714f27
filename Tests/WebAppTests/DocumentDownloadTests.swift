import Domain
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

@testable import Store
@testable import WebApp

/// `/documents/{id}.odt|.html`: who may download what; everyone else gets the same 404.
@Suite struct DocumentDownloadTests {
    @Test func accessMatrix() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            _ = try await clerk.submit("/office/applications/A-1", "/office/applications/A-1/accept", [("confirm", "yes")])
            let rows = try s.store.read { db in
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM documents WHERE kind = 'acceptance-notice' AND status = 'rendered'")
            }
            let id = try #require(rows.first)
            let odt = "/documents/\(id).odt"
            let html = "/documents/\(id).html"

            let expected: [(String, HTTPResponse.Status)] = [
                ("clerk", .ok), ("head", .ok), ("auditor", .ok), ("hr1", .ok), ("hr2", .notFound),
                ("applicant1", .ok), ("applicant2", .notFound), ("expert", .notFound),
            ]
            for (username, status) in expected {
                var browser = TestBrowser(client)
                try await browser.signIn(username)
                #expect(try await browser.get(odt).status == status, "\(username) .odt")
                #expect(try await browser.get(html).status == status, "\(username) .html")
            }
            // The HTML opens in the browser under a policy without any script; the ODT downloads.
            let shown = try await clerk.get(html)
            #expect(shown.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            #expect(shown.headers[.contentSecurityPolicy] == DocumentRoutes.documentPolicy)
            #expect(shown.headers[.contentSecurityPolicy]?.contains("script") == false)
            #expect(try await clerk.get(odt).headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(try await clerk.get("/office").headers[.contentSecurityPolicy]?.contains("style-src 'self'") == true)
            var visitor = TestBrowser(client)
            #expect(try await visitor.get(odt).status == .notFound)
            for probe in ["/documents/999999.odt", "/documents/\(id).pdf", "/documents/abc.odt", "/documents/\(id)"] {
                #expect(try await clerk.get(probe).status == .notFound, "\(probe)")
            }

            // A row whose path would leave the documents folder is never served.
            try s.store.write { tx in
                try tx.db.execute(
                    sql: "UPDATE documents SET path = '../../../../etc/passwd.odt' WHERE id = ?", arguments: [id])
            }
            #expect(try await clerk.get(odt).status == .notFound)
        }
    }

    @Test func rfc5987FileNames() {
        let value = DocumentRoutes.attachment("受理通知书-A 1.odt", fallback: "document-7.odt")
        #expect(value == "attachment; filename=\"document-7.odt\"; filename*=UTF-8''%E5%8F%97%E7%90%86%E9%80%9A%E7%9F%A5%E4%B9%A6-A%201.odt")
    }
}
