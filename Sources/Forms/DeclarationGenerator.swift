import Domain
import Foundation

/// A complete, valid declaration for any form, generated deterministically from a seed: every
/// field the chosen level and track show is filled (fields of other tracks stay empty, as a
/// real applicant leaves them), groups get two rows, attachments small real files. The demo
/// season declares with it, and tests put every shipped form through the whole chain with it.
///
/// ```swift
/// let generated = DeclarationGenerator.declaration(
///     form: form, level: .intermediate, track: .normal, applicant: who, on: Day("2026-03-02")!, seed: 7)
/// form.validate(generated.data).isValid   // true
/// generated.files                          // sha256 → bytes of the photo and each attachment
/// ```
public enum DeclarationGenerator {
    /// Who declares (the registry's facts; the generator fills in the rest).
    public struct Applicant: Sendable {
        public var name: String
        public var residentID: ResidentID
        public var unitName: String
        public var creditCode: String
        /// A `unit_kind` option (`public-institution`, `private-enterprise` …).
        public var unitKind: String

        public init(name: String, residentID: ResidentID, unitName: String, creditCode: String, unitKind: String) {
            self.name = name
            self.residentID = residentID
            self.unitName = unitName
            self.creditCode = creditCode
            self.unitKind = unitKind
        }
    }

    public struct Generated: Sendable {
        public var data: JSONValue
        /// The content of every file the data lists, by SHA-256 (hex).
        public var files: [String: [UInt8]]
    }

    public static func declaration(
        form: FormDefinition, level: Level, track: Track, applicant: Applicant, on day: Day, seed: UInt64
    ) -> Generated {
        var g = Filler(form: form, day: day, rng: SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1))
        var data: [String: JSONValue] = [
            FormDefinition.levelField: .string(level.rawValue), FormDefinition.trackField: .string(track.rawValue),
        ]
        let id = applicant.residentID
        let known: [String: JSONValue] = [
            "name": .string(applicant.name), "gender": .string(id.isMale ? "male" : "female"),
            "birth_date": .string(id.birthDate.description), "id_number": .string(id.value),
            "unit_name": .string(applicant.unitName), "unit_credit_code": .string(applicant.creditCode),
            "unit_kind": .string(applicant.unitKind),
            "phone": .string("139\(String(format: "%08d", Int(g.next(99_999_999))))"),
            "email": .string("applicant\(g.next(9999))@example.cn"),
            "work_location": "urban",
        ]
        for (k, v) in known where form.field(k) != nil { data[k] = v }
        // Degree, schooling and the title held: enough for the eligibility rules of every level.
        if let f = form.field("highest_degree"), case .choice(let options) = f.type {
            let best = ["master", "bachelor", "college", "none"].first { v in options.contains { $0.value == v } }
            if let best { data["highest_degree"] = .string(best) }
        }
        // (Where the two lowest levels share a name — 助教, 助理讲师 … — the entry level holds no title yet.)
        if let lower = level.lower, form.field("current_title") != nil,
            TitleNames.title(form.series, lower) != TitleNames.title(form.series, level)
        {
            data["current_title"] = .string(TitleNames.title(form.series, lower))
            data["current_title_date"] = .string(day.adding(years: -6).adding(days: -40).description)
        }
        // Fill in form order until nothing more is required (a choice may require more fields).
        for _ in 0..<4 {
            var changed = false
            for field in form.fields where data[field.id] == nil && form.isVisible(field, in: data) {
                let shown = form.isRequired(field, in: data) || (field.requiredWhen == nil && field.section != "申报通道")
                guard shown, let value = g.value(field, data: data, index: 0) else { continue }
                data[field.id] = value
                changed = true
            }
            // Groups filled before a choice raised their minimum get more rows.
            for field in form.fields {
                guard let limits = form.countLimits(of: field, in: data), let rows = data[field.id]?.array,
                    rows.count < limits.min, let more = g.value(field, data: data, index: 0, count: limits.min)
                else { continue }
                data[field.id] = more
                changed = true
            }
            if !changed { break }
        }
        return Generated(data: .object(data), files: g.files)
    }

    /// The per-field filler: values by type, a few well-known fields by meaning.
    struct Filler {
        let form: FormDefinition
        let day: Day
        var rng: SeededGenerator
        var files: [String: [UInt8]] = [:]

        mutating func next(_ bound: UInt64) -> UInt64 { rng.next() % (bound + 1) }

        static let words: [String: [String]] = [
            "school": ["河南理工大学", "郑州大学", "焦作大学", "河南师范大学", "华北水利水电大学"],
            "major": ["机械工程", "计算机科学与技术", "电气工程及其自动化", "土木工程", "汉语言文学", "临床医学"],
            "unit": ["焦作市建设工程有限公司", "焦作市第一中学", "焦作市人民医院", "焦作市农业科学研究院"],
            "position": ["技术员", "项目负责人", "教研组长", "主治医师", "技术科科长"],
            "duties": ["负责项目技术方案设计与实施", "承担教学与教研工作", "负责设备运行维护与技术改造"],
            "journal": ["河南科技", "中国教育学刊", "中华医学杂志", "农业工程学报"],
            "source": ["企业自立", "市科技局", "省科技厅"],
            "title": ["智能产线关键部件设计研究", "县域教学质量提升实践", "设备能耗优化方法"],
            "name": ["智能产线改造", "城区供水管网升级", "校本课程建设", "基层医疗服务提升"],
        ]

        /// A plausible text for a field, at least `minimum` and at most `maximum` characters.
        mutating func text(_ field: FieldDefinition, minimum: Int, maximum: Int, index: Int) -> String {
            var base: String
            if let list = Self.words[field.id] {
                base = list[Int(next(UInt64(list.count - 1)))]
            } else if maximum <= 40 {
                base = "\(field.label)\(index + 1)"
            } else {
                base = "\(field.label)：围绕本专业岗位开展工作，完成相关任务并取得实效（第\(index + 1)项）。"
            }
            let filler = "本人立足岗位，持续开展专业技术工作，注重解决实际问题，成果应用良好。"
            while base.count < minimum { base += filler }
            return String(base.prefix(maximum))
        }

        mutating func value(_ field: FieldDefinition, data: [String: JSONValue], index: Int, count: Int? = nil)
            -> JSONValue?
        {
            switch field.type {
            case .text(let minimum, let maximum):
                return .string(text(field, minimum: minimum, maximum: maximum, index: index))
            case .number(let minimum, let maximum, let integer):
                let low = minimum ?? 1
                let high = maximum ?? (low + 100)
                let v = low + Double(next(UInt64(max(0, min(high - low, 50)))))
                return .number(integer ? v.rounded(.down) : v)
            case .date(let notBefore):
                if let sibling = notBefore, let start = data[sibling]?.string.flatMap({ Day($0) }) {
                    return .string(min(start.adding(years: 3), day.adding(days: -30)).description)
                }
                return .string(day.adding(years: -(5 + index)).adding(days: -Int(next(200))).description)
            case .choice(let options):
                guard !options.isEmpty else { return nil }
                return .string(options[Int(next(UInt64(options.count - 1)))].value)
            case .boolean:
                return .bool(false)
            case .residentID:
                return .string(ResidentID.make(region: "410802", birth: day.adding(years: -35), sequence: index).value)
            case .creditCode:
                return .string(CreditCode.completing("91410800MA44T\(String(format: "%04d", Int(next(9999))))") ?? "")
            case .phone:
                return .string("139\(String(format: "%08d", Int(next(99_999_999))))")
            case .email:
                return .string("user\(next(9999))@example.cn")
            case .group(let inner, _, _, _):
                let limits = form.countLimits(of: field, in: data) ?? (0, 2)
                let n = max(limits.min, min(count ?? 2, limits.max))
                var rows: [JSONValue] = []
                for i in 0..<n {
                    var row: [String: JSONValue] = [:]
                    // Rows of a history run back in time, one after another.
                    for f in inner where f.required || f.requiredWhen == nil {
                        if f.id == "degree", let degree = data["highest_degree"]?.string, i == 0 {
                            row[f.id] = .string(degree)
                        } else if f.id == "start_date" {
                            row[f.id] = .string(day.adding(years: -(14 - 4 * i)).adding(days: -Int(next(100))).description)
                        } else if let v = value(f, data: row, index: i) {
                            row[f.id] = v
                        }
                    }
                    rows.append(.object(row))
                }
                return .array(rows)
            case .attachment(let types, let maxBytes, _, _, _):
                let limits = form.countLimits(of: field, in: data) ?? (0, 1)
                let n = max(limits.min, min(1, limits.max))
                guard n > 0 else { return nil }
                var list: [JSONValue] = []
                for i in 0..<n {
                    let png = types.contains("image/png") && !types.contains("application/pdf")
                    let label = "\(field.label)\(n > 1 ? String(i + 1) : "")"
                    let (bytes, sha) = png ? SmallFiles.cachedPNG(seed: next(255)) : SmallFiles.cachedPDF(text: label)
                    guard bytes.count <= maxBytes else { return nil }
                    files[sha] = bytes
                    list.append([
                        "name": .string(label + (png ? ".png" : ".pdf")),
                        "media_type": .string(png ? "image/png" : "application/pdf"),
                        "size": .number(Double(bytes.count)), "sha256": .string(sha),
                    ])
                }
                return .array(list)
            }
        }
    }
}

/// Small real files for generated declarations: a one-page PDF and a solid-colour PNG.
enum SmallFiles {
    /// Made once per process: a declaration's PNG has one of 255 seeds and a PDF is its field's
    /// label, so a season of 20,000 declarations asks for a few hundred distinct files (making
    /// each anew was half the demo's workflow time). The same bytes and SHA-256 as `png`/`pdf`.
    private static let made = MadeFiles()

    static func cachedPNG(seed: UInt64) -> (bytes: [UInt8], sha256: String) {
        made.file("png:\(seed)") { png(seed: seed) }
    }

    static func cachedPDF(text: String) -> (bytes: [UInt8], sha256: String) {
        made.file("pdf:" + text) { pdf(text: text) }
    }

    private final class MadeFiles: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [String: (bytes: [UInt8], sha256: String)] = [:]

        func file(_ key: String, make: () -> [UInt8]) -> (bytes: [UInt8], sha256: String) {
            lock.lock()
            defer { lock.unlock() }
            if let hit = files[key] { return hit }
            let bytes = make()
            let made = (bytes: bytes, sha256: SHA256Digest.hex(of: bytes))
            if files.count < 4096 { files[key] = made }
            return made
        }
    }

    /// A valid one-page PDF (ASCII text only in the page; the name stays in the file list).
    static func pdf(text: String) -> [UInt8] {
        let ascii = "Pingshen attachment " + SHA256Digest.hex(of: text).prefix(16)
        let stream = "BT /F1 12 Tf 72 720 Td (\(ascii)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    /// A 90 × 120 solid-colour RGB PNG (an ID-photo placeholder), deflate with stored blocks.
    static func png(seed: UInt64) -> [UInt8] {
        let width = 90, height = 120
        let colour: [UInt8] = [UInt8(120 + seed % 100), UInt8(140 + seed % 80), 200]
        var raw: [UInt8] = []
        for _ in 0..<height {
            raw.append(0)
            for _ in 0..<width { raw += colour }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var i = 0
        while i < raw.count {
            let n = min(65_535, raw.count - i)
            let last: UInt8 = i + n == raw.count ? 1 : 0
            zlib += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[i..<(i + n)]
            i += n
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += be32((b << 16) | a)
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        out += chunk("IDAT", zlib)
        out += chunk("IEND", [])
        return out
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return be32(UInt32(data.count)) + body + be32(~crc)
    }
}
