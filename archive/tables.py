"""Tables on a PDF page, rebuilt row by row from the positions of their glyphs.

Why not text lines: a table cell is not a line. A header cell wraps ("基础分" over
"分值"), a department name wraps inside its cell ("省新闻出版局（省" / "电影局）"),
and a merged 序号 cell prints its number once, vertically centred over the tied
rows, so on a line of its own or on the middle row. Read line by line, all of
these scatter a row over several lines. Here every glyph is put in its column
and its row, and a row comes out as one line of tab-separated cells, in the form
the text copies of the bulletins have: a merged cell's text in the first row it
spans, the rows below it with that cell empty.

Rows and columns come from the rules where the table is ruled (borders drawn as
lines or thin rectangles): a merged cell is one whose inner border is missing.
An unruled table is found as a block of lines whose cells line up in columns;
its rows are the lines that fill most columns, and every other line (a wrapped
part of a cell, a centred number) belongs to the row nearest it.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from dataclasses import dataclass

from .layout import (
    Glyph,
    Line,
    Page,
    Rule,
    cells,
    group_lines,
    line_text,
    page_tracking,
    read_lines,
)

SNAP = 2.0  # PDF units: rule ends and positions this close are the same
MIN_ROWS = 2  # a table has at least this many rows ...
MIN_COLUMNS = 3  # ... and columns
CELL_LINE = 3  # a line with this many cells or more may be a row of an unruled table


@dataclass(frozen=True)
class Grid:
    """A ruled table: its row and column borders, and which inner borders are drawn."""

    xs: tuple[float, ...]  # column borders, left to right
    ys: tuple[float, ...]  # row borders, top to bottom (descending y)
    horizontal: tuple[Rule, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[-1], self.xs[-1], self.ys[0]

    def contains(self, glyph: Glyph) -> bool:
        x0, y0, x1, y1 = self.box
        return x0 - SNAP <= glyph.centre <= x1 + SNAP and y0 - SNAP <= glyph.middle <= y1 + SNAP

    def drawn(self, y: float, column: int) -> bool:
        """Is the border at height y drawn across the middle of `column`?"""
        middle = (self.xs[column] + self.xs[column + 1]) / 2
        return any(
            abs(r.y0 - y) <= SNAP and r.x0 - SNAP <= middle <= r.x1 + SNAP for r in self.horizontal
        )


def page_lines(page: Page) -> list[Line]:
    """The lines of a page in reading order, each table row one line of tab-separated cells."""
    tracking = page_tracking(group_lines(page.glyphs))
    grids = find_grids(page.rules)
    rows: list[Line] = []
    rest = list(page.glyphs)
    for grid in grids:
        inside = [g for g in rest if grid.contains(g)]
        if not any(g.inked for g in inside):
            continue
        rows.extend(grid_rows(grid, inside, tracking))
        kept = set(map(id, inside))
        rest = [g for g in rest if id(g) not in kept]
    lines = unruled(read_lines(rest, tracking), tracking)
    return sorted(rows + lines, key=lambda line: -line.top)


# --- ruled tables -----------------------------------------------------------------------


def find_grids(rules: tuple[Rule, ...] | list[Rule]) -> list[Grid]:
    """The ruled tables among a page's rules: groups of horizontal and vertical rules
    that cross or touch, with at least MIN_ROWS rows and MIN_COLUMNS columns."""
    segments = [r for r in rules if r.horizontal or r.vertical]
    groups = _connected(segments)
    grids = []
    for group in groups:
        horizontal = [r for r in group if r.horizontal]
        vertical = [r for r in group if r.vertical]
        xs = _snap((r.x0 + r.x1) / 2 for r in vertical)
        if len(xs) < MIN_COLUMNS + 1:
            # Outer borders left out (an open table): the horizontal rules close the
            # outer columns. Not otherwise: a rule that touches the table (a running
            # head's, over a table at the top of a page) is no column.
            ends = (min(r.x0 for r in horizontal), max(r.x1 for r in horizontal))
            xs = _snap([*xs, *ends])
        ys = _snap((r.y0 + r.y1) / 2 for r in horizontal)
        if len(xs) < MIN_COLUMNS + 1 or len(ys) < MIN_ROWS + 1:
            continue
        flat = tuple(
            Rule(r.x0, (r.y0 + r.y1) / 2, r.x1, (r.y0 + r.y1) / 2) for r in horizontal
        )
        grids.append(Grid(tuple(xs), tuple(sorted(ys, reverse=True)), flat))
    return grids


def _snap(values) -> list[float]:
    """Sorted distinct values, those within SNAP of each other counted once."""
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= SNAP:
            continue
        out.append(value)
    return out


MAX_RULES = 4000  # more segments than this on a page is a drawing, not a table


def _connected(segments: list[Rule]) -> list[list[Rule]]:
    """Segments in groups that touch (union-find, pairs found by a sweep along x)."""
    if len(segments) > MAX_RULES:
        return []
    parent = list(range(len(segments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segments)), key=lambda i: segments[i].x0)
    active: list[int] = []
    for i in order:
        a = segments[i]
        active = [j for j in active if segments[j].x1 + SNAP >= a.x0]
        for j in active:
            b = segments[j]
            if a.y0 - SNAP <= b.y1 and b.y0 - SNAP <= a.y1:
                parent[root(i)] = root(j)
        active.append(i)
    groups: dict[int, list[Rule]] = {}
    for i, segment in enumerate(segments):
        groups.setdefault(root(i), []).append(segment)
    return [g for g in groups.values() if any(r.horizontal for r in g) and any(r.vertical for r in g)]


def grid_rows(grid: Grid, glyphs: list[Glyph], tracking: float = 0.0) -> list[Line]:
    """The rows of a ruled table; a cell's text goes to the first row it spans."""
    columns = len(grid.xs) - 1
    rows = len(grid.ys) - 1
    table: list[list[list[Glyph]]] = [[[] for _ in range(columns)] for _ in range(rows)]
    borders = [-y for y in grid.ys]  # ascending, for bisect
    for glyph in glyphs:
        column = min(max(bisect_right(grid.xs, glyph.centre) - 1, 0), columns - 1)
        row = min(max(bisect_right(borders, -glyph.middle) - 1, 0), rows - 1)
        while row > 0 and not grid.drawn(grid.ys[row], column):
            row -= 1  # no border above: the cell goes on from the row above
        table[row][column].append(glyph)
    filled = [row for row in table if any(g.inked for cell in row for g in cell)]
    return [_row_line(row, tracking) for row in filled]


def _row_line(row: list[list[Glyph]], tracking: float) -> Line:
    text = "\t".join(cell_text(cell, tracking) for cell in row)
    return Line(text, [g for cell in row for g in cell], row=True)


def cell_text(glyphs: list[Glyph], tracking: float = 0.0) -> str:
    """A cell's lines joined: nothing between ideographs, a space between Latin words."""
    text = ""
    for members in group_lines(glyphs):
        if not any(g.inked for g in members):
            continue
        part = line_text(members, tracking).replace("\t", " ")
        if text and text[-1].isascii() and text[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            text += " "
        text += part
    return text


# --- unruled tables ---------------------------------------------------------------------


def unruled(lines: list[Line], tracking: float = 0.0) -> list[Line]:
    """`lines` with every block of column-aligned lines rebuilt as table rows."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        block = _block(lines, index, tracking)
        if block is None:
            out.append(lines[index])
            index += 1
            continue
        start, end = block
        rows = [line for line in lines[start:end] if _cell_count(line, tracking) >= CELL_LINE]
        while out and _inside(out[-1], rows) and _close(out[-1], lines[start]):
            start -= 1  # a wrapped header: its upper half is a line of its own
            out.pop()
        out.extend(_rebuild(lines[start:end], tracking))
        index = end
    return out


def _cell_count(line: Line, tracking: float) -> int:
    return len(cells(line.glyphs, tracking))


def _block(lines: list[Line], start: int, tracking: float) -> tuple[int, int] | None:
    """The table starting at `start`, as a range of lines, or None.

    A table is MIN_ROWS lines or more with CELL_LINE cells, each within a few lines of
    the one before, with the short lines between them (wrapped parts of cells) and the
    lines right above the first (a wrapped header) that lie inside its columns.
    """
    if _cell_count(lines[start], tracking) < CELL_LINE:
        return None
    full = [start]
    index = start + 1
    while index < len(lines):
        line = lines[index]
        gap = lines[full[-1]].bottom - line.top
        if gap > 2.5 * lines[full[-1]].size:
            break
        if _cell_count(line, tracking) >= CELL_LINE:
            full.append(index)
        elif not _inside(line, [lines[i] for i in full]):
            break
        index += 1
    if len(full) < MIN_ROWS:
        return None
    end = full[-1] + 1
    rows = [lines[i] for i in full]
    while end < len(lines) and _inside(lines[end], rows) and _close(lines[end - 1], lines[end]):
        end += 1
    return start, end


def _inside(line: Line, rows: list[Line]) -> bool:
    """A short line within the table's width: a wrapped part of some cell."""
    left = min(r.x0 for r in rows)
    right = max(r.x1 for r in rows)
    width = right - left
    return line.x0 >= left - SNAP and line.x1 <= right + SNAP and line.x1 - line.x0 < width / 2


def _close(above: Line, below: Line) -> bool:
    return above.bottom - below.top <= 0.5 * above.size


def _rebuild(block: list[Line], tracking: float) -> list[Line]:
    """Rows of an unruled table: columns from where cells lie, rows from the fullest lines."""
    pieces = [(line, cell) for line in block for cell in cells(line.glyphs, tracking)]
    columns = _columns([(min(g.x0 for g in c), max(g.x1 for g in c)) for _, c in pieces])
    if len(columns) < MIN_COLUMNS:
        return block
    counts = {
        id(line): len({_column(columns, c) for c in cells(line.glyphs, tracking)}) for line in block
    }
    threshold = max(2, len(columns) // 2 + 1)
    anchors = [line for line in block if counts[id(line)] >= threshold]
    if len(anchors) < MIN_ROWS:
        return block
    table = [[[] for _ in columns] for _ in anchors]
    for line, cell in pieces:
        row = _nearest(anchors, line)
        table[row][_column(columns, cell)].extend(cell)
    return [_row_line(row, tracking) for row in table]


def _columns(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Column intervals: the cells' horizontal spans, overlapping ones merged."""
    merged: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 <= merged[-1][1] + SNAP:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _column(columns: list[tuple[float, float]], cell: list[Glyph]) -> int:
    middle = (min(g.x0 for g in cell) + max(g.x1 for g in cell)) / 2
    return min(range(len(columns)), key=lambda i: _distance(columns[i], middle))


def _distance(span: tuple[float, float], x: float) -> float:
    return 0.0 if span[0] <= x <= span[1] else min(abs(span[0] - x), abs(span[1] - x))


def _nearest(anchors: list[Line], line: Line) -> int:
    """The row a line belongs to: the anchor nearest its middle; halfway, the upper one
    (a number centred over two tied rows goes to the first)."""
    distances = [abs(a.middle - line.middle) for a in anchors]
    best = min(distances)
    tolerance = 0.1 * statistics.median(a.size for a in anchors)
    return next(i for i, d in enumerate(distances) if d <= best + tolerance)
