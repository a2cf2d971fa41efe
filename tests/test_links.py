"""web.links: the links a page is made of are the ones Flask's url_for would make, on the
prefix the request came to: links made once are kept per prefix, never handed to another."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import url_for

from web.links import hit_href, href, search_href, search_hrefs

PREFIXED = "http://intranet.example/bulletins"
PARAMS = {"q": "一件事 “办理”", "dept": "住建厅", "kind": "monthly", "from": "2024-09-01"}


def same_link(ours: str, flasks: str) -> bool:
    a, b = urlsplit(ours), urlsplit(flasks)
    return a.path == b.path and parse_qsl(a.query) == parse_qsl(b.query)


def test_href_and_search_href_are_url_for_with_the_same_parameters_in_the_same_order(app):
    for base in ("http://localhost", PREFIXED):
        with app.test_request_context("/", base_url=base):
            for endpoint in ("search.page", "search.api", "search.export", "reports.docx"):
                assert same_link(href(endpoint, PARAMS), url_for(endpoint, **PARAMS)), endpoint
                assert same_link(href(endpoint, {}), url_for(endpoint))
            assert same_link(search_href(PARAMS), url_for("search.page", **PARAMS))


def test_search_hrefs_set_the_keys_in_their_place_and_keep_the_rest(app):
    with app.test_request_context("/", base_url=PREFIXED):
        for keys in (("q",), ("dept",), ("from",), ("kind", "from")):
            link = search_hrefs(PARAMS, keys)
            for values in (("公安厅",) * len(keys), ("a&b=c d",) * len(keys)):
                changed = PARAMS | dict(zip(keys, values, strict=True))
                assert link(values) == search_href(changed)
        with pytest.raises(ValueError, match="next to each other"):
            search_hrefs(PARAMS, ("q", "kind"))


def test_a_hits_link_is_its_permalink_carrying_the_search(app):
    class Hit:
        issue_id, anchor = "weekly-2024-37", "s1-2"

    with app.test_request_context("/", base_url=PREFIXED):
        link = hit_href({"q": "一件事"})(Hit())
    assert link == "/bulletins/items/weekly-2024-37/s1-2?q=%E4%B8%80%E4%BB%B6%E4%BA%8B"


def test_links_made_once_are_kept_per_prefix(client):
    """The navigation and the static files' links are made once, and a page served under a
    prefix after one served without it (and the other way round) has its own."""

    def local_links(base: str) -> list[str]:
        html = client.get("/search?q=一件事", base_url=base).get_data(as_text=True)
        return re.findall(r'(?:href|src|action)="(/[^"]*)"', html)

    for _ in range(2):
        plain, prefixed = local_links("http://localhost"), local_links(PREFIXED)
        assert plain and len(plain) == len(prefixed)
        assert not any(link.startswith("/bulletins/") for link in plain)
        assert all(link.startswith("/bulletins/") for link in prefixed)
        assert [link.removeprefix("/bulletins") for link in prefixed] == plain
