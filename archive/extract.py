"""Turn a bulletin file (PDF or plain text) into text: the archive's only file reader.

Why one module: every way a file can be unreadable (encrypted, damaged, scanned,
mis-encoded, empty) ends here as an ExtractError naming the file, so the later
stages only ever see text or a sentence they can show to the user.
"""

from __future__ import annotations

import codecs
import io
import re
import statistics
from collections.abc import Iterator
from pathlib import Path

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTItem
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from .problems import Problem

PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")

# Gaps between characters, in units of the page's character size (font size).
TAB_GAP = 1.5  # wider than this separates table cells
SPACE_GAP = 0.3  # wider than this is a space
INDENT = 3.0  # a table row starting this far right of the margin has an empty first cell

_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ExtractError(Exception):
    """A file could not be turned into text; the message says which file and why."""

    def __init__(self, path: Path | str, code: str, detail: str = "") -> None:
        self.path = Path(path)
        self.problem = Problem(code, detail)
        self.reason = self.problem.english
        super().__init__(f"{self.path.name}: {self.reason}")


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
    text = pdf_text(data, name) if is_pdf else decode_text(data, name)
    if not text.strip():
        raise ExtractError(name, "empty")
    return text


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file of unknown encoding, as saved by Windows or Linux tools.

    Why this order: a BOM is unambiguous; NUL bytes never occur in UTF-8 or GB18030
    text, so many of them mean BOM-less UTF-16; strict UTF-8 rarely accepts
    GB-encoded Chinese by accident, while GB18030 accepts most byte sequences.
    """
    kind = _binary_kind(data)
    if kind:
        raise ExtractError(name, "binary_format", kind)
    text = _decode(data)
    if text is None:
        controls = sum(data.count(b) for b in _CONTROL_BYTES)
        raise ExtractError(name, "binary" if controls > CONTROL_SHARE * len(data) else "encoding")
    if _looks_binary(text):
        raise ExtractError(name, "binary")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Signatures of the binary files most often saved or renamed as .txt by mistake.
_SIGNATURES = (
    (b"PK\x03\x04", "ZIP: .docx, .xlsx, .zip"),
    (b"\xd0\xcf\x11\xe0", "OLE: .doc, .xls, .wps"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "EXE"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
CONTROL_SHARE = 0.01  # text with more control characters than this is binary data
_CONTROL_BYTES = [bytes([b]) for b in [*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F]]


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _looks_binary(text: str) -> bool:
    """Decoded text that is binary data: GB18030 decodes most byte soups, but not into text
    without control characters, which a bulletin (tabs and line ends aside) never has."""
    return len(_CONTROL.findall(text)) > CONTROL_SHARE * len(text)


def _decode(data: bytes) -> str | None:
    """The text in the first encoding that fits, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data[len(bom) :], encoding)
    nuls = data.count(0)
    if nuls > len(data) // 10:
        odd = data[1::2].count(0)  # ASCII in UTF-16-LE has its NUL in the second byte
        return _try(data, "utf-16-le" if odd > nuls - odd else "utf-16-be")
    return _try(data, "utf-8") or _try(data, "gb18030")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def pdf_text(data: bytes, name: str) -> str:
    """The text of a PDF, line by line in reading order; pages parted by a form feed line.

    The form feed ("\\f" alone on a line) keeps the page an item starts on
    recoverable (the parser reads it, repair drops it with the blank lines).

    Why not pdfminer's own layout analysis: its text boxes reorder the columns of
    the bulletins' tables and sometimes merge lines. Lines are rebuilt here from
    the characters' positions, so a table row stays one line of tab-separated cells.
    """
    try:
        pages = [_page_lines(chars) for chars in _pdf_chars(data)]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractError(name, "pdf_encrypted") from exc
    except Exception as exc:  # pdfminer raises anything from PDFSyntaxError to KeyError
        raise ExtractError(name, "pdf_damaged") from exc
    text = "\n\f\n".join("\n".join(lines) for lines in pages)
    if not text.strip():
        raise ExtractError(name, "pdf_scanned")
    return text


def _pdf_chars(data: bytes) -> list[list[LTChar]]:
    """The characters of each page, without pdfminer's grouping (laparams=None)."""
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        pages.append(list(_chars(device.get_result())))
    return pages


def _chars(item: LTItem) -> Iterator[LTChar]:
    """Every LTChar inside `item`, looking into figures and other containers."""
    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _chars(child)


def _page_lines(chars: list[LTChar]) -> list[str]:
    """The lines of one page, top to bottom, without its page number."""
    inked = [c for c in chars if c.get_text().strip()]
    if not inked:
        return []
    size = statistics.median(c.height for c in inked)
    lines = []
    for line in _group_lines(chars, size / 2):
        ink = [c for c in line if c.get_text().strip()]
        if ink:
            lines.append((ink[0].x0, _line_text(line, size)))
    for end in (-1, 0):
        if lines and PAGE_NUMBER.match(lines[end][1]):
            del lines[end]
    if not lines:
        return []
    margin = min(x0 for x0, _ in lines)
    return [
        "\t" + text if "\t" in text and x0 > margin + INDENT * size else text for x0, text in lines
    ]


def _group_lines(chars: list[LTChar], tolerance: float) -> list[list[LTChar]]:
    """Chars whose middles lie within `tolerance` form a line, sorted left to right."""
    lines: list[tuple[float, list[LTChar]]] = []
    for char in sorted(chars, key=lambda c: -(c.y0 + c.y1) / 2):
        middle = (char.y0 + char.y1) / 2
        if lines and abs(lines[-1][0] - middle) <= tolerance:
            lines[-1][1].append(char)
        else:
            lines.append((middle, [char]))
    return [sorted(line, key=lambda c: c.x0) for _, line in lines]


def _line_text(chars: list[LTChar], size: float) -> str:
    """Join a line's chars: a wide gap is a tab, a moderate gap or a space glyph a space.

    Why gaps are measured between inked chars: the font's space glyph is narrower
    than SPACE_GAP, and a table's cell gap may or may not be filled with spaces.
    """
    parts: list[str] = []
    before: LTChar | None = None
    spaced = False
    for char in chars:
        if not char.get_text().strip():
            spaced = True
            continue
        if before is not None:
            gap = char.x0 - before.x1
            if gap > TAB_GAP * size:
                parts.append("\t")
            elif spaced or gap > SPACE_GAP * size:
                parts.append(" ")
        parts.append(char.get_text())
        before, spaced = char, False
    return "".join(parts)
