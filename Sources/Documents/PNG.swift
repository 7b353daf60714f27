import CQREncode
import Foundation

/// CRC-32 (ISO 3309, as in PNG and zip) and Adler-32 (zlib), for the PNG encoder.
enum Checksum {
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8], start: UInt32 = 0) -> UInt32 {
        var c = ~start
        crcTable.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { buf in
                for b in buf { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
            }
        }
        return ~c
    }

    static func adler32(_ input: [UInt8]) -> UInt32 {
        input.withUnsafeBufferPointer { adler32($0) }
    }

    static func adler32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(i + 5552, bytes.count)
            while i < end {
                a += UInt32(bytes[i])
                b += a
                i += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}

/// A minimal PNG encoder: 1-bit grayscale, zlib stream of stored blocks (no compression
/// library needed; the package entry itself is deflated by libzip).
enum PNGEncoder {
    /// `pixels[y][x] == true` is black.
    static func encodeBilevel(width: Int, height: Int, black: (Int, Int) -> Bool) -> [UInt8] {
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter: none
            var byte: UInt8 = 0
            for x in 0..<width {
                // 1-bit grayscale: 1 = white, 0 = black
                if !black(x, y) { byte |= 0x80 >> UInt8(x & 7) }
                if x & 7 == 7 {
                    raw.append(byte)
                    byte = 0
                }
            }
            if width & 7 != 0 { raw.append(byte) }
        }
        return encode(rawRows: raw, width: width, height: height)
    }

    /// A 1-bit grayscale PNG from filtered scanlines (each row: filter byte 0 + packed bits).
    static func encode(rawRows raw: [UInt8], width: Int, height: Int) -> [UInt8] {
        var zlib: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, raw.count - i)
            let final: UInt8 = i + n >= raw.count ? 1 : 0
            zlib.append(final)
            zlib.append(UInt8(n & 0xFF))
            zlib.append(UInt8(n >> 8))
            zlib.append(UInt8(~n & 0xFF))
            zlib.append(UInt8((~n >> 8) & 0xFF))
            zlib.append(contentsOf: raw[i..<(i + n)])
            i += n
        } while i < raw.count
        appendBE(&zlib, Checksum.adler32(raw))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        appendBE(&ihdr, UInt32(width))
        appendBE(&ihdr, UInt32(height))
        ihdr.append(contentsOf: [1, 0, 0, 0, 0])  // bit depth 1, grayscale, deflate, filter 0, no interlace
        chunk(&png, "IHDR", ihdr)
        chunk(&png, "IDAT", zlib)
        chunk(&png, "IEND", [])
        return png
    }

    static func appendBE(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v >> 24))
        out.append(UInt8((v >> 16) & 0xFF))
        out.append(UInt8((v >> 8) & 0xFF))
        out.append(UInt8(v & 0xFF))
    }

    static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        appendBE(&out, UInt32(data.count))
        let typed = Array(type.utf8) + data
        out.append(contentsOf: typed)
        appendBE(&out, Checksum.crc32(typed))
    }
}

/// QR codes through libqrencode (error correction level M), the mask chosen by `QRMask`.
public enum QRCode {
    /// The modules of a QR code for `text` (true = dark), `size` × `size`.
    public static func modules(_ text: String) throws -> (size: Int, dark: [Bool]) {
        if let symbol = try QRMask.encode(Array(text.utf8), level: QR_ECLEVEL_M) {
            let w = symbol.width
            var dark = [Bool](repeating: false, count: w * w)
            for i in 0..<w {
                let row = symbol.rows[i]
                for j in 0..<w { dark[i * w + j] = row >> UInt64(j) & 1 != 0 }
            }
            return (w, dark)
        }
        // Wider than 64 modules: libqrencode chooses the mask.
        guard let qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw TemplateError.image(slot: "qr", reason: "libqrencode could not encode \(text.utf8.count) bytes")
        }
        defer { QRcode_free(qr) }
        let w = Int(qr.pointee.width)
        let data = qr.pointee.data!
        var dark = [Bool](repeating: false, count: w * w)
        for i in 0..<(w * w) { dark[i] = data[i] & 1 != 0 }
        return (w, dark)
    }

    /// A PNG of the QR code of `text`: `scale` pixels per module, 4-module quiet zone.
    public static func png(_ text: String, scale: Int = 8) throws -> [UInt8] {
        let (w, dark) = try modules(text)
        let quiet = 4
        let side = (w + 2 * quiet) * scale
        let rowBytes = (side + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * side)
        var row = [UInt8](repeating: 0xFF, count: rowBytes)
        for my in -quiet..<(w + quiet) {
            for i in 0..<rowBytes { row[i] = 0xFF }
            if my >= 0 && my < w {
                for mx in 0..<w where dark[my * w + mx] {
                    let x0 = (mx + quiet) * scale
                    for x in x0..<(x0 + scale) { row[x >> 3] &= ~(0x80 >> UInt8(x & 7)) }
                }
            }
            for _ in 0..<scale {
                raw.append(0)  // filter: none
                raw.append(contentsOf: row)
            }
        }
        return PNGEncoder.encode(rawRows: raw, width: side, height: side)
    }
}
