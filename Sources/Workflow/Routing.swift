public import Domain

/// A unit's self-review authority 自主评审权 as the bureau's decision grants it: the series and
/// the levels its own committee reviews (every series × every level listed), under a 文号.
public struct SelfReviewGrant: Codable, Sendable, Equatable {
    public var series: [Series]
    public var levels: [Level]
    public var decisionNumber: String
    public var from: Day

    public init(series: [Series], levels: [Level], decisionNumber: String, from: Day) {
        self.series = series
        self.levels = levels
        self.decisionNumber = decisionNumber
        self.from = from
    }

    public func covers(_ series: Series, _ level: Level) -> Bool {
        self.series.contains(series) && levels.contains(level)
    }

    /// 高等学校教师（副高级、正高级）
    public var chinese: String {
        series.map(\.chinese).joined(separator: "、") + "（" + levels.map(\.chinese).joined(separator: "、") + "）"
    }
}

/// Which committee reviews an application (seed item 6, 有序推进评审权限下放): the unit's own
/// committee when the unit holds a self-review grant covering the series and level; the
/// committee of the unit's county 县（市、区） when the policy devolves the series and level to
/// counties (`policy.devolution.county`, default 中小学一级教师) and the unit has a county;
/// otherwise the city's. A jurisdiction is written as committees write theirs: `city`, a
/// county's six-digit division code, or `unit:<unit id>`.
public enum Routing {
    public static let city = "city"
    static let unitPrefix = "unit:"

    /// `unit:<unit id>`: the jurisdiction of a self-reviewing unit's committee.
    public static func unit(_ unitID: String) -> String { unitPrefix + unitID }

    /// The unit id of a `unit:` jurisdiction.
    public static func unitID(of jurisdiction: String) -> String? {
        jurisdiction.hasPrefix(unitPrefix) ? String(jurisdiction.dropFirst(unitPrefix.count)) : nil
    }

    /// A county's six-digit division code (not the city's own, ending 00).
    public static func isCounty(_ text: String) -> Bool {
        text.count == 6 && text.allSatisfy { $0.isASCII && $0.isNumber } && !text.hasSuffix("00")
    }

    /// The county in a unified social credit code (GB 32100: characters 3–8 are the division
    /// code of the registering authority), nil when it is the city's own or a province's.
    public static func county(fromCreditCode code: String) -> String? {
        let chars = Array(code)
        guard chars.count == 18 else { return nil }
        let division = String(chars[2..<8])
        return isCounty(division) ? division : nil
    }

    /// The jurisdiction whose committee reviews `series` at `level` for an applicant of `unitID`
    /// (in `county`, nil when unknown or at city level; holding `grant`, if any).
    public static func jurisdiction(
        series: Series, level: Level, unitID: String, county: String?, grant: SelfReviewGrant?, policy: Policy
    ) -> String {
        if let grant, grant.covers(series, level) { return unit(unitID) }
        if let county, isCounty(county), policy.devolution.isDevolvedToCounty(series, level) { return county }
        return city
    }

    /// An application's jurisdiction (profiles made before routing are the city's, or their
    /// unit's when the unit reviewed on its own).
    public static func jurisdiction(of profile: ApplicationProfile) -> String {
        profile.jurisdiction ?? (profile.unitHasSelfReviewAuthority ? unit(profile.unitID) : city)
    }

    /// Whether the application's result is filed 备案 rather than confirmed: a self-reviewing
    /// unit's always; a county's when the policy says `filed_with_city`.
    public static func resultIsFiled(_ profile: ApplicationProfile, policy: Policy) -> Bool {
        let j = jurisdiction(of: profile)
        if unitID(of: j) != nil { return true }
        if isCounty(j) { return policy.devolution.countyResults == .filedWithCity }
        return false
    }

    /// 全市 / 县（市、区）410821 / 单位自主评审（U001）
    public static func chinese(_ jurisdiction: String) -> String {
        if jurisdiction == city { return "全市" }
        if let u = unitID(of: jurisdiction) { return "单位自主评审（\(u)）" }
        return "县（市、区）\(jurisdiction)"
    }

    /// 全市 / 修武县（410821） / 单位自主评审（U001）: a jurisdiction with the county's name from the policy.
    public static func chinese(_ jurisdiction: String, policy: Policy) -> String {
        if isCounty(jurisdiction), let c = policy.devolution.county(jurisdiction) { return "\(c.name)（\(c.code)）" }
        return chinese(jurisdiction)
    }

    /// Why `actor` may not act on application `applicationID` of `jurisdiction`: an account
    /// scoped to a county (`Actor.county`) acts only on its county's applications, a
    /// self-reviewing unit's staff account (office or committee role with `unitID`) only on its
    /// unit's; the city's staff (neither) act on all. Nil when it may.
    public static func scopeRefusal(
        actor: Actor, applicationID: String, jurisdiction: String, policy: Policy
    ) -> Refusal? {
        // A self-reviewing unit's staff (its committee secretary) act on its own unit's only.
        if actor.county == nil, let own = actor.unitID {
            guard unit(own) != jurisdiction else { return nil }
            return Refusal(
                rule: "scope.other-jurisdiction",
                message: "您是单位\(own)的工作人员，只能办理本单位自主评审的申报；申报\(applicationID)由\(chinese(jurisdiction, policy: policy))评审")
        }
        guard let county = actor.county, county != jurisdiction else { return nil }
        return Refusal(
            rule: "scope.other-jurisdiction",
            message: "您是\(chinese(county, policy: policy))的工作人员，只能办理本县（市、区）评审的申报；申报\(applicationID)由\(chinese(jurisdiction, policy: policy))评审")
    }

    /// Why a committee of `committeeJurisdiction` may not take application `applicationID`
    /// (routed to `profile`'s jurisdiction); nil when it may.
    public static func candidateRefusal(
        applicationID: String, profile: ApplicationProfile, committeeName: String, committeeJurisdiction: String,
        policy: Policy
    ) -> Refusal? {
        let routed = jurisdiction(of: profile)
        guard routed != committeeJurisdiction else { return nil }
        let why: String
        if let u = unitID(of: routed) {
            why = "申报单位\(u)经授权自主评审\(profile.series.chinese)\(profile.level.chinese)职称，由其评审委员会评审、结果报人社部门备案"
        } else if isCounty(routed) {
            why = "\(profile.series.chinese)（\(TitleNames.title(profile.series, profile.level))）评审权限已下放到县（市、区）（policy.yaml devolution.county），由申报单位所在县（市、区）\(routed)的评审委员会评审"
        } else {
            why = "\(profile.series.chinese)\(profile.level.chinese)职称由市级评审委员会评审"
        }
        return Refusal(
            rule: "session.jurisdiction-mismatch",
            message: "申报\(applicationID)不属于\(committeeName)（管辖范围：\(chinese(committeeJurisdiction))）：\(why)")
    }
}
