import Foundation

/// An e-mail as the notifier sends it: RFC 5322 headers with the subject as RFC 2047 encoded
/// words (UTF-8, base64), a `text/plain; charset=UTF-8` body in base64 (RFC 2045, 76-character
/// lines). Pure: the SMTP client adds dot-stuffing (`SMTPDialogue.dotStuffed`) when it sends.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    /// The left part of the Message-ID (unique per message).
    public var messageID: String

    public init(from: String, to: String, subject: String, body: String, date: Date, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    /// The message's text, lines ending in CRLF.
    public var rendered: String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var lines = [
            "From: \(from)",
            "To: \(to)",
            "Subject: " + Self.encodedWords(subject).joined(separator: "\r\n "),
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalized.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, never splitting a character; an
    /// ASCII subject without `=?` is left as it is.
    public static func encodedWords(_ text: String) -> [String] {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && !text.contains("=?") { return [text] }
        // 75 - "=?UTF-8?B?" - "?=" = 63 base64 characters → at most 45 bytes of UTF-8 per word.
        var words: [String] = []
        var chunk = Data()
        for character in text where !character.isNewline {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

/// The SMTP dialogue's pure parts (RFC 5321).
public enum SMTPDialogue {
    /// DATA's content: a line starting with "." gets another "." (RFC 5321 §4.5.2), then the
    /// terminating `CRLF.CRLF`.
    public static func dotStuffed(_ message: String) -> String {
        var lines = message.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// A reply: its code and whether more lines follow (`250-…`), nil for a malformed line.
    public static func reply(_ line: String) -> (code: Int, more: Bool)? {
        let chars = Array(line.utf8)
        guard chars.count >= 3, let code = Int(String(decoding: chars[0..<3], as: UTF8.self)) else { return nil }
        return (code, chars.count > 3 && chars[3] == UInt8(ascii: "-"))
    }

    /// An address fit for `MAIL FROM:<…>`/`RCPT TO:<…>`: one @, no spaces, brackets or control
    /// characters, at most 254 characters.
    public static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), address.count <= 254
        else { return false }
        return address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }
}
