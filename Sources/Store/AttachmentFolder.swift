import Domain
import Foundation

/// The applicants' files, content-addressed: `ROOT/<first two hex digits>/<sha256>`. The one
/// layout the web's upload store, the document service (the photo), the archive (attachments)
/// and the demo (its generated files) share.
public struct AttachmentFolder: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The path of a file by its SHA-256 (nil for anything but 64 lower-case hex digits).
    public func url(sha256: String) -> URL? {
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return root.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true).appendingPathComponent(sha256)
    }

    /// The file's bytes, only when they still hash to `sha256`.
    public func contents(sha256: String) -> [UInt8]? {
        guard let url = url(sha256: sha256), let data = FileManager.default.contents(atPath: url.path) else {
            return nil
        }
        let bytes = [UInt8](data)
        return SHA256Digest.hex(of: bytes) == sha256 ? bytes : nil
    }

    /// Keeps `bytes` under their SHA-256 (written whole, then renamed into place; a file already
    /// there is the same content and is kept). - Returns: the SHA-256.
    @discardableResult
    public func write(_ bytes: [UInt8]) throws -> String {
        let sha = SHA256Digest.hex(of: bytes)
        try write(bytes, sha256: sha)
        return sha
    }

    /// Keeps `bytes` whose SHA-256 the caller has just computed as `sha256` (the demo's generated
    /// files, hashed when they were made) — `write(_:)` without hashing them again.
    public func write(_ bytes: [UInt8], sha256 sha: String) throws {
        guard let url = url(sha256: sha) else { return }
        if FileManager.default.fileExists(atPath: url.path) { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
    }
}
