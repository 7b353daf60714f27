// libFuzzer target: the BagIt package verifier (BagVerifier.verify(files:name:keys:)) on a set of
// files decoded from the input, with one fixed trusted key.
//
// Input: records of [1 byte path length][path][2 bytes content length, little endian][content]
// until the bytes run out (a cut record is dropped; a repeated path keeps the last). The package's
// name is `decision-2026-12`. The committed seed is a real package signed with the key below:
// mutations of its payload keep the signature valid, so the manifests and the payload checks are
// reached, not only the refusal of a bad signature.
//
// `PINGSHEN_FUZZ_WRITE_SEED=<file> .build/fuzz/debug/fuzz-bag` writes a fresh seed signed with a
// new key and prints that key's entry: paste it into `trusted` below.
import CLibFuzzer
import Archive
import Domain
import Foundation
import Signing

let trusted = PublicKeySet(keys: [
    PublicKeyEntry(
        keyID: "ce024807816be505", algorithm: "Ed25519", publicKey: "085Ur7SGnNp8zQNz1GU2DfO1TY5CjwAKWc3/j+i3k8E=",
        created: "2026-01-01T00:00:00.000Z", retired: nil, validFrom: "2026-01-01")
])
let name = "decision-2026-12"
/// `PINGSHEN_FUZZ_REPORT=1`: print each input's verdict (to check that the seed verifies).
let showReports = ProcessInfo.processInfo.environment["PINGSHEN_FUZZ_REPORT"] != nil

func decode(_ input: UnsafeBufferPointer<UInt8>) -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    var i = 0
    while i < input.count {
        let pathLength = Int(input[i])
        guard i + 1 + pathLength + 2 <= input.count else { break }
        let path = String(decoding: input[(i + 1)..<(i + 1 + pathLength)], as: UTF8.self)
        i += 1 + pathLength
        let length = Int(input[i]) | Int(input[i + 1]) << 8
        i += 2
        guard i + length <= input.count else { break }
        files[path] = Array(input[i..<(i + length)])
        i += length
    }
    return files
}

func encode(_ files: [String: [UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for path in files.keys.sorted() {
        let p = Array(path.utf8)
        let content = files[path]!
        precondition(p.count < 256 && content.count < 65536, "\(path) does not fit the seed format")
        out.append(UInt8(p.count))
        out += p
        out += [UInt8(content.count & 0xFF), UInt8(content.count >> 8)]
        out += content
    }
    return out
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    guard let seed = ProcessInfo.processInfo.environment["PINGSHEN_FUZZ_WRITE_SEED"] else { return 0 }
    do {
        let dir = NSTemporaryDirectory() + "pingshen-fuzz-bag-keys-\(getpid())"
        let keyring = try OfficeKeyring.open(directory: dir, now: Date(timeIntervalSince1970: 1_767_225_600))
        let payload = [
            BagFile(path: "decision/取得资格通知.html", bytes: Array("<p>关于张三等同志取得高级工程师资格的通知</p>\n".utf8)),
            BagFile(path: "decision/decision.json", bytes: Array("{\"decision\":\"decision-2026-12\"}\n".utf8)),
            BagFile(path: "applications/A1/events.json", bytes: Array("[{\"version\":1}]\n".utf8)),
            BagFile(path: "applications/A2/empty.txt", bytes: []),
        ]
        let info = BagInfo(
            sourceOrganization: "焦作市职称改革领导小组办公室", baggingDate: Day(year: 2026, month: 7, day: 15)!,
            externalIdentifier: "焦职改〔2026〕12号")
        let bag = try BagWriter.build(name: name, payload: payload, info: info, keyring: keyring)
        try Data(encode(bag.files)).write(to: URL(fileURLWithPath: seed))
        print(String(decoding: keyring.publicKeys.encoded(), as: UTF8.self))
        try? FileManager.default.removeItem(atPath: dir)
    } catch {
        print("cannot write the seed: \(error)")
        exit(1)
    }
    exit(0)
}

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let files = decode(input)
    let report = BagVerifier.verify(files: files, name: name, keys: trusted)
    if showReports {
        FileHandle.standardError.write(Data((report.isValid ? "valid\n" : "invalid: \(report.problems)\n").utf8))
    }
    if report.isValid {
        precondition(report.problems.isEmpty && report.signedBy?.keyID == trusted.keys[0].keyID)
    }
    return 0
}

// libFuzzer's main() is linked (-sanitize=fuzzer) but SwiftPM's main for this executable runs:
// it hands the driver the test function (also exported under the name libFuzzer's main wants).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(UnsafeBufferPointer(start: data, count: size)) }
var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
