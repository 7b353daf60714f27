#!/usr/bin/env python3
"""Generates templates/NAME.odt and templates/NAME.html for every Pingshen document.

usage: python3 templates/tools/make-templates.py   (from the repository root or anywhere)

Both outputs of a document come from one description below, so the ODT and the HTML
use the same Mustache field names (documented in templates/README.md). The .odt files
are committed; offices may edit them in LibreOffice afterwards. Standard library only.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odfbuild import Doc, P, RedHead, Signature, Table, Image  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

DOCS = {}

# 承诺书 — signed by the applicant (no red head)
DOCS["pledge"] = Doc("专业技术职务任职资格申报承诺书", [
    P("专业技术职务任职资格申报承诺书", "Title"),
    P("申报编号：{{application_number}}", "Subtitle"),
    P("本人{{applicant_name}}（公民身份号码：{{id_number}}），工作单位{{unit}}，申报{{year}}年度{{series}}系列{{specialty}}专业{{title_sought}}任职资格，现郑重承诺：", "Body"),
    P("{{#pledges}}", "Body"),
    P("{{number}}. {{text}}", "Body"),
    P("{{/pledges}}", "Body"),
    P("本人知悉：如有弄虚作假、学术不端等行为，一经查实，撤销已取得的资格，记入诚信档案，{{debar_years}}年内不得申报职称评审，并承担相应法律责任。", "Body"),
    P("承诺人（签名）：{{applicant_name}}", "SignRight"),
    P("签署日期：{{signed_date}}", "SignRight"),
    P("电子签名摘要（SHA-256）：{{signature_digest}}", "Note"),
], footer="{{application_number}}")

# 申报表
DOCS["declaration-form"] = Doc("专业技术职务任职资格申报表", [
    P("专业技术职务任职资格申报表", "Title"),
    P("申报编号：{{application_number}}　　提交日期：{{submitted_date}}", "Subtitle"),
    P("一、基本情况", "Heading"),
    Table([2.6, 5.1, 2.6, 5.7], fixed=[
        [("姓名", "label"), ("{{applicant_name}}", "value"), ("性别", "label"), ("{{gender}}", "value")],
        [("出生日期", "label"), ("{{birth_date}}", "value"), ("公民身份号码", "label"), ("{{id_number}}", "value")],
        [("工作单位", "label"), ("{{unit}}", "value", 3)],
        [("统一社会信用代码", "label"), ("{{unit_credit_code}}", "value"), ("现任职称", "label"), ("{{current_title}}", "value")],
        [("申报系列", "label"), ("{{series}}", "value"), ("申报专业", "label"), ("{{specialty}}", "value")],
        [("申报资格", "label"), ("{{title_sought}}", "value"), ("评审类别", "label"), ("{{track}}", "value")],
        [("联系电话", "label"), ("{{phone}}", "value"), ("最高学历", "label"), ("{{highest_degree}}", "value")],
    ]),
    P("{{#green_channel}}本人通过绿色通道申报（{{green_channel_reason}}），按规定不受学历、资历条件限制。{{/green_channel}}", "Body"),
    P("二、学习经历", "Heading"),
    Table([4.0, 4.6, 4.4, 3.0], header=["起止年月", "毕业院校", "所学专业", "学历学位"],
          row=["{{period}}", "{{school}}", "{{major}}", "{{degree}}"], repeat="education", empty="无"),
    P("三、工作经历", "Heading"),
    Table([4.0, 7.0, 5.0], header=["起止年月", "工作单位", "职务（岗位）"],
          row=["{{period}}", "{{unit}}", "{{position}}"], repeat="work_history", empty="无"),
    P("四、代表作", "Heading"),
    Table([1.2, 6.6, 2.6, 3.8, 1.8], header=["序号", "名称", "类别", "发表（出版、鉴定）单位", "时间"],
          row=["{{number}}", "{{title}}", "{{kind}}", "{{venue}}", "{{date}}"], repeat="works", empty="无"),
    P("五、单位推荐意见", "Heading"),
    P("{{unit_opinion}}", "Body"),
    P("单位（盖章）：{{unit}}", "SignRight"),
    P("{{unit_opinion_date}}", "SignRight"),
], footer="申报编号 {{application_number}}")

# 受理通知书
DOCS["acceptance-notice"] = Doc("职称评审申报受理通知书", [
    RedHead(),
    P("职称评审申报受理通知书", "Title"),
    P("{{applicant_name}}同志：", "Plain"),
    P("你于{{received_date}}提交的{{series}}系列{{specialty}}专业{{title_sought}}任职资格评审申报材料（申报编号：{{application_number}}），经审核，符合受理条件，决定予以受理。", "Body"),
    P("你的申报材料将提交{{committee}}评审。评审结果将在本单位网站公示，公示期{{notice_days}}个工作日。请保持联系方式畅通，并可通过申报系统查询办理进度。", "Body"),
    P("联系人：{{contact_name}}　　联系电话：{{contact_phone}}", "Body"),
    Signature(),
])

# 补正材料通知书
DOCS["correction-notice"] = Doc("补正材料通知书", [
    RedHead(),
    P("补正材料通知书", "Title"),
    P("{{applicant_name}}同志：", "Plain"),
    P("你于{{received_date}}提交的{{series}}系列{{title_sought}}任职资格评审申报材料（申报编号：{{application_number}}）经审核，尚需补正以下材料（一次性告知）：", "Body"),
    Table([1.2, 6.2, 8.6], header=["序号", "需补正的材料", "补正要求"],
          row=["{{number}}", "{{item}}", "{{requirement}}"], repeat="missing_items"),
    P("请于{{deadline}}前通过申报系统补正上述材料。逾期未补正的，视为放弃申报。", "Body"),
    P("联系人：{{contact_name}}　　联系电话：{{contact_phone}}", "Body"),
    Signature(),
])

# 不予受理通知书
DOCS["refusal-notice"] = Doc("不予受理通知书", [
    RedHead(),
    P("不予受理通知书", "Title"),
    P("{{applicant_name}}同志：", "Plain"),
    P("你于{{received_date}}提交的{{series}}系列{{title_sought}}任职资格评审申报（申报编号：{{application_number}}），经审核，因下列原因决定不予受理：", "Body"),
    Table([1.2, 9.8, 5.0], header=["序号", "不予受理的原因", "依据"],
          row=["{{number}}", "{{reason}}", "{{rule}}"], repeat="reasons"),
    P("如对本决定有异议，可自收到本通知书之日起{{review_days}}日内向{{review_body}}书面申请复查；也可依法申请行政复议或者提起行政诉讼。", "Body"),
    P("联系人：{{contact_name}}　　联系电话：{{contact_phone}}", "Body"),
    Signature(),
])

# 评审结果公示
DOCS["public-notice"] = Doc("职称评审结果公示", [
    RedHead(),
    P("关于{{year}}年度{{committee}}评审结果的公示", "Title"),
    P("根据职称评审有关规定，{{committee}}于{{session_date}}召开评审会议，经评审，下列{{count}}名同志通过评审，现予以公示：", "Body"),
    Table([1.2, 2.4, 5.4, 4.0, 3.0], header=["序号", "姓名", "工作单位", "系列（专业）", "评审通过资格"],
          row=["{{number}}", "{{name}}", "{{unit}}", "{{series}}（{{specialty}}）", "{{title}}"], repeat="candidates"),
    P("公示期：{{notice_start}}至{{notice_end}}（{{notice_days}}个工作日）。", "Body"),
    P("公示期间，对公示人员有异议的，请以书面形式实名反映，并提供联系方式和必要的证明材料。", "Body"),
    P("受理单位：{{objection_office}}　　联系电话：{{objection_phone}}　　地址：{{objection_address}}", "Body"),
    Signature(seal=True),
])

# 取得资格通知
DOCS["qualification-notice"] = Doc("取得资格通知", [
    RedHead(),
    P("关于{{lead_name}}等同志取得{{qualification}}资格的通知", "Title"),
    P("{{recipients}}：", "Plain"),
    P("经{{committee}}{{session_date}}评审通过，并经公示无异议，按照职称评审管理有关规定，确认{{lead_name}}等{{count}}名同志具备{{qualification}}资格（审批文号：{{approval_number}}），资格取得时间为{{effective_date}}。名单如下：", "Body"),
    Table([1.2, 2.4, 5.6, 3.8, 3.0], header=["序号", "姓名", "工作单位", "专业", "资格名称"],
          row=["{{number}}", "{{name}}", "{{unit}}", "{{specialty}}", "{{title}}"], repeat="people"),
    P("请各单位按照有关规定做好聘用工作，并将本通知存入本人档案。", "Body"),
    Signature(),
])

# 专业技术职务任职资格证书
DOCS["certificate"] = Doc("专业技术职务任职资格证书", [
    P("专业技术职务任职资格证书", "CertTitle"),
    P("证书编号：{{certificate_number}}", "Center"),
    P("{{#revoked}}本证书已于{{revoked_date}}被撤销（{{revocation_number}}），不再有效。{{/revoked}}", "Status"),
    P("姓　　名：{{holder_name}}", "CertField"),
    P("公民身份号码：{{id_number}}", "CertField"),
    P("系　　列：{{series}}", "CertField"),
    P("专　　业：{{specialty}}", "CertField"),
    P("资格名称：{{title}}", "CertField"),
    P("资格级别：{{level}}", "CertField"),
    P("评审机构：{{committee}}", "CertField"),
    P("审批文号：{{approval_number}}", "CertField"),
    P("批准日期：{{approval_date}}", "CertField"),
    P("证书状态：{{status}}", "CertField"),
    Table([4.0, 12.0], header=["日期", "证书记载事项"], row=["{{date}}", "{{event}}"], repeat="records", empty="无"),
    Image("qr:verification_url", 3.5, 3.5, caption="扫码核验 · 核验码 {{verification_code}}"),
    Signature(date="{{issue_date}}", seal=False),
], footer="{{issuer}} · 证书编号 {{certificate_number}}")

# 撤销决定书
DOCS["revocation-decision"] = Doc("撤销专业技术职务任职资格决定书", [
    RedHead(),
    P("撤销专业技术职务任职资格决定书", "Title"),
    P("当事人：{{holder_name}}，公民身份号码：{{id_number}}，工作单位：{{unit}}。", "Plain"),
    P("一、查明的事实", "Heading"),
    P("{{facts}}", "Body"),
    P("二、处理依据", "Heading"),
    P("{{legal_basis}}", "Body"),
    P("三、处理决定", "Heading"),
    P("（一）撤销当事人{{title}}资格（证书编号：{{certificate_number}}，原审批文号：{{approval_number}}），收回证书。", "Body"),
    P("（二）将当事人的失信行为记入诚信档案，自本决定作出之日起{{debar_years}}年内（至{{debar_until}}）不得申报职称评审。", "Body"),
    P("{{#unit_suspended}}（三）{{unit}}为当事人出具虚假证明材料，暂停该单位职称评审和聘任工作{{suspension_years}}年（至{{suspension_until}}）。{{/unit_suspended}}", "Body"),
    P("四、救济途径", "Heading"),
    P("当事人如不服本决定，可自收到本决定书之日起{{reconsideration_days}}日内向{{reconsideration_body}}申请行政复议，或者在{{litigation_months}}个月内向{{court}}提起行政诉讼。", "Body"),
    Signature(),
])

# 评审会议纪要
DOCS["minutes"] = Doc("评审会议纪要", [
    RedHead(authority="{{committee}}", number="{{document_number}}"),
    P("{{committee}}评审会议纪要", "Title"),
    P("{{session_date}}，{{committee}}在{{venue}}召开第{{session_number}}次评审会议，会议由{{chair}}主持。本次会议应到评委{{member_count}}人，实到{{present_count}}人，{{#quorum_met}}符合法定人数要求{{/quorum_met}}{{^quorum_met}}未达到法定人数{{/quorum_met}}。", "Body"),
    P("出席评委", "Heading"),
    Table([1.2, 2.6, 3.4, 6.4, 2.4], header=["序号", "姓名", "职称", "工作单位", "会议职务"],
          row=["{{number}}", "{{name}}", "{{title}}", "{{unit}}", "{{role}}"], repeat="experts"),
    P("会议议程", "Heading"),
    P("{{agenda}}", "Body"),
    P("评审结果", "Heading"),
    Table([1.2, 2.6, 6.0, 3.2, 3.0], header=["序号", "姓名", "工作单位", "申报资格", "表决结果"],
          row=["{{number}}", "{{name}}", "{{unit}}", "{{title_sought}}", "{{result}}"], repeat="results"),
    P("回避情况：{{recusals}}", "Body"),
    P("记录人：{{recorder}}　　主持人：{{chair}}", "SignRight"),
    P("{{issue_date}}", "SignRight"),
], footer="{{committee}} · 会议纪要")

# 投票记录
DOCS["vote-record"] = Doc("评审投票记录", [
    P("{{committee}}评审投票记录", "Title"),
    P("会议日期：{{session_date}}　　应到评委：{{member_count}}人　　实到评委：{{present_count}}人　　通过票数要求：{{pass_threshold}}", "Center"),
    Table([1.0, 2.2, 4.6, 2.6, 1.4, 1.4, 1.4, 1.4], header=["序号", "姓名", "工作单位", "申报资格", "同意", "不同意", "弃权", "结果"],
          row=["{{number}}", "{{name}}", "{{unit}}", "{{title_sought}}", "{{yes}}", "{{no}}", "{{abstain}}", "{{result}}"],
          repeat="votes"),
    P("本次投票采取无记名方式进行，当场计票，结果当场公布。", "Body"),
    P("监票人：{{scrutineers}}　　计票人：{{counter}}　　记录人：{{recorder}}", "SignRight"),
    P("{{session_date}}", "SignRight"),
], footer="{{committee}} · 投票记录")


# 复查决定书 — the office's decision on a re-examination request (复查)
DOCS["reexamination-decision"] = Doc("复查决定书", [
    RedHead(),
    P("复查决定书", "Title"),
    P("{{applicant_name}}同志：", "Plain"),
    P("你于{{requested_date}}对{{original_date}}作出的“{{original_decision}}”结论（{{series}}系列{{title_sought}}任职资格，申报编号：{{application_number}}）提出复查申请，理由为：{{reason}}", "Body"),
    P("经复查，{{finding}}", "Body"),
    P("复查决定：{{outcome}}。", "Body"),
    P("{{#is_final}}本复查决定为最终结论，不再受理就同一事项提出的复查申请。{{/is_final}}", "Body"),
    P("如对本决定不服，可依法申请行政复议或者提起行政诉讼。", "Body"),
    P("联系人：{{contact_name}}　　联系电话：{{contact_phone}}", "Body"),
    Signature(),
])


def main():
    for name, doc in DOCS.items():
        doc.write_odt(os.path.join(OUT, name + ".odt"))
        with open(os.path.join(OUT, name + ".html"), "w", encoding="utf-8") as f:
            f.write(doc.html())
        print("wrote", name)


if __name__ == "__main__":
    main()
