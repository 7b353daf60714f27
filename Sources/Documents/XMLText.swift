/// Characters XML 1.0 allows in a document, and the one policy every writer of this module
/// follows for the others.
///
/// XML 1.0's `Char` production: `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]`. A Swift `String` never holds a surrogate, so in a string the forbidden
/// scalars are the C0 controls other than tab, line feed and carriage return (U+0000–U+0008,
/// U+000B, U+000C, U+000E–U+001F) and the noncharacters U+FFFE and U+FFFF.
///
/// Policy: a forbidden scalar is **replaced by U+FFFD** (�), never dropped, so an official
/// document shows that something was there instead of silently joining the text around it
/// ("12\u{0}3" must not read "123"). The ODT and HTML writers apply it to every value (escaped
/// or not) and HTML templates to their own text, so no written document holds a character an
/// XML parser refuses (LibreOffice refuses to open such a document).
///
/// In UTF-8 every forbidden scalar starts with a byte below 0x20 or is `EF BF BE` / `EF BF BF`:
/// the writers' escape loops look at one byte and take a slow path only on those two.
public enum XMLText {
    /// The character written in place of a forbidden one.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Whether XML 1.0 allows `scalar` in a document.
    @inlinable
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// The first scalar of `s` XML 1.0 forbids, or nil when every scalar is allowed
    /// (for input checks that name the character, e.g. "U+FFFE").
    public static func firstDisallowed(in s: String) -> Unicode.Scalar? {
        s.unicodeScalars.first { !isAllowed($0) }
    }

    /// `s` with every scalar XML 1.0 forbids replaced by U+FFFD; `s` itself when it has none.
    public static func clean(_ s: String) -> String {
        var s = s
        let dirty = s.withUTF8 { firstForbidden($0) != nil }
        guard dirty else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(isAllowed(u) ? u : replacement) }
        return String(out)
    }

    /// `bytes` (UTF-8) with every forbidden scalar replaced by U+FFFD; the same array when clean.
    static func clean(bytes: [UInt8]) -> [UInt8] {
        guard bytes.withUnsafeBufferPointer({ firstForbidden($0) }) != nil else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let k = forbiddenLength(buf, at: i)
                if k > 0 {
                    out.append(contentsOf: replacementUTF8)
                    i += k
                } else {
                    out.append(buf[i])
                    i += 1
                }
            }
        }
        return out
    }

    // MARK: byte level (UTF-8), for the writers' escape loops

    /// U+FFFD in UTF-8.
    static let replacementUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// A byte after which a forbidden scalar may start: below 0x20 (tab, LF and CR included —
    /// callers handle those) or 0xEF, the lead byte of U+F000–U+FFFF.
    @inline(__always)
    static func isSuspicious(_ b: UInt8) -> Bool { b < 0x20 || b == 0xEF }

    /// The length in bytes of the forbidden scalar starting at `buf[i]` (1 or 3), or 0 when
    /// the scalar there is allowed. `buf` is valid UTF-8 (a Swift string's bytes).
    @inline(__always)
    static func forbiddenLength(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = buf[i]
        if b < 0x20 { return b == 0x09 || b == 0x0A || b == 0x0D ? 0 : 1 }
        if b == 0xEF, i + 2 < buf.count, buf[i + 1] == 0xBF, buf[i + 2] >= 0xBE { return 3 }
        return 0
    }

    /// Offset of the first forbidden scalar in `buf`, nil when there is none.
    static func firstForbidden(_ buf: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = buf.count
        while i < n {
            if isSuspicious(buf[i]), forbiddenLength(buf, at: i) > 0 { return i }
            i += 1
        }
        return nil
    }
}
