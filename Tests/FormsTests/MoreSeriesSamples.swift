import Domain
import Foundation

@testable import Forms

/// Valid, complete samples of the economics, accounting and vocational-teacher forms (issue 12
/// item 8), one per variant whose choices drive the requirements.
extension Samples {
    static var moreSeries: [(form: String, variant: String, data: [String: JSONValue])] {
        [
            ("economics", "senior-private", economics()),
            ("economics", "senior-state", economics(unitKind: "state-enterprise")),
            ("accounting", "senior-private", accounting()),
            ("secondary-vocational-teachers", "professional", vocationalTeacher()),
            ("secondary-vocational-teachers", "general", vocationalTeacher(course: "general")),
            ("technical-school-teachers", "practice", technicalSchoolTeacher()),
            ("technical-school-teachers", "theory", technicalSchoolTeacher(course: "theory")),
        ]
    }

    /// A third-party evaluation 第三方评价意见 (seed item 10) by an outside body, with its date and file.
    static func thirdParty(_ n: Int = 1, body: String = "焦作市企业联合会") -> JSONValue {
        group(n) { i in
            [
                "body": .string(body), "body_kind": "association", "issued_on": "2025-06-18", "conclusion": "excellent",
                "summary": .string("经实地评估，申报人主持的第\(i)项工作成效显著。"),
                "file": [Support.file("third-party-\(i).pdf")],
            ]
        }
    }

    /// 高级经济师 from a private firm: exam passed, results, and the third-party evaluation non-public
    /// applicants need.
    static func economics(unitKind: String = "private-enterprise") -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["unit_kind"] = .string(unitKind)
        d["current_title"] = "经济师"
        d["specialty"] = "business-administration"
        d["senior_exam_certificate"] = "GJJ2024410800123"
        d["senior_exam_year"] = 2024
        d["economic_results"] = group(2) { i in
            [
                "title": .string("企业经营改进方案\(i)"), "kind": "management", "role": "leader",
                "completed_on": "2023-09-01", "benefit": "年增效300万元", "adopted_by": "焦作市某某有限公司",
            ]
        }
        if unitKind != "state-enterprise" && unitKind != "public-institution" {
            d["third_party_evaluations"] = thirdParty()
        }
        return d
    }

    static func accounting() -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["current_title"] = "会计师"
        d["post_area"] = "enterprise"
        d["senior_exam_certificate"] = "GKJ2024410800456"
        d["senior_exam_year"] = 2024
        d["continuing_education"] = group(3) { i in ["year": .number(Double(2021 + i)), "credits": 90] }
        d["accounting_results"] = group(2) { i in
            [
                "title": .string("内部控制体系建设\(i)"), "kind": "internal-control", "role": "leader",
                "completed_on": "2022-12-01", "benefit": "资金周转效率提升15%",
            ]
        }
        d["third_party_evaluations"] = thirdParty(body: "河南某会计师事务所")
        return d
    }

    static func teachingLoad() -> JSONValue {
        group(2) { i in ["school_year": .string("202\(i)-202\(i + 1)"), "course": "机械基础", "weekly_hours": 14] }
    }

    static func practice() -> JSONValue {
        [["enterprise": "焦作市某机械厂", "start_date": "2023-07-01", "end_date": "2023-08-31", "content": "数控加工工艺实践"]]
    }

    /// A 中职 teacher applying for 高级讲师; a professional-course teacher shows enterprise practice.
    static func vocationalTeacher(course: String = "professional") -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["current_title"] = "讲师"
        d["unit_kind"] = "public-institution"
        d["specialty"] = "数控技术应用"
        d["course_type"] = .string(course)
        d["teacher_certificate"] = "20184108123456"
        d["double_qualified"] = .bool(course != "general")
        d["head_teacher_years"] = 6
        d["teaching_load"] = teachingLoad()
        if course != "general" { d["enterprise_practice"] = practice() }
        d["teaching_results"] = group(2) { i in
            [
                "title": .string("指导学生技能大赛\(i)"), "kind": "skills-contest", "grade": "provincial",
                "achieved_on": "2023-05-01",
            ]
        }
        d["ethics_review"] = "excellent"
        return d
    }

    /// A 技工院校 teacher applying for 高级讲师; a practice teacher declares a skill level and contests.
    static func technicalSchoolTeacher(course: String = "practice") -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["current_title"] = "讲师"
        d["unit_kind"] = "public-institution"
        d["specialty"] = "数控车工"
        d["course_type"] = .string(course)
        d["teacher_certificate"] = "20174108654321"
        d["integrated_teacher"] = .bool(course != "theory")
        if course != "theory" {
            d["skill_level"] = "senior-technician"
            d["skill_occupation"] = "车工"
            d["skill_certificate_number"] = "S000041080000456"
            d["skill_certificate_date"] = "2017-06-01"
            d["skill_contests"] = [
                ["name": "河南省技能大赛数控车项目", "grade": "provincial", "rank": 2, "awarded_on": "2024-10-01"]
            ]
        }
        d["teaching_load"] = teachingLoad()
        d["teaching_results"] = group(2) { i in
            ["title": .string("一体化课程开发\(i)"), "grade": "city", "achieved_on": "2022-05-01"]
        }
        d["ethics_review"] = "qualified"
        return d
    }
}
