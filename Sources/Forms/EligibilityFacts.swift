import Domain
import Foundation

/// Education levels, lowest first.
public enum Degree: String, Codable, Sendable, CaseIterable, Comparable {
    case secondaryVocational = "secondary-vocational"  // 中专(中职)
    case college  // 大专
    case bachelor  // 本科
    case secondBachelor = "second-bachelor"  // 第二学士学位
    case master  // 硕士
    case doctorate  // 博士

    public var chinese: String {
        switch self {
        case .secondaryVocational: "中专"
        case .college: "大学专科"
        case .bachelor: "大学本科"
        case .secondBachelor: "第二学士学位"
        case .master: "硕士研究生"
        case .doctorate: "博士研究生"
        }
    }

    public var rank: Int { Degree.allCases.firstIndex(of: self)! }
    public static func < (a: Degree, b: Degree) -> Bool { a.rank < b.rank }
}

/// Vocational skill levels (职业资格/职业技能等级) for the skills → engineering route, lowest first.
public enum SkillLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case seniorWorker = "senior-worker"  // 高级工
    case technician  // 技师
    case seniorTechnician = "senior-technician"  // 高级技师

    public var chinese: String {
        switch self {
        case .seniorWorker: "高级工"
        case .technician: "技师"
        case .seniorTechnician: "高级技师"
        }
    }

    public static func < (a: SkillLevel, b: SkillLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Disciplinary sanctions of public-institution staff, lightest first. 记过 or heavier bars
/// an application while it runs.
public enum SanctionKind: String, Codable, Sendable, CaseIterable, Comparable {
    case warning  // 警告
    case demerit  // 记过
    case demotion  // 降低岗位等级
    case dismissal  // 撤职
    case expulsion  // 开除

    public var chinese: String {
        switch self {
        case .warning: "警告"
        case .demerit: "记过"
        case .demotion: "降低岗位等级"
        case .dismissal: "撤职"
        case .expulsion: "开除"
        }
    }

    public static func < (a: SanctionKind, b: SanctionKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Imported talent eligible for the green channel (seed item 11).
public enum TalentCategory: String, Codable, Sendable, CaseIterable {
    case overseasHighLevel = "overseas-high-level"  // 海外高层次人才
    case urgentlyNeeded = "urgently-needed"  // 引进的急需紧缺人才

    public var chinese: String {
        switch self {
        case .overseasHighLevel: "海外高层次人才"
        case .urgentlyNeeded: "引进的急需紧缺人才"
        }
    }
}

/// What the eligibility engine needs to know about an applicant. Some come from the form,
/// the rest from the office's records (integrity file, unit standing, personnel records).
///
/// Read from JSON with snake_case keys (`target_level`, `blacklisted_until`, …); every key
/// but `target_level` may be left out.
public struct EligibilityFacts: Codable, Sendable, Equatable {
    public struct Sanction: Codable, Sendable, Equatable {
        public var kind: SanctionKind
        /// The first day the person may apply again (`BarEnd`: the sanction bars the days before it).
        public var until: Day
        public init(kind: SanctionKind, until: Day) {
            self.kind = kind
            self.until = until
        }
    }

    public var targetLevel: Level
    public var track: Track = .normal
    public var birthDate: Day?
    public var degree: Degree?
    public var degreeDate: Day?
    /// The title held now and the day it was obtained.
    public var currentLevel: Level?
    public var currentLevelSince: Day?
    /// For the skills → engineering route.
    public var skillLevel: SkillLevel?
    public var skillLevelSince: Day?
    /// On the blacklist 失信黑名单 until this day: the first day the person may apply again
    /// (`BarEnd`; `PersonIntegrityMachine.recordEnd`).
    public var blacklistedUntil: Day?
    /// The employer's title work is suspended until this day: the first day its staff may apply
    /// again (`BarEnd`; `UnitStandingMachine.suspendedUntil`).
    public var unitSuspendedUntil: Day?
    public var isRetired = false
    public var sanction: Sanction?
    public var talentCategory: TalentCategory?
    /// A major invention or contribution (special evaluation 特殊评价).
    public var hasMajorContribution = false
    /// Full-senior (正高) experts in the field who recommend a 破格 application.
    public var fullSeniorReferees = 0
    /// Outstanding ability or results (youth, seed item 18): the declaration describes them
    /// (`outstanding_results`).
    public var hasOutstandingResults = false
    /// The office 职改办 accepted a youth talent recommendation 举荐 for the applicant: the
    /// declaration holds the recommendation letter and the acceptance's reference number.
    public var isRecommended = false
    /// Referees of the youth recommendation 举荐专家 (`youth_referees`).
    public var youthReferees = 0
    /// A graduate working or starting a business at county level.
    public var isCountyGraduate = false
    /// Staff of a grassroots service project (三支一扶, 西部计划 …).
    public var isGrassrootsProjectStaff = false
    /// Teaches at a rural school.
    public var isRuralTeacher = false
    /// Count of performance results (teaching awards, extension results …) the rules compare
    /// with `min_results`.
    public var results: Int?

    public init(targetLevel: Level) { self.targetLevel = targetLevel }

    enum CodingKeys: String, CodingKey {
        case targetLevel = "target_level", track, birthDate = "birth_date", degree, degreeDate = "degree_date"
        case currentLevel = "current_level", currentLevelSince = "current_level_since"
        case skillLevel = "skill_level", skillLevelSince = "skill_level_since"
        case blacklistedUntil = "blacklisted_until", unitSuspendedUntil = "unit_suspended_until"
        case isRetired = "retired", sanction, talentCategory = "talent_category"
        case hasMajorContribution = "major_contribution", fullSeniorReferees = "full_senior_referees"
        case hasOutstandingResults = "outstanding_results", isRecommended = "recommended"
        case youthReferees = "youth_referees"
        case isCountyGraduate = "county_graduate", isGrassrootsProjectStaff = "grassroots_project"
        case isRuralTeacher = "rural_teacher", results
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        targetLevel = try c.decode(Level.self, forKey: .targetLevel)
        track = try c.decodeIfPresent(Track.self, forKey: .track) ?? .normal
        birthDate = try c.decodeIfPresent(Day.self, forKey: .birthDate)
        degree = try c.decodeIfPresent(Degree.self, forKey: .degree)
        degreeDate = try c.decodeIfPresent(Day.self, forKey: .degreeDate)
        currentLevel = try c.decodeIfPresent(Level.self, forKey: .currentLevel)
        currentLevelSince = try c.decodeIfPresent(Day.self, forKey: .currentLevelSince)
        skillLevel = try c.decodeIfPresent(SkillLevel.self, forKey: .skillLevel)
        skillLevelSince = try c.decodeIfPresent(Day.self, forKey: .skillLevelSince)
        blacklistedUntil = try c.decodeIfPresent(Day.self, forKey: .blacklistedUntil)
        unitSuspendedUntil = try c.decodeIfPresent(Day.self, forKey: .unitSuspendedUntil)
        isRetired = try c.decodeIfPresent(Bool.self, forKey: .isRetired) ?? false
        sanction = try c.decodeIfPresent(Sanction.self, forKey: .sanction)
        talentCategory = try c.decodeIfPresent(TalentCategory.self, forKey: .talentCategory)
        hasMajorContribution = try c.decodeIfPresent(Bool.self, forKey: .hasMajorContribution) ?? false
        fullSeniorReferees = try c.decodeIfPresent(Int.self, forKey: .fullSeniorReferees) ?? 0
        hasOutstandingResults = try c.decodeIfPresent(Bool.self, forKey: .hasOutstandingResults) ?? false
        isRecommended = try c.decodeIfPresent(Bool.self, forKey: .isRecommended) ?? false
        youthReferees = try c.decodeIfPresent(Int.self, forKey: .youthReferees) ?? 0
        isCountyGraduate = try c.decodeIfPresent(Bool.self, forKey: .isCountyGraduate) ?? false
        isGrassrootsProjectStaff = try c.decodeIfPresent(Bool.self, forKey: .isGrassrootsProjectStaff) ?? false
        isRuralTeacher = try c.decodeIfPresent(Bool.self, forKey: .isRuralTeacher) ?? false
        results = try c.decodeIfPresent(Int.self, forKey: .results)
    }

    /// Reads facts from JSON text.
    public static func parse(_ data: Data) throws(FormsError) -> EligibilityFacts {
        do { return try JSONDecoder().decode(EligibilityFacts.self, from: data) } catch {
            throw .invalidJSON("\(error)")
        }
    }
}
