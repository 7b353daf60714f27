import Foundation

/// A resident identity card number (公民身份号码, GB 11643-1999): 17 digits and a check
/// character (0–9 or X, ISO 7064 MOD 11-2), with the birth date in digits 7–14.
public struct ResidentID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let value: String
    public let birthDate: Day

    public enum Problem: Error, Equatable, Sendable {
        case length(Int)
        case characters
        case birthDate(String)
        case checkDigit(expected: Character, found: Character)

        /// Chinese message for the person who typed it.
        public var chinese: String {
            switch self {
            case .length(let n): "身份证号码应为18位,实际为\(n)位"
            case .characters: "身份证号码前17位应为数字,末位为数字或X"
            case .birthDate(let s): "身份证号码中的出生日期\(s)不是有效日期"
            case .checkDigit(let e, let f): "身份证号码校验位错误(应为\(e),实为\(f))"
            }
        }
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = Array("10X98765432")

    /// Validates and normalises (a lower-case x becomes X).
    public init(_ text: String) throws(Problem) {
        let chars = Array(text.uppercased())
        guard chars.count == 18 else { throw .length(chars.count) }
        let digits = chars.prefix(17).compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == 17, chars[17] == "X" || (chars[17].isASCII && chars[17].isNumber) else {
            throw .characters
        }
        let birth = String(chars[6..<14])
        guard let y = Int(birth.prefix(4)), let m = Int(birth.dropFirst(4).prefix(2)),
            let d = Int(birth.suffix(2)), let day = Day(year: y, month: m, day: d), y >= 1900
        else { throw .birthDate(birth) }
        let expected = ResidentID.checkCharacter(for: digits)
        guard expected == chars[17] else { throw .checkDigit(expected: expected, found: chars[17]) }
        value = String(chars)
        birthDate = day
    }

    /// The check character for 17 leading digits.
    public static func checkCharacter(for digits: [Int]) -> Character {
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Odd 17th digit: male.
    public var isMale: Bool { (Array(value)[16].wholeNumberValue ?? 0) % 2 == 1 }

    /// Shown on public pages: 4108**********123X.
    public var masked: String { String(value.prefix(4)) + String(repeating: "*", count: 10) + String(value.suffix(4)) }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.chinese))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
/// 31-character alphabet, the last a check character over the first 17.
public struct CreditCode: Hashable, Codable, Sendable, CustomStringConvertible {
    public let value: String

    public enum Problem: Error, Equatable, Sendable {
        case length(Int)
        case character(Character, position: Int)
        case checkCharacter(expected: Character, found: Character)

        public var chinese: String {
            switch self {
            case .length(let n): "统一社会信用代码应为18位,实际为\(n)位"
            case .character(let c, let p): "统一社会信用代码第\(p)位“\(c)”不是允许的字符(不使用I、O、Z、S、V)"
            case .checkCharacter(let e, let f): "统一社会信用代码校验位错误(应为\(e),实为\(f))"
            }
        }
    }

    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public init(_ text: String) throws(Problem) {
        let chars = Array(text.uppercased())
        guard chars.count == 18 else { throw .length(chars.count) }
        var values: [Int] = []
        for (i, c) in chars.enumerated() {
            guard let v = CreditCode.alphabet.firstIndex(of: c) else { throw .character(c, position: i + 1) }
            values.append(v)
        }
        let expected = CreditCode.checkCharacter(for: Array(values.prefix(17)))
        guard expected == chars[17] else { throw .checkCharacter(expected: expected, found: chars[17]) }
        value = String(chars)
    }

    /// The check character for 17 leading character values (indices into the alphabet).
    public static func checkCharacter(for values: [Int]) -> Character {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Completes 17 characters with their check character (for test data and demos).
    public static func completing(_ prefix17: String) -> String? {
        let values = prefix17.uppercased().compactMap { alphabet.firstIndex(of: $0) }
        guard values.count == 17, prefix17.count == 17 else { return nil }
        return prefix17.uppercased() + String(checkCharacter(for: values))
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.chinese))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension ResidentID {
    /// Builds a valid number from a 6-digit region, a birth date and a 3-digit sequence
    /// (for test data and demos).
    public static func make(region: String, birth: Day, sequence: Int) -> ResidentID {
        let (y, m, d) = birth.components
        let body = region + String(format: "%04d%02d%02d%03d", y, m, d, sequence % 1000)
        let digits = body.compactMap(\.wholeNumberValue)
        return try! ResidentID(body + String(checkCharacter(for: digits)))
    }
}
