import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing off the event loops (a cost-12 hash takes a quarter of a second).
public struct PasswordHasher: Sendable {
    /// bcrypt's cost: 12 in production; tests use 4.
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        precondition((4...31).contains(cost))
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checks a password against a dummy bcrypt hash of `cost` (this hasher's by default), so
    /// an unknown (or disabled) user name costs what a known one does — the same bcrypt
    /// verification at the accounts' cost — and the time of the answer does not tell which user
    /// names exist. The answer is always "wrong".
    public func verifyAgainstDummy(_ password: String, cost: UInt8? = nil) async throws {
        let cost = cost.map { min(max($0, 4), 31) } ?? self.cost
        let dummy = try await Self.dummyHash(cost: cost)
        _ = try await verify(password, hash: dummy)
    }

    /// The dummy hash of `cost`: made once per process, of a random password nobody knows.
    static func dummyHash(cost: UInt8) async throws -> String {
        if let hash = DummyHashes.shared.hash(cost: cost) { return hash }
        let made = try await PasswordHasher(cost: cost).hash(Tokens.random())
        return DummyHashes.shared.remember(made, cost: cost)
    }

    /// The cost a bcrypt hash was made with (`$2b$12$…` → 12); nil for anything else.
    public static func cost(of hash: String) -> UInt8? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0].hasPrefix("2"), let cost = UInt8(parts[1]) else { return nil }
        return cost
    }

    /// What a new password must satisfy; nil when acceptable, else the reason in Chinese.
    public static func problem(with password: String, username: String) -> String? {
        let bytes = password.utf8.count
        if password.count < 10 { return "密码至少需要10个字符" }
        if bytes > 72 { return "密码不能超过72个字节（约24个汉字）" }
        let letters = password.unicodeScalars.contains { $0.properties.isAlphabetic }
        let digits = password.unicodeScalars.contains { ("0"..."9").contains($0) }
        if !letters || !digits { return "密码应同时包含字母和数字" }
        if password.lowercased().contains(username.lowercased()) { return "密码不能包含用户名" }
        return nil
    }
}

/// The dummy hashes of `PasswordHasher.verifyAgainstDummy`, one per cost.
final class DummyHashes: @unchecked Sendable {
    static let shared = DummyHashes()
    private let lock = NSLock()
    private var hashes: [UInt8: String] = [:]

    func hash(cost: UInt8) -> String? { lock.withLock { hashes[cost] } }

    /// Keeps the first hash made for `cost` (two requests may race to make one) and returns it.
    func remember(_ hash: String, cost: UInt8) -> String {
        lock.withLock {
            if let kept = hashes[cost] { return kept }
            hashes[cost] = hash
            return hash
        }
    }
}
