/// The Chinese name of the title a series and level confer (副高级 工程技术 → 高级工程师).
///
/// Series without a table entry get the generic form 「工程技术副高级职称」.
public enum TitleNames {
    /// Titles from 员级 (index 0) to 正高级 (index 4).
    static let table: [Series: [String]] = [
        .engineering: ["技术员", "助理工程师", "工程师", "高级工程师", "正高级工程师"],
        .primarySecondaryTeachers: ["三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"],
        .health: ["技士", "医师", "主治医师", "副主任医师", "主任医师"],
        .higherEducationTeachers: ["助教", "助教", "讲师", "副教授", "教授"],
        .secondaryVocationalTeachers: ["助理讲师", "助理讲师", "讲师", "高级讲师", "正高级讲师"],
        .technicalSchoolTeachers: ["助理讲师", "助理讲师", "讲师", "高级讲师", "正高级讲师"],
        .agriculture: ["技术员", "助理农艺师", "农艺师", "高级农艺师", "农业技术推广研究员"],
        .economics: ["助理经济师", "助理经济师", "经济师", "高级经济师", "正高级经济师"],
        .accounting: ["助理会计师", "助理会计师", "会计师", "高级会计师", "正高级会计师"],
        .audit: ["助理审计师", "助理审计师", "审计师", "高级审计师", "正高级审计师"],
        .statistics: ["助理统计师", "助理统计师", "统计师", "高级统计师", "正高级统计师"],
        .experimentalTechnology: ["实验员", "助理实验师", "实验师", "高级实验师", "正高级实验师"],
        .naturalScienceResearch: ["研究实习员", "研究实习员", "助理研究员", "副研究员", "研究员"],
        .socialScienceResearch: ["研究实习员", "研究实习员", "助理研究员", "副研究员", "研究员"],
        .library: ["管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员"],
        .archives: ["管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员"],
        .culturalRelics: ["助理馆员", "助理馆员", "馆员", "副研究馆员", "研究馆员"],
        .journalism: ["助理记者", "助理记者", "记者", "主任记者", "高级记者"],
        .publishing: ["助理编辑", "助理编辑", "编辑", "副编审", "编审"],
        .translation: ["三级翻译", "三级翻译", "二级翻译", "一级翻译", "译审"],
        .lawyer: ["四级律师", "四级律师", "三级律师", "二级律师", "一级律师"],
        .notary: ["四级公证员", "四级公证员", "三级公证员", "二级公证员", "一级公证员"],
    ]

    /// The title name, e.g. `title(.engineering, .deputySenior)` → 高级工程师.
    public static func title(_ series: Series, _ level: Level) -> String {
        if let names = table[series] { return names[level.rank] }
        return "\(series.chinese)\(level.chinese)职称"
    }

    /// The level of a title from its Chinese name as people write it (「高级工程师」, 「副教授」,
    /// 「中级」): the series' own names first, then any series' names, then the level words.
    /// Nil when nothing matches.
    public static func level(of name: String, series: Series) -> Level? {
        let text = name.filter { !$0.isWhitespace }
        guard !text.isEmpty else { return nil }
        let levels = Level.allCases.sorted { $0.rank < $1.rank }
        if let names = table[series], let i = names.lastIndex(of: text) { return levels[i] }
        for names in table.values.sorted(by: { $0.description < $1.description }) {
            if let i = names.lastIndex(of: text) { return levels[i] }
        }
        for level in Level.allCases where text.contains(level.chinese) { return level }
        if text.hasPrefix("正高级") { return .fullSenior }
        if text.hasPrefix("副") || text.hasPrefix("高级") { return .deputySenior }
        if text.hasPrefix("助理") { return .assistant }
        return nil
    }
}
