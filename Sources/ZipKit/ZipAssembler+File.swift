import CLibZip
import Foundation

/// Writes one archive into a file, entry by entry, with `ZipAssembler`'s framing: the same
/// bytes `ZipAssembler.archive` (and so `ZipWriter`) gives for the same parts, but a stored
/// entry may be written in pieces (`beginStored`, `append`, `endStored`) — its CRC-32 and size
/// computed as it goes and written into its local header at the end — so an entry as large as
/// a 100,000-name list never has to be whole in memory. Only the central directory (a few
/// dozen bytes an entry) is kept until `finish`.
///
/// Same limits as the assembler: no Zip64 (at most 65,535 entries, 4 GiB), stored names ASCII.
///
/// ```swift
/// let file = try ZipAssemblyFile(assembler, path: "/tmp/x.odt.part")
/// try file.add(prepared.mimetype)
/// try file.beginStored("content.xml")
/// try file.append(chunk1); try file.append(chunk2)
/// try file.endStored()
/// try file.finish()
/// ```
public final class ZipAssemblyFile {
    public let path: String
    let assembler: ZipAssembler
    private var file: UnsafeMutablePointer<FILE>?
    private var offset = 0
    private var central: [UInt8] = []
    private var entries = 0
    /// The stored entry being written: where its local header starts, its name, CRC and size.
    private var open: (header: Int, name: [UInt8], crc: uLong, size: Int)?

    /// Creates (or truncates) `path`.
    public init(_ assembler: ZipAssembler, path: String) throws(ZipError) {
        self.assembler = assembler
        self.path = path
        guard let f = fopen(path, "wb") else { throw ZipError("cannot create \(path)") }
        file = f
    }

    deinit { if let file { fclose(file) } }

    private func put(_ bytes: [UInt8]) throws(ZipError) {
        guard let file else { throw ZipError("\(path) is closed") }
        let n = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == bytes.count else { throw ZipError("cannot write \(path)") }
        offset += bytes.count
    }

    private static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }

    private func checkRoom() throws(ZipError) {
        guard open == nil else { throw ZipError("an entry of \(path) is still open") }
        guard entries < 0xFFFF else { throw ZipError("too many entries for an archive without Zip64") }
    }

    /// Copies a prepared entry (its local record as it is).
    public func add(_ entry: ZipPreparedEntry) throws(ZipError) {
        try checkRoom()
        var record = entry.central
        let o = Self.le32(UInt32(offset))
        for k in 0..<4 { record[42 + k] = o[k] }
        central += record
        try put(entry.local)
        entries += 1
    }

    /// A stored entry given whole.
    public func addStored(_ name: String, bytes: [UInt8]) throws(ZipError) {
        try beginStored(name)
        try append(bytes)
        try endStored()
    }

    /// Starts a stored entry: its local header with the CRC and sizes left zero until `endStored`.
    public func beginStored(_ name: String) throws(ZipError) {
        try checkRoom()
        let n = Array(name.utf8)
        guard n.count <= 0xFFFF, n.allSatisfy({ $0 < 0x80 }) else {
            throw ZipError("a streamed entry's name must be ASCII: \(name)")
        }
        open = (offset, n, crc32(0, nil, 0), 0)
        try put([0x50, 0x4B, 0x03, 0x04] + assembler.localShape + [UInt8](repeating: 0, count: 12) + Self.le16(n.count)
            + [0, 0] + n)
    }

    /// Appends to the open stored entry.
    public func append(_ bytes: [UInt8]) throws(ZipError) {
        guard var e = open else { throw ZipError("no entry of \(path) is open") }
        guard e.size + bytes.count <= 0xFFFF_FFFE else { throw ZipError("an entry over 4 GiB needs Zip64") }
        bytes.withUnsafeBufferPointer { e.crc = crc32(e.crc, $0.baseAddress, uInt($0.count)) }
        e.size += bytes.count
        open = e
        try put(bytes)
    }

    /// Ends the open stored entry: its CRC and sizes written into its local header.
    public func endStored() throws(ZipError) {
        guard let e = open, let file else { throw ZipError("no entry of \(path) is open") }
        open = nil
        let crc = UInt32(e.crc)
        let fields = Self.le32(crc) + Self.le32(UInt32(e.size)) + Self.le32(UInt32(e.size))
        guard fflush(file) == 0, fseeko(file, off_t(e.header + 14), SEEK_SET) == 0,
            fields.withUnsafeBytes({ fwrite($0.baseAddress, 1, 12, file) }) == 12, fseeko(file, 0, SEEK_END) == 0
        else { throw ZipError("cannot write \(path)") }
        guard e.header <= 0xFFFF_FFFE else { throw ZipError("an archive over 4 GiB needs Zip64") }
        central += [0x50, 0x4B, 0x01, 0x02] + assembler.centralShape + fields + Self.le16(e.name.count)
            + [0, 0, 0, 0, 0, 0] + assembler.centralAttributes + Self.le32(UInt32(e.header)) + e.name
        entries += 1
    }

    /// Writes the central directory and closes the file.
    public func finish() throws(ZipError) {
        guard open == nil else { throw ZipError("an entry of \(path) is still open") }
        let start = offset
        guard start + central.count < 0xFFFF_FFFF else { throw ZipError("an archive over 4 GiB needs Zip64") }
        try put(central)
        try put(
            [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0] + Self.le16(entries) + Self.le16(entries)
                + Self.le32(UInt32(central.count)) + Self.le32(UInt32(start)) + [0, 0])
        let f = file
        file = nil
        guard let f, fclose(f) == 0 else { throw ZipError("cannot write \(path)") }
    }

    /// Closes and removes the file (after a failure).
    public func abandon() {
        if let file { fclose(file) }
        file = nil
        unlink(path)
    }
}
