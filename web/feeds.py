"""The Atom feed of any search (订阅): the same parameters as /search, newest items first.

A window subscribes to /search.atom?dept=住建厅 once; each bulletin ingested
afterwards that has a matching item adds an entry, whose id and link are the
item's absolute permalink and whose time is when the archive received it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, request

from archive.model import Issue
from archive.store import Store
from indexer.index import SearchIndex
from indexer.search import SearchRequest, search
from service.feed import Feed, FeedEntry, atom_feed

from .context import absolute, absolute_url_for, config, get_index, get_store
from .reports import search_filters

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
BEIJING = timezone(timedelta(hours=8))  # the bulletins' dates are Sichuan's


@bp.get("/search.atom", endpoint="search")
def search_feed():
    search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
    params = search_request.params(page=None, limit=None, sort=None)
    feed = search_feed_of(
        get_store(),
        get_index(),
        search_request,
        self_link=absolute_url_for("feeds.search", **params),
        page_link=absolute_url_for("search.page", **params),
        link=absolute,
    )
    return Response(atom_feed(feed), mimetype="application/atom+xml")


def search_feed_of(
    store: Store,
    index: SearchIndex,
    search_request: SearchRequest,
    self_link: str,
    page_link: str,
    link: Callable[[str], str],
) -> Feed:
    """The feed of a search: its newest FEED_SIZE items (for the web and the CLI)."""
    result = search(
        index,
        replace(search_request, sort="date", page=1, limit=FEED_SIZE),
        facets=False,
        snippets=False,
    )
    issues: dict[str, Issue | None] = {}
    received: dict[str, datetime] = {}
    entries = []
    for hit in result.hits:
        if hit.issue_id not in issues:
            issues[hit.issue_id] = store.load(hit.issue_id)
            known = store.versions(hit.issue_id)  # a correction is received anew
            received[hit.issue_id] = _received(known[-1].received_at if known else None)
        issue = issues[hit.issue_id]
        if issue is None or issue.find(hit.anchor) is None or issue.item_url(hit.anchor) != hit.url:
            continue  # replaced or corrected since the index was written: the next poll has it
        entries.append(
            FeedEntry(
                link=link(hit.url),
                title=issue.citation(hit.anchor),
                text=hit.text,
                updated=received[hit.issue_id],
                published=_day(issue.published),
                departments=tuple(hit.departments),
            )
        )
    shown = "；".join(f"{what}：{value}" for what, value in search_filters(search_request))
    return Feed(
        title=f"窗口工作周报检索 · {shown}" if shown else "窗口工作周报检索 · 全部新条目",
        self_link=self_link,
        page_link=page_link,
        entries=tuple(entries),
        updated=max((e.updated for e in entries), default=datetime.now(BEIJING)),
        subtitle="四川省政府政务服务和公共资源交易服务中心《窗口工作周报》《政务窗口月报》",
    )


def _received(stamp: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        moment = None
    if moment is None:
        return datetime.now(BEIJING)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), BEIJING) if day else None
