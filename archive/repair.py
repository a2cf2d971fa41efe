"""Repair text extracted from a PDF: normalise characters, and decide how wrapped lines join.

Extracted bulletins have hard wraps every ~30 characters, blank lines between
them, page-break lines that start with a space, ASCII and full-width brackets
mixed, and stray spaces around numbers ("2025 年 2 月 27 日"). This module knows
nothing of a bulletin's structure: the parser decides which lines are structural
and asks `joiner` how the others continue a paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .folding import fold

_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(ord("０"), ord("９") + 1)}
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(ord("ａ"), ord("ｚ") + 1)})
_TRANSLATE = {
    **_FULLWIDTH_ALNUM,
    ord("("): "（",
    ord(")"): "）",
    ord("\u00a0"): " ",
    ord("\u3000"): " ",
    ord("\u2002"): " ",
    ord("\u2003"): " ",
    ord("\u200b"): None,
    ord("\ufeff"): None,
}

_IDEOGRAPH = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation, full-width forms and the quotes/dashes Chinese text uses.
_IDEOGRAPH_CHAR = re.compile(rf"[{_IDEOGRAPH}]")
_WHITESPACE = re.compile(r"\s")
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
_SPACE_NEXT_TO_PUNCT = re.compile(rf" +(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) +")
_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d) +(?=[{_IDEOGRAPH}])|(?<=[{_IDEOGRAPH}]) +(?=\d)")
_COLON_AFTER_CJK = re.compile(rf"(?<=[{_IDEOGRAPH}]):")
_FULLWIDTH_DOT_AFTER_DIGIT = re.compile(r"(?<=\d)．")
_SPACES = re.compile(r" {2,}")

TERMINAL = re.compile(r"[。！？!?][”’」』）]?$")
_OPEN_END = re.compile(r"[，、“‘（《]$")


def normalise_line(line: str) -> str:
    """One physical line, with brackets, digits, colons and stray spaces normalised.

    Tabs are kept: they separate the cells of attachment tables. A repaired line
    repairs to itself (flat text, section filters and the gazetteer normalise
    again what was stored): hence the decimal point after the spaces ("1 ．5" is
    "1．5" only once the space goes), and NFC last, as the translation and the
    spaces removed can bring a letter and its accent together (a full-width Ａ,
    a zero-width mark, a combining accent). Radicals are folded first (see
    `folding`): "（⼀）" is the label "（一）".
    """
    return _normalise_folded(fold(line))


def _normalise_folded(line: str) -> str:
    text = line.translate(_TRANSLATE)
    # The colon after an ideograph once the letter-spacing is gone ("年 : 1" is "年：1"), before
    # the spaces next to punctuation go ("年: 1" is "年：1"): either order alone is no fixed point.
    cells = [
        _normalise_spaces(_COLON_AFTER_CJK.sub("：", _unspace(cell))) for cell in text.split("\t")
    ]
    text = "\t".join(cells).strip(" ") if len(cells) > 1 else cells[0].strip()
    return unicodedata.normalize("NFC", _FULLWIDTH_DOT_AFTER_DIGIT.sub(".", text))


def _unspace(text: str) -> str:
    """A letter-spaced cell ("一 、 政 务 工 作 动 态", as copied out of a PDF whose
    characters are spaced out) without its spacing.

    Letter-spaced means every run of ink is one character, at least one of them an
    ideograph, with three runs or more (two when both are ideographs); how wide the
    gaps are does not count, since repair makes every gap one space and the result
    must repair to itself. Anything else is left alone: "AI 创新中心", "1031 人次",
    "第 1 期" keep their runs.
    """
    if _WHITESPACE.search(text) is None:  # most cells: one scan, no split
        return text
    runs = text.split()
    if len(runs) < 2 or any(len(run) != 1 for run in runs):
        return text
    ideographs = sum(1 for run in runs if _IDEOGRAPH_CHAR.match(run))
    if not ideographs or (len(runs) == 2 and ideographs < 2):
        return text
    return "".join(runs)


def _normalise_spaces(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _SPACE_NEXT_TO_PUNCT.sub("", text)
    return _SPACE_DIGIT_CJK.sub("", text).strip()


def physical_lines(text: str) -> list[str]:
    """Non-blank lines of a document, normalised, in order."""
    return [line for _, line in paged_lines(text)]


def paged_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines of a document, normalised, in order, each with the page it is on:
    the extraction parts a PDF's pages by form feeds (1 for a text without any)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    page, out = 1, []
    for raw in fold(text).split("\n"):  # radicals folded once, not per line
        page += raw.count("\f")
        line = _normalise_folded(raw)
        if line.strip():
            out.append((page, line))
    return out


def display_width(text: str) -> int:
    """Width in half-em units: CJK characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(frozen=True)
class Layout:
    """What the line lengths say: is the text hard-wrapped, and at what width?"""

    hard_wrapped: bool
    width: int  # typical full line width in half-em units (0 when not hard-wrapped)

    def is_full(self, line: str) -> bool:
        """A line that reaches the right margin may have been cut anywhere."""
        return self.hard_wrapped and display_width(line) >= self.width * 0.9


def measure(lines: list[str]) -> Layout:
    """Detect hard wrapping: most long lines end near the same right margin."""
    widths = sorted(display_width(line) for line in lines if "\t" not in line)
    widths = [w for w in widths if w >= 20]
    if len(widths) < 5:
        return Layout(False, 0)
    width = widths[int(len(widths) * 0.75)]
    near = sum(1 for w in widths if abs(w - width) <= 6)
    if near / len(widths) >= 0.4:
        return Layout(True, width)
    return Layout(False, 0)


def separator(previous: str, following: str, layout: Layout, *, title: bool = False) -> str:
    """How a paragraph continues from one physical line to the next.

    "" joins a wrapped line ("公" + "安厅"); "\\n" marks a real paragraph end:
    a line ending a sentence that stops short of the margin (or any sentence end
    when the text is not hard-wrapped), or a short title line such as
    "省本级综窗办件情况".
    """
    if title:
        return "\n"
    if TERMINAL.search(previous) and not layout.is_full(previous):
        return "\n"
    if (
        previous[-1:].isascii()
        and following[:1].isascii()
        and previous[-1:].isalpha()
        and following[:1].isalpha()
    ):
        return " "
    return ""


_UNFINISHED_END = re.compile(r"[\d年月和与及、的]$")


def looks_unfinished(text: str) -> bool:
    """A heading cut short: an unclosed bracket or quote, or an end no title has ("2025年1月")."""
    pairs = (("（", "）"), ("“", "”"), ("《", "》"))
    if any(text.count(a) > text.count(b) for a, b in pairs):
        return True
    return bool(_UNFINISHED_END.search(text))


def ends_open(line: str) -> bool:
    """A line that stops mid-sentence for sure (after a comma or an opening bracket)."""
    return bool(_OPEN_END.search(line))


def is_title(text: str, layout: Layout) -> bool:
    """A short heading-like line: no sentence punctuation, and not cut at the margin."""
    if not text or len(text) > 18 or re.search(r"[，、。；：,;:！？]", text):
        return False
    return not (layout.hard_wrapped and display_width(text) >= layout.width * 0.8)
