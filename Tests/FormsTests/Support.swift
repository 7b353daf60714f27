import Domain
import Foundation
import Testing

@testable import Forms

/// Paths and sample data shared by the Forms tests.
enum Support {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let formsDirectory = repository.appendingPathComponent("forms").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .path

    /// The shipped library, loaded once.
    // forms/ not loading fails the tests that use it (naming the file), never crashes the run.
    private static let loaded = Result { try FormLibrary.load(directory: formsDirectory) }
    static var library: FormLibrary { get throws { try loaded.get() } }

    static func form(_ id: String) throws -> FormDefinition { try library.form(id) }

    static let birth = Day("1988-05-12")!
    static let idNumber = ResidentID.make(region: "410802", birth: birth, sequence: 123).value
    static let creditCode = CreditCode.completing("91410800MA44T8N9X")!
    static let sha = SHA256Digest.hex(of: "sample")

    static func file(_ name: String, _ type: String = "application/pdf", size: Int = 100_000) -> JSONValue {
        ["name": .string(name), "media_type": .string(type), "size": .number(Double(size)), "sha256": .string(sha)]
    }

    /// Personal data, education, work history and attachments every form shares.
    static func common(level: Level, location: String = "county") -> [String: JSONValue] {
        [
            "level": .string(level.rawValue),
            "name": "张三",
            "gender": "male",
            "birth_date": .string(birth.description),
            "id_number": .string(idNumber),
            "phone": "13903910000",
            "email": "zhangsan@example.cn",
            "unit_name": "焦作市某某有限公司",
            "unit_credit_code": .string(creditCode),
            "unit_kind": "private-enterprise",
            "work_location": .string(location),
            "current_title": "工程师",
            "current_title_date": "2018-12-01",
            "highest_degree": "bachelor",
            "education": [
                [
                    "school": "河南理工大学", "major": "机械工程", "degree": "bachelor", "start_date": "2006-09-01",
                    "end_date": "2010-07-01",
                ]
            ],
            "work_history": [
                [
                    "start_date": "2010-07-15", "unit": "焦作市某某有限公司", "position": "技术员",
                    "duties": "设备设计与维护",
                ]
            ],
            "photo": [file("photo.jpg", "image/jpeg", size: 300_000)],
        ]
    }

    static func work(_ n: Int, kind: String = "design") -> JSONValue {
        .array(
            (1...n).map { i in
                [
                    "title": .string("代表作\(i)"), "kind": .string(kind), "completed_on": "2022-06-01",
                    "summary": "本人主持完成,解决了关键技术问题。", "file": [file("work\(i).pdf")],
                ]
            })
    }

    static func papers(_ n: Int) -> JSONValue {
        .array(
            (1...n).map { i in
                [
                    "title": .string("论文\(i)"), "journal": "机械工程学报", "published_on": "2021-03-01",
                    "author_rank": 1,
                ]
            })
    }

    static let report = JSONValue.string(String(repeating: "本人从事机械设计工作,", count: 30))

    /// A complete, valid engineering application for 高级工程师 by an urban engineer.
    static func engineering() -> [String: JSONValue] {
        var d = common(level: .deputySenior, location: "urban")
        d["specialty"] = "mechanical"
        d["technical_report"] = report
        d["papers"] = papers(2)
        d["representative_works"] = work(2)
        d["grassroots_service"] = [
            ["start_date": "2019-03-01", "end_date": "2019-12-31", "place": "修武县某乡", "content": "技术帮扶"]
        ]
        return d
    }
}

extension FormDefinition {
    func validate(_ object: [String: JSONValue]) -> ValidationReport { validate(.object(object)) }
}

extension ValidationReport {
    var rules: [String] { problems.map(\.rule) }
    var paths: [String] { problems.map(\.path) }
}
