import Domain
import Foundation

/// One reason an applicant is not eligible: the rule, the fact found, the requirement, and
/// the whole sentence in Chinese for the one-time notice 一次性告知.
public struct EligibilityReason: Codable, Sendable, Equatable {
    public var rule: String
    public var fact: String
    public var requirement: String
    public var message: String { "\(fact)；要求：\(requirement)" }
}

/// The engine's answer: eligible or not, with every reason at once.
public struct EligibilityDecision: Codable, Sendable, Equatable {
    public var isEligible: Bool { reasons.isEmpty }
    public var reasons: [EligibilityReason]
    /// The table row (route) that was met, in Chinese.
    public var route: String?
    /// Adjustments applied (green channel, years relaxed for youth …), in Chinese.
    public var notes: [String]

    /// The one-time notice text: every reason, numbered.
    public var notice: String {
        if isEligible { return "符合申报条件" + (route.map { "（\($0)）" } ?? "") + "。" }
        let lines = reasons.enumerated().map { "\($0.offset + 1). \($0.element.message)" }
        return "不符合申报条件，原因如下：\n" + lines.joined(separator: "\n")
    }
}

/// The eligibility rules of one form (`forms/eligibility/<form>.yaml`): per level, the routes
/// (degree × years at the lower title …) and the seed's adjustments.
public struct EligibilityRules: Sendable {
    public struct Route: Sendable {
        /// Degrees accepted; a higher degree than all of them is accepted too. Empty: any.
        public var degrees: [Degree]
        /// The title one must hold (nil: none needed).
        public var lower: Level?
        /// Years at the lower title (or at the skill level).
        public var years: Int?
        /// Years since the degree (probation).
        public var yearsSinceDegree: Int?
        public var skillLevel: SkillLevel?
        public var minResults: Int?
        public var label: String
    }

    public struct LevelRules: Sendable {
        public var title: String
        public var routes: [Route]
    }

    public enum Waiver: String, Sendable, CaseIterable {
        case degree
        case lowerTitle = "lower_title"
        case years
    }

    public struct TrackAdjustment: Sendable {
        public var levels: [Level]?
        public var waives: Set<Waiver>
        public var talents: [TalentCategory]
        public var referees: Int
    }

    /// What one route of the seed's item 18 (youth, the 举荐 recommendation, county graduates,
    /// grassroots-project staff) relieves, as the office set it per series: months taken off
    /// every years requirement, or requirements lifted outright.
    public struct Relief: Sendable, Equatable {
        /// Months taken off every years requirement (`relief_months`).
        public var months: Int
        /// Requirements lifted outright (`waives`: `years`, `degree`; never the lower title —
        /// these routes do not skip a level).
        public var waives: Set<Waiver>
        /// Only up to this age (周岁) on the reference date (`max_age`).
        public var maxAge: Int?
        /// Referees a recommendation needs (`referees`, the 举荐 route only).
        public var referees: Int
        /// The levels it applies to (`levels`; nil: every level).
        public var levels: [Level]?

        public init(
            months: Int, waives: Set<Waiver> = [], maxAge: Int? = nil, referees: Int = 0, levels: [Level]? = nil
        ) {
            self.months = months
            self.waives = waives
            self.maxAge = maxAge
            self.referees = referees
            self.levels = levels
        }

        func applies(to level: Level) -> Bool { levels?.contains(level) ?? true }

        /// Whether someone of this age (nil: unknown) is young enough.
        func admits(age: Int?) -> Bool {
            guard let maxAge else { return true }
            return age.map { $0 <= maxAge } ?? false
        }
    }

    public var formID: String
    public var file: String
    public var levels: [Level: LevelRules]
    public var greenChannel: TrackAdjustment?
    public var specialEvaluation: TrackAdjustment?
    public var exceptional: TrackAdjustment?
    /// Outstanding ability or results (`outstanding_results` declared), on any track.
    public var youth: Relief?
    /// The youth-recommendation 举荐 track: referees, the office's acceptance, outstanding results.
    public var youthRecommendation: Relief?
    public var countyGraduate: Relief?
    public var grassrootsProject: Relief?
    /// How many fewer results a rural teacher needs.
    public var ruralTeacherResultsRelief = 0
    /// Sanctions at least this heavy bar an application while they run.
    public var barringSanction = SanctionKind.demerit
    /// The declaration's repeatable fields whose rows are the results `min_results` counts
    /// (`results_from:`).
    public var resultFields: [String] = []

    /// The facts a declaration states (`EligibilityFacts.declared`), with the results counted
    /// from the fields `results_from:` names.
    public func facts(declaredIn data: JSONValue, series: Series) -> EligibilityFacts {
        var facts = EligibilityFacts.declared(in: data, series: series)
        if !resultFields.isEmpty {
            facts.results = resultFields.reduce(0) { $0 + (data[$1]?.array?.count ?? 0) }
        }
        return facts
    }

    // MARK: Evaluation

    /// Decides whether the applicant may apply, counting years up to `referenceDate` (the
    /// evaluation's reference date, never the clock).
    ///
    /// ```swift
    /// let decision = try library.rules(for: "engineering").evaluate(facts, on: Day("2025-12-31")!)
    /// print(decision.notice)
    /// ```
    public func evaluate(_ facts: EligibilityFacts, on referenceDate: Day) -> EligibilityDecision {
        var reasons: [EligibilityReason] = []
        var notes: [String] = []
        func refuse(_ rule: String, _ fact: String, _ requirement: String) {
            reasons.append(EligibilityReason(rule: rule, fact: fact, requirement: requirement))
        }

        // Bars that no route lifts.
        // Every end is the first day one may apply again (`BarEnd`).
        if let until = facts.blacklistedUntil, BarEnd.isInForce(until: until, on: referenceDate) {
            refuse(
                "eligibility.blacklist",
                "申报人列入职称评审失信黑名单，期限至\(BarEnd.lastDay(until: until).chinese)止",
                "失信黑名单期限内不得申报，\(until.chinese)起方可申报")
        }
        if let until = facts.unitSuspendedUntil, BarEnd.isInForce(until: until, on: referenceDate) {
            refuse(
                "eligibility.unit-suspended",
                "所在单位因提供虚假材料被暂停职称评审聘用工作，期限至\(BarEnd.lastDay(until: until).chinese)止",
                "单位暂停期内不受理该单位人员申报，\(until.chinese)起方可申报")
        }
        if facts.isRetired {
            refuse("eligibility.retired", "申报人已办理退休", "已退休人员不得申报职称评审")
        }
        if let s = facts.sanction, s.kind >= barringSanction, BarEnd.isInForce(until: s.until, on: referenceDate) {
            refuse(
                "eligibility.sanction",
                "申报人受\(s.kind.chinese)处分，影响期至\(BarEnd.lastDay(until: s.until).chinese)止",
                "受\(barringSanction.chinese)及以上处分的，影响期内不得申报，\(s.until.chinese)起方可申报")
        }

        let target = facts.targetLevel
        guard let levelRules = levels[target] else {
            refuse(
                "eligibility.level", "申报级别为\(target.chinese)",
                "本系列可申报的级别为：\(levels.keys.sorted().map(\.chinese).joined(separator: "、"))")
            return EligibilityDecision(reasons: reasons, route: nil, notes: notes)
        }
        if let current = facts.currentLevel, current >= target {
            refuse(
                "eligibility.already-held", "申报人已具有\(current.chinese)职称", "申报级别应高于现有职称（\(current.chinese)）")
        }

        // The track and what it waives; the seed's item-18 routes that apply, with why.
        var waived = Set<Waiver>()
        var reliefs: [(relief: Relief, why: String)] = []
        let age = facts.birthDate.map { EligibilityRules.months(from: $0, to: referenceDate) / 12 }
        switch facts.track {
        case .normal, .skillsBridge: break
        case .greenChannel:
            if let a = greenChannel, a.levels?.contains(target) ?? true {
                if let t = facts.talentCategory, a.talents.contains(t) {
                    waived = a.waives
                    notes.append("绿色通道（\(t.chinese)）：直接申报\(levelRules.title)，不受逐级申报和任职年限限制")
                } else {
                    refuse(
                        "eligibility.green-channel", "申报人未被认定为\(a.talents.map(\.chinese).joined(separator: "或"))",
                        "绿色通道限引进的急需紧缺人才和海外高层次人才")
                }
            } else {
                refuse("eligibility.track", "申报通道为绿色通道", "本系列\(target.chinese)不设绿色通道")
            }
        case .specialEvaluation:
            if let a = specialEvaluation, a.levels?.contains(target) ?? true {
                if facts.hasMajorContribution {
                    waived = a.waives
                    notes.append("特殊评价：有重大发明创造或重大贡献，破除学历、任职年限限制")
                } else {
                    refuse("eligibility.special-evaluation", "未认定有重大发明创造或重大贡献", "特殊评价限有重大发明创造、重大贡献的人才")
                }
            } else {
                refuse("eligibility.track", "申报通道为特殊评价", "本系列\(target.chinese)不适用特殊评价")
            }
        case .exceptional:
            if let a = exceptional, a.levels?.contains(target) ?? true {
                if facts.fullSeniorReferees >= a.referees {
                    waived = a.waives
                    notes.append("破格申报：有\(facts.fullSeniorReferees)名本专业正高级专家推荐")
                } else {
                    refuse(
                        "eligibility.exceptional", "本专业正高级职称专家推荐\(facts.fullSeniorReferees)名",
                        "破格申报须有\(a.referees)名本专业正高级职称专家推荐")
                }
            } else {
                refuse("eligibility.track", "申报通道为破格申报", "本系列\(target.chinese)不适用破格申报")
            }
        case .youthRecommendation:
            if let r = youthRecommendation, r.applies(to: target) {
                let before = reasons.count
                if let maxAge = r.maxAge, !r.admits(age: age) {
                    refuse(
                        "eligibility.youth-age",
                        age.map { "申报人至\(referenceDate.chinese)年满\($0)周岁" } ?? "未提供出生日期",
                        "青年人才举荐限\(maxAge)周岁及以下")
                }
                if facts.youthReferees < r.referees {
                    refuse(
                        "eligibility.youth-referees", "举荐专家\(facts.youthReferees)名",
                        "青年人才举荐须有\(r.referees)名专家举荐")
                }
                if !facts.isRecommended {
                    refuse(
                        "eligibility.youth-recommendation", "未提供优秀青年人才举荐书或职改办受理举荐的文号",
                        "青年人才举荐须经职称改革领导小组办公室受理")
                }
                if !facts.hasOutstandingResults {
                    refuse(
                        "eligibility.youth-outstanding", "未填写能力业绩特别突出的业绩",
                        "青年人才举荐须有能力、业绩特别突出的证明")
                }
                if reasons.count == before {
                    reliefs.append((r, "青年人才举荐（\(facts.youthReferees)名专家举荐，职改办已受理，能力业绩特别突出）"))
                }
            } else {
                refuse("eligibility.track", "申报通道为青年人才举荐", "本系列\(target.chinese)不设青年人才举荐通道")
            }
        }

        // Item 18: youth with outstanding results (any track), county graduates, grassroots-project
        // staff. Months: the largest relief that applies (reliefs do not add up); waivers: all.
        if let y = youth, y.applies(to: target), facts.hasOutstandingResults, y.admits(age: age) {
            let who = y.maxAge.map { "\($0)周岁及以下，" } ?? ""
            reliefs.append((y, "青年人才（\(who)能力业绩特别突出）"))
        }
        if let r = countyGraduate, r.applies(to: target), facts.isCountyGraduate {
            reliefs.append((r, "在县域就业创业的高校毕业生"))
        }
        if let r = grassrootsProject, r.applies(to: target), facts.isGrassrootsProjectStaff {
            reliefs.append((r, "基层服务项目人员"))
        }
        var relief = 0
        var reliefNote: String?
        for (r, why) in reliefs where r.months > relief {
            relief = r.months
            reliefNote = "\(why)：任职年限要求放宽\(EligibilityRules.duration(r.months))"
        }
        // A lifted years requirement is lifted in every row. A lifted degree does not open the rows
        // of higher degrees (a doctorate's shorter years): the applicant is read as holding the
        // lowest degree the level's rows name, and takes that row's years.
        let trackWaived = waived
        var checked = facts
        var degreeLifted = false
        for (r, _) in reliefs where r.waives.contains(.years) { waived.insert(.years) }
        if reliefs.contains(where: { $0.relief.waives.contains(.degree) }), !trackWaived.contains(.degree),
            let lowest = levelRules.routes.flatMap(\.degrees).min(), facts.degree.map({ $0 < lowest }) ?? true
        {
            checked.degree = lowest
            degreeLifted = true
        }
        let resultsRelief = facts.isRuralTeacher ? ruralTeacherResultsRelief : 0

        // The table: any route met is enough; otherwise report the closest route's shortfalls.
        var best: (route: Route, failures: [EligibilityReason])?
        for route in levelRules.routes {
            let failures = check(
                route, facts: checked, on: referenceDate, waived: waived, relief: relief, resultsRelief: resultsRelief)
            if failures.isEmpty {
                best = (route, [])
                break
            }
            // Prefer a route the applicant's degree fits, then the one with the fewest shortfalls.
            func score(_ f: [EligibilityReason]) -> Int {
                (f.contains { $0.rule == "eligibility.degree" } ? 1000 : 0) + f.count
            }
            if best == nil || score(failures) < score(best!.failures) { best = (route, failures) }
        }
        if let best, !best.failures.isEmpty {
            reasons += best.failures
        } else if let best {
            // Say what relieved the route that was met, and only what mattered to it.
            let hasYears = best.route.years != nil || best.route.yearsSinceDegree != nil
            for (r, why) in reliefs {
                var lifted: [String] = []
                if r.waives.contains(.degree), degreeLifted, !best.route.degrees.isEmpty { lifted.append("学历") }
                if r.waives.contains(.years), hasYears, !trackWaived.contains(.years) { lifted.append("任职年限") }
                if !lifted.isEmpty { notes.append("\(why)：不受\(lifted.joined(separator: "、"))限制") }
            }
            if let reliefNote, hasYears, !waived.contains(.years) {
                notes.append(reliefNote)
            }
            if resultsRelief > 0, best.route.minResults != nil {
                notes.append("农村学校教师：业绩成果要求降低\(resultsRelief)项")
            }
        }
        let routeLabel = best.flatMap { $0.failures.isEmpty ? "\(levelRules.title)：\($0.route.label)" : nil }
        return EligibilityDecision(reasons: reasons, route: reasons.isEmpty ? routeLabel : nil, notes: notes)
    }

    func check(
        _ route: Route, facts: EligibilityFacts, on day: Day, waived: Set<Waiver>, relief: Int, resultsRelief: Int
    ) -> [EligibilityReason] {
        var out: [EligibilityReason] = []
        let row = "（\(route.label)）"
        if !route.degrees.isEmpty, !waived.contains(.degree) {
            let accepted = route.degrees.map(\.chinese).joined(separator: "或")
            if let d = facts.degree {
                if !(route.degrees.contains(d) || d > route.degrees.max()!) {
                    out.append(
                        .init(rule: "eligibility.degree", fact: "学历为\(d.chinese)", requirement: "学历应为\(accepted)\(row)")
                    )
                }
            } else {
                out.append(.init(rule: "eligibility.degree", fact: "未提供学历", requirement: "学历应为\(accepted)\(row)"))
            }
        }
        if let skill = route.skillLevel {
            if let s = facts.skillLevel, s >= skill {
            } else {
                out.append(
                    .init(
                        rule: "eligibility.skill-level",
                        fact: facts.skillLevel.map { "职业技能等级为\($0.chinese)" } ?? "未提供职业技能等级",
                        requirement: "应取得\(skill.chinese)及以上职业资格或职业技能等级\(row)"))
            }
        }
        var since: Day?
        var sinceWhat = ""
        if let lower = route.lower, !waived.contains(.lowerTitle) {
            if let current = facts.currentLevel, current >= lower {
                since = facts.currentLevelSince
                sinceWhat = "取得\(lower.chinese)职称"
            } else {
                out.append(
                    .init(
                        rule: "eligibility.lower-title",
                        fact: facts.currentLevel.map { "现有职称为\($0.chinese)" } ?? "无现有职称",
                        requirement: "应具有\(lower.chinese)职称\(row)"))
            }
        } else if route.skillLevel != nil {
            since = facts.skillLevelSince
            sinceWhat = "取得职业技能等级"
        }
        if let years = route.years, !waived.contains(.years), !(route.lower != nil && waived.contains(.lowerTitle)) {
            let needed = max(0, years * 12 - relief)
            if let since {
                let have = EligibilityRules.months(from: since, to: day)
                if have < needed {
                    out.append(
                        .init(
                            rule: "eligibility.years",
                            fact: "\(sinceWhat)于\(since.chinese)，至\(day.chinese)满\(EligibilityRules.duration(have))",
                            requirement: "应满\(EligibilityRules.duration(needed))\(relief > 0 ? "（已放宽）" : "")\(row)"))
                }
            } else if out.allSatisfy({ $0.rule != "eligibility.lower-title" && $0.rule != "eligibility.skill-level" }) {
                out.append(
                    .init(
                        rule: "eligibility.years", fact: "未提供\(sinceWhat.isEmpty ? "取得现职称" : sinceWhat)的时间",
                        requirement: "应满\(EligibilityRules.duration(needed))\(row)"))
            }
        }
        if let years = route.yearsSinceDegree, !waived.contains(.years) {
            let needed = max(0, years * 12 - relief)
            if let since = facts.degreeDate {
                let have = EligibilityRules.months(from: since, to: day)
                if have < needed {
                    out.append(
                        .init(
                            rule: "eligibility.years-since-degree",
                            fact: "毕业于\(since.chinese)，至\(day.chinese)满\(EligibilityRules.duration(have))",
                            requirement: "毕业后从事本专业工作应满\(EligibilityRules.duration(needed))\(row)"))
                }
            } else {
                out.append(
                    .init(
                        rule: "eligibility.years-since-degree", fact: "未提供毕业时间",
                        requirement: "毕业后从事本专业工作应满\(EligibilityRules.duration(needed))\(row)"))
            }
        }
        if let minResults = route.minResults {
            let needed = max(0, minResults - resultsRelief)
            let have = facts.results ?? 0
            if have < needed {
                out.append(
                    .init(
                        rule: "eligibility.results", fact: "业绩成果\(have)项",
                        requirement: "业绩成果应不少于\(needed)项\(resultsRelief > 0 ? "（农村教师已降低要求）" : "")\(row)"))
            }
        }
        return out
    }

    /// Whole months from `a` to `b` (a day of month not yet reached does not count).
    public static func months(from a: Day, to b: Day) -> Int {
        let (ay, am, ad) = a.components
        let (by, bm, bd) = b.components
        return (by - ay) * 12 + (bm - am) - (bd < ad ? 1 : 0)
    }

    /// 2年, 1年11个月, 6个月.
    public static func duration(_ months: Int) -> String {
        let (y, m) = (months / 12, months % 12)
        if m == 0 { return "\(y)年" }
        return y == 0 ? "\(m)个月" : "\(y)年\(m)个月"
    }
}
