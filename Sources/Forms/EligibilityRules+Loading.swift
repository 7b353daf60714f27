import Domain
import Foundation

extension EligibilityRules {
    static let rootKeys: Set<String> = ["form", "title", "levels", "adjustments", "sanction_bars_from", "results_from"]
    static let routeKeys: Set<String> = [
        "degree", "lower", "years", "years_since_degree", "skill_level", "min_results", "label",
    ]
    static let adjustmentKeys: Set<String> = [
        "green_channel", "special_evaluation", "exceptional", "youth", "youth_recommendation", "county_graduate",
        "grassroots_project", "rural_teacher",
    ]

    /// Reads `forms/eligibility/<form>.yaml`:
    ///
    /// ```yaml
    /// form: engineering
    /// levels:
    ///   intermediate:
    ///     title: 工程师
    ///     routes:
    ///       - {degree: doctorate}
    ///       - {degree: [master, second-bachelor], lower: assistant, years: 2}
    /// adjustments:
    ///   green_channel: {talents: [overseas-high-level, urgently-needed], waives: [lower_title, years]}
    ///   youth: {max_age: 35, relief_months: 12}
    ///   youth_recommendation: {max_age: 35, referees: 2, waives: [years]}
    ///   county_graduate: {relief_months: 12}
    /// ```
    ///
    /// Each item-18 route (`youth`, `youth_recommendation`, `county_graduate`,
    /// `grassroots_project`) relieves by `relief_months`, or lifts `waives: [years, degree]`
    /// outright, or both; `levels:` limits it to some levels. A form that offers the
    /// youth-recommendation track must have `youth_recommendation` rules.
    static func parse(_ root: ConfigNode, forms: [String: FormDefinition]) throws(ConfigError) -> EligibilityRules {
        try root.requireOnly(rootKeys)
        let formNode = try root.required("form")
        let formID = try formNode.string()
        let expected = ((root.file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard formID == expected else { throw formNode.error("form 应与文件名一致(应为 \(expected))") }
        guard let form = forms[formID] else { throw formNode.error("没有编号为“\(formID)”的申报表(forms/\(formID).yaml)") }
        var rules = EligibilityRules(formID: formID, file: root.file, levels: [:])
        for (key, node) in try root.required("levels").entries() {
            guard let level = Level(rawValue: key) ?? Level(chinese: key) else {
                throw node.error("未知的级别“\(key)”")
            }
            guard form.levels.contains(level) else { throw node.error("申报表 \(formID) 不含级别 \(key)") }
            try node.requireOnly(["title", "routes"])
            var routes: [Route] = []
            for item in try node.required("routes").items() {
                routes.append(try route(item, target: level))
            }
            if routes.isEmpty { throw node.error("至少需要一条申报条件", childKey: "routes") }
            rules.levels[level] = LevelRules(title: try node.string("title", default: level.chinese), routes: routes)
        }
        if let node = root["results_from"] {
            for item in try node.items() {
                let id = try item.string()
                switch form.field(id)?.type {
                case .group?, .attachment?: rules.resultFields.append(id)
                case nil: throw item.error("申报表 \(formID) 没有字段“\(id)”")
                default: throw item.error("字段“\(id)”不是可重复项,不能计为业绩成果")
                }
            }
        }
        if let bar = root["sanction_bars_from"] {
            guard let kind = SanctionKind(rawValue: try bar.string()) else { throw bar.error("未知的处分种类") }
            rules.barringSanction = kind
        }
        if let adjustments = root["adjustments"] {
            try adjustments.requireOnly(adjustmentKeys)
            if let n = adjustments["green_channel"] { rules.greenChannel = try track(n, form: form) }
            if let n = adjustments["special_evaluation"] { rules.specialEvaluation = try track(n, form: form) }
            if let n = adjustments["exceptional"] { rules.exceptional = try track(n, form: form) }
            if let n = adjustments["youth"] { rules.youth = try relief(n, form: form, extra: ["max_age"]) }
            if let n = adjustments["youth_recommendation"] {
                rules.youthRecommendation = try relief(n, form: form, extra: ["max_age", "referees"])
            }
            if let n = adjustments["county_graduate"] { rules.countyGraduate = try relief(n, form: form) }
            if let n = adjustments["grassroots_project"] { rules.grassrootsProject = try relief(n, form: form) }
            if let n = adjustments["rural_teacher"] {
                try n.requireOnly(["results_relief"])
                rules.ruralTeacherResultsRelief = try n.int("results_relief", default: 0, in: 0...20)
            }
        }
        if form.tracks.contains(.youthRecommendation), rules.youthRecommendation == nil {
            throw (root["adjustments"] ?? root).error(
                "申报表 \(formID) 开放青年人才举荐通道，须设 adjustments.youth_recommendation（举荐专家人数、放宽或免除）")
        }
        return rules
    }

    static func route(_ node: ConfigNode, target: Level) throws(ConfigError) -> Route {
        try node.requireOnly(routeKeys)
        var degrees: [Degree] = []
        if let d = node["degree"] {
            for s in try d.stringList() {
                guard let degree = Degree(rawValue: s) ?? Degree.allCases.first(where: { $0.chinese == s }) else {
                    throw d.error("未知的学历“\(s)”(可用: \(Degree.allCases.map(\.rawValue).joined(separator: "、")))")
                }
                degrees.append(degree)
            }
        }
        var lower: Level?
        if let l = node["lower"] {
            let s = try l.string()
            if s != "none" {
                guard let level = Level(rawValue: s) ?? Level(chinese: s) else { throw l.error("未知的级别“\(s)”") }
                guard level < target else { throw l.error("所需现职称应低于申报级别") }
                lower = level
            }
        }
        var skill: SkillLevel?
        if let s = node["skill_level"] {
            guard let value = SkillLevel(rawValue: try s.string()) else {
                throw s.error("未知的职业技能等级(可用: \(SkillLevel.allCases.map(\.rawValue).joined(separator: "、")))")
            }
            skill = value
        }
        let years = try node["years"].map { n throws(ConfigError) in try n.int() }
        if years != nil, node["lower"] == nil, skill == nil { lower = target.lower }
        let sinceDegree = try node["years_since_degree"].map { n throws(ConfigError) in try n.int() }
        let minResults = try node["min_results"].map { n throws(ConfigError) in try n.int() }
        var label = try node["label"]?.string() ?? ""
        if label.isEmpty {
            var parts: [String] = []
            if !degrees.isEmpty { parts.append(degrees.map(\.chinese).joined(separator: "或")) }
            if let skill { parts.append("取得\(skill.chinese)") }
            if let lower { parts.append("取得\(lower.chinese)职称") }
            if let years { parts.append("满\(years)年") }
            if let sinceDegree { parts.append("毕业后见习\(sinceDegree)年") }
            if let minResults { parts.append("业绩成果\(minResults)项以上") }
            label = parts.isEmpty ? "无学历和年限要求" : parts.joined(separator: "，")
        }
        return Route(
            degrees: degrees, lower: lower, years: years, yearsSinceDegree: sinceDegree, skillLevel: skill,
            minResults: minResults, label: label)
    }

    static func track(_ node: ConfigNode, form: FormDefinition) throws(ConfigError) -> TrackAdjustment {
        try node.requireOnly(["levels", "waives", "talents", "referees"])
        let levels = try node["levels"].map { n throws(ConfigError) in try FormLoader.levels(n) }
        var waives = Set<Waiver>()
        if let w = node["waives"] {
            for s in try w.stringList() {
                guard let waiver = Waiver(rawValue: s) else {
                    throw w.error("未知的免除项“\(s)”(可用: \(Waiver.allCases.map(\.rawValue).joined(separator: "、")))")
                }
                waives.insert(waiver)
            }
        }
        var talents: [TalentCategory] = []
        if let t = node["talents"] {
            for s in try t.stringList() {
                guard let c = TalentCategory(rawValue: s) else { throw t.error("未知的人才类别“\(s)”") }
                talents.append(c)
            }
        }
        return TrackAdjustment(
            levels: levels, waives: waives, talents: talents, referees: try node.int("referees", default: 2, in: 0...10)
        )
    }

    /// One item-18 route: `relief_months` (default 12 unless `waives` is given), `waives`
    /// (`years`, `degree`), `levels`, and the `extra` keys it allows (`max_age`, `referees`).
    static func relief(_ node: ConfigNode, form: FormDefinition, extra: Set<String> = []) throws(ConfigError) -> Relief
    {
        try node.requireOnly(Set(["relief_months", "waives", "levels"]).union(extra))
        var waives = Set<Waiver>()
        if let w = node["waives"] {
            for s in try w.stringList() {
                guard let waiver = Waiver(rawValue: s), waiver != .lowerTitle else {
                    throw w.error("未知或不允许的免除项“\(s)”（可用：years、degree；这些途径不越级，不能免除 lower_title）")
                }
                waives.insert(waiver)
            }
        }
        let months = try node.int("relief_months", default: waives.isEmpty ? 12 : 0, in: 0...120)
        let maxAge = try node["max_age"].map { n throws(ConfigError) in try n.int() }
        if let maxAge, !(16...70).contains(maxAge) { throw node.error("max_age 应在 16 到 70 之间", childKey: "max_age") }
        let referees = try node.int("referees", default: 0, in: 0...10)
        var levels: [Level]?
        if let l = node["levels"] {
            let list = try FormLoader.levels(l)
            for level in list where !form.levels.contains(level) {
                throw l.error("申报表 \(form.id) 不含级别 \(level.rawValue)")
            }
            levels = list
        }
        return Relief(months: months, waives: waives, maxAge: maxAge, referees: referees, levels: levels)
    }
}
