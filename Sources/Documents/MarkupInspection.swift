import CLibXML2
import Foundation

/// One element of a parsed XML or XHTML document, as an inspector sees it.
public struct MarkupElement: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        /// As written: `xlink:href`, `onclick`.
        public var name: String
        public var namespace: String?
        public var value: String
    }

    /// As written: `script:event-listener`, `html`, `a`.
    public var name: String
    public var localName: String
    public var namespace: String?
    public var attributes: [Attribute]
    /// The element's own text (its text and CDATA children, not its descendants').
    public var text: String
    /// The line it starts on.
    public var line: Int
    /// 0 for the root element, 1 for its children …
    public var depth: Int

    public func attribute(_ localName: String) -> String? {
        attributes.first { $0.name == localName || $0.name.hasSuffix(":" + localName) }?.value
    }
}

/// Why a document is not well-formed (or was refused before parsing): the parser's message
/// and line.
public struct MarkupProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int?
    public var description: String { line.map { "第 \($0) 行：\(message)" } ?? message }

    public init(message: String, line: Int?) {
        self.message = message
        self.line = line
    }
}

/// Well-formedness and the elements of an XML or XHTML document, with libxml2 and no network,
/// no DTD loading and no entity substitution: a document declaring an entity or a DTD (other
/// than a bare `<!DOCTYPE html>`) is refused before it is parsed. Used by the archive's
/// four-property check (usability: well-formed; security: scripts, external references).
///
/// ```swift
/// let elements = try MarkupInspection.elements(ofXML: bytes, part: "content.xml")
/// let scripts = elements.filter { $0.localName == "script" }
/// ```
public enum MarkupInspection {
    public static func elements(ofXML bytes: [UInt8], part: String) throws(MarkupProblem) -> [MarkupElement] {
        if XMLSafety.containsDeclaration(bytes, "<!ENTITY") {
            throw MarkupProblem(message: "含实体声明（<!ENTITY>），不予解析", line: nil)
        }
        guard !bytes.isEmpty else { throw MarkupProblem(message: "文件为空", line: nil) }
        let options =
            Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue)
            | Int32(XML_PARSE_NOWARNING.rawValue)
        xmlResetLastError()
        let parsed = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(buf.count), part, "UTF-8", options)
            }
        }
        guard let doc = parsed else {
            var message = "不是格式良好的 XML"
            var line: Int?
            if let err = xmlGetLastError(), let m = err.pointee.message {
                message += "（" + String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines) + "）"
                line = Int(err.pointee.line)
            }
            throw MarkupProblem(message: message, line: line)
        }
        defer { xmlFreeDoc(doc) }
        if doc.pointee.extSubset != nil {
            throw MarkupProblem(message: "含外部 DTD，不予接受", line: nil)
        }
        if let dtd = doc.pointee.intSubset {
            // Only `<!DOCTYPE html>`: no public or system identifier, no declarations.
            if dtd.pointee.ExternalID != nil || dtd.pointee.SystemID != nil || dtd.pointee.children != nil {
                throw MarkupProblem(message: "含 DTD 声明（外部标识或内部子集），不予接受", line: nil)
            }
        }
        guard let root = xmlDocGetRootElement(doc) else { throw MarkupProblem(message: "没有根元素", line: nil) }
        var out: [MarkupElement] = []
        collect(root, into: &out)
        return out
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    /// Preorder, without recursion (a deep document must not exhaust the stack). The strings
    /// libxml2 interns (names, prefixes, namespace URIs) are made into Swift strings once per
    /// document, not once per element: an archive's filing check inspects every ODT's XML, and
    /// a namespace URI made anew for each element and attribute was most of its allocations.
    private static func collect(_ root: xmlNodePtr, into out: inout [MarkupElement]) {
        struct Pair: Hashable {
            var a: UnsafeRawPointer?
            var b: UnsafeRawPointer?
        }
        var interned: [UnsafeRawPointer: String] = [:]
        var qualified: [Pair: String] = [:]
        func cached(_ p: UnsafePointer<xmlChar>?) -> String {
            guard let p else { return "" }
            let key = UnsafeRawPointer(p)
            if let s = interned[key] { return s }
            let s = String(cString: p)
            interned[key] = s
            return s
        }
        /// `prefix:local`, or `local` without a prefix.
        func qualifiedName(_ prefix: UnsafePointer<xmlChar>?, _ local: UnsafePointer<xmlChar>?) -> String {
            guard let prefix else { return cached(local) }
            let key = Pair(a: UnsafeRawPointer(prefix), b: local.map(UnsafeRawPointer.init))
            if let s = qualified[key] { return s }
            let s = cached(prefix) + ":" + cached(local)
            qualified[key] = s
            return s
        }
        var stack: [(node: xmlNodePtr, depth: Int)] = [(root, 0)]
        var children: [xmlNodePtr] = []
        while let (n, depth) = stack.popLast() {
            guard n.pointee.type == XML_ELEMENT_NODE else { continue }
            let local = cached(n.pointee.name)
            var qname = local
            var namespace: String?
            if let ns = n.pointee.ns {
                namespace = cached(ns.pointee.href)
                if ns.pointee.prefix != nil { qname = qualifiedName(ns.pointee.prefix, n.pointee.name) }
            }
            var attributes: [MarkupElement.Attribute] = []
            var a = n.pointee.properties
            while let attr = a {
                var name: String
                var attrNamespace: String?
                if let ns = attr.pointee.ns {
                    attrNamespace = cached(ns.pointee.href)
                    name = qualifiedName(ns.pointee.prefix, attr.pointee.name)
                } else {
                    name = cached(attr.pointee.name)
                }
                var value = ""
                var c = attr.pointee.children
                if let only = c, only.pointee.next == nil {
                    value = string(only.pointee.content)
                } else {
                    while let t = c {
                        value += string(t.pointee.content)
                        c = t.pointee.next
                    }
                }
                attributes.append(.init(name: name, namespace: attrNamespace, value: value))
                a = attr.pointee.next
            }
            var text = ""
            children.removeAll(keepingCapacity: true)
            var c = n.pointee.children
            while let child = c {
                switch child.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: text += string(child.pointee.content)
                case XML_ELEMENT_NODE: children.append(child)
                default: break
                }
                c = child.pointee.next
            }
            out.append(
                MarkupElement(
                    name: qname, localName: local, namespace: namespace, attributes: attributes, text: text,
                    line: Int(xmlGetLineNo(n)), depth: depth))
            for child in children.reversed() { stack.append((child, depth + 1)) }
        }
    }
}
