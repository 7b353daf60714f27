// libFuzzer target: JSONKit's parser on arbitrary bytes. Whatever parses must round-trip
// through RFC 8785 canonical JSON: parse(canonical(v)) == v and canonical is stable.
import CLibFuzzer
import Foundation
import JSONKit

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    guard let value = try? JSONValue(jsonBytes: input) else { return 0 }
    let canonical = value.canonical
    guard let again = try? JSONValue(json: canonical) else {
        fatalError("canonical JSON does not parse: \(canonical)")
    }
    if again != value || again.canonical != canonical {
        fatalError("canonical JSON does not round-trip: \(canonical)")
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
