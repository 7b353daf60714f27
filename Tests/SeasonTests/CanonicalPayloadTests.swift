import Domain
import Forms
import Foundation
import JSONKit
import Testing
import Workflow

@testable import Season
@testable import Store

/// Why logs written before RFC 8785 and after it are alike (ARCHITECTURE.md, "Canonical JSON"):
/// RFC 8785 and the store's former encoder (Foundation's sorted-keys bytes) differ only in the
/// order of names with characters above U+FFFF against U+E000…U+FFFF, and in doubles below 1e-4
/// or from 2^53 up, or -0 (integers are written with all their digits by both). A season writes
/// none of these: every name is ASCII, every number an integer or a date with milliseconds. If
/// a payload ever holds a non-ASCII name or such a number, this fails and the hash must be
/// versioned before it ships.
extension DemoSeasonTests {
    private static let loadedForms = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try FormLibrary.load(directory: root.appendingPathComponent("forms").path)
    }

    /// A season whose applicants declare (signed pledges in the submit events, declarations).
    func declaredSeason(_ n: Int, seed: UInt64) throws -> EventStore {
        let store = try EventStore()
        _ = try DemoSeason(
            store: store, rules: try Self.rules, configuration: .init(applications: n, seed: seed),
            forms: try Self.loadedForms.get()
        ).run()
        return store
    }

    @Test func everyPayloadIsCanonicalAndWhatTheFormerEncoderWrote() throws {
        let store = try declaredSeason(40, seed: 3)
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var checked = 0
        func check<M: Machine>(_ machine: M.Type) throws {
            for id in try store.streamIDs(machine) {
                for stored in try store.events(kind: M.kind, id: id) {
                    let event = try JSONDecoder().decode(M.Event.self, from: Data(stored.payload.utf8))
                    #expect(try CanonicalJSON.encode(event) == stored.payload)
                    #expect(String(decoding: try foundation.encode(event), as: UTF8.self) == stored.payload)
                    let tree = try JSONValue(json: stored.payload)
                    let names = Self.names(tree).filter { !$0.unicodeScalars.allSatisfy(\.isASCII) }
                    #expect(names.isEmpty, "\(M.kind)/\(id) v\(stored.version): non-ASCII names \(names)")
                    let odd = Self.numbers(tree).filter { d in
                        d.rounded() != d ? abs(d) < 1e-4 : d == 0 && d.sign == .minus
                    }
                    #expect(odd.isEmpty, "\(M.kind)/\(id) v\(stored.version): numbers \(odd)")
                    checked += 1
                }
            }
        }
        try check(ApplicationMachine.self)
        try check(CommitteeSessionMachine.self)
        try check(CertificateMachine.self)
        try check(PostHocCheckMachine.self)
        try check(UnitStandingMachine.self)
        try check(PersonIntegrityMachine.self)
        #expect(checked == (try store.audit().eventsChecked))
    }

    /// Declarations' digests cover the stored canonical text: it hashes to the stored digest,
    /// and canonicalising it again gives the same text.
    @Test func everyDeclarationDigestCoversItsCanonicalText() throws {
        let store = try declaredSeason(40, seed: 3)
        var checked = 0
        for id in try store.streamIDs(ApplicationMachine.self) {
            for d in try store.declarations(applicationID: id) {
                #expect(SHA256Digest.hex(of: d.data) == d.dataSHA256, "\(id)")
                #expect(try JSONValue.parse(d.data).canonical == d.data, "\(id)")
                // The pledge record too (Foundation's JSONEncoder wrote its keys in a different
                // order in each process, so the same seed gave different archive bytes).
                #expect(try JSONValue.parse(d.pledge).canonical == d.pledge, "\(id) pledge")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    static func names(_ v: JSONValue) -> [String] {
        switch v {
        case .object(let o): return Array(o.keys) + o.values.flatMap(names)
        case .array(let a): return a.flatMap(names)
        default: return []
        }
    }

    static func numbers(_ v: JSONValue) -> [Double] {
        switch v {
        case .number(let d): return [d]
        case .object(let o): return o.values.flatMap(numbers)
        case .array(let a): return a.flatMap(numbers)
        default: return []
        }
    }
}
