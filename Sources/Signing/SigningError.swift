import Foundation

/// Why the office's keyring could not be opened, rotated or exported. `description` is English
/// for logs; `chinese` is for the person at the desk.
public enum SigningError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A key file readable or writable by others than its owner.
    case looseKeyPermissions(path: String, mode: String)
    /// The key directory, a key file or a public-keys file is missing or unreadable.
    case keyUnreadable(path: String, reason: String)
    /// A key file could not be written.
    case io(path: String, reason: String)
    /// The keyring refuses the change; the message (Chinese) says why and what to do.
    case refused(String)

    public var description: String {
        switch self {
        case .looseKeyPermissions(let p, let mode):
            "key file \(p) has permissions \(mode); it must be 0600 (owner read/write only)"
        case .keyUnreadable(let p, let reason): "cannot read key \(p): \(reason)"
        case .io(let p, let reason): "cannot access \(p): \(reason)"
        case .refused(let message): message
        }
    }

    public var chinese: String {
        switch self {
        case .looseKeyPermissions(let p, let mode):
            "签名密钥文件权限过宽(当前 \(mode)),必须为 0600(仅所有者可读写),已拒绝加载:\(p)。请执行 chmod 600 后重试"
        case .keyUnreadable(let p, _): "无法读取签名密钥:\(p)"
        case .io(let p, _): "无法读写文件:\(p)"
        case .refused(let message): message
        }
    }
}
