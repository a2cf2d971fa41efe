"""Turn a bulletin file (PDF or plain text) into text: the archive's only file reader.

Why one module: every way a file can be unreadable (encrypted, damaged, scanned,
mis-encoded, empty) ends here as an ExtractError naming the file, so the later
stages only ever see text or a sentence they can show to the user. Text files are
decoded by `archive.textfile`, which needs no PDF reader.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

from pdfminer import utils as pdfutils
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTItem, LTLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from . import furniture, pdflimits, tables
from .folding import fold
from .layout import Glyph, Page, Rule
from .textfile import ExtractError, decode_text

# pdfminer warns through logging about what it can read anyway (Chromium's fonts have no
# FontBBox: one warning per font per page); unconfigured, Python prints every such warning
# to stderr. A library's own NullHandler keeps them for an application that asks.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def read_document(path: Path) -> str:
    """The text of a .pdf or .txt bulletin; ExtractError for anything unusable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(path, "unreadable", str(exc.strerror or exc)) from exc
    return document_text(data, str(path))


def document_text(data: bytes, name: str) -> str:
    """The text of a bulletin file's bytes, read by the suffix of its name.

    A PDF saved with a .txt name (it happens when files are renamed by hand) is
    recognised by its signature and read as the PDF it is.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".pdf", ".txt"):
        raise ExtractError(name, "unsupported", repr(suffix or "(no suffix)"))
    if not data.strip():
        raise ExtractError(name, "empty")
    is_pdf = suffix == ".pdf" or data.lstrip()[:5] == b"%PDF-"
    text = bounded_pdf_text(data, name) if is_pdf else decode_text(data, name)
    if not text.strip():
        raise ExtractError(name, "empty")
    return text


def bounded_pdf_text(data: bytes, name: str) -> str:
    """`pdf_text` within `pdflimits`, each limit its own reason; memory that ran out stays a
    MemoryError (the reader's sandbox says so), never a damaged file."""
    try:
        with pdflimits.bounded(data):
            return pdf_text(data, name)
    except pdflimits.PdfLimit as limit:
        raise ExtractError(name, limit.problem.code, limit.problem.detail) from None
    except ExtractError as error:
        if isinstance(error.__cause__, MemoryError):
            raise MemoryError from error
        raise


def pdf_text(data: bytes, name: str) -> str:
    """The text of a PDF, line by line in reading order; pages parted by a form feed line.

    The form feed ("\\f" alone on a line) keeps the page an item starts on recoverable;
    repair drops it with the blank lines.
    """
    return "\n\f\n".join("\n".join(lines) for lines in pdf_pages(data, name))


def pdf_pages(data: bytes, name: str) -> list[list[str]]:
    """The lines of each page of a PDF, without running heads and page numbers.

    Table rows come out as one line of tab-separated cells (see `tables`).
    """
    try:
        pages = list(read_pages(data))
        lines = furniture.strip(pages, [tables.page_lines(page) for page in pages])
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractError(name, "pdf_encrypted") from exc
    except Exception as exc:  # pdfminer raises anything from PDFSyntaxError to KeyError
        raise ExtractError(name, "pdf_damaged") from exc
    if not any(line.text.strip() for page in lines for line in page):
        raise ExtractError(name, "pdf_scanned")
    return [[line.text for line in page] for page in lines]


def read_pages(data: bytes) -> Iterator[Page]:
    """Each page's glyphs and rules, without pdfminer's grouping (laparams=None).

    Glyph texts are folded (`folding`): a text layer's radicals are the ideographs.
    """
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager()
    device = _Aggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(page)
        layout = device.get_result()
        glyphs: list[Glyph] = []
        rules: list[Rule] = []
        _collect(layout, glyphs, rules)
        yield Page(number, layout.width, layout.height, tuple(glyphs), tuple(rules))


class _Aggregator(PDFPageAggregator):
    """pdfminer's page aggregator, with glyphs where a viewer draws them.

    The PDF spec adds the character spacing (Tc) after every glyph; pdfminer adds it
    only between the glyphs of one string, so each string a line is split into (at
    every change of font or font subset) loses one spacing: a letter-spaced line read
    with a gap after most glyphs and none after some. Lines of tracked text then
    measure as they look.
    """

    def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace,
                                 wordspace, rise, dxscale, ncs, graphicstate):  # fmt: skip
        x, y = pos
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    matrix_here = pdfutils.translate_matrix(matrix, (x, y))
                    x += self.render_char(
                        matrix_here, font, fontsize, scaling, rise, cid, ncs, graphicstate
                    )
                    x += charspace
                    if cid == 32 and wordspace:
                        x += wordspace
        return x, y


def _collect(item: LTItem, glyphs: list[Glyph], rules: list[Rule]) -> None:
    """Glyphs and rules inside `item`, looking into figures and other containers."""
    if isinstance(item, LTChar):
        glyphs.append(Glyph(fold(item.get_text()), item.x0, item.x1, item.y0, item.y1))
    elif isinstance(item, LTCurve):
        rules.extend(_rules(item))
    elif isinstance(item, LTContainer):
        for child in item:
            _collect(child, glyphs, rules)


def _rules(curve: LTCurve) -> list[Rule]:
    """The straight horizontal or vertical strokes of a drawn path, or the path itself
    when it is a thin filled bar (browsers draw table borders so)."""
    if curve.fill and not curve.stroke:
        rule = Rule(curve.x0, curve.y0, curve.x1, curve.y1)
        return [rule] if rule.horizontal or rule.vertical else []
    out = []
    for (xa, ya), (xb, yb) in zip(curve.pts, curve.pts[1:] + curve.pts[:1], strict=True):
        rule = Rule(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
        if rule.horizontal or rule.vertical:
            out.append(rule)
    if isinstance(curve, LTLine) or len(curve.pts) == 2:
        out = out[:1]
    return out
