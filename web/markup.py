"""The markup a results page repeats for each hit and each facet value, built in Python.

Why not in the template: a page of twenty hits and a hundred facet values is
about six hundred values through Jinja, each a call, an escape and a yield; that
was over half of the page's template time. Here each value is escaped once,
by markupsafe as Jinja would, and a facet's labels (the same departments,
sections and years on every page) once per process. The template keeps the
page around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .filters import cn_span

if TYPE_CHECKING:
    from indexer.search import Hit

    from .search import FacetLink

_ON = ' class="on" aria-current="true"'


def facet_items(links: Iterable[FacetLink]) -> Markup:
    """The <li> of each value of a facet: its link (marked when selected), label and count."""
    return Markup(
        "".join(
            f'<li><a href="{escape(e.url)}"{_ON if e.selected else ""}>'
            f'<span class="name">{_escaped(e.label)}</span> '
            f'<span class="count">{e.count:d}</span></a></li>'
            for e in links
        )
    )


def hit_items(
    hits: Iterable[Hit],
    hit_href: Callable[[Hit], str],
    dept_href: Callable[[tuple[str, ...]], str],
) -> Markup:
    """The <li class="hit"> of each hit: its title linking to it, where and when, the snippet
    (markup already: its text escaped, the matches marked) and its departments, each linking
    to the search narrowed to it (`dept_href`, as `links.search_hrefs` makes)."""
    return Markup("".join(_hit(hit, hit_href(hit), dept_href) for hit in hits))


def _hit(hit: Hit, href: str, dept_href: Callable[[tuple[str, ...]], str]) -> str:
    item_id = escape(hit.item_id)
    issue_title, section_title = _escaped(hit.issue_title), _escaped(hit.section_title)
    label = escape(hit.label)
    period = (
        f" · {cn_span(hit.period_start, hit.period_end)}"
        if hit.number and hit.period_start and hit.kind == "weekly"
        else ""
    )
    departments = (
        '<ul class="depts">'
        + "".join(
            f'<li><a href="{escape(dept_href((d,)))}">{_escaped(d)}</a></li>'
            for d in hit.departments
        )
        + "</ul>"
        if hit.departments
        else ""
    )
    return (
        f'<li class="hit" data-item="{item_id}">'
        f'<label class="choose-label" hidden><input type="checkbox" class="choose"'
        f' value="{item_id}" data-title="{issue_title}{section_title}{label}"> 选入报告</label>'
        f'<a class="hit-title" href="{escape(href)}">{issue_title}{period}</a>'
        f'<div class="hit-meta"><span>{section_title}{" " + label if hit.label else ""}</span>'
        f' <span class="date">{cn_span(hit.date_from, hit.date_to)}</span></div>'
        f'<p class="snippet">{escape(hit.snippet)}</p>'
        f"{departments}</li>"
    )


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """Text that recurs from page to page (a facet's labels, issue and section titles,
    department names), escaped once."""
    return str(escape(text))
