import Crypto
import Domain
import Foundation
import Signing

/// Measures archiving against raw SHA-256 on this machine.
public enum ArchiveBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var applications: Int
        public var files: Int
        public var payloadBytes: Int
        /// Building the package in memory: hashing every file (all cores), manifests, signature.
        public var buildSeconds: Double
        /// Writing the folder to disk.
        public var writeSeconds: Double
        /// Writing the deterministic zip (deflate).
        public var zipSeconds: Double
        /// Verifying the folder (read, hash, signature).
        public var verifySeconds: Double
        /// One-thread `SHA256.hash` over the same bytes.
        public var rawSHA256MBps: Double

        public var buildMBps: Double { Double(payloadBytes) / 1_048_576 / max(buildSeconds, 1e-9) }
        public var verifyMBps: Double { Double(payloadBytes) / 1_048_576 / max(verifySeconds, 1e-9) }

        public var description: String {
            let mb = Double(payloadBytes) / 1_048_576
            return String(
                format: """
                    archive: %d applications, %d files, %.1f MB
                      build (hash + manifests + sign): %.2f s = %.0f MB/s
                      write folder: %.2f s, zip: %.2f s
                      verify folder: %.2f s = %.0f MB/s
                      raw SHA256.hash, one thread: %.0f MB/s
                    """, applications, files, mb, buildSeconds, buildMBps, writeSeconds, zipSeconds, verifySeconds,
                verifyMBps, rawSHA256MBps)
        }
    }

    /// Archives `applications` synthetic dossiers (`documentsPerApplication` documents of
    /// `documentBytes` each, plus a JSON event log of about 4 KB) into `directory`.
    public static func run(
        applications: Int = 2_000, documentsPerApplication: Int = 3, documentBytes: Int = 20_000, directory: String,
        zip: Bool = false
    ) throws -> Result {
        var rng = SeededGenerator(seed: 20_260_402)
        var payload: [BagFile] = []
        payload.reserveCapacity(applications * (documentsPerApplication + 2))
        for a in 0..<applications {
            let id = String(format: "A-%05d", a)
            for d in 0..<documentsPerApplication {
                var bytes = [UInt8](repeating: 0, count: documentBytes)
                for i in stride(from: 0, to: documentBytes, by: 8) {
                    var word = rng.next()
                    for j in 0..<min(8, documentBytes - i) {
                        bytes[i + j] = UInt8(truncatingIfNeeded: word)
                        word >>= 8
                    }
                }
                payload.append(BagFile(path: "applications/\(id)/dossier/document-\(d).odt", bytes: bytes))
            }
            var log = "[\n"
            for v in 1...16 {
                log += "  {\"hash\":\"\(String(format: "%064x", rng.next()))\",\"payload\":\"{}\",\"version\":\(v)},\n"
            }
            log += "]\n"
            payload.append(BagFile(path: "applications/\(id)/events.json", bytes: Array(log.utf8)))
        }
        let info = BagInfo(
            sourceOrganization: "焦作市职称改革领导小组办公室", baggingDate: Day(year: 2026, month: 4, day: 2)!,
            externalIdentifier: "焦职改〔2026〕99号")
        let keyring = try OfficeKeyring.open(directory: directory + "/keys", now: Date(timeIntervalSince1970: 0))
        let clock = ContinuousClock()
        var bag: BagPackage!
        let build = try clock.measure {
            // Named as the archiver names the decision's package: the verifier checks it.
            bag = try BagWriter.build(
                name: DecisionArchiver.packageName(.confirmation(documentNumber: info.externalIdentifier)),
                payload: payload, info: info, keyring: keyring)
        }
        var folder = ""
        let write = try clock.measure { folder = try BagWriter.write(bag, into: directory, replace: true) }
        let zipTime = try clock.measure {
            if zip { try BagZip.write(bag, date: info.baggingDate, to: directory + "/\(bag.name).zip") }
        }
        var report: BagReport!
        let verify = clock.measure { report = BagVerifier.verify(path: folder, keys: keyring.publicKeys) }
        guard report.isValid else { throw ArchiveError.io(path: folder, reason: "benchmark package does not verify") }
        let raw = clock.measure {
            for f in payload { _ = SHA256.hash(data: f.bytes) }
        }
        let bytes = payload.reduce(0) { $0 + $1.bytes.count }
        func s(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Result(
            applications: applications, files: payload.count, payloadBytes: bytes, buildSeconds: s(build),
            writeSeconds: s(write), zipSeconds: s(zipTime), verifySeconds: s(verify),
            rawSHA256MBps: Double(bytes) / 1_048_576 / max(s(raw), 1e-9))
    }
}
