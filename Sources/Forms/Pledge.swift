import Domain
import Foundation

/// What signing the pledge 承诺书 leaves behind: who signed which pledge text for which data,
/// and when. The hashes bind the exact text of the form version and the canonical data;
/// `waivedProofs` is the list the office checks afterwards (事后核查).
public struct PledgeRecord: Codable, Sendable, Equatable {
    public var formID: String
    public var formVersion: String
    public var signerID: String
    public var signerName: String
    /// When the applicant signed (passed in by the caller, never read from the clock here).
    public var signedAt: Date
    /// SHA-256 (hex) of the pledge text exactly as the form version has it.
    public var pledgeTextSHA256: String
    /// SHA-256 (hex) of the canonical JSON (RFC 8785) of the submitted data (`JSONValue.canonical`).
    public var dataSHA256: String
    public var waivedProofs: [PledgeDefinition.WaivedProof]

    public init(
        formID: String, formVersion: String, signerID: String, signerName: String, signedAt: Date,
        pledgeTextSHA256: String, dataSHA256: String, waivedProofs: [PledgeDefinition.WaivedProof]
    ) {
        self.formID = formID
        self.formVersion = formVersion
        self.signerID = signerID
        self.signerName = signerName
        self.signedAt = signedAt
        self.pledgeTextSHA256 = pledgeTextSHA256
        self.dataSHA256 = dataSHA256
        self.waivedProofs = waivedProofs
    }

    /// Whether `data` is exactly the data that was signed (its canonical text, RFC 8785).
    public func matches(data: JSONValue) -> Bool { matches(storedData: data.canonical) }

    /// Whether a declaration's stored canonical text is the text that was signed. Check stored
    /// declarations with this: the text is never rewritten, so a digest verifies whichever
    /// canonical writer made it (ARCHITECTURE.md, "Canonical JSON").
    public func matches(storedData text: String) -> Bool { SHA256Digest.hex(of: text) == dataSHA256 }
}

extension FormDefinition {
    /// Signs the pledge for valid data.
    ///
    /// ```swift
    /// let record = try form.signPledge(data: data, signerID: "u-1", signerName: "张三", at: now)
    /// record.waivedProofs  // [学历学位证书, 任职年限证明, …] → post-hoc check list
    /// ```
    /// - Throws: `FormsError.dataInvalid` with every problem when the data is not valid;
    ///   `FormsError.definitions` when the form has no pledge.
    public func signPledge(
        data: JSONValue, signerID: String, signerName: String, at instant: Date
    ) throws(FormsError) -> PledgeRecord {
        guard let pledge else {
            throw .definitions([ConfigError(file: file, line: nil, key: "pledge", message: "本表未定义承诺书")])
        }
        let report = validate(data)
        guard report.isValid else { throw .dataInvalid(report.problems) }
        return PledgeRecord(
            formID: id, formVersion: version, signerID: signerID, signerName: signerName, signedAt: instant,
            pledgeTextSHA256: SHA256Digest.hex(of: pledge.text), dataSHA256: SHA256Digest.hex(of: data.canonical),
            waivedProofs: pledge.waives)
    }
}
