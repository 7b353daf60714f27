import Crypto
import Domain
import Foundation
import Store

/// One public key the office has used, as kept in the keyring (`keyring.json`) and exported to
/// `public-keys.json`, with the days it may sign on.
///
/// A key signs for a day — a package for its `Bagging-Date` (the decision's date), a log
/// checkpoint for the day it was made — only from `validFrom` through `validUntil` and only
/// before `revokedOn`. A verifier takes these periods from the office's keyring, never from the
/// thing it verifies.
public struct PublicKeyEntry: Codable, Sendable, Equatable {
    /// First 16 hex digits of the SHA-256 of the raw 32-byte public key.
    public var keyID: String
    /// Always `Ed25519`.
    public var algorithm: String
    /// The raw 32-byte public key, base64.
    public var publicKey: String
    /// When the key was created (UTC, ISO 8601).
    public var created: String
    /// When the key stopped being the current key; nil for the current key.
    public var retired: String?
    /// The first day (China civil date, `YYYY-MM-DD`) the key may sign for; nil: the day of
    /// `created` (keyrings written before validity periods).
    public var validFrom: String?
    /// The last day the key may sign for; nil: the day of `retired`, or open while current.
    public var validUntil: String?
    /// The day the office revoked the key (lost or compromised): nothing dated that day or
    /// later verifies under it.
    public var revokedOn: String?
    /// Why it was revoked, as the office wrote it.
    public var revocationReason: String?

    public init(
        keyID: String, algorithm: String, publicKey: String, created: String, retired: String?,
        validFrom: String? = nil, validUntil: String? = nil, revokedOn: String? = nil, revocationReason: String? = nil
    ) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.publicKey = publicKey
        self.created = created
        self.retired = retired
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.revokedOn = revokedOn
        self.revocationReason = revocationReason
    }

    /// Whether the key may sign for a day, and if not, why.
    public enum Validity: Sendable, Equatable {
        case valid
        /// The day is before the key's first day.
        case notYetValid(from: Day)
        /// The day is after the key's last day.
        case expired(until: Day)
        /// The key was revoked on or before the day.
        case revoked(on: Day)
        /// A date in the keyring cannot be read: nothing verifies under the key.
        case malformed(String)
    }

    /// The first day the key may sign for (nil when the keyring's date cannot be read).
    public var firstDay: Day? {
        if let validFrom { return Day(validFrom) }
        return Self.day(ofStamp: created)
    }

    /// Whether the key may sign for `day`.
    public func validity(on day: Day) -> Validity {
        guard let first = firstDay else { return .malformed("validFrom \(validFrom ?? created)") }
        var last: Day?
        if let validUntil {
            guard let d = Day(validUntil) else { return .malformed("validUntil \(validUntil)") }
            last = d
        } else if let retired {
            guard let d = Self.day(ofStamp: retired) else { return .malformed("retired \(retired)") }
            last = d
        }
        if let revokedOn {
            guard let revoked = Day(revokedOn) else { return .malformed("revokedOn \(revokedOn)") }
            if revoked <= day { return .revoked(on: revoked) }
        }
        if day < first { return .notYetValid(from: first) }
        if let last, day > last { return .expired(until: last) }
        return .valid
    }

    /// The China civil day of an ISO 8601 timestamp as the keyring writes them.
    static func day(ofStamp stamp: String) -> Day? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: stamp) { return Day(date) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: stamp).map(Day.init)
    }

    /// The key as a swift-crypto public key, or nil when malformed.
    public var signingKey: Curve25519.Signing.PublicKey? {
        guard algorithm == "Ed25519", let raw = Data(base64Encoded: publicKey) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}

/// The public keys a verifier trusts: current and retired, with their validity periods. The
/// office's own set comes from its keyring (`OfficeKeyring.trustedKeys(directory:)`); a
/// `public-keys.json` is trusted only when a person names it (pinned), never because it lies
/// beside a package.
public struct PublicKeySet: Codable, Sendable, Equatable {
    public var keys: [PublicKeyEntry]

    public init(keys: [PublicKeyEntry]) { self.keys = keys }

    public func entry(_ keyID: String) -> PublicKeyEntry? { keys.first { $0.keyID == keyID } }

    /// Reads a `public-keys.json` file the user named explicitly.
    public static func load(path: String) throws(SigningError) -> PublicKeySet {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .keyUnreadable(path: path, reason: "\(error)")
        }
        do { return try JSONDecoder().decode(PublicKeySet.self, from: data) } catch {
            throw .keyUnreadable(path: path, reason: "not a public-keys.json file: \(error)")
        }
    }

    /// The JSON bytes: sorted keys, keys in the order they were created.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [0x0A]
    }
}

/// The office's Ed25519 signing keys in a key directory.
///
/// Layout: `keyring.json` (the current key id and every public key, current and retired) and
/// one `<key id>.key` file per private key (base64 of the 32-byte seed, mode 0600). A key is
/// created on first use; rotation makes a new key current, keeps the old public key as
/// retired and deletes the old private key. A private key file with looser permissions than
/// 0600 is refused.
///
/// ```swift
/// let keyring = try OfficeKeyring.open(directory: "keys")
/// let (keyID, signature) = keyring.sign(bytes)
/// try keyring.exportPublicKeys(to: "archive/public-keys.json")
/// ```
public struct OfficeKeyring: Sendable {
    public let directory: URL
    public let currentKeyID: String
    public let publicKeys: PublicKeySet
    private let privateKey: Curve25519.Signing.PrivateKey

    static let indexName = "keyring.json"

    /// Opens the key directory, creating it and a first key when there is none.
    /// - Parameters:
    ///   - now: the creation time recorded for a new key.
    ///   - newKeySeed: 32 bytes to derive a NEW key from, for reproducible demo seasons and
    ///     tests only; an office's key is always random (nil).
    public static func open(
        directory: String, now: Date = Date(), newKeySeed: [UInt8]? = nil
    ) throws(SigningError) -> OfficeKeyring {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let index = dir.appendingPathComponent(indexName)
        if !FileManager.default.fileExists(atPath: index.path) {
            return try create(in: dir, now: now, previous: nil, seed: newKeySeed)
        }
        let stored = try readIndex(in: dir)
        let keyFile = try Self.keyFile(in: dir, id: stored.current)
        try checkPermissions(keyFile.path)
        let text: String
        do { text = try String(contentsOf: keyFile, encoding: .utf8) } catch {
            throw .keyUnreadable(path: keyFile.path, reason: "\(error)")
        }
        guard let seed = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else { throw .keyUnreadable(path: keyFile.path, reason: "not a base64 Ed25519 key") }
        guard keyID(of: key.publicKey) == stored.current else {
            throw .keyUnreadable(path: keyFile.path, reason: "key does not match its id \(stored.current)")
        }
        return OfficeKeyring(
            directory: dir, currentKeyID: stored.current, publicKeys: PublicKeySet(keys: stored.keys),
            privateKey: key)
    }

    private init(
        directory: URL, currentKeyID: String, publicKeys: PublicKeySet, privateKey: Curve25519.Signing.PrivateKey
    ) {
        self.directory = directory
        self.currentKeyID = currentKeyID
        self.publicKeys = publicKeys
        self.privateKey = privateKey
    }

    struct StoredIndex: Codable {
        var current: String
        var keys: [PublicKeyEntry]
    }

    /// The key id of a public key: the first 16 hex digits of SHA-256 of its raw bytes.
    public static func keyID(of key: Curve25519.Signing.PublicKey) -> String {
        String(EventHash.hex(SHA256.hash(data: key.rawRepresentation)).prefix(16))
    }

    /// Signs with the current key (Ed25519, deterministic with swift-crypto's BoringSSL back end).
    public func sign(_ bytes: [UInt8]) -> (keyID: String, signature: [UInt8]) {
        // Signing only fails on an invalid key, which `open` has excluded.
        let signature = (try? privateKey.signature(for: bytes)).map { Array($0) } ?? []
        return (currentKeyID, signature)
    }

    /// Makes a new key current; the old public key stays (retired) so old packages verify.
    /// - Returns: the keyring with the new key.
    public func rotate(now: Date = Date()) throws(SigningError) -> OfficeKeyring {
        try Self.create(in: directory, now: now, previous: self)
    }

    /// The office's public keys from its keyring folder (`keyring.json`), for verifying: no
    /// private key is read, so an auditor's copy of the folder without `*.key` files will do.
    /// - Throws: `SigningError` when the folder holds no keyring, or when `keyring.json` is not
    ///   a regular file or may be written by others than its owner (whoever can write it could
    ///   add a key of their own).
    public static func trustedKeys(directory: String) throws(SigningError) -> PublicKeySet {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        return PublicKeySet(keys: try readIndex(in: dir).keys)
    }

    static func readIndex(in dir: URL) throws(SigningError) -> StoredIndex {
        let index = dir.appendingPathComponent(indexName)
        var st = stat()
        guard lstat(index.path, &st) == 0 else {
            throw .keyUnreadable(path: index.path, reason: "no keyring here")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw .keyUnreadable(path: index.path, reason: "not a regular file")
        }
        if st.st_mode & 0o022 != 0 {
            throw .looseKeyPermissions(path: index.path, mode: String(format: "%04o", st.st_mode & 0o777))
        }
        let data: Data
        do { data = try Data(contentsOf: index) } catch { throw .keyUnreadable(path: index.path, reason: "\(error)") }
        do { return try JSONDecoder().decode(StoredIndex.self, from: data) } catch {
            throw .keyUnreadable(path: index.path, reason: "malformed: \(error)")
        }
    }

    /// Revokes a retired key from `day` on (a lost or compromised key): packages dated that day
    /// or later and checkpoints made then no longer verify under it. The current key cannot be
    /// revoked: rotate first, then revoke the old one.
    /// - Returns: the keyring's public keys after the change.
    @discardableResult
    public static func revoke(
        directory: String, keyID: String, on day: Day, reason: String
    ) throws(SigningError) -> PublicKeySet {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var index = try readIndex(in: dir)
        guard let i = index.keys.firstIndex(where: { $0.keyID == keyID }) else {
            throw .refused("密钥库中没有密钥 \(keyID)")
        }
        guard keyID != index.current else {
            throw .refused("密钥 \(keyID) 是当前签名密钥，不能直接吊销：请先执行 pingshen archive keys rotate 启用新密钥，再吊销旧密钥")
        }
        if let earlier = index.keys[i].revokedOn.flatMap(Day.init), earlier <= day {
            return PublicKeySet(keys: index.keys)  // already revoked from an earlier day
        }
        index.keys[i].revokedOn = day.description
        index.keys[i].revocationReason = reason
        try writeIndex(index, in: dir)
        return PublicKeySet(keys: index.keys)
    }

    static func writeIndex(_ index: StoredIndex, in dir: URL) throws(SigningError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let bytes: Data
        do { bytes = try encoder.encode(index) } catch { throw .io(path: indexName, reason: "\(error)") }
        try writeFile(dir.appendingPathComponent(indexName), Array(bytes) + [0x0A], mode: 0o600)
    }

    /// Writes `public-keys.json` (every key, current and retired).
    public func exportPublicKeys(to path: String) throws(SigningError) {
        try Self.writeFile(URL(fileURLWithPath: path), publicKeys.encoded(), mode: 0o644)
    }

    // MARK: - files

    private static func create(
        in dir: URL, now: Date, previous: OfficeKeyring?, seed: [UInt8]? = nil
    ) throws(SigningError)
        -> OfficeKeyring
    {
        do {
            try FileManager.default.createDirectory(
                at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .io(path: dir.path, reason: "\(error)") }
        let key: Curve25519.Signing.PrivateKey
        if let seed {
            do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
                throw .keyUnreadable(path: dir.path, reason: "key seed must be 32 bytes")
            }
        } else {
            key = Curve25519.Signing.PrivateKey()
        }
        let id = keyID(of: key.publicKey)
        let stamp = Timestamp.format(now)
        let today = Day(now).description
        var keys = previous?.publicKeys.keys ?? []
        for i in keys.indices where keys[i].retired == nil {
            keys[i].retired = stamp
            if keys[i].validUntil == nil { keys[i].validUntil = today }
        }
        keys.append(
            PublicKeyEntry(
                keyID: id, algorithm: "Ed25519", publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                created: stamp, retired: nil, validFrom: today))
        let keyFile = try Self.keyFile(in: dir, id: id)
        try writeFile(keyFile, Array((key.rawRepresentation.base64EncodedString() + "\n").utf8), mode: 0o600)
        try writeIndex(StoredIndex(current: id, keys: keys), in: dir)
        if let previous {
            // The retired private key is no longer needed: its public part verifies old packages.
            if let old = try? Self.keyFile(in: dir, id: previous.currentKeyID) {
                try? FileManager.default.removeItem(at: old)
            }
        }
        return OfficeKeyring(directory: dir, currentKeyID: id, publicKeys: PublicKeySet(keys: keys), privateKey: key)
    }

    /// The private key file of key `id` in `dir`. A key id is 16 lower-case hex digits (so the
    /// name cannot leave the folder, whatever `keyring.json` says); anything else is refused.
    static func keyFile(in dir: URL, id: String) throws(SigningError) -> URL {
        guard id.utf8.count == 16,
            id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw .keyUnreadable(path: dir.path, reason: "malformed key id \"\(id)\"") }
        return dir.appendingPathComponent("\(id).key")
    }

    /// Refuses a key file that group or others may read or write.
    static func checkPermissions(_ path: String) throws(SigningError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .keyUnreadable(path: path, reason: "missing") }
        let mode = st.st_mode & 0o777
        if mode & 0o077 != 0 { throw .looseKeyPermissions(path: path, mode: String(format: "%04o", mode)) }
    }

    /// Writes through a temporary file and renames it, with the given mode from the start.
    static func writeFile(_ url: URL, _ bytes: [UInt8], mode: mode_t) throws(SigningError) {
        let tmp = url.path + ".tmp-\(getpid())"
        let fd = Foundation.open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw .io(path: tmp, reason: String(cString: strerror(errno))) }
        fchmod(fd, mode)  // the umask may have narrowed or the file existed
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n <= 0 {
                close(fd)
                throw .io(path: tmp, reason: String(cString: strerror(errno)))
            }
            written += n
        }
        fsync(fd)
        close(fd)
        guard rename(tmp, url.path) == 0 else { throw .io(path: url.path, reason: String(cString: strerror(errno))) }
    }
}
