import Crypto
import Domain
import Foundation
import Store
import Workflow

/// What a certificate's verification code covers, in a fixed canonical form.
public struct CertificateContent: Sendable, Equatable {
    public var number: String
    public var holderName: String
    public var residentID: String
    public var series: Series
    public var level: Level
    public var approvalDocumentNumber: String
    public var issuedOn: Day

    public init(
        number: String, holderName: String, residentID: String, series: Series, level: Level,
        approvalDocumentNumber: String, issuedOn: Day
    ) {
        self.number = number
        self.holderName = holderName
        self.residentID = residentID
        self.series = series
        self.level = level
        self.approvalDocumentNumber = approvalDocumentNumber
        self.issuedOn = issuedOn
    }

    /// The content of issued details (the resident ID comes from the person registry).
    public init(details: CertificateDetails, residentID: String) {
        self.init(
            number: details.number, holderName: details.holderName, residentID: residentID, series: details.series,
            level: details.level, approvalDocumentNumber: details.approvalDocumentNumber, issuedOn: details.issuedOn)
    }

    /// The signed bytes: a version line, then `label=<utf8 length>:<value>` lines in a fixed
    /// order, so no two different contents encode alike.
    public var canonicalBytes: [UInt8] {
        var text = "pingshen-certificate/1\n"
        for (label, value) in [
            ("number", number), ("holder", holderName), ("resident-id", residentID.uppercased()),
            ("series", series.rawValue), ("level", level.rawValue), ("approval", approvalDocumentNumber),
            ("issued", issuedOn.description),
        ] {
            text += "\(label)=\(value.utf8.count):\(value)\n"
        }
        return Array(text.utf8)
    }
}

/// What verifying a certificate number and code found.
public enum CertificateCheck: Sendable, Equatable {
    /// Issued and not revoked.
    case valid(CertificateDetails)
    /// Revoked: the revocation carries the decision number 撤销决定文号 and date.
    case revoked(CertificateDetails, CertificateRevocation)
    /// No certificate has this number.
    case unknown
    /// The number exists but the code is not its code.
    case codeMismatch

    /// For the public, in Chinese.
    public var chinese: String {
        switch self {
        case .valid(let d):
            "有效:证书 \(d.number),持证人 \(d.holderName),\(d.series.rawValue) \(d.level.rawValue),"
                + "批准文号 \(d.approvalDocumentNumber),发证日期 \(d.issuedOn.chinese)"
        case .revoked(let d, let r):
            "已撤销:证书 \(d.number) 已于 \(r.on.chinese) 依 \(r.decisionNumber) 撤销"
        case .unknown: "未找到:没有该编号的证书"
        case .codeMismatch: "未找到:证书编号与验证码不匹配"
        }
    }
}

/// Verification codes for certificates.
///
/// The code is the first 10 characters of the Crockford base32 (no padding) of SHA-256 of an
/// Ed25519 signature, by the office key, over the certificate's canonical content. swift-crypto
/// signs through BoringSSL on Linux (RFC 8032, deterministic: the same key and content give the
/// same code; `KeyringTests.signaturesAreDeterministic` checks it). The code is stored in the
/// certificate's `issued` event; verification compares against the certificate stream, so
/// it works after key rotation and a revocation shows at once.
///
/// ```swift
/// let code = CertificateSigner(keyring: keyring).code(for: content)
/// let check = try CertificateSigner.verify(number: "410820260820001", code: code, store: store)
/// ```
public struct CertificateSigner: Sendable {
    public let keyring: OfficeKeyring
    public static let codeLength = 10

    public init(keyring: OfficeKeyring) { self.keyring = keyring }

    /// The Ed25519 signature over the canonical content, and the key that made it.
    public func signature(for content: CertificateContent) -> (keyID: String, signature: [UInt8]) {
        keyring.sign(content.canonicalBytes)
    }

    /// The verification code of the content under the current key.
    public func code(for content: CertificateContent) -> String {
        Self.code(fromSignature: signature(for: content).signature)
    }

    public static func code(fromSignature signature: [UInt8]) -> String {
        String(CrockfordBase32.encode(Array(SHA256.hash(data: signature))).prefix(codeLength))
    }

    /// A typed code in canonical form: upper case, hyphens and spaces removed, I/L read as 1
    /// and O as 0 (Crockford).
    public static func normalize(_ code: String) -> String {
        var out = ""
        for ch in code.uppercased() {
            switch ch {
            case "-", " ": continue
            case "I", "L": out.append("1")
            case "O": out.append("0")
            default: out.append(ch)
            }
        }
        return out
    }

    /// Looks the certificate up in the store (its stream, so a revocation shows at once) and
    /// compares the code in constant time.
    public static func verify(
        number: String, code: String, store: EventStore
    ) throws(StoreError)
        -> CertificateCheck
    {
        let trimmed = number.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, let state = try store.load(CertificateMachine.self, id: trimmed)?.state,
            let details = state.details
        else { return .unknown }
        let given = Array(normalize(code).utf8)
        let stored = Array(normalize(details.verificationCode).utf8)
        var diff = UInt8(given.count == stored.count ? 0 : 1)
        for i in 0..<min(given.count, stored.count) { diff |= given[i] ^ stored[i] }
        guard diff == 0 else { return .codeMismatch }
        if state.status == .revoked, let revocation = state.revocation { return .revoked(details, revocation) }
        return state.status == .valid ? .valid(details) : .unknown
    }
}

/// Crockford's base32 (digits and upper-case letters without I, L, O, U), no padding.
public enum CrockfordBase32 {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | Int(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}
