"""Limits on what one PDF may make pdfminer do: how many pages it has, and how many bytes its
compressed streams unpack to.

Why: a PDF is a program of sorts. 2,000 pages sharing one content stream kept
pdfminer busy past 300 s at 2.3 GB; a Flate stream of 1 MB unpacking to
gigabytes took 8.5 GB, and its empty result was then reported as a scan. The
worker process a file is read in (`sandbox`) bounds time and memory; these
bounds come first and name the cause: a bulletin has a few pages and a few
megabytes of fonts.

The page count is read from the page tree before any page is drawn. The
unpacked bytes are counted by the zlib that pdfminer's stream decoder sees
while a PDF is read (`pdfminer.pdftypes.zlib`, the only module that inflates
Flate streams): one that stops at the budget instead of inflating a bomb
whole. That swap is process-wide while it lasts: PDFs are read one at a time
per process (the sandbox's workers), never by threads at once.

A limit reached is a `PdfLimit`, a BaseException: it must pass the broad
`except Exception` of pdfminer's code and of the reader around it, which
would otherwise take it for a damaged file.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pdfminer import pdftypes
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from .problems import Problem, megabytes

MAX_PAGES = 300  # a bulletin has a few; its attachments a few more
MAX_UNPACKED = 128 * 2**20  # bytes all of a PDF's Flate streams may unpack to (fonts: ~20 MB)


class PdfLimit(BaseException):  # noqa: N818 (not an error of the code: a limit of the input)
    """A PDF past one of the limits; `problem` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.english)
        self.problem = problem


@contextmanager
def bounded(data: bytes, max_pages: int = MAX_PAGES, max_unpacked: int = MAX_UNPACKED) -> Iterator[None]:
    """Read the PDF `data` inside this block: PdfLimit past `max_pages` (raised here, before
    anything is drawn) or past `max_unpacked` bytes of unpacked streams (raised where met)."""
    if page_count(data, max_pages + 1) > max_pages:
        raise PdfLimit(Problem("pdf_too_many_pages", f"{max_pages:,}"))
    budget = _BoundedZlib(max_unpacked)
    pdftypes.zlib, saved = budget, pdftypes.zlib
    try:
        yield
    finally:
        pdftypes.zlib = saved


def page_count(data: bytes, stop: int) -> int:
    """The pages of the PDF's page tree, counted up to `stop`; 0 when it cannot be read (the
    reader then says why)."""
    count = 0
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for _ in PDFPage.create_pages(document):
            count += 1
            if count >= stop:
                break
    except Exception:  # encrypted, damaged: for the reader to tell
        return count
    return count


class _BoundedZlib:
    """zlib as pdfminer's stream decoder uses it, inflating at most `budget` bytes in all."""

    error = zlib.error

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.left = budget

    def decompress(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self.left + 1)
        if len(out) > self.left:
            raise PdfLimit(Problem("pdf_too_much_data", megabytes(self.budget)))
        if not inflater.eof:  # as zlib.decompress: pdfminer then tries its own repair
            raise zlib.error("incomplete or truncated stream")
        self.left -= len(out)
        return out

    def decompressobj(self, *args, **kwargs):
        return zlib.decompressobj(*args, **kwargs)
