/// In-memory token buckets per client key (an address), with an injected monotonic clock.
///
/// Each key starts with a full bucket of `limit.capacity` tokens; a request takes one; tokens
/// come back at `limit.refillPerSecond`. An empty bucket answers with the seconds to wait.
/// Memory is bounded: beyond `limit.maximumClients` keys the least recently seen are dropped
/// (a dropped client simply starts again with a full bucket).
public actor RateLimiter {
    public enum Decision: Sendable, Equatable {
        case allowed(remaining: Int)
        /// Whole seconds until one token is back (at least 1), for `Retry-After`.
        case limited(retryAfter: Int)
    }

    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public let limit: RateLimit
    let clock: @Sendable () -> Double
    var buckets: [String: Bucket] = [:]

    public init(limit: RateLimit, clock: @escaping @Sendable () -> Double) {
        self.limit = limit
        self.clock = clock
    }

    /// Takes one token from `key`'s bucket if there is one.
    public func take(_ key: String) -> Decision {
        let now = clock()
        var bucket = buckets[key] ?? Bucket(tokens: limit.capacity, updated: now)
        let elapsed = max(0, now - bucket.updated)
        bucket.tokens = min(limit.capacity, bucket.tokens + elapsed * limit.refillPerSecond)
        bucket.updated = now
        let decision: Decision
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            decision = .allowed(remaining: Int(bucket.tokens))
        } else {
            let wait = (1 - bucket.tokens) / limit.refillPerSecond
            decision = .limited(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        buckets[key] = bucket
        if buckets.count > limit.maximumClients { forgetOldest(now: now) }
        return decision
    }

    /// Gives back the token a request took (a sign-in that succeeded is not counted against
    /// anybody). Never beyond the bucket's capacity; an unknown key is left alone.
    public func refund(_ key: String) {
        guard var bucket = buckets[key] else { return }
        bucket.tokens = min(limit.capacity, bucket.tokens + 1)
        buckets[key] = bucket
    }

    /// Number of clients currently remembered.
    public var clientCount: Int { buckets.count }

    /// Drops buckets that are full again, then, if still too many, the least recently used half.
    func forgetOldest(now: Double) {
        buckets = buckets.filter { _, b in
            b.tokens + max(0, now - b.updated) * limit.refillPerSecond < limit.capacity
        }
        guard buckets.count > limit.maximumClients else { return }
        let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(limit.maximumClients / 2)
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
