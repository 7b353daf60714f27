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

    /// A one-time correction names one field and one attachment beside them in the dossier; the
    /// applicant may change exactly those (anything else posted is ignored), signs the pledge
    /// again and resubmits; both declarations are kept and the office sees what changed.
    @Test func aCorrectionChangesOnlyTheNamedFieldsAndTheOfficeSeesTheDifference() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        let original = try #require(try s.store.declaration(applicationID: "A-1"))
        let before = try JSONValue.parse(original.data)
        try Self.giveDraft("A-1", to: "applicant1", in: s)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/applications/A-1")
            #expect(page.body.contains(#"form="correction-form" name="field" value="phone""#), "a checkbox beside 联系电话")
            #expect(page.body.contains(#"form="correction-form" name="field" value="other_materials""#))
            #expect(try xmllintProblems(page.body) == "")
            let asked = try await clerk.post(
                "/office/applications/A-1/correction", [("field", "phone"), ("field", "other_materials")])
            #expect(asked.status == .seeOther)
            let correction = try #require(try s.state("A-1").correction)
            #expect(correction.fields == ["phone", "other_materials"])
            #expect(correction.items == ["联系电话", "附件：其他证明材料"])

            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            let home = try await applicant.get("/apply/A-1")
            #expect(home.body.contains("修改需补正的项目"))
            let form = try await applicant.get("/apply/A-1/form")
            #expect(form.status == .ok)
            #expect(form.body.contains(#"name="phone""#))
            #expect(!form.body.contains(#"name="name""#), "fields not named stay locked")
            // A crafted post that also changes the name: only the phone changes.
            let saved = try await applicant.post(
                "/apply/A-1/form", [("phone", "13812345678"), ("name", "改名"), ("_action", "submit")])
            #expect(saved.status == .seeOther, "\(saved.body.split(separator: "<main>").last?.prefix(600) ?? "")")
            let pledge = try await applicant.get("/apply/A-1/pledge")
            #expect(pledge.body.contains("签署承诺书并提交补正"))
            let answered = try await applicant.post("/apply/A-1/submit", [("agree", "yes"), ("note", "已更正电话")])
            #expect(answered.status == .seeOther, "\(answered.body.split(separator: "<main>").last?.prefix(600) ?? "")")
            let state = try s.state("A-1")
            #expect(state.stage == .qualificationReview)
            let versions = try s.store.declarations(applicationID: "A-1")
            #expect(versions.count == 2, "both declarations are kept")
            let after = try JSONValue.parse(try #require(versions.last).data)
            #expect(after["phone"]?.string == "13812345678")
            #expect(after["name"] == before["name"])
            #expect(after["other_materials"] == before["other_materials"])
            #expect(state.pledge?.dataHash == SHA256Digest.hex(of: after.canonical), "the pledge is signed again")

            let review = try await clerk.get("/office/applications/A-1")
            #expect(review.body.contains("补正修改的内容"))
            #expect(review.body.contains("13812345678"))
            #expect(review.body.contains(before["phone"]?.string ?? "?"))
            #expect(try await clerk.post("/office/applications/A-1/accept", [("confirm", "yes")]).status == .seeOther)
            #expect(try s.state("A-1").stage == .accepted)
        }
    }

    /// Seed item 4 on the web: while the unit is suspended its HR cannot start the notice (the
    /// refusal names the end) and the applicant is told why the application waits.
    @Test func aSuspendedUnitIsRefusedAndTheApplicantIsToldWhy() async throws {
        let s = try await ConsoleScenario.make()
        try Self.giveDraft("A-1", to: "applicant1", in: s)
        try s.store.execute(
            UnitStandingMachine.self, id: "U-1",
            .suspend(reason: "出具虚假任职年限证明", decisionNumber: "焦人社〔2026〕9号", years: 2),
            context: Context(actor: ConsoleScenario.head, now: s.now.now, rules: s.rules))
        try await s.withApp { client in
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            let refused = try await hr.submit("/unit/applications/A-1", "/unit/applications/A-1/notice", [])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("暂停职称评审和聘任工作") && refused.body.contains("起恢复"))
            #expect(try s.state("A-1").stage == .unitReview)
            var applicant = TestBrowser(client)
            try await applicant.signIn("applicant1")
            let page = try await applicant.get("/apply/A-1")
            #expect(page.body.contains("id=\"held\""), "the applicant is told why the application waits")
            #expect(page.body.contains("2028年3月1日止"))
        }
    }

    /// The applicant's draft of an application (the portal keeps one per application), holding
    /// its stored declaration.
    static func giveDraft(_ id: String, to username: String, in s: ConsoleScenario) throws {
        let stored = try #require(try s.store.declaration(applicationID: id))
        let account = try #require(try s.store.account(username: username))
        try s.store.write { tx in
            try tx.saveDraft(
                DraftRecord(
                    applicationID: id, accountID: account.id, formID: stored.formID, data: stored.data,
                    updatedAt: Timestamp.format(s.now.now)))
        }
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
