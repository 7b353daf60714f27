import Domain
import Foundation
import Store
import Workflow

/// What a demo application is scripted to go through (besides the common path).
enum Fate: Equatable {
    case common
    case greenChannel, specialEvaluation, returnedByUnit
    case correctionAnswered, correctionLapsed
    case refusedThenOverturned, refusedThenUpheld, refused
    case withdrawn
    case objectionDismissed, objectionUpheld
    case failedThenRereviewed, failedThenUpheld, failed
    case selfReview
    case falsifiedByUnit, falsifiedByPerson
    case blacklisted, unitSuspended, retired, levelJump
    /// 中小学一级教师 of a unit in a county: reviewed by the county's committee (seed item 6).
    case countyReview
}

struct DemoApplication {
    var id: String
    var personID: String
    var unitID: String
    var series: Series
    var level: Level
    var currentLevel: Level?
    var track: Track
    var fate: Fate
    var name: String
    var residentID: ResidentID
    /// Set when the committee votes: passed or not (decided by the script's ballots).
    var passed: Bool?
    var sessionID: String?
    var certificateNumber: String?
    var documentNumber: String?
    /// Whose committee reviews it (`Routing`): `city`, a county's code or `unit:<unit id>`.
    var jurisdiction = Routing.city

    /// The committee's id: `C-<series>-<level>` for the city's, with `-<county>` or `-<unit>`
    /// for a county's or a self-reviewing unit's.
    var committeeKey: String {
        let base = "C-\(series.rawValue)-\(level.rawValue)"
        if jurisdiction == Routing.city { return base }
        return base + "-" + (Routing.unitID(of: jurisdiction) ?? jurisdiction)
    }
}

extension DemoSeason {
    /// Fixed fates for the first applications, so every path is exercised in any season.
    static let scriptedFates: [Fate] = [
        .greenChannel, .specialEvaluation, .returnedByUnit, .correctionAnswered, .correctionLapsed,
        .refusedThenOverturned, .refusedThenUpheld, .refused, .withdrawn, .objectionDismissed, .objectionUpheld,
        .failedThenRereviewed, .failedThenUpheld, .failed, .selfReview, .falsifiedByUnit, .falsifiedByPerson,
        .blacklisted, .unitSuspended, .retired, .levelJump, .countyReview,
    ]
    /// Every scripted fate and a few random ones (25 since the county review joined the script).
    public static var minimumApplications: Int { scriptedFates.count + 3 }

    /// The common mix of series, level, current title and track.
    static let mix: [(weight: Int, series: Series, level: Level, current: Level?, track: Track)] = [
        (25, .engineering, .intermediate, .assistant, .normal),
        (18, .engineering, .deputySenior, .intermediate, .normal),
        (4, .engineering, .fullSenior, .deputySenior, .normal),
        (5, .engineering, .assistant, nil, .normal),
        (12, .primarySecondaryTeachers, .intermediate, .assistant, .normal),
        (8, .primarySecondaryTeachers, .deputySenior, .intermediate, .normal),
        (8, .health, .intermediate, .assistant, .normal),
        (6, .health, .deputySenior, .intermediate, .normal),
        (4, .higherEducationTeachers, .deputySenior, .intermediate, .normal),
        (4, .agriculture, .intermediate, .assistant, .normal),
        (3, .journalism, .intermediate, .assistant, .normal),
        (2, .naturalScienceResearch, .deputySenior, .intermediate, .youthRecommendation),
        (1, .engineering, .intermediate, .assistant, .skillsBridge),
    ]

    /// Runs (or resumes) the season and returns what the database holds at the end.
    public func run() throws -> SeasonSummary {
        let started = Date()
        let pad = max(5, String(config.applications).count)
        var apps = makeApplications(pad: pad)
        let units = makeUnits(count: max(12, config.applications / 25))
        let university = units[0].id
        let suspendedUnit = units.last!.id
        assignUnits(&apps, units: units, university: university, suspended: suspendedUnit)
        // Seed item 6: the university reviews its own teachers' senior titles (granted below by
        // the bureau's decision); 中小学一级教师 of a county's unit go to the county's committee.
        let grant = SelfReviewGrant(
            series: [.higherEducationTeachers], levels: [.fullSenior, .deputySenior],
            decisionNumber: Self.selfReviewDecision, from: config.start.adding(days: -14))
        let unitByID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for i in apps.indices {
            apps[i].jurisdiction = Routing.jurisdiction(
                series: apps[i].series, level: apps[i].level, unitID: apps[i].unitID,
                county: unitByID[apps[i].unitID]?.county, grant: apps[i].unitID == university ? grant : nil,
                policy: rules.policy)
        }

        // ---- registry and standing before the season
        let day0 = config.start
        at(day0.adding(days: -14))
        progress("登记单位、人员、评委会", 0, 1)
        let committees = makeCommittees(for: apps, units: units)
        var experts: [String: [ExpertRef]] = [:]
        try transact { tx in
            for u in units { try tx.insert(u) }
            for a in apps { try tx.insert(self.person(for: a)) }
            for c in committees { try tx.insert(c) }
        }
        let granting = context(Cast.head)  // outside the step: a resumed run's clock moves the same
        try transact { tx in
            let o = try tx.decideSelfReview(
                unit: university,
                .grantSelfReview(series: grant.series, levels: grant.levels, decisionNumber: grant.decisionNumber),
                context: granting)
            self.stats.events += o.events.count
        }
        for c in committees {
            let pool = makeExperts(committee: c, units: units, apps: apps)
            experts[c.id] = pool.map { ExpertRef(id: $0.id, unitID: $0.unitID) }
            try transact { tx in for e in pool { try tx.insert(e) } }
        }
        if let b = apps.first(where: { $0.fate == .blacklisted }) {
            try run(
                PersonIntegrityMachine.self, b.personID,
                .record(reason: "2024年申报中提供虚假学历证明", basis: "《职称评审管理暂行规定》第三十七条"), as: Cast.head)
        }
        try run(
            UnitStandingMachine.self, suspendedUnit,
            .suspend(reason: "为申报人出具虚假任职年限证明", decisionNumber: "\(rules.policy.region.documentPrefix)〔2026〕1号"),
            as: Cast.head)
        progress("登记单位、人员、评委会", 1, 1)

        // ---- day 0: drafts and submissions
        at(day0)
        let pledgeHash = EventHash.sha256Hex(Self.pledgeText)
        let standing = try standing()
        for (i, a) in apps.enumerated() {
            try run(
                ApplicationMachine.self, a.id, .create(profile(a)),
                as: Cast.applicant(a.personID))
            let declared = declaration(for: a, unit: unitByID[a.unitID])
            let pledge =
                declared.map { self.pledge(a, $0) }
                ?? PledgeRecord(
                    signerID: a.personID, signedAt: clock, textHash: pledgeHash,
                    dataHash: EventHash.sha256Hex("\(a.id)|\(a.personID)|\(a.series.rawValue)|\(a.level.rawValue)"))
            let submit = ApplicationCommand.submit(
                pledge: pledge, currentPledgeTextHash: pledge.textHash,
                eligibility: facts(a, standing: standing))
            switch a.fate {
            case .blacklisted:
                try probe(
                    ApplicationMachine.self, a.id, submit, as: Cast.applicant(a.personID),
                    expect: "application.blacklisted")
            case .unitSuspended:
                try probe(
                    ApplicationMachine.self, a.id, submit, as: Cast.applicant(a.personID),
                    expect: "application.unit-suspended")
            case .retired:
                try probe(
                    ApplicationMachine.self, a.id, submit, as: Cast.applicant(a.personID), expect: "application.retired"
                )
            case .levelJump:
                try probe(
                    ApplicationMachine.self, a.id, submit, as: Cast.applicant(a.personID),
                    expect: "application.level-jump")
            default:
                if i == 0 {
                    try probe(
                        ApplicationMachine.self, a.id,
                        .submit(pledge: nil, currentPledgeTextHash: pledge.textHash, eligibility: .clear),
                        as: Cast.applicant(a.personID), expect: "application.pledge-missing")
                }
                if let declared {
                    try self.submit(a, declared, eligibility: facts(a, standing: standing))
                } else {
                    try run(ApplicationMachine.self, a.id, submit, as: Cast.applicant(a.personID))
                }
            }
            progress("提交申报", i + 1, apps.count)
        }
        var active = apps.filter { ![.blacklisted, .unitSuspended, .retired, .levelJump].contains($0.fate) }

        // ---- unit review and notice
        let day1 = try workingDays(1, after: day0)
        at(day1)
        for (i, a) in active.enumerated() {
            if a.fate == .returnedByUnit {
                try run(
                    ApplicationMachine.self, a.id, .returnToApplicant(reason: "代表作附件不清晰,请重新上传"), as: Cast.hr(a.unitID))
                if let declared = declaration(for: a, unit: try store.unit(a.unitID)) {
                    try self.submit(a, declared, eligibility: .clear)
                } else {
                    let pledge = PledgeRecord(
                        signerID: a.personID, signedAt: clock, textHash: pledgeHash,
                        dataHash: EventHash.sha256Hex("\(a.id)|resubmitted"))
                    try run(
                        ApplicationMachine.self, a.id,
                        .submit(pledge: pledge, currentPledgeTextHash: pledgeHash, eligibility: .clear),
                        as: Cast.applicant(a.personID))
                }
            }
            if i == 0 {
                try probe(
                    ApplicationMachine.self, a.id, .recommend, as: Cast.hr(a.unitID),
                    expect: "application.unit-notice-missing")
            }
            try run(ApplicationMachine.self, a.id, .startUnitNotice, as: Cast.hr(a.unitID))
            progress("单位公示", i + 1, active.count)
        }
        at(try workingDays(3, after: day1))
        if let a = active.first {
            try probe(
                ApplicationMachine.self, a.id, .recommend, as: Cast.hr(a.unitID),
                expect: "application.unit-notice-too-short")
            let other = units.first { $0.id != a.unitID }!.id
            try probe(ApplicationMachine.self, a.id, .recommend, as: Cast.hr(other), expect: "application.not-owner")
        }
        let day2 = try workingDays(rules.policy.unitNoticeWorkingDays, after: day1)
        at(day2)
        for (i, a) in active.enumerated() {
            try run(ApplicationMachine.self, a.id, .recommend, as: Cast.hr(a.unitID))
            progress("单位推荐", i + 1, active.count)
        }

        // ---- qualification review
        let day3 = try workingDays(1, after: day2)
        at(day3)
        for (i, a) in active.enumerated() {
            switch a.fate {
            case .correctionAnswered, .correctionLapsed:
                try run(
                    ApplicationMachine.self, a.id,
                    .requestCorrection(items: ["学历证书扫描件不清晰", "缺少近五年年度考核结果", "代表作未注明本人排名"]),
                    as: Cast.clerk)
            case .refusedThenOverturned, .refusedThenUpheld, .refused:
                try run(
                    ApplicationMachine.self, a.id,
                    .refuse(reasons: ["取得现职称年限不足(须满\(a.level == .deputySenior ? 5 : 4)年)", "继续教育学时未达到要求"]),
                    as: Cast.clerk)
            case .withdrawn:
                try run(
                    ApplicationMachine.self, a.id, .withdraw(reason: "本年度工作调动,暂不申报"), as: Cast.applicant(a.personID))
            default:
                try run(ApplicationMachine.self, a.id, .accept, as: Cast.clerk(for: a.jurisdiction))
            }
            progress("资格审核", i + 1, active.count)
        }
        if let c = active.first(where: { $0.fate == .correctionAnswered }) {
            try probe(
                ApplicationMachine.self, c.id, .requestCorrection(items: ["再次补正"]), as: Cast.clerk,
                expect: "application.invalid-transition")
        }
        // Corrections: one answered in time, one lapsed by the scheduler after the deadline.
        let correctionDeadline = try workingDays(rules.policy.correctionAnswerWorkingDays, after: day3)
        at(try workingDays(5, after: day3))
        for a in active where a.fate == .correctionAnswered {
            try run(ApplicationMachine.self, a.id, .answerCorrection(note: "已补充上传全部材料"), as: Cast.applicant(a.personID))
            try run(ApplicationMachine.self, a.id, .accept, as: Cast.clerk)
        }
        for a in active where a.fate == .correctionLapsed {
            try probe(ApplicationMachine.self, a.id, .tick, as: .system, expect: "application.nothing-due")
        }
        // Re-examination of refusals.
        at(day3.adding(days: 3))
        for a in active where [.refusedThenOverturned, .refusedThenUpheld].contains(a.fate) {
            try run(
                ApplicationMachine.self, a.id, .requestReexamination(reason: "本人任职年限计算有误,附单位证明"),
                as: Cast.applicant(a.personID))
        }
        at(try workingDays(6, after: day3))
        for a in active where [.refusedThenOverturned, .refusedThenUpheld].contains(a.fate) {
            let overturn = a.fate == .refusedThenOverturned
            try run(
                ApplicationMachine.self, a.id,
                .decideReexamination(
                    outcome: overturn ? .backToQualificationReview : .upheld,
                    finding: overturn ? "经核实任职年限符合条件,撤销不予受理决定" : "经复查,原不予受理决定正确"),
                as: Cast.head)
            if overturn { try run(ApplicationMachine.self, a.id, .accept, as: Cast.clerk) }
        }
        at(correctionDeadline.adding(days: 1))
        for a in active where a.fate == .correctionLapsed {
            try run(ApplicationMachine.self, a.id, .tick, as: .system)
        }

        // ---- committee sessions, round 1
        let reviewed = [Fate.correctionLapsed, .refusedThenUpheld, .refused, .withdrawn]
        active.removeAll { reviewed.contains($0.fate) }
        let committeeDay = try workingDays(rules.policy.correctionAnswerWorkingDays + 4, after: day3)
        try holdSessions(
            &active, indices: Array(active.indices), round: 1, on: committeeDay, committees: committees,
            experts: experts)

        // ---- round 1: public notice, objections, confirmation, certificates
        let passedFirst = active.indices.filter { active[$0].passed == true }
        var certified = try noticeAndConfirm(&active, passed: passedFirst, round: 1, after: committeeDay)

        // Failed candidates ask for re-examination within the window; one is sent back to a committee.
        at(Day(clock).adding(days: 1))
        let failedAsking = active.indices.filter {
            active[$0].passed == false && [.failedThenRereviewed, .failedThenUpheld].contains(active[$0].fate)
        }
        for i in failedAsking {
            try run(
                ApplicationMachine.self, active[i].id, .requestReexamination(reason: "代表作评价与事实不符,请求复查"),
                as: Cast.applicant(active[i].personID))
        }
        at(Day(clock).adding(days: 5))
        var rereview: [Int] = []
        for i in failedAsking {
            let back = active[i].fate == .failedThenRereviewed
            try run(
                ApplicationMachine.self, active[i].id,
                .decideReexamination(
                    outcome: back ? .backToCommittee : .upheld,
                    finding: back ? "评审程序中专家回避不当,重新提交评审" : "经复查,评审程序和结论无误,维持原结论"),
                as: Cast.head)
            if back { rereview.append(i) }
        }

        // ---- round 2: the re-reviewed candidates before a new session
        let secondDay = try workingDays(10, after: Day(clock))
        if !rereview.isEmpty {
            try holdSessions(
                &active, indices: rereview, round: 2, on: secondDay, committees: committees, experts: experts)
            let passedSecond = rereview.filter { active[$0].passed == true }
            if !passedSecond.isEmpty {
                certified += try noticeAndConfirm(&active, passed: passedSecond, round: 2, after: secondDay)
            }
        }

        // ---- post-hoc checks
        try postHocChecks(&active, certified: certified)

        // ---- archive every certified application
        at(try workingDays(40, after: secondDay))
        for (n, i) in certified.enumerated() {
            try run(ApplicationMachine.self, active[i].id, .archive, as: .system)
            progress("归档", n + 1, certified.count)
        }
        return try summary(seconds: Date().timeIntervalSince(started))
    }

    static let pledgeText = """
        本人承诺:已知晓职称申报的条件、程序和要求;本人符合申报条件;所提交的全部材料真实、准确、完整;\
        自愿接受职称评审部门的核查;如有虚假,愿承担撤销职称、记入诚信档案等一切责任。
        """
}
