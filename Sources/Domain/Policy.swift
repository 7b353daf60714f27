import Foundation

/// A ratio such as ⅔, compared in integers so the edges are exact.
public struct Fraction: Hashable, Codable, Sendable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0)
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `count / total ≥ self`.
    public func isMet(by count: Int, of total: Int) -> Bool { count * denominator >= numerator * total }

    /// The smallest count that meets the ratio of `total`.
    public func minimum(of total: Int) -> Int { (numerator * total + denominator - 1) / denominator }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// Every number that provinces vary, with the defaults from RULES.md. Loaded from
/// `policy/policy.yaml`; code never hard-codes these.
public struct Policy: Sendable, Equatable {
    public struct Region: Sendable, Equatable {
        /// Administrative division code used in certificate numbers (焦作市 410800 → "4108").
        public var code = "4108"
        public var name = "焦作市"
        public var authority = "焦作市人力资源和社会保障局"
        public var office = "焦作市职称改革领导小组办公室"
        /// Prefix of document numbers 文号, e.g. 焦职改 → 焦职改〔2026〕12号.
        public var documentPrefix = "焦职改"
        public var objectionContact = "焦作市职称改革领导小组办公室 0391-0000000"
        public var verificationBaseURL = "https://pingshen.example.gov.cn/verify"
    }

    public struct Committee: Sendable, Equatable {
        public var quorum = Fraction(2, 3)
        public var pass = Fraction(2, 3)
        /// Experts drawn per expert needed (1:2 → 2): the extra ones replace recused experts.
        public var drawRatio = 2
        public var minimumSeniorBySeries = 25
        public var minimumSeniorBySpecialty = 11
        public var minimumIntermediateBySeries = 15
        public var minimumIntermediateBySpecialty = 7
        public var minimumJunior = 7
        public var expertTermYears = 3
        public var committeeTermYears = 3
    }

    /// Devolution 评审权限下放 (seed item 6): which series and levels the committee of the
    /// applicant's unit's county 县（市、区） reviews, and who concludes the county's results.
    public struct Devolution: Sendable, Equatable {
        /// How a county committee's results are concluded.
        public enum CountyResults: String, Sendable, Equatable, CaseIterable {
            /// The county confirms 确认 them (the application ends `confirmed`).
            case confirmedByCounty = "confirmed_by_county"
            /// They are filed 备案 with the city (the application ends `filed`).
            case filedWithCity = "filed_with_city"
        }
        /// Series → levels reviewed by county committees (default 中小学一级教师: the
        /// primary and secondary teachers' intermediate level).
        public var county: [Series: Set<Level>] = [.primarySecondaryTeachers: [.intermediate]]
        public var countyResults = CountyResults.confirmedByCounty
        /// The city's counties 县（市、区）: units choose one when they register, county staff
        /// accounts are scoped to one, a county confirms under its own 文号 prefix.
        public var counties: [County] = County.jiaozuo

        /// The county with division code `code`, if the policy lists it.
        public func county(_ code: String) -> County? { counties.first { $0.code == code } }

        /// 修武县（410821）, or the code alone when the policy does not list it.
        public func countyName(_ code: String) -> String { county(code)?.name ?? code }

        /// Whether `series` at `level` is reviewed in the applicant's unit's county.
        public func isDevolvedToCounty(_ series: Series, _ level: Level) -> Bool {
            county[series]?.contains(level) == true
        }
    }

    /// One county 县（市、区） of the city: its six-digit division code, name and the prefix of
    /// its decisions' 文号 (修职改 → 修职改〔2026〕3号).
    public struct County: Sendable, Equatable, Hashable {
        public var code: String
        public var name: String
        public var documentPrefix: String

        public init(code: String, name: String, documentPrefix: String) {
            self.code = code
            self.name = name
            self.documentPrefix = documentPrefix
        }

        /// 焦作市's districts, county-level cities and counties (GB/T 2260).
        public static let jiaozuo: [County] = [
            County(code: "410802", name: "解放区", documentPrefix: "解职改"),
            County(code: "410803", name: "中站区", documentPrefix: "中职改"),
            County(code: "410804", name: "马村区", documentPrefix: "马职改"),
            County(code: "410811", name: "山阳区", documentPrefix: "山职改"),
            County(code: "410821", name: "修武县", documentPrefix: "修职改"),
            County(code: "410822", name: "博爱县", documentPrefix: "博职改"),
            County(code: "410823", name: "武陟县", documentPrefix: "武职改"),
            County(code: "410825", name: "温县", documentPrefix: "温职改"),
            County(code: "410882", name: "沁阳市", documentPrefix: "沁职改"),
            County(code: "410883", name: "孟州市", documentPrefix: "孟职改"),
        ]
    }

    public var region = Region()
    public var devolution = Devolution()
    /// Unit-level notice before recommending upward (working days).
    public var unitNoticeWorkingDays = 5
    /// The office sends the one-time correction notice within this many working days.
    public var correctionNoticeWithinWorkingDays = 3
    /// The applicant answers a correction notice within this many working days, else it lapses.
    public var correctionAnswerWorkingDays = 10
    /// Public notice 公示 of results (working days).
    public var publicNoticeWorkingDays = 5
    /// The notice starts within this many calendar days of the meeting.
    public var publicNoticeStartWithinDays = 30
    /// Confirmation 确认 / filing 备案 within this many working days after the notice.
    public var confirmationWorkingDays = 10
    /// Re-examination 复查 may be asked within this many calendar days of the notice.
    public var reexaminationWindowDays = 30
    /// Integrity record (blacklist) after fraud, in years.
    public var blacklistYears = 3
    /// Suspension of a unit that supplied false proof, in years.
    public var unitSuspensionYears = 2
    public var committee = Committee()
    /// Share of certified applications drawn for the post-hoc pledge check, in percent.
    public var postHocSamplePercent = 10
    /// Objections 异议 lodged online on a public notice.
    public struct Objections: Sendable, Equatable {
        /// Objections one client address may lodge per hour (then one more per 60/n minutes).
        public var perAddressPerHour = 5
        /// The facts: at least and at most this many characters.
        public var factsMinCharacters = 10
        public var factsMaxCharacters = 2000
    }
    public var objections = Objections()
    /// Certificate number: `{region}{year}{series}{level}{seq}`; seq is zero-padded to this width.
    public var certificateSequenceDigits = 5

    public init() {}

    public static let defaults = Policy()

    /// Reads `policy.yaml`; unknown keys and out-of-range values name the file, line and key.
    public static func parse(_ root: ConfigNode) throws(ConfigError) -> Policy {
        var p = Policy()
        try root.requireOnly([
            "region", "unit_notice_working_days", "correction", "public_notice", "confirmation_working_days",
            "reexamination_window_days", "integrity", "committee", "post_hoc_sample_percent",
            "certificate_sequence_digits", "devolution", "objections",
        ])
        if let r = root["region"] {
            try r.requireOnly([
                "code", "name", "authority", "office", "document_prefix", "objection_contact", "verification_base_url",
            ])
            p.region.code = try r.string("code", default: p.region.code)
            guard p.region.code.count >= 2, p.region.code.allSatisfy(\.isNumber) else {
                throw try r.required("code").error("地区代码应为数字")
            }
            p.region.name = try r.string("name", default: p.region.name)
            p.region.authority = try r.string("authority", default: p.region.authority)
            p.region.office = try r.string("office", default: p.region.office)
            p.region.documentPrefix = try r.string("document_prefix", default: p.region.documentPrefix)
            p.region.objectionContact = try r.string("objection_contact", default: p.region.objectionContact)
            p.region.verificationBaseURL = try r.string("verification_base_url", default: p.region.verificationBaseURL)
        }
        p.unitNoticeWorkingDays = try root.int("unit_notice_working_days", default: 5, in: 1...60)
        if let c = root["correction"] {
            try c.requireOnly(["notice_within_working_days", "answer_working_days"])
            p.correctionNoticeWithinWorkingDays = try c.int("notice_within_working_days", default: 3, in: 1...60)
            p.correctionAnswerWorkingDays = try c.int("answer_working_days", default: 10, in: 1...120)
        }
        if let n = root["public_notice"] {
            try n.requireOnly(["working_days", "start_within_days"])
            p.publicNoticeWorkingDays = try n.int("working_days", default: 5, in: 5...60)
            p.publicNoticeStartWithinDays = try n.int("start_within_days", default: 30, in: 1...120)
        }
        p.confirmationWorkingDays = try root.int("confirmation_working_days", default: 10, in: 1...120)
        p.reexaminationWindowDays = try root.int("reexamination_window_days", default: 30, in: 1...365)
        if let i = root["integrity"] {
            try i.requireOnly(["blacklist_years", "unit_suspension_years"])
            p.blacklistYears = try i.int("blacklist_years", default: 3, in: 1...20)
            p.unitSuspensionYears = try i.int("unit_suspension_years", default: 2, in: 1...20)
        }
        if let c = root["committee"] {
            try c.requireOnly([
                "quorum", "pass", "draw_ratio", "minimum_members", "expert_term_years", "committee_term_years",
            ])
            if let q = c["quorum"] { p.committee.quorum = try fraction(q) }
            if let q = c["pass"] { p.committee.pass = try fraction(q) }
            p.committee.drawRatio = try c.int("draw_ratio", default: 2, in: 1...10)
            if let m = c["minimum_members"] {
                try m.requireOnly([
                    "senior_by_series", "senior_by_specialty", "intermediate_by_series", "intermediate_by_specialty",
                    "junior",
                ])
                p.committee.minimumSeniorBySeries = try m.int("senior_by_series", default: 25, in: 3...999)
                p.committee.minimumSeniorBySpecialty = try m.int("senior_by_specialty", default: 11, in: 3...999)
                p.committee.minimumIntermediateBySeries = try m.int("intermediate_by_series", default: 15, in: 3...999)
                p.committee.minimumIntermediateBySpecialty = try m.int(
                    "intermediate_by_specialty", default: 7, in: 3...999)
                p.committee.minimumJunior = try m.int("junior", default: 7, in: 3...999)
            }
            p.committee.expertTermYears = try c.int("expert_term_years", default: 3, in: 1...10)
            p.committee.committeeTermYears = try c.int("committee_term_years", default: 3, in: 1...10)
        }
        if let d = root["devolution"] { p.devolution = try devolution(d) }
        p.postHocSamplePercent = try root.int("post_hoc_sample_percent", default: 10, in: 0...100)
        p.certificateSequenceDigits = try root.int("certificate_sequence_digits", default: 5, in: 3...9)
        if let o = root["objections"] {
            try o.requireOnly(["per_address_per_hour", "facts_min_characters", "facts_max_characters"])
            p.objections.perAddressPerHour = try o.int("per_address_per_hour", default: 5, in: 1...1000)
            p.objections.factsMinCharacters = try o.int("facts_min_characters", default: 10, in: 1...1000)
            p.objections.factsMaxCharacters = try o.int(
                "facts_max_characters", default: 2000, in: p.objections.factsMinCharacters...20000)
        }
        return p
    }

    /// `devolution:` — `county:` maps series ids to lists of level ids (an empty mapping devolves
    /// nothing); `county_results:` is `confirmed_by_county` or `filed_with_city`; `counties:` lists
    /// each county's `code` (six digits), `name` and `document_prefix`.
    static func devolution(_ node: ConfigNode) throws(ConfigError) -> Devolution {
        var d = Devolution()
        try node.requireOnly(["county", "county_results", "counties"])
        if let list = node["counties"] {
            var counties: [County] = []
            for item in try list.items() {
                try item.requireOnly(["code", "name", "document_prefix"])
                let codeNode = try item.required("code")
                let code = try codeNode.string()
                guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }), !code.hasSuffix("00") else {
                    throw codeNode.error("县（市、区）代码应为6位行政区划代码（不以00结尾）")
                }
                guard !counties.contains(where: { $0.code == code }) else { throw codeNode.error("县（市、区）代码\(code)重复") }
                let name = try item.required("name").string()
                let prefix = try item.required("document_prefix").string()
                guard !name.isEmpty, !prefix.isEmpty else { throw item.error("县（市、区）须有名称（name）和文号前缀（document_prefix）") }
                counties.append(County(code: code, name: name, documentPrefix: prefix))
            }
            d.counties = counties
        }
        if let c = node["county"] {
            var county: [Series: Set<Level>] = [:]
            if c.isMapping {
                for (key, value) in try c.entries() {
                    guard let series = Series(rawValue: key) else { throw value.error("未知的职称系列“\(key)”") }
                    var levels = Set<Level>()
                    for text in try value.stringList() {
                        guard let level = Level(rawValue: text) else { throw value.error("未知的级别“\(text)”") }
                        levels.insert(level)
                    }
                    county[series] = levels
                }
            } else {
                let text = c.isScalar ? try c.string() : "-"
                guard ["", "~", "null"].contains(text) else { throw c.error("应为职称系列到级别列表的映射") }
            }
            d.county = county
        }
        if let r = node["county_results"] {
            let text = try r.string()
            guard let value = Devolution.CountyResults(rawValue: text) else {
                throw r.error("应为 confirmed_by_county（县级确认）或 filed_with_city（报市备案）")
            }
            d.countyResults = value
        }
        return d
    }

    /// `"2/3"` → ⅔, strictly between 0 and 1 inclusive of 1.
    static func fraction(_ node: ConfigNode) throws(ConfigError) -> Fraction {
        let text = try node.string()
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let d = Int(parts[1].trimmingCharacters(in: .whitespaces)), d > 0, n > 0, n <= d
        else { throw node.error("应为分数,如 2/3") }
        return Fraction(n, d)
    }

    public static func load(path: String) throws(ConfigError) -> Policy {
        try parse(ConfigNode.load(path: path))
    }
}

/// The rules an office edits: the policy numbers, the working-day calendar and the retention
/// schedule 归档范围和保管期限表.
public struct Rulebook: Sendable {
    public var policy: Policy
    public var calendar: WorkingCalendar
    public var retention: RetentionSchedule

    public init(policy: Policy, calendar: WorkingCalendar, retention: RetentionSchedule = .defaults) {
        self.policy = policy
        self.calendar = calendar
        self.retention = retention
    }

    /// Loads `DIR/policy.yaml`, `DIR/calendar/*.yaml` and `DIR/retention.yaml` (the shipped
    /// schedule when the office has none).
    public static func load(directory: String) throws(ConfigError) -> Rulebook {
        let policy = try Policy.load(path: (directory as NSString).appendingPathComponent("policy.yaml"))
        let calendar = try WorkingCalendar.load(directory: (directory as NSString).appendingPathComponent("calendar"))
        let retention = try RetentionSchedule.load(directory: directory)
        return Rulebook(policy: policy, calendar: calendar, retention: retention)
    }
}
