import Domain
import Foundation

/// Shared checks every `decide` starts with: the actor's role, ownership, and the calendar.
/// Each failure becomes a `Refusal` with a stable rule id and a Chinese message.
enum Gate {
    /// Refuses unless the actor has one of `allowed` roles.
    static func role(
        _ actor: Actor, _ allowed: [Role], kind: String, action: String
    ) throws(Refusal) {
        guard allowed.contains(actor.role) else {
            let names = allowed.map(\.chinese).joined(separator: "或")
            throw Refusal(
                rule: "\(kind).role-not-allowed",
                message: "“\(action)”只能由\(names)办理,当前身份为\(actor.role.chinese)")
        }
    }

    /// Refuses a command that the current state does not allow.
    static func invalidTransition(kind: String, noun: String, state: String, action: String) -> Refusal {
        Refusal(rule: "\(kind).invalid-transition", message: "\(noun)当前状态为“\(state)”,不能“\(action)”")
    }

    /// Runs a calendar computation; a year without a calendar file becomes a refusal.
    static func calendar<T>(_ body: () throws(WorkingCalendar.Problem) -> T) throws(Refusal) -> T {
        do { return try body() } catch {
            throw Refusal(rule: "calendar.year-not-covered", message: error.description)
        }
    }

    /// Refuses an empty or blank text field, naming the field in Chinese.
    static func nonBlank(_ text: String, kind: String, field: String, rule: String) throws(Refusal) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Refusal(rule: "\(kind).\(rule)", message: "“\(field)”不能为空")
        }
    }
}

extension Fraction {
    /// 2/3 → 三分之二 (for Chinese messages); other fractions stay as `n/d`.
    public var chinese: String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        guard numerator <= 10, denominator <= 10 else { return description }
        return "\(digits[denominator])分之\(digits[numerator])"
    }
}
