// libFuzzer target: WebApp's streaming multipart/form-data parser (MultipartParser).
//
// Input: the Content-Type header value, a newline, then the body. The body is parsed twice: whole
// in memory (MultipartFormData.parse), and fed in chunks whose sizes come from a generator seeded
// with the input's hash — with files spooled to disk (FileSpool) when the seed's low bit is set.
// Both must agree: the same parts, or both refused. Small limits so each is reached.
import CLibFuzzer
import Crypto
import Foundation
import WebApp

@testable import WebApp

let limits = MultipartFormData.Limits(bytes: 1 << 16, parts: 8, headerBytes: 256, fieldBytes: 512)
let spoolFolder: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("pingshen-fuzz-multipart-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()
// The folder is removed at exit (the spooled files are discarded after every input).
let removeSpoolFolder: Void = { atexit { _ = rmdir(spoolFolder.path) } }()
/// Files of fields whose name starts with "f" are kept up to 64 bytes; other fields take none.
let spool = FileSpool(folder: spoolFolder) { name in name.hasPrefix("f") ? 64 : nil }

func sameHeaders(_ p: MultipartFormData.Part, _ q: MultipartFormData.Part) -> Bool {
    p.headers.count == q.headers.count && zip(p.headers, q.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
}

/// The file's bytes, read with POSIX calls: Foundation's `Data(contentsOf:)` of Swift 6.3.1 leaked
/// a 4 KB read buffer here (LeakSanitizer, inside FoundationEssentials.readBytesFromFile).
func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n < 0 { return nil }
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let newline = input.firstIndex(of: 0x0A) ?? input.count
    let contentType = String(decoding: input[0..<newline], as: UTF8.self)
    let body = newline < input.count ? Array(input[(newline + 1)...]) : []
    guard let boundary = try? MultipartFormData.boundary(contentType: contentType) else { return 0 }

    let whole: Result<MultipartFormData, WebError>
    do throws(WebError) {
        whole = .success(try MultipartFormData.parse(body, contentType: contentType, limits: limits))
    } catch {
        whole = .failure(error)
    }

    // FNV-1a of the input seeds the chunk sizes (0…63 bytes).
    var seed: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in input { seed = (seed ^ UInt64(b)) &* 0x100_0000_01b3 }
    let spooling = seed & 1 == 1
    var parser = MultipartParser(boundary: boundary, limits: limits, spool: spooling ? spool : nil)
    let chunked: Result<MultipartFormData, WebError>
    do throws(WebError) {
        var i = 0
        while i < body.count {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let n = min(body.count - i, Int(seed >> 58))
            try parser.feed(body[i..<(i + n)])
            i += n
        }
        chunked = .success(try parser.finish())
    } catch {
        parser.abandon()
        chunked = .failure(error)
    }
    defer { if case .success(let form) = chunked { form.discardSpooled() } }

    switch (whole, chunked) {
    case (.failure(let a), .failure(let b)):
        if a != b { fatalError("whole and chunked parsing refuse differently: \(a) vs \(b)") }
    case (.success(let a), .success(let b)):
        guard a.parts.count == b.parts.count else { fatalError("part counts differ: \(a.parts.count) vs \(b.parts.count)") }
        for (p, q) in zip(a.parts, b.parts) {
            guard p.name == q.name, p.filename == q.filename, p.contentType == q.contentType,
                sameHeaders(p, q)
            else { fatalError("part \(p.name) differs: \(p) vs \(q)") }
            if let file = q.spooled {
                guard file.size == p.body.count, file.head == Array(p.body.prefix(16)) else {
                    fatalError("spooled \(p.name): size \(file.size) head \(file.head) for \(p.body.count) bytes")
                }
                let limit = p.name.hasPrefix("f") ? 64 : 0
                guard file.complete == (p.body.count <= limit) else { fatalError("spooled \(p.name): complete is wrong") }
                if file.complete {
                    let kept = readFile(file.url.path)
                    guard kept == p.body, file.sha256 == hex(SHA256.hash(data: p.body)) else {
                        fatalError("spooled \(p.name): content or hash differs")
                    }
                }
            } else if q.body != p.body {
                fatalError("part \(p.name): bodies differ")
            }
        }
    default:
        fatalError("whole and chunked parsing disagree: \(whole) vs \(chunked)")
    }
    return 0
}

// libFuzzer's main() is linked (-sanitize=fuzzer) but SwiftPM's main for this executable runs:
// it hands the driver the test function (also exported under the name libFuzzer's main wants).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(UnsafeBufferPointer(start: data, count: size)) }
_ = removeSpoolFolder
var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
