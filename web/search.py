"""Search: the home page, the results page, its JSON twin and its CSV export."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from urllib.parse import quote_plus

from flask import Blueprint, Response, jsonify, render_template, request

from archive.departments import Department, gazetteer
from indexer.search import SearchRequest, SearchResult
from service.export import EXPORT_LIMIT, hits_csv

from .context import config, get_archive, get_reports

bp = Blueprint("search", __name__)

FACET_TITLES = {"department": "部门", "section": "栏目", "kind": "类型", "year": "年份"}


def run_search(default_everything: bool = False) -> tuple[SearchRequest, SearchResult | None]:
    """The request from the URL, and its result (None on the home page: no criteria)."""
    search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
    if not search_request.has_criteria and not default_everything:
        return search_request, None
    return search_request, get_archive().search(search_request)


@bp.get("/")
@bp.get("/search")
def page():
    search_request, result = run_search()
    if result is None:
        reports = get_reports()
        counts = reports.department_counts()
        issuer = {d.short_name for d in gazetteer().departments if d.kind == "编制发布单位"}
        top = sorted(((n, c) for n, c in counts.items() if n not in issuer), key=lambda kv: -kv[1])[
            :16
        ]
        return render_template(
            "home.html", req=search_request, issues=reports.summaries(limit=8), top=top
        )
    return render_template(
        "search.html",
        req=search_request,
        result=result,
        facet_titles=FACET_TITLES,
        facet_links=facet_links(search_request, result),
        name_suggestions=name_suggestions(search_request.query) if not result.total else [],
        department=gazetteer().resolve(search_request.department)
        if search_request.department
        else None,
    )


@bp.get("/api/search")
def api():
    _, result = run_search(default_everything=True)
    response = jsonify(result.to_json())
    return response


@bp.get("/search.csv")
def export():
    search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
    result = get_archive().search(replace(search_request, page=1, limit=EXPORT_LIMIT), facets=False)
    text = hits_csv(
        result.hits,
        lambda hit: request.url_root.rstrip("/") + hit.url,
    )
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="bulletins-search.csv"'},
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


def search_href(params: dict[str, str]) -> str:
    """The URL of a search page with these parameters (url_for is too slow for a page of facet links)."""
    query = "&".join(f"{key}={_quoted(value)}" for key, value in params.items())
    return f"{request.script_root}/search" + (f"?{query}" if query else "")


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return quote_plus(value)


def facet_links(search_request: SearchRequest, result: SearchResult) -> dict[str, list[dict]]:
    """For each facet value: its count, whether it is selected, and the URL that toggles it."""
    selected = {
        "department": search_request.department_name,
        "section": search_request.section,
        "kind": search_request.kind,
        "year": _selected_year(search_request),
    }
    links: dict[str, list[dict]] = {}
    for facet, pairs in result.facets.items():
        entries = []
        for value, count in pairs:
            is_on = selected[facet] == value
            entries.append(
                {
                    "value": value,
                    "count": count,
                    "selected": is_on,
                    "url": search_href(_toggle(search_request, facet, value, is_on)),
                }
            )
        links[facet] = entries
    return links


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


def _toggle(search_request: SearchRequest, facet: str, value: str, is_on: bool) -> dict[str, str]:
    if facet == "year":
        changes = (
            {"from": None, "to": None}
            if is_on
            else {"from": f"{value}-01-01", "to": f"{value}-12-31"}
        )
    else:
        key = {"department": "dept", "section": "section", "kind": "kind"}[facet]
        changes = {key: None if is_on else value}
    return search_request.params(page=None, **changes)
