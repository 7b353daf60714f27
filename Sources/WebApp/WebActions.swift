import Domain
import Foundation
import Issuance
import Store
import Workflow

/// Where the routes' workflow steps go: each command (or group of commands that must land
/// together) is one store transaction as the signed-in account's actor, and the documents the
/// step queued are rendered before the answer goes back, so "every action leaves its
/// document" is visible at once on the next page.
///
/// A machine's refusal becomes `WebError.refused` (rule and Chinese message), a stale version
/// `WebError.refused(rule: "conflict", …)`; nothing is written in either case.
///
/// ```swift
/// try await actions.perform(ApplicationMachine.self, id: id, .accept, as: identity.account.actor,
///                           expectedVersion: version)
/// ```
public struct WebActions: Sendable {
    let store: EventStore
    let rules: Rulebook
    let now: @Sendable () -> Date
    let desk: DocumentDesk?

    /// The workflow context for `actor` now.
    func context(_ actor: Actor) -> Context { Context(actor: actor, now: now(), rules: rules) }

    /// Runs one command in its own transaction, then issues the queued documents.
    @discardableResult
    func perform<M: Machine>(
        _ machine: M.Type, id: String, _ command: M.Command, as actor: Actor, expectedVersion: Int? = nil
    ) async throws -> Outcome<M> {
        let outcome = try mapped {
            try store.execute(machine, id: id, command, context: context(actor), expectedVersion: expectedVersion)
        }
        await issueDocuments()
        return outcome
    }

    /// Runs `body` as one transaction (several streams that must change together), then issues
    /// the queued documents.
    func transaction<T>(as actor: Actor, _ body: (StoreTransaction, Context) throws -> T) async throws -> T {
        let context = context(actor)
        let value = try mapped { try store.write { tx in try body(tx, context) } }
        await issueDocuments()
        return value
    }

    /// Renders whatever the queue holds (logged, never failing the request that caused it:
    /// the step is stored; a document that cannot be rendered stays visible as failed).
    func issueDocuments() async {
        guard let desk else { return }
        await desk.issuePending()
    }

    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            switch error {
            case .refused(let refusal): throw WebError.refused(rule: refusal.rule, message: refusal.message)
            case .conflict: throw WebError.refused(rule: "conflict", message: error.chinese)
            case .notFound: throw WebError.notFound
            default: throw error
            }
        }
    }
}
