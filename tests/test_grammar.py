"""archive.grammar: the patterns of a bulletin read any line in time linear in its length.

A file is anyone's to write; a pattern that backtracks turns one line of digits
or spaces into minutes of CPU and a batch that never ends. The table row is
read by a function (`table_row`) that must match exactly what the pattern it
replaced matched, on any line.
"""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive import grammar
from archive.figures import extract_figures
from archive.parse import ParseError, parse

# The pattern `table_row` replaced, kept here as its specification (it is quadratic).
TABLE_ROW = re.compile(
    r"^(?P<seq>\d{1,3})?\s*(?P<name>[^\d\s\-][^\t]*?)\s*"
    r"(?P<base>-?\d+(?:\.\d+)?)\s+(?P<deduction>-?\d+(?:\.\d+)?)\s+"
    r"(?P<bonus>-?\d+(?:\.\d+)?)\s+(?P<score>-?\d+(?:\.\d+)?)$"
)

# What makes patterns backtrack: digits (ASCII, full-width, other scripts'), points, signs,
# spaces of every kind, tabs, brackets, the enumeration comma, and the words rules open with.
SPACES = [" ", "\t", "\u2009", "\u3000", "\u00a0", "\u2002", "\u2003", "\u200b", "\x0b", "\x1c"]
PIECES = [
    *"0123456789", "１", "٣", ".", "．", "-", "－", "—", "~", *SPACES,
    "（", "）", "(", ")", "、", "：", ":", "，", "。", "%",
    "附件", "报", "发", "第", "期", "年", "月", "日", "共印", "份", "序号", "总第",
    "一", "二", "十", "甲", "公安厅", "情况", "万件", "件次", "人", "次", "受理", "咨询", "惠企政策",
]  # fmt: skip
SHORT_LINES = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(SHORT_LINES)
def test_table_row_reads_exactly_what_the_table_row_pattern_matched(line):
    found, expected = grammar.table_row(line), TABLE_ROW.match(line)

    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found._asdict() == {
            "seq": expected["seq"],
            "name": expected["name"],
            "base": expected["base"],
            "deduction": expected["deduction"],
            "bonus": expected["bonus"],
            "score": expected["score"],
        }


def test_table_row_reads_the_rows_of_an_assessment_table():
    assert grammar.table_row("1 省公安厅 100 -0.5 0 99.5") == grammar.TableRow(
        "1", "省公安厅", "100", "-0.5", "0", "99.5"
    )
    assert grammar.table_row("\t省税务局\t100\t0\t1\t101").seq is None
    assert grammar.table_row("省公安厅 100 0 0") is None  # three numbers: not a row
    assert grammar.table_row("4.83 万件 1 2 3 4") is not None  # the name is what is left


# --- long adversarial lines -------------------------------------------------------

LENGTH = 30_000  # characters: ten times the longest bulletin, a line no file should hold
BOUND = 3.0  # seconds to parse a document holding such a line (linear: ~0.1 s; quadratic: minutes)
OPENERS = ["", "附件", "附件1", "1.", "1、", "（一）", "（1）", "一、", "报：", "（共印", "序号 ", "甲"]
CLOSERS = ["", "x", " 1 2 3", "\t1\t2\t3", "份）", "日）", "情况", "1"]


@st.composite
def long_lines(draw) -> str:
    """A structure's opening, a short motif repeated to LENGTH characters, and an ending."""
    motif = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4)))
    return (
        draw(st.sampled_from(OPENERS))
        + motif * (LENGTH // len(motif) + 1)
        + draw(st.sampled_from(CLOSERS))
    )


def bulletin_holding(line: str) -> str:
    """A weekly with the line in every place a line can be: masthead, body, items (one the
    figures are read from), table, footer."""
    return "\n".join(
        [
            "窗口工作周报",
            line,
            "2024年第37期（总第508期）",
            "（9月9日—9月13日）",
            "一、政务服务",
            line,
            "（一）公安厅窗口办件情况",
            line,
            "（二）省本级综窗办件情况：本周受理",
            line,
            "（三）惠企政策解读",
            line,
            "附件1：窗口考核结果",
            line,
            "序号 部门窗口 基础分 扣分 加分 总分",
            "1 省公安厅 100 0 0 100",
            line,
            "报：省政府办公厅",
            line,
            "（共印20份）",
        ]
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_lines())
@example("甲" + "1" * LENGTH)  # TABLE_ROW: 37 s at 20,000
@example("一、" + "\u00a0\u2009" * (LENGTH // 2) + " 1 2 3")  # TABLE_ROW: 84 s
@example("受理" + "\u2009" * LENGTH + "x")  # a figure's label, then spaces that lead to no number
@example("人" + " \u2009" * (LENGTH // 2))  # 人（次）
@example("惠企政策" * (LENGTH // 4))  # 惠企政策…解读 searched to the end from every one
def test_every_pattern_reads_a_long_adversarial_line_in_linear_time(line):
    started = time.process_time()
    for _, pattern in grammar.BODY_RULES + grammar.HEADER_RULES:
        pattern.match(line)
        pattern.search(line)
    grammar.table_row(line)
    grammar.TABLE_HEADER.match(line)
    grammar.HEADING_ENDINGS.search(line)
    try:
        issue = parse(bulletin_holding(line))
    except ParseError:
        pass  # refused (too long an item, say) is an answer too: in bounded time
    else:
        extract_figures(issue)  # read when the issue is stored
    assert time.process_time() - started < BOUND, f"{line[:40]!r}… of {len(line)} characters"


def test_a_line_of_twenty_thousand_digits_is_read_at_once():
    """The case that was seen: 37.5 s for one such line in an attachment (TABLE_ROW)."""
    for line in ("甲" + "1" * 20_000, "甲" + "\u2009" * 20_000 + "1", "附件" + " " * 20_000 + "x"):
        started = time.process_time()
        grammar.table_row(line)
        grammar.match(grammar.BODY_RULES, line)
        assert time.process_time() - started < 0.5
