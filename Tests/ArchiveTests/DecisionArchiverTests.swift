import Domain
import Foundation
import Store
import Testing
import Workflow

@testable import Archive

@Suite(.serialized) struct DecisionArchiverTests {
    let dir = temporaryDirectory()

    @Test func confirmationPackageHoldsEverythingAndVerifies() throws {
        let f = try StoreFixture(directory: dir)
        let archiver = DecisionArchiver(
            store: f.store, keyring: f.keyring, documents: StoreFixture.documents, organization: "焦作市职改办")
        let written = try archiver.write(
            .confirmation(documentNumber: StoreFixture.documentNumber), into: dir + "/archive", zip: true)
        #expect(written.folder!.hasSuffix("/decision-2026-12"))
        #expect(written.applicationCount == 2)
        let files = BagReader.read(path: written.folder!).files
        for path in [
            "data/decision/取得资格通知.html", "data/decision/取得资格通知.odt", "data/decision/评审会议纪要.html",
            "data/applications/A-001/application.json", "data/applications/A-001/events.json",
            "data/applications/A-001/dossier/申报表.odt", "data/applications/A-002/dossier/承诺书.html",
            "data/certificates/41082026082000001/events.json", "data/heads.json",
        ] {
            #expect(files[path] != nil, "\(path)")
        }
        let heads = try JSONDecoder().decode(HeadsFile.self, from: Data(files["data/heads.json"]!))
        #expect(heads.streams.count == 4)
        let events = try f.store.events(kind: "application", id: "A-001")
        #expect(
            heads.streams.contains(
                StreamHead(kind: "application", id: "A-001", version: events.count, hash: events.last!.hash)))
        let info = String(decoding: files["bag-info.txt"]!, as: UTF8.self)
        #expect(info.contains("Bagging-Date: 2026-04-02\n"))
        #expect(info.contains("External-Identifier: 焦职改〔2026〕12号\n"))
        #expect(BagVerifier.verify(path: written.folder!, keys: f.keyring.publicKeys).isValid)
        #expect(BagVerifier.verify(path: written.zip!, keys: f.keyring.publicKeys).isValid)
        #expect(pythonBagitProblem(written.folder!) == nil)
        // Written twice from the same data: identical bytes, folder and zip.
        let again = try archiver.write(
            .confirmation(documentNumber: StoreFixture.documentNumber), into: dir + "/again", zip: true)
        let second = BagReader.read(path: again.folder!).files
        #expect(second == files)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: again.zip!))
                == Data(contentsOf: URL(fileURLWithPath: written.zip!)))
        // Heads are intact.
        let check = try DecisionArchiver.verifyHeads(
            store: f.store, package: written.folder!, keys: f.keyring.publicKeys)
        #expect(check.problems == [])
        #expect(check.streamsChecked == 4)
    }

    @Test func unknownDecisionIsRefused() throws {
        let f = try StoreFixture(directory: dir)
        let archiver = DecisionArchiver(
            store: f.store, keyring: f.keyring, documents: StoreFixture.documents, organization: "焦作市职改办")
        #expect(throws: ArchiveError.self) { try archiver.package(for: .confirmation(documentNumber: "焦职改〔2026〕99号")) }
        #expect(throws: ArchiveError.self) { try archiver.package(for: .session(id: "S-none")) }
    }

    @Test func headsCheckFindsAnEditedAndARewrittenHistory() throws {
        let f = try StoreFixture(directory: dir)
        let archiver = DecisionArchiver(
            store: f.store, keyring: f.keyring, documents: StoreFixture.documents, organization: "焦作市职改办")
        let written = try archiver.write(
            .confirmation(documentNumber: StoreFixture.documentNumber), into: dir + "/archive")
        let sqlite = "/usr/bin/sqlite3"
        // 1. Edit one event's payload in place: audit and the heads check both see it.
        var r = run(
            sqlite,
            [
                f.path,
                "UPDATE events SET payload = replace(payload, 'data-0', 'data-X') WHERE stream_id = 'A-001' AND version = 2;",
            ])
        #expect(r.status == 0, "\(r.output)")
        let edited = try EventStore(path: f.path)
        #expect(!(try edited.audit().isIntact))
        var check = try DecisionArchiver.verifyHeads(store: edited, package: written.folder!)
        #expect(check.problems.map(\.kind) == [.chainBroken])
        #expect(check.problems.first?.stream == "application/A-001")
        #expect(check.problems.first?.version == 2)
        // 2. Rewrite the whole stream consistently (every hash recomputed, the head updated):
        //    audit passes, only the signed heads show it.
        var statements = ""
        var previous = EventHash.genesis
        for e in try edited.events(kind: "application", id: "A-001") {
            let hash = EventHash.hash(
                EventHash.Fields(
                    previous: previous, streamKind: e.streamKind, streamID: e.streamID, version: e.version,
                    type: e.type,
                    actorID: e.actorID, actorRole: e.actorRole, recordedAt: e.recordedAt, payload: e.payload))
            statements += "UPDATE events SET prev_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(e.seq);\n"
            previous = hash
        }
        statements += "UPDATE streams SET head_hash = '\(previous)' WHERE kind = 'application' AND id = 'A-001';\n"
        r = run(sqlite, [f.path, statements])
        #expect(r.status == 0, "\(r.output)")
        let rewritten = try EventStore(path: f.path)
        #expect(try rewritten.audit().isIntact)
        check = try DecisionArchiver.verifyHeads(store: rewritten, package: written.folder!, keys: f.keyring.publicKeys)
        #expect(check.problems.map(\.kind) == [.rewritten])
        #expect(check.problems.first?.chinese.contains("历史被改写") == true)
        // 3. Delete the last event: the signed version is gone.
        r = run(
            sqlite,
            [
                f.path,
                "DELETE FROM events WHERE stream_id = 'A-002' AND version = (SELECT MAX(version) FROM events WHERE stream_id = 'A-002');",
            ])
        #expect(r.status == 0, "\(r.output)")
        check = try DecisionArchiver.verifyHeads(store: try EventStore(path: f.path), package: written.folder!)
        #expect(Set(check.problems.map(\.kind)) == [.rewritten, .versionMissing])
    }
}
