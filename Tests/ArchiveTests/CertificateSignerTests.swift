import Domain
import Foundation
import Signing
import Store
import Testing
import Workflow

@testable import Archive

@Suite(.serialized) struct CertificateSignerTests {
    let dir = temporaryDirectory()

    @Test func codeIsTenCrockfordCharactersAndDeterministic() throws {
        let keyring = try OfficeKeyring.open(directory: dir + "/keys", now: fixedNow)
        let content = CertificateContent(
            number: "410820260820001", holderName: "张三", residentID: "410802198001011234", series: .engineering,
            level: .deputySenior, approvalDocumentNumber: "焦职改〔2026〕12号", issuedOn: Day("2026-04-03")!)
        let signer = CertificateSigner(keyring: keyring)
        let code = signer.code(for: content)
        #expect(code.count == 10)
        #expect(code.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(signer.code(for: content) == code)
        var other = content
        other.holderName = "张四"
        #expect(signer.code(for: other) != code)
        #expect(CrockfordBase32.encode([0xFF, 0x00]) == "ZW00")
        #expect(CertificateSigner.normalize("abcd-efgh io") == "ABCDEFGH10")
    }

    @Test func verifyValidWrongCodeUnknownAndRevokedAtOnce() throws {
        let f = try StoreFixture(directory: dir)
        let (details, _) = f.certificates["A-001"]!
        #expect(
            try CertificateSigner.verify(number: details.number, code: details.verificationCode, store: f.store)
                == .valid(details))
        #expect(
            try CertificateSigner.verify(
                number: details.number, code: details.verificationCode.lowercased(), store: f.store)
                == .valid(details))
        #expect(
            try CertificateSigner.verify(number: details.number, code: "0000000000", store: f.store) == .codeMismatch)
        #expect(
            try CertificateSigner.verify(number: "41082026082099999", code: details.verificationCode, store: f.store)
                == .unknown)
        try f.store.execute(
            CertificateMachine.self, id: details.number, .revoke(reason: "提供虚假材料", decisionNumber: "焦职改〔2026〕30号"),
            context: Context(actor: StoreFixture.head, now: StoreFixture.noon("2026-06-01"), rules: try StoreFixture.rules))
        let check = try CertificateSigner.verify(number: details.number, code: details.verificationCode, store: f.store)
        guard case .revoked(_, let revocation) = check else {
            Issue.record("expected revoked, got \(check)")
            return
        }
        #expect(revocation.decisionNumber == "焦职改〔2026〕30号")
        #expect(revocation.on == Day("2026-06-01")!)
        #expect(check.chinese.contains("已撤销"))
        // Another process opening the same file sees it too.
        let other = try EventStore(path: f.path)
        if case .revoked = try CertificateSigner.verify(
            number: details.number, code: details.verificationCode, store: other)
        {
        } else {
            Issue.record("a second store does not see the revocation")
        }
    }
}
