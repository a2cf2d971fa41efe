"""Links within the app, made fast enough for a results page of a hundred and more.

`url_for` walks the URL map on every call, ~25 µs: a results page has ~130 links
(facet values, each hit's departments, the tools). These make the same URLs from a
path made once: `search_href` and `hit_href` for the results page, `href` for any
endpoint with query parameters, and a `url_for` for templates that keeps the links
without parameters (the navigation, the static files), the same on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from flask import Flask, request, url_for

from archive.model import item_url


def search_href(params: dict[str, str]) -> str:
    """The URL of the search page with these parameters."""
    return f"{request.script_root}/search{_query(params)}"


def search_hrefs(params: dict[str, str], keys: tuple[str, ...]) -> Callable[[tuple[str, ...]], str]:
    """search_href(params) with `keys` set to other values, for many values (a facet's): the
    rest of the query string is made once. `params` holds `keys`, next to each other."""
    names = list(params)
    at = names.index(keys[0])
    if tuple(names[at : at + len(keys)]) != keys:
        raise ValueError(f"{keys} are not next to each other in {names}")
    head = _query({k: params[k] for k in names[:at]})[1:]
    tail = _query({k: params[k] for k in names[at + len(keys) :]})[1:]
    start = f"{request.script_root}/search?{head}&" if head else f"{request.script_root}/search?"
    end = f"&{tail}" if tail else ""

    def link(values: tuple[str, ...]) -> str:
        middle = "&".join(f"{k}={_quoted(v)}" for k, v in zip(keys, values, strict=True))
        return f"{start}{middle}{end}"

    return link


def href(endpoint: str, params: dict[str, str]) -> str:
    """The URL of a view that takes no path arguments, with these query parameters."""
    return f"{_path(request.script_root, endpoint)}{_query(params)}"


def hit_href(params: dict[str, str]) -> Callable[[Any], str]:
    """A hit's link: its permalink, carrying the search (`params`) so that the issue page
    marks its words and leads back (the link that is copied from that page is the bare
    permalink)."""
    suffix = _query(params)
    root = request.script_root

    def link(hit) -> str:
        return f"{root}{item_url(hit.issue_id, hit.anchor)}{suffix}"

    return link


def _query(params: dict[str, str]) -> str:
    query = "&".join(f"{key}={_quoted(value)}" for key, value in params.items())
    return f"?{query}" if query else ""


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return quote_plus(value)


@lru_cache(maxsize=256)
def _path(root: str, endpoint: str) -> str:
    return url_for(endpoint)


def keeping_url_for(app: Flask) -> Callable[..., str]:
    """The templates' `url_for`: a link with no parameters but a static file's name is
    made once per prefix the app is served under; any other is made by Flask's."""
    build = app.url_for

    @lru_cache(maxsize=256)
    def constant(root: str, endpoint: str, filename: str | None) -> str:
        return build(endpoint, filename=filename) if filename else build(endpoint)

    def url_for(endpoint: str, **values: Any) -> str:
        plain = not values or (endpoint == "static" and values.keys() == {"filename"})
        if plain and not endpoint.startswith("."):
            return constant(request.script_root, endpoint, values.get("filename"))
        return build(endpoint, **values)

    return url_for
