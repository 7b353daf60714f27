import Domain
import Forms
import Foundation

/// A posted declaration form read back into the declaration `JSONValue`, guided by the form
/// definition, with the button the applicant pressed applied.
///
/// - Inputs are named by their paths (`papers[0].title`, see `FormView`); names the form does
///   not know are ignored.
/// - Empty inputs are absent; text is trimmed (newlines kept, other control characters
///   dropped); numbers are parsed (full-width digits accepted); a checked box is `true`, an
///   unchecked one `false` when the field is required and absent otherwise.
/// - Input that cannot be read (`abc` in a number field) is kept as the string typed, so the
///   page shows it again, with a Chinese problem on its path (`problems`).
/// - Rows of a group come from the posted indices (each row carries a hidden marker input);
///   attachments are never read from the client: they come from `stored` (the saved draft)
///   plus `uploads` (files just accepted by `UploadStore`).
///
/// ```swift
/// let pairs = try URLEncodedForm.parse(body)            // or multipart.fields
/// var uploads: [(path: String, attachment: JSONValue)] = []
/// for file in multipart.files { uploads.append((file.name, try store.accept(file, form: form))) }
/// let submission = FormSubmission(form: form, pairs: pairs, stored: draft, uploads: uploads)
/// // (SessionMiddleware has checked `_csrf` already; `submission.csrfToken` is the posted one.)
/// save(submission.data)
/// let problems = submission.problems(includingValidation: submission.action == .submit)
/// ```
public struct FormSubmission: Sendable {
    /// The button pressed.
    public enum Action: Sendable, Equatable {
        /// 保存草稿 (also Enter in a text field, and any unknown `_action`).
        case save
        /// 提交申报.
        case submit
        /// 添加一行 to the group at the path.
        case addRow(group: String)
        /// 删除 the row at the index of the group at the path.
        case removeRow(group: String, index: Int)
        /// 删除 the file at the index of the attachment field at the path.
        case removeFile(field: String, index: Int)

        /// Reads `save`, `submit`, `add:<path>`, `remove:<path>:<i>`, `remove-file:<path>:<i>`.
        public init(_ text: String?) {
            guard let text, let colon = text.firstIndex(of: ":") else {
                self = text == "submit" ? .submit : .save
                return
            }
            let verb = text[..<colon]
            let rest = String(text[text.index(after: colon)...])
            func pathAndIndex() -> (String, Int)? {
                guard let last = rest.lastIndex(of: ":"), let i = Int(rest[rest.index(after: last)...]), i >= 0,
                    i <= FormPath.maximumIndex
                else { return nil }
                return (String(rest[..<last]), i)
            }
            switch verb {
            case "add": self = .addRow(group: rest)
            case "remove": self = pathAndIndex().map { .removeRow(group: $0.0, index: $0.1) } ?? .save
            case "remove-file": self = pathAndIndex().map { .removeFile(field: $0.0, index: $0.1) } ?? .save
            default: self = .save
            }
        }
    }

    public let form: FormDefinition
    /// The declaration as posted (a draft: possibly incomplete or invalid).
    public private(set) var data: JSONValue
    /// Input that could not be read (numbers) and refused row actions, in Chinese.
    public private(set) var inputProblems: [Problem] = []
    public let action: Action
    /// The posted `_csrf` value, for the caller to compare with the session's.
    public let csrfToken: String?

    /// - Parameters:
    ///   - form: the form the page was rendered from.
    ///   - pairs: the posted fields (`URLEncodedForm.parse` or `MultipartFormData.fields`).
    ///   - stored: the draft saved before this post: attachments are taken from it.
    ///   - uploads: attachment objects (`UploadStore.accept`) to append at their field paths.
    public init(
        form: FormDefinition, pairs: [FormPair], stored: JSONValue = .object([:]),
        uploads: [(path: String, attachment: JSONValue)] = []
    ) {
        self.form = form
        var values: [String: [String]] = [:]
        for pair in pairs { values[pair.name, default: []].append(pair.value) }
        csrfToken = values["_csrf"]?.last
        action = Action(values["_action"]?.last)

        var reader = Reader(form: form, values: values, names: pairs.map(\.name), stored: stored)
        var object: [String: JSONValue] = [:]
        for key in [FormDefinition.levelField, FormDefinition.trackField] {
            if let s = reader.text(key, multiline: false) { object[key] = .string(s) }
        }
        // Requiredness of booleans depends on the other values: read them first.
        var booleans: [(FieldDefinition, String)] = []
        for field in form.fields {
            if case .boolean = field.type {
                booleans.append((field, field.id))
            } else if let v = reader.value(field, path: field.id) {
                object[field.id] = v
            }
        }
        for (field, path) in booleans {
            if let v = reader.boolean(path, required: form.isRequired(field, in: object)) { object[field.id] = v }
        }
        data = .object(object)
        inputProblems = reader.problems
        for upload in uploads { attach(upload.attachment, at: upload.path) }
        apply(action)
    }

    /// Reads a posted declaration form, either encoding: a multipart body's files are accepted
    /// into `uploads` and attached; a refused file becomes a problem on its field (the page
    /// shows it there), not an error.
    ///
    /// ```swift
    /// let body = try await request.body.collect(upTo: context.maxUploadSize)
    /// let submission = try FormSubmission.read(
    ///     body: Array(body.readableBytesView), contentType: request.headers[.contentType] ?? "",
    ///     form: form, stored: draft, uploads: uploadStore)
    /// ```
    /// - Throws: `WebError` for a malformed or oversized body or another content type;
    ///   `.internal` when a file cannot be written.
    public static func read(
        body: [UInt8], contentType: String, form: FormDefinition, stored: JSONValue, uploads: UploadStore
    ) throws(WebError) -> FormSubmission {
        let type = HeaderValue.parse(contentType).0
        var pairs: [FormPair]
        var accepted: [(path: String, attachment: JSONValue)] = []
        var refused: [Problem] = []
        switch type {
        case "multipart/form-data":
            let multipart = try MultipartFormData.parse(body, contentType: contentType)
            pairs = multipart.fields
            for file in multipart.files {
                do {
                    accepted.append((file.name, try uploads.accept(file, form: form)))
                } catch {
                    guard let problem = error.problem else { throw error }
                    refused.append(problem)
                }
            }
        case "application/x-www-form-urlencoded", "":
            pairs = try URLEncodedForm.parse(body)
        default:
            throw .badRequest(field: "表单", message: "不支持的提交格式(\(String(type.prefix(60))))。")
        }
        var submission = FormSubmission(form: form, pairs: pairs, stored: stored, uploads: accepted)
        submission.inputProblems = refused + submission.inputProblems
        return submission
    }

    /// The element the re-rendered page should show first (an id for a URL fragment, e.g. a
    /// redirect to `/apply/…#f-papers-1`): the new row, the group a row left, the attachment
    /// field a file left, the first input problem; nil after a plain save or submit.
    public var anchor: String? {
        switch action {
        case .addRow(let path):
            let count = FormPath.steps(path).flatMap { data.value(at: $0)?.array?.count } ?? 0
            return FormPath.inputID(count > 0 ? "\(path)[\(count - 1)]" : path)
        case .removeRow(let path, _): return FormPath.inputID(path)
        case .removeFile(let path, _): return FormPath.inputID(path)
        case .save, .submit: return inputProblems.first.map { FormPath.inputID($0.path) }
        }
    }

    /// The problems to show: the input problems and, when `includingValidation`, the form's
    /// validation (except where an input problem already explains the path).
    public func problems(includingValidation: Bool) -> [Problem] {
        guard includingValidation else { return inputProblems }
        let explained = Set(inputProblems.map(\.path))
        return inputProblems + form.validate(data).problems.filter { !explained.contains($0.path) }
    }

    // MARK: attachments and actions

    mutating func attach(_ attachment: JSONValue, at path: String) {
        guard let steps = FormPath.steps(path), case .attachment? = form.fieldDefinition(at: path)?.type else { return }
        var list = data.value(at: steps)?.array ?? []
        list.append(attachment)
        if !data.set(.array(list), at: steps) {
            inputProblems.append(Problem(path: path, rule: "upload.row", message: "上传文件所属的行不存在,请先添加该行"))
        }
    }

    mutating func apply(_ action: Action) {
        switch action {
        case .save, .submit: break
        case .addRow(let path):
            guard let field = form.fieldDefinition(at: path), case .group = field.type, let steps = FormPath.steps(path)
            else { return }
            var rows = data.value(at: steps)?.array ?? []
            let limits = form.countLimits(of: field, in: data.object ?? [:]) ?? (0, FormLimits.defaultGroupMax)
            guard rows.count < limits.max else {
                inputProblems.append(Problem(path: path, rule: "group.count", message: "“\(field.label)”最多填写\(limits.max)项"))
                return
            }
            rows.append(.object([:]))
            data.set(.array(rows), at: steps)
        case .removeRow(let path, let index):
            guard let field = form.fieldDefinition(at: path), case .group = field.type, let steps = FormPath.steps(path),
                var rows = data.value(at: steps)?.array, rows.indices.contains(index)
            else { return }
            let limits = form.countLimits(of: field, in: data.object ?? [:]) ?? (0, FormLimits.defaultGroupMax)
            guard rows.count > limits.min else {
                inputProblems.append(Problem(path: path, rule: "group.count", message: "“\(field.label)”至少填写\(limits.min)项"))
                return
            }
            rows.remove(at: index)
            data.set(rows.isEmpty ? nil : .array(rows), at: steps)
        case .removeFile(let path, let index):
            guard let field = form.fieldDefinition(at: path), case .attachment = field.type,
                let steps = FormPath.steps(path), var files = data.value(at: steps)?.array, files.indices.contains(index)
            else { return }
            files.remove(at: index)
            data.set(files.isEmpty ? nil : .array(files), at: steps)
        }
    }
}

/// Reads posted values for fields, collecting the problems of unreadable input.
private struct Reader {
    let form: FormDefinition
    let values: [String: [String]]
    /// Every posted name in order (to find the rows of groups).
    let names: [String]
    let stored: JSONValue
    var problems: [Problem] = []

    init(form: FormDefinition, values: [String: [String]], names: [String], stored: JSONValue) {
        self.form = form
        self.values = values
        self.names = names
        self.stored = stored
    }

    /// The last posted value for `path`, cleaned and trimmed; nil when absent or empty.
    func text(_ path: String, multiline: Bool) -> String? {
        guard let raw = values[path]?.last else { return nil }
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for u in raw.unicodeScalars {
            defer { previousCR = u == "\r" }
            if u == "\r" {
                scalars.append(multiline ? "\n" : " ")
            } else if u == "\n" {
                if !previousCR { scalars.append(multiline ? "\n" : " ") }
            } else if u == "\t" {
                scalars.append(multiline ? "\t" : " ")
            } else if u.properties.generalCategory == .control || u.value == 0xFFFE || u.value == 0xFFFF {
                continue
            } else {
                scalars.append(u)
            }
        }
        let trimmed = String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    func boolean(_ path: String, required: Bool) -> JSONValue? {
        if let v = values[path]?.last, v == "true" || v == "on" { return .bool(true) }
        return required ? .bool(false) : nil
    }

    /// The value of `field` posted under `path`; problems are reported at `reportPath` (the
    /// path the value will have once rows are renumbered).
    mutating func value(_ field: FieldDefinition, path: String, reportPath: String? = nil, label: String? = nil)
        -> JSONValue?
    {
        let label = label ?? field.label
        let reportPath = reportPath ?? path
        switch field.type {
        case .text(_, let maxLength):
            return text(path, multiline: maxLength > FormView.textareaThreshold).map { .string($0) }
        case .date, .choice, .phone, .email:
            return text(path, multiline: false).map { .string($0) }
        case .residentID, .creditCode:
            return text(path, multiline: false).map { .string($0.uppercased()) }
        case .number:
            guard let s = text(path, multiline: false) else { return nil }
            if let d = Self.number(s) { return .number(d) }
            problems.append(
                Problem(path: reportPath, rule: "input.number", message: "“\(label)”应填写数字,“\(Self.bounded(s))”不是有效的数字"))
            return .string(s)
        case .boolean:
            return boolean(path, required: field.required)
        case .attachment:
            guard let steps = FormPath.steps(path), case .array(let files)? = stored.value(at: steps), !files.isEmpty else {
                return nil
            }
            return .array(files)
        case .group(let children, _, _, _):
            let rows = rowIndices(path)
            guard !rows.isEmpty else { return nil }
            let top = stored.object ?? [:]
            return .array(
                rows.enumerated().map { k, i in
                    let rowPath = "\(path)[\(i)]"
                    var row: [String: JSONValue] = [:]
                    for child in children {
                        let childPath = "\(rowPath).\(child.id)"
                        if case .boolean = child.type {
                            let required = child.required || child.requiredWhen?.holds(in: top) == true
                            if let v = boolean(childPath, required: required) { row[child.id] = v }
                        } else if let v = value(
                            child, path: childPath, reportPath: "\(reportPath)[\(k)].\(child.id)",
                            label: "\(field.label)第\(k + 1)项·\(child.label)")
                        {
                            row[child.id] = v
                        }
                    }
                    return .object(row)
                })
        }
    }

    /// The row indices posted for the group at `path`, ascending; stored rows keep their
    /// attachments by index, so indices are not renumbered until the rows are built.
    func rowIndices(_ path: String) -> [Int] {
        var found = Set<Int>()
        let prefix = path + "["
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let close = rest.firstIndex(of: "]"), let i = Int(rest[..<close]), i >= 0, i <= FormPath.maximumIndex
            else { continue }
            found.insert(i)
        }
        return found.sorted()
    }

    /// A decimal number: ASCII or full-width digits, optional sign, point and thousands commas.
    static func number(_ s: String) -> Double? {
        var ascii = ""
        for u in s.unicodeScalars {
            switch u.value {
            case 0xFF10...0xFF19: ascii.unicodeScalars.append(Unicode.Scalar(u.value - 0xFF10 + 0x30)!)
            case 0xFF0E, 0x3002: ascii += "."  // ．and 。typed by an input method
            case 0xFF0D: ascii += "-"
            case 0x2C, 0xFF0C: continue  // thousands separators
            default: ascii.unicodeScalars.append(u)
            }
        }
        guard ascii.wholeMatch(of: #/[-+]?[0-9]+(\.[0-9]+)?/#) != nil, let d = Double(ascii), d.isFinite else { return nil }
        return d
    }

    static func bounded(_ s: String) -> String { s.count > 30 ? String(s.prefix(30)) + "…" : s }
}
