import ArgumentParser
import Domain
import Forms
import Foundation
import OfficeSteps
import Signing
import Store
import Workflow

// Every step the web consoles offer, as a subcommand acting as a named account (`--as`) on
// a day (`--on`, demo databases only): `pingshen unit …` (the unit's HR), `pingshen office …`
// (the office's clerks and head), `pingshen session …` (committee sessions: secretary, office,
// experts' ballots), `pingshen posthoc …` (post-hoc checks) and `pingshen certificate issue`.
// The steps are the web's own (`OfficeSteps`, the machines); see `StepRunner`.

extension StepRunner {
    /// `command` on each application, each in its own transaction.
    func applications(_ ids: [String], _ command: ApplicationCommand, message: String) async {
        await each(ids, { tx, ctx, id in
            try Self.requireApplication(tx, id)
            try tx.execute(ApplicationMachine.self, id: id, command, context: ctx)
        }, message: { _ in message })
    }

    /// Refused unless `id` is an application (its profile recorded).
    static func requireApplication(_ tx: StoreTransaction, _ id: String) throws {
        guard try tx.load(ApplicationMachine.self, id: id)?.state.profile != nil else {
            throw Refusal(rule: "application.unknown", message: "没有编号为\(id)的申报")
        }
    }
}

/// A whole step of one command on the application ids given.
protocol ApplicationStep: AsyncParsableCommand {
    var options: StepOptions { get }
    var targets: StepTargets { get }
    /// The command, from the options (thrown CLIError for bad input).
    func command() throws -> ApplicationCommand
    /// What was done, for the item's line.
    static var done: String { get }
}

extension ApplicationStep {
    func run() async throws {
        let ids = try targets.list()
        let command = try command()
        let runner = try StepRunner(options)
        await runner.applications(ids, command, message: Self.done)
        try runner.finish(batch: ids.count > 1)
    }
}

/// A step that takes nothing but the ids: its name, help, command and what it did.
protocol PlainStep {
    static var name: String { get }
    static var abstract: String { get }
    static var command: ApplicationCommand { get }
    static var done: String { get }
}

/// The subcommand of a `PlainStep`.
struct Plain<Step: PlainStep>: ApplicationStep {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Step.name, abstract: Step.abstract)
    }
    @OptionGroup var options: StepOptions
    @OptionGroup var targets: StepTargets
    func command() -> ApplicationCommand { Step.command }
    static var done: String { Step.done }
}

/// Non-empty text of an option, or a Chinese error naming it.
func required(_ text: String?, _ option: String, _ field: String) throws -> String {
    let value = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    guard !value.isEmpty else { throw CLIError("请填写\(field)（\(option)）") }
    return value
}

// MARK: - unit

/// `pingshen unit notice|recommend|return`: the unit HR's steps on its applications.
struct UnitStepsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit", abstract: "The unit's steps as its HR account: notice 单位公示, recommend 推荐, return 退回.",
        subcommands: [Plain<Notice>.self, Plain<Recommend>.self, Return.self])

    enum Notice: PlainStep {
        static let name = "notice"
        static let abstract = "Start the unit notice 单位公示 of each application."
        static let command = ApplicationCommand.startUnitNotice
        static let done = "已开始单位公示"
    }

    enum Recommend: PlainStep {
        static let name = "recommend"
        static let abstract = "Recommend 推荐 each application to the office (once the notice has run its working days)."
        static let command = ApplicationCommand.recommend
        static let done = "已推荐至职改办资格审核"
    }

    struct Return: ApplicationStep {
        static let configuration = CommandConfiguration(
            commandName: "return", abstract: "Return 退回 each application to its applicant with a reason.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Why (told to the applicant).") var reason: String?
        func command() throws -> ApplicationCommand {
            .returnToApplicant(reason: try required(reason, "--reason", "退回理由"))
        }
        static let done = "已退回申报人"
    }
}

// MARK: - office

/// `pingshen office …`: the office console's steps on applications.
struct OfficeStepsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office",
        abstract: "The office's steps: accept, correct, refuse, object, resolve, notice, conclude, confirm, revoke, reexamine, archive.",
        subcommands: [
            Plain<Accept>.self, Correct.self, Refuse.self, Object.self, Resolve.self, Notice.self, Plain<Conclude>.self,
            Confirm.self, Revoke.self, Reexamine.self, Plain<Archive>.self,
        ])

    enum Accept: PlainStep {
        static let name = "accept"
        static let abstract = "Accept 受理 each application (office clerk)."
        static let command = ApplicationCommand.accept
        static let done = "已受理"
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask once for corrections 一次性告知补正: the form's fields (--field, by id) and other items (--item).")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "A field id of the application's form the applicant may change (repeatable).") var field: [String] = []
        @Option(help: "Another item to supply (repeatable).") var item: [String] = []

        func run() async throws {
            let ids = try targets.list()
            guard !field.isEmpty || !item.isEmpty else { throw CLIError("请列出需补正的内容（--field 或 --item）") }
            let runner = try StepRunner(options)
            let forms = try options.formsLibrary()
            for id in ids {
                // The form's labels, read before the step's transaction.
                let form = try? runner.store.declaration(applicationID: id).flatMap { try? forms.form($0.formID) }
                let named = OfficeSteps.correctionItems(form: form ?? nil, ticked: field)
                let unknown = field.filter { !named.fields.contains($0) }
                await runner.step(id, streams: [(ApplicationMachine.self, id)], { tx, ctx in
                    try StepRunner.requireApplication(tx, id)
                    guard unknown.isEmpty else {
                        throw Refusal(
                            rule: "correction.field-unknown",
                            message: "申报表中没有字段\(unknown.joined(separator: "、"))（--field）")
                    }
                    try tx.execute(
                        ApplicationMachine.self, id: id,
                        .requestCorrection(items: named.items + item, fields: named.fields), context: ctx)
                }, message: { _ in "已一次性告知补正：" + (named.items + item).joined(separator: "、") })
            }
            try runner.finish(batch: ids.count > 1)
        }
    }

    struct Refuse: ApplicationStep {
        static let configuration = CommandConfiguration(abstract: "Refuse 不予受理 each application with reasons.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "A reason (repeatable).") var reason: [String] = []
        func command() throws -> ApplicationCommand {
            let reasons = reason.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !reasons.isEmpty else { throw CLIError("请填写不予受理的理由（--reason）") }
            return .refuse(reasons: reasons)
        }
        static let done = "已作出不予受理决定"
    }

    struct Object: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "object", abstract: "Register an objection 异议 during the public notice.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "What the objection says.") var summary: String?

        func run() async throws {
            let ids = try targets.list()
            let summary = try required(summary, "--summary", "异议内容")
            let runner = try StepRunner(options)
            await runner.each(ids, { tx, ctx, id in
                try StepRunner.requireApplication(tx, id)
                let count = try tx.load(ApplicationMachine.self, id: id)?.state.objections.count ?? 0
                try tx.execute(
                    ApplicationMachine.self, id: id,
                    .raiseObjection(objectionID: "O-\(id)-\(count + 1)", summary: summary), context: ctx)
            }, message: { id in "异议已登记，申报转入异议调查" })
            try runner.finish(batch: ids.count > 1)
        }
    }

    struct Resolve: ApplicationStep {
        static let configuration = CommandConfiguration(
            abstract: "Record the finding of an objection's investigation (--upheld when it holds).")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "The objection's id (O-<application>-<n>).") var objection: String
        @Flag(help: "The objection holds.") var upheld = false
        @Option(help: "The finding.") var finding: String?
        func command() throws -> ApplicationCommand {
            .resolveObjection(
                objectionID: objection, upheld: upheld, finding: try required(finding, "--finding", "调查结论"))
        }
        static let done = "异议调查结论已登记"
    }

    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the public notice 评审结果公示 of the passed applications given, as one batch (one transaction).")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Batch id (default N<year>-<nn>, the next).") var batch: String?
        @Option(help: "First day of the notice (YYYY-MM-DD; default the day of the step).") var start: String?

        func run() async throws {
            let ids = try targets.list()
            let runner = try StepRunner(options)
            let startDay: Day
            if let start {
                guard let day = Day(start) else { throw CLIError("公示开始日期（--start）应为 YYYY-MM-DD 格式的日期") }
                startDay = day
            } else {
                startDay = runner.today
            }
            let batchID = try batch ?? OfficeSteps.suggestedNoticeBatch(store: runner.store, on: runner.today)
            await runner.step(ids.joined(separator: "、"), streams: ids.map { (ApplicationMachine.self, $0) }, { tx, ctx in
                try ids.forEach { try StepRunner.requireApplication(tx, $0) }
                try OfficeSteps.startPublicNotice(tx, ctx, applications: ids, batch: batchID, startsOn: startDay)
            }, message: { "已开始评审结果公示（批次 \(batchID)，自\(startDay.chinese)起）" })
            try runner.finish(batch: false)
        }
    }

    enum Conclude: PlainStep {
        static let name = "conclude"
        static let abstract = "End the public notice 公示结束 of each application."
        static let command = ApplicationCommand.concludeNotice
        static let done = "公示已结束"
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm 确认 the applications given under one new 文号, in one transaction (office head).")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets

        func run() async throws {
            let ids = try targets.list()
            let runner = try StepRunner(options)
            await runner.step(ids.joined(separator: "、"), streams: ids.map { (ApplicationMachine.self, $0) }, { tx, ctx in
                try ids.forEach { try StepRunner.requireApplication(tx, $0) }
                return try OfficeSteps.confirm(tx, ctx, applications: ids)
            }, message: { "已确认取得资格，文号 \($0)" })
            try runner.finish(batch: false)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke the certificate 撤销证书 of each application (the decision's 文号 the next one unless given).")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Why.") var reason: String?
        @Option(help: "The decision's 文号 (default: the next from the counter).") var decision = ""

        func run() async throws {
            let ids = try targets.list()
            let reason = try required(reason, "--reason", "撤销理由")
            let runner = try StepRunner(options)
            for id in ids {
                await runner.step(id, streams: [(ApplicationMachine.self, id)], { tx, ctx in
                    try OfficeSteps.revokeCertificate(tx, ctx, application: id, reason: reason, decision: decision)
                }, message: { "证书已撤销，撤销决定文号 \($0)" })
            }
            try runner.finish(batch: ids.count > 1)
        }
    }

    struct Reexamine: ApplicationStep {
        static let configuration = CommandConfiguration(
            abstract: "Decide a re-examination 复查 (office head): upheld, back-to-qualification-review, back-to-committee.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "upheld, back-to-qualification-review or back-to-committee.") var outcome: String
        @Option(help: "The finding.") var finding: String?
        func command() throws -> ApplicationCommand {
            guard let value = ReexaminationOutcome(rawValue: outcome) else {
                throw CLIError(
                    "复查结论（--outcome）应为 "
                        + ReexaminationOutcome.allCases.map { "\($0.rawValue)（\($0.chinese)）" }.joined(separator: "、"))
            }
            return .decideReexamination(outcome: value, finding: try required(finding, "--finding", "复查意见"))
        }
        static let done = "已作出复查决定"
    }

    enum Archive: PlainStep {
        static let name = "archive"
        static let abstract = "Archive 归档 each certified application."
        static let command = ApplicationCommand.archive
        static let done = "已归档"
    }
}

// MARK: - committee sessions

/// `pingshen session …`: a committee session from plan to close.
struct SessionStepsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Committee sessions: plan, draw, recuse, attend (convene), vote (an expert), count, close.",
        subcommands: [Plan.self, Draw.self, Recuse.self, Attend.self, Vote.self, Count.self, Close.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a session of a committee for the accepted applications given; prints the session id.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Committee id (pingshen committee list).") var committee: String
        @Option(help: "Day of the session (YYYY-MM-DD; default the day of the step).") var date: String?
        @Option(help: "Venue.") var venue: String?

        func run() async throws {
            let ids = try targets.list()
            let runner = try StepRunner(options)
            guard let record = try runner.store.committees().first(where: { $0.id == committee }) else {
                throw CLIError("没有编号为“\(committee)”的评审委员会（--committee）")
            }
            var day = runner.today
            if let date {
                guard let d = Day(date) else { throw CLIError("会议日期（--date）应为 YYYY-MM-DD 格式的日期") }
                day = d
            }
            let where_ = venue?.trimmingCharacters(in: .whitespaces)
            await runner.step(ids.joined(separator: "、"), streams: ids.map { (ApplicationMachine.self, $0) }, { tx, ctx in
                try OfficeSteps.planSession(
                    tx, ctx, committee: record, date: day, venue: where_?.isEmpty == false ? where_ : nil,
                    applications: ids)
            }, message: { "已安排评审会议 \($0)（\(record.name)，\(day.chinese)）" })
            try runner.finish(batch: false)
        }
    }

    struct Draw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the session's experts; the seed is drawn by the system and recorded.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "Experts needed (default: the committee's size).") var needed: Int?

        func run() async throws {
            if let needed, needed <= 0 { throw CLIError("抽取人数（--needed）应为正整数") }
            let runner = try StepRunner(options)
            // The pool of the day, read before the step's transaction (none: the machine refuses).
            let committee = try runner.store.load(CommitteeSessionMachine.self, id: session)?.state.plan?.committeeID
            let pool = try committee.map { try OfficeSteps.drawPool(store: runner.store, committee: $0, on: runner.today) }
            await runner.step(session, streams: [(CommitteeSessionMachine.self, session)], { tx, ctx in
                try OfficeSteps.drawExperts(tx, ctx, session: session, pool: pool ?? [], needed: needed)
                return try tx.load(CommitteeSessionMachine.self, id: session)?.state
            }, message: { state in
                "已抽取评审专家：委员 \(state?.members.map(\.id).joined(separator: "、") ?? "")；"
                    + "备选 \(state?.alternates.map(\.id).joined(separator: "、") ?? "")；随机种子 \(state?.seed.map { String($0) } ?? "")"
            })
            try runner.finish(batch: false)
        }
    }

    struct Recuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recuse a drawn expert (office); an alternate takes the seat.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "Expert id.") var expert: String
        @Option(help: "Why.") var note = ""

        func run() async throws {
            guard note.count <= 200 else { throw CLIError("回避理由（--note）不超过200个字") }
            let runner = try StepRunner(options)
            await runner.step(session, streams: [(CommitteeSessionMachine.self, session)], { tx, ctx in
                try tx.execute(
                    CommitteeSessionMachine.self, id: session, .recuseExpert(expertID: expert, note: note), context: ctx)
            }, message: { _ in "专家 \(expert) 已回避" })
            try runner.finish(batch: false)
        }
    }

    struct Attend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convene the session with the experts present (attendance, checked against the quorum).")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "Expert ids present (comma-separated or repeated).") var present: [String] = []

        func run() async throws {
            let ids = present.flatMap { $0.split(whereSeparator: { ",，、 ".contains($0) }).map(String.init) }
            let runner = try StepRunner(options)
            await runner.step(session, streams: [(CommitteeSessionMachine.self, session)], { tx, ctx in
                try tx.execute(CommitteeSessionMachine.self, id: session, .convene(present: ids), context: ctx)
            }, message: { _ in "已召开评审会议，出席专家\(ids.count)人" })
            try runner.finish(batch: false)
        }
    }

    struct Vote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An expert's secret ballot 无记名投票 on one candidate (yes, no, abstain); never printed back.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "The candidate's application id.") var application: String
        @Option(help: "yes, no or abstain.") var choice: String

        func run() async throws {
            guard let ballot = BallotChoice(rawValue: choice) else {
                throw CLIError("表决意见（--choice）应为 yes（赞成）、no（反对）或 abstain（弃权）")
            }
            let runner = try StepRunner(options)
            guard runner.account.role == .expert, let expertID = runner.account.expertID else {
                throw CLIError("账户“\(options.username)”不是评审专家账户，不能投票")
            }
            await runner.step(application, streams: [(CommitteeSessionMachine.self, session)], { tx, _ in
                try OfficeSteps.castBallot(
                    tx, session: session, application: application, expert: expertID, choice: ballot)
            }, message: { _ in "选票已投入票箱" })
            try runner.finish(batch: false)
        }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count 计票: record every full ballot box (or --application's) into the session's log.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "Only this candidate's box.") var application: String?

        func run() async throws {
            let runner = try StepRunner(options)
            await runner.step(session, streams: [(CommitteeSessionMachine.self, session)], { tx, ctx in
                let counted = try OfficeSteps.countBallots(tx, ctx, session: session, application: application)
                let state = try tx.load(CommitteeSessionMachine.self, id: session)?.state
                let pass = ctx.policy.committee.pass
                return counted.map { id -> String in
                    guard let state, let r = CommitteeSessionMachine.result(for: id, in: state, pass: pass) else { return id }
                    return "\(id) 赞成\(r.tally.yes)、反对\(r.tally.no)、弃权\(r.tally.abstain)，\(r.passed ? "通过" : "未通过")"
                }
            }, message: { "已计票：" + $0.joined(separator: "；") })
            try runner.finish(batch: false)
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the session with its minutes; the results go to every application in the same transaction.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "The minutes 会议纪要.") var minutes: String?

        func run() async throws {
            let text = try required(minutes, "--minutes", "会议纪要")
            guard text.count <= 5_000 else { throw CLIError("会议纪要（--minutes）不超过5000个字") }
            let runner = try StepRunner(options)
            await runner.step(session, streams: [(CommitteeSessionMachine.self, session)], { tx, ctx in
                try OfficeSteps.closeSession(tx, ctx, session: session, minutes: text)
            }, message: { state in
                "已闭会，\(state.plan?.candidates.count ?? 0)名评审对象的表决结果已记入申报"
            })
            try runner.finish(batch: false)
        }
    }
}

// MARK: - post-hoc checks

/// `pingshen posthoc open|confirm|falsify`: post-hoc checks 事后核查.
struct PostHocStepsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posthoc",
        abstract: "Post-hoc checks: open a targeted check, confirm it, or record a falsification (revocation, integrity record, unit suspension).",
        subcommands: [Open.self, Sample.self, Confirm.self, Falsify.self])

    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open sampled checks 抽查: --percent of the certified applications not yet checked, drawn with --seed.")
        @OptionGroup var options: StepOptions
        @Option(help: "Share to draw (default: post_hoc_sample_percent of policy.yaml).") var percent: Int?
        @Option(help: "Random seed of the draw (recorded with each check; default: the time).") var seed: UInt64?

        func run() async throws {
            let runner = try StepRunner(options)
            let share = percent ?? runner.rules.policy.postHocSamplePercent
            guard (1...100).contains(share) else { throw CLIError("抽查比例（--percent）应为1至100之间的整数") }
            let drawSeed = seed ?? UInt64(Date().timeIntervalSince1970)
            let pool = try OfficeSteps.samplingPool(store: runner.store)
            await runner.step("抽查", { tx, ctx in
                try OfficeSteps.openSampledChecks(tx, ctx, pool: pool, percent: share, seed: drawSeed)
            }, message: { "从\(pool.count)件已发证申报中抽取\($0.count)件（\(share)%，种子 \(drawSeed)）：\($0.joined(separator: "、"))" })
            try runner.finish(batch: false)
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a targeted check 专项核查 of each certified application; prints the check id.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Why.") var reason: String?

        func run() async throws {
            let ids = try targets.list()
            let reason = try required(reason, "--reason", "核查原因")
            let runner = try StepRunner(options)
            for id in ids {
                await runner.step(id, streams: [(ApplicationMachine.self, id)], { tx, ctx in
                    try OfficeSteps.openTargetedCheck(tx, ctx, application: id, reason: reason)
                }, message: { "已立项事后核查 \($0)" })
            }
            try runner.finish(batch: ids.count > 1)
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close each check as confirmed 核查属实.")
        @OptionGroup var options: StepOptions
        @OptionGroup var targets: StepTargets
        @Option(help: "Note.") var note = ""

        func run() async throws {
            let ids = try targets.list()
            let runner = try StepRunner(options)
            await runner.each(ids, { tx, ctx, id in
                guard try tx.load(PostHocCheckMachine.self, id: id) != nil else {
                    throw Refusal(rule: "check.unknown", message: "没有编号为\(id)的事后核查")
                }
                try tx.execute(PostHocCheckMachine.self, id: id, .confirm(note: note), context: ctx)
            }, message: { _ in "核查属实，已结案" })
            try runner.finish(batch: ids.count > 1)
        }
    }

    struct Falsify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record false material: the certificate revoked, the person's integrity record and, with --unit-supplied, the unit suspended — one transaction.")
        @OptionGroup var options: StepOptions
        @Argument(help: "Check id.") var check: String
        @Option(help: "Which proof was false.") var proof: String?
        @Option(help: "What was found.") var details: String?
        @Flag(name: .customLong("unit-supplied"), help: "The unit supplied the false proof (the unit is suspended).")
        var unitSupplied = false

        func run() async throws {
            let proof = try required(proof, "--proof", "虚假材料")
            let details = try required(details, "--details", "核查情况")
            let runner = try StepRunner(options)
            await runner.step(check, streams: [(PostHocCheckMachine.self, check)], { tx, ctx in
                try OfficeSteps.falsify(
                    tx, ctx, check: check, proof: proof, details: details, unitSuppliedFalseProof: unitSupplied)
            }, message: { f in
                "已认定材料虚假：证书已撤销（\(f.revocationDecisionNumber)），已记入诚信档案"
                    + (f.unitDecisionNumber.map { "，单位暂停职称评审（\($0)）" } ?? "")
            })
            try runner.finish(batch: false)
        }
    }
}

// MARK: - certificates

/// `pingshen certificate issue`: the certificates of a confirmation 文号 (or of the
/// applications given), one transaction each, signed with the office's key in DATA-DIR/keys.
struct CertificateIssue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue the certificates of the confirmed applications of --decision (or those given), one transaction each.")
    @OptionGroup var options: StepOptions
    @Argument(help: "Application ids (instead of --decision).") var ids: [String] = []
    @Option(help: "The confirmation's 文号: every application of it not yet certified.") var decision: String?

    func run() async throws {
        let runner = try StepRunner(options)
        var pending = ids
        if let decision {
            let progress = try OfficeSteps.certificateProgress(store: runner.store, number: decision)
            guard progress.total > 0 else { throw CLIError("没有以“\(decision)”确认的申报（--decision）") }
            pending += progress.pending
            if progress.pending.isEmpty { print("\(decision)：\(progress.total)件申报均已发证") }
        }
        guard !pending.isEmpty || decision != nil else { throw CLIError("请给出申报编号或确认文号（--decision）") }
        let keys = runner.dataDirectory.appendingPathComponent("keys").path
        guard FileManager.default.fileExists(atPath: keys + "/keyring.json") else {
            throw CLIError("未找到职改办签名密钥库 \(keys)，不能颁发证书（可用 --data-dir 指定数据文件夹）")
        }
        let signer: CertificateSigner
        do { signer = CertificateSigner(keyring: try OfficeKeyring.open(directory: keys)) } catch {
            throw CLIError("无法打开签名密钥库 \(keys)：\(error)")
        }
        let store = runner.store
        for id in pending {
            // The holder from the registry, read before the step's transaction.
            let holder = Result { try OfficeSteps.holder(store: store, application: id) }
            await runner.step(id, streams: [(ApplicationMachine.self, id)], { tx, ctx -> String in
                guard let person = try holder.get(),
                    let number = try OfficeSteps.issueCertificate(tx, ctx, application: id, holder: person, signer: signer)
                else { throw Refusal(rule: "certificate.not-due", message: "申报\(id)未经确认或已发证，不能颁发证书") }
                return number
            }, message: { "已颁发证书 \($0)" })
        }
        try runner.finish(batch: pending.count > 1)
    }
}

extension StepOptions {
    /// The declaration forms (for the correction's field labels).
    func formsLibrary() throws -> FormLibrary {
        do { return try FormLibrary.load(directory: formsDirectory) } catch {
            throw CLIError("无法读取申报表定义 \(formsDirectory)（可用 --forms-dir 指定）：\(error)")
        }
    }
}
