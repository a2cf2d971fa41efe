"""The app's archive, and this request's view of it (Flask's `get_db` pattern, one level up).

One `Archive` per app: its index is shared by the app's threads, its store is
one connection per thread, opened on the thread's first request and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, request, url_for

from archive.records import DepartmentCount
from archive.reports import Reports
from archive.store import Store
from indexer.index import IndexMissing, SearchIndex
from service.archive import Archive
from service.config import Config

ARCHIVE_KEY = "bulletins.archive"
FREQUENCIES_KEY = "bulletins.frequencies"
EXAMPLES_KEY = "bulletins.examples"
MONTHS_KEY = "bulletins.item_months"  # the month picker's months, per index generation
FIGURE_SERIES_KEY = "bulletins.figure_series"  # the 数据 page's series and their counts
DEPARTMENTS_KEY = "bulletins.departments"  # every department with its count, likewise

T = TypeVar("T")


def config() -> Config:
    return current_app.config["BULLETINS"]


def absolute(path: str) -> str:
    """An absolute link to a path within this app ("/items/…", as the model's URLs are: without
    the prefix the app may be served under). The configured base URL is the app's public root;
    without one, the root this request came to (its host and the prefix, request.url_root)."""
    return config().absolute(path, request.url_root)


def absolute_url_for(endpoint: str, **values) -> str:
    """`absolute` of an endpoint's URL (url_for's, less the prefix it adds)."""
    return absolute(url_for(endpoint, **values)[len(request.script_root) :])


def link_note() -> str | None:
    """Where copied links point, when that is this computer only (no base URL, a loopback
    host): said on the page, since a colleague cannot open such a link."""
    if config().base_url:
        return None
    host = request.host.rsplit(":", 1)[0].strip("[]") if request.host else ""
    if host in ("localhost", "::1") or host.startswith("127."):
        return (
            f"复制的链接指向本机（{request.host}），只有这台电脑能打开；要发给同事，"
            "请在启动时用 --base-url（或 BULLETINS_BASE_URL）设置大家访问本系统的地址。"
        )
    return None


def get_archive() -> Archive:
    return archive_of(current_app)


def get_store() -> Store:
    """The archive store of this request's thread."""
    return get_archive().store


def get_reports() -> Reports:
    return get_archive().reports


def get_index() -> SearchIndex:
    return get_archive().index


def get_frequencies() -> dict[str, int]:
    """Document frequencies of words looked up in the live index generation (for related items),
    filled as they are looked up."""
    return per_generation(FREQUENCIES_KEY, (), dict)


def per_generation(key: str, args: Hashable, build: Callable[[], T]) -> T:
    """A value kept per app for the live index generation, built again once the index changes
    (an ingest or a reindex makes a new generation: the table a search reads is a new object).
    `args` are what else it was built from; other args build it again. Without an index
    there is no generation to keep it for: it is built on every call."""
    try:
        with get_index().searching() as snapshot:
            table = snapshot.table
    except IndexMissing:
        return build()
    cached = current_app.extensions.get(key)
    if cached is None or cached[0] is not table or cached[1] != args:
        cached = (table, args, build())
        current_app.extensions[key] = cached
    return cached[2]


def department_counts() -> list[DepartmentCount]:
    """Every department with its item count, read once per index generation (a pass over
    every item's departments: 0.15 s at 5,000 bulletins), for the department list and the
    home page alike."""
    return per_generation(DEPARTMENTS_KEY, (), lambda: get_reports().departments())


def archive_of(app: Flask) -> Archive:
    return app.extensions[ARCHIVE_KEY]


def init_app(app: Flask) -> None:
    app.extensions[ARCHIVE_KEY] = Archive(app.config["BULLETINS"])
