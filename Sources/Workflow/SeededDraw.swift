public import Domain

/// Deterministic random choices for draws and samples, built on `SeededGenerator`.
///
/// The shuffle is our own Fisher–Yates with rejection sampling (no modulo bias), so the result
/// depends only on the seed and the input order, never on the standard library's algorithm:
/// an audit years later with a newer Swift still reproduces the same draw.
public enum SeededDraw {
    /// A uniformly random integer in `0..<bound` (bound ≥ 1).
    public static func index(below bound: Int, using generator: inout SeededGenerator) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let limit = UInt64.max - (UInt64.max % b)  // values ≥ limit would bias the result
        while true {
            let r = generator.next()
            if r < limit { return Int(r % b) }
        }
    }

    /// The elements in a random order fixed by the seed.
    public static func shuffled<T>(_ items: [T], seed: UInt64) -> [T] {
        var generator = SeededGenerator(seed: seed)
        var out = items
        var i = out.count - 1
        while i > 0 {
            let j = index(below: i + 1, using: &generator)
            out.swapAt(i, j)
            i -= 1
        }
        return out
    }
}
