import Documents
import Domain
import Foundation
import Hummingbird
import Signing
import Store
import Workflow

/// `GET /verify`: the form, or — with `number` and `code`, exactly as the certificate's QR code
/// encodes them — the result: valid, revoked (with the decision), or not found.
///
/// A wrong code and an unknown number give the same page and status, so the page never tells
/// whether a number exists.
struct VerificationPage: Sendable {
    let store: EventStore
    let pages: Pages
    let office: String
    let now: @Sendable () -> Date

    static let maximumLength = 32

    func respond(to request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let rawNumber = query["number"].map(String.init)
        let rawCode = query["code"].map(String.init)
        if rawNumber == nil, rawCode == nil {
            return try pages.response(.verifyForm, title: "证书查验", data: ["form": ["number": ""]])
        }
        let number = try Self.field(rawNumber, label: "证书编号")
        let code = try Self.field(rawCode, label: "查验码")
        let check = try CertificateSigner.verify(number: number, code: code, store: store)
        return try pages.response(
            .verifyResult, title: "证书查验结果",
            data: ["result": result(check, number: number), "form": ["number": .string(number)]])
    }

    /// A required, bounded, printable parameter.
    static func field(_ value: String?, label: String) throws(WebError) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .badRequest(field: label, message: "请填写\(label)。") }
        guard trimmed.count <= maximumLength, trimmed.utf8.count <= maximumLength * 4 else {
            throw .badRequest(field: label, message: "\(label)不能超过 \(maximumLength) 个字符。")
        }
        guard !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .badRequest(field: label, message: "\(label)含有不允许的字符。")
        }
        return trimmed
    }

    func result(_ check: CertificateCheck, number: String) -> TemplateValue {
        let checkedAt: TemplateValue = .string(Self.chineseTime(now()))
        switch check {
        case .valid(let details):
            return [
                "kind": "valid", "verdict": "有效：该证书真实有效", "certificate": Self.certificate(details, revocation: nil),
                "number": .string(details.number), "explanation": "", "checkedAt": checkedAt,
            ]
        case .revoked(let details, let revocation):
            return [
                "kind": "revoked", "verdict": "已撤销：该证书已被撤销，不再有效",
                "certificate": Self.certificate(details, revocation: revocation), "number": .string(details.number),
                "explanation": "", "checkedAt": checkedAt,
            ]
        case .unknown, .codeMismatch:
            // One answer for both: the page must not reveal whether the number exists.
            return [
                "kind": "unknown", "verdict": "未找到：没有与该证书编号和查验码相符的证书", "certificate": nil,
                "number": .string(number),
                "explanation": .string(
                    "请核对证书上的证书编号和查验码（查验码不区分大小写）。如证书持有人对结果有疑问，请联系\(office)。"),
                "checkedAt": checkedAt,
            ]
        }
    }

    static func certificate(_ d: CertificateDetails, revocation: CertificateRevocation?) -> TemplateValue {
        [
            "number": .string(d.number), "holderName": .string(d.holderName), "series": .string(d.series.chinese),
            "level": .string(d.level.chinese), "title": .string(TitleNames.title(d.series, d.level)),
            "approvalDocumentNumber": .string(d.approvalDocumentNumber),
            "issuedOn": .string(d.issuedOn.chinese),
            "revocation": revocation.map { r in
                ["decisionNumber": .string(r.decisionNumber), "on": .string(r.on.chinese)]
            } ?? .null,
        ]
    }

    /// `2026年3月2日 09:05`, Beijing time.
    static func chineseTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func twoDigits(_ n: Int?) -> String { (n ?? 0) < 10 ? "0\(n ?? 0)" : "\(n ?? 0)" }
        return "\(c.year ?? 0)年\(c.month ?? 0)月\(c.day ?? 0)日 \(twoDigits(c.hour)):\(twoDigits(c.minute))"
    }
}
