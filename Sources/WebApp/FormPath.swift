import Forms

/// A field path as the validator writes it (`papers[1].title`), which is also the name of the
/// field's input: one step per key or row index.
enum FormPathStep: Equatable, Sendable {
    case key(String)
    case index(Int)
}

enum FormPath {
    /// Rows beyond this index are ignored wherever a path comes from a client.
    static let maximumIndex = 999

    /// `papers[1].title` → `[.key("papers"), .index(1), .key("title")]`; nil when malformed.
    static func steps(_ path: String) -> [FormPathStep]? {
        var steps: [FormPathStep] = []
        var key = ""
        var chars = path.makeIterator()
        var afterIndex = false
        while let c = chars.next() {
            switch c {
            case ".":
                if !key.isEmpty {
                    steps.append(.key(key))
                    key = ""
                } else if !afterIndex {
                    return nil
                }
                afterIndex = false
            case "[":
                if !key.isEmpty {
                    steps.append(.key(key))
                    key = ""
                } else if steps.isEmpty {
                    return nil
                }
                var digits = ""
                var closed = false
                while let d = chars.next() {
                    if d == "]" {
                        closed = true
                        break
                    }
                    guard d.isASCII, d.isNumber, digits.count < 4 else { return nil }
                    digits.append(d)
                }
                guard closed else { return nil }
                guard let n = Int(digits), n <= maximumIndex else { return nil }
                steps.append(.index(n))
                afterIndex = true
            case "]":
                return nil
            default:
                if afterIndex { return nil }
                key.append(c)
            }
        }
        if !key.isEmpty {
            steps.append(.key(key))
        } else if !afterIndex {
            return nil
        }
        return steps
    }

    static func string(_ steps: [FormPathStep]) -> String {
        var out = ""
        for step in steps {
            switch step {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    /// The HTML id of the input (or fieldset) for `path`: `papers[0].title` → `f-papers-0-title`.
    static func inputID(_ path: String) -> String {
        var out = "f-"
        for c in path.unicodeScalars {
            switch c {
            case "[", ".": out += "-"
            case "]": break
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": out.unicodeScalars.append(c)
            default: out += "_"
            }
        }
        return out
    }

    /// The paths that contain `path`, longest first (`papers[1].title`, `papers[1]`, `papers`).
    static func prefixes(_ path: String) -> [String] {
        guard let steps = steps(path) else { return [] }
        return (1...steps.count).reversed().map { string(Array(steps.prefix($0))) }
    }
}

extension FormDefinition {
    /// The definition of the field at `path` (`representative_works[0].file`), nil when the path
    /// names no field of this form. Row indices are not checked against any data.
    public func fieldDefinition(at path: String) -> FieldDefinition? {
        guard let steps = FormPath.steps(path), case .key(let first)? = steps.first else { return nil }
        var current = fields.first { $0.id == first }
        var rest = steps.dropFirst()
        while let step = rest.first, let field = current {
            rest = rest.dropFirst()
            guard case .group(let children, _, _, _) = field.type, case .index = step,
                case .key(let child)? = rest.first
            else { return nil }
            rest = rest.dropFirst()
            current = children.first { $0.id == child }
        }
        return current
    }
}

extension JSONValue {
    /// The value at `steps`, nil when any step is missing.
    func value(at steps: some Collection<FormPathStep>) -> JSONValue? {
        guard let step = steps.first else { return self }
        switch step {
        case .key(let k): return self[k]?.value(at: steps.dropFirst())
        case .index(let i):
            guard let items = array, items.indices.contains(i) else { return nil }
            return items[i].value(at: steps.dropFirst())
        }
    }

    /// Replaces (or, with nil, removes) the value at `steps`; false when a container is missing.
    @discardableResult
    mutating func set(_ value: JSONValue?, at steps: some Collection<FormPathStep>) -> Bool {
        guard let step = steps.first else { return false }
        let rest = steps.dropFirst()
        switch (step, self) {
        case (.key(let k), .object(var o)):
            if rest.isEmpty {
                o[k] = value
            } else {
                guard var inner = o[k], inner.set(value, at: rest) else { return false }
                o[k] = inner
            }
            self = .object(o)
            return true
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            if rest.isEmpty {
                if let value { a[i] = value } else { a.remove(at: i) }
            } else {
                guard a[i].set(value, at: rest) else { return false }
            }
            self = .array(a)
            return true
        default:
            return false
        }
    }
}
