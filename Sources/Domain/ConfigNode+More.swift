import Yams

extension ConfigNode {
    /// A list of strings; a single scalar counts as a list of one (`levels: intermediate`).
    public func stringList() throws(ConfigError) -> [String] {
        if let s = node.scalar?.string { return [s] }
        var out: [String] = []
        for item in try items() { out.append(try item.string()) }
        return out
    }

    /// A number (integer or decimal).
    public func double() throws(ConfigError) -> Double {
        guard let s = node.scalar?.string, let v = Double(s) else { throw error("应为数字") }
        return v
    }

    /// Whether the node is a mapping, a list or a scalar.
    public var isMapping: Bool { node.mapping != nil }
    public var isSequence: Bool { node.sequence != nil }
    public var isScalar: Bool { node.scalar != nil }

    /// Whether the scalar was written in quotes (`"true"` is text, `true` a Boolean).
    public var isQuoted: Bool {
        guard let style = node.scalar?.style else { return false }
        return style == .singleQuoted || style == .doubleQuoted
    }

    /// An error at this node naming the key path plus `key` (for a missing or wrong child).
    public func error(_ message: String, childKey key: String) -> ConfigError {
        ConfigError(file: file, line: line, key: path.isEmpty ? key : "\(path).\(key)", message: message)
    }
}
