/// The committee arithmetic of RULES.md, with the ratios from `policy.yaml`: a meeting needs
/// `quorum` (⅔) of the committee's members present; a candidate passes with yes votes from
/// `pass` (⅔) of the experts present. Pure: `CommitteeSessionMachine`, `VoteTally` and
/// `pingshen committee check` all count with these functions.
///
/// ```swift
/// let c = try CommitteeArithmetic.check(members: 11, present: 8, yes: 6, committee: policy.committee)
/// c.quorumMinimum  // 8
/// c.passMinimum    // 6
/// c.passes         // true
/// ```
public enum CommitteeArithmetic {
    /// The largest committee `check` accepts — the bound the policy reader puts on
    /// `committee.minimum_members` (a sanity bound, not a rule).
    public static let largestCommittee = 999

    /// The fewest members present that make a quorum: `quorum` of `members`, rounded up.
    public static func quorumMinimum(members: Int, quorum: Fraction) -> Int { quorum.minimum(of: members) }

    /// Whether `present` of `members` make a quorum.
    public static func isQuorate(present: Int, members: Int, quorum: Fraction) -> Bool {
        quorum.isMet(by: present, of: members)
    }

    /// The fewest yes votes that pass a candidate with `present` experts present: `pass` of
    /// them, rounded up, and at least one.
    public static func passMinimum(present: Int, pass: Fraction) -> Int { max(pass.minimum(of: present), 1) }

    /// Whether `yes` votes of `present` experts pass a candidate (no one present passes no one).
    public static func passes(yes: Int, present: Int, pass: Fraction) -> Bool {
        present > 0 && pass.isMet(by: yes, of: present)
    }

    /// The smallest committee the policy allows: the least of its minimum member counts
    /// (RULES.md: junior ≥ 7), made odd (committees have an odd number of members).
    public static func smallestCommittee(_ committee: Policy.Committee) -> Int {
        let least = [
            committee.minimumSeniorBySeries, committee.minimumSeniorBySpecialty,
            committee.minimumIntermediateBySeries, committee.minimumIntermediateBySpecialty, committee.minimumJunior,
        ].min()!
        return least % 2 == 1 ? least : least + 1
    }

    /// Checks a count before or after a meeting: the committee's size, the members present and
    /// one candidate's yes votes. Refuses numbers that cannot happen (an even or too small
    /// committee, more present than members, more yes votes than present, negatives).
    public static func check(
        members: Int, present: Int, yes: Int, committee: Policy.Committee
    ) throws(CommitteeCountError) -> CommitteeCheck {
        let smallest = smallestCommittee(committee)
        guard members >= smallest, members <= largestCommittee, members % 2 == 1 else {
            throw .members(members, smallest: smallest, largest: largestCommittee)
        }
        guard present >= 0, present <= members else { throw .present(present, members: members) }
        guard yes >= 0, yes <= present else { throw .yes(yes, present: present) }
        return CommitteeCheck(
            members: members, present: present, yes: yes, quorum: committee.quorum, pass: committee.pass,
            quorumMinimum: quorumMinimum(members: members, quorum: committee.quorum),
            isQuorate: isQuorate(present: present, members: members, quorum: committee.quorum),
            passMinimum: passMinimum(present: present, pass: committee.pass),
            votesPass: passes(yes: yes, present: present, pass: committee.pass))
    }
}

/// The outcome of `CommitteeArithmetic.check`, with the thresholds it applied.
public struct CommitteeCheck: Sendable, Equatable {
    public var members: Int
    public var present: Int
    public var yes: Int
    public var quorum: Fraction
    public var pass: Fraction
    /// The fewest members present for a quorum.
    public var quorumMinimum: Int
    public var isQuorate: Bool
    /// The fewest yes votes that pass with this many present.
    public var passMinimum: Int
    /// The yes votes reach `passMinimum` (whatever the attendance).
    public var votesPass: Bool
    /// The candidate passes: a quorate meeting and enough yes votes.
    public var passes: Bool { isQuorate && votesPass }
}

/// A count `CommitteeArithmetic.check` refuses, naming the number at fault.
public enum CommitteeCountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The committee's size is even, below the policy's smallest committee or above the bound.
    case members(Int, smallest: Int, largest: Int)
    /// Negative, or more than the members.
    case present(Int, members: Int)
    /// Negative, or more than those present.
    case yes(Int, present: Int)

    /// Which number is at fault: `members`, `present` or `yes`.
    public var field: String {
        switch self {
        case .members: "members"
        case .present: "present"
        case .yes: "yes"
        }
    }

    public var description: String {
        switch self {
        case .members(let n, let smallest, let largest):
            "评审委员会人数应为\(smallest)至\(largest)人之间的单数，实为\(n)人"
        case .present(let n, let members) where n < 0: "出席人数不能为负数，实为\(n)人（评审委员会\(members)人）"
        case .present(let n, let members): "出席人数\(n)人多于评审委员会人数\(members)人"
        case .yes(let n, let present) where n < 0: "同意票数不能为负数，实为\(n)票（出席\(present)人）"
        case .yes(let n, let present): "同意票数\(n)票多于出席人数\(present)人"
        }
    }
}
