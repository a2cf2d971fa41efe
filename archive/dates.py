"""Dates of a bulletin: the period it covers and the event date each item reports.

Bulletins print dates without a year ("1月5日", "（12月30日—1月3日）"); the year
comes from the issue (its period, its issue line or its publication date), and
a week may cross a year end.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .grammar import DASH

_DAY = rf"(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日(?:[{DASH}]+(?:(?P<m2>\d{{1,2}})月)?(?P<d2>\d{{1,2}})日)?"
_LEADING_DAY = re.compile(rf"^(?:(?P<y>\d{{4}})年)?{_DAY}")
_LEADING_MONTH = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:份)?(?:以来)?[，,、]")


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_span(year: int, month: int) -> tuple[date, date] | tuple[None, None]:
    """The first and last day of a month; (None, None) for a year `date` cannot hold.

    Years are read from the text as four digits, and "0000年" is four digits too:
    an unreadable month must leave the span empty, not raise out of the parser.
    """
    if not date.min.year <= year <= date.max.year:
        return None, None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def week_period(
    m1: int,
    d1: int,
    m2: int,
    d2: int,
    *,
    year: int | None,
    published: date | None,
    number: int | None = None,
) -> tuple[date | None, date | None]:
    """The dates of a printed week such as （12月30日—1月3日）.

    The end is the latest such day not after publication (a bulletin reports
    on a past week). Without a publication date, the issue line's year dates the
    week: a week that crosses a year end (start month after end month) belongs to
    the year its issue is numbered in, so an early issue ("2019年第1期",
    （12月31日—1月4日）) starts in the year before and a late one ("2024年第52期",
    （12月30日—1月3日）) ends in the year after.
    """
    crosses = (m1, d1) > (m2, d2)
    if published is not None:
        end_year = (
            published.year if (m2, d2) <= (published.month, published.day) else published.year - 1
        )
    elif year is not None:
        early = number is not None and number <= WEEKS_IN_HALF_YEAR
        end_year = year + 1 if crosses and not early else year
    else:
        return None, None
    start_year = end_year - 1 if crosses else end_year
    start, end = safe_date(start_year, m1, d1), safe_date(end_year, m2, d2)
    if start is None or end is None:  # （2月27日—2月30日）: half a period is no period
        return None, None
    return start, end


WEEKS_IN_HALF_YEAR = 26  # an issue numbered up to this is from the first half of its year
HALF_YEAR = timedelta(days=184)  # a month and day recur yearly: the nearest is never further


def resolve_year(
    month: int, day: int, start: date | None, end: date | None, published: date | None
) -> date | None:
    """The date of "M月D日" nearest the issue's period (or before publication).

    None when even the nearest is more than half a year away: only 2月29日 can be,
    and a leap day years from the issue (2024-02-29 in a bulletin of December 2025)
    is a misprint, not the date of its event.
    """
    anchor = start or published
    if anchor is None:
        return None
    candidates = []
    for year in {anchor.year - 1, anchor.year, (end or anchor).year, anchor.year + 1}:
        found = safe_date(year, month, day)
        if found:
            candidates.append(found)
    if not candidates:
        return None
    if start:
        low, high = start, end or start
    else:  # the 60 days before publication, not before 0001-01-01 ("0001年1月5日")
        low, high = published - min(timedelta(days=60), published - date.min), published

    def distance(d: date) -> int:
        if low <= d <= high:
            return 0
        return min(abs((d - low).days), abs((d - high).days))

    nearest = min(candidates, key=distance)
    return nearest if distance(nearest) <= HALF_YEAR.days else None


def item_span(
    text: str, start: date | None, end: date | None, published: date | None
) -> tuple[date | None, date | None]:
    """The span of the event an item reports, from the date its text opens with.

    "1月5日，" is that day; "6月16日-26日" a range; "1月，" the whole month;
    anything else ("本周", a title, no date) the issue's period.
    """
    head = re.sub(r"\s+", "", text[:40])
    found = _LEADING_DAY.match(head)
    if found:
        m1, d1 = int(found["m1"]), int(found["d1"])
        # A printed year is taken as printed: "2023年2月29日" is no date, not 2024-02-29.
        if found["y"]:
            first = _explicit(found["y"], m1, d1)
        else:
            first = resolve_year(m1, d1, start, end, published)
        if first and found["d2"]:
            m2 = int(found["m2"] or m1)
            year = first.year + 1 if m2 < first.month else first.year
            last = safe_date(year, m2, int(found["d2"]))
            if last and last >= first:
                return first, last
        if first:
            return first, first
    found = _LEADING_MONTH.match(head)
    if found:
        month = int(found["m"])
        if 1 <= month <= 12:
            day = resolve_year(month, 1, start, end, published)
            year = int(found["y"]) if found["y"] else (day.year if day else None)
            if year:
                return month_span(year, month)
    return start, end


def _explicit(year: str | None, month: int, day: int) -> date | None:
    return safe_date(int(year), month, day) if year else None


# A day as people type it into a date field, whatever their browser's locale shows:
# 2024-09-01, 2024-9-1, 2024/9/1, 2024.9.1, 2024年9月1日; or a month (2024-09, 2024年9月) or a
# year (2024, 2024年), which stand for their first day or, at the end of a range, their last.
_TYPED_DAY = re.compile(
    r"^(?P<y>\d{4})(?:年|(?=[-/.]|$))"
    r"(?:[-/.]?(?P<m>\d{1,2})(?:月|(?=[-/.]|$))"
    r"(?:[-/.]?(?P<d>\d{1,2})[日号]?)?)?$"
)


def typed_day(text: str, *, end: bool = False) -> date | None:
    """The day a typed date means; a month or a year means its first day, or its last with
    `end`. None when the text is no date (20240901 is none: a typo as often as a date)."""
    cleaned = re.sub(r"\s+", "", text or "").translate(_FULLWIDTH_DIGITS)
    found = _TYPED_DAY.match(cleaned)
    if not found:
        return None
    year = int(found["y"])
    if not date.min.year <= year <= date.max.year:
        return None
    if found["m"] is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(found["m"])
    if not 1 <= month <= 12:
        return None
    if found["d"] is None:
        first, last = month_span(year, month)
        return last if end else first
    return safe_date(year, month, int(found["d"]))


_FULLWIDTH_DIGITS = {c: c - 0xFEE0 for c in range(ord("０"), ord("９") + 1)} | {
    ord("－"): "-",
    ord("／"): "/",
    ord("．"): ".",
}
