/// Title levels. 初级 is split into 助理级 and 员级.
public enum Level: String, Codable, Sendable, CaseIterable, Comparable {
    case fullSenior = "full-senior"  // 正高级
    case deputySenior = "deputy-senior"  // 副高级
    case intermediate  // 中级
    case assistant  // 助理级 (初级)
    case technician  // 员级 (初级)

    public var chinese: String {
        switch self {
        case .fullSenior: "正高级"
        case .deputySenior: "副高级"
        case .intermediate: "中级"
        case .assistant: "助理级"
        case .technician: "员级"
        }
    }

    /// 0 for 员级 up to 4 for 正高级.
    public var rank: Int {
        switch self {
        case .technician: 0
        case .assistant: 1
        case .intermediate: 2
        case .deputySenior: 3
        case .fullSenior: 4
        }
    }

    public var isSenior: Bool { rank >= 3 }

    /// The level directly below, which one normally holds before applying (nil for 员级).
    public var lower: Level? { Level.allCases.first { $0.rank == rank - 1 } }

    public init?(chinese: String) {
        guard let l = Level.allCases.first(where: { $0.chinese == chinese }) else { return nil }
        self = l
    }

    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// Title series 系列 (RULES.md "Levels and series", plus the seed's rural practical talent).
public enum Series: String, Codable, Sendable, CaseIterable {
    case higherEducationTeachers = "higher-education-teachers"
    case secondaryVocationalTeachers = "secondary-vocational-teachers"
    case technicalSchoolTeachers = "technical-school-teachers"
    case primarySecondaryTeachers = "primary-secondary-teachers"
    case experimentalTechnology = "experimental-technology"
    case naturalScienceResearch = "natural-science-research"
    case socialScienceResearch = "social-science-research"
    case engineering
    case health
    case agriculture
    case economics
    case accounting
    case audit
    case statistics
    case journalism
    case publishing
    case library
    case culturalRelics = "cultural-relics"
    case archives
    case artsAndCrafts = "arts-and-crafts"
    case translation
    case sports
    case art
    case lawyer
    case notary
    case ruralPracticalTalent = "rural-practical-talent"

    public var chinese: String {
        switch self {
        case .higherEducationTeachers: "高等学校教师"
        case .secondaryVocationalTeachers: "中等专业学校教师"
        case .technicalSchoolTeachers: "技工学校教师"
        case .primarySecondaryTeachers: "中小学教师"
        case .experimentalTechnology: "实验技术"
        case .naturalScienceResearch: "自然科学研究"
        case .socialScienceResearch: "社会科学研究"
        case .engineering: "工程技术"
        case .health: "卫生技术"
        case .agriculture: "农业技术"
        case .economics: "经济"
        case .accounting: "会计"
        case .audit: "审计"
        case .statistics: "统计"
        case .journalism: "新闻"
        case .publishing: "出版"
        case .library: "图书资料"
        case .culturalRelics: "文物博物"
        case .archives: "档案"
        case .artsAndCrafts: "工艺美术"
        case .translation: "翻译"
        case .sports: "体育"
        case .art: "艺术"
        case .lawyer: "律师"
        case .notary: "公证"
        case .ruralPracticalTalent: "农村实用人才"
        }
    }

    /// Two-digit code used in certificate numbers.
    public var code: String {
        let index = Series.allCases.firstIndex(of: self)! + 1
        return index < 10 ? "0\(index)" : "\(index)"
    }

    /// Primary and secondary school teachers are never asked for papers (seed item 15).
    public var requiresPapers: Bool { self != .primarySecondaryTeachers }
}

/// How an application enters: the normal route or one of the seed's special routes.
public enum Track: String, Codable, Sendable, CaseIterable {
    case normal
    case greenChannel = "green-channel"  // 绿色通道: imported / overseas high-level talent
    case specialEvaluation = "special-evaluation"  // 特殊评价: major invention or contribution
    case exceptional  // 破格: two full-senior referees
    case youthRecommendation = "youth-recommendation"  // 青年人才举荐
    case skillsBridge = "skills-bridge"  // 高技能人才 → 工程技术 (seed item 13)

    public var chinese: String {
        switch self {
        case .normal: "常规申报"
        case .greenChannel: "绿色通道"
        case .specialEvaluation: "特殊评价"
        case .exceptional: "破格申报"
        case .youthRecommendation: "青年人才举荐"
        case .skillsBridge: "高技能人才贯通"
        }
    }

    /// Whether the track lets an applicant skip levels (逐级申报 otherwise).
    public var allowsLevelJump: Bool {
        switch self {
        case .greenChannel, .specialEvaluation, .exceptional: true
        case .normal, .youthRecommendation, .skillsBridge: false
        }
    }
}

/// Unit kinds: anyone working in the city may apply, whatever the employer (seed item 11).
public enum UnitKind: String, Codable, Sendable, CaseIterable {
    case publicInstitution = "public-institution"  // 事业单位
    case stateEnterprise = "state-enterprise"  // 国有企业
    case privateEnterprise = "private-enterprise"  // 非公有制企业
    case socialOrganisation = "social-organisation"  // 社会组织
    case talentAgency = "talent-agency"  // 人才服务机构 (自由职业者)

    public var chinese: String {
        switch self {
        case .publicInstitution: "事业单位"
        case .stateEnterprise: "国有企业"
        case .privateEnterprise: "非公有制企业"
        case .socialOrganisation: "社会组织"
        case .talentAgency: "人才服务机构"
        }
    }
}

/// Who is acting. Every transition checks the actor's role.
public enum Role: String, Codable, Sendable, CaseIterable {
    case applicant
    case unitHR = "unit-hr"
    case officeClerk = "office-clerk"
    case officeHead = "office-head"
    case committeeSecretary = "committee-secretary"
    case expert
    case auditor
    /// The office's archivist 档案管理员: the packages, their catalogue and their checks.
    case archivist
    /// The office's system administrator 系统管理员: staff accounts, units, committees.
    case administrator
    case `public`
    /// The scheduler that lapses overdue items (`tick`); never a person.
    case system

    public var chinese: String {
        switch self {
        case .applicant: "申报人"
        case .unitHR: "用人单位人事部门"
        case .officeClerk: "职改办经办人"
        case .officeHead: "职改办负责人"
        case .committeeSecretary: "评委会秘书"
        case .expert: "评审专家"
        case .auditor: "审计人员"
        case .archivist: "档案管理员"
        case .administrator: "系统管理员"
        case .public: "社会公众"
        case .system: "系统"
        }
    }
}

/// A person or process acting in the system.
public struct Actor: Hashable, Codable, Sendable {
    public var id: String
    public var role: Role
    /// The unit an HR actor works for; the person an applicant account belongs to.
    public var unitID: String?
    public var personID: String?
    /// The county 县（市、区） an office or committee account works for (six-digit division code;
    /// seed item 6): it acts only on that county's applications and sessions. Nil: the city's
    /// staff, who act on everything.
    public var county: String?

    public init(id: String, role: Role, unitID: String? = nil, personID: String? = nil, county: String? = nil) {
        self.id = id
        self.role = role
        self.unitID = unitID
        self.personID = personID
        self.county = county
    }

    public static let system = Actor(id: "system", role: .system)
}
