#!/usr/bin/env python3
"""Generates templates/NAME.odt and templates/NAME.html for every Pingshen document.

usage: python3 templates/tools/make-templates.py   (from the repository root or anywhere)

Both outputs of a document come from one description below, so the ODT and the HTML
use the same Mustache field names (documented in templates/README.md). The .odt files
are committed; offices may edit them in LibreOffice afterwards. Standard library only.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odfbuild import (Doc, P, RedHead, Signature, Table, Image, Cell, Label, Value, Photo, SealArea,  # noqa: E402
                      pstyle, RED, SANS)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

DOCS = {}

# Styles and stylesheet rules of the documents whose HTML has no style attributes
# (class_only: the site's CSP allows no inline style; widths and sizes become classes).
PHOTO_STYLES = [
    pstyle("PhotoBox", size="10.5pt", align="center", font=SANS, below="0cm", line="100%"),
]
PHOTO_CSS = """div.photo { text-align: center; }
img.photo { object-fit: cover; border: 0.5pt solid #999; }
p.nophoto { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; text-align: center; margin: 0; }
td.photo { vertical-align: middle; text-align: center; }
"""
HASH_STYLES = [pstyle("TableHash", size="8pt", font=SANS, below="0cm", line="120%")]
HASH_CSS = """td.hash { font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; word-break: break-all; }
"""



def PLabel(text, **kw):
    """A label cell of the pledge's tables (11 pt, tighter lines: the pledge fits one page)."""
    return Label(text, style="PledgeLabel", **kw)


def PValue(text, **kw):
    return Value(text, style="PledgeValue", **kw)


# 承诺书 — signed by the applicant (no red head). pledge_text is the text exactly as the
# applicant signed it (the form version's pledge), printed as one block, line breaks kept.
DOCS["pledge"] = Doc("专业技术职务任职资格申报承诺书", [
    P("专业技术职务任职资格申报承诺书", "Title"),
    P("申报编号：{{application_number}}", "Subtitle"),
    Table([2.8, 5.0, 2.8, 5.0], name="承诺人", cls="kv", fixed=[
        [PLabel("承诺人"), PValue("{{applicant_name}}"), PLabel("公民身份号码"), PValue("{{id_number}}")],
        [PLabel("工作单位"), PValue("{{unit}}", cols=3)],
        [PLabel("申报年度"), PValue("{{year}}年度"), PLabel("申报系列"), PValue("{{series}}")],
        [PLabel("申报专业"), PValue("{{specialty}}"), PLabel("申报资格"), PValue("{{title_sought}}")],
    ]),
    P("本承诺书文本属于《{{form_title}}》{{form_version}}版：", "Note"),
    P("{{pledge_text}}", "Verbatim"),
    P("承诺人（电子签名）：{{applicant_name}}　　签署日期：{{signed_date}}", "PledgeSign", cls="signright"),
    Table([4.0, 11.6], name="签署摘要", cls="kv", fixed=[
        [PLabel("承诺书文本 SHA-256"), Value("{{signature_digest}}", style="TableHash", cls="hash")],
        [PLabel("申报数据 SHA-256"), Value("{{data_digest}}", style="TableHash", cls="hash")],
    ]),
], footer="{{application_number}}", class_only=True,
    page='fo:margin-top="2.2cm" fo:margin-bottom="1.8cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm"',
    styles=HASH_STYLES + [
        pstyle("PledgeLabel", size="11pt", font=SANS, bold=True, align="center", below="0cm", line="120%"),
        pstyle("PledgeValue", size="11pt", below="0cm", line="120%"),
        pstyle("PledgeSign", size="13pt", align="end", below="0.1cm", line="120%", extra=' fo:margin-right="1cm"'),
        pstyle("Verbatim", size="12pt", align="start", above="0.2cm", below="0.3cm", line="125%",
               extra=' fo:border="0.5pt solid #000000" fo:padding="0.3cm"'),
    ],
    css=HASH_CSS + """p.verbatim { white-space: pre-wrap; font-size: 12pt; line-height: 1.5; border: 0.5pt solid #000;
             padding: 0.3cm; margin: 0.2cm 0 0.3cm 0; }
p.signright { text-align: right; margin-right: 1cm; }
""")

# 申报表 — what the experts vote on: the header, the applicant's photo, every section of the
# declaration as the form defines it (sections: title + label/value rows), the attachments.
DOCS["declaration-form"] = Doc("专业技术职务任职资格申报表", [
    P("专业技术职务任职资格申报表", "Title"),
    P("申报编号：{{application_number}}　　提交日期：{{submitted_date}}", "Subtitle"),
    P("申报概况", "HeadingKeep", cls="heading"),
    Table([2.8, 4.6, 2.4, 2.8, 3.0], name="申报概况", cls="kv", fixed=[
        [Label("姓名"), Value("{{applicant_name}}"), Label("性别"), Value("{{gender}}"),
         Cell([Photo()], rows=4, cell_style="PhotoCell", cls="photo")],
        [Label("出生日期"), Value("{{birth_date}}"), Label("联系电话"), Value("{{phone}}")],
        [Label("公民身份号码"), Value("{{id_number}}", cols=3)],
        [Label("最高学历"), Value("{{highest_degree}}"), Label("现任职称"), Value("{{current_title}}")],
        [Label("工作单位"), Value("{{unit}}", cols=4)],
        [Label("统一社会信用代码"), Value("{{unit_credit_code}}"), Label("评审类别"), Value("{{track}}", cols=2)],
        [Label("申报系列"), Value("{{series}}"), Label("申报专业"), Value("{{specialty}}", cols=2)],
        [Label("申报资格"), Value("{{title_sought}}", cols=4)],
    ]),
    P("{{#green_channel}}本人通过绿色通道申报（{{green_channel_reason}}），按规定不受学历、资历条件限制。{{/green_channel}}", "Body"),
    P("{{#sections}}", "Body"),
    P("{{title}}", "HeadingKeep", cls="heading"),
    Table([3.6, 12.0], name="申报内容", cls="kv", row=["{{label}}", "{{value}}"], repeat="rows", empty="无",
          empty_span=True, keep_rows=True, row_styles=["TableLabel", "TableText"], row_classes=["label", "value"]),
    P("{{/sections}}", "Body"),
    P("附件清单", "HeadingKeep", cls="heading"),
    Table([1.2, 2.6, 3.4, 1.4, 1.8, 5.2], name="附件清单",
          header=["序号", "材料类别", "文件名", "格式", "大小", "SHA-256"],
          row=["{{number}}", "{{label}}", "{{name}}", "{{type}}", "{{size}}", "{{sha256}}"], repeat="attachments",
          empty="无", empty_span=True, keep_rows=True,
          row_styles=["TableText"] * 5 + ["TableHash"], row_classes=[None] * 5 + ["hash"]),
    P("单位推荐意见", "HeadingKeep", cls="heading"),
    P("{{unit_opinion}}", "Opinion"),
    P("单位（盖章）：{{unit}}", "SignRight"),
    P("{{unit_opinion_date}}", "SignRight"),
], footer="申报编号 {{application_number}}", class_only=True,
    styles=PHOTO_STYLES + HASH_STYLES + [
        pstyle("HeadingKeep", size="15pt", bold=True, font=SANS, above="0.2cm", extra=' fo:keep-with-next="always"'),
        pstyle("Opinion", indent="0.99cm"),
    ],
    css=PHOTO_CSS + HASH_CSS + """table.kv th, table.kv td.label { font-family: "Noto Sans CJK SC", sans-serif;
                                  font-weight: bold; text-align: center; }
td.value, p.opinion { white-space: pre-wrap; }
p.opinion { text-indent: 2em; }
p.signright { text-align: right; margin-right: 1cm; }
""")
Table.count += 4  # the documents below keep their table names (表格5 …) from before these tables had names

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

def CertLabel(text, **kw):
    return Cell(text, "CertLabel", tag="th", cls="certlabel", **kw)


def CertValue(text, **kw):
    return Cell(text, "CertValue", cls="certvalue", **kw)


# 专业技术职务任职资格证书 — in the manner of a printed 职称证书: a double red border round the
# page, the holder's photo beside the holder's particulars, the approval, the QR code for
# verification and the seal area, then the record of the certificate (like the 记载事项 pages
# of a certificate booklet; a long record continues on a second page). No live status: a
# revoked certificate shows a large red 已撤销 with the revocation.
DOCS["certificate"] = Doc("专业技术职务任职资格证书", [
    P("专业技术职务任职资格证书", "CertHead", cls="certtitle"),
    P("证书编号：{{certificate_number}}", "CertNumber"),
    P("{{#revoked}}已撤销{{/revoked}}", "RevokedMark"),
    P("{{#revoked}}本证书已于{{revoked_date}}依{{revocation_number}}撤销，不再有效。{{/revoked}}", "RevokedNote"),
    Table([3.2, 5.2, 2.2, 1.0, 3.0], name="持证人", cls="bare", cell_style="Bare", fixed=[
        [CertLabel("姓名"), CertValue("{{holder_name}}", cols=3),
         Cell([Photo()], rows=5, cell_style="BareMiddle", cls="photo")],
        [CertLabel("性别"), CertValue("{{gender}}", cols=3)],
        [CertLabel("出生日期"), CertValue("{{birth_date}}", cols=3)],
        [CertLabel("公民身份号码"), CertValue("{{id_number}}", cols=3)],
        [CertLabel("工作单位"), CertValue("{{unit}}", cols=3)],
        [CertLabel("系列"), CertValue("{{series}}"), CertLabel("专业"), CertValue("{{specialty}}", cols=2)],
        [CertLabel("资格名称"), CertValue("{{title}}"), CertLabel("资格级别"), CertValue("{{level}}", cols=2)],
        [CertLabel("评审组织"), CertValue("{{committee}}", cols=4)],
        [CertLabel("批准文号"), CertValue("{{approval_number}}"), CertLabel("批准日期"),
         CertValue("{{approval_date}}", cols=2)],
    ]),
    P("经{{committee}}评审通过，{{holder_name}}同志具备{{title}}任职资格。特发此证。", "CertStatement"),
    Table([5.6, 9.0], name="核验与发证", cls="bare", cell_style="Bare", fixed=[
        [Cell([Image("qr:verification_url", 3.2, 3.2, style="QRBox", alt="证书核验二维码"),
               P("扫码核验", "QRCaption", cls="caption"), P("核验码：{{verification_code}}", "QRCaption", cls="caption")]),
         Cell([SealArea()])],
    ]),
    Table([4.0, 10.6], name="证书记载事项", header=["日期", "证书记载事项"], row=["{{date}}", "{{event}}"],
          repeat="records", empty="无", empty_span=True, row_styles=["CertTable", "CertTable"],
          head_style="CertTableHead", empty_style="CertTable"),
], footer="{{issuer}} · 证书编号 {{certificate_number}}", class_only=True,
    page=('fo:margin-top="1.6cm" fo:margin-bottom="1.4cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm" '
          'fo:border="4.5pt double #C00000" style:border-line-width="0.05cm 0.05cm 0.06cm" fo:padding="0.5cm"'),
    frame="certframe",
    styles=PHOTO_STYLES + [
        pstyle("CertHead", size="28pt", align="center", bold=True, color=RED, above="0.1cm", below="0.3cm",
               line="100%", text_extra=' fo:letter-spacing="0.05cm"'),
        pstyle("CertNumber", size="12pt", align="center", below="0.3cm", line="100%"),
        pstyle("CertLabel", size="13pt", bold=True, align="justify", below="0cm", line="100%",
               extra=' fo:text-align-last="justify" fo:margin-right="0.2cm"'),
        pstyle("CertValue", size="13pt", below="0cm", line="100%"),
        pstyle("CertStatement", size="14pt", indent="0.99cm", above="0.2cm", below="0.1cm", line="130%"),
        pstyle("RevokedMark", size="34pt", align="center", bold=True, color=RED, font=SANS, above="0.1cm",
               below="0.2cm", line="100%",
               extra=' fo:margin-left="4.2cm" fo:margin-right="4.2cm" fo:border="3pt solid #C00000" fo:padding="0.1cm"',
               text_extra=' fo:letter-spacing="0.3cm"'),
        pstyle("RevokedNote", size="14pt", align="center", bold=True, color=RED, font=SANS, below="0.2cm",
               line="100%"),
        pstyle("QRBox", align="center", below="0cm", line="100%"),
        pstyle("CertTable", size="11pt", below="0cm", line="115%"),
        pstyle("CertTableHead", size="11pt", font=SANS, bold=True, align="center", below="0cm", line="115%"),
        pstyle("QRCaption", size="10.5pt", align="center", font=SANS, below="0cm", line="100%"),
        pstyle("SealLabel", size="12pt", align="center", color=RED, below="0cm"),
        pstyle("SealRoom", size="12pt", above="1.0cm", below="0cm"),
        pstyle("SealText", size="14pt", align="center", below="0cm"),
    ],
    css=PHOTO_CSS + """.certframe { border: 4.5pt double #c00000; padding: 0.5cm; }
p.certtitle { color: #c00000; font-size: 28pt; font-weight: bold; letter-spacing: 0.05cm; text-align: center;
              margin: 0.1cm 0 0.3cm 0; }
p.certnumber { font-size: 12pt; text-align: center; margin-bottom: 0.3cm; }
table.bare th, table.bare td { border: none; padding: 0.08cm; }
th.certlabel { font-family: "Noto Serif CJK SC", serif; font-size: 13pt; text-align: justify;
               text-align-last: justify; padding-right: 0.2cm; }
td.certvalue { font-size: 13pt; }
p.certstatement { text-indent: 2em; margin: 0.2cm 0 0.1cm 0; }
p.revokedmark { color: #c00000; font-family: "Noto Sans CJK SC", sans-serif; font-size: 34pt; font-weight: bold;
                letter-spacing: 0.3cm; text-align: center; border: 3pt solid #c00000; width: 6cm;
                margin: 0.1cm auto 0.2cm auto; }
p.revokednote { color: #c00000; font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold;
                text-align: center; }
div.qrbox { text-align: center; }
.seal-area { text-align: center; }
.seal-area .seal { width: 3cm; height: 3cm; line-height: 3cm; margin: 0.1cm auto; display: block; }
p.seallabel { color: #c00000; font-size: 12pt; margin: 0; }
p.sealtext { margin: 0; }
""")
Table.count += 1  # … and so do the documents after the certificate (表格10 …)

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
