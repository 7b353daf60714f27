import Domain
import Forms
import Foundation
import HTTPTypes
import Store
import Testing
import Workflow

@testable import WebApp

/// Reviewers read the whole dossier: unit HR and the office see every section of the
/// declaration with its rows, the photo and the attachments (served only to who may read the
/// application, only files that application declared); the office also sees the eligibility
/// check with its reasons.
@Suite struct DossierTests {
    /// The first `/dossiers/…/files/…` link of a page with the given text before it.
    static func fileLinks(_ body: String) -> [String] {
        body.matches(of: #/(/dossiers/[A-Z]-[0-9]+/files/[0-9a-f]{64})/#).map { String($0.output.1) }
    }

    @Test func officeAndUnitSeeEverySectionThePhotoAndTheFiles() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        let stored = try #require(try s.store.declaration(applicationID: "A-1"))
        let form = try FormSupport.engineering
        let shown = form.present(try JSONValue.parse(stored.data))
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/applications/A-1")
            #expect(page.status == .ok)
            #expect(try xmllintProblems(page.body) == "")
            for section in shown.sections {
                #expect(page.body.contains("<h3>\(section.title)</h3>"), "section \(section.title)")
                for row in section.rows {
                    #expect(page.body.contains(Self.escaped(row.value)), "\(row.label)")
                }
            }
            #expect(page.body.contains("符合申报条件"), "the eligibility check is shown to the office")
            let links = Self.fileLinks(page.body)
            #expect(Set(links).count == Set(shown.files.map(\.sha256)).count)
            let photo = try #require(shown.photo)
            #expect(page.body.contains("src=\"/dossiers/A-1/files/\(photo.sha256)\""))
            let image = try await clerk.get("/dossiers/A-1/files/\(photo.sha256)")
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")
            let pdf = try #require(shown.files.first { $0.mediaType == "application/pdf" })
            let download = try await clerk.get("/dossiers/A-1/files/\(pdf.sha256)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(download.body.hasPrefix("%PDF-"))

            // Unit HR of the unit reads it; the other unit's HR and the other applicant do not.
            var hr1 = TestBrowser(client)
            try await hr1.signIn("hr1")
            let unitPage = try await hr1.get("/unit/applications/A-1")
            #expect(unitPage.body.contains("学习经历 1") && unitPage.body.contains(Self.escaped(shown.sections[0].rows[0].value)))
            #expect(!unitPage.body.contains("符合申报条件"), "eligibility reasons are for the office")
            #expect(try await hr1.get("/dossiers/A-1/files/\(photo.sha256)").status == .ok)
            var hr2 = TestBrowser(client)
            try await hr2.signIn("hr2")
            #expect(try await hr2.get("/dossiers/A-1/files/\(photo.sha256)").status == .notFound)
            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            #expect(try await applicant.get("/dossiers/A-1/files/\(pdf.sha256)").status == .ok)
            var other = TestBrowser(client)
            try await other.signIn("applicant2")
            #expect(try await other.get("/dossiers/A-1/files/\(pdf.sha256)").status == .notFound)
            // A file of another application cannot be fetched through this one, nor a made-up hash.
            let b1 = try #require(try s.store.declaration(applicationID: "B-1"))
            let bPhoto = try #require(form.present(try JSONValue.parse(b1.data)).photo)
            if bPhoto.sha256 != photo.sha256 {
                #expect(try await clerk.get("/dossiers/A-1/files/\(bPhoto.sha256)").status == .notFound)
            }
            #expect(try await clerk.get("/dossiers/A-1/files/\(String(repeating: "0", count: 64))").status == .notFound)
            #expect(try await clerk.get("/dossiers/A-1/files/..%2F..%2Fweb.sqlite").status == .notFound)
            // Visitors are not told anything.
            var visitor = TestBrowser(client)
            #expect(try await visitor.get("/dossiers/A-1/files/\(photo.sha256)").status == .notFound)
        }
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
