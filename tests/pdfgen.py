"""Typeset bulletin text into PDFs with reportlab, for extraction round-trip tests.

Why: the published bulletins cannot ship with the tests, so the tests make PDFs
whose text they know, laid out like the real ones (CJK body lines, a table with
tab-separated cells, a centred page number), and check what comes back out.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
SIZE = 12
LEADING = 20
MARGIN = 72
# x of the six table columns: wider than the text block, as in the bulletins,
# so that every column gap is two character widths.
COLUMNS = (60, 108, 264, 351, 426, 498)

# The font's UniGB-UCS2-H CMap has no U+00B7 "·", so pdfminer silently drops it
# (with no advance); the same glyph (CID 104) drawn as U+30FB reads back as "·".
DRAWN_AS = str.maketrans({"·": "・"})

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _pdf_lines(text: str, chars_per_line: int) -> list[str | list[str]]:
    """One entry per printed line: a string, or the cells of a table row."""
    out: list[str | list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            out.append(line.translate(DRAWN_AS).split("\t"))
            continue
        line = line.strip().translate(DRAWN_AS)
        out.extend(line[i : i + chars_per_line] for i in range(0, len(line), chars_per_line))
    return out


def make_pdf(text: str, path: Path, chars_per_line: int = 28) -> Path:
    """Write `text` to `path` as an A4 PDF: wrapped body lines, table rows in columns."""
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4)
    page = 1
    y = height - MARGIN

    def finish_page() -> None:
        canvas.setFont(FONT, SIZE)
        canvas.drawCentredString(width / 2, MARGIN / 2, f"— {page} —")
        canvas.showPage()

    for line in _pdf_lines(text, chars_per_line):
        if y < MARGIN:
            finish_page()
            page += 1
            y = height - MARGIN
        canvas.setFont(FONT, SIZE)
        if isinstance(line, list):
            for x, cell in zip(COLUMNS, line, strict=False):
                if cell.strip():
                    canvas.drawString(x, y, cell.strip())
        else:
            canvas.drawString(MARGIN, y, line)
        y -= LEADING
    finish_page()
    canvas.save()
    return path


def make_encrypted_pdf(text: str, path: Path) -> Path:
    """A one-page PDF that only opens with the user password "secret"."""
    canvas = Canvas(str(path), pagesize=A4, encrypt="secret")
    canvas.setFont(FONT, SIZE)
    canvas.drawString(MARGIN, A4[1] - MARGIN, text)
    canvas.showPage()
    canvas.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF with drawn shapes and no text at all, like a scan."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.rect(MARGIN, MARGIN, 200, 300, fill=1)
    canvas.line(MARGIN, 500, 500, 700)
    canvas.circle(300, 400, 50)
    canvas.showPage()
    canvas.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is one raster image, as a scanner makes it: ink, but no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 840, 28):  # lines of "text" as a scan shows them: dark strokes
        draw.rectangle((60, row, 60 + (row * 37) % 480, row + 12), fill=30)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return path


def encrypt_pdf(source: Path, path: Path, algorithm: str = "AES-256") -> Path:
    """`source` encrypted by pypdf with the user password "secret" (as Acrobat or WPS would)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm=algorithm)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path
