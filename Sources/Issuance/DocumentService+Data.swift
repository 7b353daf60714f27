import Documents
import Domain
import Forms
import Foundation
import Store
import Workflow

/// The template data of each document kind (field names: `templates/README.md`).
extension DocumentService {
    // MARK: - common pieces

    /// The office's contact split into office and telephone (`objectionContact` is
    /// "办公室 电话").
    var contact: (office: String, phone: String) {
        let text = policy.region.objectionContact.trimmingCharacters(in: .whitespaces)
        guard let space = text.lastIndex(of: " ") else { return (policy.region.office, text) }
        return (
            String(text[..<space]).trimmingCharacters(in: .whitespaces),
            String(text[text.index(after: space)...]).trimmingCharacters(in: .whitespaces)
        )
    }

    /// issuer, document number and issue date: the head of every notice.
    func common(documentNumber: String, issued: Day) -> [String: TemplateValue] {
        [
            "issuer": .string(policy.region.office), "document_number": .string(documentNumber),
            "issue_date": .string(issued.chinese),
        ]
    }

    /// A registration number for a notice the workflow does not number itself:
    /// `焦职改受〔2026〕7号` — prefix, a letter per kind, the year of issue and the document's
    /// place among the documents of its kind in the queue (stable: the queue only grows).
    func registrationNumber(
        _ kind: DocumentKind, anchor: QueuedDocument, year: Int, distinctSubjects: Bool = false
    )
        throws -> String
    {
        let n = try ordinal(kind, anchor: anchor, distinctSubjects: distinctSubjects)
        let letter: String
        switch kind {
        case .acceptanceNotice: letter = "受"
        case .correctionNotice: letter = "补"
        case .refusalNotice: letter = "不"
        case .publicNotice: letter = "公"
        case .reexaminationDecision: letter = "复"
        case .minutes: letter = "纪"
        default: letter = ""
        }
        return "\(policy.region.documentPrefix)\(letter)〔\(year)〕\(n)号"
    }

    /// The document's place among the documents of its kind in the queue (1, 2, …).
    func ordinal(_ kind: DocumentKind, anchor: QueuedDocument, distinctSubjects: Bool = false) throws -> Int {
        if gathers { return try kindIndex(kind).ordinal(through: anchor.id, distinctSubjects: distinctSubjects) }
        return try store.documentOrdinal(kind: kind, through: anchor.id, distinctSubjects: distinctSubjects)
    }

    /// The specialty 专业: the one the applicant declared, else the scope of the committee that
    /// reviews the series and level (按系列 when it reviews the whole series).
    func specialty(_ a: ApplicationFacts) throws -> String {
        if let known = a.specialty { return known }
        if let declared = a.declared, let form = declared.form, let s = form.specialty(in: declared.data) { return s }
        return try committees().first(where: { $0.series == a.profile.series && $0.level == a.profile.level })?.scope
            ?? "按系列"
    }

    /// A stored declaration with its form and its layout for readers.
    struct Declared {
        var stored: StoredDeclaration
        var data: JSONValue
        /// Nil when the form is no longer in `forms/` (the data is still printed, unlabelled).
        var form: FormDefinition?
        var shown: DeclarationPresentation
    }

    /// The declaration of the latest submission at or before `version` (nil when none).
    func declared(_ applicationID: String, asOf version: Int?) throws -> Declared? {
        let key = "\(applicationID)@\(version ?? -1)"
        if let cached = declarationCache[key] { return cached }
        var result: Declared?
        let stored: StoredDeclaration?
        if let all = declarationRows[applicationID] {
            // The latest at or before `version`, as `EventStore.declaration(applicationID:asOf:)`.
            stored = all.last { $0.version <= (version ?? Int.max) }
        } else {
            stored = try store.declaration(applicationID: applicationID, asOf: version)
        }
        if let stored {
            // Every document of an application as of any version after this submission (the
            // 承诺书, 申报表, notices, the certificate) shares one parsing and layout of it.
            let submission = "\(applicationID)#\(stored.version)"
            if let laidOut = declarationCache[submission] {
                result = laidOut
            } else {
                let data: JSONValue
                do { data = try JSONValue.parse(stored.data) } catch {
                    throw IssuanceError.missingData(document: "declaration/\(applicationID)", what: "申报数据(\(error))")
                }
                let form = try? forms.form(stored.formID)
                let shown = form?.present(data) ?? Self.unlabelled(data)
                result = Declared(stored: stored, data: data, form: form, shown: shown)
                declarationCache[submission] = result
            }
        }
        declarationCache[key] = result
        return result
    }

    /// The specialty the declaration of the latest submission at or before `version` names
    /// (`specialty(_:)`'s first choice), from its data without laying it out; nil when none.
    func declaredSpecialty(_ applicationID: String, asOf version: Int?) throws -> String? {
        let stored: StoredDeclaration?
        if let all = declarationRows[applicationID] {
            stored = all.last { $0.version <= (version ?? Int.max) }
        } else {
            stored = try store.declaration(applicationID: applicationID, asOf: version)
        }
        guard let stored else { return nil }
        let data: JSONValue
        do { data = try JSONValue.parse(stored.data) } catch {
            throw IssuanceError.missingData(document: "declaration/\(applicationID)", what: "申报数据(\(error))")
        }
        return (try? forms.form(stored.formID))?.specialty(in: data)
    }

    /// Data whose form is gone: every top-level answer under its key, so nothing is hidden.
    static func unlabelled(_ data: JSONValue) -> DeclarationPresentation {
        let rows = (data.object ?? [:]).sorted { $0.key < $1.key }.map { key, value in
            DeclarationSection.Row(label: key, value: value.string ?? value.canonical, field: key)
        }
        return DeclarationPresentation(sections: [DeclarationSection(title: "申报信息", rows: rows)], files: [], photo: nil)
    }

    struct ApplicationFacts {
        var state: ApplicationState
        var profile: ApplicationProfile
        var person: PersonRecord
        var unitName: String
        var title: String
        var declared: Declared?
        /// The specialty, read while the declaration was at hand (list documents drop it).
        var specialty: String? = nil
    }

    /// - Parameter declaration: false for a document that prints no answer of the declaration
    ///   (a session's 纪要 and 表决票汇总表 name 60 or so applications each: laying each out was
    ///   most of the 20,000 season's documents-phase peak, 927 MB, sampled VmRSS).
    func application(_ id: String, asOf version: Int?, declaration: Bool = true) throws -> ApplicationFacts {
        let state = try self.state(ApplicationMachine.self, id, asOf: version)
        guard let profile = state.profile else {
            throw IssuanceError.missingStream(kind: ApplicationMachine.kind, id: id)
        }
        return ApplicationFacts(
            state: state, profile: profile, person: try person(profile.personID),
            unitName: try unitName(profile.unitID),
            title: TitleNames.title(profile.series, profile.level),
            declared: declaration ? try declared(id, asOf: version) : nil)
    }

    /// The applicant's photo, when the declaration lists one and its file is at hand.
    func photo(_ declared: Declared?) -> [UInt8]? {
        guard let sha = declared?.shown.photo?.sha256 else { return nil }
        return attachments?.contents(sha256: sha)
    }

    /// Fields every letter to an applicant carries.
    func applicantFields(_ a: ApplicationFacts) throws -> [String: TemplateValue] {
        [
            "applicant_name": .string(a.person.name), "application_number": .string(a.profile.applicationID),
            "series": .string(a.profile.series.chinese),
            "specialty": .string(try specialty(a)),
            "title_sought": .string(a.title), "level": .string(a.profile.level.chinese),
            // The day the applicant submitted (the letters say "你于…提交的申报材料").
            "received_date": .string((a.state.submittedOn ?? a.state.createdOn)?.chinese ?? ""),
            "contact_name": .string(contact.office), "contact_phone": .string(contact.phone),
        ]
    }

    func missing(_ row: QueuedDocument, _ what: String) -> IssuanceError {
        .missingData(document: "\(row.request.kind.rawValue)/\(row.request.subject)", what: what)
    }

    func numbered(_ items: [[String: TemplateValue]]) -> TemplateValue {
        .list(
            items.enumerated().map { i, item in
                var o = item
                o["number"] = .number(Double(i + 1))
                return .object(o)
            })
    }

    static func chineseNumeral(_ n: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        return (0...10).contains(n) ? digits[n] : String(n)
    }

    // MARK: - letters to one applicant

    /// The 承诺书: exactly the text the applicant signed (kept with the declaration; for
    /// declarations stored before the text was kept, the form version's text, checked against
    /// the signed digest).
    func pledge(_ row: QueuedDocument) throws -> TemplateValue {
        let a = try application(row.streamID, asOf: row.version)
        guard let pledge = a.state.pledge, let submitted = a.state.submittedOn else { throw missing(row, "承诺书记录") }
        guard let declared = a.declared else { throw missing(row, "申报表与承诺书文本") }
        guard let text = declared.stored.pledgeText ?? declared.form?.pledge?.text,
            SHA256Digest.hex(of: text) == pledge.textHash
        else { throw missing(row, "与签署摘要一致的承诺书文本") }
        var o = try applicantFields(a)
        o["id_number"] = .string(a.person.residentID.value)
        o["unit"] = .string(a.unitName)
        o["year"] = .string(String(submitted.year))
        o["pledge_text"] = .string(text)
        o["form_title"] = .string(declared.form?.title ?? declared.stored.formID)
        o["form_version"] = .string(declared.stored.formVersion)
        o["signed_date"] = .string(Day(pledge.signedAt).chinese)
        o["signature_digest"] = .string(pledge.textHash)
        o["data_digest"] = .string(pledge.dataHash)
        return .object(o)
    }

    /// The 申报表: every answer of the declaration under its form's sections, the files it
    /// lists, the photo, and the unit's recommendation as the workflow recorded it.
    func declarationForm(_ row: QueuedDocument) throws -> (TemplateValue, [String: [UInt8]]) {
        let a = try application(row.streamID, asOf: row.version)
        guard let submitted = a.state.submittedOn else { throw missing(row, "提交日期") }
        guard let declared = a.declared else { throw missing(row, "申报表数据") }
        let id = a.person.residentID
        let data = declared.data
        func answer(_ field: String) -> TemplateValue {
            guard let f = declared.form?.field(field), let v = data[field],
                let text = declared.form?.text(of: f, value: v)
            else { return .null }
            return .string(text)
        }
        var o = try applicantFields(a)
        o["submitted_date"] = .string(submitted.chinese)
        o["gender"] = .string(id.isMale ? "男" : "女")
        o["birth_date"] = .string(id.birthDate.chinese)
        o["id_number"] = .string(id.value)
        o["unit"] = .string(a.unitName)
        o["unit_credit_code"] = .string(try unit(a.profile.unitID)?.creditCode.value ?? "")
        o["current_title"] =
            answer("current_title").text.isEmpty
            ? .string(a.profile.currentLevel.map { TitleNames.title(a.profile.series, $0) } ?? "无")
            : answer("current_title")
        o["track"] = .string(a.profile.track.chinese)
        o["phone"] = answer("phone")
        o["highest_degree"] = answer("highest_degree")
        o["green_channel"] = .bool(a.profile.track == .greenChannel)
        o["green_channel_reason"] = answer("talent_category").text.isEmpty
            ? .string(a.profile.track.chinese) : answer("talent_category")
        o["sections"] = .list(
            declared.shown.sections.map { s in
                [
                    "title": .string(s.title),
                    "rows": .list(s.rows.map { ["label": .string($0.label), "value": .string($0.value)] }),
                ]
            })
        o["attachments"] = numbered(
            declared.shown.files.map { f in
                [
                    "label": .string(f.label), "name": .string(f.name), "type": .string(f.format),
                    "size": .string(f.sizeText), "sha256": .string(f.sha256),
                ]
            })
        let photo = self.photo(declared)
        o["has_photo"] = .bool(photo != nil)
        o["photo"] = .null  // the picture itself comes as an image; null: the frame may stay blank
        if let on = a.state.recommendedOn {
            let notice = a.state.unitNoticeStartedOn.map { "经本单位自\($0.chinese)起公示，" } ?? ""
            o["unit_opinion"] = .string("\(notice)公示期满无异议，同意推荐\(a.person.name)同志申报\(a.title)任职资格。")
            o["unit_opinion_date"] = .string(on.chinese)
        } else {
            o["unit_opinion"] = .null
            o["unit_opinion_date"] = .null
        }
        return (.object(o), photo.map { ["photo": $0] } ?? [:])
    }

    func acceptanceNotice(_ row: QueuedDocument) throws -> TemplateValue {
        let a = try application(row.streamID, asOf: row.version)
        guard let on = a.state.acceptedOn else { throw missing(row, "受理日期") }
        var o = try applicantFields(a)
        o.merge(
            common(documentNumber: try registrationNumber(.acceptanceNotice, anchor: row, year: on.year), issued: on)
        ) { $1 }
        o["committee"] = .string(try committeeName(series: a.profile.series, level: a.profile.level))
        o["notice_days"] = .number(Double(policy.publicNoticeWorkingDays))
        return .object(o)
    }

    func correctionNotice(_ row: QueuedDocument) throws -> TemplateValue {
        let a = try application(row.streamID, asOf: row.version)
        guard let c = a.state.correction else { throw missing(row, "补正事项") }
        var o = try applicantFields(a)
        o.merge(
            common(
                documentNumber: try registrationNumber(.correctionNotice, anchor: row, year: c.requestedOn.year),
                issued: c.requestedOn)
        ) { $1 }
        // Items naming the form's fields say what to do there; other items, as the clerk wrote them.
        let named = Dictionary(
            (c.fields ?? []).compactMap { id in a.declared?.form?.field(id) }.map { f -> (String, FieldDefinition) in
                if case .attachment = f.type { return ("附件：\(f.label)", f) }
                return (f.label, f)
            }, uniquingKeysWith: { first, _ in first })
        o["missing_items"] = numbered(
            c.items.map { item in
                let requirement: String
                switch named[item]?.type {
                case .attachment(let types, let maxBytes, _, _, _)?:
                    let formats = types.map(DeclaredFile.formatName)
                    requirement = "在申报系统中重新上传（格式：\(formats.joined(separator: "、"))，每个文件不超过\(DeclarationText.size(maxBytes))）"
                case _?:
                    requirement = "在申报系统中修改申报表的该项内容"
                case nil:
                    requirement = "请按申报材料要求补充或重新提交"
                }
                return ["item": .string(item), "requirement": .string(requirement)]
            })
        o["deadline"] = .string(c.deadline.chinese)
        o["answer_working_days"] = .number(Double(policy.correctionAnswerWorkingDays))
        return .object(o)
    }

    func refusalNotice(_ row: QueuedDocument) throws -> TemplateValue {
        let a = try application(row.streamID, asOf: row.version)
        guard let on = a.state.decisionNoticeOn, !a.state.refusalReasons.isEmpty else { throw missing(row, "不予受理理由") }
        var o = try applicantFields(a)
        o.merge(common(documentNumber: try registrationNumber(.refusalNotice, anchor: row, year: on.year), issued: on))
        { $1 }
        o["reasons"] = numbered(a.state.refusalReasons.map { ["reason": .string($0), "rule": .string("职称评审申报条件")] })
        o["review_days"] = .number(Double(policy.reexaminationWindowDays))
        o["review_until"] = .string(on.adding(days: policy.reexaminationWindowDays).chinese)
        o["review_body"] = .string(policy.region.office)
        return .object(o)
    }

    func reexaminationDecision(_ row: QueuedDocument) throws -> TemplateValue {
        let a = try application(row.streamID, asOf: row.version)
        guard let r = a.state.reexamination, let outcome = r.outcome, let on = r.decidedOn else {
            throw missing(row, "复查结论")
        }
        // The decision the request was against: the state just before the request.
        let before = try self.state(ApplicationMachine.self, row.streamID, asOf: row.version - 1)
        var o = try applicantFields(a)
        o.merge(
            common(
                documentNumber: try registrationNumber(.reexaminationDecision, anchor: row, year: on.year), issued: on)
        ) { $1 }
        o["original_decision"] = .string(r.against == .refused ? "不予受理" : "评审未通过")
        o["original_date"] = .string((before.decisionNoticeOn ?? r.requestedOn).chinese)
        o["requested_date"] = .string(r.requestedOn.chinese)
        o["reason"] = .string(r.reason)
        o["finding"] = .string(r.finding ?? "")
        o["outcome"] = .string(outcome.chinese)
        o["is_final"] = .bool(outcome == .upheld)
        return .object(o)
    }

    // MARK: - list documents

    /// Committee names and meeting days of the sessions that decided `apps`.
    func sessions(of apps: [ApplicationFacts]) throws -> (committee: String, date: String) {
        var names: [String] = []
        var days: [Day] = []
        for a in apps {
            guard let sessionID = a.state.result?.sessionID ?? a.state.sessionID else { continue }
            let s = try self.state(CommitteeSessionMachine.self, sessionID)
            guard let plan = s.plan else { continue }
            let name = try committee(id: plan.committeeID)?.name ?? plan.committeeID
            if !names.contains(name) { names.append(name) }
            if !days.contains(plan.date) { days.append(plan.date) }
        }
        let committee = names.count == 1 ? names[0] : "\(policy.region.name)各职称评审委员会"
        return (committee, days.sorted().map(\.chinese).joined(separator: "、"))
    }

    func publicNotice(batch: String) throws -> TemplateValue {
        if gathers { return try wholeListDocument(DocumentKey(.publicNotice, name: batch)) }
        // Without gathering (the reference the tests compare with): one application at a time.
        let requests = try rows(kind: .publicNotice, subject: batch)
        guard let first = requests.first else {
            throw IssuanceError.missingData(document: "public-notice/\(batch)", what: "公示名单")
        }
        var apps: [ApplicationFacts] = []
        var seen = Set<String>()
        for r in requests where seen.insert(r.streamID).inserted {
            apps.append(try application(r.streamID, asOf: r.version))
        }
        guard let notice = apps.first?.state.notice else {
            throw IssuanceError.missingData(document: "public-notice/\(batch)", what: "公示期")
        }
        let decided = try sessions(of: apps)
        // The day the notice was issued: the day of the step that started it.
        let issued = Day(try firstRecordedAt(first))
        var o = common(
            documentNumber: try registrationNumber(
                .publicNotice, anchor: first, year: issued.year, distinctSubjects: true),
            issued: issued)
        o["year"] = .string(String(notice.start.year))
        o["committee"] = .string(decided.committee)
        o["session_date"] = .string(decided.date)
        o["count"] = .number(Double(apps.count))
        o["candidates"] = numbered(
            try apps.map { a in
                [
                    "name": .string(a.person.name), "unit": .string(a.unitName),
                    "series": .string(a.profile.series.chinese),
                    "specialty": .string(try specialty(a)), "title": .string(a.title),
                    "id_number": .string(a.person.residentID.masked),
                ]
            })
        o["notice_start"] = .string(notice.start.chinese)
        o["notice_end"] = .string(notice.end.chinese)
        o["notice_days"] = .number(Double(policy.publicNoticeWorkingDays))
        o["objection_office"] = .string(contact.office)
        o["objection_phone"] = .string(contact.phone)
        o["objection_address"] = .string(policy.region.authority)
        return .object(o)
    }

    /// When the step that queued `row` was recorded (its last event's timestamp).
    func firstRecordedAt(_ row: QueuedDocument) throws -> Date {
        let cached = recordedAt["\(row.streamKind)/\(row.streamID)"].flatMap {
            $0.indices.contains(row.version - 1) ? $0[row.version - 1] : nil
        }
        let text = try cached ?? store.event(kind: row.streamKind, id: row.streamID, version: row.version)?.recordedAt
        guard let text, let date = Timestamp.parse(text) else { throw missing(row, "事件时间") }
        return date
    }

    func qualificationNotice(documentNumber: String) throws -> TemplateValue {
        if gathers { return try wholeListDocument(DocumentKey(.qualificationNotice, name: documentNumber)) }
        var apps: [ApplicationFacts] = []
        var seen = Set<String>()
        for r in try rows(kind: .qualificationNotice) {
            let a = try application(r.streamID, asOf: r.version)
            if a.state.documentNumber == documentNumber, seen.insert(r.streamID).inserted { apps.append(a) }
        }
        guard let lead = apps.first, let confirmed = lead.state.confirmedOn else {
            throw IssuanceError.missingData(document: "qualification-notice/\(documentNumber)", what: "取得资格人员名单")
        }
        let titles = Set(apps.map(\.title))
        let decided = try sessions(of: apps)
        var o = common(documentNumber: documentNumber, issued: confirmed)
        o["lead_name"] = .string(lead.person.name)
        o["qualification"] = .string(titles.count == 1 ? lead.title : "专业技术职务任职")
        o["recipients"] = .string("各县(市)区人力资源和社会保障局,市直各有关单位")
        o["committee"] = .string(decided.committee)
        o["session_date"] = .string(decided.date)
        o["count"] = .number(Double(apps.count))
        o["approval_number"] = .string(documentNumber)
        o["effective_date"] = .string(confirmed.chinese)
        o["people"] = numbered(
            try apps.map { a in
                [
                    "name": .string(a.person.name), "unit": .string(a.unitName),
                    "specialty": .string(try specialty(a)), "title": .string(a.title),
                    "filed": .bool(a.profile.unitHasSelfReviewAuthority),
                ]
            })
        return .object(o)
    }

    // MARK: - certificate and revocation

    /// The certificate as issued (the state after its `issued` event).
    func certificate(number: String) throws -> (TemplateValue, [String: [UInt8]]) {
        let state = try self.state(CertificateMachine.self, number, asOf: 1)
        guard let d = state.details else {
            throw IssuanceError.missingStream(kind: CertificateMachine.kind, id: number)
        }
        let a = try application(d.applicationID, asOf: nil)
        let approvalDate = a.state.confirmedOn ?? d.issuedOn
        let committee =
            try sessions(of: [a]).committee
        var url = policy.region.verificationBaseURL
        url += (url.contains("?") ? "&" : "?") + "number=\(Self.query(d.number))&code=\(Self.query(d.verificationCode))"
        let revoked = state.revocation
        var o: [String: TemplateValue] = [
            "issuer": .string(policy.region.office), "issue_date": .string(d.issuedOn.chinese),
            "certificate_number": .string(d.number), "holder_name": .string(d.holderName),
            "id_number": .string(try person(d.holderID).residentID.value), "series": .string(d.series.chinese),
            "specialty": .string(try specialty(a)),
            "gender": .string(try person(d.holderID).residentID.isMale ? "男" : "女"),
            "birth_date": .string(try person(d.holderID).residentID.birthDate.chinese),
            "unit": .string(a.unitName),
            "title": .string(TitleNames.title(d.series, d.level)),
            "level": .string(d.level.chinese), "committee": .string(committee),
            "approval_number": .string(d.approvalDocumentNumber), "approval_date": .string(approvalDate.chinese),
            "revoked": .bool(revoked != nil),
            "revoked_date": .string(revoked?.on.chinese ?? ""),
            "revocation_number": .string(revoked?.decisionNumber ?? ""),
            "verification_code": .string(d.verificationCode), "verification_url": .string(url),
        ]
        var records: [TemplateValue] = [["date": .string(d.issuedOn.chinese), "event": "颁发证书"]]
        if let r = revoked {
            records.append(["date": .string(r.on.chinese), "event": .string("撤销(\(r.decisionNumber))")])
        }
        o["records"] = .list(records)
        let photo = self.photo(a.declared)
        o["has_photo"] = .bool(photo != nil)
        o["photo"] = .null  // the picture itself comes as an image; null: the frame may stay blank
        return (.object(o), photo.map { ["photo": $0] } ?? [:])
    }

    static func query(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    func revocationDecision(_ row: QueuedDocument) throws -> TemplateValue {
        let state = try self.state(CertificateMachine.self, row.streamID, asOf: row.version)
        guard let d = state.details, let r = state.revocation else { throw missing(row, "撤销记录") }
        let holder = try person(d.holderID)
        let a = try application(d.applicationID, asOf: nil)
        // The integrity record and unit suspension the same finding set off.
        var debarUntil = BarEnd.until(from: r.on, years: policy.blacklistYears)
        if let events = try? history(PersonIntegrityMachine.self, d.holderID) {
            for case .recorded(_, let basis, _, let until) in events where basis == r.decisionNumber {
                debarUntil = until
            }
        }
        var suspension: (number: String, until: Day)?
        if let events = try? history(UnitStandingMachine.self, a.profile.unitID) {
            for case .suspended(_, let number, let from, let until) in events where from == r.on {
                suspension = (number, until)
            }
        }
        var o = common(documentNumber: r.decisionNumber, issued: r.on)
        o["holder_name"] = .string(holder.name)
        o["id_number"] = .string(holder.residentID.value)
        o["unit"] = .string(a.unitName)
        o["facts"] = .string(r.reason)
        o["legal_basis"] = .string(
            "依据《职称评审管理暂行规定》(人力资源社会保障部令第40号)第四十条及\(policy.region.name)职称评审有关规定")
        o["title"] = .string(TitleNames.title(d.series, d.level))
        o["certificate_number"] = .string(d.number)
        o["approval_number"] = .string(d.approvalDocumentNumber)
        o["debar_years"] = .number(Double(policy.blacklistYears))
        o["debar_until"] = .string(BarEnd.chinese(until: debarUntil))
        o["unit_suspended"] = .bool(suspension != nil)
        o["suspension_years"] = .number(Double(policy.unitSuspensionYears))
        o["suspension_until"] = .string(suspension.map { BarEnd.chinese(until: $0.until, then: "恢复") } ?? "")
        o["suspension_number"] = .string(suspension?.number ?? "")
        o["reconsideration_days"] = 60
        o["reconsideration_body"] = .string("\(policy.region.name)人民政府")
        o["litigation_months"] = 6
        o["court"] = .string("有管辖权的人民法院")
        return .object(o)
    }

    // MARK: - committee session

    struct SessionFacts {
        var state: CommitteeSessionState
        var plan: SessionPlan
        var committee: String
        var closedOn: Day
    }

    func session(_ row: QueuedDocument) throws -> SessionFacts {
        let s = try self.state(CommitteeSessionMachine.self, row.streamID, asOf: row.version)
        guard let plan = s.plan, let closed = s.closedOn else { throw missing(row, "闭会记录") }
        return SessionFacts(
            state: s, plan: plan, committee: try committee(id: plan.committeeID)?.name ?? plan.committeeID,
            closedOn: closed)
    }

    func expertName(_ id: String, _ f: SessionFacts) throws -> String {
        try expert(id, committee: f.plan.committeeID)?.name ?? id
    }

    func minutes(_ row: QueuedDocument) throws -> TemplateValue {
        let f = try session(row)
        let s = f.state
        let quorum = policy.committee.quorum
        var o: [String: TemplateValue] = [
            "committee": .string(f.committee),
            "document_number": .string(try registrationNumber(.minutes, anchor: row, year: f.closedOn.year)),
            "session_number": .number(Double(try ordinal(.minutes, anchor: row))),
            "session_id": .string(f.plan.sessionID), "session_date": .string(f.plan.date.chinese),
            "venue": .string("\(policy.region.authority)评审会议室"),
            "member_count": .number(Double(f.plan.memberCount)), "present_count": .number(Double(s.present.count)),
            "quorum_met": .bool(quorum.isMet(by: s.present.count, of: f.plan.memberCount)),
            "recorder": "评审委员会秘书处", "issue_date": .string(f.closedOn.chinese),
        ]
        var experts: [[String: TemplateValue]] = []
        for (i, id) in s.present.enumerated() {
            let e = try expert(id, committee: f.plan.committeeID)
            let unit = try e.flatMap { try self.unit($0.unitID)?.name } ?? "评审专家库(\(e?.unitID ?? "—"))"
            experts.append([
                "name": .string(e?.name ?? id), "title": .string(e?.title ?? ""), "unit": .string(unit),
                "role": .string(i == 0 ? "主持" : "评委"),
            ])
        }
        o["chair"] = .string(try s.present.first.map { try expertName($0, f) } ?? "")
        o["experts"] = numbered(experts)
        o["agenda"] = .string(
            "一、宣布评审纪律和回避要求;二、评委审阅申报材料、集体讨论;三、无记名投票表决;四、当场计票并宣布结果。"
                + (s.minutes.map { "\n" + $0 } ?? ""))
        var results: [[String: TemplateValue]] = []
        for r in s.results {
            let a = try application(r.applicationID, asOf: nil, declaration: false)
            results.append([
                "name": .string(a.person.name), "unit": .string(a.unitName), "title_sought": .string(a.title),
                "result": .string(r.passed ? "通过" : "未通过"),
            ])
        }
        o["results"] = numbered(results)
        let recusals = try s.recusals.map { rec in
            "\(try expertName(rec.expertID, f)):\(rec.reason.chinese)"
                + (try rec.replacement.map { ",由\(try expertName($0.id, f))递补" } ?? "")
        }
        o["recusals"] = .string(recusals.isEmpty ? "无" : recusals.joined(separator: ";"))
        return .object(o)
    }

    func voteRecord(_ row: QueuedDocument) throws -> TemplateValue {
        let f = try session(row)
        let s = f.state
        let pass = policy.committee.pass
        let present = s.present.count
        var votes: [[String: TemplateValue]] = []
        for r in s.results {
            let a = try application(r.applicationID, asOf: nil, declaration: false)
            votes.append([
                "name": .string(a.person.name), "unit": .string(a.unitName), "title_sought": .string(a.title),
                "yes": .number(Double(r.tally.yes)), "no": .number(Double(r.tally.no)),
                "abstain": .number(Double(r.tally.abstain)), "result": .string(r.passed ? "通过" : "未通过"),
            ])
        }
        let ratio = "\(Self.chineseNumeral(pass.denominator))分之\(Self.chineseNumeral(pass.numerator))"
        return .object([
            "committee": .string(f.committee), "session_date": .string(f.plan.date.chinese),
            "member_count": .number(Double(f.plan.memberCount)), "present_count": .number(Double(present)),
            "pass_threshold": .string("同意票数达到出席评委人数的\(ratio)(\(pass.minimum(of: present))票)"),
            "votes": numbered(votes), "scrutineers": "出席评委共同监票", "counter": "评审委员会秘书处",
            "recorder": "评审委员会秘书处",
        ])
    }
}
