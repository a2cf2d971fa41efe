"""The report as a Word document (.docx): a pure function, a `service.report.Report` in, bytes out.

Shared by the web download and `bulletins report --docx`; a module of its own
so that only they import python-docx and lxml (~0.1 s, and `bulletins ingest`
starts without them).

The layout follows the national standard for official documents (GB/T
9704-2012) that the centre's staff write in: A4, its margins, a 方正小标宋简体
title, 黑体 headings and 仿宋_GB2312 text. Chinese fonts are set as the
east-Asian font of every style (w:eastAsia; a name in w:ascii only would leave
WPS and Word to choose), and the font table names an installed alternative for
each (仿宋_GB2312 is missing on many Windows machines that have 仿宋), so the
document never falls back to a Latin font for Chinese text.
"""

from __future__ import annotations

import io
from datetime import UTC

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from .report import Report, ReportItem, groups
from .xmltext import xml_safe

LATIN = "Times New Roman"
TITLE_FONT, HEADING_FONT, BODY_FONT, NOTE_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "宋体"
# Font -> (the installed font Word and WPS use when it is missing, its PANOSE, pitch/family).
FONT_TABLE = {
    "方正小标宋简体": ("宋体", "02000000000000000000", "roman"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern"),
    "黑体": ("SimHei", "02010609060101010101", "modern"),
    "宋体": ("SimSun", "02010600030101010101", "auto"),
}

# Style name -> (east-Asian font, size in points, bold, alignment, first-line indent in characters).
STYLES = {
    "报告标题": (TITLE_FONT, 22, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "报告说明": (BODY_FONT, 12, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "条目正文": (BODY_FONT, 14, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "条目引用": (NOTE_FONT, 10.5, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "条目部门": (NOTE_FONT, 10.5, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
}
HEADINGS = {"Heading 1": 16, "Heading 2": 14}


def report_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _page(document)
    _styles(document)
    _font_table(document)
    _properties(document, report)
    document.add_paragraph(xml_safe(report.title), style="报告标题")
    for line in _description(report):
        document.add_paragraph(xml_safe(line), style="报告说明")
    number = 0
    for name, items in groups(report):
        document.add_heading(xml_safe(f"{name}（{len(items)} 条）"), level=1)
        for item in items:
            number += 1
            _item(document, item, number, report.group_by)
    _page_numbers(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _description(report: Report) -> list[str]:
    shown = "；".join(f"{what}：{value}" for what, value in report.filters if value)
    grouping = "按期次分组" if report.group_by == "issue" else "按部门分组"
    count = f"共 {len(report.items)} 条，{grouping}"
    if report.generated:
        g = report.generated
        count += f"，{g.year}年{g.month}月{g.day}日{g:%H:%M}生成"
    return [f"筛选条件：{shown}" if shown else "筛选条件：无（所选条目）", count]


def _item(document, item: ReportItem, number: int, group_by: str) -> None:
    heading = item.place if group_by == "issue" else item.citation
    if item.dates:
        heading += f"　{item.dates}"
    document.add_heading(xml_safe(f"{number}．{heading}"), level=2)
    for paragraph in item.text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(xml_safe(paragraph), style="条目正文")
    cite = document.add_paragraph(style="条目引用")
    cite.add_run("引用：")
    cite.add_run(xml_safe(item.citation))
    cite.add_run("　链接：")
    _hyperlink(cite, item.link)
    if item.departments:
        document.add_paragraph(
            "涉及部门：" + xml_safe("、".join(item.departments)), style="条目部门"
        )


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A link Word and WPS open on Ctrl+click: a w:hyperlink to an external relationship."""
    url = xml_safe(url)
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = _element("w:hyperlink", {"r:id": rel})
    run = _element("w:r", {})
    props = _element("w:rPr", {})
    props.extend([_element("w:color", {"w:val": "0563C1"}), _element("w:u", {"w:val": "single"})])
    run.extend([props, _element("w:t", {}, url)])
    link.append(run)
    paragraph._p.append(link)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _fonts(rpr, east_asian: str) -> None:
    """Set the Latin and east-Asian fonts, and drop the theme fonts that would override them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _element("w:rFonts", {})
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)


def _styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _element("w:lang", {})
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(14)
    for name, size in HEADINGS.items():
        style = styles[name]
        _fonts(style.element.get_or_add_rPr(), HEADING_FONT)
        style.font.size, style.font.bold, style.font.italic = Pt(size), False, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 9)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name, (font, size, bold, alignment, indent) in STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _fonts(style.element.get_or_add_rPr(), font)
        style.font.size, style.font.bold = Pt(size), bold
        layout = style.paragraph_format
        layout.alignment = alignment
        layout.first_line_indent = Pt(size * indent) if indent else None
        layout.line_spacing_rule = (
            WD_LINE_SPACING.ONE_POINT_FIVE if indent else WD_LINE_SPACING.SINGLE
        )
        layout.space_after = Pt(12 if name == "报告说明" else 4)


def _font_table(document) -> None:
    """Name each Chinese font in the font table with its GB2312 charset and an installed alternative."""
    part = next(
        r.target_part
        for r in document.part.rels.values()
        if r.reltype == RELATIONSHIP_TYPE.FONT_TABLE
    )
    root = etree.fromstring(part.blob)
    for name, (alternative, panose, family) in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): alternative})
        etree.SubElement(font, qn("w:panose1"), {qn("w:val"): panose})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    # python-docx keeps the font table as an opaque part: its bytes are the only handle.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _properties(document, report: Report) -> None:
    props = document.core_properties
    props.title = xml_safe(report.title)
    props.author = "窗口工作周报检索"
    props.last_modified_by = props.author
    props.language = "zh-CN"
    props.comments = ""
    if report.generated:
        # stored in UTC, as the format wants (a naive time counts as the server's local time)
        props.created = props.modified = report.generated.astimezone(UTC).replace(tzinfo=None)
    props.revision = 1


def _page_numbers(document) -> None:
    """ "— 3 —" centred at the foot of every page: a PAGE field, as official documents number pages."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = footer.add_run()._r
    field.append(_element("w:fldChar", {"w:fldCharType": "begin"}))
    field.append(_element("w:instrText", {"xml:space": "preserve"}, " PAGE "))
    field.append(_element("w:fldChar", {"w:fldCharType": "separate"}))
    field.append(_element("w:t", {}, "1"))
    field.append(_element("w:fldChar", {"w:fldCharType": "end"}))
    footer.add_run(" —")


def _element(tag: str, attributes: dict[str, str], text: str | None = None):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    if text is not None:
        element.text = text
    return element
