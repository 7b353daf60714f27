// libFuzzer target: Documents.Spreadsheet (the expert pool's import) on arbitrary bytes — a CSV,
// or an XLSX when the bytes start like a zip. Refusals are fine; crashes, hangs and rows beyond
// the limits are not.
import CLibFuzzer
import CLibXML2
import Foundation
import Documents

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let bytes = Array(input)
    guard let rows = try? Spreadsheet.read(bytes) else { return 0 }
    precondition(rows.count <= Spreadsheet.maxRows, "more rows than Spreadsheet.maxRows")
    precondition(rows.allSatisfy { $0.count <= Spreadsheet.maxColumns }, "more columns than Spreadsheet.maxColumns")
    return 0
}

// libFuzzer's main() is linked (-sanitize=fuzzer) but SwiftPM's main for this executable runs:
// it hands the driver the test function (also exported under the name libFuzzer's main wants).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(UnsafeBufferPointer(start: data, count: size)) }
// libxml2 reports every malformed input on stderr; the fuzzer's log needs only what failed.
xmlSetStructuredErrorFunc(nil) { _, _ in }
var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
