import Foundation
import Workflow

/// Why a write did not happen. Nothing is written in any of these cases.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The machine refused the command (wrong state, role, rule).
    case refused(Refusal)
    /// Someone else changed the stream since the caller read it.
    case conflict(stream: String, expected: Int, actual: Int)
    /// The stream does not exist.
    case notFound(stream: String)
    /// The stored data could not be read back (a bug or a tampered database).
    case corrupt(stream: String, reason: String)
    /// SQLite failed.
    case database(String)

    /// For users, in Chinese.
    public var chinese: String {
        switch self {
        case .refused(let r): r.message
        case .conflict(let s, let e, let a):
            "数据已被他人修改(\(s) 当前版本 \(a),您看到的是版本 \(e)),请刷新后重试;本次操作未保存"
        case .notFound(let s): "未找到记录 \(s)"
        case .corrupt(let s, _): "记录 \(s) 的数据无法读取,请联系系统管理员"
        case .database: "数据库错误,本次操作未保存,请稍后重试"
        }
    }

    /// For logs, in English.
    public var description: String {
        switch self {
        case .refused(let r): "refused: \(r.rule): \(r.message)"
        case .conflict(let s, let e, let a): "conflict on \(s): expected version \(e), found \(a)"
        case .notFound(let s): "no stream \(s)"
        case .corrupt(let s, let reason): "corrupt stream \(s): \(reason)"
        case .database(let m): "database error: \(m)"
        }
    }

    public var refusal: Refusal? {
        if case .refused(let r) = self { return r }
        return nil
    }
}
