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

/// Seed item 6, the county staff's own view: on a copy of the finished demo season, accounts the
/// administrator scoped to 修武县 (410821) see in every office and committee list only the
/// applications routed to the county (which those are is read from each application's profile
/// here, not from the index the pages query), with honest totals and counts; another county's —
/// here the city's — application, dossier file, document, certificate run, objection and
/// committee session answer a 403 naming both places. The city's staff still see everything.
@Suite struct CountyConsoleTests {
    static let password = "County2026pw"
    static let county = "410821"

    struct Setup {
        let configuration: WebConfiguration
        let store: EventStore
        let rules: Rulebook
        /// Applications routed to the county / to anywhere else, from their profiles.
        let countyIDs: [String]
        let otherIDs: [String]

        func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let app = Application(router: try buildRouter(configuration: configuration))
            try await app.test(.router, body)
        }

        func jurisdiction(_ id: String) throws -> String {
            Routing.jurisdiction(of: try #require(try store.load(ApplicationMachine.self, id: id)?.state.profile))
        }

        func state(_ id: String) throws -> ApplicationState {
            try #require(try store.load(ApplicationMachine.self, id: id)?.state)
        }
    }

    static func setUp() async throws -> Setup {
        let fixture = try WebFixture.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-county-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("season.sqlite").path
        try await fixture.store.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        let store = try EventStore(path: path)
        var configuration = fixture.configuration(store: store)
        configuration.signInLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        configuration.usernameLimit = RateLimit(capacity: 1_000, refillPerSecond: 1)
        let hash = try await PasswordHasher(cost: 4).hash(password)
        let accounts: [(String, Role, String?)] = [
            ("xwclerk", .officeClerk, county), ("xwhead", .officeHead, county),
            ("xwsecretary", .committeeSecretary, county), ("cityclerk", .officeClerk, nil),
            ("citysecretary", .committeeSecretary, nil),
        ]
        for (name, role, county) in accounts {
            _ = try store.insertAccount(
                NewAccount(username: name, passwordHash: hash, role: role, displayName: name), now: Date())
            if let county { try store.write { tx in try tx.setAccountCounty(username: name, county) } }
        }
        var countyIDs: [String] = []
        var otherIDs: [String] = []
        for id in try store.streamIDs(ApplicationMachine.self) {
            guard let profile = try store.load(ApplicationMachine.self, id: id)?.state.profile else { continue }
            if Routing.jurisdiction(of: profile) == county { countyIDs.append(id) } else { otherIDs.append(id) }
        }
        return Setup(
            configuration: configuration, store: store, rules: fixture.rules, countyIDs: countyIDs, otherIDs: otherIDs)
    }

    static func signedIn(_ client: any TestClientProtocol, _ username: String) async throws -> TestBrowser {
        var browser = TestBrowser(client)
        let answer = try await browser.signIn(username, password)
        #expect(answer.status == .seeOther, "sign-in of \(username)")
        return browser
    }

    /// The text lines a reader sees on a page that must answer 200.
    static func lines(_ browser: inout TestBrowser, _ uri: String) async throws -> [String] {
        let response = try await browser.get(uri)
        #expect(response.status == .ok, "\(uri)")
        return devolutionPageText(response.body).components(separatedBy: "\n")
    }

    static func text(_ lines: [String]) -> String { lines.joined(separator: "\n") }

    /// `/office`, its counts, search and paging total; one application's page, a dossier file and
    /// a document of the city's application refused with both places named.
    @Test func aCountyClerkSeesOnlyItsCountysApplications() async throws {
        let s = try await Self.setUp()
        try #require(!s.countyIDs.isEmpty && !s.otherIDs.isEmpty)
        let policy = s.rules.policy
        try await s.withApp { client in
            var xw = try await Self.signedIn(client, "xwclerk")
            let all = try await Self.lines(&xw, "/office?status=all")
            let page = Self.text(all)
            #expect(page.contains("修武县（410821）"))
            #expect(page.contains("共 \(s.countyIDs.count) 件（全部状态）"))
            for id in s.countyIDs { #expect(page.contains(id), "\(id)") }
            for id in s.otherIDs { #expect(!page.contains(id), "\(id) listed to the county") }
            // The counts by status are the county's (each link a line: "<status> <count>").
            let stages = Dictionary(grouping: try s.countyIDs.map { try s.state($0).stage }, by: { $0 })
            for (stage, ids) in stages { #expect(all.contains("\(stage.chinese) \(ids.count)"), "\(stage)") }
            // A search for the city's application finds nothing; the city's clerk finds it.
            let other = s.otherIDs[0]
            #expect(Self.text(try await Self.lines(&xw, "/office?status=all&q=\(other)")).contains("共 0 件"))

            let refused = try await xw.get("/office/applications/\(other)")
            #expect(refused.status == .forbidden)
            let why = devolutionPageText(refused.body)
            #expect(why.contains("您是修武县（410821）的工作人员"))
            #expect(why.contains("申报\(other)由\(Routing.chinese(try s.jurisdiction(other), policy: policy))评审"))
            #expect(try await xw.get("/office/applications/\(s.countyIDs[0])").status == .ok)
            let file = try await xw.get("/dossiers/\(other)/files/\(String(repeating: "a", count: 64))")
            #expect(file.status == .forbidden)
            #expect(devolutionPageText(file.body).contains("您是修武县（410821）的工作人员"))
            let document = try #require(try s.store.documents(streamKind: ApplicationMachine.kind, streamID: other).first)
            #expect(try await xw.get("/documents/\(document.id).odt").status == .forbidden)
            if let own = try s.store.documents(streamKind: ApplicationMachine.kind, streamID: s.countyIDs[0]).first {
                #expect(try await xw.get("/documents/\(own.id).odt").status != .forbidden)
            }
            // The batch pages list nothing of the city's.
            for path in ["/office/accept", "/office/notice", "/office/confirm"] {
                let text = Self.text(try await Self.lines(&xw, path))
                for id in s.otherIDs { #expect(!text.contains(id), "\(id) on \(path)") }
            }

            var city = try await Self.signedIn(client, "cityclerk")
            let cityPage = Self.text(try await Self.lines(&city, "/office?status=all"))
            #expect(cityPage.contains("共 \(s.countyIDs.count + s.otherIDs.count) 件（全部状态）"))
            for id in s.countyIDs + s.otherIDs { #expect(cityPage.contains(id)) }
            #expect(Self.text(try await Self.lines(&city, "/office?status=all&q=\(other)")).contains("共 1 件"))
            #expect(try await city.get("/office/applications/\(other)").status == .ok)
            #expect(try await city.get("/documents/\(document.id).odt").status != .forbidden)
        }
    }

    /// Certificates: the county's 文号 (under its own prefix) and certificates only; another
    /// 文号's run and zip refused. Post-hoc checks: the county's only.
    @Test func certificatesAndChecksAreTheCountysOnly() async throws {
        let s = try await Self.setUp()
        let prefix = try #require(s.rules.policy.devolution.county(Self.county)).documentPrefix
        let countyNumbers = Set(try s.countyIDs.compactMap { try s.state($0).documentNumber })
        let otherNumbers = Set(try s.otherIDs.compactMap { try s.state($0).documentNumber })
        try #require(!countyNumbers.isEmpty && !otherNumbers.isEmpty)
        for n in countyNumbers { #expect(n.hasPrefix(prefix), "\(n)") }
        let countyCertificates = try s.countyIDs.compactMap { try s.state($0).certificateNumber }
        let otherCertificates = try s.otherIDs.compactMap { try s.state($0).certificateNumber }
        try #require(!countyCertificates.isEmpty && !otherCertificates.isEmpty)
        try await s.withApp { client in
            var xw = try await Self.signedIn(client, "xwclerk")
            let page = Self.text(try await Self.lines(&xw, "/office/certificates"))
            for n in countyNumbers { #expect(page.contains(n)) }
            for n in otherNumbers { #expect(!page.contains(n), "\(n) listed to the county") }
            for c in countyCertificates { #expect(page.contains(c)) }
            for c in otherCertificates { #expect(!page.contains(c), "\(c) listed to the county") }
            let number = try #require(otherNumbers.sorted().first)
            let run = try await xw.get("/office/certificates/run?number=\(percentEncoded(number))")
            #expect(run.status == .forbidden)
            #expect(devolutionPageText(run.body).contains("文号\(number)不是本县（市、区）的确认"))
            #expect(try await xw.get("/office/certificates/download?number=\(percentEncoded(number))").status == .forbidden)
            let own = try #require(countyNumbers.sorted().first)
            #expect(try await xw.get("/office/certificates/run?number=\(percentEncoded(own))").status == .ok)

            let checks = try s.store.streamIDs(PostHocCheckMachine.self).compactMap { id in
                try s.store.load(PostHocCheckMachine.self, id: id)?.state.subject.map { (id, $0.applicationID) }
            }
            let checksPage = Self.text(try await Self.lines(&xw, "/office/checks"))
            for (check, application) in checks {
                #expect(checksPage.contains(check) == s.countyIDs.contains(application), "\(check)")
            }
            if let (check, application) = checks.first(where: { s.otherIDs.contains($0.1) }) {
                let refused = try await xw.get("/office/checks/\(check)")
                #expect(refused.status == .forbidden)
                #expect(devolutionPageText(refused.body).contains("申报\(application)由"))
            }

            var city = try await Self.signedIn(client, "cityclerk")
            let cityPage = Self.text(try await Self.lines(&city, "/office/certificates"))
            for n in countyNumbers.union(otherNumbers) { #expect(cityPage.contains(n)) }
            #expect(try await city.get("/office/certificates/run?number=\(percentEncoded(number))").status == .ok)
        }
    }

    /// Objections lodged online against the county's application and the city's: the county's
    /// clerk lists and opens only the first (its count too); the city's clerk both.
    @Test func theObjectionQueueIsTheCountysOnly() async throws {
        let s = try await Self.setUp()
        let now = s.configuration.now()
        let day = Day(now)
        let pairs = [("YY-2026-09001", s.countyIDs[0]), ("YY-2026-09002", s.otherIDs[0])]
        for (receipt, application) in pairs {
            let lodged = LodgedObjection(
                batchID: "N-COUNTY", noticeStart: day, noticeEnd: day.adding(days: 5), applicationID: application,
                subjectName: "某某", objectorName: "王五", contact: "13800000000",
                facts: String(repeating: "代表作存在署名争议，请核实。", count: 3))
            try s.store.execute(
                ObjectionMachine.self, id: receipt, .receive(lodged),
                context: Context(actor: Actor(id: "public-visitor", role: .public), now: now, rules: s.rules))
        }
        try await s.withApp { client in
            var xw = try await Self.signedIn(client, "xwclerk")
            let queue = try await Self.lines(&xw, "/office/objections")
            #expect(Self.text(queue).contains("YY-2026-09001"))
            #expect(!Self.text(queue).contains("YY-2026-09002"))
            #expect(queue.contains("\(ObjectionState.Stage.received.chinese) 1"))
            #expect(try await xw.get("/office/objections/YY-2026-09001").status == .ok)
            let refused = try await xw.get("/office/objections/YY-2026-09002")
            #expect(refused.status == .forbidden)
            #expect(devolutionPageText(refused.body).contains("申报\(s.otherIDs[0])由"))

            var city = try await Self.signedIn(client, "cityclerk")
            let all = try await Self.lines(&city, "/office/objections")
            #expect(Self.text(all).contains("YY-2026-09001") && Self.text(all).contains("YY-2026-09002"))
            #expect(all.contains("\(ObjectionState.Stage.received.chinese) 2"))
        }
    }

    /// The committee console: the county's secretary lists the sessions of the county's
    /// committees and plans only with them; a city session answers 403. The city's secretary
    /// lists every session.
    @Test func theCommitteeConsoleIsTheCountysOnly() async throws {
        let s = try await Self.setUp()
        let committees = Dictionary(uniqueKeysWithValues: try s.store.committees().map { ($0.id, $0) })
        let sessions = try s.store.streamIDs(CommitteeSessionMachine.self).compactMap { id in
            try s.store.load(CommitteeSessionMachine.self, id: id)?.state.plan.map { (id, $0.committeeID) }
        }
        let countySessions = sessions.filter { committees[$0.1]?.jurisdiction == Self.county }.map(\.0)
        let otherSessions = sessions.filter { committees[$0.1]?.jurisdiction != Self.county }.map(\.0)
        try #require(!countySessions.isEmpty && !otherSessions.isEmpty)
        try await s.withApp { client in
            var xw = try await Self.signedIn(client, "xwsecretary")
            let list = Self.text(try await Self.lines(&xw, "/committee"))
            for id in countySessions { #expect(list.contains(id)) }
            for id in otherSessions { #expect(!list.contains(id), "\(id) listed to the county") }
            let plan = try await Self.lines(&xw, "/committee/new")
            for c in committees.values {
                let offered = plan.contains { $0.hasPrefix(c.name + "（任期至") }
                #expect(offered == (c.jurisdiction == Self.county), "\(c.id)")
            }
            let refused = try await xw.get("/committee/sessions/\(otherSessions[0])")
            #expect(refused.status == .forbidden)
            #expect(devolutionPageText(refused.body).contains("您是修武县（410821）的工作人员"))
            #expect(try await xw.get("/committee/sessions/\(countySessions[0])").status == .ok)
            // Planning with another place's committee: a 403 naming both (it answered 404).
            let cityCommittee = try #require(committees.values.first { $0.jurisdiction != Self.county })
            let other = try await xw.get("/committee/new?committee=\(cityCommittee.id)")
            #expect(other.status == .forbidden)
            let otherText = devolutionPageText(other.body)
            #expect(otherText.contains("您是修武县（410821）的工作人员，只能办理本县（市、区）评审的申报"), "\(otherText)")
            #expect(otherText.contains(cityCommittee.name))

            var city = try await Self.signedIn(client, "citysecretary")
            let all = Self.text(try await Self.lines(&city, "/committee"))
            for (id, _) in sessions { #expect(all.contains(id)) }
        }
    }

    /// The demo season: the county's 中小学一级教师 are confirmed by the county head (the demo
    /// server's `xwhead`, `web-xwhead`) under the county's own 文号 prefix and counter; the
    /// city's applications under the city's.
    @Test func theDemoCountyHeadConfirmsUnderTheCountysPrefix() async throws {
        let s = try await Self.setUp()
        let county = try #require(s.rules.policy.devolution.county(Self.county))
        var confirmedInCounty = 0
        for id in s.countyIDs {
            guard let entry = try s.store.history(ApplicationMachine.self, id: id).first(where: { $0.stored.type == "confirmed" })
            else { continue }
            confirmedInCounty += 1
            #expect(entry.stored.actorID == "web-xwhead" && entry.stored.actorRole == Role.officeHead.rawValue)
            #expect(try s.state(id).documentNumber?.hasPrefix(county.documentPrefix + "〔") == true)
        }
        #expect(confirmedInCounty > 0)
        for id in s.otherIDs {
            guard let number = try s.state(id).documentNumber else { continue }
            #expect(!number.hasPrefix(county.documentPrefix), "\(id): \(number)")
        }
    }
}
