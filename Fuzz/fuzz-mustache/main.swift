// libFuzzer target: the Mustache engine (HTML documents and pages) compiling arbitrary bytes as a
// template and rendering it against a small fixed data tree. The bytes before the first NUL are
// the template, those after it the partial `p` (so `{{> p}}` and partials that include themselves
// are reached). Refusals (TemplateError) are fine; crashes and hangs are not, and neither is
// output with a character XML forbids (issue 13 item 4: the writers never emit one).
import CLibFuzzer
import Foundation
import Documents
import JSONKit

@testable import Documents

let data: TemplateValue = [
    "name": "张三", "title": "高级工程师 <b>&amp;</b>", "flag": true, "off": false, "n": 3, "none": nil,
    "items": [["a": "1", "b": ["c": "x"]], ["a": "<\u{1}>", "b": ["c": "y"]]], "empty": [],
    "nested": ["x": "y", "deep": ["z": "\u{FFFE}zz"]],
]

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let nul = input.firstIndex(of: 0) ?? input.count
    let source = String(decoding: input[0..<nul], as: UTF8.self)
    let partial = nul < input.count ? String(decoding: input[(nul + 1)...], as: UTF8.self) : "{{name}}"
    guard let template = try? MustacheTemplate(source: source, name: "fuzz.html", partials: ["p": partial]) else {
        return 0
    }
    for strict in [false, true] {
        guard let out = try? template.render(data, strict: strict) else { continue }
        if let bad = XMLText.firstDisallowed(in: out) {
            fatalError("rendered output holds U+\(String(bad.value, radix: 16, uppercase: true)), which XML forbids")
        }
    }
    return 0
}

// libFuzzer's main() is linked (-sanitize=fuzzer) but SwiftPM's main for this executable runs:
// it hands the driver the test function (also exported under the name libFuzzer's main wants).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(UnsafeBufferPointer(start: data, count: size)) }
// A smaller render budget than TemplateLimits' (1,000,000 tags, 64 MB): inputs that reach it
// (sections over lists nested deep, self-including partials) take milliseconds, not a second.
MustacheRenderer.budget = (steps: 20_000, bytes: 1 << 20)
var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
