import Domain

/// One file a declaration lists (an attachment's metadata; the bytes live in the upload store).
public struct DeclaredFile: Sendable, Equatable, Hashable {
    /// The field the file belongs to (`photo`, `other_materials`, `papers[0].file` …).
    public var path: String
    /// What the file is (the field's label, 材料类别).
    public var label: String
    public var name: String
    public var mediaType: String
    public var size: Int
    public var sha256: String

    /// `PDF`, `JPEG`, `PNG` … — the format as a reader names it.
    public var format: String { Self.formatName(mediaType) }

    /// The format of a media type as a reader names it.
    public static func formatName(_ mediaType: String) -> String {
        switch mediaType {
        case "application/pdf": "PDF"
        case "image/jpeg": "JPEG"
        case "image/png": "PNG"
        case "application/vnd.oasis.opendocument.text": "ODT"
        default: mediaType.split(separator: "/").last.map { $0.uppercased() } ?? mediaType
        }
    }

    /// `293 KB`, `1.2 MB`.
    public var sizeText: String { DeclarationText.size(size) }
}

/// One heading of a declaration as a reader sees it: labelled lines in the form's order.
public struct DeclarationSection: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var label: String
        /// The value as printed: a choice's label, 是/否, every item of a group on its own line.
        public var value: String
        /// The field's id (`education` for every row of that group).
        public var field: String

        public init(label: String, value: String, field: String) {
            self.label = label
            self.value = value
            self.field = field
        }
    }
    public var title: String
    public var rows: [Row]

    public init(title: String, rows: [Row]) {
        self.title = title
        self.rows = rows
    }
}

/// A declaration laid out for reading: the sections of its form with every non-empty answer,
/// the files it lists and the photo. The one place that turns stored data into the labelled
/// text every reviewer, document and archive shows.
public struct DeclarationPresentation: Sendable, Equatable {
    public var sections: [DeclarationSection]
    public var files: [DeclaredFile]
    /// The first file of the `photo` field, if any.
    public var photo: DeclaredFile?

    public init(sections: [DeclarationSection], files: [DeclaredFile], photo: DeclaredFile?) {
        self.sections = sections
        self.files = files
        self.photo = photo
    }

    /// Every printed value (for checks that a document shows them all).
    public var values: [String] { sections.flatMap { $0.rows.map(\.value) } }
}

/// How answers are written out for readers (shared by the presentation and the generator's checks).
public enum DeclarationText {
    public static func size(_ bytes: Int) -> String {
        if bytes >= 1_048_576 {
            let tenths = (bytes * 10 + 524_288) / 1_048_576
            return "\(tenths / 10).\(tenths % 10) MB"
        }
        return "\(max(1, (bytes + 512) / 1024)) KB"
    }

    public static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}

extension FormDefinition {
    /// The declaration in sections, every non-empty answer labelled by the form.
    ///
    /// ```swift
    /// let shown = form.present(data)
    /// shown.sections.first?.title   // 基本信息
    /// shown.files.map(\.name)       // ["photo.jpg", "证明.pdf"]
    /// ```
    public func present(_ data: JSONValue) -> DeclarationPresentation {
        var files: [DeclaredFile] = []
        var sections: [DeclarationSection] = []
        for (title, fields) in self.sections {
            var rows: [DeclarationSection.Row] = []
            for field in fields {
                guard let value = data[field.id] else { continue }
                switch field.type {
                case .group(let inner, _, _, _):
                    for (i, item) in (value.array ?? []).enumerated() {
                        var lines: [String] = []
                        for f in inner {
                            guard let v = item[f.id] else { continue }
                            if case .attachment = f.type {
                                let listed = Self.files(v, path: "\(field.id)[\(i)].\(f.id)", label: f.label)
                                files += listed
                                if !listed.isEmpty {
                                    lines.append("\(f.label)：" + listed.map(Self.fileLine).joined(separator: "；"))
                                }
                            } else if let text = text(of: f, value: v) {
                                lines.append("\(f.label)：\(text)")
                            }
                        }
                        if !lines.isEmpty {
                            rows.append(.init(label: "\(field.label) \(i + 1)", value: lines.joined(separator: "\n"), field: field.id))
                        }
                    }
                case .attachment:
                    let listed = Self.files(value, path: field.id, label: field.label)
                    files += listed
                    if !listed.isEmpty {
                        rows.append(
                            .init(label: field.label, value: listed.map(Self.fileLine).joined(separator: "\n"), field: field.id))
                    }
                default:
                    if let text = text(of: field, value: value) {
                        rows.append(.init(label: field.label, value: text, field: field.id))
                    }
                }
            }
            if !rows.isEmpty { sections.append(DeclarationSection(title: title, rows: rows)) }
        }
        return DeclarationPresentation(
            sections: sections, files: files, photo: files.first { $0.path == "photo" })
    }

    /// One answer as its reader sees it; nil when empty.
    public func text(of field: FieldDefinition, value: JSONValue) -> String? {
        switch (field.type, value) {
        case (.choice(let options), .string(let s)):
            return s.isEmpty ? nil : options.first { $0.value == s }?.label ?? s
        case (_, .string(let s)): return s.isEmpty ? nil : s
        case (_, .number(let d)): return DeclarationText.number(d)
        case (_, .bool(let b)): return b ? "是" : "否"
        default: return nil
        }
    }

    static func files(_ value: JSONValue, path: String, label: String) -> [DeclaredFile] {
        (value.array ?? []).compactMap { f in
            guard let name = f["name"]?.string else { return nil }
            return DeclaredFile(
                path: path, label: label, name: name, mediaType: f["media_type"]?.string ?? "",
                size: Int(f["size"]?.number ?? 0), sha256: f["sha256"]?.string ?? "")
        }
    }

    static func fileLine(_ f: DeclaredFile) -> String { "\(f.name)（\(f.format)，\(f.sizeText)）" }
}
