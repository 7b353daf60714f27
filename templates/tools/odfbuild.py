"""Small ODT/XHTML builder shared by make-templates.py (standard library only).

A document is a list of blocks; each block knows how to write itself as ODF XML
(content.xml) and as XHTML. Text may contain Mustache tags; they are written as they are.
"""
import re, struct, zipfile, zlib
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.text"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
NSDECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
RED = "#C00000"


def x(s):
    return escape(s, {'"': "&quot;"})


# ---------------------------------------------------------------- blocks
class P:
    """A paragraph. style: one of the paragraph styles below."""

    def __init__(self, text, style="Body", spans=None, cls=None):
        self.text, self.style, self.spans, self.cls = text, style, spans, cls

    def odf(self, d):
        if self.spans:  # [(text, text-style or None)] for deliberately split runs
            inner = "".join(
                f'<text:span text:style-name="{st}">{x(t)}</text:span>' if st else x(t) for t, st in self.spans)
        else:
            inner = x(self.text)
        return f'<text:p text:style-name="{self.style}">{inner}</text:p>'

    def html(self, d):
        text = self.text if not self.spans else "".join(t for t, _ in self.spans)
        cls = self.cls or self.style.lower()
        if re.fullmatch(r"\{\{[#^/][^{}]*\}\}", text):  # standalone section tag: no paragraph in HTML
            return text
        m = re.fullmatch(r"(\{\{[#^]([^{}]*)\}\})(.*)(\{\{/\2\}\})", text, re.S)
        if m:  # the section fills the paragraph: repeat (or drop) the whole paragraph
            return f'{m.group(1)}<p class="{cls}">{x(m.group(3))}</p>{m.group(4)}'
        return f'<p class="{cls}">{x(text)}</p>'


class RedHead:
    """GB/T 9704 head: issuing authority in red, document number, red rule."""

    def __init__(self, authority="{{issuer}}文件", number="{{document_number}}"):
        self.authority, self.number = authority, number

    def odf(self, d):
        return (f'<text:p text:style-name="RedHead">{x(self.authority)}</text:p>'
                f'<text:p text:style-name="DocNo">{x(self.number)}</text:p>'
                f'<text:p text:style-name="RedRule"/>')

    def html(self, d):
        return (f'<header class="redhead"><p class="authority">{x(self.authority)}</p>'
                f'<p class="docno">{x(self.number)}</p></header>')


class Signature:
    """Issuing authority, date and seal area, right aligned."""

    def __init__(self, who="{{issuer}}", date="{{issue_date}}", seal=True):
        self.who, self.date, self.seal = who, date, seal

    def odf(self, d):
        s = '<text:p text:style-name="Body"/>'
        if self.seal:
            s += '<text:p text:style-name="Seal">（印章）</text:p>'
        s += f'<text:p text:style-name="SignRight">{x(self.who)}</text:p>'
        s += f'<text:p text:style-name="SignRight">{x(self.date)}</text:p>'
        return s

    def html(self, d):
        seal = '<div class="seal">印章</div>' if self.seal else ""
        return (f'<div class="signature">{seal}<p>{x(self.who)}</p><p>{x(self.date)}</p></div>')


class Cell:
    """A cell of a fixed table row: text (or a list of blocks), its paragraph style, how many
    columns and rows it spans, its ODT cell style (default: the table's) and its HTML tag/class.

    The covered cells a span leaves are written by the table (rows below a row span give no
    cell at that place)."""

    def __init__(self, content, style="TableText", cols=1, rows=1, cell_style=None, tag="td", cls=None):
        self.content, self.style, self.cols, self.rows = content, style, cols, rows
        self.cell_style, self.tag, self.cls = cell_style, tag, cls

    def odf(self, d, table_cell_style="Cell"):
        span = ""
        if self.cols > 1:
            span += f' table:number-columns-spanned="{self.cols}"'
        if self.rows > 1:
            span += f' table:number-rows-spanned="{self.rows}"'
        if isinstance(self.content, str):
            inner = f'<text:p text:style-name="{self.style}">{x(self.content)}</text:p>'
        else:
            inner = "".join(b.odf(d) for b in self.content)
        return (f'<table:table-cell table:style-name="{self.cell_style or table_cell_style}" '
                f'office:value-type="string"{span}>'
                f'{inner}</table:table-cell>' + '<table:covered-table-cell/>' * (self.cols - 1))

    def html(self, d):
        attrs = ""
        if self.cls:
            attrs += f' class="{self.cls}"'
        if self.cols > 1:
            attrs += f' colspan="{self.cols}"'
        if self.rows > 1:
            attrs += f' rowspan="{self.rows}"'
        inner = x(self.content) if isinstance(self.content, str) else "".join(b.html(d) for b in self.content)
        return f"<{self.tag}{attrs}>{inner}</{self.tag}>"


def Label(text, **kw):
    """A label cell of a key/value table (bold, centred; a th in HTML)."""
    kw.setdefault("style", "TableLabel")
    return Cell(text, tag="th", **kw)


def Value(text, **kw):
    """A value cell of a key/value table."""
    kw.setdefault("style", "TableText")
    return Cell(text, **kw)


class Table:
    """A bordered table: a header row and one repeated row (section `repeat`), or fixed rows.

    widths in cm; header: list of labels; row: list of cell texts of the repeated row.
    fixed: list of rows written as they are, e.g. key/value tables; a cell is a text, a tuple
    (text, "label"|"value"[, column span]) or a Cell (row spans, blocks such as a Photo).
    name: the table's name (LibreOffice's navigator, the renderer's error messages); without
    one the table is numbered 表格N across the whole run of make-templates.py.
    row_styles / row_classes: per column of the repeated row, the ODT paragraph style
    (default TableText) and the HTML class of its td. head_style: the ODT paragraph style of
    the header cells. cls: the HTML table's class.
    empty_style: the ODT paragraph style of the row shown for an empty list; empty_span: that
    row is one cell across the table (else its text is in the first of empty cells).
    keep_rows: a repeated row is not split across pages (unless it is taller than a page).
    cell_style: the ODT cell style of every cell that does not name its own ("Cell": bordered;
    "Bare": no border).
    """

    count = 0

    def __init__(self, widths, header=None, row=None, repeat=None, fixed=None, empty=None, name=None,
                 row_styles=None, row_classes=None, cls=None, cell_style="Cell", head_style="TableHead",
                 empty_style="TableText", empty_span=False, keep_rows=False):
        self.widths, self.header, self.row, self.repeat = widths, header, row, repeat
        self.fixed, self.empty = fixed or [], empty
        self.row_styles, self.row_classes, self.cls, self.cell_style = row_styles, row_classes, cls, cell_style
        self.head_style, self.empty_style, self.empty_span = head_style, empty_style, empty_span
        self.keep_rows = keep_rows
        if name is None:
            Table.count += 1
            self.name = f"表格{Table.count}"
        else:
            self.name = name

    def odf(self, d):
        st = d.table_style(self.widths)
        cols = "".join(f'<table:table-column table:style-name="{st}.{i}"/>' for i in range(len(self.widths)))
        out = f'<table:table table:name="{x(self.name)}" table:style-name="{st}">{cols}'
        cs = self.cell_style

        def cell(t, style="TableText", span=1):
            extra = f' table:number-columns-spanned="{span}"' if span > 1 else ""
            return (f'<table:table-cell table:style-name="{cs}" office:value-type="string"{extra}>'
                    f'<text:p text:style-name="{style}">{x(t)}</text:p></table:table-cell>'
                    + '<table:covered-table-cell/>' * (span - 1))

        if self.header:
            out += "<table:table-header-rows><table:table-row>" + "".join(
                cell(h, self.head_style) for h in self.header) + "</table:table-row></table:table-header-rows>"
        below = [0] * len(self.widths)  # rows still covered by a row span above, per column
        for r in self.fixed:
            out += "<table:table-row>"
            col = 0

            def covered():
                nonlocal col, out
                while col < len(below) and below[col] > 0:
                    below[col] -= 1
                    out += "<table:covered-table-cell/>"
                    col += 1

            for c in r:
                covered()
                if isinstance(c, Cell):
                    out += c.odf(d, cs)
                    for k in range(col, col + c.cols):
                        below[k] = c.rows - 1
                    col += c.cols
                elif isinstance(c, tuple):
                    span = c[2] if len(c) > 2 else 1
                    out += cell(c[0], "TableLabel" if c[1] == "label" else "TableText", span)
                    col += span
                else:
                    out += cell(c)
                    col += 1
            covered()
            out += "</table:table-row>"
        if self.row:
            cells = list(self.row)
            cells[0] = "{{#%s}}" % self.repeat + cells[0]
            cells[-1] = cells[-1] + "{{/%s}}" % self.repeat
            styles = self.row_styles or ["TableText"] * len(cells)
            keep = ' table:style-name="KeepRow"' if self.keep_rows else ""
            out += f"<table:table-row{keep}>" + "".join(
                cell(c, s) for c, s in zip(cells, styles)) + "</table:table-row>"
        if self.empty:  # a row shown when the list is empty
            cells = ["{{^%s}}%s" % (self.repeat, self.empty)] + [""] * (len(self.widths) - 2) + ["{{/%s}}" % self.repeat]
            if len(self.widths) == 1:
                cells = ["{{^%s}}%s{{/%s}}" % (self.repeat, self.empty, self.repeat)]
            if self.empty_span:  # one cell across the row
                out += ("<table:table-row>" + cell("{{^%s}}%s{{/%s}}" % (self.repeat, self.empty, self.repeat),
                                                   self.empty_style, len(self.widths)) + "</table:table-row>")
            else:
                out += ("<table:table-row>" + "".join(cell(c, self.empty_style) for c in cells)
                        + "</table:table-row>")
        return out + "</table:table>"

    def html(self, d):
        total = sum(self.widths)
        if d.class_only:  # no style attributes: widths as classes of the document's stylesheet
            cols = "".join(f'<col class="{d.width_class(w / total * 100)}"/>' for w in self.widths)
        else:
            cols = "".join(f'<col style="width:{w / total * 100:.1f}%"/>' for w in self.widths)
        cls = f' class="{self.cls}"' if self.cls else ""
        out = f"<table{cls}><colgroup>{cols}</colgroup>"
        if self.header:
            out += "<thead><tr>" + "".join(f"<th>{x(h)}</th>" for h in self.header) + "</tr></thead>"
        out += "<tbody>"
        for r in self.fixed:
            out += "<tr>"
            for c in r:
                if isinstance(c, Cell):
                    out += c.html(d)
                elif isinstance(c, tuple):
                    span = f' colspan="{c[2]}"' if len(c) > 2 and c[2] > 1 else ""
                    tag = "th" if c[1] == "label" else "td"
                    out += f"<{tag}{span}>{x(c[0])}</{tag}>"
                else:
                    out += f"<td>{x(c)}</td>"
            out += "</tr>"
        if self.row:
            classes = self.row_classes or [None] * len(self.row)
            out += "{{#%s}}<tr>" % self.repeat + "".join(
                f'<td class="{k}">{x(c)}</td>' if k else f"<td>{x(c)}</td>"
                for c, k in zip(self.row, classes)) + "</tr>{{/%s}}" % self.repeat
        if self.empty:
            out += "{{^%s}}<tr><td colspan=\"%d\">%s</td></tr>{{/%s}}" % (
                self.repeat, len(self.widths), x(self.empty), self.repeat)
        return out + "</tbody></table>"


def frame_odf(d, name, w, h):
    """A draw:frame placeholder, anchored as a character, that the renderer fills."""
    d.need_placeholder = True
    return (f'<draw:frame draw:style-name="Fr" draw:name="{x(name)}" '
            f'text:anchor-type="as-char" svg:width="{w}cm" svg:height="{h}cm" draw:z-index="0">'
            f'<draw:image xlink:href="Pictures/placeholder.png" xlink:type="simple" xlink:show="embed" '
            f'xlink:actuate="onLoad"/></draw:frame>')


class Image:
    """An image placeholder frame: name 'qr:FIELD' or 'image:KEY'."""

    def __init__(self, name, width_cm, height_cm, caption=None, style="Center", alt=None):
        self.name, self.w, self.h, self.caption, self.style = name, width_cm, height_cm, caption, style
        self.alt = alt or name

    def odf(self, d):
        s = f'<text:p text:style-name="{self.style}">{frame_odf(d, self.name, self.w, self.h)}</text:p>'
        if self.caption:
            s += f'<text:p text:style-name="Caption">{x(self.caption)}</text:p>'
        return s

    def html(self, d):
        kind, key = self.name.split(":", 1)
        src = "{{%s_data_uri}}" % key
        cap = f'<p class="caption">{x(self.caption)}</p>' if self.caption else ""
        if d.class_only:
            size = d.size_class(self.w, self.h)
            return (f'<div class="{self.style.lower()}"><img class="{kind} {size}" alt="{x(self.alt)}" '
                    f'src="{src}"/></div>{cap}')
        return (f'<div class="{self.style.lower()}"><img class="{kind}" alt="{x(self.name)}" src="{src}" '
                f'style="width:{self.w}cm;height:{self.h}cm"/></div>{cap}')


class Photo:
    """The applicant's / holder's ID photo: the frame `image:KEY` (1 inch, 2.5 × 3.5 cm) when the
    flag is true, else the text `missing`.

    ODT: two paragraphs, each wholly one section — {{#flag}}[frame]{{/flag}} and
    {{^flag}}（未上传照片）{{/flag}} — so the one that does not apply disappears. HTML: the img
    (src {{KEY_data_uri}}) inside {{#flag}}…{{/flag}}."""

    def __init__(self, key="photo", flag="has_photo", width_cm=2.5, height_cm=3.5, missing="（未上传照片）"):
        self.key, self.flag, self.w, self.h, self.missing = key, flag, width_cm, height_cm, missing

    def odf(self, d):
        f = self.flag
        return (f'<text:p text:style-name="PhotoBox">{{{{#{f}}}}}'
                f'{frame_odf(d, "image:" + self.key, self.w, self.h)}{{{{/{f}}}}}</text:p>'
                f'<text:p text:style-name="PhotoBox">{{{{^{f}}}}}{x(self.missing)}{{{{/{f}}}}}</text:p>')

    def html(self, d):
        f = self.flag
        return (f'<div class="photo">{{{{#{f}}}}}<img class="photo {d.size_class(self.w, self.h)}" alt="照片" '
                f'src="{{{{{self.key}_data_uri}}}}"/>{{{{/{f}}}}}'
                f'{{{{^{f}}}}}<p class="nophoto">{x(self.missing)}</p>{{{{/{f}}}}}</div>')


class SealArea:
    """The issuing authority's seal area of a certificate: a red label, room for the seal (a
    dashed circle in HTML), the authority and the date, centred."""

    def __init__(self, label="发证机关（印章）", who="{{issuer}}", date="{{issue_date}}"):
        self.label, self.who, self.date = label, who, date

    def odf(self, d):
        return (f'<text:p text:style-name="SealLabel">{x(self.label)}</text:p>'
                f'<text:p text:style-name="SealRoom"/>'
                f'<text:p text:style-name="SealText">{x(self.who)}</text:p>'
                f'<text:p text:style-name="SealText">{x(self.date)}</text:p>')

    def html(self, d):
        return (f'<div class="seal-area"><p class="seallabel">{x(self.label)}</p><div class="seal">印章</div>'
                f'<p class="sealtext">{x(self.who)}</p><p class="sealtext">{x(self.date)}</p></div>')


# ---------------------------------------------------------------- document
# Cell styles a table may name besides the bordered "Cell" (written only where used).
CELL_STYLES = {
    "PhotoCell": 'fo:padding="0.1cm" fo:border="0.5pt solid #000000" style:vertical-align="middle"',
    "Bare": 'fo:padding="0.08cm" fo:border="none"',
    "BareMiddle": 'fo:padding="0.08cm" fo:border="none" style:vertical-align="middle"',
}


class Doc:
    """A document: its blocks, footer text and the options of the documents that need them.

    class_only: the HTML has no style attributes (the site's CSP has no 'unsafe-inline'):
      column widths and image sizes become classes defined in the document's stylesheet.
    styles: extra named paragraph styles (pstyle(...)) of this document's styles.xml.
    css: extra rules of this document's HTML stylesheet.
    page: page-layout-properties attributes replacing the default A4 margins (e.g. a border).
    frame: the HTML class of a div around the whole content (e.g. a certificate's border).
    """

    def __init__(self, title, blocks, footer="{{issuer}}", landscape=False, class_only=False, styles=(), css="",
                 page=None, frame=None):
        self.title, self.blocks, self.footer, self.landscape = title, blocks, footer, landscape
        self.class_only, self.styles, self.css, self.page, self.frame = class_only, styles, css, page, frame
        self.table_styles = {}
        self.need_placeholder = False
        self.css_rules = {}

    def width_class(self, percent):
        name = f"w{round(percent * 10)}"
        self.css_rules[f"col.{name}"] = f"width: {percent:.1f}%;"
        return name

    def size_class(self, w, h):
        name = f"mm{round(w * 10)}x{round(h * 10)}"
        self.css_rules[f"img.{name}"] = f"width: {w}cm; height: {h}cm;"
        return name

    def table_style(self, widths):
        key = tuple(widths)
        if key not in self.table_styles:
            self.table_styles[key] = f"Tbl{len(self.table_styles) + 1}"
        return self.table_styles[key]

    def content_xml(self):
        body = "".join(b.odf(self) for b in self.blocks)
        auto = ""
        for widths, name in self.table_styles.items():
            auto += (f'<style:style style:name="{name}" style:family="table"><style:table-properties '
                     f'style:width="{sum(widths):.2f}cm" table:align="center" fo:margin-top="0.2cm" '
                     f'fo:margin-bottom="0.2cm"/></style:style>')
            for i, w in enumerate(widths):
                auto += (f'<style:style style:name="{name}.{i}" style:family="table-column">'
                         f'<style:table-column-properties style:column-width="{w:.2f}cm"/></style:style>')
        auto += ('<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
                 'fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>')
        if 'table:style-name="KeepRow"' in body:
            auto += ('<style:style style:name="KeepRow" style:family="table-row"><style:table-row-properties '
                     'fo:keep-together="always"/></style:style>')
        for name, props in CELL_STYLES.items():
            if f'table:style-name="{name}"' in body:
                auto += (f'<style:style style:name="{name}" style:family="table-cell"><style:table-cell-properties '
                         f'{props}/></style:style>')
        auto += ('<style:style style:name="Fr" style:family="graphic"><style:graphic-properties '
                 'style:vertical-pos="top" style:vertical-rel="baseline" fo:border="none"/></style:style>')
        auto += ('<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold" '
                 'style:font-weight-asian="bold"/></style:style>')
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NSDECL} office:version="1.3">'
                f'{font_decls()}<office:automatic-styles>{auto}</office:automatic-styles>'
                f'<office:body><office:text>{body}</office:text></office:body></office:document-content>')

    def styles_xml(self):
        return styles_xml(self.footer, "".join(self.styles), self.page)

    def meta_xml(self):
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {NSDECL} office:version="1.3">'
                f'<office:meta><meta:generator>Pingshen make-templates.py</meta:generator>'
                f'<dc:title>{x(self.title)}</dc:title><dc:language>zh-CN</dc:language></office:meta>'
                f'</office:document-meta>')

    def write_odt(self, path):
        files = [("content.xml", self.content_xml()), ("styles.xml", self.styles_xml()),
                 ("meta.xml", self.meta_xml())]
        pics = []
        if self.need_placeholder:
            pics.append(("Pictures/placeholder.png", placeholder_png()))
        entries = "".join(f' <manifest:file-entry manifest:full-path="{n}" manifest:media-type="text/xml"/>\n'
                          for n, _ in files)
        entries += "".join(f' <manifest:file-entry manifest:full-path="{n}" manifest:media-type="image/png"/>\n'
                           for n, _ in pics)
        manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">\n'
                    f' <manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                    f'manifest:media-type="{MIMETYPE}"/>\n{entries}</manifest:manifest>\n')
        fixed = (2026, 1, 1, 0, 0, 0)
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype", fixed), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            for n, data in files + [("META-INF/manifest.xml", manifest)]:
                z.writestr(zipfile.ZipInfo(n, fixed), data, compress_type=zipfile.ZIP_DEFLATED)
            for n, data in pics:
                z.writestr(zipfile.ZipInfo(n, fixed), data, compress_type=zipfile.ZIP_STORED)

    def html(self):
        self.css_rules = {}
        body = "\n".join(b.html(self) for b in self.blocks)
        if self.frame:
            body = f'<div class="{self.frame}">\n{body}\n</div>'
        css = CSS + self.css + "".join(f"{sel} {{ {rule} }}\n" for sel, rule in self.css_rules.items())
        return (f'<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">\n<head>\n'
                f'<meta charset="utf-8"/>\n<title>{x(self.title)}</title>\n<style>\n{css}</style>\n</head>\n'
                f'<body>\n<main class="page">\n{body}\n</main>\n</body>\n</html>\n')


def font_decls():
    return (f'<office:font-face-decls>'
            f'<style:font-face style:name="{SERIF}" svg:font-family="&apos;{SERIF}&apos;" '
            f'style:font-family-generic="roman"/>'
            f'<style:font-face style:name="{SANS}" svg:font-family="&apos;{SANS}&apos;" '
            f'style:font-family-generic="swiss"/></office:font-face-decls>')


def pstyle(name, size="14pt", align=None, bold=False, color=None, font=SERIF, indent=None, extra="", above="0cm",
           below="0.1cm", text_extra="", line="150%"):
    para = f'fo:margin-top="{above}" fo:margin-bottom="{below}" fo:line-height="{line}"'
    if align:
        para += f' fo:text-align="{align}"'
    if indent:
        para += f' fo:text-indent="{indent}"'
    para += extra
    txt = (f'style:font-name="{font}" style:font-name-asian="{font}" fo:font-size="{size}" '
           f'style:font-size-asian="{size}"')
    if bold:
        txt += ' fo:font-weight="bold" style:font-weight-asian="bold"'
    if color:
        txt += f' fo:color="{color}"'
    txt += text_extra
    return (f'<style:style style:name="{name}" style:family="paragraph" style:parent-style-name="Standard">'
            f'<style:paragraph-properties {para}/><style:text-properties {txt}/></style:style>')


A4_MARGINS = 'fo:margin-top="3.2cm" fo:margin-bottom="2cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm"'


def styles_xml(footer, extra_styles="", page=None):
    styles = (
        '<style:default-style style:family="paragraph"><style:text-properties '
        f'style:font-name="{SERIF}" style:font-name-asian="{SERIF}" fo:font-size="14pt" style:font-size-asian="14pt" '
        'fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        + pstyle("Body", indent="0.99cm")
        + pstyle("Plain")
        + pstyle("RedHead", size="26pt", align="center", bold=True, color=RED, below="0.3cm")
        + pstyle("DocNo", size="14pt", align="center", below="0cm")
        + pstyle("RedRule", size="6pt", below="0.5cm", extra=f' fo:border-bottom="1.5pt solid {RED}" fo:padding="0cm"')
        + pstyle("Title", size="20pt", align="center", bold=True, above="0.3cm", below="0.4cm")
        + pstyle("Subtitle", size="14pt", align="center", below="0.3cm")
        + pstyle("SignRight", align="end", extra=' fo:margin-right="1cm"')
        + pstyle("Seal", size="12pt", align="end", color="#C00000", extra=' fo:margin-right="2.2cm"')
        + pstyle("Center", align="center")
        + pstyle("Caption", size="10.5pt", align="center", font=SANS)
        + pstyle("Note", size="10.5pt", font=SANS)
        + pstyle("Heading", size="15pt", bold=True, font=SANS, above="0.2cm")
        + pstyle("TableText", size="11pt", font=SERIF, below="0cm")
        + pstyle("TableLabel", size="11pt", font=SANS, bold=True, align="center", below="0cm")
        + pstyle("TableHead", size="11pt", font=SANS, bold=True, align="center", below="0cm")
        + pstyle("Footer", size="9pt", align="center", font=SANS)
        + pstyle("CertTitle", size="26pt", align="center", bold=True, color=RED, above="0cm", below="0.4cm")
        + pstyle("CertField", size="14pt", below="0.05cm", line="130%", extra=' fo:margin-left="1.5cm"')
        + pstyle("Status", size="14pt", align="center", bold=True, font=SANS, color=RED)
        + extra_styles
    )
    layout = ('<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" '
              f'fo:page-height="29.7cm" style:print-orientation="portrait" {page or A4_MARGINS}/>'
              '<style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.3cm"/>'
              '</style:footer-style></style:page-layout>')
    master = ('<style:master-page style:name="Standard" style:page-layout-name="A4"><style:footer>'
              f'<text:p text:style-name="Footer">{x(footer)} · 第 <text:page-number text:select-page="current">1'
              '</text:page-number> 页</text:p></style:footer></style:master-page>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {NSDECL} office:version="1.3">'
            f'{font_decls()}<office:styles>{styles}</office:styles>'
            f'<office:automatic-styles>{layout}</office:automatic-styles>'
            f'<office:master-styles>{master}</office:master-styles></office:document-styles>')


def placeholder_png():
    w = h = 8
    raw = b"".join(b"\x00" + b"\xcc" * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


CSS = """@page { size: A4; margin: 32mm 26mm 20mm 28mm; }
html { background: #f4f4f4; }
body { margin: 0; font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun", serif;
       font-size: 14pt; line-height: 1.6; color: #000; }
.page { background: #fff; width: 210mm; min-height: 297mm; margin: 0 auto; padding: 32mm 26mm 20mm 28mm;
        box-sizing: border-box; }
@media print { html { background: none; } .page { width: auto; min-height: 0; margin: 0; padding: 0; } }
p { margin: 0 0 0.1cm 0; }
p.body { text-indent: 2em; }
.redhead { text-align: center; border-bottom: 1.5pt solid #c00000; margin-bottom: 0.5cm; padding-bottom: 0.2cm; }
.redhead .authority { color: #c00000; font-size: 26pt; font-weight: bold; margin-bottom: 0.3cm; }
.redhead .docno { font-size: 14pt; }
p.title { font-size: 20pt; font-weight: bold; text-align: center; margin: 0.3cm 0 0.4cm 0; }
p.subtitle, p.center, div.center { text-align: center; }
p.heading { font-family: "Noto Sans CJK SC", sans-serif; font-size: 15pt; font-weight: bold; margin-top: 0.2cm; }
p.note, p.caption { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; }
p.caption { text-align: center; }
p.certtitle { color: #c00000; font-size: 26pt; font-weight: bold; text-align: center; margin: 0.5cm 0 0.6cm 0; }
p.certfield { font-size: 15pt; margin-left: 1.5cm; }
p.status { color: #c00000; font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; text-align: center; }
table { width: 100%; border-collapse: collapse; margin: 0.2cm 0; font-size: 11pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 0.1cm; vertical-align: top; }
th { font-family: "Noto Sans CJK SC", sans-serif; }
.signature { text-align: right; margin: 1cm 1cm 0 0; position: relative; }
.signature p { margin: 0; }
.seal { display: inline-block; width: 4cm; height: 4cm; border: 1pt dashed #c00000; border-radius: 50%;
        color: #c00000; text-align: center; line-height: 4cm; margin-right: 0.5cm; }
img.qr { image-rendering: pixelated; }
"""
