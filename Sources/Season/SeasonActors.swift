import Domain

/// The people acting in a simulated season.
enum Cast {
    static let clerk = Actor(id: "clerk-01", role: .officeClerk)
    static let head = Actor(id: "head-01", role: .officeHead)
    static let secretary = Actor(id: "secretary-01", role: .committeeSecretary)
    static let auditor = Actor(id: "auditor-01", role: .auditor)
    static let citizen = Actor(id: "public-visitor", role: .public)

    static func applicant(_ personID: String) -> Actor {
        Actor(id: "applicant-\(personID)", role: .applicant, personID: personID)
    }

    static func hr(_ unitID: String) -> Actor { Actor(id: "hr-\(unitID)", role: .unitHR, unitID: unitID) }

    static func expert(_ expertID: String) -> Actor { Actor(id: expertID, role: .expert) }
}

/// Deterministic Chinese names and organisations for demo data.
enum Names {
    static let surnames = Array(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力宁晨阳浩宇欣怡子涵思雨梓轩博文佳琪嘉俊晓东海波志强春梅")

    static func person(_ i: Int, using g: inout SeededGenerator) -> String {
        let s = surnames[Int(g.next() % UInt64(surnames.count))]
        let a = given[Int(g.next() % UInt64(given.count))]
        if i % 3 == 0 { return "\(s)\(a)" }
        let b = given[Int(g.next() % UInt64(given.count))]
        return "\(s)\(a)\(b)"
    }

    static let places = ["解放", "山阳", "中站", "马村", "修武", "博爱", "武陟", "温县", "沁阳", "孟州"]
    static let trades = [
        (UnitKind.stateEnterprise, "焦作", "能源集团有限公司"), (.privateEnterprise, "焦作", "精密机械有限公司"),
        (.publicInstitution, "焦作市", "人民医院"), (.publicInstitution, "焦作市", "第一中学"),
        (.publicInstitution, "焦作市", "农业科学研究院"), (.socialOrganisation, "焦作市", "科技咨询协会"),
        (.talentAgency, "焦作市", "人才服务中心"), (.stateEnterprise, "焦作", "建设工程集团有限公司"),
        (.privateEnterprise, "焦作", "新材料科技有限公司"), (.publicInstitution, "焦作市", "广播电视台"),
    ]
}
