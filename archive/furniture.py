"""Page furniture: running heads and page numbers, told from the text they frame.

Why: a bulletin typeset in the official-document layout repeats a head at the top of
its pages ("窗口工作周报  2024年第37期（总第508期）" over a rule), alternating left and
right, and numbers its pages ("— 2 —", "- 2 -", "第2页", "2/5", "第 2 页 共 5 页").
Read as text, they land inside whatever item a page turn interrupts, and break a
department's name in two ("交通运" | head | "输厅"). A line is furniture when it is
one of the first or last lines of its page and

- it is a page number, in any of the usual forms; or
- the same line, digits aside, stands at the top (or the bottom) of most pages; or
- it stands alone over a rule at the top of a page after the first, and says nothing
  that the first page's masthead does not (a head repeating title and issue number).

Dropping it joins the lines before and after it: the paragraph goes on. Table rows are
furniture in one case only: a table that runs on over a page turn repeats its header
row at the top of the next page; the table goes on without it.
"""

from __future__ import annotations

import re

from .folding import fold
from .layout import Line, Page

BAND = 2  # lines at each end of a page that may be furniture
MASTHEAD_LINES = 8  # the first page's lines a running head may repeat

_DASHES = r"\-—–－―‐~～_·•"
PAGE_NUMBER = re.compile(
    rf"""^(?:
        [{_DASHES}\s]*\d{{1,4}}[{_DASHES}\s]*                           # — 2 —, - 2 -, 2
      | 第\s*\d{{1,4}}\s*页(?:\s*[,，/、]?\s*共\s*\d{{1,4}}\s*页)?       # 第2页, 第 2 页 共 5 页
      | 共\s*\d{{1,4}}\s*页\s*[,，]?\s*第\s*\d{{1,4}}\s*页               # 共5页 第2页
      | \d{{1,4}}\s*/\s*\d{{1,4}}                                          # 2/5
      | (?:page|Page|PAGE)\s*\d{{1,4}}(?:\s*(?:of|/)\s*\d{{1,4}})?       # Page 2 of 5
    )$""",
    re.X,
)
_WHITESPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(fold(text).strip()))


def _shape(line: Line) -> str:
    """A line's text without whitespace, its numbers replaced by '#': what repeats."""
    return _DIGITS.sub("#", _WHITESPACE.sub("", fold(line.text)))


def strip(pages: list[Page], lines: list[list[Line]]) -> list[list[Line]]:
    """Each page's lines without its running heads and page numbers."""
    # Heights from the page's top edge for heads, from its bottom edge for feet: the same
    # on a landscape page as on the portrait ones.
    heads = [
        ([(_shape(line), page.height - line.middle, line.size) for line in page_lines[:BAND]], True)
        for page, page_lines in zip(pages, lines, strict=True)
    ]
    feet = [
        ([(_shape(line), line.middle, line.size) for line in page_lines[-BAND:]], False)
        for page_lines in lines
    ]
    most = max(2, (len(lines) + 1) // 2)
    first = lines[0][:MASTHEAD_LINES] if lines else []
    masthead = _WHITESPACE.sub("", fold("".join(line.text for line in first)))
    out = []
    for page, page_lines in zip(pages, lines, strict=True):
        drop: set[int] = set()
        count = len(page_lines)
        for index in [*range(min(BAND, count)), *range(max(count - BAND, 0), count)]:
            line = page_lines[index]
            if line.row:
                continue
            top = index < BAND
            height = page.height - line.middle if top else line.middle
            edge = index == (0 if top else count - 1)
            bands = heads if top else feet
            repeated = _pages_with(bands, _shape(line), height, line.size, edge) >= most
            if is_page_number(line.text) or repeated:
                drop.add(index)
            elif top and index == 0 and page.number > 1 and count > 1:
                if _ruled_off(page, line, page_lines[1]) and _repeats(line, masthead):
                    drop.add(index)
        kept = [line for i, line in enumerate(page_lines) if i not in drop]
        repeated = _repeated_header(out, kept)
        out.append([line for line in kept if line is not repeated])
    return out


def _repeated_header(before: list[list[Line]], page_lines: list[Line]) -> Line | None:
    """The first row of a page, when the page before ends in a table whose first row
    (its header, perhaps pages back) says the same."""
    if not page_lines or not page_lines[0].row or not before or not before[-1] or not before[-1][-1].row:
        return None
    header = None
    for lines in reversed(before):
        run = 0
        while run < len(lines) and lines[len(lines) - 1 - run].row:
            run += 1
        header = lines[len(lines) - run] if run else header
        if run < len(lines):
            break
    if header is not None and _shape(header) == _shape(page_lines[0]):
        return page_lines[0]
    return None


def _pages_with(
    bands: list[list[tuple[str, float, float]]], shape: str, height: float, size: float, edge: bool
) -> int:
    """On how many pages the same line (digits aside) stands at the same height, in the
    same size: a title on the first page is not the running head that repeats it. The
    line at the very edge of its page may stand elsewhere on other pages (a landscape
    page has margins of its own)."""
    return sum(
        any(
            s == shape
            and abs(z - size) <= 0.2 * size
            and (abs(h - height) <= size or (edge and i == edge_index))
            for i, (s, h, z) in enumerate(band)
        )
        for band, edge_index in ((band, 0 if top else len(band) - 1) for band, top in bands)
    )


def _ruled_off(page: Page, line: Line, below: Line) -> bool:
    """A rule runs under the line, above the next one, across a third of the page or more."""
    return any(
        r.horizontal
        and below.top <= r.y0 <= line.bottom
        and r.x1 - r.x0 >= page.width / 3
        for r in page.rules
    )


def _repeats(line: Line, masthead: str) -> bool:
    """Every part of the line (cells, words) is found in the first page's masthead."""
    parts = [p for p in re.split(r"[\t ]+", fold(line.text)) if p]
    return bool(parts) and all(part in masthead for part in parts)
