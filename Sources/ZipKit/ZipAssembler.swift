import CLibZip
import Foundation

/// An entry prepared once and written into many archives as it is: its local header with its
/// (possibly compressed) data, and its central-directory record less the local header's offset.
public struct ZipPreparedEntry: Sendable {
    public let name: String
    /// Local file header, name and data: copied into each archive unchanged.
    let local: [UInt8]
    /// The central-directory record; bytes 42..<46 (the local header's offset) are set per archive.
    let central: [UInt8]
}

/// One entry of an archive `ZipAssembler` writes.
public enum ZipPart {
    /// Written as prepared (its bytes compressed once, e.g. per template).
    case prepared(ZipPreparedEntry)
    /// Stored (no compression), its CRC-32 computed here.
    case stored(name: String, bytes: [UInt8])
}

/// Writes many small archives that share most of their entries, without libzip per archive:
/// the shared entries are prepared once (`prepare`, written by `ZipWriter`: compressed or
/// copied from a template as they are) and each archive is assembled in one buffer — the
/// prepared records copied, the stored ones framed with their CRC-32 (zlib).
///
/// The bytes are those `ZipWriter` writes for the same entries in the same order: the records
/// of the prepared entries are libzip's own, and a stored entry is framed the way libzip frames
/// one (read once from an archive libzip wrote, so a different libzip cannot make them
/// disagree silently — `ZipKitTests` and `ODTPackageTests` compare the two byte for byte).
/// No Zip64: an archive of more than 65,535 entries or 4 GiB is refused (`nil`), as is a
/// stored entry whose name is not ASCII; callers write those with `ZipWriter`.
public struct ZipAssembler: Sendable {
    public let time: time_t
    public let unixMode: UInt32?
    /// A stored entry's local header bytes 4..<14 (version needed, flags, method, time, date).
    let localShape: [UInt8]
    /// A stored entry's central record bytes 4..<16 (made by, needed, flags, method, time, date)
    /// and 36..<42 (internal and external attributes).
    let centralShape: [UInt8]
    let centralAttributes: [UInt8]

    /// Learns how libzip frames a stored entry with this time and mode.
    public init(time: time_t, unixMode: UInt32? = nil) throws(ZipError) {
        self.time = time
        self.unixMode = unixMode
        var probe = ZipWriter(time: time, unixMode: unixMode)
        probe.add("a", bytes: [0x61], compression: .store)
        let entries = try Self.split(try probe.finish())
        guard entries.count == 1 else { throw ZipError("cannot learn libzip's stored entry") }
        let local = entries[0].local
        let central = entries[0].central
        // Sanity: method 0, no data descriptor, no extra field — what framing below writes.
        guard local[8] == 0, local[9] == 0, local[6] & 0x08 == 0, local[28] == 0, local[29] == 0,
            central[30] == 0, central[31] == 0, central[32] == 0, central[33] == 0
        else { throw ZipError("libzip frames a stored entry unexpectedly") }
        localShape = Array(local[4..<14])
        centralShape = Array(central[4..<16])
        centralAttributes = Array(central[36..<42])
    }

    /// The entries `writer` holds, each prepared once; the writer's time and mode must be this
    /// assembler's.
    public func prepare(_ writer: ZipWriter) throws(ZipError) -> [ZipPreparedEntry] {
        guard writer.time == time, writer.unixMode == unixMode else {
            throw ZipError("prepared entries need the assembler's time and mode")
        }
        return try Self.split(try writer.finish())
    }

    /// One archive's bytes, or nil when it needs Zip64 or a stored name is not ASCII.
    public func archive(_ parts: [ZipPart]) -> [UInt8]? {
        guard parts.count <= 0xFFFF else { return nil }
        var localSize = 0
        var centralSize = 0
        for part in parts {
            switch part {
            case .prepared(let e):
                localSize += e.local.count
                centralSize += e.central.count
            case .stored(let name, let bytes):
                let n = name.utf8.count
                guard n <= 0xFFFF, name.utf8.allSatisfy({ $0 < 0x80 }), bytes.count <= 0xFFFF_FFFE else { return nil }
                localSize += 30 + n + bytes.count
                centralSize += 46 + n
            }
        }
        guard localSize + centralSize < 0xFFFF_FFFF else { return nil }
        let total = localSize + centralSize + 22
        return [UInt8](unsafeUninitializedCapacity: total) { buf, initialized in
            let base = buf.baseAddress!
            var at = 0
            var cd = localSize
            func put(_ bytes: [UInt8], _ to: inout Int) {
                bytes.withUnsafeBufferPointer { (base + to).update(from: $0.baseAddress!, count: $0.count) }
                to += bytes.count
            }
            func u16(_ v: Int, _ to: inout Int) {
                base[to] = UInt8(v & 0xFF)
                base[to + 1] = UInt8((v >> 8) & 0xFF)
                to += 2
            }
            func u32(_ v: UInt32, _ to: inout Int) {
                for k in 0..<4 { base[to + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
                to += 4
            }
            for part in parts {
                let offset = UInt32(at)
                switch part {
                case .prepared(let e):
                    put(e.local, &at)
                    let c = cd
                    put(e.central, &cd)
                    var o = c + 42
                    u32(offset, &o)
                case .stored(let name, let bytes):
                    let crc = bytes.withUnsafeBufferPointer { b -> UInt32 in
                        UInt32(crc32(0, b.baseAddress, uInt(b.count)))
                    }
                    let nameBytes = Array(name.utf8)
                    // Local header.
                    put([0x50, 0x4B, 0x03, 0x04], &at)
                    put(localShape, &at)
                    u32(crc, &at)
                    u32(UInt32(bytes.count), &at)
                    u32(UInt32(bytes.count), &at)
                    u16(nameBytes.count, &at)
                    u16(0, &at)
                    put(nameBytes, &at)
                    if !bytes.isEmpty { put(bytes, &at) }
                    // Central record.
                    put([0x50, 0x4B, 0x01, 0x02], &cd)
                    put(centralShape, &cd)
                    u32(crc, &cd)
                    u32(UInt32(bytes.count), &cd)
                    u32(UInt32(bytes.count), &cd)
                    u16(nameBytes.count, &cd)
                    u16(0, &cd)  // extra
                    u16(0, &cd)  // comment
                    u16(0, &cd)  // disk
                    put(centralAttributes, &cd)
                    u32(offset, &cd)
                    put(nameBytes, &cd)
                }
            }
            // End of central directory.
            put([0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0], &cd)
            u16(parts.count, &cd)
            u16(parts.count, &cd)
            u32(UInt32(centralSize), &cd)
            u32(UInt32(localSize), &cd)
            u16(0, &cd)
            initialized = total
        }
    }

    /// The entries of an archive `ZipWriter` wrote: each entry's local record (header, name,
    /// extra field, data) and central record (offset zeroed).
    static func split(_ zip: [UInt8]) throws(ZipError) -> [ZipPreparedEntry] {
        func u16(_ i: Int) -> Int { Int(zip[i]) | Int(zip[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        let bad = ZipError("unexpected archive layout")
        let end = zip.count - 22
        guard end >= 0, zip[end] == 0x50, zip[end + 1] == 0x4B, zip[end + 2] == 5, zip[end + 3] == 6,
            u16(end + 20) == 0
        else { throw bad }
        let count = u16(end + 10)
        var c = u32(end + 16)
        guard c + u32(end + 12) == end else { throw bad }
        var out: [ZipPreparedEntry] = []
        for _ in 0..<count {
            guard c + 46 <= end, u32(c) == 0x0201_4B50 else { throw bad }
            let clen = 46 + u16(c + 28) + u16(c + 30) + u16(c + 32)
            let offset = u32(c + 42)
            let compressed = u32(c + 20)
            guard c + clen <= end, offset + 30 <= end, u32(offset) == 0x0403_4B50,
                zip[offset + 6] & 0x08 == 0, compressed != 0xFFFF_FFFF
            else { throw bad }
            let llen = 30 + u16(offset + 26) + u16(offset + 28) + compressed
            guard offset + llen <= end else { throw bad }
            var central = Array(zip[c..<(c + clen)])
            for k in 42..<46 { central[k] = 0 }
            let name = String(decoding: zip[(c + 46)..<(c + 46 + u16(c + 28))], as: UTF8.self)
            out.append(ZipPreparedEntry(name: name, local: Array(zip[offset..<(offset + llen)]), central: central))
            c += clen
        }
        return out
    }
}
