import Foundation
import ZipKit

/// The one long list of a document (a 公示's candidates, a 取得资格通知's people: a whole batch,
/// 18,183 names in the 20,000 season), given a batch of items at a time instead of in the data,
/// so a document of any length renders in bounded memory: the section that names the list
/// (`{{#candidates}}…{{/candidates}}`, where the data has no `candidates`) renders each batch
/// as it comes, and what is written goes into the file as it grows
/// (`TemplateLibrary.write(_:as:data:streaming:images:strict:to:)`). The bytes are those of the
/// same document rendered with the list whole in its data (`.array(all())`).
///
/// `batch` is called from 0 up until it gives an empty batch, once for each section that names
/// the list (and again for each format written): it must give the same items each time.
public struct StreamedList {
    /// Bytes a streamed part is written in (after the item that passes it).
    public static let flushBytes = 1 << 18

    public let name: String
    /// How many items `batch` gives in all (an inverted section `{{^name}}` renders when 0).
    public let count: Int
    public let batch: (Int) throws -> [TemplateValue]

    public init(name: String, count: Int, batch: @escaping (Int) throws -> [TemplateValue]) {
        self.name = name
        self.count = count
        self.batch = batch
    }

    /// Every item at once: the list as a document holding it whole has it in its data.
    public func all() throws -> [TemplateValue] {
        var items: [TemplateValue] = []
        var k = 0
        while true {
            let b = try batch(k)
            if b.isEmpty { return items }
            items += b
            k += 1
        }
    }
}

extension TemplateLibrary {
    /// Renders template `name` with `list` streamed (see `StreamedList`) into the file `path`
    /// (created or truncated; removed when rendering fails): the same bytes as `render` with
    /// the list whole in `data`, in memory bounded by a batch of items and `StreamedList.flushBytes`.
    public func write(
        _ name: String, as format: DocumentFormat, data: TemplateValue, streaming list: StreamedList,
        images: [String: [UInt8]] = [:], strict: Bool = true, to path: String
    ) throws {
        switch format {
        case .odt: try odt(name).write(data, streaming: list, images: images, strict: strict, to: path)
        case .html: try html(name).writeHTMLDocument(data, streaming: list, images: images, strict: strict, to: path)
        }
    }
}

extension ODTTemplate {
    /// Writes one document with `list` streamed into `path`: each part rendered straight into its
    /// stored entry (`ZipAssemblyFile`), the same bytes `render` gives with the list in `data`.
    public func write(
        _ data: TemplateValue, streaming list: StreamedList, images: [String: [UInt8]] = [:], strict: Bool = true,
        to path: String
    ) throws {
        try contexts.with { try write(data, streaming: list, images: images, strict: strict, to: path, context: $0) }
    }

    func write(
        _ data: TemplateValue, streaming list: StreamedList, images: [String: [UInt8]], strict: Bool, to path: String,
        context: RenderContext
    ) throws {
        guard let prepared else {
            throw TemplateError.package("\(name): a streamed document needs its generated parts stored")
        }
        let found = try pictures(data, images: images, strict: strict)
        var missing = found.missing
        let manifest = self.manifest(found.pictures)
        let file: ZipAssemblyFile
        do { file = try ZipAssemblyFile(prepared.assembler, path: path) } catch { throw TemplateError.io(error.message) }
        do {
            try file.add(prepared.mimetype)
            for p in plan {
                switch p {
                case .copy(let index, _): try file.add(prepared.copies[index]!)
                case .manifest(let n): try file.addStored(n, bytes: manifest)
                case .part(let n):
                    let part = parts[n]!
                    try file.beginStored(n)
                    var r = MustacheRenderer(
                        escaping: .odt, strict: strict, partials: PartialTable(),
                        capacity: min(part.sizeHint, 2 * StreamedList.flushBytes))
                    r.templateName = name
                    r.streamed = list
                    r.sink = { bytes in try file.append(bytes) }
                    r.stack.append(.object(found.extras))
                    r.stack.append(data)
                    try r.render(context.parts[n]!)
                    try file.append(r.out)
                    try file.endStored()
                    for m in r.missing where !m.name.hasPrefix("%image-") {
                        missing.append(MissingName(name: m.name, place: part.locate(m.at)))
                    }
                }
            }
            for pic in found.pictures { try file.addStored(pic.path, bytes: pic.bytes) }
            if !missing.isEmpty { throw TemplateError.missingNames(missing) }
            try file.finish()
        } catch let error as ZipError {
            file.abandon()
            throw TemplateError.package(error.message)
        } catch {
            file.abandon()
            throw error
        }
    }
}

extension MustacheTemplate {
    /// `renderHTMLDocument` with `list` streamed, written into `path` as it is rendered (the
    /// same UTF-8 bytes).
    public func writeHTMLDocument(
        _ data: TemplateValue, streaming list: StreamedList, images: [String: [UInt8]] = [:], strict: Bool = true,
        to path: String
    ) throws {
        let data = try documentData(data, images: images)
        guard let f = fopen(path, "wb") else { throw TemplateError.io("cannot create \(path)") }
        var closed = false
        defer { if !closed { fclose(f) } }
        func put(_ bytes: [UInt8]) throws {
            let n = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            guard n == bytes.count else { throw TemplateError.io("cannot write \(path)") }
        }
        do {
            var r = MustacheRenderer(escaping: .html, strict: strict, partials: partials, capacity: 4096)
            r.templateName = name
            r.streamed = list
            r.sink = { bytes in try put(bytes) }
            r.stack.append(data)
            try r.render(nodes)
            try put(r.out)
            try throwMissing(r.missing)
            closed = true
            guard fclose(f) == 0 else { throw TemplateError.io("cannot write \(path)") }
        } catch {
            if !closed {
                closed = true
                fclose(f)
            }
            unlink(path)
            throw error
        }
    }
}
