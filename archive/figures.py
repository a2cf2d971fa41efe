"""The figures the bulletins report regularly, read out of an Issue as typed rows.

The set of series is data: `TOPICS` says which items (or attachments) hold a
group of figures, `SERIES` says, one line each, how a figure is printed there
(the words just before the number, its unit, and whether it counts the
bulletin's own period, the year so far or everything so far). A new recurring
figure is one more line of `SERIES`.

Reading is strict: a figure counts only where its words stand right before a
number and its unit, in a clause of the scope the series wants ("本周…" for the
week, "今年以来…" for the year so far), and only once per issue. What cannot be
read that way is left out, never guessed; `flag_outliers` marks values that
contradict their neighbours, for display, and hides none.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .model import AttachmentRow, Issue, Item, item_id, item_url


@dataclass(frozen=True)
class Topic:
    """Where a group of figures is printed: an item (or attachment title) matching `pattern`."""

    key: str
    name: str
    pattern: str


@dataclass(frozen=True)
class Series:
    """One recurring figure.

    `scope` is the span it counts: "period" (the bulletin's week or month),
    "year" (the year so far), "total" (so far, from no stated start) or
    "month" (the month an assessment table assesses). `label` is a regular expression for the words printed just before the
    number (None for a column of the assessment tables, named by `column`);
    `kinds` are the bulletins that print it (a weekly count and a monthly count
    of the same thing are different series); `check` is how `flag_outliers`
    judges a value against its neighbours ("ratio": a count far from its
    neighbours' median; "running": a running total that falls; "": not judged).
    """

    key: str
    topic: str
    name: str
    scope: str
    unit: str
    label: str | None = None
    column: str | None = None
    kinds: tuple[str, ...] = ("weekly", "monthly")
    check: str = "ratio"


W, M = ("weekly",), ("monthly",)

TOPICS: dict[str, Topic] = {
    t.key: t
    for t in (
        Topic("window", "省本级综窗办件", r"综窗办件|综合窗口办件"),
        Topic("overview", "总体运行情况", r"总体运行情况"),
        Topic("manual", "受理工作手册编制", r"受理(?:工作)?手册"),
        # Up to the next 惠企政策 or sentence end, not to the end of the text from every one.
        Topic("policy", "惠企政策解读", r"惠企政策(?:(?!惠企政策)[^。])*解读"),
        Topic("assessment", "窗口考核结果", r"考核"),
    )
}

# fmt: off
SERIES: tuple[Series, ...] = (
    #      key                        topic         name                     scope    unit    label (printed before the number)
    Series("window-consult",          "window",     "咨询（本周）",           "period", "人次", r"咨询", kinds=W),
    Series("window-accept",           "window",     "受理（本周）",           "period", "件",   r"受理", kinds=W),
    Series("window-issue",            "window",     "颁发（本周）",           "period", "件",   r"颁发", kinds=W),
    Series("window-transfer",         "window",     "流转（本周）",           "period", "件次", r"流转", kinds=W),
    Series("window-consult-year",     "window",     "咨询（今年以来累计）",   "year",   "人次", r"咨询", kinds=W, check="running"),
    Series("window-accept-year",      "window",     "受理（今年以来累计）",   "year",   "件",   r"受理", kinds=W, check="running"),
    Series("window-issue-year",       "window",     "颁发（今年以来累计）",   "year",   "件",   r"颁发", kinds=W, check="running"),
    Series("window-transfer-year",    "window",     "流转（今年以来累计）",   "year",   "件次", r"流转", kinds=W, check="running"),
    Series("overview-handled",        "overview",   "省本级办理政务服务事项", "period", "件",   r"省本级(?:共)?办理政务服务事项", kinds=M),
    Series("overview-online-accepted", "overview",  "全程网办受理",           "period", "件",   r"受理政务服务事项全程网办", kinds=M),
    Series("overview-online-completed", "overview", "全程网办办结",           "period", "件",   r"办结政务服务事项全程网办", kinds=M),
    Series("overview-window-accepted", "overview",  "综合窗口受理",           "period", "件",   r"综合窗口(?:共)?受理政务服务事项", kinds=M),
    Series("overview-window-output",  "overview",   "窗口出件量",             "period", "件",   r"窗口出件量", kinds=M),
    Series("overview-mailed",         "overview",   "现场邮寄量",             "period", "件",   r"现场邮寄量", kinds=M),
    Series("overview-phone",          "overview",   "电话咨询",               "period", "人次", r"电话咨询(?:服务)?", kinds=M),
    Series("overview-onsite",         "overview",   "现场咨询",               "period", "人次", r"现场咨询(?:服务)?", kinds=M),
    Series("manual-done",             "manual",     "受理工作手册累计完成办理项", "total", "个", r"共完成", check="running"),
    Series("manual-share",            "manual",     "受理工作手册完成占比",   "total",  "%",    r"占比", check="running"),
    Series("policy-explained",        "policy",     "惠企政策累计解读",       "total",  "项",   r"已对(?:省级清单中的)?", check="running"),
    Series("assessment-score",        "assessment", "窗口考核实得分",         "month",  "分",   column="score", check=""),
    Series("assessment-rank",         "assessment", "窗口考核名次",           "month",  "名",   column="rank", check=""),
)
# fmt: on

SERIES_BY_KEY = {s.key: s for s in SERIES}

# How each unit may be printed after the number (and whether 万/亿 may scale it).
UNITS: dict[str, tuple[str, bool]] = {
    "件": (r"件(?!次)", True),
    "件次": (r"件?次", True),
    "人次": (r"人\s*+（?\s*+次\s*+）?", True),
    "个": (r"个", True),
    "项": (r"项", True),
    "%": (r"[%％]", False),
}
_SCALE = {"": 1, "万": 10_000, "亿": 100_000_000}
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"

# Words that say which span the figures after them count, until the sentence ends
# ("本周，共计咨询…" / "今年以来，累计咨询…"). No series takes a figure of an
# "other" span (last week, 3-6月) or of a comparison ("同比…", "较上周…": these
# last only until the next comma).
_RANGE = r"\s*[-—–～~至]\s*\d{1,2}\s*月"
_SCOPE_MARKS = re.compile(
    rf"(?P<year>今年以来|本年以来|年初以来|本年度|今年累计|(?<!\d)1{_RANGE})"
    r"|(?P<total>截至目前|截至[^，,。；]{1,12}[，,]|截止目前|累计)"
    r"|(?P<period>本周|本月|当月|(?<![\d年月.\-—–～~至])\d{1,2}\s*月(?:份)?[，,])"
    rf"|(?P<other>上周|上月|(?<!\d)\d{{1,2}}{_RANGE})"
    r"|(?P<compare>去年同期|同比|环比|较上)"
)
_SENTENCE_END = re.compile(r"[。；;\n]")
_CLAUSE_END = re.compile(r"[，,、。；;\n]")


@dataclass(frozen=True)
class Figure:
    """One value of a series, as one bulletin printed it, with where it came from."""

    series: str
    value: float
    unit: str
    printed: str  # the number and unit as printed: "2.7万件", "1248人（次）"
    period_start: date | None  # None: counted from no stated start ("截至目前，共完成…")
    period_end: date
    issue_id: str
    anchor: str  # the item ("s4-1") or attachment ("a1") it was read from
    department: str | None = None  # the department assessed, for the assessment series
    version: int = 1  # of the issue: figures are read from its current version

    @property
    def item_id(self) -> str:
        return item_id(self.issue_id, self.anchor, self.version)

    @property
    def url(self) -> str:
        return item_url(self.issue_id, self.anchor, self.version)

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.series, self.department, self.issue_id)

    def to_json(self) -> dict:
        series = SERIES_BY_KEY.get(self.series)
        return {
            "series": self.series,
            "name": series.name if series else self.series,
            "department": self.department,
            "value": self.value,
            "unit": self.unit,
            "printed": self.printed,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat(),
            "issue_id": self.issue_id,
            "anchor": self.anchor,
            "url": self.url,
        }


def extract_figures(
    issue: Issue, series: Sequence[Series] = SERIES, topics: dict[str, Topic] = TOPICS
) -> list[Figure]:
    """Every figure of `series` the issue prints, in reading order; each (series, department) once.

    A series read twice in one issue with different values is ambiguous and
    left out; read twice with the same value, it counts once.
    """
    found: list[Figure] = []
    wanted = [s for s in series if issue.kind in s.kinds]
    found.extend(_item_figures(issue, [s for s in wanted if s.label], topics))
    found.extend(_table_figures(issue, [s for s in wanted if s.column], topics))
    return _once(found)


def _once(figures: list[Figure]) -> list[Figure]:
    values: dict[tuple, set[float]] = {}
    for figure in figures:
        values.setdefault(figure.key, set()).add(figure.value)
    kept, seen = [], set()
    for figure in figures:
        if len(values[figure.key]) == 1 and figure.key not in seen:
            seen.add(figure.key)
            kept.append(figure)
    return kept


# -- figures printed in items ---------------------------------------------


def _item_figures(issue: Issue, series: list[Series], topics: dict[str, Topic]) -> Iterator[Figure]:
    patterns = {s.topic: topics[s.topic].pattern for s in series}
    for section in issue.sections:
        for item in section.items:
            yield from _walk(issue, item, section.title, series, patterns)


def _walk(
    issue: Issue, item: Item, context: str, series: list[Series], patterns: dict[str, str]
) -> Iterator[Figure]:
    """An item is about a topic when it, its section title or an item above it says so."""
    context = f"{context}\n{item.text}"
    about = {t for t, pattern in patterns.items() if _compiled(pattern).search(context)}
    if about:
        for s in series:
            if s.topic in about:
                yield from _read(issue, item, s)
    for child in item.children:
        yield from _walk(issue, child, context, series, patterns)


def _scope_at(text: str, position: int) -> str:
    """Which span a figure at `position` counts: the last scope word before it in its sentence.

    "period" (the bulletin's own week or month) when the sentence names none.
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, position)]
    start = ends[-1] if ends else 0
    scope = "period"
    for mark in _SCOPE_MARKS.finditer(text, start, position):
        kind = mark.lastgroup
        if kind == "compare" and _CLAUSE_END.search(text, mark.end(), position):
            continue  # a comparison clause that ended before the figure
        if not (kind == "total" and scope == "year"):  # "今年以来，累计咨询…": the year so far
            scope = kind
    return scope


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=256)
def _figure_pattern(series: Series) -> re.Pattern[str]:
    """The series' words, then a number (万 or 亿 may scale it), then its unit."""
    unit_pattern, scalable = UNITS[series.unit]
    scale = r"(?P<scale>万|亿)?" if scalable else r"(?P<scale>)"
    # \s*+ gives back no space: a run of spaces after a label is read once, not once per split.
    return re.compile(
        rf"(?:{series.label})\s*+(?:为|达|共|共计|达到)?\s*+{_NUMBER}\s*+{scale}\s*+(?:{unit_pattern})"
    )


def _read(issue: Issue, item: Item, series: Series) -> Iterator[Figure]:
    period = _period(issue, series.scope)
    if period is None:
        return
    pattern = _figure_pattern(series)
    for m in pattern.finditer(item.text):
        if _scope_at(item.text, m.start()) != series.scope:
            continue
        value = _value(m["num"], m["scale"] or "")
        if value is None:
            continue
        yield Figure(
            series=series.key,
            value=value,
            unit=series.unit,
            printed=item.text[m.start("num") : m.end()],
            period_start=period[0],
            period_end=period[1],
            issue_id=issue.issue_id,
            anchor=item.anchor,
            version=issue.version,
        )


def _period(issue: Issue, scope: str) -> tuple[date | None, date] | None:
    """The span a figure of this scope counts, from the issue's own period (None: not known)."""
    start, end = issue.period_start, issue.period_end
    if start is None or end is None:
        return None
    if scope == "period":
        return start, end
    if scope == "year":
        return date(end.year, 1, 1), end
    if scope == "total":
        return None, end
    return None


def _value(number: str, scale: str) -> float | None:
    try:
        exact = Decimal(number.replace(",", "")) * _SCALE[scale]
    except InvalidOperation:
        return None
    value = float(exact)
    return value if math.isfinite(value) else None  # 400 digits are inf: no figure, and no JSON


# -- figures of the assessment tables ---------------------------------------


def _table_figures(
    issue: Issue, series: list[Series], topics: dict[str, Topic]
) -> Iterator[Figure]:
    for attachment in issue.attachments:
        about = [s for s in series if _compiled(topics[s.topic].pattern).search(attachment.title)]
        if not about:
            continue
        month = attachment.month  # the month its title names
        if month is None:
            continue
        ranks = ranks_of(attachment.rows)
        above: AttachmentRow | None = None
        for row, rank in zip(attachment.rows, ranks, strict=True):
            # A tie prints its shared 序号 once, in the first tied row (parse shares it).
            tied = above is not None and row.seq is not None and row.seq == above.seq
            above = row
            for s in about:
                read = _cell(row, rank, s.column, tied=tied)
                if read is None:
                    continue
                value, printed = read
                yield Figure(
                    series=s.key,
                    value=value,
                    unit=s.unit,
                    printed=printed,
                    period_start=month[0],
                    period_end=month[1],
                    issue_id=issue.issue_id,
                    anchor=attachment.anchor,
                    version=issue.version,
                    department=row.department or row.name,
                )


def ranks_of(rows: Sequence[AttachmentRow]) -> list[int | None]:
    """Each row's rank: its printed 序号; a row printed without one ties with the row above
    when it has the same score (tied rows may also print the same 序号). None where unreadable."""
    ranks: list[int | None] = []
    previous: AttachmentRow | None = None
    for row in rows:
        if row.seq is not None:
            ranks.append(row.seq)
        elif (
            previous is not None
            and ranks[-1] is not None
            and row.score is not None
            and row.score == previous.score
        ):
            ranks.append(ranks[-1])
        else:
            ranks.append(None)
        previous = row
    return ranks


def _cell(
    row: AttachmentRow, rank: int | None, column: str, *, tied: bool = False
) -> tuple[float, str] | None:
    if column == "rank":
        if rank is None:
            return None
        return float(rank), str(row.seq) if row.seq is not None and not tied else ""
    value = getattr(row, column)
    if value is None:
        return None
    return float(value), f"{value:g}"


# -- values that contradict their neighbours ---------------------------------

RATIO = 10  # a count 10x (or a tenth of) its neighbours' median is not a normal week
NEIGHBOURS = 4  # points on each side that make a value's neighbourhood


def flag_outliers(figures: Iterable[Figure]) -> dict[tuple, str]:
    """Figure key -> why its value contradicts its neighbours in its series (in Chinese).

    For showing next to the value, never for leaving it out: a bulletin may
    really have printed it (a typo is still what was published).
    """
    by_series: dict[tuple[str, str | None], list[Figure]] = {}
    for figure in figures:
        by_series.setdefault((figure.series, figure.department), []).append(figure)
    flags: dict[tuple, str] = {}
    for (key, _), points in by_series.items():
        series = SERIES_BY_KEY.get(key)
        check = series.check if series else "ratio"
        points.sort(key=lambda f: (f.period_end, f.issue_id))
        if check == "ratio":
            flags.update(_ratio_flags(points))
        elif check == "running":
            flags.update(_running_flags(points))
    return flags


def _ratio_flags(points: list[Figure]) -> Iterator[tuple[tuple, str]]:
    for i, figure in enumerate(points):
        around = [
            p.value for p in points[max(0, i - NEIGHBOURS) : i + NEIGHBOURS + 1] if p is not figure
        ]
        if len(around) < 3:
            continue
        median = statistics.median(around)
        if median <= 0:
            continue
        ratio = figure.value / median
        if ratio >= RATIO:
            yield figure.key, f"是相邻各期中位数（{median:g}）的 {ratio:.0f} 倍"
        elif ratio <= 1 / RATIO:
            yield figure.key, f"不到相邻各期中位数（{median:g}）的十分之一"


def _running_flags(points: list[Figure]) -> Iterator[tuple[tuple, str]]:
    """A running total that falls within its span (the same year, for the year so far)."""
    for before, figure in zip(points, points[1:], strict=False):
        if before.period_start == figure.period_start and figure.value < before.value:
            yield figure.key, f"累计数小于上一期（{before.printed}）"
