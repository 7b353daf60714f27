import Domain
import Forms
import Foundation
import JSONKit
import Store
import Workflow

/// A declaration 申报 as an applicant submits it: the filled form, the facts for the
/// eligibility rules, and who submits it.
public struct Declaration: Sendable {
    public var formID: String
    public var applicationID: String
    /// The filled form (validated against the form definition).
    public var data: JSONValue
    /// Degree, current title and dates, referees … (`forms eligibility --facts`). Integrity,
    /// unit standing and retirement are taken from the office's records, not from here.
    public var facts: Forms.EligibilityFacts

    public init(formID: String, applicationID: String, data: JSONValue, facts: Forms.EligibilityFacts) {
        self.formID = formID
        self.applicationID = applicationID
        self.data = data
        self.facts = facts
    }
}

/// Why a declaration was not submitted. Nothing is written in any of these cases.
public enum IntakeRefusal: Error, Sendable {
    /// The form has problems: every one, with its field path and rule.
    case invalid([Forms.Problem])
    /// Not eligible: every reason (the one-time notice 一次性告知).
    case ineligible(EligibilityDecision)
    /// The workflow refused the step (wrong state, wrong owner, blacklisted …).
    case refused(Refusal)
    /// Something about the declaration itself (unknown form, a person registered elsewhere).
    case other(String)

    public var chinese: String {
        switch self {
        case .invalid(let problems):
            "申报表共有 \(problems.count) 个问题:\n"
                + problems.map { "\($0.path): \($0.message)(规则 \($0.rule))" }.joined(separator: "\n")
        case .ineligible(let decision): decision.notice
        case .refused(let r): r.message
        case .other(let s): s
        }
    }
}

/// Takes a declaration into the workflow: validates the form, decides eligibility, registers
/// the unit and the person when new, signs the pledge of the form's version and submits —
/// the application's `submit` step, with the declaration data stored in the same transaction.
///
/// ```swift
/// let intake = Intake(store: store, rules: rules, forms: try FormLibrary.load(directory: "forms"))
/// let version = try intake.submit(declaration, now: Date())
/// ```
public struct Intake: Sendable {
    public let store: EventStore
    public let rules: Rulebook
    public let forms: FormLibrary

    public init(store: EventStore, rules: Rulebook, forms: FormLibrary) {
        self.store = store
        self.rules = rules
        self.forms = forms
    }

    /// - Returns: the application's version after the submission.
    /// - Throws: `IntakeRefusal` (nothing written) or `StoreError`.
    @discardableResult
    public func submit(_ declaration: Declaration, now: Date) throws -> Int {
        let today = Day(now)
        let form: FormDefinition
        do { form = try forms.form(declaration.formID) } catch { throw IntakeRefusal.other(error.description) }
        // 1. The form, every problem at once.
        let report = form.validate(declaration.data)
        guard report.isValid else { throw IntakeRefusal.invalid(report.problems) }
        // What the declaration does not ask (another track's or level's fields, `visible_when:`)
        // is neither validated nor kept, whichever way it came (the web form prunes the same way).
        let data = form.pruned(declaration.data)
        guard let levelText = data["level"]?.string, let level = Level(rawValue: levelText) else {
            throw IntakeRefusal.other("申报表缺少申报级别")
        }
        let track = data["track"]?.string.flatMap(Track.init(rawValue:)) ?? .normal
        let residentID: ResidentID
        let creditCode: CreditCode
        do {
            residentID = try ResidentID(data["id_number"]?.string ?? "")
            creditCode = try CreditCode(data["unit_credit_code"]?.string ?? "")
        } catch { throw IntakeRefusal.other("申报表中的身份证号码或统一社会信用代码无效") }
        let name = data["name"]?.string ?? ""

        // 2. Who: the unit by its credit code, the person by the ID number (registered with the
        //    application's creation when new — never for a refused declaration).
        let kind = data["unit_kind"]?.string.flatMap(UnitKind.init(rawValue:)) ?? .privateEnterprise
        let existing = try store.registered(creditCode: creditCode, residentID: residentID)
        let unit =
            existing.0
            ?? UnitRecord(
                id: "U-" + creditCode.value, name: data["unit_name"]?.string ?? creditCode.value,
                creditCode: creditCode, kind: kind, hasSelfReviewAuthority: false,
                county: Routing.county(fromCreditCode: creditCode.value))
        let person =
            existing.1
            ?? PersonRecord(
                id: "P-" + residentID.value, name: name, residentID: residentID, unitID: unit.id,
                currentLevel: declaration.facts.currentLevel)

        // 3. Eligibility with the office's records for integrity, unit standing, retirement.
        var facts = declaration.facts
        facts.targetLevel = level
        facts.track = track
        facts.birthDate = residentID.birthDate
        if let p = try store.load(PersonIntegrityMachine.self, id: person.id) {
            facts.blacklistedUntil = PersonIntegrityMachine.recordEnd(p.state)
        }
        let unitStanding = try store.load(UnitStandingMachine.self, id: unit.id)
        if let u = unitStanding {
            facts.unitSuspendedUntil = UnitStandingMachine.suspendedUntil(u.state)
        }
        // Seed item 6: the committee that reviews it — the unit's own within its grant, the
        // unit's county for devolved series and levels, else the city's.
        let jurisdiction = Routing.jurisdiction(
            series: form.series, level: level, unitID: unit.id, county: unit.county,
            grant: unitStanding?.state.selfReview, policy: self.rules.policy)
        facts.isRetired = facts.isRetired || person.isRetired
        let rules: EligibilityRules
        do { rules = try forms.rules(for: form.id) } catch { throw IntakeRefusal.other(error.description) }
        let decision = rules.evaluate(facts, on: today)
        guard decision.isEligible else { throw IntakeRefusal.ineligible(decision) }

        // 4. The pledge of this form version, signed for exactly this data.
        let signed: Forms.PledgeRecord
        do {
            signed = try form.signPledge(data: data, signerID: person.id, signerName: name, at: now)
        } catch { throw IntakeRefusal.other(error.description) }
        let pledge = Workflow.PledgeRecord(
            signerID: person.id, signedAt: now, textHash: signed.pledgeTextSHA256, dataHash: signed.dataSHA256)
        let gates = Workflow.EligibilityFacts(
            blacklistedUntil: facts.blacklistedUntil, unitSuspendedUntil: facts.unitSuspendedUntil,
            isRetired: facts.isRetired,
            sanctionedUntil: facts.sanction.flatMap { $0.kind >= rules.barringSanction ? $0.until : nil })

        // 5. Create (first time) and submit in one transaction, with the unit and the person
        //    read again and inserted only when still absent: two submissions at once (a double
        //    click, two tabs) register them once, and the second submit is refused by the
        //    machine (a Chinese refusal), never a constraint failure. A refused submit writes
        //    nothing at all.
        let applicant = Actor(id: "applicant-\(person.id)", role: .applicant, personID: person.id)
        let context = Context(actor: applicant, now: now, rules: self.rules)
        let id = declaration.applicationID
        do {
            let version: Int? = try store.write { tx in
                let registeredUnit = try tx.registeredOrInserted(unit)
                let registeredPerson = try tx.registeredOrInserted(person)
                // Registered under another id between the checks above and now: nothing is written.
                guard registeredUnit.id == unit.id, registeredPerson.id == person.id else { return nil }
                if try tx.load(ApplicationMachine.self, id: id) == nil {
                    try tx.execute(
                        ApplicationMachine.self, id: id,
                        .create(
                            ApplicationProfile(
                                applicationID: id, personID: person.id, unitID: unit.id, series: form.series,
                                level: level, track: track, currentLevel: facts.currentLevel,
                                unitHasSelfReviewAuthority: Routing.unitID(of: jurisdiction) != nil,
                                jurisdiction: jurisdiction)),
                        context: context)
                }
                return try Self.step(
                    .submit(pledge: pledge, currentPledgeTextHash: signed.pledgeTextSHA256, eligibility: gates),
                    storing: data, signed: signed, form: form, id: id, context: context, in: tx)
            }
            guard let version else {
                throw IntakeRefusal.other("申报人或单位的登记信息刚刚发生变化，请刷新页面后重新提交。")
            }
            return version
        } catch let error as StoreError {
            if let refusal = error.refusal { throw IntakeRefusal.refused(refusal) }
            throw error
        }
    }

    /// Answers a one-time correction notice with the corrected declaration: the whole form is
    /// validated again, only the fields the notice named may differ from the declaration it
    /// corrects, the pledge of the form version is signed again over the new data, and the
    /// answer and the new declaration are written in one transaction (the earlier declaration
    /// stays, at its own version).
    /// - Returns: the application's version after the answer.
    /// - Throws: `IntakeRefusal` (nothing written) or `StoreError`.
    @discardableResult
    public func answerCorrection(
        applicationID id: String, formID: String, data posted: JSONValue, note: String, now: Date
    ) throws -> Int {
        let form: FormDefinition
        do { form = try forms.form(formID) } catch { throw IntakeRefusal.other(error.description) }
        let report = form.validate(posted)
        guard report.isValid else { throw IntakeRefusal.invalid(report.problems) }
        let data = form.pruned(posted)  // fields the declaration does not ask are not kept (nor compared)
        guard let current = try store.load(ApplicationMachine.self, id: id), let profile = current.state.profile,
            let previous = try store.declaration(applicationID: id)
        else { throw IntakeRefusal.other("未找到申报 \(id) 的申报表") }
        let open = Set(current.state.correction?.fields ?? [])
        let before: JSONValue
        do { before = try JSONValue.parse(previous.data) } catch { throw IntakeRefusal.other("\(error)") }
        let changed = form.fields.map(\.id).filter { before[$0] != data[$0] && !open.contains($0) }
            + [FormDefinition.levelField, FormDefinition.trackField].filter { before[$0] != data[$0] }
        guard changed.isEmpty else {
            throw IntakeRefusal.other(
                "补正只能修改补正通知列明的项目，以下项目不能修改：\(changed.map { form.label(of: $0) }.joined(separator: "、"))")
        }
        let person = try store.person(profile.personID)
        let signed: Forms.PledgeRecord
        do {
            signed = try form.signPledge(
                data: data, signerID: profile.personID, signerName: person?.name ?? "", at: now)
        } catch { throw IntakeRefusal.other(error.description) }
        let pledge = Workflow.PledgeRecord(
            signerID: profile.personID, signedAt: now, textHash: signed.pledgeTextSHA256, dataHash: signed.dataSHA256)
        let applicant = Actor(id: "applicant-\(profile.personID)", role: .applicant, personID: profile.personID)
        let context = Context(actor: applicant, now: now, rules: rules)
        do {
            return try store.write { tx in
                try Self.step(
                    .answerCorrection(note: note, pledge: pledge), storing: data, signed: signed, form: form, id: id,
                    context: context, in: tx)
            }
        } catch {
            // (`catch let error as StoreError` here crashes the 6.3.1 compiler: the write throws StoreError only.)
            if let refusal = error.refusal { throw IntakeRefusal.refused(refusal) }
            throw error
        }
    }

    /// The application step that takes a signed declaration (a submission or a correction's
    /// answer) and the declaration it stores, at the step's version, in one transaction.
    /// - Returns: the application's version after the step.
    static func step(
        _ command: ApplicationCommand, storing data: JSONValue, signed: Forms.PledgeRecord, form: FormDefinition,
        id: String, context: Context, in tx: StoreTransaction
    ) throws -> Int {
        let outcome = try tx.execute(ApplicationMachine.self, id: id, command, context: context)
        try tx.record(
            StoredDeclaration(
                applicationID: id, version: outcome.version, formID: form.id, formVersion: form.version,
                data: data.canonical, dataSHA256: signed.dataSHA256,
                pledge: try CanonicalJSON.encode(signed),
                pledgeText: form.pledge?.text, submittedAt: Timestamp.format(context.now)))
        return outcome.version
    }

    /// The declaration data stored with an application's latest submission.
    public func declarationData(applicationID: String) throws -> JSONValue? {
        guard let text = try store.declaration(applicationID: applicationID)?.data else { return nil }
        do { return try JSONValue.parse(text) } catch { throw IntakeRefusal.other("\(error)") }
    }
}
