import Domain
import Foundation
import Signing
import Store
import Testing
import Workflow

@testable import Archive

/// A file database with two applications confirmed under one 文号 and certificates issued,
/// driven through the real machines and the real policy.
struct StoreFixture {
    // policy/ not loading fails the tests that use it (naming the file), never crashes the run.
    private static let loadedRules = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try Rulebook.load(directory: root.appendingPathComponent("policy").path)
    }
    static var rules: Rulebook { get throws { try loadedRules.get() } }
    static let documentNumber = "焦职改〔2026〕12号"
    static let clerk = Actor(id: "u-clerk", role: .officeClerk)
    static let head = Actor(id: "u-head", role: .officeHead)
    static let secretary = Actor(id: "u-sec", role: .committeeSecretary)
    static let unitHR = Actor(id: "u-hr", role: .unitHR, unitID: "unit-1")

    let path: String
    let store: EventStore
    let keyring: OfficeKeyring
    var certificates: [String: (details: CertificateDetails, residentID: String)] = [:]

    static func noon(_ text: String) -> Date { Day(text)!.startInstant.addingTimeInterval(12 * 3600) }

    init(directory: String) throws {
        path = directory + "/pingshen.sqlite"
        store = try EventStore(path: path)
        keyring = try OfficeKeyring.open(directory: directory + "/keys", now: keyringCreated)
        let people = [("A-001", "p-zhang", "张三", "410802198001011234"), ("A-002", "p-li", "李四", "41080219850202234X")]
        for (n, (app, person, name, resident)) in people.enumerated() {
            let applicant = Actor(id: "u-\(person)", role: .applicant, personID: person)
            let profile = ApplicationProfile(
                applicationID: app, personID: person, unitID: "unit-1", series: .engineering, level: .deputySenior,
                track: .normal, currentLevel: .intermediate)
            func run(_ c: ApplicationCommand, _ actor: Actor, _ on: String) throws {
                try store.execute(
                    ApplicationMachine.self, id: app, c,
                    context: Context(actor: actor, now: Self.noon(on), rules: try Self.rules))
            }
            try run(.create(profile), applicant, "2026-02-12")
            let pledge = PledgeRecord(
                signerID: person, signedAt: Self.noon("2026-02-12"), textHash: "pledge-v3", dataHash: "data-\(n)")
            try run(
                .submit(pledge: pledge, currentPledgeTextHash: "pledge-v3", eligibility: .clear), applicant,
                "2026-02-12")
            try run(.startUnitNotice, Self.unitHR, "2026-02-13")
            try run(.recommend, Self.unitHR, "2026-02-27")
            try run(.accept, Self.clerk, "2026-03-03")
            try run(.assignToSession(sessionID: "S-2026-01"), Self.secretary, "2026-03-10")
            try run(
                .recordResult(sessionID: "S-2026-01", tally: VoteTally(yes: 6, no: 1, abstain: 1, present: 8)),
                Self.secretary, "2026-03-20")
            try run(.startPublicNotice(batchID: "GS-2026-03", startsOn: Day("2026-03-23")!), Self.clerk, "2026-03-23")
            try run(.concludeNotice, .system, "2026-03-31")
            try run(.confirm(documentNumber: Self.documentNumber), Self.head, "2026-04-02")
            let number = "4108202608200000\(n + 1)"
            var details = CertificateDetails(
                number: number, holderID: person, holderName: name, applicationID: app, series: .engineering,
                level: .deputySenior, approvalDocumentNumber: Self.documentNumber, issuedOn: Day("2026-04-03")!,
                verificationCode: "")
            details.verificationCode = CertificateSigner(keyring: keyring).code(
                for: CertificateContent(details: details, residentID: resident))
            try store.execute(
                CertificateMachine.self, id: number, .issue(details),
                context: Context(actor: Self.clerk, now: Self.noon("2026-04-03"), rules: try Self.rules))
            try run(.recordCertificate(number: number), Self.clerk, "2026-04-03")
            certificates[app] = (details, resident)
        }
    }

    static let documents = ClosureDocumentSource(
        dossier: { id in
            [
                ("申报表.odt", Array("申报表 \(id)".utf8) + Array(repeating: 0x20, count: 2000)),
                ("承诺书.html", Array("<p>承诺书 \(id)</p>\n".utf8)),
            ]
        },
        decision: { decision, sessions in
            [
                ("取得资格通知.html", Array("<h1>关于张三等同志取得高级工程师资格的通知 \(decision)</h1>\n".utf8)),
                ("取得资格通知.odt", Array(repeating: 0x4F, count: 4096)),
                ("评审会议纪要.html", Array("<p>会议 \(sessions.joined(separator: ","))</p>\n".utf8)),
            ]
        })
}
