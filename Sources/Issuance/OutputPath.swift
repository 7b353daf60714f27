import Foundation

/// File names for rendered documents, kept inside the output folder whatever a subject says.
public enum OutputPath {
    /// A single safe path component for `subject`: path separators, NUL and control characters
    /// become `_`, a leading dot becomes `_` (no `.`, `..` or hidden files), empty becomes `_`,
    /// and the name is cut to 120 characters.
    public static func fileName(for subject: String) -> String {
        var out = ""
        for scalar in subject.unicodeScalars {
            switch scalar {
            case "/", "\\", ":", "\0": out.unicodeScalars.append("_")
            default:
                if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                    out.unicodeScalars.append("_")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.isEmpty { out = "_" }
        if out.count > 120 { out = String(out.prefix(120)) }
        return out
    }

    /// `directory/folder/fileName(subject).ext`, checked to lie inside `directory`.
    /// - Throws: `IssuanceError.pathOutsideOutput` when it would not (never for names made by
    ///   `fileName(for:)`; the check guards against future changes).
    public static func file(
        in directory: URL, folder: String, subject: String, extension ext: String
    ) throws(IssuanceError) -> URL {
        let root = directory.standardizedFileURL.path
        let url = directory.appendingPathComponent(fileName(for: folder), isDirectory: true)
            .appendingPathComponent(fileName(for: subject) + "." + ext).standardizedFileURL
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard url.path.hasPrefix(prefix) else { throw .pathOutsideOutput(subject: subject, path: url.path) }
        return url
    }
}
