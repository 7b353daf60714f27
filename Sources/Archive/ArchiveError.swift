import Foundation

/// Why an archive operation could not be done. `description` is English for logs; `chinese`
/// is for the person at the desk.
public enum ArchiveError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A path that would leave its folder, is absolute, or is not in normal form.
    case unsafePath(String, reason: String)
    /// A file could not be written or read.
    case io(path: String, reason: String)
    /// A zip archive could not be written or read.
    case zip(String)
    /// Two payload files with the same path.
    case duplicatePath(String)
    /// The store could not be read, or the decision names nothing.
    case store(String)
    case decisionNotFound(String)
    /// Documents the package must hold are not rendered yet (built later, once they are).
    case documentsPending(String)
    /// A record cannot be filed: its kind is not in the retention schedule, the office has no
    /// 全宗号, or its 档号 cannot be composed.
    case filing(String)

    public var description: String {
        switch self {
        case .unsafePath(let p, let reason): "unsafe path \"\(p)\": \(reason)"
        case .io(let p, let reason): "cannot access \(p): \(reason)"
        case .zip(let m): "zip: \(m)"
        case .duplicatePath(let p): "two payload files named \(p)"
        case .store(let m): "store: \(m)"
        case .decisionNotFound(let d): "no application or session belongs to decision \(d)"
        case .documentsPending(let m): "documents not rendered yet: \(m)"
        case .filing(let m): "filing: \(m)"
        }
    }

    public var chinese: String {
        switch self {
        case .unsafePath(let p, _): "路径不安全(绝对路径、含“..”或格式不规范),已拒绝:\(p)"
        case .io(let p, _): "无法读写文件:\(p)"
        case .zip: "压缩包无法读取或写入"
        case .duplicatePath(let p): "归档文件路径重复:\(p)"
        case .store: "数据库读取失败"
        case .decisionNotFound(let d): "未找到属于决定 \(d) 的申报或评审会议"
        case .documentsPending(let m): "归档包所需的文书尚未生成：\(m)"
        case .filing(let m): "归档记录无法编号：\(m)"
        }
    }
}
