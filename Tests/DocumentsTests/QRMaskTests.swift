import CQREncode
import Foundation
import Testing

@testable import Documents

/// The QR mask chosen by `QRMask` (not libqrencode): each of the eight masked symbols is the one
/// libqrencode writes with that mask, the bit-row penalty is the standard's rule as a plain
/// module-by-module reading computes it, the mask chosen has the least, and the codes decode.
@Suite struct QRMaskTests {
    /// Payloads from 1 to 210 bytes (symbols 21 to 61 modules wide at level M), the
    /// verification URL's shape among them.
    static let payloads: [String] =
        ["A", "0123456789", "https://pingshen.example.gov.cn/verify?number=4108002026GCZJ000123&code=7K2M9QXRT4HB8WCN"]
        + (0..<40).map { n in
            let code = String(format: "%04X-%04X", (n &* 7919) & 0xFFFF, (n &* 104_729) & 0xFFFF)
            return "https://zcps.jiaozuo.gov.cn/verify/2026GC\(n)?code=\(code)" + String(repeating: "x", count: n * 4)
        }

    /// libqrencode's symbol of `text` with mask `mask` (-1: its own choice), as rows of bits.
    static func libqrencode(_ text: String, level: QRecLevel, mask: Int32) throws -> (width: Int, rows: [UInt64], data: [UInt64]) {
        let input = try #require(QRinput_new2(0, level))
        defer { QRinput_free(input) }
        let bytes = Array(text.utf8)
        #expect(QRinput_append(input, QR_MODE_8, Int32(bytes.count), bytes) == 0)
        let qr = try #require(QRcode_encodeMask(input, mask))
        defer { QRcode_free(qr) }
        let w = Int(qr.pointee.width)
        var rows = [UInt64](repeating: 0, count: w)
        var data = [UInt64](repeating: 0, count: w)
        for i in 0..<w {
            for j in 0..<w {
                let m = qr.pointee.data[i * w + j]
                if m & 1 != 0 { rows[i] |= 1 << UInt64(j) }
                if m & 0x80 == 0 { data[i] |= 1 << UInt64(j) }
            }
        }
        return (w, rows, data)
    }

    /// The penalty of ISO/IEC 18004:2015 §7.8.3.1, module by module.
    static func referencePenalty(_ dark: [[Bool]]) -> Int {
        let w = dark.count
        var score = 0
        // N1: runs of five or more of one colour, in rows and in columns.
        for transposed in [false, true] {
            for a in 0..<w {
                var run = 1
                for b in 1...w {
                    let same =
                        b < w
                        && (transposed ? dark[b][a] == dark[b - 1][a] : dark[a][b] == dark[a][b - 1])
                    if same {
                        run += 1
                    } else {
                        if run >= 5 { score += 3 + run - 5 }
                        run = 1
                    }
                }
            }
        }
        // N2: 2 × 2 blocks of one colour.
        for i in 0..<(w - 1) {
            for j in 0..<(w - 1) {
                let c = dark[i][j]
                if dark[i][j + 1] == c && dark[i + 1][j] == c && dark[i + 1][j + 1] == c { score += 3 }
            }
        }
        // N3: dark-light-dark-dark-dark-light-dark with four light before or after (outside: light).
        let pattern = [true, false, true, true, true, false, true]
        for transposed in [false, true] {
            func at(_ a: Int, _ b: Int) -> Bool {
                guard b >= 0, b < w else { return false }
                return transposed ? dark[b][a] : dark[a][b]
            }
            for a in 0..<w {
                for b in 0...(w - 7) where (0..<7).allSatisfy({ at(a, b + $0) == pattern[$0] }) {
                    let before = (1...4).allSatisfy { !at(a, b - $0) }
                    let after = (7...10).allSatisfy { !at(a, b + $0) }
                    if before || after { score += 40 }
                }
            }
        }
        // N4: 10 for each full 5 % away from half dark.
        let count = dark.joined().filter { $0 }.count
        let percent = Double(count) * 100 / Double(w * w)
        score += 10 * Int((abs(percent - 50) / 5).rounded(.down))
        return score
    }

    static func matrix(_ rows: [UInt64], width w: Int) -> [[Bool]] {
        (0..<w).map { i in (0..<w).map { j in rows[i] >> UInt64(j) & 1 != 0 } }
    }

    @Test func everyMaskedSymbolIsLibqrencodesWithThatMask() throws {
        var widths = Set<Int>()
        for text in Self.payloads {
            for level in [QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_H] {
                let zero = try Self.libqrencode(text, level: level, mask: 0)
                guard zero.width <= 64 else { continue }
                widths.insert(zero.width)
                let ours = QRMask.candidates(
                    masked0: zero.rows, data: zero.data, width: zero.width, level: Int(level.rawValue))
                for m in 0..<8 {
                    let theirs = try Self.libqrencode(text, level: level, mask: Int32(m))
                    #expect(ours[m].rows == theirs.rows, "\(text.count) bytes, level \(level.rawValue), mask \(m)")
                }
            }
        }
        #expect(widths.contains(21) && widths.contains(where: { $0 >= 57 }), "\(widths.sorted())")
    }

    @Test func theMaskChosenHasTheLeastPenaltyByTheStandardsRule() throws {
        var chosen = Set<Int>()
        for text in Self.payloads {
            let symbol = try #require(try QRMask.encode(Array(text.utf8), level: QR_ECLEVEL_M))
            let zero = try Self.libqrencode(text, level: QR_ECLEVEL_M, mask: 0)
            let all = QRMask.candidates(masked0: zero.rows, data: zero.data, width: zero.width, level: 1)
            let penalties = all.map { Self.referencePenalty(Self.matrix($0.rows, width: $0.width)) }
            for (m, candidate) in all.enumerated() {
                #expect(QRMask.penalty(candidate.rows, width: candidate.width) == penalties[m], "mask \(m) of \(text)")
            }
            #expect(symbol.mask == penalties.firstIndex(of: penalties.min()!)!, "\(text): \(penalties)")
            #expect(symbol == all[symbol.mask])
            chosen.insert(symbol.mask)
        }
        // Payloads differ: so do the masks chosen (a fixed mask would pass the checks above).
        #expect(chosen.count >= 3, "\(chosen)")
    }

    @Test func theCodesDecode() throws {
        guard requireTool("zbarimg", package: "zbar-tools") else { return }
        let dir = Paths.tempDir("qr-mask")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Every fifth payload, and one wider than 64 modules (libqrencode's own mask).
        let texts = stride(from: 0, to: Self.payloads.count, by: 5).map { Self.payloads[$0] } + [String(repeating: "long-", count: 60)]
        #expect(try QRCode.modules(texts.last!).size > 64)
        for (n, text) in texts.enumerated() {
            let f = dir.appendingPathComponent("\(n).png")
            try Data(try QRCode.png(text, scale: 4)).write(to: f)
            let z = try run(["zbarimg", "--raw", "-q", f.path], stderr: false)
            #expect(z.output.trimmingCharacters(in: .newlines) == text, "\(text.count) characters")
        }
    }
}
