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

    /// Checks a password against nothing (hashing costs what verifying does), so an unknown user name takes as long as a
    /// wrong password (the answer does not tell which user names exist).
    public func burn(_ password: String) async throws {
        _ = try await hash(password)
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
