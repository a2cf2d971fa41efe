"""Searching: a request in, a page of highlighted hits and facet counts out.

Facets are counted the way Elasticsearch's post_filter does: the counts of a
facet ignore that facet's own selection (but respect the query and the other
filters), so a user who picked one department still sees the others with their
counts. Every set here is a set of Whoosh document numbers; facet values are
read from columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from pyroaring import BitMap, FrozenBitMap

from archive.dates import typed_day
from archive.departments import Department, did_you_mean, gazetteer
from archive.model import KINDS, item_url, parse_ref
from archive.parse import section_name

from .documents import IndexDocument
from .highlight import snippet
from .index import SearchIndex
from .query import QueryError, highlight_terms, matching, parse_query, ranking_words
from .table import DocTable

SORTS = ("relevance", "date", "oldest")  # date: newest first
MAX_LIMIT = 100
MAX_PAGE = 10_000
MAX_NAME = 100  # characters of a department or section name; the longest real one is ~30
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # NUL, line ends, tabs: no part of a search
YEARS = (1990, 2099)  # dates outside are typing mistakes (0202 for 2020), not a range to search
FACETS = ("department", "section", "kind", "year")


@dataclass(frozen=True)
class DateFilter:
    """One of the dates a search narrows by: the event an item reports, or the issue's own."""

    name: str  # the request's fields are <name>_from and <name>_to; table.DATES' key
    label: str  # as the UI says it
    start: str  # URL parameters
    end: str
    dates: str  # what it filters on (table.DATES)
    hint: str  # what the date is, for a reader who has not met the word


DATE_FILTERS = (
    DateFilter("date", "事件日期", "from", "to", "event", "条目所述事项的日期"),
    DateFilter("period", "所属期", "period_from", "period_to", "period", "该期所属的周或月"),
    DateFilter("published", "印发日期", "published_from", "published_to", "published", "该期的印发日期"),
)


class UnknownDepartment(QueryError):
    """`dept` names no department; `suggestions` are those it most likely means (maybe none).

    The message says both; `reason` is its first half, for a page that links the suggestions.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.reason = f"未知部门：{_shown(name)}"
        self.suggestions: list[Department] = gazetteer().suggest(name)
        hint = did_you_mean(self.suggestions)
        super().__init__(self.reason + (f"。{hint}" if hint else ""))


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    department: str | None = None  # any name; resolved to the short name
    section: str | None = None
    kind: str | None = None
    date_from: date | None = None  # the event date (事件日期): items whose span overlaps
    date_to: date | None = None
    period_from: date | None = None  # the issue's period (所属期): issues whose period overlaps
    period_to: date | None = None
    published_from: date | None = None  # the issue's publication date (印发日期), within
    published_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 20
    default_limit: int = field(default=20, compare=False)  # the page size a URL need not repeat

    @classmethod
    def from_params(cls, params: Mapping[str, str], default_limit: int = 20) -> SearchRequest:
        """From URL or CLI parameters (q, dept, section, kind, from, to, period_from, period_to,
        published_from, published_to, sort, page, limit), validated."""

        def text(name: str) -> str | None:
            value = _CONTROL.sub(" ", params.get(name) or "").strip()
            return value or None

        request = cls(
            query=text("q") or "",
            department=text("dept"),
            section=text("section"),
            kind=text("kind"),
            **{
                f"{f.name}_{side}": _date_param(param, text(param), end=side == "to")
                for f in DATE_FILTERS
                for side, param in (("from", f.start), ("to", f.end))
            },
            sort=text("sort") or "relevance",
            page=_int_param("page", text("page"), 1, 1, MAX_PAGE),
            limit=_int_param("limit", text("limit"), default_limit, 1, MAX_LIMIT),
            default_limit=default_limit,
        )
        request.validate()
        return request

    def validate(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(
                "参数 sort 只能是 relevance（相关度）、date（最新在前）或 oldest（最早在前），"
                f"而不是 {_shown(self.sort)!r}"
            )
        if self.kind is not None and self.kind not in KINDS:
            raise QueryError(
                f"参数 kind 只能是 weekly（周报）或 monthly（月报），而不是 {_shown(self.kind)!r}"
            )
        for name, value in (("dept", self.department), ("section", self.section)):
            if value is not None and len(value) > MAX_NAME:
                raise QueryError(f"参数 {name} 过长：最多 {MAX_NAME} 个字符")
        if self.department is not None and gazetteer().resolve(self.department) is None:
            raise UnknownDepartment(self.department)
        for f in DATE_FILTERS:
            start, end = self.span(f)
            for name, value in ((f.start, start), (f.end, end)):
                if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
                    raise QueryError(
                        f"参数 {name} 的年份应在 {YEARS[0]} 到 {YEARS[1]} 之间：{value.isoformat()}"
                    )
            if start and end and start > end:
                raise QueryError(
                    f"{f.label}的起始日期 {f.start}（{start.isoformat()}）"
                    f"晚于结束日期 {f.end}（{end.isoformat()}）"
                )
        if self.page < 1:
            raise QueryError("参数 page 必须是正整数")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"参数 limit 必须在 1 到 {MAX_LIMIT} 之间")

    def span(self, date_filter: DateFilter) -> tuple[date | None, date | None]:
        """The (start, end) asked for one of DATE_FILTERS; (None, None) when it is not used."""
        return getattr(self, f"{date_filter.name}_from"), getattr(self, f"{date_filter.name}_to")

    @property
    def date_filters(self) -> list[tuple[DateFilter, date | None, date | None]]:
        """The date filters used, with their (start, end), in DATE_FILTERS' order."""
        return [(f, *self.span(f)) for f in DATE_FILTERS if any(self.span(f))]

    @cached_property
    def department_name(self) -> str | None:
        found = gazetteer().resolve(self.department) if self.department else None
        return found.short_name if found else None

    @cached_property
    def _params(self) -> dict[str, str]:
        return {
            "q": self.query,
            "dept": self.department_name or "",
            "section": self.section or "",
            "kind": self.kind or "",
            **{
                param: value.isoformat() if value else ""
                for f in DATE_FILTERS
                for param, value in zip((f.start, f.end), self.span(f), strict=True)
            },
            "sort": "" if self.sort == "relevance" else self.sort,
            "page": str(self.page),
            "limit": str(self.limit),
        }

    def params(self, **changes) -> dict[str, str]:
        """URL parameters of this request (or of a variant of it), without the defaults.

        A results page asks for a hundred variants (one per facet link), so the
        request's own parameters are worked out once.
        """
        values = dict(self._params)
        values.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        if values["page"] == "1":
            values["page"] = ""
        if values["limit"] == str(self.default_limit):
            values["limit"] = ""
        return {k: v for k, v in values.items() if v}

    @property
    def has_criteria(self) -> bool:
        return bool(
            self.query.strip()
            or self.department
            or self.section
            or self.kind
            or self.date_filters
        )


@dataclass
class Hit:
    item_id: str
    issue_id: str
    anchor: str
    kind: str
    issue_title: str
    number: str  # 期 as printed, "" when the issue has none
    period_start: date | None
    period_end: date | None
    published: date | None
    section: str
    section_title: str
    label: str
    date_from: date | None
    date_to: date | None
    departments: list[str]
    snippet: str
    text: str

    @classmethod
    def from_stored(cls, doc: IndexDocument, terms: list[str] | None) -> Hit:
        """The hit of an indexed document, its snippet marking these terms (none when `terms`
        is None: an export or a feed shows the text, and a snippet is most of a hit's cost)."""
        return cls(
            item_id=doc.item_id,
            issue_id=doc.issue_id,
            anchor=doc.anchor,
            kind=doc.kind,
            issue_title=doc.issue_title,
            number=doc.number,
            period_start=doc.period_start,
            period_end=doc.period_end,
            published=doc.published,
            section=doc.section,
            section_title=doc.section_title,
            label=doc.label,
            date_from=doc.date_from,
            date_to=doc.date_to,
            departments=list(doc.departments),
            snippet=snippet(doc.text, terms) if terms is not None else "",
            text=doc.text,
        )

    @property
    def url(self) -> str:
        """Its permalink: the item id names the version (the current one, when it is not the first)."""
        _, version, _ = parse_ref(self.item_id)
        return item_url(self.issue_id, self.anchor, version or 1)

    def to_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "issue_id": self.issue_id,
            "url": self.url,
            "kind": self.kind,
            "issue_title": self.issue_title,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "published": _iso(self.published),
            "section": self.section,
            "section_title": self.section_title,
            "anchor": self.anchor,
            "label": self.label,
            "date_from": _iso(self.date_from),
            "date_to": _iso(self.date_to),
            "departments": self.departments,
            "snippet": str(self.snippet),
            "text": self.text,
        }


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.limit))

    def to_json(self) -> dict:
        return {
            "query": self.request.query,
            "total": self.total,
            "page": self.request.page,
            "pages": self.pages,
            "hits": [h.to_json() for h in self.hits],
            "facets": {
                name: [[value, count] for value, count in pairs]
                for name, pairs in self.facets.items()
            },
        }


def search(
    index: SearchIndex, request: SearchRequest, *, facets: bool = True, snippets: bool = True
) -> SearchResult:
    """Run a validated request against the index (facet counts too, unless `facets` is False;
    snippets too, unless `snippets` is False).

    Only what needs the index's snapshot is done while it is held (one for every request of a
    server process): the hits' snippets are made after, so that no item, however long, keeps
    other searches waiting."""
    tree = parse_query(request.query)
    with index.searching() as snapshot:
        table = snapshot.table
        matched = matching(tree, snapshot)
        if tree is not None and matched is None:
            raise QueryError("查询里没有可检索的字或词")
        if matched is None:
            matched = BitMap(table.live)
        selected = _filters(request, table)
        final = _intersect(matched, selected.values())
        counts = {
            name: _facet(
                table,
                name,
                _intersect(matched, [s for f, s in selected.items() if f != _filter_of(name)]),
            )
            for name in (FACETS if facets else ())
        }
        docnums = _page(table, ranking_words(tree), final, request)
        terms = highlight_terms(tree) if tree is not None else _department_names(request)
        found = [snapshot.document(d) for d in docnums]
    hits = [Hit.from_stored(doc, terms if snippets else None) for doc in found]
    return SearchResult(request=request, total=len(final), hits=hits, facets=counts)


def _department_names(request: SearchRequest) -> list[str]:
    """Without words, a department filter's snippets mark the department under any of its names
    (as its page does): what the hit is there for."""
    department = gazetteer().resolve(request.department_name) if request.department_name else None
    return list(department.forms) if department else []


def _filter_of(facet: str) -> str:
    return "date" if facet == "year" else facet


def _filters(request: SearchRequest, table: DocTable) -> dict[str, BitMap | FrozenBitMap]:
    filters: dict[str, BitMap | FrozenBitMap] = {}
    if request.department_name:
        filters["department"] = table.having("department", request.department_name)
    if request.section:
        filters["section"] = table.having("section", section_name(request.section))
    if request.kind:
        filters["kind"] = table.having("kind", request.kind)
    for f, start, end in request.date_filters:
        filters[f.name] = table.overlapping(_day(start), _day(end), f.dates)
    return filters


def _intersect(base: BitMap, others) -> BitMap:
    result = base
    for other in sorted(others, key=len):
        result = result & other
    return result


def _facet(table: DocTable, facet: str, docs: BitMap) -> list[tuple[str, int]]:
    counts = table.count(facet, docs)
    if facet == "year":
        return sorted(counts.items(), reverse=True)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _page(
    table: DocTable, ranking: list[str], final: BitMap, request: SearchRequest
) -> list[int]:
    """Document numbers of the page: by relevance to the query's words, newest or oldest first."""
    start = (request.page - 1) * request.limit
    if start >= len(final):
        return []
    wanted = start + request.limit
    if ranking and request.sort == "relevance":
        return table.most_relevant(final, ranking, wanted)[start:wanted]
    if request.sort == "oldest":
        return table.oldest(final, wanted)[start:wanted]
    return table.newest(final, wanted)[start:wanted]


def _date_param(name: str, value: str | None, end: bool) -> date | None:
    """A day as typed: 2024-09-01, 2024年9月1日, or a month or year (its first day for the start
    of a range, its last for its `end`)."""
    if value is None:
        return None
    day = typed_day(value, end=end)
    if day is None:
        raise QueryError(
            f"参数 {name} 不是有效日期（应如 2024-09-01、2024年9月1日 或 2024年9月）：{_shown(value)}"
        )
    return day


def _int_param(name: str, value: str | None, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    try:
        if len(value) > 12:
            raise ValueError(value)
        number = int(value)
    except ValueError:
        raise QueryError(f"参数 {name} 必须是整数：{_shown(value)}") from None
    if not low <= number <= high:
        raise QueryError(f"参数 {name} 必须在 {low} 到 {high} 之间：{_shown(value)}")
    return number


def _shown(value: str, width: int = 40) -> str:
    """A user's value quoted back in a message, cut short: a message is not an echo chamber."""
    return value if len(value) <= width else value[:width] + "…"


def _day(value: date | None) -> int | None:
    return value.year * 10000 + value.month * 100 + value.day if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
