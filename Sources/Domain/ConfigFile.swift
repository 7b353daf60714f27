import Foundation
import Yams

/// A problem in a data file an office edits (policy, calendar, forms): names the file, the
/// line and the key, in Chinese, so the office can fix it without a programmer.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String
    public var message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): 键“\(key)”: \(message)"
    }
}

/// A YAML node with where it came from, for readers that report file, line and key.
///
/// ```swift
/// let root = try ConfigNode.parse(yaml: text, file: "policy.yaml")
/// let days = try root.int("unit_notice_working_days", default: 5)
/// ```
public struct ConfigNode {
    public let node: Node
    public let file: String
    /// Dotted key path from the document root, e.g. `committee.quorum`.
    public let path: String

    public init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses one YAML document; a syntax error names the file and line.
    public static func parse(yaml: String, file: String) throws(ConfigError) -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(file: file, line: nil, key: "", message: "文件为空")
            }
            return ConfigNode(node: node, file: file, path: "")
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError(file: file, line: YamlErrorLine.of(error), key: "", message: "YAML 语法错误: \(error)")
        } catch {
            throw ConfigError(file: file, line: nil, key: "", message: "YAML 语法错误: \(error)")
        }
    }

    /// Reads and parses a file.
    public static func load(path: String) throws(ConfigError) -> ConfigNode {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: name, line: nil, key: "", message: "无法读取文件 \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: name, line: nil, key: "", message: "文件不是 UTF-8 编码")
        }
        return try parse(yaml: text, file: name)
    }

    public var line: Int { node.mark?.line ?? 0 }

    public func error(_ message: String, key: String? = nil) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line, key: key ?? path, message: message)
    }

    func child(_ node: Node, _ key: String) -> ConfigNode {
        ConfigNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The entries of a mapping, in file order.
    public func entries() throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mapping else { throw error("应为映射(键: 值)") }
        var out: [(String, ConfigNode)] = []
        for (k, v) in mapping {
            guard let key = k.string else { throw child(k, "?").error("键应为文字") }
            out.append((key, child(v, key)))
        }
        return out
    }

    /// Refuses keys not in `allowed` (a typo must not be silently ignored).
    public func requireOnly(_ allowed: Set<String>) throws(ConfigError) {
        for (key, value) in try entries() where !allowed.contains(key) {
            throw ConfigError(
                file: file, line: value.node.mark?.line, key: value.path,
                message: "未知的键(允许: \(allowed.sorted().joined(separator: "、")))")
        }
    }

    public subscript(key: String) -> ConfigNode? {
        guard let mapping = node.mapping, let value = mapping[Node(key)] else { return nil }
        return child(value, key)
    }

    public func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard node.mapping != nil else { throw error("应为映射(键: 值)") }
        guard let value = self[key] else {
            throw ConfigError(
                file: file, line: node.mark?.line, key: path.isEmpty ? key : "\(path).\(key)", message: "缺少必填键")
        }
        return value
    }

    public func items() throws(ConfigError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("应为列表") }
        return sequence.enumerated().map { child($0.element, "[\($0.offset)]").reindexed() }
    }

    private func reindexed() -> ConfigNode {
        // "a.[0]" reads better as "a[0]"
        ConfigNode(node: node, file: file, path: path.replacingOccurrences(of: ".[", with: "["))
    }

    public func string() throws(ConfigError) -> String {
        guard let s = node.scalar?.string else { throw error("应为文字") }
        return s
    }

    public func int() throws(ConfigError) -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw error("应为整数") }
        return v
    }

    public func bool() throws(ConfigError) -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error("应为 true 或 false")
        }
    }

    public func day() throws(ConfigError) -> Day {
        guard let s = node.scalar?.string, let d = Day(s) else { throw error("应为日期 YYYY-MM-DD") }
        return d
    }

    public func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let n = self[key] else { return value }
        let v = try n.int()
        guard range.contains(v) else { throw n.error("取值应在 \(range.lowerBound)…\(range.upperBound) 之间,实为 \(v)") }
        return v
    }

    public func string(_ key: String, default value: String) throws(ConfigError) -> String {
        guard let n = self[key] else { return value }
        return try n.string()
    }
}

enum YamlErrorLine {
    static func of(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
