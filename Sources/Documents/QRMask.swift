import CQREncode

/// The mask pattern of a QR code, chosen here (ISO/IEC 18004:2015 §7.8.3) instead of by
/// libqrencode: libqrencode builds and scores eight full masked copies of the symbol module by
/// module, which was most of the time a certificate took to render (≈ 80–120 µs of a QR code's
/// ≈ 90–130 µs). Here libqrencode encodes once with mask 0 (`QRcode_encodeMask`), the mask is
/// taken off the data modules, and each of the eight masks is applied and scored on rows of bits
/// (a row a machine word, every column of the symbol at once) — the same rule, a few µs.
///
/// Symbols up to 64 modules wide (version 11: a URL of about 200 bytes at level M); a wider one
/// is left to libqrencode's own choice.
enum QRMask {
    /// A symbol as rows of bits: bit `j` of `rows[i]` is the module of row `i`, column `j`, set = dark.
    struct Symbol: Equatable {
        var width: Int
        var rows: [UInt64]
        /// The mask pattern chosen (0–7).
        var mask: Int

        func isDark(row i: Int, column j: Int) -> Bool { rows[i] >> UInt64(j) & 1 != 0 }
    }

    /// Whether mask `m` inverts the module of row `i`, column `j` (ISO/IEC 18004 Table 10).
    static func inverts(_ m: Int, _ i: Int, _ j: Int) -> Bool {
        switch m {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// `patterns[m][i % 12]`: the columns mask `m` inverts in row `i` (every mask repeats
    /// after 12 rows).
    static let patterns: [[UInt64]] = (0..<8).map { m in
        (0..<12).map { i in
            (0..<64).reduce(UInt64(0)) { bits, j in inverts(m, i, j) ? bits | 1 << UInt64(j) : bits }
        }
    }

    /// The 15 bits of format information for an error correction level (libqrencode's
    /// `QRecLevel` raw value) and mask: BCH(15,5) of the level's two bits and the mask, XOR
    /// 101010000010010.
    static func formatInformation(level: Int, mask: Int) -> UInt32 {
        let levelBits: [UInt32] = [0b01, 0b00, 0b11, 0b10]  // L, M, Q, H
        let data = levelBits[level & 3] << 3 | UInt32(mask)
        var remainder = data << 10
        for bit in stride(from: 14, through: 10, by: -1) where remainder & (1 << UInt32(bit)) != 0 {
            remainder ^= 0x537 << UInt32(bit - 10)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    static let formatTable: [[UInt32]] = (0..<4).map { l in (0..<8).map { formatInformation(level: l, mask: $0) } }

    /// Where format bit `k` (0 = least significant) sits, twice: (row, column) pairs.
    static func formatPlaces(_ k: Int, width w: Int) -> [(Int, Int)] {
        if k < 8 { return [(8, w - 1 - k), (k < 6 ? k : k + 1, 8)] }
        let i = k - 8
        return [(w - 7 + i, 8), (8, i == 0 ? 7 : 6 - i)]
    }

    /// The symbol of `bytes` at `level` with the mask of least penalty (the lowest of equals);
    /// nil when it is wider than 64 modules. Throws when libqrencode cannot encode it.
    static func encode(_ bytes: [UInt8], level: QRecLevel) throws -> Symbol? {
        guard let input = QRinput_new2(0, level) else { throw failure(bytes) }
        defer { QRinput_free(input) }
        let appended = bytes.withUnsafeBufferPointer {
            QRinput_append(input, QR_MODE_8, Int32($0.count), $0.baseAddress)
        }
        guard appended == 0, let qr = QRcode_encodeMask(input, 0) else { throw failure(bytes) }
        defer { QRcode_free(qr) }
        let w = Int(qr.pointee.width)
        guard w <= 64 else { return nil }
        let modules = qr.pointee.data!
        var dark = [UInt64](repeating: 0, count: w)
        var data = [UInt64](repeating: 0, count: w)
        for i in 0..<w {
            var d: UInt64 = 0
            var a: UInt64 = 0
            for j in 0..<w {
                let m = modules[i * w + j]
                d |= UInt64(m & 1) << UInt64(j)
                a |= UInt64(~m >> 7 & 1) << UInt64(j)
            }
            dark[i] = d
            data[i] = a
        }
        return choose(masked0: dark, data: data, width: w, level: Int(level.rawValue))
    }

    static func failure(_ bytes: [UInt8]) -> TemplateError {
        TemplateError.image(slot: "qr", reason: "libqrencode could not encode \(bytes.count) bytes")
    }

    /// From a symbol encoded with mask 0 and its data modules: the mask of least penalty.
    static func choose(masked0: [UInt64], data: [UInt64], width w: Int, level: Int) -> Symbol {
        var best = 0
        var bestPenalty = Int.max
        let all = candidates(masked0: masked0, data: data, width: w, level: level)
        for (m, symbol) in all.enumerated() {
            let p = penalty(symbol.rows, width: w)
            if p < bestPenalty {
                bestPenalty = p
                best = m
            }
        }
        return all[best]
    }

    /// The eight masked symbols, each with its format information written.
    static func candidates(masked0: [UInt64], data: [UInt64], width w: Int, level: Int) -> [Symbol] {
        var unmasked = masked0
        for i in 0..<w { unmasked[i] ^= patterns[0][i % 12] & data[i] }
        // The format information's modules, and each mask's bits there.
        var formatRows = [UInt64](repeating: 0, count: w)
        var formats = [[UInt64]](repeating: [UInt64](repeating: 0, count: w), count: 8)
        for k in 0..<15 {
            for (i, j) in formatPlaces(k, width: w) {
                formatRows[i] |= 1 << UInt64(j)
                for m in 0..<8 where formatTable[level & 3][m] >> UInt32(k) & 1 != 0 {
                    formats[m][i] |= 1 << UInt64(j)
                }
            }
        }
        return (0..<8).map { m in
            var rows = unmasked
            for i in 0..<w { rows[i] = (unmasked[i] ^ patterns[m][i % 12] & data[i]) & ~formatRows[i] | formats[m][i] }
            return Symbol(width: w, rows: rows, mask: m)
        }
    }

    /// The penalty score of a symbol (ISO/IEC 18004:2015 §7.8.3.1), on rows of bits: N1 = 3 and
    /// one more per module for each run of five or more modules of one colour in a row or
    /// column; N2 = 3 for each 2 × 2 block of one colour; N3 = 40 for each 1:1:3:1:1 pattern
    /// (dark, light, dark, light, dark) in a row or column with four light modules before or
    /// after it (beyond the symbol is the light quiet zone); N4 = 10 for each 5 % the dark
    /// modules are away from half.
    static func penalty(_ r: [UInt64], width w: Int) -> Int {
        let full: UInt64 = w >= 64 ? ~0 : (1 << UInt64(w)) - 1
        var score = 0
        var dark = 0
        // Rows.
        for i in 0..<w {
            let d = r[i]
            dark += d.nonzeroBitCount
            score += runs(d) + runs(~d & full)
            score += 40 * finders(d)
        }
        // 2 × 2 blocks.
        for i in 0..<(w - 1) {
            let dd = r[i] & r[i + 1]
            let ll = ~(r[i] | r[i + 1]) & full
            score += 3 * ((dd & dd >> 1).nonzeroBitCount + (ll & ll >> 1).nonzeroBitCount)
        }
        // Columns: five rows at once, every column in one word.
        for light in [false, true] {
            var previous: UInt64 = 0
            for i in 0..<(w - 4) {
                var window = full
                for k in 0..<5 { window &= light ? ~r[i + k] : r[i + k] }
                window &= full
                score += window.nonzeroBitCount + 2 * (window & ~previous).nonzeroBitCount
                previous = window
            }
        }
        if w >= 7 {
            func l(_ i: Int) -> UInt64 { i < 0 || i >= w ? full : ~r[i] & full }
            for i in 0...(w - 7) {
                let p = r[i] & l(i + 1) & r[i + 2] & r[i + 3] & r[i + 4] & l(i + 5) & r[i + 6]
                guard p != 0 else { continue }
                let before = l(i - 1) & l(i - 2) & l(i - 3) & l(i - 4)
                let after = l(i + 7) & l(i + 8) & l(i + 9) & l(i + 10)
                score += 40 * (p & (before | after)).nonzeroBitCount
            }
        }
        let total = w * w
        score += 10 * (abs(dark * 2 - total) * 10 / total)
        return score
    }

    /// N1 of one row (set bits are the colour scored): each run of L ≥ 5 scores L − 2, that is its
    /// L − 4 windows of five plus 2.
    @inline(__always) static func runs(_ v: UInt64) -> Int {
        let five = v & v >> 1 & v >> 2 & v >> 3 & v >> 4
        return five.nonzeroBitCount + 2 * (five & ~(five << 1)).nonzeroBitCount
    }

    /// 1:1:3:1:1 patterns of one row (bit j = column j, set = dark) with four light modules
    /// before or after; columns beyond the row are light.
    @inline(__always) static func finders(_ d: UInt64) -> Int {
        let l = ~d
        let p = d & l >> 1 & d >> 2 & d >> 3 & d >> 4 & l >> 5 & d >> 6
        guard p != 0 else { return 0 }
        var before: UInt64 = ~0
        for k in UInt64(1)...4 { before &= l << k | (1 << k - 1) }
        var after: UInt64 = ~0
        for k in UInt64(7)...10 { after &= l >> k | ~(~UInt64(0) >> k) }
        return (p & (before | after)).nonzeroBitCount
    }
}
