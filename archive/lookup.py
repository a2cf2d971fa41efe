"""Issues by the names people give them: 2024年第37期, 第508期, 2025年6月月报, weekly-2024-09-09.

Staff know an issue by its number as printed, by its total number, or by the
month a monthly covers; they paste an issue's title or an id from a link. This
module reads such a reference (and only a whole one: a search for words is no
reference) into an `IssueRef`, which `Reports.find_issues` answers. The search
box and `bulletins show` both use it, so both accept the same forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import KIND_NAMES

_KIND_WORDS = {
    "窗口工作周报": "weekly",
    "周报": "weekly",
    "政务窗口月报": "monthly",
    "月报": "monthly",
}
_KIND = "|".join(sorted(_KIND_WORDS, key=len, reverse=True))
_BODY = re.compile(
    rf"""^(?:《?(?P<kind1>{_KIND})》?)?
    (?:
        (?P<year>\d{{4}})年(?:第(?P<number>\d{{1,3}})期(?:（?总第(?P<total1>\d{{1,5}})期）?)?
                          |(?P<month>\d{{1,2}})月份?)?
      | （?总第(?P<total2>\d{{1,5}})期）?
      | 第(?P<either>\d{{1,5}})期
    )
    (?P<kind2>{_KIND})?$""",
    re.X,
)
_ID = re.compile(
    r"^(?P<issue>(?:weekly-\d{4}-\d{2}-\d{2}|monthly-\d{4}-\d{2}))(?:/(?P<anchor>[a-z]\d+(?:-\d+)*))?$"
)
_STRIP = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class IssueRef:
    """What a reference says about the issues it means; None where it says nothing."""

    kind: str | None = None
    year: int | None = None
    number: int | None = None  # 第37期 of a year
    total_number: int | None = None  # 总第508期
    number_or_total: int | None = None  # 第508期 alone: either
    month: int | None = None  # with `year`: the month a monthly covers, or a weekly's weeks touch
    issue_id: str | None = None
    anchor: str | None = None  # an item of `issue_id`

    def describe(self) -> str:
        """The reference in the bulletins' own words, for a page or a message."""
        if self.issue_id:
            return self.issue_id + (f"/{self.anchor}" if self.anchor else "")
        parts = []
        if self.year:
            parts.append(f"{self.year}年")
        if self.month:
            parts.append(f"{self.month}月")
        if self.number is not None:
            parts.append(f"第{self.number}期")
        if self.number_or_total is not None:
            parts.append(f"第{self.number_or_total}期")
        if self.total_number is not None:
            parts.append(f"（总第{self.total_number}期）" if parts else f"总第{self.total_number}期")
        if self.kind:
            parts.append(KIND_NAMES[self.kind][-2:])
        return "".join(parts)


def parse_reference(text: str) -> IssueRef | None:
    """The issues a whole query names, or None when it is not a reference to issues.

    A year alone or a year and a month alone are words to search ("2025年6月" is
    in many items): they name issues only with a kind (2025年6月月报, 2024年周报).
    """
    cleaned = _STRIP.sub("", unicodedata.normalize("NFKC", text or ""))
    cleaned = cleaned.replace("(", "（").replace(")", "）")
    if not cleaned or len(cleaned) > 60:
        return None
    found = _ID.match(cleaned)
    if found:
        return IssueRef(issue_id=found["issue"], anchor=found["anchor"])
    found = _BODY.match(cleaned)
    if not found:
        return None
    kinds = {_KIND_WORDS[k] for k in (found["kind1"], found["kind2"]) if k}
    if len(kinds) > 1:
        return None
    kind = kinds.pop() if kinds else None
    number = _int(found["number"])
    total = _int(found["total1"]) or _int(found["total2"])
    either = _int(found["either"])
    year, month = _int(found["year"]), _int(found["month"])
    if month is not None and not 1 <= month <= 12:
        return None
    if number is None and total is None and either is None:
        if year is None or kind is None:
            return None  # a bare kind word, a year or a month: words to search
    return IssueRef(kind, year, number, total, either, month)


def _int(value: str | None) -> int | None:
    return int(value) if value else None
