import Foundation
import GRDB
import Season
import Workflow

@testable import Store
@testable import WebApp

/// A demo season stopped just before its first committee session: the accepted applications
/// wait for a session, none is assigned yet. Built once; each test works on its own copy.
struct CommitteeFixture: Sendable {
    let path: String

    private static let shared = Result { () throws -> CommitteeFixture in try CommitteeFixture.make() }

    static func get() throws -> CommitteeFixture { try shared.get() }

    static func make() throws -> CommitteeFixture {
        let rules = try WebFixture.get().rules
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-committee-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func season(_ store: EventStore, stop: Int) throws -> Bool {
            do {
                _ = try DemoSeason(
                    store: store, rules: rules, configuration: .init(applications: 30, seed: 2026, stopAfterStep: stop),
                    forms: try FormSupport.library
                ).run()
                return false
            } catch SeasonError.interrupted {
                return true
            }
        }
        func assigned(_ store: EventStore) throws -> Bool {
            let inSession = try store.streamIDs(ApplicationMachine.self, status: ApplicationStage.inSession.rawValue)
            return try !inSession.isEmpty || !store.streamIDs(CommitteeSessionMachine.self).isEmpty
        }
        // Coarse: the first multiple of 20 steps after which an application is in a session.
        let coarse = try EventStore(path: dir.appendingPathComponent("coarse.sqlite").path)
        var stop = 0
        repeat {
            stop += 20
            guard try season(coarse, stop: stop) else { throw FixtureError("the season ended before a session") }
        } while try !assigned(coarse)
        // Fine: one step at a time from 20 before, keeping a copy of the state before each step.
        let fine = try EventStore(path: dir.appendingPathComponent("fine.sqlite").path)
        let snapshot = dir.appendingPathComponent("accepted.sqlite").path
        var step = stop - 20
        _ = try season(fine, stop: step)
        while true {
            try? FileManager.default.removeItem(atPath: snapshot)
            try fine.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [snapshot]) }
            step += 1
            _ = try season(fine, stop: step)
            if try assigned(fine) { break }
        }
        return CommitteeFixture(path: snapshot)
    }

    /// A fresh copy of the stopped season.
    func copy() throws -> EventStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-committee-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let target = dir.appendingPathComponent("store.sqlite")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: target)
        return try EventStore(path: target.path)
    }
}
