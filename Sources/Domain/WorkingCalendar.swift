import Foundation

/// Working days by the State Council holiday schedule, including make-up working weekends 调休.
///
/// Built from one data file per year (`policy/calendar/YYYY.yaml`). A day in a year with no
/// file is an error, never a silent Monday–Friday guess.
public struct WorkingCalendar: Sendable, Equatable {
    /// Years covered, each with its days off on weekdays and its working weekend days.
    public private(set) var years: [Int: YearSchedule] = [:]

    public struct YearSchedule: Sendable, Equatable {
        public var year: Int
        public var source: String
        public var holidays: [Holiday]
        public var offDays: Set<Day>
        public var workDays: Set<Day>
    }

    public struct Holiday: Sendable, Equatable {
        public var name: String
        public var off: ClosedRange<Day>
        public var work: [Day]
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case yearNotCovered(Int, covered: [Int])

        public var description: String {
            switch self {
            case .yearNotCovered(let y, let covered):
                "工作日历未包含\(y)年(已有: \(covered.map(String.init).joined(separator: "、")));请由职改办添加 policy/calendar/\(y).yaml"
            }
        }
    }

    public init() {}

    public mutating func add(_ schedule: YearSchedule) { years[schedule.year] = schedule }

    public var coveredYears: [Int] { years.keys.sorted() }

    public func isWorkingDay(_ day: Day) throws(Problem) -> Bool {
        guard let s = years[day.year] else { throw .yearNotCovered(day.year, covered: coveredYears) }
        if s.workDays.contains(day) { return true }
        if s.offDays.contains(day) { return false }
        return !day.isWeekend
    }

    /// The `n`-th working day strictly after `day` (n ≥ 1); `n == 0` returns `day`.
    ///
    /// Five working days from Friday 2026-02-13 is 2026-02-27 (02-14 is a make-up Saturday).
    public func adding(workingDays n: Int, to day: Day) throws(Problem) -> Day {
        precondition(n >= 0, "negative working days")
        var current = day
        var left = n
        while left > 0 {
            current = current.adding(days: 1)
            if try isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// Working days in the half-open interval (from, to]: how many have passed since `from`.
    public func workingDays(after from: Day, through to: Day) throws(Problem) -> Int {
        guard from < to else { return 0 }
        var count = 0
        var current = from
        while current < to {
            current = current.adding(days: 1)
            if try isWorkingDay(current) { count += 1 }
        }
        return count
    }

    /// Reads one year's file.
    ///
    /// ```yaml
    /// year: 2026
    /// source: 国务院办公厅关于2026年部分节假日安排的通知
    /// holidays:
    ///   - name: 春节
    ///     off: [2026-02-15, 2026-02-23]
    ///     work: [2026-02-14, 2026-02-28]
    /// ```
    public static func schedule(from root: ConfigNode) throws(ConfigError) -> YearSchedule {
        try root.requireOnly(["year", "source", "holidays"])
        let yearNode = try root.required("year")
        let year = try yearNode.int()
        guard (2000...2100).contains(year) else { throw yearNode.error("年份不合理: \(year)") }
        let source = try root.string("source", default: "")
        var holidays: [Holiday] = []
        var off = Set<Day>()
        var work = Set<Day>()
        for item in try root.required("holidays").items() {
            try item.requireOnly(["name", "off", "work"])
            let name = try item.required("name").string()
            let offNode = try item.required("off")
            let range = try offNode.items().map { n throws(ConfigError) in try n.day() }
            guard range.count == 1 || range.count == 2 else { throw offNode.error("应为 [首日] 或 [首日, 末日]") }
            guard range[0] <= range[range.count - 1] else { throw offNode.error("末日早于首日") }
            let offRange = range[0]...range[range.count - 1]
            var workDays: [Day] = []
            if let w = item["work"] {
                for n in try w.items() {
                    let d = try n.day()
                    guard d.isWeekend else { throw n.error("调休上班日 \(d) 不是周末") }
                    workDays.append(d)
                }
            }
            for d in [offRange.lowerBound, offRange.upperBound] + workDays where d.year != year {
                throw item.error("日期 \(d) 不在 \(year) 年")
            }
            var d = offRange.lowerBound
            while d <= offRange.upperBound {
                off.insert(d)
                d = d.adding(days: 1)
            }
            work.formUnion(workDays)
            holidays.append(Holiday(name: name, off: offRange, work: workDays))
        }
        if let clash = off.intersection(work).min() {
            throw root.error("\(clash) 同时被列为放假和上班")
        }
        return YearSchedule(year: year, source: source, holidays: holidays, offDays: off, workDays: work)
    }

    /// Loads every `YYYY.yaml` in a folder.
    public static func load(directory: String) throws(ConfigError) -> WorkingCalendar {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ConfigError(file: directory, line: nil, key: "", message: "无法读取工作日历目录")
        }
        var calendar = WorkingCalendar()
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let root = try ConfigNode.load(path: (directory as NSString).appendingPathComponent(name))
            let schedule = try schedule(from: root)
            guard name == "\(schedule.year).yaml" else {
                throw ConfigError(file: name, line: nil, key: "year", message: "文件名应为 \(schedule.year).yaml")
            }
            calendar.add(schedule)
        }
        guard !calendar.years.isEmpty else {
            throw ConfigError(file: directory, line: nil, key: "", message: "目录中没有年度工作日历文件")
        }
        return calendar
    }
}
