"""The patterns of a bulletin, as data: one named, ordered table.

Each rule matches one normalised physical line (see `repair.normalise_line`).
Whether a match is accepted as structure depends on where the parser is (a
section heading must carry the next numeral, an item label the next number);
that logic lives in `parse.py`, the patterns live here.

Every pattern runs in time linear in the line, whatever the line holds (a
file is anyone's to write): no two quantified parts may compete for the same
characters, numbers have a bounded number of digits, and the table row, whose
name and numbers do compete, is read by `table_row` from the end of the line
rather than by a backtracking pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

CN_NUM = "一二三四五六七八九十"
DASH = "—–\\-－~～至到"


class Rule(NamedTuple):
    name: str
    pattern: re.Pattern[str]


def _rule(name: str, pattern: str) -> Rule:
    return Rule(name, re.compile(pattern))


# Facts of the masthead. They are searched for in the whole masthead with its
# whitespace removed, not line by line, because a header line may be missing
# or wrapped ("…服务中心 2024年" / "12月25日"). Tried in this order; the text a
# fact matched is blanked out before the next is looked for, so the period's
# days are never taken for the publication date.
HEADER_RULES: tuple[Rule, ...] = (
    _rule(
        "issue_line",
        r"(?:(?P<year>\d{4})年)?第(?P<number>\d{1,4})期(?:（总第(?P<total>\d{1,5})期）)?",
    ),
    _rule(
        "period",
        rf"（(?:\d{{4}}年)?(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日[{DASH}]+"
        rf"(?:\d{{4}}年)?(?:(?P<m2>\d{{1,2}})月)?(?P<d2>\d{{1,2}})日）",
    ),
    _rule("title", r"(?P<name>窗口工作周报|政务窗口月报)"),
    _rule("published", r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
)

# Lines that open a block of the body, in the order they are tried.
BODY_RULES: tuple[Rule, ...] = (
    _rule("section", rf"^(?P<numeral>[{CN_NUM}]{{1,3}})、\s*(?P<title>.+)$"),
    # (?>…) and *+ give back nothing: "附件" and a run of spaces is tried once, not once per split.
    _rule("attachment", r"^附件(?>\s*)(?P<number>\d{0,3})(?>\s*)(?:[：:]\s*(?P<title>.*))?$"),
    _rule("report_to", r"^报\s*+[：:]\s*(?P<text>.*)$"),
    _rule("send_to", r"^(?:发|送)\s*+[：:]\s*(?P<text>.*)$"),
    _rule("copies", r"^（共印\s*+(?P<copies>\d{1,7})\s*+份）$"),
    _rule("label_cn", rf"^（(?P<num>[{CN_NUM}]{{1,3}})）\s*(?P<text>.*)$"),
    _rule("label_paren", r"^（(?P<num>\d{1,2})）\s*(?P<text>.*)$"),
    # "1.xxx" and "1.1月5日，…" are labels; "4.83 万件" and "1.2万件次" are not.
    _rule("label_dot", r"^(?P<num>\d{1,2})[.、](?P<text>(?:\d{1,2}月|[^\d\s.]).*)$"),
)

FOOTER_RULES = ("report_to", "send_to", "copies")
LABEL_RULES = ("label_cn", "label_paren", "label_dot")

class TableRow(NamedTuple):
    """A row of the 窗口考核结果 table as printed: 序号 (or None), 部门窗口, then four numbers."""

    seq: str | None
    name: str
    base: str
    deduction: str
    bonus: str
    score: str


_NUMBER = re.compile(r"-?\d++(?:\.\d++)?")
_SEQ = re.compile(r"(?P<seq>\d{1,3})?+\s*+")


def table_row(line: str) -> TableRow | None:
    r"""The row a line of an assessment table prints, or None.

    Reads what `^(\d{1,3})?\s*([^\d\s-][^\t]*?)\s*(N)\s+(N)\s+(N)\s+(N)$`
    (N a decimal number, -?\d+(\.\d+)?) matches, in time linear in the line:
    that pattern tried every split of a long run of digits or spaces between
    its lazy name and the numbers (37 s on a line of 20,000 digits). Here the
    last three numbers are the last three words; the base is the earliest
    number that ends the rest and leaves a name before it (the lazy name's
    choice); what is left is the 序号 and the name.
    """
    if not line or line[-1].isspace():
        return None
    words = line.rsplit(None, 3)
    if len(words) != 4 or not all(_NUMBER.fullmatch(w) for w in words[1:]):
        return None
    rest, deduction, bonus, score = words
    named = _SEQ.match(rest).end()  # where the name starts, if the base leaves one
    if named >= len(rest) or rest[named].isdecimal() or rest[named] == "-":
        return None
    start = next((s for s in _number_starts(rest) if s > named), None)
    if start is None:
        return None
    end = start  # the name is what comes before the base, less the spaces between them
    while rest[end - 1].isspace():
        end -= 1
    if "\t" in rest[named:end]:  # a later start would only make the name longer
        return None
    return TableRow(_SEQ.match(rest)["seq"], rest[named:end], rest[start:], deduction, bonus, score)


def _number_starts(text: str) -> Iterator[int]:
    """Where each decimal number that ends `text` starts, earliest first (one pass from the end)."""
    end = len(text)
    last = end
    while last > 0 and text[last - 1].isdecimal():
        last -= 1
    if last == end:
        return
    if last >= 2 and text[last - 1] == "." and text[last - 2].isdecimal():
        first = last - 1
        while first > 0 and text[first - 1].isdecimal():
            first -= 1
        if first > 0 and text[first - 1] == "-":
            yield first - 1
        yield from range(first, last - 1)
    elif last > 0 and text[last - 1] == "-":
        yield last - 1
    yield from range(last, end)


TABLE_HEADER = re.compile(r"^序号\s")

# How section headings and attachment titles end; one that does not may have
# been cut by a wrap ("一、2025年1月总体运行" / "情况").
HEADING_ENDINGS = re.compile(
    r"(?:情况|行动|动态|资讯|进大厅|工作|要点|成效|结果|清单|名单|表)[”》）]?$"
)

# Section titles: what the facet drops.
SECTION_MONTH_PREFIX = re.compile(r"^\d{4}年\d{1,2}月(?:份)?")


def match(rules: tuple[Rule, ...], line: str) -> tuple[str, re.Match[str]] | None:
    """The first rule that matches the line, with its match."""
    for rule in rules:
        found = rule.pattern.match(line)
        if found:
            return rule.name, found
    return None
