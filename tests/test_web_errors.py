"""web.errors: what a user who mistyped, or an archive not yet built, gets: pages in Chinese, JSON
under /api, never a 500.
"""

from __future__ import annotations

import pytest

from archive.ingest import ingest_file
from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config
from web import create_app

from brief import WEEKLY_37
from dom import api, dom, hit_links, page

# --- errors -----------------------------------------------------------------------


NOT_FOUND = [
    ("/issues/weekly-2099-01-01", "没有编号为 weekly-2099-01-01 的一期"),
    (f"/items/{WEEKLY_37}/s9-9", "没有编号为 s9-9 的条目"),
    (f"/items/{WEEKLY_37}/a1", "没有编号为 a1 的条目"),
    ("/items/weekly-2099-01-01/s1-1", "没有编号为 weekly-2099-01-01 的一期"),
    ("/departments/不存在的厅", "没有名为「不存在的厅」的部门"),
    ("/no/such/page", "您要找的页面不存在"),
]


@pytest.mark.parametrize(("url", "reason"), NOT_FOUND)
def test_unknown_things_give_a_404_page_in_chinese(client, url, reason):
    doc = page(client, url, status=404)

    assert doc.find("html").attrs["lang"] == "zh-CN"
    assert doc.find("h1").words == "没有找到"
    assert reason in doc.find("p", cls="reason").words
    back = doc.find("section", cls="error-page").find("a")
    assert back.attrs["href"] == "/search" and back.words == "回到检索首页"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/api/issues/weekly-2099-01-01", "没有编号为 weekly-2099-01-01 的一期"),
        (f"/api/items/{WEEKLY_37}/s9-9", "没有编号为 s9-9 的条目"),
        ("/api/departments/不存在的厅", "没有名为「不存在的厅」的部门"),
        ("/api/nothing-here", "您要找的页面不存在"),
    ],
)
def test_unknown_things_under_api_give_a_json_404(client, url, reason):
    error = api(client, url, status=404)["error"]

    assert error["status"] == 404 and error["title"] == "没有找到"
    assert reason in error["reason"]


BAD_REQUESTS = [  # dates the page cannot use are said beside its date fields (test_web_search)
    ("/search?q=公安厅&section=" + "栏" * 101, "参数 section 过长"),
    ("/search?dept=" + "厅" * 101, "参数 dept 过长"),
    ("/search?q=公安厅&page=10001", "参数 page 必须在 1 到 10000 之间"),
    ("/search?q=公安厅&page=0", "参数 page"),
    ("/search?q=公安厅&page=abc", "参数 page 必须是整数"),
    ("/search?q=公安厅&limit=1000", "参数 limit"),
    ("/search?q=公安厅&limit=x", "参数 limit 必须是整数"),
    ("/search?q=公安厅&sort=newest", "参数 sort 只能是"),
    ("/search?q=公安厅&kind=daily", "参数 kind 只能是"),
    ("/search?dept=不存在的厅", "未知部门"),
    ('/search?q="一窗受理', "引号不成对"),
    ("/search?q=(公安厅", "括号不成对"),
    ("/search?q=。。。", "没有可检索的字或词"),
    ("/search?q=" + "字" * 201, "查询过长"),
    ("/departments/公安厅?page=0", "参数 page"),
    ("/departments/公安厅?page=x", "参数 page"),
    ("/departments/公安厅?page=²", "参数 page"),  # a digit to str.isdigit(), not to int()
    ("/departments/公安厅?page=99999999999999999999", "参数 page"),  # too big for SQLite
]


@pytest.mark.parametrize(("url", "reason"), BAD_REQUESTS)
def test_bad_parameters_give_a_400_page_with_the_reason(client, url, reason):
    doc = page(client, url, status=400)

    assert doc.find("h1").words == "请求有误"
    assert reason in doc.find("p", cls="reason").words


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=公安厅&from=2024-13-01",
        "/api/search?q=公安厅&from=2024-06-01&to=2024-01-01",
        "/api/search?to=20240909",
        "/api/search?sort=newest",
        '/api/search?q="一窗受理',
        "/api/search?limit=0",
        "/api/search?limit=101",
        "/api/search?page=10001",
        "/api/search?from=9999-01-01",
        "/api/search?q=" + "x" * 100_000,
        "/api/departments/公安厅?page=-1",
        "/api/departments/公安厅?page=99999999999999999999",
        "/search.csv?q=公安厅&kind=daily",
    ],
)
def test_bad_parameters_under_api_and_csv_give_a_json_400(client, url):
    response = client.get(url)

    assert response.status_code == 400 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["title"] == "请求有误" and error["reason"]


def test_a_wrong_method_gives_a_405_page_in_chinese(client):
    response = client.post("/search", data={"q": "公安厅"})

    assert response.status_code == 405
    assert dom(response).find("h1").words == "不支持的请求方式"


@pytest.mark.parametrize(
    "url",
    [
        f"/search?{param}={value}"
        for param in ("q", "dept", "section", "kind", "from", "to", "sort", "page", "limit")
        for value in (
            "%00",
            "%FF",
            "-",
            "OR",
            "NOT",
            "'",
            "%22",
            "(",
            ")",
            "*",
            "１",
            "🙂",
            "9" * 25,
        )
    ]
    + [
        f"/{route}/{value}"
        for route in (
            "issues",
            "api/issues",
            f"items/{WEEKLY_37}",
            "departments",
            "api/departments",
        )
        for value in ("%00", "%FF", "..%2F..", "%E2%80%AE", "s1-1%0A")
    ],
)
def test_user_input_never_gives_a_500(client, url):
    assert client.get(url).status_code < 500


# --- an archive whose index is not built yet ----------------------------------------


def test_an_app_on_an_archive_without_an_index_serves_pages_and_says_search_is_unavailable(
    tmp_path, corpus_dir
):
    config = Config.load(tmp_path / "data")
    store = Store(config.db_path)
    assert ingest_file(store, corpus_dir / "2024-weekly-37.txt").status == "added"
    app = create_app(config)
    app.config["TESTING"] = False
    client = app.test_client()

    assert client.get("/").status_code == 200
    assert client.get(f"/issues/{WEEKLY_37}").status_code == 200
    assert client.get("/departments/公安厅").status_code == 200

    doc = page(client, "/search?q=户籍", status=503)
    assert doc.find("h1").words == "检索暂不可用"
    assert "bulletins reindex" in doc.find("p", cls="reason").words
    error = api(client, "/api/search?q=户籍", status=503)["error"]
    assert error["status"] == 503 and "bulletins reindex" in error["reason"]
    assert client.get("/search.csv?q=户籍").status_code == 503

    SearchIndex(config.index_dir).sync(store)  # e.g. `bulletins reindex` in another process
    store.close()

    found = hit_links(page(client, '/search?q="司法厅"'))  # the same app, no restart
    assert sorted(found) == [f"/items/{WEEKLY_37}/s1-2", f"/items/{WEEKLY_37}/s2-1"]


def test_an_app_on_an_empty_data_dir_says_the_archive_is_empty(tmp_path):
    app = create_app(Config.load(tmp_path / "nothing-yet"))
    client = app.test_client()

    home = page(client, "/")
    assert "还没有收录任何一期" in home.find("ul", cls="issues").words
    assert "bulletins ingest" in page(client, "/issues/").find(cls="empty").words
    assert api(client, "/api/issues") == []
    assert client.get("/search?q=户籍").status_code == 503


def test_a_long_bad_value_is_quoted_back_cut_short(client):
    error = api(client, "/api/search?dept=" + "厅" * 90, status=400)["error"]

    assert error["reason"] == "未知部门：" + "厅" * 40 + "…"
