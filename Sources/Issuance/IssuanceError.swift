import Foundation

/// Why a document could not be issued.
public enum IssuanceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The stream a request names does not exist or has no state at the request's version.
    case missingStream(kind: String, id: String)
    /// The data a document needs is not in the store (e.g. no certificate number yet).
    case missingData(document: String, what: String)
    /// A request names a document kind this version does not know.
    case unknownKind(String)
    /// A computed output path would leave the output folder.
    case pathOutsideOutput(subject: String, path: String)
    case io(String)
    /// Rendering failed (template error, with its message).
    case render(document: String, message: String)

    public var description: String {
        switch self {
        case .missingStream(let kind, let id): "stream \(kind)/\(id) does not exist"
        case .missingData(let doc, let what): "\(doc): \(what) is missing"
        case .unknownKind(let k): "unknown document kind '\(k)'"
        case .pathOutsideOutput(let s, let p): "subject '\(s)' would be written outside the output folder (\(p))"
        case .io(let s): s
        case .render(let doc, let message): "\(doc): \(message)"
        }
    }

    /// For users, in Chinese.
    public var chinese: String {
        switch self {
        case .missingStream(let kind, let id): "找不到业务记录 \(kind)/\(id)"
        case .missingData(let doc, let what): "\(doc):缺少\(what)"
        case .unknownKind(let k): "未知的文书类型“\(k)”"
        case .pathOutsideOutput(let s, _): "文书主题“\(s)”会写到输出目录之外,已拒绝"
        case .io(let s): "文件读写失败:\(s)"
        case .render(let doc, let message): "\(doc)生成失败:\(message)"
        }
    }
}
