import CLibXML2
import Foundation

/// A plain Swift copy of an XML tree, read once with libxml2 when a template is compiled.
/// The ODT compiler rewrites it (moves tags, marks sections) and serializes it again.
final class XNode {
    enum Kind { case element, text }

    /// One piece of a text node after tag normalisation: literal text or a Mustache tag.
    enum Segment {
        case text([UInt8])
        case tag(Int)  // index into the part's tag list
    }

    let kind: Kind
    var name: String  // qualified element name ("text:p")
    var attributes: [(name: String, value: String)] = []
    /// Attribute values replaced by a Mustache tag (image paths): attribute name → tag index.
    var attributeHoles: [String: Int] = [:]
    var text: [UInt8] = []
    var segments: [Segment]? = nil
    var children: [XNode] = []
    weak var parent: XNode?

    /// Tags emitted before this element / after it (sections repeating the element).
    var before: [Int] = []
    var after: [Int] = []
    /// When set, the element is not written; the tag is written in its place.
    var replacedBy: Int? = nil

    init(element name: String) {
        kind = .element
        self.name = name
    }

    init(text: [UInt8]) {
        kind = .text
        name = ""
        self.text = text
    }

    func attribute(_ name: String) -> String? { attributes.first(where: { $0.name == name })?.value }

    var depth: Int {
        var d = 0
        var p = parent
        while let q = p {
            d += 1
            p = q.parent
        }
        return d
    }

    func isAncestorOrSelf(of other: XNode) -> Bool {
        var p: XNode? = other
        while let q = p {
            if q === self { return true }
            p = q.parent
        }
        return false
    }

    func nearestAncestor(named n: String) -> XNode? {
        var p = parent
        while let q = p {
            if q.name == n { return q }
            p = q.parent
        }
        return nil
    }

    /// Elements in document order (preorder), self included.
    func preorder(_ visit: (XNode) -> Void) {
        visit(self)
        for c in children where c.kind == .element { c.preorder(visit) }
    }
}

/// Owns a libxml2 document for the time it is converted; freed in deinit.
final class LibXMLDocument {
    let pointer: xmlDocPtr

    /// Parses without network access, DTD loading or entity substitution. Templates that
    /// declare a DOCTYPE or entities are refused before libxml2 sees them.
    init(bytes: [UInt8], part: String) throws {
        if XMLSafety.containsDeclaration(bytes, "<!DOCTYPE") {
            throw TemplateError.forbiddenDeclaration(part: part, what: "a DOCTYPE declaration")
        }
        if XMLSafety.containsDeclaration(bytes, "<!ENTITY") {
            throw TemplateError.forbiddenDeclaration(part: part, what: "an entity declaration")
        }
        let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOCDATA.rawValue)
        xmlResetLastError()
        let doc = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(buf.count), part, "UTF-8", options)
            }
        }
        guard let doc else {
            var message = "parse failed"
            if let err = xmlGetLastError(), let m = err.pointee.message {
                message =
                    String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
                    + " (line \(err.pointee.line))"
            }
            throw TemplateError.malformedXML(part: part, message: message)
        }
        pointer = doc
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            throw TemplateError.forbiddenDeclaration(part: part, what: "a DTD")
        }
    }

    deinit { xmlFreeDoc(pointer) }

    func tree() throws -> XNode {
        guard let root = xmlDocGetRootElement(pointer) else {
            throw TemplateError.malformedXML(part: "?", message: "no root element")
        }
        return convert(root)!
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private func convert(_ n: xmlNodePtr) -> XNode? {
        switch n.pointee.type {
        case XML_ELEMENT_NODE:
            var qname = Self.string(n.pointee.name)
            if let ns = n.pointee.ns, let prefix = ns.pointee.prefix { qname = Self.string(prefix) + ":" + qname }
            let node = XNode(element: qname)
            var d = n.pointee.nsDef
            while let def = d {
                let name = def.pointee.prefix == nil ? "xmlns" : "xmlns:" + Self.string(def.pointee.prefix)
                node.attributes.append((name, Self.string(def.pointee.href)))
                d = def.pointee.next
            }
            var a = n.pointee.properties
            while let attr = a {
                var aname = Self.string(attr.pointee.name)
                if let ns = attr.pointee.ns, let prefix = ns.pointee.prefix {
                    aname = Self.string(prefix) + ":" + aname
                }
                var value = ""
                var c = attr.pointee.children
                while let t = c {
                    value += Self.string(t.pointee.content)
                    c = t.pointee.next
                }
                node.attributes.append((aname, value))
                a = attr.pointee.next
            }
            var c = n.pointee.children
            while let child = c {
                if let x = convert(child) {
                    x.parent = node
                    node.children.append(x)
                }
                c = child.pointee.next
            }
            return node
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            guard let content = n.pointee.content else { return nil }
            let len = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            return XNode(text: Array(UnsafeBufferPointer(start: content, count: len)))
        default:
            return nil  // comments and processing instructions are not kept
        }
    }
}

enum XMLSafety {
    static func containsDeclaration(_ bytes: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard bytes.count >= n.count else { return false }
        var i = 0
        while i <= bytes.count - n.count {
            if bytes[i] == n[0] {
                var k = 1
                while k < n.count && bytes[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }
}

/// Writes an `XNode` tree as XML whose text is at the same time a Mustache template:
/// literal `{` is written as `&#123;` so only the tags the compiler placed are tags.
struct XMLMustacheWriter {
    var out: [UInt8] = []
    /// Offsets of every tag written, with the index of the tag.
    var tagOffsets: [(offset: Int, tag: Int)] = []
    let tagText: [[UInt8]]
    let moved: [Bool]

    init(tagText: [[UInt8]], moved: [Bool]) {
        self.tagText = tagText
        self.moved = moved
        out.reserveCapacity(1 << 16)
        out.append(contentsOf: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8))
    }

    mutating func writeTag(_ t: Int) {
        tagOffsets.append((out.count, t))
        out.append(contentsOf: tagText[t])
    }

    /// Text or an attribute value of the tree, escaped; a character XML forbids (libxml2 never
    /// hands one over, but the tree is also built by hand) becomes U+FFFD, as in values.
    mutating func escape(_ bytes: [UInt8], attribute: Bool) {
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let b = buf[i]
                i += 1
                switch b {
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "{"): out.append(contentsOf: "&#123;".utf8)
                case UInt8(ascii: "\""):
                    if attribute { out.append(contentsOf: "&quot;".utf8) } else { out.append(b) }
                case 0x0D: out.append(contentsOf: "&#13;".utf8)
                case 0x0A: if attribute { out.append(contentsOf: "&#10;".utf8) } else { out.append(b) }
                case 0x09: if attribute { out.append(contentsOf: "&#9;".utf8) } else { out.append(b) }
                case 0x00..<0x20, 0xEF:
                    let k = XMLText.forbiddenLength(buf, at: i - 1)
                    if k > 0 {
                        out.append(contentsOf: XMLText.replacementUTF8)
                        i += k - 1
                    } else {
                        out.append(b)
                    }
                default: out.append(b)
                }
            }
        }
    }

    mutating func write(_ node: XNode) {
        if node.kind == .text {
            if let segs = node.segments {
                for s in segs {
                    switch s {
                    case .text(let t): escape(t, attribute: false)
                    case .tag(let t): if !moved[t] { writeTag(t) }
                    }
                }
            } else {
                escape(node.text, attribute: false)
            }
            return
        }
        for t in node.before { writeTag(t) }
        if let r = node.replacedBy {
            writeTag(r)
        } else {
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: Array(node.name.utf8))
            for a in node.attributes {
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: Array(a.name.utf8))
                out.append(contentsOf: Array("=\"".utf8))
                if let hole = node.attributeHoles[a.name] {
                    writeTag(hole)
                } else {
                    escape(Array(a.value.utf8), attribute: true)
                }
                out.append(UInt8(ascii: "\""))
            }
            if node.children.isEmpty {
                out.append(contentsOf: Array("/>".utf8))
            } else {
                out.append(UInt8(ascii: ">"))
                for c in node.children { write(c) }
                out.append(contentsOf: Array("</".utf8))
                out.append(contentsOf: Array(node.name.utf8))
                out.append(UInt8(ascii: ">"))
            }
        }
        for t in node.after { writeTag(t) }
    }
}
