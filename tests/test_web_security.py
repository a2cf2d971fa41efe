"""web.security and escaping: the headers on every response, assets served by the app and nothing
from elsewhere, and content from documents and queries shown as text.
"""

from __future__ import annotations

import re

import pytest

from service.archive import Archive
from service.config import Config
from web import create_app
from web.context import archive_of

from brief import WEEKLY_01, WEEKLY_37
from dom import HOST, Node, api, dom, get, hit_links, page

# --- security headers and assets ----------------------------------------------------


HEADER_URLS = [
    "/",
    "/search?q=公安厅",
    "/search.csv?q=公安厅",
    "/api/search?q=公安厅",
    f"/issues/{WEEKLY_37}",
    f"/items/{WEEKLY_37}/s1-2",
    "/departments/公安厅",
    "/departments/住建厅",  # a redirect
    "/api/departments/公安厅",
    "/issues/nope",  # a 404 page
    "/api/issues/nope",  # a JSON error
    "/search?sort=x",  # a 400 page
    "/static/style.css",
]


@pytest.mark.parametrize("url", HEADER_URLS)
def test_every_response_carries_the_security_headers(client, url):
    headers = client.get(url).headers

    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    }


PAGES = [
    "/",
    '/search?q="公安厅"',
    "/search?dept=公安厅",
    "/search?q=公安厅 户籍&from=2024-13-01",
    "/imports",
    "/search?q=不存在的词语",
    "/issues/",
    f"/issues/{WEEKLY_01}",
    f"/items/{WEEKLY_37}/s6-2-1",
    f"/items/{WEEKLY_37}/s6-2-1?q=蜀才&dept=公安厅",
    "/departments/",
    "/departments/公安厅",
    "/issues/nope",
    "/search?sort=x",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_nothing_from_elsewhere_and_run_no_inline_script(client, url):
    doc = dom(client.get(url))

    for node in doc.iter():
        for attr in ("src", "href", "action"):
            value = node.attrs.get(attr)
            if value is None:
                continue
            assert not value.startswith("//"), (url, node.tag, value)
            if re.match(r"[a-z][a-z0-9+.-]*:", value, re.I):
                assert value.startswith(HOST + "/"), (url, node.tag, value)
        assert not any(a.startswith("on") for a in node.attrs), (url, node.tag, node.attrs)
        assert "style" not in node.attrs, "the CSP allows no inline style"
    scripts = doc.find_all("script")
    assert [s.attrs.get("src") for s in scripts] == ["/static/app.js"]
    assert all(not s.text.strip() for s in scripts)
    assert not doc.find_all("style")


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/static/style.css", {"text/css"}),
        ("/static/app.js", {"text/javascript", "application/javascript"}),
        ("/static/favicon.svg", {"image/svg+xml"}),
    ],
)
def test_the_assets_are_served_by_the_app(client, path, mimetype):
    response = client.get(path)

    assert response.status_code == 200
    assert response.mimetype in mimetype
    assert not re.search(rb"https?://(?!www\.w3\.org/2000/svg)", response.get_data())
    response.close()


# --- escaping ---------------------------------------------------------------------

MARKUP_BULLETIN = """窗口工作周报
2024年第40期（总第511期）
（9月30日—10月4日）
四川省政府政务服务和公共资源交易服务中心 2024年10月8日
一、窗口资讯
（一）10月2日，民政厅窗口收到一条网上留言，内容为<script>alert(1)</script>，已转技术部门核查处理。
（二）本周，民政厅窗口在公告栏张贴<b>粗体</b>标语，提醒群众。
二、<i>斜体</i>&<u>栏目
（一）10月3日，民政厅窗口接待群众咨询12人次。
"""
MARKUP_ISSUE = "weekly-2024-09-30"


@pytest.fixture(scope="module")
def markup_client(tmp_path_factory):
    """An archive of one bulletin whose text contains HTML, in a data dir of its own."""
    folder = tmp_path_factory.mktemp("markup")
    source = folder / "markup.txt"
    source.write_text(MARKUP_BULLETIN, "utf-8")
    config = Config.load(folder / "data")
    with Archive(config) as archive:
        assert archive.ingest([source]).ok
    app = create_app(config)
    app.config["TESTING"] = False
    yield app.test_client()
    archive_of(app).close()


def assert_shown_as_text(response, *fragments: str) -> Node:
    body = response.get_data(as_text=True)
    for fragment in fragments:
        assert fragment not in body, f"raw {fragment!r} in the page"
    doc = dom(response)
    assert [s.attrs.get("src") for s in doc.find_all("script")] == ["/static/app.js"]
    assert not doc.find_all("b") and not doc.find_all("img")
    return doc


@pytest.mark.parametrize(
    "url", [f"/issues/{MARKUP_ISSUE}", f"/items/{MARKUP_ISSUE}/s1-1", f"/items/{MARKUP_ISSUE}/s1-2"]
)
def test_markup_in_an_item_is_shown_as_text_on_the_issue_and_item_pages(markup_client, url):
    response = get(markup_client, url)

    doc = assert_shown_as_text(response, "<script>alert", "<b>粗体")
    body = response.get_data(as_text=True)
    assert "&lt;script&gt;alert" in body and "&lt;b&gt;粗体&lt;/b&gt;" in body
    assert "<script>alert" in doc.by_id("s1-1").find(cls="item-text").text  # what the reader sees
    assert "<b>粗体</b>" in doc.by_id("s1-2").find(cls="item-text").text


@pytest.mark.parametrize(("query", "anchor"), [("script", "s1-1"), ("粗体", "s1-2")])
def test_markup_in_a_hit_is_escaped_around_the_marks(markup_client, query, anchor):
    response = get(markup_client, f"/search?q={query}")

    doc = assert_shown_as_text(response, "<script>alert", "<b>粗体")
    assert hit_links(doc) == [f"/items/{MARKUP_ISSUE}/{anchor}"]
    snippet = doc.find("p", cls="snippet")
    assert [m.words for m in snippet.find_all("mark")] == [query] * (2 if query == "script" else 1)
    expected = "<script>alert" if query == "script" else "<b>粗体</b>"
    assert expected in snippet.text


def test_markup_in_a_section_title_is_shown_as_text_in_the_hits_and_the_facets(markup_client):
    response = get(markup_client, "/search?q=窗口")

    doc = assert_shown_as_text(response, "<i>斜体", "&<u>")
    assert not doc.find_all("i") and not doc.find_all("u")
    title = "<i>斜体</i>&<u>栏目"
    [hit] = [h for h in doc.find_all("li", cls="hit") if h.attrs["data-item"].endswith("s2-1")]
    assert title in hit.find(cls="hit-meta").find("span").text
    assert title in hit.find("input", cls="choose").attrs["data-title"]
    sections = doc.find("section", cls="facet", data_facet="section")
    assert any(title in s.text for s in sections.find_all("span", cls="name"))


def test_markup_is_escaped_in_the_search_json_snippet_but_kept_in_the_text(markup_client):
    [hit] = api(markup_client, "/api/search?q=粗体")["hits"]

    assert hit["snippet"].count("<mark>") == 1
    assert "&lt;b&gt;<mark>粗体</mark>&lt;/b&gt;" in hit["snippet"]
    assert "<b>粗体</b>" in hit["text"], "the JSON text is the document's, not HTML"


def test_markup_is_escaped_on_the_department_page(markup_client):
    response = get(markup_client, "/departments/民政厅")

    doc = assert_shown_as_text(response, "<script>alert", "<b>粗体")
    snippets = [p.text for p in doc.find_all("p", cls="snippet")]
    assert any("<script>alert" in s for s in snippets) and any("<b>粗体</b>" in s for s in snippets)


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=<img src=x onerror=alert(1)>",
        "/search?q=公安厅&dept=<img src=x onerror=alert(1)>",  # echoed in a 400 reason
        "/search?sort=<img src=x onerror=alert(1)>",
        "/issues/<img src=x onerror=alert(1)>",
        "/departments/<img src=x onerror=alert(1)>",
    ],
)
def test_query_echoes_are_escaped(client, url):
    response = client.get(url)

    assert response.status_code in (200, 400, 404)
    body = response.get_data(as_text=True)
    assert "<img" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_query_is_echoed_in_the_box_and_the_title(client):
    doc = page(client, "/search?q=<img src=x onerror=alert(1)>")

    assert (
        doc.find("form", cls="searchbox").find("input", name="q").attrs["value"]
        == "<img src=x onerror=alert(1)>"
    )
    assert doc.find("title").words.startswith("<img src=x onerror=alert(1)> - 检索结果")


# --- the Host header ----------------------------------------------------------------------

BASE = "https://bulletins.example.gov.cn"
FORGED = {"Host": "evil.example"}


@pytest.fixture(scope="module")
def based(indexed_archive):
    """The app on the session archive with its public address configured."""
    app = create_app(Config.load(indexed_archive, base_url=BASE + "/"))
    app.config["TESTING"] = False
    yield app.test_client()
    archive_of(app).close()


def copy_urls(response) -> set[str]:
    return {b.attrs["data-url"] for b in dom(response).find_all("button", cls="copy")}


def test_copied_links_and_citations_are_on_the_base_url_whatever_host_a_request_names(based):
    urls = copy_urls(based.get(f"/items/{WEEKLY_37}/s1-2", headers=FORGED))

    assert f"{BASE}/items/{WEEKLY_37}/s1-2" in urls
    assert all(url.startswith(BASE + "/items/") for url in urls)


def test_the_csv_links_are_on_the_base_url_whatever_host_a_request_names(based):
    body = based.get('/search.csv?q="公安厅"', headers=FORGED).get_data(as_text=True)

    assert "evil.example" not in body
    assert f"{BASE}/items/" in body


@pytest.mark.parametrize(
    ("path", "target"),
    [("/issues", "/issues/"), ("/issues//", "/issues/"), ("/api//issues", "/api/issues")],
)
def test_werkzeugs_own_redirects_never_send_a_browser_to_the_named_host(
    client, based, path, target
):
    """A missing trailing slash and merged slashes are redirected by werkzeug, which built the
    Location from the Host header."""
    plain = client.get("/", environ_overrides={"PATH_INFO": path}, headers=FORGED)
    on_base = based.get("/", environ_overrides={"PATH_INFO": path}, headers=FORGED)

    assert plain.status_code == on_base.status_code == 308
    assert plain.headers["Location"] == target, "without a base URL: a path, no host at all"
    assert on_base.headers["Location"] == BASE + target


def test_without_a_base_url_links_are_on_the_host_the_request_came_to(client):
    assert f"{HOST}/items/{WEEKLY_37}/s1-2" in copy_urls(client.get(f"/items/{WEEKLY_37}/s1-2"))


@pytest.mark.parametrize("value", ["bulletins.example.gov.cn", "ftp://x", "https://x/?a=1", "http://x:port"])
def test_a_base_url_that_is_no_http_address_is_refused_by_name(runner, value):
    from bulletins.cli import main

    result = runner.invoke(main, ["--base-url", value, "issues"])

    assert result.exit_code == 2
    assert "--base-url" in result.output and "http" in result.output


def test_the_base_url_may_come_from_BULLETINS_BASE_URL(indexed_archive, monkeypatch):
    monkeypatch.setenv("BULLETINS_BASE_URL", BASE)
    app = create_app(Config.load(indexed_archive))

    urls = copy_urls(app.test_client().get(f"/items/{WEEKLY_37}/s1-2", headers=FORGED))
    archive_of(app).close()

    assert f"{BASE}/items/{WEEKLY_37}/s1-2" in urls
