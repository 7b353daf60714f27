import Domain
import Foundation
import Store
import Workflow

/// What a season left in the database: counts per machine and status, and how it ran.
public struct SeasonSummary: Sendable {
    public struct Row: Sendable, Equatable {
        public var kind: String
        public var status: String
        public var label: String
        public var count: Int
    }

    public var rows: [Row]
    public var statistics: SeasonStatistics
    public var seconds: Double
    public var auditIntact: Bool
    public var eventsInLog: Int

    public func count(_ kind: String, _ status: String) -> Int {
        rows.first { $0.kind == kind && $0.status == status }?.count ?? 0
    }

    /// Committed transitions (write transactions) per second.
    public var transactionsPerSecond: Double { seconds > 0 ? Double(statistics.committedSteps) / seconds : 0 }

    /// A plain table for the terminal.
    public func render() -> String {
        let kinds = [
            ("application", "申报"), ("session", "评审会议"), ("certificate", "证书"), ("check", "事后核查"),
            ("unit", "单位"), ("person", "诚信档案"),
        ]
        var lines = ["类别\t状态\t数量"]
        for (kind, name) in kinds {
            for r in rows where r.kind == kind { lines.append("\(name)\t\(r.label)\t\(r.count)") }
        }
        lines.append("")
        lines.append("事务 \(statistics.committedSteps)(跳过已完成 \(statistics.skippedSteps)),事件 \(eventsInLog)")
        let refusals = statistics.refusals.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
        lines.append("按规则拒绝的操作: \(refusals.joined(separator: ", "))")
        lines.append(
            String(format: "用时 %.2f 秒,%.0f 事务/秒;审计%@", seconds, transactionsPerSecond, auditIntact ? "通过" : "未通过"))
        return lines.joined(separator: "\n")
    }
}

extension DemoSeason {
    func summary(seconds: Double) throws -> SeasonSummary {
        var rows: [SeasonSummary.Row] = []
        for kind in ["application", "session", "certificate", "check", "unit", "person"] {
            for (status, count) in try store.statusCounts(kind: kind) {
                rows.append(
                    .init(kind: kind, status: status, label: Self.label(kind: kind, status: status), count: count))
            }
        }
        let audit = try store.audit()
        return SeasonSummary(
            rows: rows, statistics: stats, seconds: seconds, auditIntact: audit.isIntact,
            eventsInLog: audit.eventsChecked)
    }

    public static func label(kind: String, status: String) -> String {
        switch kind {
        case "application": ApplicationStage(rawValue: status)?.chinese ?? status
        case "session": CommitteeSessionStage(rawValue: status)?.chinese ?? status
        case "certificate": CertificateState.Status(rawValue: status)?.chinese ?? status
        case "check": PostHocCheckState.Stage(rawValue: status)?.chinese ?? status
        case "unit": UnitStandingState.Status(rawValue: status)?.chinese ?? status
        case "person": PersonIntegrityState.Status(rawValue: status)?.chinese ?? status
        default: status
        }
    }
}
