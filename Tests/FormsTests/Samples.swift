import Domain
import Foundation

@testable import Forms

/// A valid, complete sample per form (and per variant where a choice drives requirements).
enum Samples {
    static func group(_ n: Int, _ make: (Int) -> JSONValue) -> JSONValue { .array((1...n).map(make)) }

    static func results(_ n: Int) -> JSONValue {
        group(n) { i in ["title": .string("优质课\(i)"), "grade": "city", "achieved_on": "2023-05-01"] }
    }

    static func outcome(_ n: Int) -> JSONValue {
        group(n) { i in ["title": .string("成果\(i)"), "outcome": "成效显著"] }
    }

    static func extension_(_ n: Int) -> JSONValue {
        group(n) { i in ["title": .string("小麦高产推广\(i)"), "area": 5000, "benefit": 120.5, "year": 2023] }
    }

    /// A rural primary-school teacher applying for 高级教师 with no papers (seed item 15).
    static func ruralTeacher() -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior, location: "rural")
        d["current_title"] = "一级教师"
        d["school_stage"] = "primary"
        d["subject"] = "语文"
        d["school_type"] = "rural"
        d["teacher_certificate"] = "20104108123456"
        d["head_teacher_years"] = 12
        d["teaching_load"] = group(2) { i in
            ["school_year": .string("202\(i)-202\(i + 1)"), "course": "语文", "weekly_hours": 14]
        }
        d["rural_teaching"] = [["school": "修武县某村小学", "start_date": "2010-09-01"]]
        d["support_teaching"] = [["school": "某薄弱学校", "start_date": "2015-09-01", "end_date": "2016-07-01"]]
        d["teaching_results"] = results(1)
        d["ethics_review"] = "excellent"
        return d
    }

    static func engineeringIntermediate() -> [String: JSONValue] {
        var d = Support.common(level: .intermediate, location: "urban")
        d["specialty"] = "computing"
        d["technical_report"] = Support.report
        d["projects"] = [
            [
                "name": "智能产线改造", "source": "企业自立", "role": "core", "start_date": "2022-01-01",
                "end_date": "2023-06-30", "funding": 80,
            ]
        ]
        return d
    }

    static func university(post: String = "teaching") -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["post_type"] = .string(post)
        d["discipline"] = "natural"
        d["teaching_load"] = [["school_year": "2023-2024", "course": "机械原理", "hours": 128, "undergraduate": true]]
        switch post {
        case "teaching", "clinical-teaching":
            d["teaching_achievements"] = group(2) { i in
                ["title": .string("教改项目\(i)"), "grade": "provincial", "achieved_on": "2022-01-01"]
            }
        case "social-service":
            d["service_results"] = group(2) { i in ["title": .string("技术服务\(i)"), "benefit": "为企业增效"] }
        default:
            d["papers"] = Support.papers(3)
        }
        return d
    }

    static func health() -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["practice_category"] = "clinical"
        d["practice_license"] = "110410800012345"
        d["grassroots_institution"] = false
        d["ethics_review"] = "qualified"
        d["clinical_cases"] = group(5) { i in
            ["case_number": .string("ZY2023\(i)"), "diagnosis": "急性心肌梗死", "role": "chief", "treated_on": "2023-03-01"]
        }
        d["papers"] = Support.papers(2)
        return d
    }

    static func science(_ type: String) -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["research_type"] = .string(type)
        switch type {
        case "basic": d["representative_works"] = Support.work(3, kind: "paper")
        case "applied":
            d["patents"] = [
                ["title": "一种装置", "number": "ZL202310000000.1", "kind": "invention", "granted_on": "2024-01-01"]
            ]
        case "development": d["transfers"] = [["title": "新工艺", "partner": "某公司", "income": 50]]
        case "public-welfare":
            d["projects"] = group(2) { i in
                ["name": .string("公益项目\(i)"), "source": "市科技局", "role": "leader", "start_date": "2021-01-01"]
            }
        case "management": d["management_results"] = outcome(2)
        default: d["lab_work"] = outcome(2)
        }
        return d
    }

    static func cultural(_ series: String, track: String = "news-publishing") -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior)
        d["cultural_track"] = .string(track)
        d["guidance_review"] = "excellent"
        switch track {
        case "news-publishing":
            d["works"] = group(3) { i in
                ["title": .string("通讯\(i)"), "medium": "焦作日报", "published_on": "2023-02-01", "reach": 120000]
            }
        case "enterprise-management":
            d["business_results"] = [["year": 2024, "revenue": 3200, "social_benefit": "承办公益文化活动20场"]]
        default:
            d["technology_applications"] = [["title": "数字博物馆", "technology": "三维扫描与虚拟现实"]]
            d["third_party_reviews"] = [["reviewer": "user", "summary": "用户满意度95%"]]
        }
        return d
    }

    static func agriculture() -> [String: JSONValue] {
        var d = Support.common(level: .deputySenior, location: "rural")
        d["specialty"] = "agronomy"
        d["extension_results"] = extension_(2)
        return d
    }

    static func ruralTalent() -> [String: JSONValue] {
        var d = Support.common(level: .intermediate, location: "rural")
        for key in ["work_history", "current_title", "current_title_date", "education"] { d[key] = nil }
        d["highest_degree"] = "none"
        d["talent_type"] = "planting"
        d["operation_scale"] = 300
        d["annual_income"] = 80
        d["households_led"] = 45
        d["poverty_relief"] = "带动12户脱贫"
        d["practice_years"] = 15
        d["extension_results"] = extension_(1)
        return d
    }

    static func skills() -> [String: JSONValue] {
        var d = Support.common(level: .intermediate)
        d["track"] = "skills-bridge"
        d["highest_degree"] = "secondary-vocational"
        d["education"] = [
            [
                "school": "焦作技师学院", "major": "数控加工", "degree": "secondary-vocational", "start_date": "2004-09-01",
                "end_date": "2007-07-01",
            ]
        ]
        d["specialty"] = "mechanical"
        d["occupation"] = "数控车工"
        d["skill_level"] = "technician"
        d["skill_certificate_number"] = "S000041080000123"
        d["skill_certificate_date"] = "2019-06-01"
        d["innovations"] = [["title": "夹具改进", "benefit": "效率提升30%"]]
        return d
    }

    /// Every valid sample: (form id, variant name, data).
    static var all: [(form: String, variant: String, data: [String: JSONValue])] {
        [
            ("engineering", "senior-urban", Support.engineering()),
            ("engineering", "intermediate", engineeringIntermediate()),
            ("primary-secondary-teachers", "rural-primary", ruralTeacher()),
            ("higher-education-teachers", "teaching", university()),
            ("higher-education-teachers", "research", university(post: "research")),
            ("higher-education-teachers", "social-service", university(post: "social-service")),
            ("health", "clinical", health()),
            ("journalism", "news-publishing", cultural("journalism")),
            ("journalism", "enterprise-management", cultural("journalism", track: "enterprise-management")),
            ("journalism", "cultural-specialist", cultural("journalism", track: "cultural-specialist")),
            ("publishing", "news-publishing", cultural("publishing")),
            ("agriculture", "senior", agriculture()),
            ("rural-practical-talent", "intermediate", ruralTalent()),
            ("skills-to-engineering", "technician", skills()),
        ]
            + ["basic", "applied", "development", "public-welfare", "management", "laboratory"].map {
                ("natural-science-research", $0, science($0))
            } + moreSeries
    }
}
