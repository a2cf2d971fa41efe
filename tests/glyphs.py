"""Glyphs laid out on a page as a typesetter would, for the layout, table and furniture tests."""

from __future__ import annotations

import unicodedata

from archive.layout import Glyph

SIZE = 16.0


def advance(char: str, size: float) -> float:
    if char == " ":
        return size * 0.25
    return size if unicodedata.east_asian_width(char) in "WF" else size / 2


def typeset(text: str, *, x: float = 80.0, y: float = 700.0, size: float = SIZE, tracking: float = 0.0,
            every: int = 0) -> list[Glyph]:
    """Glyphs of `text` on one baseline; a tab is a 4 em gap (a table's next cell).

    every=N drops the tracking after every Nth glyph, as where a PDF places each string
    of a line on its own, at a change of font.
    """
    glyphs = []
    for index, char in enumerate(text):
        if char == "\t":
            x += 4 * size
            continue
        width = advance(char, size)
        glyphs.append(Glyph(char, x, x + width, y - 0.12 * size, y + 0.88 * size))
        x += width
        if not (every and index % every == every - 1):
            x += tracking * size
    return glyphs
