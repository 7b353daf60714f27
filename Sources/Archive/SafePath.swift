import Foundation

/// Checks relative paths before anything is written to or read from them.
public enum SafePath {
    /// Throws unless `path` is relative, in normal form (no empty, `.` or `..` components, no
    /// trailing slash, no backslash, no control characters) and in Unicode NFC.
    public static func check(_ path: String) throws(ArchiveError) {
        if let reason = problem(path) { throw .unsafePath(path, reason: reason) }
    }

    /// Why `path` is unsafe, or nil.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.hasPrefix("/") { return "absolute path" }
        if path.contains("\\") { return "backslash in path" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "control character in path"
        }
        // ASCII is its own NFC: only other text goes through Foundation's normaliser (which was
        // most of a package's path checks). Compared byte for byte: Swift's `==` holds canonically
        // equivalent strings equal, so it would let a decomposed name through.
        if !path.utf8.allSatisfy({ $0 < 0x80 }),
            !path.utf8.elementsEqual(path.precomposedStringWithCanonicalMapping.utf8)
        {
            return "not in Unicode NFC"
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": return "empty component (// or trailing /)"
            case ".": return "\".\" component"
            case "..": return "\"..\" component"
            default: continue
            }
        }
        if path.hasPrefix("~") { return "home-relative path" }
        return nil
    }

    /// `base` joined with a checked relative path; the result stays inside `base`.
    public static func join(_ base: URL, _ relative: String) throws(ArchiveError) -> URL {
        try check(relative)
        let root = base.standardizedFileURL.path
        let url = base.appendingPathComponent(relative).standardizedFileURL
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard url.path.hasPrefix(prefix) else { throw .unsafePath(relative, reason: "leaves \(root)") }
        return url
    }
}
