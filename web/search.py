"""Search: the home page, the results page, its JSON twin and its CSV export.

Before a query is searched as words it is read for what else it may be
(`service.intent`): an issue's name opens that issue (or the list of the issues
it names), a department's name alone is the department filter. Dates are read
as people type them; a range that cannot be searched is said beside the date
fields, and the rest of the search is kept.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from archive.dates import typed_day
from archive.departments import Department, gazetteer
from archive.model import cn_date
from indexer.index import IndexMissing
from indexer.query import QueryError
from indexer.search import DATE_FILTERS, YEARS, DateFilter, SearchRequest, SearchResult
from service.export import items_csv
from service.intent import as_department_filter, issue_reference

from . import markup
from .context import (
    EXAMPLES_KEY,
    MONTHS_KEY,
    absolute,
    config,
    department_counts,
    get_archive,
    get_reports,
    per_generation,
)
from .examples import Example, examples
from .filters import KIND_LABELS
from .links import hit_href, href, search_href, search_hrefs
from .twins import offer

bp = Blueprint("search", __name__)

FACET_TITLES = {"department": "部门", "section": "栏目", "kind": "类型", "year": "年份（事件日期）"}
FACET_PARAMS = {
    "department": ("dept",),
    "section": ("section",),
    "kind": ("kind",),
    "year": ("from", "to"),
}
FACET_SHOWN = 8  # values shown before 更多 (N); a selected value is always shown
SORT_LABELS = {"relevance": "相关度", "date": "最新", "oldest": "最早"}
DATE_PARAMS = tuple(param for f in DATE_FILTERS for param in (f.start, f.end))
NO_DATES = dict.fromkeys(DATE_PARAMS)  # req.params(**NO_DATES): the search without its dates


# --- reading the request -----------------------------------------------------------


@dataclass
class DateFields:
    """The date fields as typed (URL parameter -> text), and why they could not be used (None
    if they could)."""

    typed: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_in: str | None = None  # the DateFilter whose fields it is said beside

    def shown(self, param: str, value: date | None) -> str:
        """What a date field shows: as typed when the dates could not be used, else the day."""
        return self.typed.get(param, "") if self.error else (value.isoformat() if value else "")


def read_request(default_everything: bool = False):
    """The search the URL asks for, the date fields as typed, and its result (None on the home
    page). A date range that cannot be used is reported and left out; anything else wrong is
    a 400 (QueryError)."""
    args = request.args.to_dict()
    fields = DateFields({param: args.get(param, "").strip() for param in DATE_PARAMS})
    try:
        search_request = SearchRequest.from_params(args, default_limit=config().page_size)
    except QueryError as error:
        others = {k: v for k, v in args.items() if k not in DATE_PARAMS}
        search_request = SearchRequest.from_params(others, default_limit=config().page_size)
        fields.error_in, fields.error = date_error(fields) or (
            "date",
            str(error),
        )  # the rest stands
    if not search_request.has_criteria and not default_everything:
        return search_request, fields, None
    return search_request, fields, get_archive().search(search_request)


def date_error(fields: DateFields) -> tuple[str, str] | None:
    """Which dates cannot be searched (a DateFilter's name) and why, said of the fields as the
    reader sees them (for the issue's dates, naming which)."""
    for f in DATE_FILTERS:
        said = _range_error(fields, f)
        if said:
            return f.name, said if f.name == "date" else f"{f.label}：{said}"
    return None


def _range_error(fields: DateFields, f: DateFilter) -> str | None:
    days = {}
    for param in (f.start, f.end):
        typed = fields.typed.get(param, "")
        if typed:
            days[param] = typed_day(typed, end=param == f.end)
            if days[param] is None:
                return f"“{typed[:40]}”不是日期"
            if not YEARS[0] <= days[param].year <= YEARS[1]:
                return f"“{typed[:40]}”的年份应在 {YEARS[0]} 到 {YEARS[1]} 之间"
    start, end = days.get(f.start), days.get(f.end)
    if start and end and start > end:
        return f"起始日期（{cn_date(start)}）晚于结束日期（{cn_date(end)}）"
    return None


def intent_target(view: str) -> str | None:
    """Where a query that is an issue's or a department's name is answered, if it is one."""
    query = request.args.get("q", "")
    ref = issue_reference(query)
    if ref is not None:
        found = get_reports().find_issues(ref)
        issue = get_archive().store.load(ref.issue_id) if ref.anchor and found else None
        if issue is not None and issue.find(ref.anchor):
            return url_for(
                "issues.api_item" if view == "search.api" else "issues.item",
                issue_id=ref.issue_id,
                anchor=ref.anchor,
            )
        if len(found) == 1 and view != "search.export":
            endpoint = "issues.api_show" if view == "search.api" else "issues.show"
            return url_for(endpoint, issue_id=found[0].issue_id)
        if found:
            endpoint = {"search.api": "issues.api_index", "search.export": "issues.export"}
            return url_for(endpoint.get(view, "issues.index"), q=query)
        return None
    try:
        search_request = SearchRequest.from_params(
            request.args.to_dict(), default_limit=config().page_size
        )
    except QueryError:
        return None
    filtered = as_department_filter(search_request)
    if filtered is None:
        return None
    return url_for(view, **filtered.params())


# --- the pages ----------------------------------------------------------------------


@bp.get("/")
@bp.get("/search")
def page():
    target = intent_target("search.page") or month_target()
    if target:
        return redirect(target, 302)
    search_request, fields, result = read_request()
    if result is None:
        return home(search_request, fields)
    offer(
        json=href("search.api", search_request.params()),
        csv=href("search.export", search_request.params(page=None)),
    )
    department = (
        gazetteer().resolve(search_request.department) if search_request.department else None
    )
    ref = issue_reference(search_request.query)
    return render_template(
        "search.html",
        req=search_request,
        result=result,
        fields=fields,
        date_filters=DATE_FILTERS,
        no_dates=NO_DATES,
        facet_links=facet_links(search_request, result),
        name_suggestions=name_suggestions(search_request.query) if not result.total else [],
        department=department,
        sorts=sort_links(search_request),
        quick=quick_ranges(search_request, date.today()),
        month_options=month_options(_chosen_month(search_request)),
        missing_issue=ref.describe() if ref else None,
        hits=markup.hit_items(
            result.hits,
            hit_href(search_request.params()),
            search_hrefs(search_request.params(dept="-", page=None), ("dept",)),
        ),
    )


def home_examples(departments: list[str]) -> list[Example]:
    """The home page's examples, searched once per index generation (not on every visit)."""
    try:
        return per_generation(
            EXAMPLES_KEY, tuple(departments), lambda: examples(get_archive(), departments)
        )
    except IndexMissing:
        return []


def home(search_request: SearchRequest, fields: DateFields):
    top = top_departments()
    return render_template(
        "home.html",
        req=search_request,
        issues=get_reports().summaries(limit=8),
        top=top,
        examples=home_examples([name for name, _ in top[:4]]),
    )


def top_departments(shown: int = 16) -> list[tuple[str, int]]:
    """The departments most items mention, with their counts, the centre that issues the
    bulletins left out (from the counts kept per index generation)."""
    mentioned = [
        (entry.department.short_name, entry.items)
        for entry in department_counts()
        if entry.items and entry.department.kind != "编制发布单位"
    ]
    return sorted(mentioned, key=lambda pair: -pair[1])[:shown]


@bp.get("/api/search")
def api():
    target = intent_target("search.api")
    if target:
        return redirect(target, 302)
    search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
    return jsonify(get_archive().search(search_request).to_json())


@bp.get("/search.csv")
def export():
    target = intent_target("search.export")
    if target:
        return redirect(target, 302)
    search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
    result = get_archive().export(search_request)
    return csv_response(items_csv(result.hits, absolute), "bulletins-search.csv")


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


NAMES_TRIED = 3  # words of a query looked up as names: a suggestion costs ~20 ms each


def name_suggestions(query: str) -> list[tuple[Department, str]]:
    """For a query that found nothing: the departments its first mistyped name may mean (公按厅),
    each with the query that names it instead. Only the first few words are tried."""
    words = query.split()
    tried = 0
    for index, word in enumerate(words):
        name = word.strip('"()')
        if (
            name.startswith("-")  # an excluded word is not one the user looks for
            or name.upper() in ("OR", "AND", "NOT")
            or gazetteer().resolve(name)
        ):
            continue
        tried += 1
        if tried > NAMES_TRIED:
            break
        found = gazetteer().suggest(name)
        if found:
            return [
                (
                    d,
                    " ".join(
                        [*words[:index], word.replace(name, d.short_name), *words[index + 1 :]]
                    ),
                )
                for d in found
            ]
    return []


# --- links of the results page -----------------------------------------------------


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet: what it reads, its count, and the link that selects it (or, when
    it is selected, the link that drops it)."""

    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetBox:
    """A facet of the results page: its first values (every selected one among them), and
    the rest behind 更多 (N)."""

    facet: str
    title: str
    top: list[FacetLink]
    more: list[FacetLink]

    @property
    def top_items(self) -> Markup:
        return markup.facet_items(self.top)

    @property
    def more_items(self) -> Markup:
        return markup.facet_items(self.more)


def facet_links(
    search_request: SearchRequest, result: SearchResult, shown: int = FACET_SHOWN
) -> list[FacetBox]:
    """The facets of a results page, in the order of FACET_TITLES, those without values left
    out. Labels and links are made here rather than in the template, where a macro call per
    value was a tenth of the page's time."""
    selected = {
        "department": search_request.department_name,
        "section": search_request.section,
        "kind": search_request.kind,
        "year": _selected_year(search_request),
    }
    boxes = []
    for facet, title in FACET_TITLES.items():
        pairs = result.facets.get(facet, ())
        if not pairs:
            continue
        keys = FACET_PARAMS[facet]
        # every value but the selected one links to the search with that value instead
        choose = search_hrefs(search_request.params(page=None, **dict.fromkeys(keys, "-")), keys)
        top, more = [], []
        for i, (value, count) in enumerate(pairs):
            is_on = selected[facet] == value
            link = FacetLink(
                label=_facet_label(facet, value),
                count=count,
                selected=is_on,
                url=(
                    search_href(search_request.params(page=None, **dict.fromkeys(keys)))
                    if is_on
                    else choose(_facet_values(facet, value))
                ),
            )
            (top if i < shown or is_on else more).append(link)
        boxes.append(FacetBox(facet, title, top, more))
    return boxes


def _facet_values(facet: str, value: str) -> tuple[str, ...]:
    """The values of FACET_PARAMS[facet] that select a facet's value (a year: its dates)."""
    return (f"{value}-01-01", f"{value}-12-31") if facet == "year" else (value,)


def _facet_label(facet: str, value: str) -> str:
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    return f"{value}年" if facet == "year" else value


def month_options(chosen: str | None) -> Markup:
    """The month picker's options, the month of the request's dates marked. They are rendered
    once per index generation: a hundred months rendered per page were a sixth of its time."""
    options = per_generation(
        MONTHS_KEY,
        (),
        lambda: Markup(
            render_template("_month_options.html", months=get_reports().item_months()).strip()
        ),
    )
    if not chosen:
        return options
    unmarked = f'<option value="{chosen}">'
    return Markup(str(options).replace(unmarked, f'<option value="{chosen}" selected>', 1))


def _chosen_month(search_request: SearchRequest) -> str | None:
    """The month both ends of the event dates fall in, if they fall in one."""
    start, end = search_request.date_from, search_request.date_to
    if start and end and (start.year, start.month) == (end.year, end.month):
        return start.isoformat()[:7]
    return None


def sort_links(search_request: SearchRequest) -> list[dict]:
    """相关度 (when there are words to rank by), 最新, 最早: the current one without a link."""
    words = bool(search_request.query.strip())
    current = search_request.sort if words or search_request.sort != "relevance" else "date"
    out = []
    for sort, label in SORT_LABELS.items():
        if sort == "relevance" and not words:
            continue
        value = None if sort == "relevance" or (sort == "date" and not words) else sort
        out.append(
            {
                "label": label,
                "current": sort == current,
                "url": search_href(search_request.params(sort=value, page=None)),
            }
        )
    return out


def quick_ranges(search_request: SearchRequest, today: date) -> list[dict]:
    """近一个月, 近三个月, 今年, 去年: ranges of event dates ending today, each a link."""
    ranges = [
        ("近一个月", _months_before(today, 1), today),
        ("近三个月", _months_before(today, 3), today),
        ("今年", date(today.year, 1, 1), date(today.year, 12, 31)),
        ("去年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]
    return [
        {
            "label": label,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "current": (search_request.date_from, search_request.date_to) == (start, end),
            "url": search_href(
                search_request.params(
                    page=None, **{"from": start.isoformat(), "to": end.isoformat()}
                )
            ),
        }
        for label, start, end in ranges
    ]


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def month_target() -> str | None:
    """?month=2024-09 (the month picker) is the range of that month: from its first to its last day."""
    value = request.args.get("month")
    if value is None:
        return None
    args = {k: v for k, v in request.args.items() if k not in ("month", "page")}
    if not value:  # 查看 with no month chosen: the search as it was
        return search_href(args)
    try:
        year, month = (int(part) for part in value.split("-"))
        start, end = date(year, month, 1), date(year, month, monthrange(year, month)[1])
    except ValueError:
        abort(400, f"参数 month 应形如 2024-09：{value[:40]}")
    return search_href({**args, "from": start.isoformat(), "to": end.isoformat()})


def _selected_year(search_request: SearchRequest) -> str | None:
    start, end = search_request.date_from, search_request.date_to
    if (
        start
        and end
        and start.year == end.year
        and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    ):
        return str(start.year)
    return None
