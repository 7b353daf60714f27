import Documents
import Domain
import Forms
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import WebApp

/// The shipped forms and pages, loaded once, and a browser's view of a rendered form.
enum FormSupport {
    // Files that do not load fail the tests that use them (naming the file), never crash the run.
    private static let loadedLibrary = Result {
        try FormLibrary.load(directory: WebFixture.repoRoot.appendingPathComponent("forms").path)
    }
    private static let loadedExample = Result {
        try JSONValue.parse(
            try Data(
                contentsOf: WebFixture.repoRoot.appendingPathComponent("forms/examples/engineering-intermediate.json")))
    }
    private static let loadedPages = Result {
        let root = WebFixture.repoRoot
        let policy = try Policy.load(path: root.appendingPathComponent("policy/policy.yaml").path)
        return try Pages(directory: root.appendingPathComponent("web/pages").path, policy: policy)
    }
    static var library: FormLibrary { get throws { try loadedLibrary.get() } }
    static var engineering: FormDefinition { get throws { try library.form("engineering") } }
    static var example: JSONValue { get throws { try loadedExample.get() } }
    static var pages: Pages { get throws { try loadedPages.get() } }

    /// The whole page for `data` with `problems`.
    static func page(
        _ data: JSONValue, problems: [Problem] = [], form: FormDefinition? = nil, csrf: String = "token-1"
    ) throws -> String {
        let form = try form ?? engineering
        let view = FormView(form: form, data: data, problems: problems, csrfToken: csrf, action: "/apply/engineering")
        return try pages.render(.declarationForm, title: form.title, data: ["form": view.value])
    }

    /// What a browser would post for `html` when the button `action` is pressed (file inputs
    /// left empty): hidden and text inputs, checked boxes, selected options, textareas.
    static func submittedPairs(_ html: String, action: String = "save") throws -> [FormPair] {
        let collector = InputCollector()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = collector
        guard parser.parse() else { throw FixtureError("page is not XML: \(String(describing: parser.parserError))") }
        return collector.pairs + [FormPair("_action", action)]
    }
}

/// Collects the successful controls of a form, in document order.
final class InputCollector: NSObject, XMLParserDelegate {
    var pairs: [FormPair] = []
    var select: (name: String, first: String?, selected: String?)?
    var option: (value: String, selected: Bool)?
    var textarea: (name: String, text: String)?

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes a: [String: String] = [:]
    ) {
        switch element {
        case "input":
            guard let name = a["name"] else { return }
            switch a["type"] ?? "text" {
            case "file", "submit": return
            case "checkbox": if a["checked"] != nil { pairs.append(FormPair(name, a["value"] ?? "on")) }
            default: pairs.append(FormPair(name, a["value"] ?? ""))
            }
        case "select": select = (a["name"] ?? "", nil, nil)
        case "option":
            let value = a["value"] ?? ""
            if select?.first == nil { select?.first = value }
            if a["selected"] != nil { select?.selected = value }
        case "textarea": textarea = (a["name"] ?? "", "")
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        textarea?.text += string
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch element {
        case "select":
            if let s = select { pairs.append(FormPair(s.name, s.selected ?? s.first ?? "")) }
            select = nil
        case "textarea":
            if var t = textarea {
                if t.text.hasPrefix("\n") { t.text.removeFirst() }  // as the HTML parser does
                pairs.append(FormPair(t.name, t.text))
            }
            textarea = nil
        default: break
        }
    }
}

extension JSONValue {
    /// `value[path]` for tests: `data.at("papers[0].title")`.
    func at(_ path: String) -> JSONValue? { FormPath.steps(path).flatMap { value(at: $0) } }
}

/// The text between `id="<id>"` and the next field's opening `<div class="field` / `<fieldset`.
func fieldMarkup(_ html: String, id: String) -> String? {
    guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
    let tail = html[start.upperBound...]
    let end = tail.range(of: "<div class=\"field")?.lowerBound ?? tail.endIndex
    return String(tail[..<end])
}
