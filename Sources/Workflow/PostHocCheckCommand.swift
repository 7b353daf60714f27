/// Commands for a post-hoc check. Open and confirm: office clerk or auditor (a targeted check
/// also by the office head). Falsify: office head.
public enum PostHocCheckCommand: Sendable, Equatable {
    /// Open a check for a certified application drawn by `PostHocCheckMachine.sample`.
    case openSampled(subject: CheckSubject, seed: UInt64, percent: Int)
    case openTargeted(subject: CheckSubject, reason: String)
    /// All pledged proofs verified.
    case confirm(note: String)
    /// A pledged proof is false.
    case falsify(FalsificationFinding)

    public var chinese: String {
        switch self {
        case .openSampled: "抽查立项"
        case .openTargeted: "专项核查立项"
        case .confirm: "核查属实"
        case .falsify: "认定材料虚假"
        }
    }
}
