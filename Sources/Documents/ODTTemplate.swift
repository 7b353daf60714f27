import Foundation
import ZipKit

/// An ODT (OpenDocument Text) template compiled once and rendered many times.
///
/// Compiling reads the package with libzip (a template with an unsafe entry name — absolute,
/// `..`, `.`, an empty segment, a backslash — is refused), parses `content.xml` and `styles.xml` with
/// libxml2 (no network, no DTD, no entities; a DOCTYPE or entity declaration is refused),
/// finds Mustache tags even where LibreOffice split them across `text:span`s, decides what
/// each section repeats (a table row, a list item, a paragraph, or the elements between two
/// standalone tags) and turns each part into a tree of byte segments and holes. Rendering
/// appends bytes and writes the package; it never parses XML.
///
/// Image placeholders: a `draw:frame` whose name (LibreOffice: Format ▸ Name…) is
/// `qr:NAME` receives a QR code (level M) of the text at NAME (e.g. `qr:verification_url`);
/// one named `image:KEY` receives the PNG/JPEG bytes passed as `images[KEY]` (e.g.
/// `image:photo`). The frame's size and position are the template's.
///
/// The value is immutable and `Sendable`: share one compiled template between threads.
public final class ODTTemplate: Sendable {
    public let name: String
    /// How `content.xml`, `styles.xml` and the manifest of each document are stored.
    public let compression: EntryCompression

    enum PlanEntry: Sendable {
        case copy(index: Int, name: String)
        case part(String)
        case manifest(String)
    }

    let archive: ZipBytes
    let contexts: RenderContextPool
    let plan: [PlanEntry]
    let parts: [String: CompiledXMLPart]
    let slots: [ImageSlot]
    let manifestHead: [UInt8]
    let manifestTail: [UInt8]
    /// The entries every document shares (mimetype and each entry copied from the template),
    /// prepared once as libzip writes them; nil when generated parts are compressed.
    let prepared: PreparedPackage?

    static let mimetype = Array("application/vnd.oasis.opendocument.text".utf8)

    /// Reads and compiles an .odt file.
    public convenience init(contentsOf url: URL, compression: EntryCompression = .store) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TemplateError.io("cannot read template \(url.path)")
        }
        try self.init(bytes: [UInt8](data), name: url.lastPathComponent, compression: compression)
    }

    /// Compiles an ODT package given as bytes.
    ///
    /// `compression` applies to the parts generated per document (content.xml, styles.xml
    /// with tags, the manifest when images are added). Measured with `RenderBenchmark` on
    /// the 12-field certificate: `store` ≈ 5.5 KB/document at > 20,000 documents/s on one
    /// core; `.deflate(level: 1)` ≈ 2 KB/document but only ≈ 4,000 documents/s (libzip sets
    /// up a zlib stream per entry). `store` is the default so batches meet the speed target;
    /// choose deflate for archives where size matters more than speed. Entries copied from
    /// the template always keep their compressed bytes.
    public init(bytes: [UInt8], name: String, compression: EntryCompression = .store) throws {
        self.name = name
        self.compression = compression
        archive = ZipBytes(bytes)
        let reader = try ODTPackageWriter.reader(archive)
        let names = reader.names
        // Entries are copied into every document: refuse a name that could escape when unpacked.
        if let bad = names.first(where: { !ZipEntryName.isSafe($0) }) {
            throw TemplateError.unsafeEntryName(template: name, entry: bad)
        }
        guard let mi = names.firstIndex(of: "mimetype") else {
            throw TemplateError.package("\(name) has no 'mimetype' entry: not an OpenDocument package")
        }
        let mt = try ODTPackageWriter.read(reader, mi)
        guard mt == Self.mimetype else {
            throw TemplateError.package(
                "\(name) is '\(String(decoding: mt, as: UTF8.self))', expected an OpenDocument text (.odt)")
        }
        guard let ci = names.firstIndex(of: "content.xml") else {
            throw TemplateError.package("\(name) has no content.xml")
        }
        guard let manifestIndex = names.firstIndex(of: "META-INF/manifest.xml") else {
            throw TemplateError.package("\(name) has no META-INF/manifest.xml")
        }

        var slots: [ImageSlot] = []
        var parts: [String: CompiledXMLPart] = [:]
        for part in ["content.xml", "styles.xml"] {
            guard let idx = names.firstIndex(of: part) else { continue }
            var compiler = ODTXMLCompiler(template: name, part: part)
            if let compiled = try compiler.compile(try ODTPackageWriter.read(reader, idx), imageSlots: &slots) {
                parts[part] = compiled
            }
        }
        _ = ci
        self.parts = parts
        self.slots = slots
        contexts = RenderContextPool(bytes: archive, parts: parts.mapValues(\.nodes))

        // Entries this compiler generates replace template entries of the same name.
        let generated = Set(slots.flatMap { s in s.kind == .qr ? [s.qrPath] : ["png", "jpg"].map { s.imagePath($0) } })
        func dropped(_ n: String) -> Bool {
            n.hasPrefix("Thumbnails/") || generated.contains(n) || n == "mimetype"
        }

        // The manifest, less the dropped entries, split where per-document images go.
        let manifestDoc = try LibXMLDocument(
            bytes: try ODTPackageWriter.read(reader, manifestIndex), part: "META-INF/manifest.xml")
        let manifestRoot = try manifestDoc.tree()
        manifestRoot.children.removeAll { n in
            n.name == "manifest:file-entry" && dropped(n.attribute("manifest:full-path") ?? "")
        }
        var writer = XMLMustacheWriter(tagText: [], moved: [])
        writer.write(manifestRoot)
        let closing = Array("</manifest:manifest>".utf8)
        guard writer.out.count >= closing.count, Array(writer.out.suffix(closing.count)) == closing else {
            throw TemplateError.package("META-INF/manifest.xml has an unexpected form")
        }
        manifestHead = Array(writer.out.dropLast(closing.count))
        manifestTail = closing

        let manifestChanged = !slots.isEmpty || names.contains(where: { $0 != "mimetype" && dropped($0) })
        var plan: [PlanEntry] = []
        for (i, n) in names.enumerated() where !dropped(n) {
            if parts[n] != nil {
                plan.append(.part(n))
            } else if n == "META-INF/manifest.xml" && manifestChanged {
                plan.append(.manifest(n))
            } else {
                plan.append(.copy(index: i, name: n))
            }
        }
        self.plan = plan
        prepared = compression == .store ? try PreparedPackage(reader: reader, plan: plan) : nil
    }

    /// The image placeholders of this template, as (kind, key) pairs: `("qr", "verification_url")`.
    public var imagePlaceholders: [(kind: String, key: String)] {
        slots.map { ($0.kind == .qr ? "qr" : "image", $0.key) }
    }

    /// Renders one document and returns the bytes of the .odt package.
    ///
    /// - Parameters:
    ///   - data: the values; in strict mode every name the template uses must be present
    ///     (a `null` value counts as present).
    ///   - images: PNG or JPEG bytes for `image:KEY` frames.
    ///   - strict: throw `TemplateError.missingNames` listing every missing name and its place.
    public func render(_ data: TemplateValue, images: [String: [UInt8]] = [:], strict: Bool = true) throws -> [UInt8] {
        try contexts.with { try render(data, images: images, strict: strict, context: $0) }
    }

    /// How a document's package is written: `prepared` assembles it from the entries prepared
    /// once per template (`ZipAssembler`), `libzip` writes every entry through `ZipWriter` (the
    /// reference the tests compare with; also the way when parts are compressed).
    enum Packaging { case prepared, libzip }

    func render(
        _ data: TemplateValue, images: [String: [UInt8]], strict: Bool, context: RenderContext,
        packaging: Packaging = .prepared
    ) throws
        -> [UInt8]
    {
        let found = try self.pictures(data, images: images, strict: strict)
        var missing = found.missing
        let extras = found.extras
        let pictures = found.pictures

        var rendered: [String: [UInt8]] = [:]
        for (partName, part) in parts {
            var r = MustacheRenderer(escaping: .odt, strict: strict, partials: PartialTable(), capacity: part.sizeHint)
            r.templateName = name
            r.stack.append(.object(extras))
            r.stack.append(data)
            try r.render(context.parts[partName]!)
            for m in r.missing where !m.name.hasPrefix("%image-") {
                missing.append(MissingName(name: m.name, place: part.locate(m.at)))
            }
            rendered[partName] = r.out
        }
        if !missing.isEmpty { throw TemplateError.missingNames(missing) }

        let manifest = self.manifest(pictures)
        if packaging == .prepared, let prepared {
            var zip: [ZipPart] = [.prepared(prepared.mimetype)]
            zip.reserveCapacity(plan.count + pictures.count + 1)
            for p in plan {
                switch p {
                case .copy(let index, _): zip.append(.prepared(prepared.copies[index]!))
                case .part(let n): zip.append(.stored(name: n, bytes: rendered[n]!))
                case .manifest(let n): zip.append(.stored(name: n, bytes: manifest))
                }
            }
            for pic in pictures { zip.append(.stored(name: pic.path, bytes: pic.bytes)) }
            if let bytes = prepared.assembler.archive(zip) { return bytes }
        }

        var entries: [ODTPackageWriter.Entry] = [.bytes(name: "mimetype", data: Self.mimetype, compression: .store)]
        for p in plan {
            switch p {
            case .copy(let index, let n):
                entries.append(.copy(index: index, name: n))
            case .part(let n):
                entries.append(.bytes(name: n, data: rendered[n]!, compression: compression))
            case .manifest(let n):
                entries.append(.bytes(name: n, data: manifest, compression: compression))
            }
        }
        // Pictures are stored: JPEG and PNG are compressed already (the QR PNG is a few KB),
        // and a zlib stream per entry would cost more than the bytes it saves.
        for pic in pictures { entries.append(.bytes(name: pic.path, data: pic.bytes, compression: .store)) }
        return try ODTPackageWriter.write(reader: context.reader, entries: entries)
    }

    /// The pictures of one document (QR codes and `image:KEY` frames), the names missing for
    /// them, and the holes the image frames fill.
    func pictures(_ data: TemplateValue, images: [String: [UInt8]], strict: Bool) throws -> (
        missing: [MissingName], extras: [String: TemplateValue], pictures: [(path: String, bytes: [UInt8], type: String)]
    ) {
        var missing: [MissingName] = []
        var extras: [String: TemplateValue] = [:]
        var pictures: [(path: String, bytes: [UInt8], type: String)] = []
        for slot in slots {
            switch slot.kind {
            case .qr:
                let v = MustacheRenderer.lookup(MustacheName(slot.key), in: [data])
                if v == nil || v == .null {
                    if strict { missing.append(MissingName(name: slot.key, place: slot.place)) }
                    pictures.append((slot.qrPath, Self.blankPNG, "image/png"))
                } else {
                    pictures.append((slot.qrPath, try QRCode.png(v!.text, scale: 4), "image/png"))
                }
            case .image:
                var bytes = Self.blankPNG
                if let b = images[slot.key] {
                    bytes = b
                } else if strict, MustacheRenderer.lookup(MustacheName(slot.key), in: [data]) != .null {
                    // No picture is fine only when the data says so: `KEY: null` (the frame stays blank).
                    missing.append(MissingName(name: "image:" + slot.key, place: slot.place))
                }
                let ext: String
                let type: String
                if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
                    (ext, type) = ("png", "image/png")
                } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
                    (ext, type) = ("jpg", "image/jpeg")
                } else {
                    throw TemplateError.image(slot: slot.key, reason: "only PNG and JPEG images are accepted")
                }
                let path = slot.imagePath(ext)
                extras[slot.holeName] = .string(path)
                pictures.append((path, bytes, type))
            }
        }

        return (missing, extras, pictures)
    }

    /// The manifest of a document with these pictures (empty when the template's is copied).
    func manifest(_ pictures: [(path: String, bytes: [UInt8], type: String)]) -> [UInt8] {
        var manifest: [UInt8] = []
        if plan.contains(where: { if case .manifest = $0 { true } else { false } }) {
            manifest = manifestHead
            for pic in pictures {
                manifest.append(
                    contentsOf: Array(
                        " <manifest:file-entry manifest:full-path=\"\(pic.path)\" manifest:media-type=\"\(pic.type)\"/>\n"
                            .utf8))
            }
            manifest.append(contentsOf: manifestTail)
        }
        return manifest
    }

    /// The rendered XML of one part (`content.xml` or `styles.xml`), for tests and previews.
    public func renderPart(_ part: String, data: TemplateValue, strict: Bool = true) throws -> String? {
        guard let compiled = parts[part] else { return nil }
        var r = MustacheRenderer(escaping: .odt, strict: strict, partials: PartialTable(), capacity: compiled.sizeHint)
        r.templateName = name
        var extras: [String: TemplateValue] = [:]
        for s in slots where s.kind == .image { extras[s.holeName] = .string(s.imagePath("png")) }
        r.stack.append(.object(extras))
        r.stack.append(data)
        try r.render(compiled.nodes)
        if !r.missing.isEmpty {
            throw TemplateError.missingNames(
                r.missing.map { MissingName(name: $0.name, place: compiled.locate($0.at)) })
        }
        return String(decoding: r.out, as: UTF8.self)
    }

    /// A 1×1 white PNG used where an image is missing outside strict mode.
    static let blankPNG: [UInt8] = PNGEncoder.encodeBilevel(width: 1, height: 1) { _, _ in false }
}

extension ImageSlot {
    func imagePath(_ ext: String) -> String { "Pictures/image-\(number).\(ext)" }
}

extension MustacheRenderer {
    static func lookup(_ name: MustacheName, in stack: [TemplateValue]) -> TemplateValue? {
        var r = MustacheRenderer(escaping: .odt, strict: false, partials: PartialTable(), capacity: 0)
        r.stack = stack
        return r.lookup(name)
    }
}

/// The entries of a template's documents that never change — the stored `mimetype` and every
/// entry copied from the template (meta.xml, settings.xml, pictures…, their compressed bytes as
/// they are) — written once by `ZipWriter` and kept as records `ZipAssembler` copies into each
/// document, so a document costs no libzip archive: only its generated parts are framed.
struct PreparedPackage: Sendable {
    let assembler: ZipAssembler
    let mimetype: ZipPreparedEntry
    /// By the template's entry index.
    let copies: [Int: ZipPreparedEntry]

    init(reader: ZipReader, plan: [ODTTemplate.PlanEntry]) throws {
        do {
            assembler = try ZipAssembler(time: ODTPackageWriter.fixedTime)
            var writer = ZipWriter(time: ODTPackageWriter.fixedTime)
            writer.add("mimetype", bytes: ODTTemplate.mimetype, compression: .store)
            var indices: [Int] = []
            for p in plan {
                guard case .copy(let index, let name) = p else { continue }
                writer.copy(name, from: reader, index: index)
                indices.append(index)
            }
            let entries = try assembler.prepare(writer)
            guard entries.count == indices.count + 1 else { throw ZipError("prepared entries are missing") }
            mimetype = entries[0]
            copies = Dictionary(uniqueKeysWithValues: zip(indices, entries.dropFirst()))
        } catch {
            throw TemplateError.package((error as? ZipError)?.message ?? "\(error)")
        }
    }
}
