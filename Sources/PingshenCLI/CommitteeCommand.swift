import ArgumentParser
import Domain

/// `pingshen committee …`: committee work from the command line.
struct CommitteeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "committee", abstract: "Committee arithmetic under policy.yaml.",
        subcommands: [Check.self, CommitteeAdd.self, CommitteeList.self])

    /// `pingshen committee check --members M --present P --yes Y`: the quorum and the pass
    /// threshold of `policy.yaml` applied to one count (`CommitteeArithmetic`, the same
    /// arithmetic the committee session uses).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Whether P of M members make a quorum and Y yes votes pass a candidate; exit 0 only when both, 1 otherwise."
        )
        @OptionGroup var rules: RulesOptions
        @Option(help: "Members of the committee (odd, at least the smallest committee policy.yaml allows).")
        var members: Int
        @Option(help: "Members present at the meeting.") var present: Int
        @Option(help: "Yes votes for the candidate.") var yes: Int

        /// An impossible count is a usage error (exit 64, with the usage), not a failed vote.
        func validate() throws { _ = try counted() }

        func run() throws {
            let check = try counted()
            for line in Self.report(check) { print(line) }
            if !check.passes { throw ExitCode(1) }
        }

        func counted() throws -> CommitteeCheck {
            let committee = try rules.load().policy.committee
            do {
                return try CommitteeArithmetic.check(members: members, present: present, yes: yes, committee: committee)
            } catch {
                throw ValidationError("选项 --\(error.field)：\(error.description)")
            }
        }

        /// The report: attendance against the quorum, yes votes against the pass threshold,
        /// the conclusion.
        static func report(_ c: CommitteeCheck) -> [String] {
            let attendance =
                "出席 \(c.present) 人，应到 \(c.members) 人，法定出席人数 ≥ \(c.quorumMinimum)（\(c.quorum)）：\(c.isQuorate ? "达到" : "未达到")"
            let votes: String
            switch (c.isQuorate, c.votesPass) {
            case (true, true): votes = "通过"
            case (true, false): votes = "未通过"
            case (false, true): votes = "票数达到，但出席人数不足，表决无效"
            case (false, false): votes = "未通过（出席人数亦不足）"
            }
            let ballot = "同意 \(c.yes) 票，通过须 ≥ \(c.passMinimum)（出席人数的 \(c.pass)）：\(votes)"
            let conclusion =
                c.passes
                ? "结论：达到法定出席人数，评审通过"
                : c.isQuorate ? "结论：同意票不足，评审未通过" : "结论：未达到法定出席人数，不能开会表决"
            return [attendance, ballot, conclusion]
        }
    }
}
