// libFuzzer target: the ODT template compiler. The bytes are a template's content.xml, packed
// with a mimetype and a manifest into an in-memory .odt; it is compiled (ODTTemplate) and rendered
// against a small fixed data tree. A template that compiles must render into a content.xml that
// is well-formed XML without a character XML forbids (LibreOffice opens it).
import CLibFuzzer
import CLibXML2
import Foundation
import Documents
import JSONKit
import ZipKit

@testable import Documents

let data: TemplateValue = [
    "name": "张三", "title": "高级工程师 <b>&amp;</b>", "flag": true, "off": false, "n": 3, "none": nil,
    "items": [["a": "1", "b": ["c": "x"]], ["a": "<\u{1}>", "b": ["c": "y"]]], "empty": [],
    "nested": ["x": "y", "deep": ["z": "\u{FFFE}zz"]],
]

let manifest = Array(
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
     <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
     <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
    </manifest:manifest>
    """.utf8)

func fuzz(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let content = Array(input)
    var zip = ZipWriter(time: ZipWriter.time(year: 2026, month: 1, day: 1))
    zip.add("mimetype", bytes: ODTTemplate.mimetype, compression: .store)
    zip.add("META-INF/manifest.xml", bytes: manifest, compression: .store)
    zip.add("content.xml", bytes: content, compression: .store)
    guard let package = try? zip.finish() else { fatalError("the in-memory package could not be written") }
    guard let template = try? ODTTemplate(bytes: package, name: "fuzz.odt") else { return 0 }
    for strict in [false, true] {
        guard let document = try? template.render(data, strict: strict) else { continue }
        guard let reader = try? ZipReader(bytes: document), let i = reader.names.firstIndex(of: "content.xml"),
            let xml = try? reader.read(i)
        else { fatalError("the rendered document has no readable content.xml") }
        if let bad = XMLText.firstDisallowed(in: String(decoding: xml, as: UTF8.self)) {
            fatalError("rendered content.xml holds U+\(String(bad.value, radix: 16, uppercase: true)), which XML forbids")
        }
        do { _ = try LibXMLDocument(bytes: xml, part: "content.xml") } catch {
            fatalError("rendered content.xml is not well-formed: \(error)\n\(String(decoding: xml, as: UTF8.self))")
        }
    }
    return 0
}

// libFuzzer's main() is linked (-sanitize=fuzzer) but SwiftPM's main for this executable runs:
// it hands the driver the test function (also exported under the name libFuzzer's main wants).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(UnsafeBufferPointer(start: data, count: size)) }
// libxml2 reports every malformed input on stderr; the fuzzer's log needs only what failed.
xmlSetStructuredErrorFunc(nil) { _, _ in }
// A smaller render budget than TemplateLimits' (1,000,000 tags, 64 MB): inputs that reach it
// (sections over lists nested deep, self-including partials) take milliseconds, not a second.
MustacheRenderer.budget = (steps: 20_000, bytes: 1 << 20)
var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
