import Crypto
import Domain
import Forms
import Store
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The applicants' uploaded files, content-addressed: `<dataDirectory>/uploads/<ab>/<sha256>`
/// where `ab` are the first two hex digits of the SHA-256.
///
/// A file is accepted only when its real type (read from its first bytes, never from its name
/// or declared type) is one the field allows and its size is within the field's limit. It is
/// written to a temporary file in `uploads/.incoming/` and renamed into place, so a reader
/// never sees half a file; the same content uploaded twice is stored once. The file name the
/// client sent is only displayed (sanitized), never used in a path.
///
/// ```swift
/// let uploads = try UploadStore(dataDirectory: dataDir)
/// for file in multipart.files {
///     do { attachments.append((file.name, try uploads.accept(file, form: form))) }
///     catch let refusal { problems.append(refusal.problem ?? …) }   // WebError.uploadRefused
/// }
/// ```
public struct UploadStore: Sendable {
    /// `<dataDirectory>/uploads`, standardized.
    public let root: URL

    /// The media types recognised by their first bytes, with the file extensions that name them.
    static let extensions: [String: [String]] = [
        "application/pdf": ["pdf"], "image/jpeg": ["jpg", "jpeg"], "image/png": ["png"],
    ]
    static let displayNameLength = 100

    /// Creates `<dataDirectory>/uploads` (and its temporary folder) when missing.
    /// - Throws: `WebSetupError` when the folders cannot be created.
    public init(dataDirectory: String) throws {
        root = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("uploads", isDirectory: true)
            .standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        } catch {
            throw WebSetupError("无法创建上传文件目录 \(root.path)")
        }
    }

    var incoming: URL { root.appendingPathComponent(".incoming", isDirectory: true) }

    /// Accepts a file posted for the attachment field named by `file.name` (a path such as
    /// `photo` or `representative_works[0].file`).
    /// - Returns: the attachment object `{name, media_type, size, sha256}` for the declaration.
    /// - Throws: `WebError.uploadRefused` (Chinese, naming the field) when the name is not an
    ///   attachment field of `form`, the file is empty, too large or of a type the field does
    ///   not allow; `WebError.internal` when it cannot be written.
    public func accept(_ file: MultipartFormData.Part, form: FormDefinition) throws(WebError) -> JSONValue {
        guard let field = form.fieldDefinition(at: file.name),
            case .attachment(let mediaTypes, let maxBytes, _, _, _) = field.type
        else {
            throw .uploadRefused(field: "附件", path: file.name, message: "本表没有可以上传文件的栏目“\(clean(String(file.name.prefix(60))))”。")
        }
        return try accept(file.body, filename: file.filename ?? "", field: field, path: file.name, mediaTypes: mediaTypes, maxBytes: maxBytes)
    }

    /// Accepts `bytes` for `field` (see `accept(_:form:)`).
    public func accept(
        _ bytes: [UInt8], filename: String, field: FieldDefinition, path: String, mediaTypes: [String], maxBytes: Int
    ) throws(WebError) -> JSONValue {
        let label = field.label
        let name = Self.displayName(filename)
        func refuse(_ message: String) -> WebError { .uploadRefused(field: label, path: path, message: message) }
        let allowed = mediaTypes.map(Self.typeName).joined(separator: "、")
        guard !bytes.isEmpty else { throw refuse("“\(label)”:文件“\(name)”是空文件。") }
        guard bytes.count <= maxBytes else {
            throw refuse("“\(label)”:文件“\(name)”大小为\(Self.size(bytes.count)),超过了\(Self.size(maxBytes))的上限。")
        }
        guard let type = Self.sniff(bytes) else {
            throw refuse("“\(label)”:无法识别文件“\(name)”的格式,只接受 \(allowed) 格式的文件。")
        }
        guard mediaTypes.contains(type) else {
            throw refuse("“\(label)”只接受 \(allowed) 格式的文件,“\(name)”实为 \(Self.typeName(type)) 文件。")
        }
        let ext = (name as NSString).pathExtension.lowercased()
        let known = Self.extensions.values.flatMap { $0 }
        if known.contains(ext), !(Self.extensions[type] ?? []).contains(ext) {
            throw refuse("“\(label)”:文件“\(name)”的扩展名与实际格式(\(Self.typeName(type)))不符,请检查是否选错了文件。")
        }
        let sha = EventHash.hex(SHA256.hash(data: bytes))
        do {
            try store(bytes, sha256: sha)
        } catch {
            throw .internal
        }
        return ["name": .string(name), "media_type": .string(type), "size": .number(Double(bytes.count)), "sha256": .string(sha)]
    }

    /// Where the file with this SHA-256 (64 lowercase hex digits) lives; nil for anything else.
    public func url(sha256: String) -> URL? {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        let url = root.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(sha256).standardizedFileURL
        return isInside(url) ? url : nil
    }

    /// The stored bytes of a file, nil when there is none.
    public func contents(sha256: String) -> [UInt8]? {
        guard let url = url(sha256: sha256), let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return [UInt8](data)
    }

    func isInside(_ url: URL) -> Bool {
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root.path + "/") && !path.contains("/../")
    }

    struct WriteError: Error {}

    func store(_ bytes: [UInt8], sha256: String) throws {
        guard let target = url(sha256: sha256) else { throw WriteError() }
        if FileManager.default.fileExists(atPath: target.path) { return }  // same content, stored already
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = incoming.appendingPathComponent(UUID().uuidString.lowercased()).standardizedFileURL
        guard isInside(temporary), isInside(folder.appendingPathComponent("x")) else { throw WriteError() }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard fd >= 0 else { throw WriteError() }
        var ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary.path, target.path) == 0 else {
            unlink(temporary.path)
            throw WriteError()
        }
    }

    /// The real media type of a file from its first bytes: PDF, JPEG or PNG; nil otherwise.
    public static func sniff(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }

    /// The name to show for a posted file name: the last path component (`/` and `\`), no
    /// control or bidirectional-override characters, at most 100 characters (extension kept),
    /// `未命名文件` when nothing is left.
    public static func displayName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for u in last.unicodeScalars {
            switch u.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: continue
            default: scalars.append(u.properties.isWhitespace ? " " : u)
            }
        }
        var name = String(scalars).trimmingCharacters(in: .whitespaces)
        while name.hasPrefix(".") { name.removeFirst() }
        if name.isEmpty { return "未命名文件" }
        if name.count > displayNameLength {
            let ext = (name as NSString).pathExtension
            let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
            name = String(name.prefix(displayNameLength - keep.count - 1)) + "…" + keep
        }
        return name
    }

    static func typeName(_ mediaType: String) -> String {
        switch mediaType {
        case "application/pdf": "PDF"
        case "image/jpeg": "JPEG"
        case "image/png": "PNG"
        default: mediaType
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 {
            let tenths = (bytes * 10 + (1 << 19)) >> 20
            return tenths % 10 == 0 ? "\(tenths / 10)MB" : "\(tenths / 10).\(tenths % 10)MB"
        }
        if bytes >= 1 << 10 { return "\((bytes + 512) >> 10)KB" }
        return "\(bytes)字节"
    }
}
