import Domain
import Foundation
import Testing

@testable import Forms

@Suite struct PledgeTests {
    let form: FormDefinition

    init() throws { form = try Support.form("engineering") }
    let at = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func signingRecordsWhoWhenAndHashes() throws {
        let data = JSONValue.object(Support.engineering())
        let record = try form.signPledge(data: data, signerID: "applicant-1", signerName: "张三", at: at)
        #expect(record.signerName == "张三")
        #expect(record.signedAt == at)
        #expect(record.formVersion == form.version)
        #expect(record.pledgeTextSHA256 == SHA256Digest.hex(of: form.pledge!.text))
        #expect(record.dataSHA256 == SHA256Digest.hex(of: data.canonical))
        #expect(record.matches(data: data))
        #expect(record.waivedProofs.map(\.id) == ["degree_certificate", "working_years", "title_certificate"])
        var changed = Support.engineering()
        changed["phone"] = "13903910001"
        #expect(!record.matches(data: .object(changed)))
    }

    @Test func theHashDoesNotDependOnKeyOrderOrWhitespace() throws {
        let a = try JSONValue.parse(#"{"b": [1, 2.5, "x"], "a": {"z": true, "y": null}}"#)
        let b = try JSONValue.parse("{\"a\":{\"y\":null,\"z\":true},\n \"b\":[1.0,2.5,\"x\"]}")
        #expect(a.canonical == #"{"a":{"y":null,"z":true},"b":[1,2.5,"x"]}"#)
        #expect(a.canonical == b.canonical)
        #expect(JSONValue.string("引号\"与\n换行").canonical == #""引号\"与\n换行""#)
    }

    /// A declaration stored before RFC 8785 with a tiny number: its text (Swift's `5e-05`) is
    /// what was signed and still verifies; the same data canonicalised today reads `0.00005`.
    @Test func storedTextVerifiesWhicheverWriterMadeIt() throws {
        let before = #"{"annual_income":5e-05,"name":"张三"}"#
        var record = try form.signPledge(
            data: .object(Support.engineering()), signerID: "a", signerName: "张三", at: at)
        record.dataSHA256 = SHA256Digest.hex(of: before)
        #expect(record.matches(storedData: before))
        let data = try JSONValue.parse(before)
        #expect(data.canonical == #"{"annual_income":0.00005,"name":"张三"}"#)
        #expect(!record.matches(data: data))
    }

    @Test func invalidDataCannotBeSigned() throws {
        var d = Support.engineering()
        d["phone"] = "1"
        #expect(throws: FormsError.self) {
            try form.signPledge(data: .object(d), signerID: "a", signerName: "张三", at: at)
        }
    }

    @Test func pledgeTextBelongsToTheFormVersion() throws {
        #expect(form.pledge?.text.contains("本人郑重承诺") == true)
        #expect(try Support.form("health").pledge == form.pledge, "shared through include")
    }
}
