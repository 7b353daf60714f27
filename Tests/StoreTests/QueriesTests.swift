import Domain
import Foundation
import GRDB
import Testing
import Workflow

@testable import Store

/// The typed queries other modules use instead of SQL: applications by unit and status (the
/// `application_index` projection) and the documents queue.
@Suite struct QueriesTests {
    static func profile(_ id: String, unit: String) -> ApplicationProfile {
        ApplicationProfile(
            applicationID: id, personID: "P-\(id)", unitID: unit, series: .engineering, level: .intermediate)
    }

    static func applicant(_ id: String) -> Actor { Actor(id: "acct-\(id)", role: .applicant, personID: "P-\(id)") }

    /// Three applications of two units; one withdrawn.
    static func season(_ store: EventStore) throws {
        for (id, unit) in [("A-1", "U-1"), ("A-2", "U-2"), ("A-3", "U-1")] {
            try store.execute(
                ApplicationMachine.self, id: id, .create(profile(id, unit: unit)),
                context: Fixtures.context(applicant(id)))
        }
        try store.execute(
            ApplicationMachine.self, id: "A-3", .withdraw(reason: "另行申报"), context: Fixtures.context(applicant("A-3")))
    }

    @Test func applicationsByUnitAndStatus() throws {
        let store = try EventStore()
        try Self.season(store)
        let all = try store.applications(unit: nil)
        #expect(all.map(\.id) == ["A-1", "A-2", "A-3"])
        let draft = try #require(all.first?.status)
        #expect(try store.applications(unit: "U-1").map(\.id) == ["A-1", "A-3"])
        #expect(try store.applications(unit: "U-1").map(\.status) == [draft, "withdrawn"])
        #expect(try store.applications(unit: "U-1", status: "withdrawn").map(\.id) == ["A-3"])
        #expect(try store.applications(unit: "U-2", status: "withdrawn").isEmpty)
        #expect(try store.applications(unit: nil, status: draft).map(\.id) == ["A-1", "A-2"])
        #expect(try store.applications(unit: "U-9").isEmpty)
        // Written once, by the step that set the profile.
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, person_id, unit_id, series, level, track FROM application_index ORDER BY id")
        }
        #expect(rows.count == 3)
        #expect(rows[2]["person_id"] as String == "P-A-3" && rows[2]["series"] as String == "engineering")
        #expect(rows[2]["level"] as String == Level.intermediate.rawValue && rows[2]["track"] as String == "normal")
    }

    @Test func theIndexIsRebuiltWithTheProjection() throws {
        let store = try EventStore()
        try Self.season(store)
        try store.write { tx in try tx.db.execute(sql: "DELETE FROM application_index") }
        #expect(try store.applications(unit: "U-1").isEmpty)
        try store.rebuildProjection(ApplicationMachine.self)
        #expect(try store.applications(unit: "U-1").map(\.id) == ["A-1", "A-3"])
    }

    /// A database written before the index existed gets it filled from the `created` events.
    @Test func theMigrationFillsTheIndexFromTheLog() throws {
        let path = Fixtures.temporaryPath("before-index.sqlite")
        do {
            let store = try EventStore(path: path)
            try Self.season(store)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE application_index")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '2026-11-30-application-index'")
        }
        try queue.close()
        let store = try EventStore(path: path)
        #expect(try store.applications(unit: "U-1").map(\.id) == ["A-1", "A-3"])
        #expect(try store.applications(unit: "U-2").map(\.id) == ["A-2"])
        #expect(try store.audit().isIntact)
    }

    @Test func theDocumentsQueue() throws {
        let store = try EventStore()
        // The counter queues minutes for "counter" at every addition.
        for id in ["c1", "c2"] { try store.execute(CounterMachine.self, id: id, .open, context: Fixtures.context()) }
        for (id, n) in [("c1", 1), ("c1", 2), ("c2", 3)] {
            try store.execute(CounterMachine.self, id: id, .add(n, note: "甲"), context: Fixtures.context())
        }
        let queue = try store.documents(status: .pending)
        #expect(queue.count == 3)
        #expect(queue.map(\.streamID) == ["c1", "c1", "c2"])
        #expect(queue.map(\.version) == [2, 3, 2])
        #expect(queue[0].request == DocumentRequest(.minutes, subject: "counter"))
        #expect(try store.documents(streamKind: "counter", streamID: "c1").map(\.id) == [queue[0].id, queue[1].id])
        #expect(try store.documents(kind: .minutes, subject: "counter").count == 3)
        #expect(try store.documents(kind: .voteRecord).isEmpty)
        #expect(try store.document(id: queue[2].id) == queue[2])
        #expect(try store.document(id: 999) == nil)
        #expect(try store.documentCount(kind: .minutes, subject: "counter", before: queue[2].id) == 2)
        #expect(try store.documentOrdinal(kind: .minutes, through: queue[1].id) == 2)
        #expect(try store.documentOrdinal(kind: .minutes, through: queue[1].id, distinctSubjects: true) == 1)
        #expect(try store.documentOrdinal(kind: .minutes) == 3)

        try store.markDocuments(rendered: [(id: queue[0].id, path: "minutes/counter.odt")], failed: [queue[1].id])
        let done = try #require(try store.document(id: queue[0].id))
        #expect(done.status == .rendered && done.isRendered && done.path == "minutes/counter.odt")
        #expect(try store.document(id: queue[1].id)?.status == .failed)
        #expect(try store.documents(status: .pending).map(\.id) == [queue[2].id])
        #expect(try store.documents(status: nil).count == 3)

        let recorded = try #require(try store.event(kind: "counter", id: "c1", version: 3))
        #expect(recorded.type == "added" && recorded.recordedAt == queue[1].createdAt)
        #expect(try store.event(kind: "counter", id: "c1", version: 4) == nil)
    }
}
