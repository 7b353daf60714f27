import Foundation
import Testing

@testable import Domain

/// The committee arithmetic (RULES.md: quorum ⅔ of members, pass ⅔ of those present) at its
/// edges, with the default ratios and with other ratios a province might set.
@Suite struct CommitteeArithmeticTests {
    let committee = Policy().committee

    @Test func quorumOfElevenIsEight() throws {
        #expect(CommitteeArithmetic.quorumMinimum(members: 11, quorum: Fraction(2, 3)) == 8)  // 22/3 = 7.33 → 8
        let seven = try CommitteeArithmetic.check(members: 11, present: 7, yes: 7, committee: committee)
        #expect(!seven.isQuorate && seven.quorumMinimum == 8)
        #expect(seven.votesPass && !seven.passes, "enough yes votes do not pass an inquorate meeting")
        let eight = try CommitteeArithmetic.check(members: 11, present: 8, yes: 6, committee: committee)
        #expect(eight.isQuorate)
    }

    @Test func exactTwoThirdsQuorum() {
        // 15 members: exactly 10 present is ⅔ and enough; 9 is not.
        #expect(CommitteeArithmetic.quorumMinimum(members: 15, quorum: Fraction(2, 3)) == 10)
        #expect(CommitteeArithmetic.isQuorate(present: 10, members: 15, quorum: Fraction(2, 3)))
        #expect(!CommitteeArithmetic.isQuorate(present: 9, members: 15, quorum: Fraction(2, 3)))
        // 25 members: 50/3 = 16.67 → 17.
        #expect(CommitteeArithmetic.quorumMinimum(members: 25, quorum: Fraction(2, 3)) == 17)
        #expect(!CommitteeArithmetic.isQuorate(present: 16, members: 25, quorum: Fraction(2, 3)))
    }

    @Test func passNeedsTwoThirdsOfThosePresent() throws {
        // 8 present: 16/3 = 5.33 → 6 yes votes.
        let six = try CommitteeArithmetic.check(members: 11, present: 8, yes: 6, committee: committee)
        #expect(six.passMinimum == 6 && six.votesPass && six.passes)
        let five = try CommitteeArithmetic.check(members: 11, present: 8, yes: 5, committee: committee)
        #expect(five.passMinimum == 6 && !five.votesPass && !five.passes)
        // 9 present: exactly ⅔ is 6, and 6 is enough.
        #expect(CommitteeArithmetic.passMinimum(present: 9, pass: Fraction(2, 3)) == 6)
        #expect(CommitteeArithmetic.passes(yes: 6, present: 9, pass: Fraction(2, 3)))
        #expect(!CommitteeArithmetic.passes(yes: 5, present: 9, pass: Fraction(2, 3)))
        // Nobody present passes nobody.
        #expect(!CommitteeArithmetic.passes(yes: 0, present: 0, pass: Fraction(2, 3)))
        #expect(CommitteeArithmetic.passMinimum(present: 0, pass: Fraction(2, 3)) == 1)
    }

    @Test func otherRatiosFromThePolicy() throws {
        var c = committee
        c.quorum = Fraction(3, 4)
        c.pass = Fraction(1, 2)
        let r = try CommitteeArithmetic.check(members: 11, present: 9, yes: 5, committee: c)
        #expect(r.quorumMinimum == 9 && r.isQuorate)  // 33/4 = 8.25 → 9
        #expect(r.passMinimum == 5 && r.passes)  // 9/2 = 4.5 → 5
        #expect(!(try CommitteeArithmetic.check(members: 11, present: 8, yes: 8, committee: c)).isQuorate)
    }

    @Test func impossibleCountsAreRefusedNamingTheNumber() {
        // The smallest committee the default policy allows is the junior one: 7.
        #expect(CommitteeArithmetic.smallestCommittee(committee) == 7)
        #expect(throws: CommitteeCountError.members(5, smallest: 7, largest: 999)) {
            try CommitteeArithmetic.check(members: 5, present: 5, yes: 5, committee: committee)
        }
        #expect(throws: CommitteeCountError.members(12, smallest: 7, largest: 999)) {
            try CommitteeArithmetic.check(members: 12, present: 8, yes: 6, committee: committee)
        }
        #expect(throws: CommitteeCountError.members(1001, smallest: 7, largest: 999)) {
            try CommitteeArithmetic.check(members: 1001, present: 8, yes: 6, committee: committee)
        }
        #expect((try? CommitteeArithmetic.check(members: 7, present: 7, yes: 7, committee: committee)) != nil)
        #expect((try? CommitteeArithmetic.check(members: 999, present: 666, yes: 444, committee: committee)) != nil)
        #expect(throws: CommitteeCountError.present(12, members: 11)) {
            try CommitteeArithmetic.check(members: 11, present: 12, yes: 6, committee: committee)
        }
        #expect(throws: CommitteeCountError.present(-1, members: 11)) {
            try CommitteeArithmetic.check(members: 11, present: -1, yes: 0, committee: committee)
        }
        #expect(throws: CommitteeCountError.yes(9, present: 8)) {
            try CommitteeArithmetic.check(members: 11, present: 8, yes: 9, committee: committee)
        }
        #expect(throws: CommitteeCountError.yes(-1, present: 8)) {
            try CommitteeArithmetic.check(members: 11, present: 8, yes: -1, committee: committee)
        }
        #expect(CommitteeCountError.yes(9, present: 8).field == "yes")
        #expect(CommitteeCountError.yes(9, present: 8).description == "同意票数9票多于出席人数8人")
        #expect(
            CommitteeCountError.members(12, smallest: 7, largest: 999).description == "评审委员会人数应为7至999人之间的单数，实为12人")
    }

    @Test func anEvenSmallestMinimumIsRoundedUpToOdd() {
        var c = committee
        c.minimumJunior = 8
        c.minimumIntermediateBySpecialty = 9
        #expect(CommitteeArithmetic.smallestCommittee(c) == 9)
    }
}

/// `BarEnd`: `until` is the first day one may apply again.
@Suite struct BarEndDayTests {
    @Test func theBarHoldsBeforeUntilAndNotOnIt() {
        let until = BarEnd.until(from: Day("2026-05-11")!, years: 3)
        #expect(until == Day("2029-05-11"))
        #expect(BarEnd.isInForce(until: until, on: Day("2029-05-10")!))
        #expect(!BarEnd.isInForce(until: until, on: until))
        #expect(BarEnd.lastDay(until: until) == Day("2029-05-10"))
        #expect(BarEnd.chinese(until: until) == "2029年5月10日止，2029年5月11日起方可申报")
        #expect(BarEnd.chinese(until: Day("2028-03-01")!, then: "恢复") == "2028年2月29日止，2028年3月1日起恢复")
        // 29 February: the same date in a common year is 28 February.
        #expect(BarEnd.until(from: Day("2024-02-29")!, years: 5) == Day("2029-02-28"))
    }
}
