import Crypto
import Domain
import Forms
import Foundation
import Hummingbird
import Store

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
    /// What uploads may cost: per request, per account, for the whole server.
    public let limits: UploadLimits
    /// The bytes being received right now, per account and in all (shared by every request).
    let budget: UploadBudget

    /// The media types recognised by their first bytes, with the file extensions that name them.
    static let extensions: [String: [String]] = [
        "application/pdf": ["pdf"], "image/jpeg": ["jpg", "jpeg"], "image/png": ["png"],
    ]
    static let displayNameLength = 100

    /// Creates `<dataDirectory>/uploads` (and its temporary folder) when missing, and removes
    /// what an earlier run left half-received in the temporary folder.
    /// - Throws: `WebSetupError` when the folders cannot be created.
    public init(dataDirectory: String, limits: UploadLimits = UploadLimits()) throws {
        root = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("uploads", isDirectory: true)
            .standardizedFileURL
        self.limits = limits
        budget = UploadBudget()
        do {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        } catch {
            throw WebSetupError("无法创建上传文件目录 \(root.path)")
        }
        // Files a stopped server was still receiving (an hour old: none is being written now).
        let old = Date().addingTimeInterval(-3600)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: incoming.path)) ?? [] {
            let path = incoming.appendingPathComponent(name).path
            if let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date,
                modified < old
            {
                unlink(path)
            }
        }
    }

    var incoming: URL { root.appendingPathComponent(".incoming", isDirectory: true) }

    /// Accepts a file posted for the attachment field named by `file.name` (a path such as
    /// `photo` or `representative_works[0].file`), in memory or spooled to disk (then moved
    /// into place, never read whole).
    /// - Parameter charge: called with the SHA-256 and size once the file passed every check,
    ///   before it is stored (the per-account quota); what it throws refuses the file.
    /// - Returns: the attachment object `{name, media_type, size, sha256}` for the declaration.
    /// - Throws: `WebError.uploadRefused` (Chinese, naming the field) when the name is not an
    ///   attachment field of `form`, the file is empty, too large or of a type the field does
    ///   not allow; `WebError.internal` when it cannot be written.
    public func accept(
        _ file: MultipartFormData.Part, form: FormDefinition,
        charge: ((_ sha256: String, _ size: Int) throws(WebError) -> Void)? = nil
    ) throws(WebError) -> JSONValue {
        guard let field = form.fieldDefinition(at: file.name),
            case .attachment(let mediaTypes, let maxBytes, _, _, _) = field.type
        else {
            throw .uploadRefused(field: "附件", path: file.name, message: "本表没有可以上传文件的栏目“\(clean(String(file.name.prefix(60))))”。")
        }
        guard let spooled = file.spooled else {
            return try accept(
                file.body, filename: file.filename ?? "", field: field, path: file.name, mediaTypes: mediaTypes,
                maxBytes: maxBytes, charge: charge)
        }
        let (name, type) = try check(
            size: spooled.size, head: spooled.head, filename: file.filename ?? "", field: field, path: file.name,
            mediaTypes: mediaTypes, maxBytes: maxBytes)
        guard spooled.complete else { throw .internal }  // beyond its limit: refused by `check` already
        try charge?(spooled.sha256, spooled.size)
        do {
            try place(spooled)
        } catch {
            throw .internal
        }
        return [
            "name": .string(name), "media_type": .string(type), "size": .number(Double(spooled.size)),
            "sha256": .string(spooled.sha256),
        ]
    }

    /// Accepts `bytes` for `field` (see `accept(_:form:charge:)`).
    public func accept(
        _ bytes: [UInt8], filename: String, field: FieldDefinition, path: String, mediaTypes: [String], maxBytes: Int,
        charge: ((_ sha256: String, _ size: Int) throws(WebError) -> Void)? = nil
    ) throws(WebError) -> JSONValue {
        let (name, type) = try check(
            size: bytes.count, head: Array(bytes.prefix(16)), filename: filename, field: field, path: path,
            mediaTypes: mediaTypes, maxBytes: maxBytes)
        let sha = EventHash.hex(SHA256.hash(data: bytes))
        try charge?(sha, bytes.count)
        do {
            try store(bytes, sha256: sha)
        } catch {
            throw .internal
        }
        return ["name": .string(name), "media_type": .string(type), "size": .number(Double(bytes.count)), "sha256": .string(sha)]
    }

    /// Every check of a file but its storage: size, real type (from `head`, its first bytes),
    /// the extension against the type. - Returns: the name to show and the media type.
    func check(
        size: Int, head: [UInt8], filename: String, field: FieldDefinition, path: String, mediaTypes: [String],
        maxBytes: Int
    ) throws(WebError) -> (name: String, type: String) {
        let label = field.label
        let name = Self.displayName(filename)
        func refuse(_ message: String) -> WebError { .uploadRefused(field: label, path: path, message: message) }
        let allowed = mediaTypes.map(Self.typeName).joined(separator: "、")
        guard size > 0 else { throw refuse("“\(label)”:文件“\(name)”是空文件。") }
        guard size <= maxBytes else {
            throw refuse("“\(label)”:文件“\(name)”大小为\(Self.size(size)),超过了\(Self.size(maxBytes))的上限。")
        }
        guard let type = Self.sniff(head) else {
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
        return (name, type)
    }

    /// Moves a spooled file to its content address (the same content stored already: the
    /// spooled copy is removed).
    func place(_ spooled: SpooledFile) throws {
        guard let target = url(sha256: spooled.sha256), isInside(spooled.url) else { throw WriteError() }
        if FileManager.default.fileExists(atPath: target.path) {
            spooled.discard()
            return
        }
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard rename(spooled.url.path, target.path) == 0 else {
            spooled.discard()
            throw WriteError()
        }
    }

    /// Where the file with this SHA-256 (64 lowercase hex digits) lives; nil for anything else.
    public func url(sha256: String) -> URL? {
        guard let url = AttachmentFolder(root: root).url(sha256: sha256)?.standardizedFileURL else { return nil }
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
        var ok = bytes.withUnsafeBytes { raw in writeAll(fd, raw) }
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

/// What uploads may cost. Bodies are streamed to disk, so these bound disk and time, not memory.
public struct UploadLimits: Sendable, Equatable {
    /// One request's multipart body (the largest file a form allows is 20 MB).
    public var requestBytes: Int
    /// Bodies being received for one account at the same time.
    public var accountInFlightBytes: Int
    /// Bodies being received for everyone at the same time.
    public var globalInFlightBytes: Int
    /// Files and bytes one account may upload in all (each content counted once).
    public var accountQuota: UploadUsage
    /// Free space the uploads' file system keeps: a request that could eat into it is refused.
    public var diskReserveBytes: Int

    public init(
        requestBytes: Int = 32 << 20, accountInFlightBytes: Int = 64 << 20, globalInFlightBytes: Int = 512 << 20,
        accountQuota: UploadUsage = UploadUsage(files: 300, bytes: 1 << 30), diskReserveBytes: Int = 256 << 20
    ) {
        self.requestBytes = requestBytes
        self.accountInFlightBytes = accountInFlightBytes
        self.globalInFlightBytes = globalInFlightBytes
        self.accountQuota = accountQuota
        self.diskReserveBytes = diskReserveBytes
    }
}

/// The bytes being received now, per account and in all: a request reserves its declared
/// length (or the request limit) before its body is read, and gives it back when done.
final class UploadBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var perAccount: [Int64: Int] = [:]

    enum Refusal: Equatable { case account, server }

    /// Reserves `bytes` for `account`, or says which limit is full.
    func reserve(_ bytes: Int, account: Int64, limits: UploadLimits) -> Refusal? {
        lock.withLock {
            let mine = perAccount[account, default: 0]
            if mine + bytes > limits.accountInFlightBytes { return .account }
            if total + bytes > limits.globalInFlightBytes { return .server }
            perAccount[account] = mine + bytes
            total += bytes
            return nil
        }
    }

    func release(_ bytes: Int, account: Int64) {
        lock.withLock {
            total -= bytes
            let left = perAccount[account, default: 0] - bytes
            perAccount[account] = left > 0 ? left : nil
        }
    }

    var inFlight: Int { lock.withLock { total } }
}

extension UploadStore {
    /// Free bytes of the uploads' file system for an unprivileged writer; nil when unknown.
    func freeBytes() -> Int? {
        var info = statvfs()
        guard statvfs(root.path, &info) == 0 else { return nil }
        return Int(info.f_bavail) &* Int(info.f_frsize)
    }
}

extension MultipartFormData {
    /// Reads a multipart request's body as it arrives, files written to `uploads/.incoming/`
    /// (`uploads` nil: kept in memory, for servers without a data folder), within the limits of
    /// `uploads.limits`: a declared length beyond the request limit is refused before anything
    /// is read; the declared length (or the limit) is reserved from the account's and the
    /// server's in-flight budgets and the disk's free space, else the request is refused at
    /// once (503, nothing read); a file beyond its field's limit stops being written.
    ///
    /// Call it only after the CSRF token was checked (`SessionMiddleware` takes it from the
    /// query string for multipart bodies) and call `discardSpooled()` when done.
    /// - Throws: `WebError.payloadTooLarge`, `.busy`, `.badRequest` for a malformed body.
    public static func receive(
        _ request: Request, contentType: String, uploads: UploadStore?, accountID: Int64, form: FormDefinition
    ) async throws -> MultipartFormData {
        let limits = uploads?.limits ?? UploadLimits()
        let boundary = try boundary(contentType: contentType)
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > limits.requestBytes { throw WebError.payloadTooLarge }
        let reserved = max(0, min(declared ?? limits.requestBytes, limits.requestBytes))
        var spool: FileSpool?
        if let uploads {
            switch uploads.budget.reserve(reserved, account: accountID, limits: limits) {
            case .account?:
                throw WebError.busy(message: "您有其他文件正在上传，请等它完成后再提交。本次提交未保存。", retryAfter: 10)
            case .server?:
                throw WebError.busy(message: "同时上传文件的人数较多，请稍后再试。本次提交未保存。", retryAfter: 30)
            case nil: break
            }
            if let free = uploads.freeBytes(), free - uploads.budget.inFlight < limits.diskReserveBytes {
                uploads.budget.release(reserved, account: accountID)
                throw WebError.busy(message: "服务器存储空间不足，暂时不能上传文件，请稍后再试或联系职改办。本次提交未保存。", retryAfter: 300)
            }
            spool = FileSpool(folder: uploads.incoming) { name in
                guard let field = form.fieldDefinition(at: name), case .attachment(_, let maxBytes, _, _, _) = field.type
                else { return nil }
                return maxBytes
            }
        }
        defer { if let uploads { uploads.budget.release(reserved, account: accountID) } }
        var parserLimits = Limits.standard
        parserLimits.bytes = limits.requestBytes
        var parser = MultipartParser(boundary: boundary, limits: parserLimits, spool: spool)
        do {
            for try await chunk in request.body {
                try parser.feed(chunk.readableBytesView)
            }
            return try parser.finish()
        } catch {
            parser.abandon()
            throw error
        }
    }
}

/// The files of one posted form, accepted one by one for one account: each within its field's
/// count limit (the files the draft holds plus those accepted in this post) and the account's
/// quota, so neither can be passed by uploading again and again.
///
/// ```swift
/// var batch = UploadBatch(uploads: uploads, store: store, form: form, stored: draft, accountID: id, now: now)
/// for file in multipart.files { attachments.append((file.name, try batch.accept(file))) }
/// ```
public struct UploadBatch {
    let uploads: UploadStore?
    let store: EventStore
    let form: FormDefinition
    let stored: JSONValue
    let accountID: Int64
    let now: Date
    var added: [String: Int] = [:]

    public init(
        uploads: UploadStore?, store: EventStore, form: FormDefinition, stored: JSONValue, accountID: Int64, now: Date
    ) {
        self.uploads = uploads
        self.store = store
        self.form = form
        self.stored = stored
        self.accountID = accountID
        self.now = now
    }

    /// - Throws: `WebError.uploadRefused` (a problem for the field) beyond the field's count or
    ///   the account's quota, and for everything `UploadStore.accept` refuses.
    public mutating func accept(_ file: MultipartFormData.Part) throws(WebError) -> JSONValue {
        guard let uploads else { throw .internal }
        if let field = form.fieldDefinition(at: file.name), case .attachment = field.type,
            let limits = form.countLimits(of: field, in: stored.object ?? [:]), let steps = FormPath.steps(file.name)
        {
            let existing = (stored.value(at: steps)?.array?.count ?? 0) + added[file.name, default: 0]
            guard existing < limits.max else {
                throw .uploadRefused(
                    field: field.label, path: file.name,
                    message: "“\(field.label)”最多上传\(limits.max)个文件，已有\(existing)个；文件“\(UploadStore.displayName(file.filename ?? ""))”未上传。请先删除不需要的文件再上传。"
                )
            }
        }
        let store = self.store
        let accountID = accountID
        let quota = uploads.limits.accountQuota
        let now = now
        let label = form.fieldDefinition(at: file.name)?.label ?? "附件"
        let attachment = try uploads.accept(file, form: form) { sha, size throws(WebError) in
            let charged: Bool
            do {
                charged = try store.chargeUpload(accountID: accountID, sha256: sha, size: size, quota: quota, now: now)
            } catch {
                throw .internal
            }
            guard charged else {
                throw .uploadRefused(
                    field: label, path: file.name,
                    message: "您的账户上传的文件已达上限（共\(quota.files)个文件、\(UploadStore.size(quota.bytes))），文件“\(UploadStore.displayName(file.filename ?? ""))”未上传。如确需上传更多材料，请联系职改办。"
                )
            }
        }
        added[file.name, default: 0] += 1
        return attachment
    }
}
