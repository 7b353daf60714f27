// libFuzzer target: WebApp's application/x-www-form-urlencoded parser on arbitrary bytes, with
// small limits so they are reached. What parses must survive encode → parse unchanged.
import CLibFuzzer
import Foundation
import WebApp

let limits = URLEncodedForm.Limits(bytes: 4096, pairs: 16, nameBytes: 32, valueBytes: 512)
let roomy = URLEncodedForm.Limits(bytes: 1 << 20, pairs: 16, nameBytes: 1 << 10, valueBytes: 1 << 14)

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let body = Array(input)
    guard let pairs = try? URLEncodedForm.parse(body, limits: limits) else { return 0 }
    let encoded = URLEncodedForm.encode(pairs)
    guard let again = try? URLEncodedForm.parse(Array(encoded.utf8), limits: roomy), again == pairs else {
        fatalError("encode → parse changed the pairs: \(pairs) → \(encoded)")
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
