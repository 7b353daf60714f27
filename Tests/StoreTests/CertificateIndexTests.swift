import Domain
import Foundation
import GRDB
import Testing
import Workflow

@testable import Store

/// Issue 15: the certificates listed and searched from `certificate_index`, written in the
/// transaction of each `issued` event, filled from the log for a database that issued
/// certificates before the index existed, and rebuilt with the certificates' projection.
@Suite struct CertificateIndexTests {
    static let head = Actor(id: "head-1", role: .officeHead)
    static let first = "焦职改〔2026〕1号"
    static let second = "焦职改〔2026〕2号"

    /// Seven certificates: five under the first 文号 (numbers out of order), two under the second.
    static func issue(_ store: EventStore) throws {
        let certificates: [(String, String, String, Series, Level, String)] = [
            ("2026-00004", "A-4", "王四", .engineering, .intermediate, first),
            ("2026-00001", "A-1", "张一", .engineering, .intermediate, first),
            ("2026-00003", "A-3", "李三", .health, .deputySenior, first),
            ("2026-00002", "A-2", "张二", .engineering, .deputySenior, first),
            ("2026-00005", "A-5", "赵五", .engineering, .intermediate, first),
            ("2026-00006", "B-1", "钱六", .engineering, .intermediate, second),
            ("2026-00007", "B-2", "孙七", .health, .intermediate, second),
        ]
        for (number, application, name, series, level, approval) in certificates {
            let details = CertificateDetails(
                number: number, holderID: "P-" + application, holderName: name, applicationID: application,
                series: series, level: level, approvalDocumentNumber: approval, issuedOn: Day("2026-03-02")!,
                verificationCode: "CODE" + application)
            try store.execute(CertificateMachine.self, id: number, .issue(details), context: Fixtures.context())
        }
        try store.execute(
            CertificateMachine.self, id: "2026-00003", .revoke(reason: "材料造假", decisionNumber: "焦职撤〔2026〕1号"),
            context: Fixtures.context(head))
    }

    /// What a list shows: number, application, holder, title, 文号, day, status.
    static func listed(_ store: EventStore, _ query: CertificateQuery) throws -> ([String], Int) {
        let (rows, total) = try store.certificates(query)
        return (
            rows.map {
                [$0.number, $0.applicationID, $0.holderName, $0.series, $0.level, $0.approvalDocumentNumber, $0.issuedOn, $0.status]
                    .joined(separator: " ")
            }, total
        )
    }

    @Test func aRunIsListedPagedAndSearchedFromTheIndex() throws {
        let store = try EventStore()
        try Self.issue(store)
        let (page1, total) = try Self.listed(store, CertificateQuery(number: Self.first, offset: 0, limit: 2))
        #expect(total == 5)
        #expect(
            page1 == [
                "2026-00001 A-1 张一 engineering intermediate 焦职改〔2026〕1号 2026-03-02 valid",
                "2026-00002 A-2 张二 engineering deputy-senior 焦职改〔2026〕1号 2026-03-02 valid",
            ])
        let (page3, _) = try Self.listed(store, CertificateQuery(number: Self.first, offset: 4, limit: 2))
        #expect(page3 == ["2026-00005 A-5 赵五 engineering intermediate 焦职改〔2026〕1号 2026-03-02 valid"])
        let (revoked, _) = try Self.listed(store, CertificateQuery(number: Self.first, text: "李三"))
        #expect(revoked == ["2026-00003 A-3 李三 health deputy-senior 焦职改〔2026〕1号 2026-03-02 revoked"])
        // By name across every 文号, by certificate number, by application, series and level.
        #expect(try store.certificates(CertificateQuery(text: "张")).rows.map(\.number) == ["2026-00001", "2026-00002"])
        #expect(try store.certificates(CertificateQuery(text: "00007")).rows.map(\.applicationID) == ["B-2"])
        #expect(try store.certificates(CertificateQuery(number: Self.second, text: "B-1")).rows.map(\.holderName) == ["钱六"])
        #expect(try store.certificates(CertificateQuery(number: Self.second, text: "A-1")).total == 0)
        let health = try store.certificates(CertificateQuery(series: Series.health.rawValue))
        #expect(health.rows.map(\.number) == ["2026-00003", "2026-00007"] && health.total == 2)
        #expect(
            try store.certificates(CertificateQuery(number: Self.first, level: Level.deputySenior.rawValue)).rows.map(\.number)
                == ["2026-00002", "2026-00003"])
        #expect(try store.certificates(CertificateQuery()).total == 7)
        // A % or _ in the search is a character, not a pattern.
        #expect(try store.certificates(CertificateQuery(text: "2026_0")).total == 0)
    }

    /// A database that issued certificates before `certificate_index` existed lists the same
    /// certificates once migrated; a failed step leaves no row behind.
    @Test func theMigrationFillsTheIndexFromTheLog() throws {
        let path = Fixtures.temporaryPath("before-certificate-index.sqlite")
        let before: ([String], Int)
        do {
            let store = try EventStore(path: path)
            try Self.issue(store)
            before = try Self.listed(store, CertificateQuery(number: Self.first))
            #expect(before.1 == 5)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE certificate_index")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '2026-12-07-certificate-index'")
        }
        try queue.close()
        let store = try EventStore(path: path)
        #expect(try Self.listed(store, CertificateQuery(number: Self.first)) == before)
        #expect(try store.certificates(CertificateQuery(number: Self.second)).rows.map(\.holderName) == ["钱六", "孙七"])
        #expect(try store.audit().isIntact)
        // A certificate refused (a second issue on the same stream) writes no index row.
        let again = CertificateDetails(
            number: "2026-00001", holderID: "P-X", holderName: "冒名", applicationID: "X-1", series: .engineering,
            level: .intermediate, approvalDocumentNumber: Self.second, issuedOn: Day("2026-03-03")!,
            verificationCode: "X")
        #expect(throws: StoreError.self) {
            try store.execute(CertificateMachine.self, id: "2026-00001", .issue(again), context: Fixtures.context())
        }
        #expect(try store.certificates(CertificateQuery(text: "冒名")).total == 0)
        #expect(try store.certificates(CertificateQuery(number: Self.second)).total == 2)
    }

    @Test func theAuditChecksTheIndexAndItIsRebuiltWithTheProjection() throws {
        let store = try EventStore()
        try Self.issue(store)
        let before = try Self.listed(store, CertificateQuery())
        #expect(try store.audit().isIntact)
        // The audit finds a row changed behind the log's back, and one missing.
        try store.write { tx in
            try tx.db.execute(sql: "UPDATE certificate_index SET holder_name = '冒名' WHERE number = '2026-00002'")
            try tx.db.execute(sql: "DELETE FROM certificate_index WHERE number = '2026-00006'")
        }
        let found = try store.audit().problems.filter { $0.kind == .certificateIndex }
        #expect(found.map(\.stream) == ["certificate/2026-00002", "certificate/2026-00006"])
        #expect(found.first?.chinese.contains("证书索引") == true)
        try store.write { tx in try tx.db.execute(sql: "DELETE FROM certificate_index") }
        #expect(try store.certificates(CertificateQuery()).total == 0)
        try store.rebuildProjection(CertificateMachine.self)
        #expect(try Self.listed(store, CertificateQuery()) == before)
        #expect(try store.audit().isIntact)
    }
}
