import Domain
import Forms
import Foundation
import GRDB
import Testing
import Workflow

@testable import Intake
@testable import Store

/// A declaration submitted twice at once (a double click, two tabs) for a person and unit not
/// yet registered (issue 13, item 6): one submission goes in, the others get a Chinese refusal —
/// never a database constraint failure (a 500 on the web).
@Suite struct DoubleSubmitTests {
    /// Submits `declaration` from `count` threads at once. - Returns: how many went in, and
    /// the errors of the others.
    func race(_ count: Int, _ intake: Intake, _ declarations: [Declaration]) -> (submitted: Int, errors: [any Error]) {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var submitted = 0
            var errors: [any Error] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: count) { n in
            do {
                try intake.submit(declarations[n % declarations.count], now: IntakeTests.now)
                results.lock.withLock { results.submitted += 1 }
            } catch {
                results.lock.withLock { results.errors.append(error) }
            }
        }
        return (results.submitted, results.errors)
    }

    func store() throws -> (EventStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-double-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try EventStore(path: dir.appendingPathComponent("p.sqlite").path), dir)
    }

    @Test func oneApplicationSubmittedSixTimesAtOnceGoesInOnce() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (data, facts) = try IntakeTests().example()
        let intake = Intake(store: store, rules: try IntakeTests.rules, forms: try IntakeTests.forms)
        let declaration = Declaration(formID: "engineering", applicationID: "A2026-93000", data: data, facts: facts)
        let (submitted, errors) = race(6, intake, [declaration])
        #expect(submitted == 1)
        #expect(errors.count == 5)
        for error in errors {
            guard let refusal = error as? IntakeRefusal else {
                Issue.record("not a refusal: \(error)")
                continue
            }
            #expect(!refusal.chinese.isEmpty)
            #expect(refusal.chinese.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(refusal.chinese)")
        }
        let application = try #require(try store.load(ApplicationMachine.self, id: "A2026-93000"))
        #expect(application.state.stage == .unitReview)
        #expect(try store.declaration(applicationID: "A2026-93000") != nil)
    }

    @Test func twoApplicationsOfANewPersonAtOnceRegisterThePersonOnce() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (data, facts) = try IntakeTests().example()
        let intake = Intake(store: store, rules: try IntakeTests.rules, forms: try IntakeTests.forms)
        let declarations = (0..<6).map {
            Declaration(formID: "engineering", applicationID: "A2026-9400\($0)", data: data, facts: facts)
        }
        let (submitted, errors) = race(6, intake, declarations)
        // Whatever the workflow says about several applications of one person, nothing fails
        // in the database.
        #expect(submitted >= 1)
        for error in errors { #expect(error is IntakeRefusal, "\(error)") }
        let residentID = try ResidentID(try #require(data["id_number"]?.string))
        let people = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM people WHERE resident_id = ?", arguments: [residentID.value])
        }
        #expect(people == 1)
    }
}
