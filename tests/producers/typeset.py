"""A bulletin typeset with reportlab and TrueType CJK fonts, as WPS or Word print it.

The official-document layout (GB/T 9704): A4, a red masthead over a red rule, body
lines filled edge to edge (justified by spacing the characters), headings in a Hei
face, a ruled assessment table with merged 序号 cells, page numbers at the foot.
`Style` switches on what older typesetters and other templates do: letter-spaced
text, running heads over a rule, page numbers in other forms and alternating
sides, the issuer and the date on one line, a letter-spaced or pictured title,
a narrow name column (names wrap in their cells), the table on landscape pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from reportlab.platypus import Table as RLTable

from .bulletin import Block, Bulletin, Table

FONTS = {  # Debian packages fonts-wqy-zenhei and fonts-arphic-uming
    "zenhei": Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    "uming": Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
}
RED = colors.Color(0.85, 0.1, 0.1)


def available() -> str | None:
    """None when the fonts are installed, else why the reportlab producer cannot run."""
    missing = [str(path) for path in FONTS.values() if not path.exists()]
    if missing:
        return f"CJK TrueType fonts missing ({', '.join(missing)}): apt-get install fonts-wqy-zenhei fonts-arphic-uming"
    return None


@functools.cache
def font(name: str) -> str:
    """Register a TrueType font once per process; its reportlab name."""
    pdfmetrics.registerFont(TTFont(name, str(FONTS[name]), subfontIndex=0))
    return name


@dataclass(frozen=True)
class Style:
    body_font: str = "uming"
    heading_font: str = "zenhei"
    size: float = 15.8  # 三号: 28 characters across the 156 mm text block
    leading: float = 28.9  # 22 lines a page
    tracking: float = 0.0  # extra space after every character, in em
    justify: bool = True
    page_number: str | None = "— {n} —"  # {n} this page, {total} pages
    alternate: bool = False  # page numbers (and heads) right on odd pages, left on even
    running_head: bool = False  # title and issue over a rule, on every page after the first
    issuer_date_one_line: bool = False
    title_tracking: float = 0.0  # em
    title_picture: bool = False  # the title is an image: no text
    name_width: float = 150.0  # the 部门窗口 column, in points (100 wraps the long names)
    landscape_table: bool = False
    ruled_table: bool = True
    # Turn the page between two lines that a name of these is wrapped across (the first
    # such place): a department's name broken by a page turn.
    break_names: tuple[str, ...] = ()


MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
TABLE_SIZE = 10.5  # 五号


class _Pages:
    """A cursor over pages: what is drawn, where, and when a page is full."""

    def __init__(self, path: Path, style: Style, head: str):
        self.canvas = Canvas(str(path), pagesize=A4)
        self.style = style
        self.head = head
        self.size = A4
        self.number = 1
        self.y = self.top
        self.finishers: list[tuple[int, tuple[float, float]]] = []
        self.broken: str | None = None  # the name a page turn was put into

    @property
    def top(self) -> float:
        return self.size[1] - MARGIN_TOP

    @property
    def width(self) -> float:
        return self.size[0] - MARGIN_LEFT - MARGIN_RIGHT

    def new_page(self, size: tuple[float, float] | None = None) -> None:
        self._furniture()
        self.canvas.showPage()
        self.number += 1
        self.size = size or self.size
        self.canvas.setPageSize(self.size)
        self.y = self.top

    def room(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def _furniture(self) -> None:
        """Running head and page number of the page being finished (the total comes later:
        the page number form object is filled in at the end)."""
        c, style = self.canvas, self.style
        width, height = self.size
        right = self.number % 2 == 1 or not style.alternate
        if style.running_head and self.number > 1:
            c.setFont(font(style.body_font), 10.5)
            y = height - MARGIN_TOP + 18
            if style.alternate and right:
                c.drawRightString(width - MARGIN_RIGHT, y, self.head)
            elif style.alternate:
                c.drawString(MARGIN_LEFT, y, self.head)
            else:
                c.drawCentredString(width / 2, y, self.head)
            c.setLineWidth(0.8)
            c.line(MARGIN_LEFT, y - 6, width - MARGIN_RIGHT, y - 6)
        if style.page_number:
            name = f"pageno{self.number}"
            c.doForm(name)
            self.finishers.append((self.number, (width, height)))

    def finish(self) -> None:
        self._furniture()
        self.canvas.showPage()
        total = self.number
        c, style = self.canvas, self.style
        for number, (width, _) in self.finishers:
            c.beginForm(f"pageno{number}")
            c.setFont(font(style.body_font), 14)
            text = style.page_number.format(n=number, total=total)
            y = MARGIN_BOTTOM - 28
            if style.alternate and number % 2 == 1:
                c.drawRightString(width - MARGIN_RIGHT - 14, y, text)
            elif style.alternate:
                c.drawString(MARGIN_LEFT + 14, y, text)
            else:
                c.drawCentredString(width / 2, y, text)
            c.endForm()
        c.save()


def _lines(text: str, name: str, size: float, tracking: float, width: float) -> list[str]:
    """`text` broken into lines that fill `width`, character by character."""
    lines, current = [], ""
    for char in text:
        trial = current + char
        if current and _width(trial, name, size, tracking) > width:
            lines.append(current)
            current = char
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _width(text: str, name: str, size: float, tracking: float) -> float:
    return pdfmetrics.stringWidth(text, name, size) + tracking * size * len(text)


def _draw(pages: _Pages, text: str, x: float, *, name: str, size: float, space: float) -> None:
    t = pages.canvas.beginText(x, pages.y)
    t.setFont(name, size)
    t.setCharSpace(space)
    t.textLine(text)
    t.setCharSpace(0)  # the text state outlives the text object: the table would inherit it
    pages.canvas.drawText(t)


def _paragraph(pages: _Pages, text: str, *, heading: bool = False, indent: bool = True) -> None:
    style = pages.style
    name = font(style.heading_font if heading else style.body_font)
    size = style.size
    lines = _lines(text, name, size, style.tracking, pages.width)
    for index, line in enumerate(lines):
        pages.room(style.leading)
        pages.y -= style.leading
        space = style.tracking * size
        last = index == len(lines) - 1
        if style.justify and not last and len(line) > 1:
            natural = pdfmetrics.stringWidth(line, name, size)
            space = (pages.width - natural) / (len(line) - 1)
        _draw(pages, line, MARGIN_LEFT, name=name, size=size, space=space)
        if not last and pages.broken is None:
            broken = _straddling(line, lines[index + 1], style.break_names)
            if broken:
                pages.broken = broken
                pages.new_page()


def _straddling(line: str, following: str, names: tuple[str, ...]) -> str | None:
    """The first of `names` that begins at the end of `line` and ends `following` begins with."""
    for name in names:
        for cut in range(1, len(name)):
            if line.endswith(name[:cut]) and following.startswith(name[cut:]):
                return name
    return None


def _centred(pages: _Pages, text: str, *, size: float, name: str, tracking: float = 0.0, red: bool = False) -> None:
    c = pages.canvas
    pages.room(size * 1.8)
    pages.y -= size * 1.8
    width = _width(text, name, size, tracking) - tracking * size
    if red:
        c.setFillColor(RED)
    _draw(pages, text, (pages.size[0] - width) / 2, name=name, size=size, space=tracking * size)
    c.setFillColor(colors.black)


def _title_picture(pages: _Pages, text: str, folder: Path) -> None:
    """The title as a raster image, as a masthead pasted in from a scan or a logo file."""
    from PIL import Image, ImageDraw, ImageFont

    path = folder / f"title-{text}.png"
    if not path.exists():
        face = ImageFont.truetype(str(FONTS["zenhei"]), 120)
        image = Image.new("RGB", (130 * len(text) + 40, 170), "white")
        ImageDraw.Draw(image).text((20, 20), text, font=face, fill=(217, 26, 26))
        image.save(path)
    height = 42
    width = height * (130 * len(text) + 40) / 170
    pages.y -= height + 12
    pages.canvas.drawImage(str(path), (pages.size[0] - width) / 2, pages.y, width, height)


def _masthead(pages: _Pages, blocks: list[Block], folder: Path) -> None:
    style = pages.style
    name = font(style.body_font)
    pages.y = pages.size[1] - 25 * mm
    blocks = _join_issuer_and_date(blocks) if style.issuer_date_one_line else blocks
    for block in blocks:
        if block.kind == "title" and style.title_picture:
            _title_picture(pages, block.text, folder)
        elif block.kind == "title":
            _centred(pages, block.text, size=36, name=font(style.heading_font), tracking=style.title_tracking, red=True)
        elif block.kind == "issuer_date" and "\t" in block.text:
            issuer, date = block.text.split("\t")
            pages.y -= style.leading
            _draw(pages, issuer, MARGIN_LEFT, name=name, size=style.size, space=0)
            pages.canvas.setFont(name, style.size)
            pages.canvas.drawRightString(pages.size[0] - MARGIN_RIGHT, pages.y, date)
        else:
            _centred(pages, block.text.replace("\t", ""), size=style.size, name=name)
    pages.y -= 10
    pages.canvas.setStrokeColor(RED)
    pages.canvas.setLineWidth(2)
    pages.canvas.line(MARGIN_LEFT, pages.y, pages.size[0] - MARGIN_RIGHT, pages.y)
    pages.canvas.setStrokeColor(colors.black)
    pages.y -= 8


def _join_issuer_and_date(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == "masthead"
            and previous.text.endswith("中心")
            and block.text[:4].isdigit()
            and block.text.endswith("日")
        ):
            out[-1] = Block("issuer_date", f"{previous.text}\t{block.text}")
        else:
            out.append(block)
    return out


def _table(pages: _Pages, table: Table) -> None:
    style = pages.style
    name = font(style.body_font)
    cell = ParagraphStyle("cell", fontName=name, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.35, alignment=TA_CENTER, wordWrap="CJK")
    header = [Paragraph(c.replace("\n", "<br/>"), cell) for c in table.columns]
    data = [header] + [[Paragraph(c, cell) for c in row] for row in table.rows]
    commands = [
        ("FONT", (0, 0), (-1, -1), name, TABLE_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    if style.ruled_table:
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    for index, span in enumerate(table.spans):
        if span > 1:
            commands.append(("SPAN", (0, index + 1), (0, index + span)))
    widths = [40, style.name_width] + [62] * (len(table.columns) - 2)
    flowable = RLTable(data, colWidths=widths, repeatRows=1, style=commands)
    while flowable is not None:
        _, height = flowable.wrap(pages.width, pages.y - MARGIN_BOTTOM)
        if height <= pages.y - MARGIN_BOTTOM:
            flowable.drawOn(pages.canvas, (pages.size[0] - sum(widths)) / 2, pages.y - height)
            pages.y -= height + 8
            return
        parts = flowable.split(pages.width, pages.y - MARGIN_BOTTOM)
        if len(parts) < 2:
            pages.new_page()
            continue
        first, flowable = parts[0], parts[1]
        _, height = first.wrap(pages.width, pages.y - MARGIN_BOTTOM)
        first.drawOn(pages.canvas, (pages.size[0] - sum(widths)) / 2, pages.y - height)
        pages.new_page()


def make(bulletin: Bulletin, path: Path, style: Style = Style(), head: str = "") -> str | None:
    """Write the bulletin as a PDF at `path`; the name a page turn broke (break_names)."""
    pages = _Pages(path, style, head)
    _masthead(pages, bulletin.masthead, path.parent)
    for block in bulletin.body:
        _paragraph(pages, block.text, heading=block.kind == "heading")
    for blocks, table in bulletin.attachments:
        if style.landscape_table and table is not None:
            pages.new_page(landscape(A4))
        for block in blocks:
            _paragraph(pages, block.text)
        if table is not None:
            _table(pages, table)
        if style.landscape_table and table is not None:
            pages.new_page(A4)
    for block in bulletin.footer:
        _paragraph(pages, block.text)
    pages.finish()
    return pages.broken
