"""Hypothesis strategies for the property tests: text that often collides with what the code
under test looks for, and bulletins broken the ways extractions and editors break them.

Kept apart from the tests so that a strategy is written once and a test module
imports strategies, never another test module. (Settings common to every
property, no example database and no deadline, are the profile of conftest.py.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st

from indexer.query import MAX_QUERY_LENGTH

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be in a str


def soup(pieces: Sequence[str], *, min_size: int = 0, max_size: int) -> st.SearchStrategy[str]:
    """Arbitrary text in which the `pieces` (characters or longer strings) come up often:
    two draws in three.

    A list joined, not `st.text(st.one_of(...))`: Hypothesis merges those alphabets into
    one range of code points and then almost never draws the rare ones ("．").
    """
    piece = st.one_of(st.sampled_from(pieces), st.sampled_from(pieces), ANY_CHARACTER)
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join)


def wrap(line: str, width: int) -> list[str]:
    """Hard wraps every `width` characters, anywhere: inside a name, a number or a date."""
    return [line[i : i + width] for i in range(0, len(line), width)] or [line]


def rewrap(lines: list[str], width: int) -> list[str]:
    """Every line cut every `width` characters, as an extraction does; table rows stay whole."""
    return [piece for line in lines for piece in ([line] if "\t" in line else wrap(line, width))]


# --- repair ------------------------------------------------------------------------------

# What repair rewrites, removes or keeps apart: spaces of every width, zero-width marks,
# full-width digits and letters, brackets of both widths, colons, the full-width point,
# combining accents, CJK punctuation, tabs and line ends.
REPAIR_CHARACTERS = (
    "12０１ 　\u00a0\u2002\u2003\u200b\ufeff．.:：()（）年月公Aａ\u0301\u302a。，“”\t\n\r"
    "⼀⻔⺠\u2e80\u2e9a\u2fd6"  # radicals, and code points of their blocks that stand for none
)

# --- bulletins ---------------------------------------------------------------------------

CORPUS_TEXTS = [path.read_text("utf-8") for path in sorted(CORPUS.glob("*.txt"))]

# What bulletins are made of, so that arbitrary text often collides with the grammar:
# numerals, brackets of both widths, the colons and dashes of labels and periods, and
# the whitespace and invisible characters extraction leaves behind.
BULLETIN_CHARACTERS = (
    '一二三四五六七八九十〇0123456789０１２（）()、.．：:—-~至，。；！？“”"「」《》'
    "年月日期总第报发送附件共印份序号本周省厅局窗口周报月报情况动态"
    "\t\n\r \u3000\u00a0\u200b\ufeff\u0301\x0b\x0c\x85\u2028"
)
# Lines that open a block somewhere in the grammar, and lines that only look like one.
STRUCTURE = (
    "二、", "三、", "十、", "十一、", "（一）", "（二）", "（三）", "（十）", "(二)", "（1）",
    "（2）", "1.", "2.", "3、", "1.1月5日，", "4.83 万件", "附件：", "附件", "附件2：",
    "报：", "发：", "送:", "（共印100份）", "序号\t部门窗口\t基础分\t减分\t加分\t实得分",
    "1\t公安厅\t100\t0\t2\t102", "\t民政厅\t100\t0\t1\t101", "一、2025年6月总体运行情况",
    "（12月30日—1月3日）", "2024年第37期（总第508期）", "第 3 期", "2025年1月10日",
    "窗口工作周报", "政务窗口月报", "本周，", "6月，", "12月31日，", "1月2日，",
    "9月10日-12日，", "6月16日—5月3日，", "2月29日，", "2023年2月29日，", "2023年11月，",
)  # fmt: skip
TAILS = ("", "政务工作动态", "本周，公安厅召开会议。", "住建厅窗口", "2 万件。")
# Any characters, and often a bulletin's characters, structure lines and line ends.
PIECES = [*BULLETIN_CHARACTERS, *STRUCTURE, *["\n"] * 10]


def arbitrary_text(masthead: str) -> st.SearchStrategy[str]:
    """Bulletin-ish soup, alone or after `masthead` (so that it reaches the body's state machine)."""
    return st.one_of(soup(PIECES, max_size=150), soup(PIECES, max_size=150).map(masthead.__add__))


ACTIONS = ("delete", "duplicate", "swap", "join", "split", "insert", "prefix", "inject")


@st.composite
def mutated_bulletins(draw) -> str:
    """A corpus bulletin with lines deleted, duplicated, swapped, joined and split, headings,
    labels and footer lines inserted, characters injected, rewrapped at a random width,
    with blank lines and page breaks.

    Few enough mutations that most examples are still bulletins (more than four in five
    parse), so that the properties are checked on Issues, not only on refusals.
    """
    lines = [line for line in draw(st.sampled_from(CORPUS_TEXTS)).split("\n") if line.strip()]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(lines)))
        here = min(at, len(lines) - 1)
        action = draw(st.sampled_from(ACTIONS))
        if action == "delete" and len(lines) > 1:
            del lines[here]
        elif action == "join" and here + 1 < len(lines):
            lines[here] += lines.pop(here + 1)
        elif action == "split":
            cut = draw(st.integers(0, len(lines[here])))
            lines[here : here + 1] = [lines[here][:cut], lines[here][cut:]]
        elif action == "duplicate":
            lines.insert(here, lines[here])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[here], lines[other] = lines[other], lines[here]
        elif action == "insert":
            lines.insert(at, draw(st.sampled_from(STRUCTURE)) + draw(st.sampled_from(TAILS)))
        elif action == "prefix":
            lines[here] = draw(st.sampled_from(STRUCTURE)) + lines[here]
        else:
            cut = draw(st.integers(0, len(lines[here])))
            noise = draw(soup(BULLETIN_CHARACTERS, min_size=1, max_size=3))
            lines[here] = lines[here][:cut] + noise + lines[here][cut:]
    if draw(st.booleans()):
        lines = rewrap(lines, draw(st.integers(4, 60)))
    page = draw(st.integers(5, 40))  # a page break every `page` lines: a line starting with a space
    lines = [" " + line if i % page == page - 1 else line for i, line in enumerate(lines)]
    return draw(st.sampled_from(["\n", "\n\n", "\n \n", "\r\n"])).join(lines)


WIDTHS = st.integers(min_value=8, max_value=40)  # of a hard-wrapped line


@st.composite
def rewrapped(draw, printed: list[tuple[str, str]], *, per_paragraph: bool) -> str:
    """A bulletin's printed lines ((kind, line), kind "text" for a paragraph) with the
    paragraphs wrapped at drawn widths, blank lines and page breaks sprinkled in, as an
    extraction gives it.

    Table rows are printed whole, and so are section headings: the bulletins'
    headings (at most 17 characters) never reach a 28–30 character margin;
    test_a_section_heading_wrapped_at_the_margin_keeps_its_title covers the
    narrower widths that cut them.
    """
    width = draw(WIDTHS)
    physical: list[str] = []
    for kind, line in printed:
        if kind == "text":
            physical.extend(wrap(line, draw(WIDTHS) if per_paragraph else width))
        else:
            physical.append(line)
    indices = st.integers(min_value=0, max_value=len(physical) - 1)
    blank_after = draw(st.sets(indices, max_size=len(physical)))
    page_breaks = draw(st.sets(indices, max_size=len(physical)))
    out: list[str] = []
    for index, line in enumerate(physical):
        out.append(" " + line if index in page_breaks else line)
        if index in blank_after:
            out.append("")
    return "\n".join(out)


# --- queries -----------------------------------------------------------------------------

# Words of the index and what the language is made of, with what a user may paste in:
# operators in any case, quotes and brackets of every width, dashes, full-width and
# other spaces, punctuation, control characters.
QUERY_PIECES = (
    "公安厅", "民政厅", "住建厅", "培训", "会议", "一窗受理", "召开", "窗口", "业务培训会议。",
    "OR", "AND", "NOT", "or", "|", "-", "--", '"', "“", "”", "「", "」", "‘", "’",
    "(", ")", "（", "）", "-(", '-"', " ", " ", " ", "\u3000", "\t", "\n", "，", "。",
    "、", "…", "a", "1", "12345", "\x00", "\u200b",
)  # fmt: skip
# Queries as the language builds them, from those words and any characters: most parse.
WORDS = st.one_of(
    st.sampled_from(
        ["公安厅", "民政厅", "住建厅", "培训", "会议", "一窗受理", "，。", "a", "12345"]
    ),
    st.text(ANY_CHARACTER, min_size=1, max_size=3),
)
TERMS = st.one_of(
    WORDS,
    WORDS.map(lambda w: f'"{w}"'),
    WORDS.map(lambda w: f"“{w}”"),
    WORDS.map(lambda w: f"-{w}"),
)
WELL_FORMED = st.recursive(
    TERMS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" ", " OR ", " | ", " AND ", "\u3000"]), inner).map(
            "".join
        ),
        inner.map(lambda q: f"NOT {q}"),
        inner.map(lambda q: f"-({q})"),
        inner.map(lambda q: f"（{q}）"),
    ),
    max_leaves=12,
)
QUERIES = st.one_of(
    WELL_FORMED,
    soup(QUERY_PIECES, max_size=30),
    st.tuples(soup(QUERY_PIECES, min_size=1, max_size=20), st.integers(150, 250)).map(
        lambda query_length: (query_length[0] * 250)[: query_length[1]]
    ),  # long, around MAX_QUERY_LENGTH
    st.text(ANY_CHARACTER, max_size=MAX_QUERY_LENGTH + 20),
)


@st.composite
def seams(draw, texts: Sequence[str]) -> str:
    """The end of one of `texts`, anything, the start of another: where substring search
    over documents joined in one string could run on from one into the next."""
    end = draw(st.sampled_from(texts))
    start = draw(st.sampled_from(texts))
    middle = draw(soup(["\x00", " ", "\n", "。", "，", "\x1f"], max_size=2))
    return end[-draw(st.integers(1, 4)) :] + middle + start[: draw(st.integers(1, 4))]
