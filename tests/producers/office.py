"""A bulletin written as a Word document (python-docx) and exported to PDF by LibreOffice.

The way the centre makes them: a .docx in the official-document layout (GB/T 9704:
A4, 37/35/28/26 mm margins, 三号 text at 22 lines of 28 characters, a Song/Ming face
for the text and a Hei face for headings, a red masthead over a red rule), page
numbers "— 2 —" at the foot, right on odd pages and left on even ones, a running
head on every page after the first, and the assessment table as a Word table:
borders, a merged 序号 cell for each tie, a repeated header row, centred, on a
landscape section of its own. Debian has no 仿宋/黑体 of the GB fonts: AR PL UMing
and WenQuanYi Zen Hei stand in for them.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .bulletin import Block, Bulletin, Table

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
BODY_FONT = "AR PL UMing CN"
HEADING_FONT = "WenQuanYi Zen Hei"


def available() -> str | None:
    try:
        import docx  # noqa: F401
    except ImportError:
        return "python-docx is not installed: pip install -e '.[test]'"
    if not Path(SOFFICE).exists():
        return "LibreOffice is not installed (soffice): apt-get install libreoffice-writer"
    return None


@dataclass(frozen=True)
class Style:
    running_head: bool = True
    landscape_table: bool = True
    name_width_cm: float = 3.2  # the 部门窗口 column: the longest names wrap


def _east_asian(run, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _border(paragraph, side: str, color: str = "000000", size: int = 6) -> None:
    from docx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    borders = properties.makeelement(qn("w:pBdr"), {})
    edge = borders.makeelement(
        qn(f"w:{side}"), {qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): "1", qn("w:color"): color}
    )
    borders.append(edge)
    properties.append(borders)


def _page_field(paragraph) -> None:
    """"— PAGE —": the page number as a Word field."""
    from docx.oxml.ns import qn

    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            element = run._r.makeelement(qn("w:instrText"), {})
            element.text = text
        run._r.append(element)
    paragraph.add_run(" —")


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = 16, indent: bool = True, align=None, color=None, bold=False, spacing=None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    form = paragraph.paragraph_format
    form.space_before = form.space_after = Pt(0)
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Pt(spacing or 28.9)
    form.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        form.first_line_indent = Pt(size * 2)
    run = paragraph.add_run(text)
    _east_asian(run, font)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor(*color)
    return paragraph


def _masthead(document, blocks: list[Block]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    centre = WD_ALIGN_PARAGRAPH.CENTER
    last = None
    for block in blocks:
        if block.kind == "title":
            last = _paragraph(document, block.text, font=HEADING_FONT, size=36, indent=False, align=centre, color=(217, 26, 26), spacing=56)
        elif block.kind == "issuer_date":
            issuer, date = block.text.split("\t")
            last = _paragraph(document, f"{issuer}\t{date}", size=16, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
            _right_tab(last)
        else:
            last = _paragraph(document, block.text, indent=False, align=centre)
    if last is not None:
        _border(last, "bottom", "D91A1A", 18)


def _right_tab(paragraph) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm

    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)


def _section_setup(section, *, landscape: bool = False) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(20), Mm(20)


def _furniture(document, section, head: str, style: Style) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section.different_first_page_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _page_field(even)
    first = section.first_page_footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_field(first)
    if style.running_head:
        for header, align in ((section.header, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_header, WD_ALIGN_PARAGRAPH.LEFT)):
            paragraph = header.paragraphs[0]
            paragraph.alignment = align
            run = paragraph.add_run(head)
            _east_asian(run, BODY_FONT)
            run.font.size = Pt(10.5)
            _border(paragraph, "bottom")


def _table(document, table: Table, style: Style) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(1.3), Cm(style.name_width_cm)] + [Cm(2.0)] * (len(table.columns) - 2)
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(header._tr.makeelement(qn("w:tblHeader"), {}))

    def fill(cell, text: str) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for index, part in enumerate(text.split("\n")):
            run = paragraph.add_run(part)
            _east_asian(run, BODY_FONT)
            run.font.size = Pt(10.5)
            if index < len(text.split("\n")) - 1:
                run.add_break()

    for column, text in enumerate(table.columns):
        fill(header.cells[column], text)
    for index, (cells, span) in enumerate(zip(table.rows, table.spans, strict=True)):
        row = grid.rows[index + 1]
        for column, text in enumerate(cells):
            if column == 0 and span == 0:
                continue
            fill(row.cells[column], text)
        if span > 1:
            row.cells[0].merge(grid.rows[index + span].cells[0])
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def document(bulletin: Bulletin, path: Path, style: Style = Style(), head: str = "") -> Path:
    """Write the bulletin as a .docx at `path`."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.oxml.ns import qn

    doc = docx.Document()
    settings = doc.settings.element
    settings.append(settings.makeelement(qn("w:evenAndOddHeaders"), {}))
    section = doc.sections[0]
    _section_setup(section)
    _furniture(doc, section, head, style)
    _masthead(doc, bulletin.masthead)
    for block in bulletin.body:
        font = HEADING_FONT if block.kind == "heading" else BODY_FONT
        _paragraph(doc, block.text, font=font)
    for blocks, table in bulletin.attachments:
        _paragraph(doc, blocks[0].text)
        if table is not None and style.landscape_table:
            wide = doc.add_section(WD_SECTION.NEW_PAGE)
            _section_setup(wide, landscape=True)
        for block in blocks[1:]:
            _paragraph(doc, block.text, indent=False)
        if table is not None:
            _table(doc, table, style)
        if table is not None and style.landscape_table:
            tall = doc.add_section(WD_SECTION.NEW_PAGE)
            _section_setup(tall)
    for block in bulletin.footer:
        _paragraph(doc, block.text, indent=False)
    doc.save(str(path))
    return path


def convert(documents: list[Path], folder: Path, profile: Path) -> list[Path]:
    """Export .docx files to PDF in one LibreOffice run, with a private profile (two test
    runs at once must not share LibreOffice's user installation)."""
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return [folder / f"{d.stem}.pdf" for d in documents]
