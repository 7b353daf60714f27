/// Entry names a zip may hold before anything is done with them. Whoever unpacks an archive
/// writes its entries as files: a name that is absolute, climbs out with `..`, or means
/// something else on another system must never get that far. Used by the ODT compiler
/// (template entries are copied into every document) and the bag reader.
public enum ZipEntryName {
    /// A relative path of non-empty segments other than `.` and `..`, separated by `/` (one
    /// trailing `/` marks a directory entry, as LibreOffice writes `Configurations2/toolbar/`),
    /// with no backslash, no drive letter (`C:`), no control character.
    public static func isSafe(_ name: String) -> Bool { problem(name) == nil }

    /// Why `name` is unsafe as an entry name, or nil.
    public static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first else { return "empty name" }
        if first == UInt8(ascii: "/") { return "absolute path" }
        for b in bytes {
            if b == UInt8(ascii: "\\") { return "backslash in path" }
            if b < 0x20 || b == 0x7F { return "control character in path" }
        }
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first & 0xDF)
        {
            return "drive letter"
        }
        var segments = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasSuffix("/") { segments.removeLast() }
        for segment in segments {
            switch segment {
            case "": return "empty component (//)"
            case ".": return "\".\" component"
            case "..": return "\"..\" component"
            default: continue
            }
        }
        return nil
    }
}
