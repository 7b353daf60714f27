import Domain

extension EligibilityFacts {
    /// The facts a declaration states about its applicant: the level and track applied for, the
    /// highest degree and when it was obtained, the title held now (read from its Chinese name)
    /// and since when, the skill level, the special-track claims, the seed's item-18 routes (youth
    /// results, the 举荐 recommendation and its referees, county graduates, grassroots-project
    /// staff) and a rural school's teacher. What only the office's records
    /// can say (blacklist, unit suspension, retirement, sanctions) is left for the caller.
    ///
    /// ```swift
    /// var facts = EligibilityFacts.declared(in: data, series: form.series)
    /// facts.blacklistedUntil = …  // from the integrity file
    /// ```
    public static func declared(in data: JSONValue, series: Series) -> EligibilityFacts {
        let level = data["level"]?.string.flatMap(Level.init(rawValue:)) ?? .intermediate
        var facts = EligibilityFacts(targetLevel: level)
        facts.track = data["track"]?.string.flatMap(Track.init(rawValue:)) ?? .normal
        facts.birthDate = data["birth_date"]?.string.flatMap { Day($0) }
        facts.degree = data["highest_degree"]?.string.flatMap(Degree.init(rawValue:))
        let education = data["education"]?.array ?? []
        if let degree = facts.degree {
            facts.degreeDate =
                education
                .filter { $0["degree"]?.string == degree.rawValue }
                .compactMap { $0["end_date"]?.string.flatMap { Day($0) } }
                .min()
        }
        facts.isCountyGraduate = education.contains { $0["county_graduate"]?.bool == true }
        if let title = data["current_title"]?.string, !title.isEmpty {
            facts.currentLevel = TitleNames.level(of: title, series: series)
            facts.currentLevelSince = data["current_title_date"]?.string.flatMap { Day($0) }
        }
        facts.skillLevel = data["skill_level"]?.string.flatMap(SkillLevel.init(rawValue:))
        facts.skillLevelSince = data["skill_certificate_date"]?.string.flatMap { Day($0) }
        facts.talentCategory = data["talent_category"]?.string.flatMap(TalentCategory.init(rawValue:))
        facts.hasMajorContribution = !(data["major_contribution"]?.string ?? "").isEmpty
        facts.fullSeniorReferees = data["referees"]?.array?.count ?? 0
        facts.hasOutstandingResults = !Self.blank(data["outstanding_results"])
        // The office's acceptance is declared (letter and reference number) and checked in review.
        facts.isRecommended =
            !(data["recommendation_letter"]?.array ?? []).isEmpty && !Self.blank(data["recommendation_acceptance"])
        facts.youthReferees = data["youth_referees"]?.array?.count ?? 0
        facts.isGrassrootsProjectStaff = data["grassroots_project"]?.bool == true
        facts.isRuralTeacher = data["school_type"]?.string == "rural"
        return facts
    }

    /// A text answer that is missing or only white space.
    static func blank(_ value: JSONValue?) -> Bool {
        (value?.string ?? "").allSatisfy(\.isWhitespace)
    }
}
