import Crypto

/// SHA-256 through swift-crypto, as lower-case hex: hashes of pledge texts and submitted data,
/// checksums of attachments, uploads and archive files, session tokens.
///
/// ```swift
/// SHA256Digest.hex(of: Array("abc".utf8))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public enum SHA256Digest {
    /// The 32-byte digest of `message`.
    public static func digest(of message: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(message)))
    }

    /// The digest as 64 lower-case hexadecimal digits.
    public static func hex(of message: [UInt8]) -> String { Hex.lowercase(SHA256.hash(data: message)) }

    /// The digest of a string's UTF-8 bytes, as hexadecimal.
    public static func hex(of text: String) -> String { hex(of: Array(text.utf8)) }
}

/// The one hexadecimal encoder: bytes as lower-case hex digits, two per byte.
public enum Hex {
    @usableFromInline static let digits = Array("0123456789abcdef".utf8)

    /// Inlinable so each caller gets it specialised (event hashes are on the hot path).
    @inlinable
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(Swift.max(bytes.underestimatedCount, 32) * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
