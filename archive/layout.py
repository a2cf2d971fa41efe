"""The geometry of a PDF page: glyphs and rules in, lines of text out.

Why here and not pdfminer's layout analysis: its text boxes reorder the columns
of the bulletins' tables and merge lines. This module sees only positions (no
PDF library, no bulletin vocabulary): it groups glyphs into lines, and decides
from the gaps between them where a space, a table cell or nothing stands.
Letter-spaced text (tracking) has a gap between every two glyphs, uniform along
the line; that gap is the line's tracking, not a space, and is taken off every
gap before spaces and cells are decided.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise

# Gaps between glyphs, in units of the line's font size (em), once its tracking is off.
TAB_GAP = 1.5  # wider than this separates table cells
SPACE_GAP = 0.3  # wider than this is a space
# Tracking: the median gap of a line, when most gaps are that wide (within TRACKING_SPREAD)
# and it is at least MIN_TRACKING (justified text spreads a line by less) and at most
# MAX_TRACKING (the columns of a table are further apart than any letter-spacing).
MIN_TRACKING = 0.08
MAX_TRACKING = 1.2
TRACKING_SPREAD = 0.15
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LINE_TOLERANCE = 0.5  # glyphs whose middles are closer than this (em) share a line


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character drawn on a page: its text and its box (PDF units, y upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def size(self) -> float:
        return self.y1 - self.y0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def inked(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn straight line (or a thin filled rectangle): a table border or a rule."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y1 - self.y0 <= RULE_THICKNESS and self.x1 - self.x0 > RULE_THICKNESS

    @property
    def vertical(self) -> bool:
        return self.x1 - self.x0 <= RULE_THICKNESS and self.y1 - self.y0 > RULE_THICKNESS


RULE_THICKNESS = 3.0  # PDF units: thicker than this is a filled area, not a line


@dataclass(frozen=True)
class Page:
    """What a page shows: its size, its glyphs and its rules."""

    number: int  # 1-based
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...] = ()


@dataclass
class Line:
    """A line of text on a page: table cells are separated by tabs."""

    text: str
    glyphs: list[Glyph] = field(repr=False)
    row: bool = False  # a row of a table (see `tables`)

    @property
    def top(self) -> float:
        return max(g.y1 for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return min(g.y0 for g in self.glyphs)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs if g.inked)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs if g.inked)

    @property
    def size(self) -> float:
        return statistics.median(g.size for g in self.glyphs if g.inked)


def group_lines(glyphs: list[Glyph] | tuple[Glyph, ...]) -> list[list[Glyph]]:
    """Glyphs whose middles lie within half the smaller one's size share a line;
    lines top to bottom, each left to right."""
    lines: list[tuple[float, float, list[Glyph]]] = []  # (middle, size, glyphs)
    for glyph in sorted(glyphs, key=lambda g: (-g.middle, g.x0)):
        if lines:
            middle, size, members = lines[-1]
            if abs(middle - glyph.middle) <= LINE_TOLERANCE * min(size, glyph.size or size):
                members.append(glyph)
                continue
        lines.append((glyph.middle, glyph.size, [glyph]))
    return [sorted(members, key=lambda g: g.x0) for _, _, members in lines]


def read_lines(glyphs: list[Glyph] | tuple[Glyph, ...], tracking: float = 0.0) -> list[Line]:
    """The lines of text the glyphs make, top to bottom; lines without ink are dropped.
    `tracking` is the page's letter-spacing (em), for lines too short to show their own."""
    lines = []
    for members in group_lines(glyphs):
        if any(g.inked for g in members):
            lines.append(Line(line_text(members, tracking), members))
    return lines


def cells(glyphs: list[Glyph], tracking: float = 0.0) -> list[list[Glyph]]:
    """One line's glyphs (left to right), split where a gap is wide enough to part table
    cells; the space glyphs inside a cell stay with it."""
    ink = [g for g in glyphs if g.inked]
    if not ink:
        return []
    em = statistics.median(g.size for g in ink)
    spacing = _tracking(ink, em, tracking)
    out: list[list[Glyph]] = [[]]
    pending: list[Glyph] = []
    before: Glyph | None = None
    for glyph in glyphs:
        if not glyph.inked:
            pending.append(glyph)
            continue
        if before is not None and glyph.x0 - before.x1 - spacing > TAB_GAP * em:
            out.append([])
        elif before is not None:
            out[-1].extend(pending)
        out[-1].append(glyph)
        pending, before = [], glyph
    return out


def line_text(glyphs: list[Glyph], tracking: float = 0.0) -> str:
    """Join one line's glyphs (left to right): a wide gap is a tab, a moderate gap or a
    space glyph a space, the line's tracking nothing.

    Why gaps are measured between inked glyphs: a font's space glyph may be narrower
    than SPACE_GAP, and a table's cell gap may or may not be filled with spaces. Where
    every gap holds a space glyph, the spaces are the tracking, as some typesetters
    letter-space a title ("窗 口 工 作 周 报").
    """
    ink = [g for g in glyphs if g.inked]
    if not ink:
        return ""
    em = statistics.median(g.size for g in ink)
    spacing = _tracking(ink, em, tracking)
    spaced = _spaced_gaps(glyphs)
    spaces_are_tracking = (
        spacing > 0
        and sum(spaced) * 3 >= max(1, len(spaced)) * 2
        and sum(1 for g in ink if _IDEOGRAPH.match(g.text)) * 2 >= len(ink)
    )
    parts = [ink[0].text]
    for index, (before, glyph) in enumerate(pairwise(ink)):
        gap = glyph.x0 - before.x1 - spacing
        if gap > TAB_GAP * em:
            parts.append("\t")
        elif gap > SPACE_GAP * em or (spaced[index] and not spaces_are_tracking):
            parts.append(" ")
        parts.append(glyph.text)
    return "".join(parts)


def _spaced_gaps(glyphs: list[Glyph]) -> list[bool]:
    """For each gap between two inked glyphs: is there a space glyph in it?"""
    spaced: list[bool] = []
    seen_ink, blank = False, False
    for glyph in glyphs:
        if not glyph.inked:
            blank = True
            continue
        if seen_ink:
            spaced.append(blank)
        seen_ink, blank = True, False
    return spaced


def _tracking(ink: list[Glyph], em: float, fallback: float = 0.0) -> float:
    """The letter-spacing of a line: the gap that its positive gaps share, or 0.

    Positive gaps, because a tracked line may still have some without the spacing: a
    reader that adds it only between the glyphs of one string (pdfminer does; the
    archive's reader corrects it, see `extract`) or a PDF that places each string of a
    line on its own sees none where a new string starts, as at every change of font.
    The positive gaps must be a third of all or more, and mostly the same width;
    where the gaps hold space glyphs, the line must be mostly ideographs (spaces after
    every Latin word are spaces). A line of two glyphs or fewer cannot tell spacing
    from a space: it takes `fallback` (em), the spacing of its page.
    """
    gaps = [b.x0 - a.x1 for a, b in pairwise(ink)]
    if len(gaps) < 2:
        return fallback * em
    positive = [gap for gap in gaps if gap >= MIN_TRACKING * em]
    if len(positive) < 2 or len(positive) * 3 < len(gaps):
        return 0.0
    typical = statistics.median(positive)
    if typical > MAX_TRACKING * em:
        return 0.0
    near = sum(1 for gap in positive if abs(gap - typical) <= TRACKING_SPREAD * em)
    return typical if near * 3 >= len(positive) * 2 else 0.0


def page_tracking(lines: list[list[Glyph]]) -> float:
    """The letter-spacing (em) of a page whose lines are mostly letter-spaced, else 0:
    what its lines too short to tell are taken to have (a table cell "2 0")."""
    spacings = []
    for glyphs in lines:
        ink = [g for g in glyphs if g.inked]
        if len(ink) >= 4:
            em = statistics.median(g.size for g in ink)
            spacings.append(_tracking(ink, em) / em)
    tracked = [s for s in spacings if s > 0]
    if not tracked or len(tracked) * 2 <= len(spacings):
        return 0.0
    return statistics.median(tracked)
