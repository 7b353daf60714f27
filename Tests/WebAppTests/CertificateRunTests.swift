import Domain
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OfficeSteps
import Testing
import Workflow
import ZipKit

@testable import Store
@testable import WebApp

/// Issue 15: the office's certificate runs at the scale of a season — progress from the
/// database (a run interrupted says how many remain, 继续颁发 issues only the rest, nothing
/// twice), the issued certificates paged and searched in SQL, and only office staff.
@Suite struct CertificateRunTests {
    static let number = "测试〔2026〕1号"

    /// A scenario with `applications` per unit, all confirmed under `number`.
    static func confirmed(_ applications: Int) async throws -> ConsoleScenario {
        let s = try await ConsoleScenario.make(applications: applications)
        // Stage by stage, all together: the clock moves once for all (one by one, each would
        // move it by weeks).
        let ids = (1...applications).flatMap { ["A-\($0)", "B-\($0)"] }
        let stages: [ApplicationStage] = [
            .unitNotice, .qualificationReview, .accepted, .passed, .publicNotice, .awaitingConfirmation, .confirmed,
        ]
        for stage in stages {
            for id in ids { try s.drive(id, to: stage) }
        }
        return s
    }

    static func services(_ s: ConsoleScenario) throws -> WebServices {
        try WebServices(
            configuration: s.configuration,
            pages: try Pages(directory: s.configuration.pagesDirectory, policy: s.rules.policy))
    }

    /// Issues the certificates of `ids` as an interrupted run would have (no server running).
    static func issue(_ ids: [String], _ s: ConsoleScenario) throws {
        let services = try services(s)
        let signer = try #require(services.signer)
        for id in ids {
            #expect(try CertificateRuns.issueWithoutRendering(id, signer: signer, services: services, actor: ConsoleScenario.clerk))
        }
    }

    static func runPath(_ query: String = "") -> String {
        "/office/certificates/run?number=" + TestBrowser.encode(number) + query
    }

    /// The certificates asked for at confirmation wait for the certificate step: a rendering
    /// pass counts them waiting (told by the applications' status, without reading their
    /// histories) and renders each once its application holds a number.
    @Test func confirmedCertificatesWaitUntilIssuedThenRender() async throws {
        let s = try await Self.confirmed(3)  // 6 applications confirmed, no certificate yet
        let desk = try #require(try Self.services(s).actions.desk)
        let before = try #require(await desk.issuePending())
        #expect(before.failed == 0, "\(before.failures)")
        #expect(before.waiting == 6)
        #expect(before.byKind[.certificate] == nil)
        try Self.issue(["A-1", "B-2"], s)
        let after = try #require(await desk.issuePending())
        #expect(after.byKind[.certificate] == 2, "\(after)")
        #expect(after.waiting == 4)
        for id in ["A-1", "B-2"] {
            let number = try #require(try s.state(id).certificateNumber)
            let html = URL(fileURLWithPath: s.dataDirectory).appendingPathComponent("documents/certificate/\(number).html")
            let text = try String(contentsOf: html, encoding: .utf8)
            #expect(text.contains(number))
        }
    }

    @Test func theListIsPagedAndSearchedByEveryField() async throws {
        let s = try await Self.confirmed(28)  // 56 applications: two pages of 50
        let ids = (1...28).flatMap { ["A-\($0)", "B-\($0)"] }.sorted()
        try Self.issue(ids, s)
        let certificate = try #require(try s.state("B-7").certificateNumber)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let first = try await clerk.get(Self.runPath())
            #expect(first.status == .ok)
            #expect(try xmllintProblems(first.body) == "")
            let text = CertificatePage(first.body)
            #expect(text.all.contains("已颁发 56 / 56 张"))
            #expect(text.all.contains("共 56 张证书，第 1/2 页。"))
            #expect(text.rows.count == 50)
            #expect(text.all.contains("本批证书已全部颁发。"))
            // Page 2 holds the rest, with a link back; the rows are by certificate number.
            let second = CertificatePage(try await clerk.get(Self.runPath("&page=2")).body)
            #expect(second.rows.count == 6)
            #expect(second.all.contains("第 2/2 页"))
            let numbers = (text.rows + second.rows).map { $0[0] }
            #expect(numbers == numbers.sorted() && Set(numbers).count == 56)
            // By name (张/李 with 一…五 by number: 李三 is B-2, B-7, B-12, B-17, B-22, B-27).
            let byName = CertificatePage(try await clerk.get(Self.runPath("&q=" + TestBrowser.encode("李三"))).body)
            #expect(byName.rows.map { $0[5] }.sorted() == ["B-12", "B-17", "B-2", "B-22", "B-27", "B-7"])
            #expect(byName.rows.allSatisfy { $0[1] == "李三" })
            // By ID number (the list masks it; the whole number finds it), certificate number,
            // application number and unit.
            let id = try #require(try s.store.person("P-A-5")).residentID.value
            let byID = CertificatePage(try await clerk.get(Self.runPath("&q=" + id)).body)
            #expect(byID.rows.map { $0[5] } == ["A-5"])
            #expect(!byID.all.contains(id))
            let byNumber = CertificatePage(try await clerk.get(Self.runPath("&q=" + certificate)).body)
            #expect(byNumber.rows.map { $0[0] } == [certificate])
            #expect(byNumber.rows.first?[5] == "B-7")
            let byApplication = CertificatePage(try await clerk.get(Self.runPath("&q=A-2")).body)
            #expect(byApplication.rows.map { $0[5] }.sorted() == ["A-2", "A-20", "A-21", "A-22", "A-23", "A-24", "A-25", "A-26", "A-27", "A-28"])
            let byUnit = CertificatePage(try await clerk.get(Self.runPath("&q=" + TestBrowser.encode("人民医院"))).body)
            #expect(byUnit.all.contains("共 28 张证书，第 1/1 页。"))
            #expect(byUnit.rows.allSatisfy { $0[3] == "焦作市人民医院" })
            // Series and level: every certificate here is 工程 · 中级.
            let bySeries = CertificatePage(try await clerk.get(Self.runPath("&series=engineering&level=intermediate")).body)
            #expect(bySeries.all.contains("共 56 张证书"))
            let none = CertificatePage(try await clerk.get(Self.runPath("&level=full-senior")).body)
            #expect(none.rows.isEmpty)
            #expect(none.all.contains("没有符合条件的证书"))
            // The filter stays in the pager's links and the form.
            let filtered = try await clerk.get(Self.runPath("&q=" + TestBrowser.encode("张")))
            let filteredText = CertificatePage(filtered.body)
            #expect(filteredText.all.contains("共 28 张证书，第 1/1 页。"))
            #expect(filtered.body.contains("value=\"张\""))
            // The page of every 文号 searches every certificate.
            let all = try await clerk.get("/office/certificates?q=" + certificate)
            #expect(try xmllintProblems(all.body) == "")
            #expect(CertificatePage(all.body).rows.map { $0[0] } == [certificate])
            #expect(CertificatePage(all.body).all.contains("56/56"))
        }
    }

    @Test func anInterruptedRunSaysWhatRemainsAndTwoClerksResumeItOnce() async throws {
        let s = try await Self.confirmed(5)
        // A run killed after four certificates: the store is the record, nothing in memory.
        try Self.issue(["A-1", "A-2", "A-3", "A-4"], s)
        let before = try ["A-1", "A-2", "A-3", "A-4"].map { try #require(try s.state($0).certificateNumber) }
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            var other = TestBrowser(client)
            try await other.signIn("clerk")  // a second session: another clerk's desk
            let stopped = try await clerk.get(Self.runPath())
            #expect(try xmllintProblems(stopped.body) == "")
            let text = CertificatePage(stopped.body).all
            #expect(text.contains("已颁发 4 / 10 张，尚余 6 张未颁发"))
            #expect(text.contains("颁发曾中断"))
            #expect(text.contains("继续颁发（其余6张）"))
            #expect(!stopped.body.contains("id=\"refresh-progress\""))
            #expect(!stopped.body.contains("http-equiv=\"refresh\""))
            let list = CertificatePage(try await clerk.get("/office/certificates").body)
            #expect(list.all.contains("4/10"))
            #expect(list.all.contains("继续颁发（其余6张）"))
            // Two clicks of one clerk and another clerk's at once: one run, each certificate once
            // (a click that comes after the run has finished finds nothing to issue: 404).
            _ = try await other.get(Self.runPath())
            let answers = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for browser in [clerk, clerk, other] {
                    group.addTask {
                        var b = browser
                        return try await b.post("/office/certificates", [("number", Self.number)]).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(answers.allSatisfy { $0 == .seeOther || $0 == .notFound }, "\(answers)")
            #expect(answers.contains(.seeOther))
            var page = try await clerk.get(Self.runPath())
            for _ in 0..<1200 where !page.body.contains("本批证书已全部颁发") {
                #expect(page.body.contains("id=\"refresh-progress\"") || page.body.contains("10</strong>"))
                try await Task.sleep(for: .milliseconds(50))
                page = try await clerk.get(Self.runPath())
            }
            let done = CertificatePage(page.body)
            #expect(done.all.contains("已颁发 10 / 10 张，尚余 0 张未颁发"))
            #expect(!done.all.contains("继续颁发"))
            #expect(done.rows.count == 10)
            // Starting again is a 404: nothing to issue.
            #expect(try await other.post("/office/certificates", [("number", Self.number)]).status == .notFound)
        }
        // The four issued before are untouched; six more; numbers 1…10 without gaps or repeats.
        let ids = (1...5).flatMap { ["A-\($0)", "B-\($0)"] }
        let numbers = try ids.map { try #require(try s.state($0).certificateNumber) }
        #expect(try ["A-1", "A-2", "A-3", "A-4"].map { try s.state($0).certificateNumber } == before)
        let expected = (1...10).map {
            CertificateNumber.format(
                policy: s.rules.policy, year: s.now.today.year, series: .engineering, level: .intermediate, sequence: $0)
        }
        #expect(numbers.sorted() == expected)
        let (streams, events) = try s.store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM streams WHERE kind = 'certificate'") ?? -1,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM events WHERE stream_kind = 'application' AND type = 'certified'") ?? -1
            )
        }
        #expect(streams == 10)
        #expect(events == 10)
        #expect(try s.store.certificateBatch(number: Self.number) == CertificateBatch(number: Self.number, total: 10, certified: 10))
    }

    @Test func aSecondCertificateForOneApplicationIsRefused() async throws {
        let s = try await Self.confirmed(1)
        try Self.issue(["A-1"], s)
        let services = try Self.services(s)
        let signer = try #require(services.signer)
        let first = try #require(try s.state("A-1").certificateNumber)
        // The step skips a certified application and takes no number…
        #expect(try !CertificateRuns.issueWithoutRendering("A-1", signer: signer, services: services, actor: ConsoleScenario.clerk))
        let person = try #require(try OfficeSteps.holder(store: s.store, application: "A-1"))
        let context = Context(actor: ConsoleScenario.clerk, now: s.now.now, rules: s.rules)
        let again = try s.store.write { tx in
            try OfficeSteps.issueCertificate(tx, context, application: "A-1", holder: person, signer: signer)
        }
        #expect(again == nil)
        // …and the application's machine refuses to record a second one, in the store too.
        #expect(throws: StoreError.self) {
            try s.store.execute(
                ApplicationMachine.self, id: "A-1", .recordCertificate(number: "4108202699999999"), context: context)
        }
        #expect(try s.state("A-1").certificateNumber == first)
        let counter = try s.store.read { db in
            try Int.fetchOne(db, sql: "SELECT value FROM sequences WHERE name = ?", arguments: ["certificate-2026"])
        }
        #expect(counter == 1)
        #expect(try s.store.certificates(CertificateQuery(number: Self.number)).total == 1)
    }

    /// The zip of a run is written to a file by libzip and streamed: the entries of the zip
    /// built in memory from the same files, nothing left behind on the server.
    @Test func theZipIsStreamedWithTheEntriesOfTheZipBuiltInMemory() async throws {
        let s = try await Self.confirmed(2)
        let ids = ["A-1", "A-2", "B-1", "B-2"]
        try Self.issue(ids, s)
        let services = try Self.services(s)
        let desk = try #require(services.actions.desk)
        _ = await desk.issuePending()
        let (rows, total) = try s.store.certificates(CertificateQuery(number: Self.number, limit: 2_000))
        #expect(total == 4 && rows.count == 4)
        // What the zip must hold, built the way it was before: every file read into memory.
        let routes = DocumentRoutes(services: services)
        var expected = ZipWriter(time: time_t(services.now.timeIntervalSince1970))
        var contents: [String: [UInt8]] = [:]
        for row in rows {
            let id = try #require(row.documentID)
            let document = try #require(try services.document(id: id))
            #expect(document.isRendered)
            for ext in ["odt", "html"] {
                let url = try #require(try routes.fileURL(document, ext: ext))
                let bytes = Array(try Data(contentsOf: url))
                let name = "证书-2026-1/\(row.number).\(ext)"
                contents[name] = bytes
                expected.add(name, bytes: bytes, compression: ext == "odt" ? .store : .deflate(level: 6))
            }
        }
        let expectedBytes = try expected.finish()
        let files = contents
        let html = String(decoding: try #require(files.first { $0.key.hasSuffix(".html") }?.value), as: UTF8.self)
        #expect(rows.contains { html.contains($0.number) })
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let download = try await clerk.get("/office/certificates/download?number=" + TestBrowser.encode(Self.number))
            #expect(download.status == .ok)
            #expect(download.headers[.contentLength] == String(download.bytes.count))
            // The same entries in the same order, each stored or deflated as before, with the
            // same bytes (libzip marks entries read from files as made on Unix with their mode:
            // only those header fields differ from the zip built in memory).
            let zip = try ZipReader(bytes: download.bytes)
            let before = try ZipReader(bytes: expectedBytes)
            #expect(zip.names == before.names && zip.count == 8)
            for i in 0..<zip.count {
                let name = zip.name(i)
                #expect(zip.isStored(i) == before.isStored(i) && zip.isStored(i) == name.hasSuffix(".odt"), "\(name)")
                #expect(try zip.read(i) == files[name], "\(name)")
            }
        }
        let building = URL(fileURLWithPath: try #require(s.configuration.dataDirectory))
            .appendingPathComponent("downloads/.building").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: building).isEmpty)
    }

    @Test func onlyTheOfficeSeesOrRunsCertificates() async throws {
        let s = try await Self.confirmed(1)
        try Self.issue(["A-1"], s)
        try await s.withApp { client in
            for user in ["hr1", "expert", "applicant1", "auditor"] {
                var browser = TestBrowser(client)
                try await browser.signIn(user)
                for path in [
                    "/office/certificates", Self.runPath(), "/office/certificates?q=A-1",
                    "/office/certificates/download?number=" + TestBrowser.encode(Self.number),
                ] {
                    #expect(try await browser.get(path).status == .forbidden, "\(user) \(path)")
                }
                _ = try await browser.get("/messages")
                #expect(try await browser.post("/office/certificates", [("number", Self.number)]).status == .forbidden, "\(user)")
            }
            #expect(try s.state("B-1").certificateNumber == nil)
            var anonymous = TestBrowser(client)
            let page = try await anonymous.get(Self.runPath())
            #expect(page.status != .ok)
            #expect(!page.body.contains(try #require(try s.state("A-1").certificateNumber)))
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            #expect(try await clerk.get(Self.runPath()).status == .ok)
            #expect(try await clerk.get("/office/certificates/run?number=" + TestBrowser.encode("测试〔2026〕9号")).status == .notFound)
        }
    }
}

/// What a reader sees on a certificate page: all its text (without the head) and the cells of
/// each row of the certificate table.
struct CertificatePage {
    var all: String
    var rows: [[String]]

    init(_ html: String) {
        let reader = PageReader()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = reader
        parser.parse()
        all = reader.text.replacingOccurrences(of: "\n", with: " ")
        rows = reader.rows
    }

    final class PageReader: NSObject, XMLParserDelegate {
        var text = ""
        var rows: [[String]] = []
        private var inHead = false
        private var inTable = false
        private var inBody = false
        private var cell: String?
        private var row: [String]?

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "head": inHead = true
            case "table" where attributes["class"] == "certificates": inTable = true
            case "tbody" where inTable: inBody = true
            case "tr" where inBody: row = []
            case "td" where row != nil: cell = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "head": inHead = false
            case "table": inTable = false
            case "tbody": inBody = false
            case "td":
                if let c = cell { row?.append(c.trimmingCharacters(in: .whitespacesAndNewlines)) }
                cell = nil
            case "tr":
                if let r = row { rows.append(r) }
                row = nil
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !inHead else { return }
            text += string
            if cell != nil { cell! += string }
        }
    }
}
