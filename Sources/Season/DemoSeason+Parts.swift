import Domain
import Foundation
import Signing
import Store
import Workflow

extension DemoSeason {
    // MARK: - registry

    func makeApplications(pad: Int) -> [DemoApplication] {
        let total = Self.mix.reduce(0) { $0 + $1.weight }
        var out: [DemoApplication] = []
        out.reserveCapacity(config.applications)
        for i in 0..<config.applications {
            let number = String(i + 1)
            let id = "A2026-" + String(repeating: "0", count: max(0, pad - number.count)) + number
            let personID = "P" + String(repeating: "0", count: max(0, pad - number.count)) + number
            var roll = pick(total)
            var m = Self.mix[0]
            for entry in Self.mix {
                if roll < entry.weight {
                    m = entry
                    break
                }
                roll -= entry.weight
            }
            let fate = i < Self.scriptedFates.count ? Self.scriptedFates[i] : randomFate()
            var a = DemoApplication(
                id: id, personID: personID, unitID: "", series: m.series, level: m.level, currentLevel: m.current,
                track: m.track, fate: fate, name: Names.person(i, using: &rng), residentID: residentID(i))
            switch fate {
            case .greenChannel:
                (a.series, a.level, a.currentLevel, a.track) = (.engineering, .deputySenior, nil, .greenChannel)
            case .specialEvaluation:
                (a.series, a.level, a.currentLevel, a.track) = (
                    .engineering, .fullSenior, .intermediate, .specialEvaluation
                )
            case .selfReview:
                (a.series, a.level, a.currentLevel, a.track) = (
                    .higherEducationTeachers, .deputySenior, .intermediate, .normal
                )
            case .levelJump:
                (a.series, a.level, a.currentLevel, a.track) = (.engineering, .deputySenior, .assistant, .normal)
            case .countyReview:
                (a.series, a.level, a.currentLevel, a.track) = (
                    .primarySecondaryTeachers, .intermediate, .assistant, .normal
                )
            default:
                if a.series == .higherEducationTeachers { a.series = .engineering }
            }
            out.append(a)
        }
        return out
    }

    func randomFate() -> Fate {
        let r = pick(1000)
        switch r {
        case 0..<15: return .correctionAnswered
        case 15..<25: return .correctionLapsed
        case 25..<40: return .refused
        case 40..<50: return .withdrawn
        case 50..<110: return .failed
        case 110..<115: return .objectionDismissed
        default: return .common
        }
    }

    func residentID(_ i: Int) -> ResidentID {
        let regions = [
            "410802", "410803", "410804", "410811", "410821", "410822", "410823", "410825", "410882", "410883",
        ]
        let block = i / 1000
        let birth = Day(year: 1975, month: 1, day: 1)!.adding(days: (block / 10) * 400 + pick(400))
        return ResidentID.make(region: regions[block % 10], birth: birth, sequence: i % 1000)
    }

    func makeUnits(count: Int) -> [UnitRecord] {
        var units: [UnitRecord] = []
        for i in 0..<count {
            let id = String(format: "U%03d", i + 1)
            let (kind, prefix, suffix): (UnitKind, String, String)
            let name: String
            if i == 0 {
                (kind, name) = (.publicInstitution, "焦作大学")
            } else {
                (kind, prefix, suffix) = Names.trades[i % Names.trades.count]
                name =
                    "\(prefix)\(Names.places[(i / Names.trades.count) % Names.places.count])\(suffix)"
                    + (i >= Names.trades.count * Names.places.count ? "第\(i)分部" : "")
            }
            let authority =
                switch kind {
                case .publicInstitution, .talentAgency: "12"
                case .socialOrganisation: "51"
                case .stateEnterprise, .privateEnterprise: "91"
                }
            let code = CreditCode.completing(authority + "410800" + String(format: "%09d", 100_000_000 + i * 7919))!
            // Every third unit after the university is in 修武县 (its committee reviews their
            // 中小学一级教师); the university's self-review authority is granted by decision.
            units.append(
                UnitRecord(
                    id: id, name: name, creditCode: try! CreditCode(code), kind: kind, hasSelfReviewAuthority: false,
                    county: i % 3 == 1 ? Self.county.code : nil))
        }
        return units
    }

    func assignUnits(_ apps: inout [DemoApplication], units: [UnitRecord], university: String, suspended: String) {
        let ordinary = units.filter { $0.id != university && $0.id != suspended }
        for i in apps.indices {
            switch apps[i].fate {
            case .selfReview: apps[i].unitID = university
            case .unitSuspended: apps[i].unitID = suspended
            case .countyReview: apps[i].unitID = units.first { $0.county != nil && $0.id != suspended }!.id
            default:
                apps[i].unitID =
                    apps[i].series == .higherEducationTeachers ? university : ordinary[pick(ordinary.count)].id
            }
        }
    }

    func person(for a: DemoApplication) -> PersonRecord {
        PersonRecord(
            id: a.personID, name: a.name, residentID: a.residentID, unitID: a.unitID, currentLevel: a.currentLevel,
            isRetired: a.fate == .retired)
    }

    func profile(_ a: DemoApplication) -> ApplicationProfile {
        ApplicationProfile(
            applicationID: a.id, personID: a.personID, unitID: a.unitID, series: a.series, level: a.level,
            track: a.track, currentLevel: a.currentLevel,
            unitHasSelfReviewAuthority: Routing.unitID(of: a.jurisdiction) != nil, jurisdiction: a.jurisdiction)
    }

    /// The county of the demo's county units, and the bureau's decision granting the
    /// university self-review authority.
    static let county = (code: "410821", name: "修武县")
    static let selfReviewDecision = "焦人社〔2026〕5号"

    /// The integrity records and unit suspensions in force, read once before the submissions
    /// (the caller of `submit` looks these facts up; the machine checks them).
    func standing() throws -> (people: [String: Day], units: [String: Day]) {
        var people: [String: Day] = [:]
        for id in try store.streamIDs(
            PersonIntegrityMachine.self, status: PersonIntegrityState.Status.recorded.rawValue)
        {
            if let s = try store.load(PersonIntegrityMachine.self, id: id),
                let end = PersonIntegrityMachine.recordEnd(s.state)
            {
                people[id] = end
            }
        }
        var units: [String: Day] = [:]
        for id in try store.streamIDs(UnitStandingMachine.self, status: UnitStandingState.Status.suspended.rawValue) {
            if let s = try store.load(UnitStandingMachine.self, id: id),
                let end = UnitStandingMachine.suspendedUntil(s.state)
            {
                units[id] = end
            }
        }
        return (people, units)
    }

    func facts(_ a: DemoApplication, standing: (people: [String: Day], units: [String: Day])) -> EligibilityFacts {
        EligibilityFacts(
            blacklistedUntil: standing.people[a.personID], unitSuspendedUntil: standing.units[a.unitID],
            isRetired: a.fate == .retired)
    }

    func makeCommittees(for apps: [DemoApplication], units: [UnitRecord]) -> [CommitteeRecord] {
        var seen = Set<String>()
        let p = rules.policy.committee
        return apps.filter { seen.insert($0.committeeKey).inserted }.sorted { $0.committeeKey < $1.committeeKey }.map {
            a in
            let (series, level) = (a.series, a.level)
            let members =
                level.isSenior
                ? p.minimumSeniorBySeries : level == .intermediate ? p.minimumIntermediateBySeries : p.minimumJunior
            let owner: String =
                if let unit = Routing.unitID(of: a.jurisdiction) {
                    units.first { $0.id == unit }?.name ?? unit
                } else if a.jurisdiction == Self.county.code {
                    Self.county.name
                } else {
                    rules.policy.region.name
                }
            return CommitteeRecord(
                id: a.committeeKey, name: "\(owner)\(series.chinese)\(level.chinese)职称评审委员会", series: series,
                level: level, scope: "按系列", memberCount: members | 1, termStart: config.start.adding(days: -90),
                termEnd: config.start.adding(days: -90).adding(years: p.committeeTermYears), jurisdiction: a.jurisdiction)
        }
    }

    func makeExperts(committee c: CommitteeRecord, units: [UnitRecord], apps: [DemoApplication]) -> [ExpertRecord] {
        let size = c.memberCount * rules.policy.committee.drawRatio + 6
        return (0..<size).map { (k: Int) -> ExpertRecord in
            // Most experts come from units with no candidate; a few share a candidate's unit
            // and are recused automatically.
            let unit: String = k % 17 == 3 ? units[(k / 17) % units.count].id : "X" + String(k % 40 + 1)
            return ExpertRecord(
                id: "\(c.id)-E\(String(format: "%03d", k + 1))", name: Names.person(k + 1, using: &rng),
                unitID: unit, committeeID: c.id,
                title: c.level == .fullSenior ? "正高级职称" : "正高级或副高级职称",
                termEnd: config.start.adding(years: rules.policy.committee.expertTermYears))
        }
    }

    // MARK: - committee sessions

    func holdSessions(
        _ apps: inout [DemoApplication], indices: [Int], round: Int, on day: Day, committees: [CommitteeRecord],
        experts: [String: [ExpertRef]]
    ) throws {
        let byCommittee = Dictionary(grouping: indices, by: { apps[$0].committeeKey })
        var sessionNumber = 0
        let total = indices.count
        var done = 0
        for key in byCommittee.keys.sorted() {
            let committee = committees.first { $0.id == key }!
            let secretary = Cast.secretary(for: committee)  // a self-reviewing unit's own (DemoSeason+SelfReview)
            for chunk in byCommittee[key]!.chunked(60) {
                sessionNumber += 1
                let sessionID = "S2026-R\(round)-\(String(format: "%03d", sessionNumber))"
                at(try workingDays(2, after: day.adding(days: -7)))
                for i in chunk {
                    try run(
                        ApplicationMachine.self, apps[i].id, .assignToSession(sessionID: sessionID), as: secretary)
                    apps[i].sessionID = sessionID
                }
                let plan = SessionPlan(
                    sessionID: sessionID, committeeID: committee.id, series: committee.series, level: committee.level,
                    memberCount: committee.memberCount,
                    candidates: chunk.map { SessionCandidate(applicationID: apps[$0].id, unitID: apps[$0].unitID) },
                    date: day, jurisdiction: committee.jurisdiction)
                try run(CommitteeSessionMachine.self, sessionID, .plan(plan), as: secretary)
                try run(
                    CommitteeSessionMachine.self, sessionID,
                    .drawExperts(pool: experts[committee.id]!, needed: committee.memberCount, seed: rng.next()),
                    as: secretary)
                if round == 1 && sessionNumber == 1 {
                    // A drawn expert declares a conflict and is replaced by an alternate.
                    if let member = try store.load(CommitteeSessionMachine.self, id: sessionID)?.state.members.first,
                        step >= alreadyDone
                    {
                        try run(
                            CommitteeSessionMachine.self, sessionID,
                            .declareConflict(expertID: member.id, note: "与一名申报人系近亲属关系"), as: Cast.expert(member.id))
                    } else {
                        step += 1  // done by the interrupted run; the members have changed since
                        stats.skippedSteps += 1
                    }
                }
                at(day)
                let members = try store.load(CommitteeSessionMachine.self, id: sessionID)?.state.members.map(\.id) ?? []
                let quorum = rules.policy.committee.quorum.minimum(of: committee.memberCount)
                let absent = min(pick(3), max(0, members.count - quorum))
                let present = Array(members.prefix(members.count - absent))
                if round == 1 && sessionNumber == 1 {
                    try probe(
                        CommitteeSessionMachine.self, sessionID, .convene(present: Array(members.prefix(quorum - 1))),
                        as: secretary, expect: "session.quorum-not-met")
                }
                try run(CommitteeSessionMachine.self, sessionID, .convene(present: present), as: secretary)
                let pass = rules.policy.committee.pass
                let minYes = pass.minimum(of: present.count)
                for (n, i) in chunk.enumerated() {
                    let fails =
                        [.failed, .failedThenUpheld, .failedThenRereviewed].contains(apps[i].fate) && round == 1
                    let yes = fails ? pick(minYes) : minYes + pick(present.count - minYes + 1)
                    let rest = present.count - yes
                    let no = pick(rest + 1)
                    let counts = VoteCounts(yes: yes, no: no, abstain: rest - no)
                    try run(
                        CommitteeSessionMachine.self, sessionID,
                        .recordBallots(applicationID: apps[i].id, voters: present, counts: counts), as: secretary)
                    if n == 0 && round == 1 && sessionNumber == 1 {
                        try probe(
                            CommitteeSessionMachine.self, sessionID,
                            .recordBallots(applicationID: apps[i].id, voters: present, counts: counts),
                            as: secretary, expect: "session.second-ballot")
                    }
                    apps[i].passed = pass.isMet(by: yes, of: present.count)
                    done += 1
                    progress("评审会议(第\(round)轮)", done, total)
                }
                let minutes =
                    "\(committee.name)于\(day.chinese)召开评审会议,应到\(committee.memberCount)人,实到\(present.count)人,"
                    + "对\(chunk.count)名申报人进行无记名投票表决。"
                let closer = context(secretary)
                try transact { tx in
                    let closed = try tx.execute(
                        CommitteeSessionMachine.self, id: sessionID, .close(minutes: minutes), context: closer)
                    self.stats.events += closed.events.count
                    for planned in CommitteeSessionMachine.applicationCommands(for: closed.state) {
                        let o = try tx.execute(
                            ApplicationMachine.self, id: planned.streamID, planned.command,
                            context: self.context(planned.actor))
                        self.stats.events += o.events.count
                    }
                }
            }
        }
    }

    // MARK: - notice, confirmation, certificates

    func noticeAndConfirm(_ apps: inout [DemoApplication], passed: [Int], round: Int, after day: Day) throws -> [Int] {
        let policy = rules.policy
        let start = try workingDays(2, after: day)
        let batch = "N2026-R\(round)"
        at(start)
        for i in passed {
            try run(
                ApplicationMachine.self, apps[i].id, .startPublicNotice(batchID: batch, startsOn: start),
                as: Cast.clerk(for: apps[i].jurisdiction))
        }
        if let first = passed.first {
            try probe(
                ApplicationMachine.self, apps[first].id, .concludeNotice, as: Cast.clerk,
                expect: "application.notice-not-ended")
        }
        at(try workingDays(1, after: start))
        let objected = passed.filter { [.objectionDismissed, .objectionUpheld].contains(apps[$0].fate) }
        for i in objected {
            try run(
                ApplicationMachine.self, apps[i].id,
                .raiseObjection(objectionID: "O-\(apps[i].id)", summary: "反映申报人代表作存在署名争议"), as: Cast.citizen)
        }
        at(try workingDays(3, after: start))
        for i in objected {
            let upheld = apps[i].fate == .objectionUpheld
            try run(
                ApplicationMachine.self, apps[i].id,
                .resolveObjection(
                    objectionID: "O-\(apps[i].id)", upheld: upheld,
                    finding: upheld ? "经调查,代表作系他人成果,异议成立" : "经调查,署名无误,异议不成立"),
                as: upheld ? Cast.head : Cast.clerk)
            if upheld { apps[i].passed = false }
        }
        let end = try workingDays(policy.publicNoticeWorkingDays, after: start)
        at(end.adding(days: 1))
        let standing = passed.filter { apps[$0].passed == true }
        for (n, i) in standing.enumerated() {
            try run(ApplicationMachine.self, apps[i].id, .tick, as: .system)
            progress("公示期满(第\(round)轮)", n + 1, standing.count)
        }
        // Confirmation: one 取得资格通知 with one 文号 for the batch, landing whole.
        let confirmDay = try workingDays(3, after: end)
        at(confirmDay)
        documentsIssued += 1
        let docNumber = DocumentNumber.format(policy: policy, year: confirmDay.year, sequence: documentsIssued)
        let head = context(Cast.head)
        let expected = documentsIssued
        // The county's own are confirmed by the county head under the county's 文号 (DemoSeason+County).
        func inCounty(_ i: Int) -> Bool { apps[i].jurisdiction == Self.county.code }
        let ids = standing.filter { !inCounty($0) }.map { apps[$0].id }
        try transact { tx in
            let n = try tx.nextNumber(DocumentNumber.counterName(year: confirmDay.year))
            guard n == expected else { throw SeasonError.unexpected("document number \(n), expected \(expected)") }
            for id in ids {
                let o = try tx.execute(
                    ApplicationMachine.self, id: id, .confirm(documentNumber: docNumber), context: head)
                self.stats.events += o.events.count
            }
        }
        let countyIDs = standing.filter(inCounty).map { apps[$0].id }
        let countyNumber = countyIDs.isEmpty ? docNumber : try confirmInCounty(countyIDs)
        if config.stopBeforeCertificates { throw SeasonError.interrupted(afterStep: step) }
        // Certificates: number, certificate stream and the application's record in one transaction.
        let issueDay = try workingDays(2, after: confirmDay)
        at(issueDay)
        for (n, i) in standing.enumerated() {
            let approval = inCounty(i) ? countyNumber : docNumber
            certificatesIssued += 1
            let sequence = certificatesIssued
            let number = CertificateNumber.format(
                policy: policy, year: issueDay.year, series: apps[i].series, level: apps[i].level, sequence: sequence)
            let code = signer.code(
                for: CertificateContent(
                    number: number, holderName: apps[i].name, residentID: apps[i].residentID.value,
                    series: apps[i].series, level: apps[i].level, approvalDocumentNumber: approval, issuedOn: issueDay)
            )
            let details = CertificateDetails(
                number: number, holderID: apps[i].personID, holderName: apps[i].name, applicationID: apps[i].id,
                series: apps[i].series, level: apps[i].level, approvalDocumentNumber: approval, issuedOn: issueDay,
                verificationCode: code)
            let ctx = context(Cast.clerk(for: apps[i].jurisdiction))
            let appID = apps[i].id
            try transact { tx in
                let seq = try tx.nextNumber(CertificateNumber.counterName(year: issueDay.year))
                guard seq == sequence else { throw SeasonError.unexpected("certificate \(seq), expected \(sequence)") }
                let c = try tx.execute(CertificateMachine.self, id: number, .issue(details), context: ctx)
                let a = try tx.execute(
                    ApplicationMachine.self, id: appID, .recordCertificate(number: number), context: ctx)
                self.stats.events += c.events.count + a.events.count
            }
            apps[i].certificateNumber = number
            apps[i].documentNumber = approval
            progress("发证(第\(round)轮)", n + 1, standing.count)
        }
        return standing
    }

    // MARK: - post-hoc checks

    func postHocChecks(_ apps: inout [DemoApplication], certified: [Int]) throws {
        let policy = rules.policy
        at(Day(clock).adding(days: 20))
        let targeted = certified.filter { [.falsifiedByUnit, .falsifiedByPerson].contains(apps[$0].fate) }
        let pool = certified.filter { !targeted.contains($0) }.map { apps[$0].id }
        let sampled = Set(
            PostHocCheckMachine.sample(applicationIDs: pool, percent: policy.postHocSamplePercent, seed: rng.next()))
        var checkNumber = 0
        func subject(_ i: Int) -> CheckSubject {
            CheckSubject(
                applicationID: apps[i].id, certificateNumber: apps[i].certificateNumber!, personID: apps[i].personID,
                unitID: apps[i].unitID)
        }
        let sampledIndices = certified.filter { sampled.contains(apps[$0].id) }
        for (n, i) in sampledIndices.enumerated() {
            checkNumber += 1
            let id = String(format: "K2026-%05d", checkNumber)
            try run(
                PostHocCheckMachine.self, id,
                .openSampled(subject: subject(i), seed: config.seed, percent: policy.postHocSamplePercent),
                as: Cast.auditor)
            try run(PostHocCheckMachine.self, id, .confirm(note: "学历、任职年限经网上核验属实"), as: Cast.auditor)
            progress("事后核查", n + 1, sampledIndices.count)
        }
        for i in targeted {
            checkNumber += 1
            let id = String(format: "K2026-%05d", checkNumber)
            try run(
                PostHocCheckMachine.self, id, .openTargeted(subject: subject(i), reason: "群众举报任职年限证明不实"), as: Cast.clerk
            )
        }
        at(Day(clock).adding(days: 10))
        var k = checkNumber - targeted.count
        for i in targeted {
            k += 1
            let id = String(format: "K2026-%05d", k)
            let byUnit = apps[i].fate == .falsifiedByUnit
            documentsIssued += 1
            let revocation = documentsIssued
            if byUnit { documentsIssued += 1 }
            let unitDecision = documentsIssued
            let year = Day(clock).year
            let finding = FalsificationFinding(
                proof: "任职年限证明", unitSuppliedFalseProof: byUnit,
                details: byUnit ? "单位出具的任职年限证明与社保缴费记录不符" : "本人提交的学历证书系伪造",
                revocationDecisionNumber: DocumentNumber.format(policy: policy, year: year, sequence: revocation),
                unitDecisionNumber: byUnit
                    ? DocumentNumber.format(policy: policy, year: year, sequence: unitDecision) : nil)
            let ctx = context(Cast.head)
            // The finding and all its consequences land in one transaction.
            try transact { tx in
                let numberA = try tx.nextNumber(DocumentNumber.counterName(year: year))
                if byUnit { _ = try tx.nextNumber(DocumentNumber.counterName(year: year)) }
                guard numberA == revocation else { throw SeasonError.unexpected("document number \(numberA)") }
                self.stats.events += try tx.falsify(check: id, finding, context: ctx)
            }
            if let number = apps[i].certificateNumber {
                try probe(
                    CertificateMachine.self, number, .revoke(reason: "重复撤销", decisionNumber: "x"), as: Cast.head,
                    expect: "certificate.already-revoked")
            }
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
