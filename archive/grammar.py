"""The patterns of a bulletin, as data: one named, ordered table.

Each rule matches one normalised physical line (see `repair.normalise_line`).
Whether a match is accepted as structure depends on where the parser is (a
section heading must carry the next numeral, an item label the next number);
that logic lives in `parse.py`, the patterns live here.
"""

from __future__ import annotations

import re
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
    _rule("attachment", r"^附件\s*(?P<number>\d*)\s*(?:[：:]\s*(?P<title>.*))?$"),
    _rule("report_to", r"^报\s*[：:]\s*(?P<text>.*)$"),
    _rule("send_to", r"^(?:发|送)\s*[：:]\s*(?P<text>.*)$"),
    _rule("copies", r"^（共印\s*(?P<copies>\d+)\s*份）$"),
    _rule("label_cn", rf"^（(?P<num>[{CN_NUM}]{{1,3}})）\s*(?P<text>.*)$"),
    _rule("label_paren", r"^（(?P<num>\d{1,2})）\s*(?P<text>.*)$"),
    # "1.xxx" and "1.1月5日，…" are labels; "4.83 万件" and "1.2万件次" are not.
    _rule("label_dot", r"^(?P<num>\d{1,2})[.、](?P<text>(?:\d{1,2}月|[^\d\s.]).*)$"),
)

FOOTER_RULES = ("report_to", "send_to", "copies")
LABEL_RULES = ("label_cn", "label_paren", "label_dot")

TABLE_ROW = re.compile(
    r"^(?P<seq>\d{1,3})?\s*(?P<name>[^\d\s\-][^\t]*?)\s*"
    r"(?P<base>-?\d+(?:\.\d+)?)\s+(?P<deduction>-?\d+(?:\.\d+)?)\s+"
    r"(?P<bonus>-?\d+(?:\.\d+)?)\s+(?P<score>-?\d+(?:\.\d+)?)$"
)
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
