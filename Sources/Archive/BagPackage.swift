import Domain
import Foundation
import Store

/// The software that writes packages, for `Bag-Software-Agent`.
public enum ArchiveVersion {
    public static let software = "Pingshen Archive 1.0"
}

/// One file of a package: a relative path and its bytes.
public struct BagFile: Sendable, Equatable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// What `bag-info.txt` says. Dates come from the decision, never from the clock.
public struct BagInfo: Sendable, Equatable {
    /// `Source-Organization`: the issuing office.
    public var sourceOrganization: String
    /// `Bagging-Date`: the decision's date.
    public var baggingDate: Day
    /// `External-Identifier`: the decision number 文号 (or the session id).
    public var externalIdentifier: String
    /// `External-Description`, one line.
    public var externalDescription: String?
    /// `Bag-Software-Agent`.
    public var softwareAgent: String
    /// Further labels (e.g. counts), written after the standard ones in the given order.
    public var extra: [Field]

    public struct Field: Sendable, Equatable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public init(
        sourceOrganization: String, baggingDate: Day, externalIdentifier: String, externalDescription: String? = nil,
        softwareAgent: String = ArchiveVersion.software, extra: [Field] = []
    ) {
        self.sourceOrganization = sourceOrganization
        self.baggingDate = baggingDate
        self.externalIdentifier = externalIdentifier
        self.externalDescription = externalDescription
        self.softwareAgent = softwareAgent
        self.extra = extra
    }
}

/// A complete BagIt 1.0 package in memory: every file (payload under `data/`, tag files,
/// the signature) by its path inside the bag. Written to a folder or a zip from these bytes.
public struct BagPackage: Sendable, Equatable {
    /// The bag's folder name (also the top folder inside its zip).
    public var name: String
    /// Path inside the bag → bytes.
    public var files: [String: [UInt8]]

    public init(name: String, files: [String: [UInt8]]) {
        self.name = name
        self.files = files
    }

    /// Paths in byte order of their UTF-8 (the order of every listing).
    public var sortedPaths: [String] { files.keys.sorted(by: BagLayout.pathOrder) }

    /// Total payload bytes.
    public var payloadBytes: Int { files.filter { $0.key.hasPrefix("data/") }.reduce(0) { $0 + $1.value.count } }
}

/// File names and formats shared by the writer and the verifier.
public enum BagLayout {
    public static let declaration = "bagit.txt"
    public static let info = "bag-info.txt"
    public static let manifest = "manifest-sha256.txt"
    public static let tagManifest = "tagmanifest-sha256.txt"
    /// Signs the exact bytes of `tagmanifest-sha256.txt`. Not listed in the tag manifest (it
    /// cannot list itself); BagIt validators ignore unlisted tag files (bagit-python 1.9
    /// checked).
    public static let signature = "signature-ed25519.txt"
    public static let payloadDirectory = "data/"

    public static let declarationBytes = Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)

    /// Byte order of the UTF-8 encodings: the same on every machine and locale.
    public static func pathOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// RFC 8493 §2.1.3: `%`, CR and LF in a manifest path are percent-encoded.
    public static func encode(_ path: String) -> String {
        var out = ""
        for ch in path.unicodeScalars {
            switch ch {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    public static func decode(_ path: String) -> String {
        var out = ""
        var scalars = Array(path.unicodeScalars)[...]
        while let c = scalars.first {
            if c == "%", scalars.count >= 3 {
                let code = String(String.UnicodeScalarView(scalars.dropFirst().prefix(2))).uppercased()
                switch code {
                case "25": out += "%"
                case "0D": out += "\r"
                case "0A": out += "\n"
                default:
                    out.unicodeScalars.append(c)
                    scalars = scalars.dropFirst()
                    continue
                }
                scalars = scalars.dropFirst(3)
            } else {
                out.unicodeScalars.append(c)
                scalars = scalars.dropFirst()
            }
        }
        return out
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256Digest.hex(of: bytes) }

    /// A manifest: `<sha256 hex> <encoded path>` lines, sorted by path, LF endings.
    static func manifest(_ entries: [(path: String, hash: String)]) -> [UInt8] {
        var text = ""
        for e in entries.sorted(by: { pathOrder($0.path, $1.path) }) { text += "\(e.hash) \(encode(e.path))\n" }
        return Array(text.utf8)
    }

    /// The signature file: labelled lines, LF endings.
    static func signatureFile(keyID: String, signature: [UInt8]) -> [UInt8] {
        Array(
            """
            Algorithm: Ed25519
            Key-Id: \(keyID)
            Signed-File: \(tagManifest)
            Signature: \(Data(signature).base64EncodedString())

            """.utf8)
    }
}

/// Runs `body` for each index on every core; results in index order.
final class ParallelResults<T>: @unchecked Sendable {
    var items: [T?]
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
}

func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let box = ParallelResults<T>(count)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var local: [(Int, T)] = []
        var i = w
        while i < count {
            local.append((i, body(i)))
            i += workers
        }
        lock.lock()
        for (i, v) in local { box.items[i] = v }
        lock.unlock()
    }
    return box.items.map { $0! }
}
