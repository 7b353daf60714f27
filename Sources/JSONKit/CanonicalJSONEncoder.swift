import Foundation

// The Encodable front of `CanonicalJSON.encode`: any Codable value becomes a tree, written by
// the same rules as `JSONValue.canonical`. Fast (Foundation's encoder was a fifth of a
// season's time) and what Foundation's `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`
// writes for every payload the store writes (`CanonicalJSONTests`, `DemoSeasonTests`):
// `Date` as seconds since 2001 (its own `Codable`), `Data` as Base64, `URL` as its absolute
// string, `Decimal` as its description; a value that encodes nothing is `{}`; a key written
// twice keeps its last value.

// MARK: - the tree

/// A value being encoded. Containers are reference boxes: Codable hands out nested
/// containers that are written to after they were attached to their parent.
enum JSONNode {
    /// A number, `true`, `false` or `null`, already in its JSON form.
    case literal(String)
    case string(String)
    case object(JSONObjectBox)
    case array(JSONArrayBox)
}

final class JSONObjectBox {
    var members: [(key: String, value: JSONNode)] = []
}

final class JSONArrayBox {
    var items: [JSONNode] = []
}

enum JSONTree {
    /// Encodes one value into a node. The common leaf types never reach the generic path.
    static func node<T: Encodable>(for value: T, path: CodingPathLink?) throws -> JSONNode {
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .literal(String(value as! Int)) }
        if T.self == Bool.self { return .literal((value as! Bool) ? "true" : "false") }
        if T.self == Date.self {
            return try number((value as! Date).timeIntervalSinceReferenceDate, path: path)
        }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Decimal.self { return .literal((value as! Decimal).description) }
        let encoder = TreeEncoder(path: path)
        try value.encode(to: encoder)
        return encoder.node ?? .object(JSONObjectBox())
    }

    static func number(_ value: Double, path: CodingPathLink?) throws -> JSONNode {
        guard let text = CanonicalJSON.number(value) else { throw nonFinite(value, path) }
        return .literal(text)
    }

    static func number(_ value: Float, path: CodingPathLink?) throws -> JSONNode {
        guard let text = CanonicalJSON.number(value) else { throw nonFinite(value, path) }
        return .literal(text)
    }

    static func nonFinite(_ value: Any, _ path: CodingPathLink?) -> EncodingError {
        EncodingError.invalidValue(
            value,
            EncodingError.Context(
                codingPath: CodingPathLink.keys(path), debugDescription: "Unable to encode \(value) directly in JSON."))
    }

    // MARK: writing

    static func write(_ node: JSONNode, to out: inout [UInt8]) {
        switch node {
        case .literal(let text):
            out.append(contentsOf: text.utf8)
        case .string(let text):
            writeString(text, to: &out)
        case .array(let box):
            out.append(UInt8(ascii: "["))
            for (i, item) in box.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let box):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in sortedMembers(box.members) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Members in canonical order (UTF-16 code units); of a key written twice, the last value.
    static func sortedMembers(_ members: [(key: String, value: JSONNode)]) -> [(key: String, value: JSONNode)] {
        if members.count < 2 { return members }
        var sorted = members
        if sorted.count <= 24 {
            // Insertion sort (stable, no allocation): a struct's handful of keys.
            for i in 1..<sorted.count {
                let item = sorted[i]
                var j = i
                while j > 0 && precedes(item.key, sorted[j - 1].key) {
                    sorted[j] = sorted[j - 1]
                    j -= 1
                }
                sorted[j] = item
            }
        } else {
            let order = members.indices.sorted { a, b in
                if members[a].key == members[b].key { return a < b }
                return precedes(members[a].key, members[b].key)
            }
            sorted = order.map { members[$0] }
        }
        guard (1..<sorted.count).contains(where: { sorted[$0].key == sorted[$0 - 1].key }) else { return sorted }
        var out: [(key: String, value: JSONNode)] = []
        out.reserveCapacity(sorted.count)
        for member in sorted {
            if let last = out.last, last.key == member.key {
                out[out.count - 1] = member
            } else {
                out.append(member)
            }
        }
        return out
    }

    static func precedes(_ a: String, _ b: String) -> Bool { CanonicalJSON.precedes(a, b) }

    static func writeString(_ text: String, to out: inout [UInt8]) { CanonicalJSON.writeString(text, to: &out) }
}

// MARK: - Encoder

/// Receives one value's `encode(to:)`: whichever container it asks for becomes its node.
final class TreeEncoder: Encoder, SingleValueEncodingContainer {
    let path: CodingPathLink?
    var codingPath: [any CodingKey] { CodingPathLink.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: JSONNode?

    init(path: CodingPathLink?) { self.path = path }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case .object(let existing)? = node {
            box = existing
        } else {
            box = JSONObjectBox()
            node = .object(box)
        }
        return KeyedEncodingContainer(TreeKeyedContainer<Key>(box: box, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case .array(let existing)? = node {
            box = existing
        } else {
            box = JSONArrayBox()
            node = .array(box)
        }
        return TreeUnkeyedContainer(box: box, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    // SingleValueEncodingContainer
    func encodeNil() throws { node = .literal("null") }
    func encode(_ value: Bool) throws { node = .literal(value ? "true" : "false") }
    func encode(_ value: String) throws { node = .string(value) }
    func encode(_ value: Double) throws { node = try JSONTree.number(value, path: path) }
    func encode(_ value: Float) throws { node = try JSONTree.number(value, path: path) }
    func encode(_ value: Int) throws { node = .literal(String(value)) }
    func encode(_ value: Int8) throws { node = .literal(String(value)) }
    func encode(_ value: Int16) throws { node = .literal(String(value)) }
    func encode(_ value: Int32) throws { node = .literal(String(value)) }
    func encode(_ value: Int64) throws { node = .literal(String(value)) }
    func encode(_ value: UInt) throws { node = .literal(String(value)) }
    func encode(_ value: UInt8) throws { node = .literal(String(value)) }
    func encode(_ value: UInt16) throws { node = .literal(String(value)) }
    func encode(_ value: UInt32) throws { node = .literal(String(value)) }
    func encode(_ value: UInt64) throws { node = .literal(String(value)) }
    func encode<T: Encodable>(_ value: T) throws { node = try JSONTree.node(for: value, path: path) }
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONObjectBox
    let path: CodingPathLink?
    var codingPath: [any CodingKey] { CodingPathLink.keys(path) }

    private func child(_ key: Key) -> CodingPathLink { CodingPathLink(parent: path, key: key) }

    private func put(_ node: JSONNode, _ key: Key) { box.members.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { put(.literal("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.literal(value ? "true" : "false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try JSONTree.number(value, path: child(key)), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try JSONTree.number(value, path: child(key)), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try JSONTree.node(for: value, path: child(key)), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        put(.object(nested), key)
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(box: nested, path: child(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        put(.array(nested), key)
        return TreeUnkeyedContainer(box: nested, path: child(key))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key.stringValue) }

    private func superEncoder(key: String) -> any Encoder {
        // Holds the key's place; filled in when the super encoder's value is known.
        let index = box.members.count
        box.members.append((key, .object(JSONObjectBox())))
        let encoder = DeferredEncoder(path: path)
        encoder.attach = { [box] node in box.members[index].value = node }
        return encoder
    }
}

struct TreeUnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONArrayBox
    let path: CodingPathLink?
    var codingPath: [any CodingKey] { CodingPathLink.keys(path) }
    var count: Int { box.items.count }

    private func add(_ node: JSONNode) { box.items.append(node) }

    mutating func encodeNil() throws { add(.literal("null")) }
    mutating func encode(_ value: Bool) throws { add(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(try JSONTree.number(value, path: path)) }
    mutating func encode(_ value: Float) throws { add(try JSONTree.number(value, path: path)) }
    mutating func encode(_ value: Int) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { add(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try JSONTree.node(for: value, path: path)) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        add(.object(nested))
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(box: nested, path: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        add(.array(nested))
        return TreeUnkeyedContainer(box: nested, path: path)
    }

    mutating func superEncoder() -> any Encoder {
        // Holds the array's next place; filled in when the super encoder's value is known.
        let index = box.items.count
        add(.object(JSONObjectBox()))
        let encoder = DeferredEncoder(path: path)
        encoder.attach = { [box] node in box.items[index] = node }
        return encoder
    }
}

/// A super encoder: its value goes into the parent once encoded (on the first container or
/// value it is asked for, the node is attached; later writes go into that same node).
final class DeferredEncoder: Encoder {
    let inner: TreeEncoder
    var attach: (JSONNode) -> Void = { _ in }
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(path: CodingPathLink?) { inner = TreeEncoder(path: path) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let c = inner.container(keyedBy: type)
        if let node = inner.node { attach(node) }
        return c
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let c = inner.unkeyedContainer()
        if let node = inner.node { attach(node) }
        return c
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { DeferredSingleValue(owner: self) }
}

/// A super encoder's single value: each write replaces the value in the parent.
struct DeferredSingleValue: SingleValueEncodingContainer {
    let owner: DeferredEncoder
    var codingPath: [any CodingKey] { owner.codingPath }

    private func set(_ body: (TreeEncoder) throws -> Void) rethrows {
        try body(owner.inner)
        if let node = owner.inner.node { owner.attach(node) }
    }

    mutating func encodeNil() throws { try set { try $0.encodeNil() } }
    mutating func encode(_ value: Bool) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: String) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Double) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Float) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Int) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Int8) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Int16) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Int32) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: Int64) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: UInt) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: UInt8) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: UInt16) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: UInt32) throws { try set { try $0.encode(value) } }
    mutating func encode(_ value: UInt64) throws { try set { try $0.encode(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws { try set { try $0.encode(value) } }
}

/// The coding path, for error messages only: a parent link per level, turned into an array
/// when someone asks (building arrays on every nested value was measurable).
final class CodingPathLink {
    let parent: CodingPathLink?
    let key: any CodingKey

    init(parent: CodingPathLink?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    static func keys(_ link: CodingPathLink?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var at = link
        while let l = at {
            keys.append(l.key)
            at = l.parent
        }
        return keys.reversed()
    }
}
