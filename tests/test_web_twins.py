"""web.twins: every page names its JSON twin (and its CSV twin where it is a list) the way
Datasette does: in a `Link: <…>; rel="alternate"` header, in <head>, and as links at its foot;
each twin holds what its page shows, and the CSV's links are absolute.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest

from service.config import Config
from web import create_app
from web.context import archive_of

from brief import NEWEST_FIRST, WEEKLY_01, WEEKLY_37
from dom import HOST, api, dom, get, page

PAGES = {  # page -> (its JSON twin, its CSV twin or None)
    "/issues/": ("/api/issues", "/issues.csv"),
    "/issues/?year=2024&kind=weekly": (
        "/api/issues?year=2024&kind=weekly",
        "/issues.csv?year=2024&kind=weekly",
    ),
    "/departments/": ("/api/departments", "/departments.csv"),
    "/departments/住房城乡建设厅": (
        "/api/departments/住房城乡建设厅",
        "/departments/住房城乡建设厅.csv",
    ),
    "/imports": ("/api/imports", "/imports.csv"),
    f"/issues/{WEEKLY_37}": (f"/api/issues/{WEEKLY_37}", None),
    f"/items/{WEEKLY_37}/s1-2": (f"/api/items/{WEEKLY_37}/s1-2", None),
    "/figures/": ("/api/figures", "/figures.csv"),
    "/figures/window-accept": ("/api/figures/window-accept", "/figures/window-accept.csv"),
    "/figures/assessment-score?dept=住建厅": (
        "/api/figures/assessment-score?dept=住房城乡建设厅",
        "/figures/assessment-score.csv?dept=住房城乡建设厅",
    ),
    f"/report?item={WEEKLY_37}/s1-2&item={WEEKLY_01}/a1": (
        f"/api/report?item={WEEKLY_37}/s1-2&item={WEEKLY_01}/a1",
        None,
    ),
    "/search?q=一件事&kind=weekly": (
        "/api/search?q=一件事&kind=weekly",
        "/search.csv?q=一件事&kind=weekly",
    ),
}


def link_header(value: str) -> dict[str, str]:
    """Link: <url>; rel="alternate"; type="…", … -> {type: url}."""
    found = re.findall(r'<([^>]*)>; rel="alternate"; type="([^"]+)"', value)
    return {kind: unquote(url) for url, kind in found}


@pytest.mark.parametrize("url", list(PAGES))
def test_every_page_names_its_twins_in_a_link_header_in_its_head_and_at_its_foot(client, url):
    json_twin, csv_twin = PAGES[url]
    response = get(client, url)
    expected = {"application/json": json_twin} | ({"text/csv": csv_twin} if csv_twin else {})

    assert link_header(response.headers["Link"]) == expected
    doc = dom(response)
    head = {
        link.attrs["type"]: unquote(link.attrs["href"])
        for link in doc.find("head").find_all("link", rel="alternate")
        if link.attrs["type"] in ("application/json", "text/csv")
    }
    assert head == expected
    foot = {
        a.attrs["type"]: unquote(a.attrs["href"])
        for a in doc.find("footer", cls="site").find_all("a")
        if "type" in a.attrs
    }
    assert foot == expected
    assert {a.words for a in doc.find("footer", cls="site").find_all("a")} >= (
        {"JSON", "CSV"} if csv_twin else {"JSON"}
    )


@pytest.mark.parametrize("url", [u for u, (_, c) in PAGES.items() if c])
def test_each_csv_twin_has_a_bom_a_chinese_header_and_absolute_links(client, url):
    _, csv_twin = PAGES[url]
    response = get(client, csv_twin, content_type="text/csv")

    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = csv_rows(text)
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in header)
    assert rows
    links = [row[header.index("链接")] for row in rows]
    assert [link for link in links if link] and all(
        link.startswith(HOST + "/") for link in links if link
    )


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_issue_list_csv_holds_the_issues_of_its_json(client):
    issues = api(client, "/api/issues")
    header, *rows = csv_rows(get(client, "/issues.csv", content_type="text/csv").get_data(True))

    assert header[:4] == ["编号", "链接", "期号", "类型"]
    assert [row[0] for row in rows] == [i["issue_id"] for i in issues] == NEWEST_FIRST
    assert [row[1] for row in rows] == [HOST + i["url"] for i in issues]
    assert [row[2] for row in rows] == [i["title"] for i in issues]
    assert {row[3] for row in rows} == {"周报", "月报"}


def test_the_department_list_csv_holds_every_department_with_its_count(client):
    listing = api(client, "/api/departments")
    _, *rows = csv_rows(get(client, "/departments.csv", content_type="text/csv").get_data(True))

    assert [(row[0], int(row[3])) for row in rows] == [(d["name"], d["items"]) for d in listing]


def test_a_department_csv_holds_all_its_items_not_one_page(client):
    report = api(client, "/api/departments/住房城乡建设厅")
    text = get(client, "/departments/住房城乡建设厅.csv", content_type="text/csv").get_data(True)
    _, *rows = csv_rows(text)

    assert [row[0] for row in rows] == [i["item_id"] for i in report["items"]]
    assert [row[1] for row in rows] == [HOST + i["url"] for i in report["items"]]
    assert len(rows) == report["total"] == 4  # three items and a 考核 table


def test_the_imports_csv_lists_the_files_stored(client):
    record = api(client, "/api/imports")
    _, *rows = csv_rows(get(client, "/imports.csv", content_type="text/csv").get_data(True))

    assert [(row[0], row[3]) for row in rows] == [
        ("已导入", s["issue_id"]) for s in record["sources"]
    ]
    assert {row[4] for row in rows} == {f"{HOST}/issues/{s['issue_id']}" for s in record["sources"]}


def test_a_configured_base_url_makes_every_link_of_a_csv_absolute_on_it(indexed_archive):
    base = "https://bulletins.example.gov.cn/archive"
    app = create_app(Config.load(indexed_archive, base_url=base + "/"))
    try:
        client = app.test_client()
        for url in ("/issues.csv", "/search.csv?q=一件事", "/departments/自然资源厅.csv"):
            _, *rows = csv_rows(client.get(url).get_data(as_text=True))
            links = [cell for row in rows for cell in row if cell.startswith("http")]
            assert links and all(link.startswith(base + "/") for link in links), url
    finally:
        archive_of(app).close()


def test_an_error_page_names_no_twin(client):
    response = client.get("/issues/weekly-1999-01-04")

    assert response.status_code == 404 and "Link" not in response.headers
    assert (
        not page(client, "/issues/weekly-1999-01-04", 404).find("footer", cls="site").find_all("a")
    )


def test_the_twin_of_an_issue_is_its_json(client):
    doc = page(client, f"/issues/{WEEKLY_01}")

    [twin] = [a for a in doc.find("footer", cls="site").find_all("a") if "type" in a.attrs]
    assert api(client, twin.attrs["href"])["issue_id"] == WEEKLY_01


@pytest.mark.parametrize("base", [None, "https://bulletins.example.gov.cn/archive"])
def test_served_under_a_prefix_every_absolute_link_has_the_prefix_once(indexed_archive, base):
    """Behind a proxy at /bulletins/: links copied from pages, CSVs and feeds lead back into the app,
    with its prefix when they are on the request's root, on the base URL (the app's root) alone
    when one is set: never the prefix twice, never without it."""
    app = create_app(Config.load(indexed_archive, base_url=base))
    root = base or "http://intranet.example/bulletins"
    try:
        client = app.test_client()

        def links(url: str) -> list[str]:
            text = client.get(url, base_url="http://intranet.example/bulletins").get_data(
                as_text=True
            )
            return re.findall(r"https?://[^\s\"'<>,]+", text)

        for url in ("/issues.csv", "/search.csv?q=一件事", "/departments/自然资源厅.csv",
                    f"/issues/{WEEKLY_37}", "/search.atom?q=一件事", "/figures/window-accept.csv"):  # fmt: skip
            found = [link for link in links(url) if "example" in link and "w3.org" not in link]
            assert found, url
            assert all(link.startswith(root + "/") for link in found), (url, found[:3])
            assert not any(
                "/bulletins/bulletins" in link or "/archive/bulletins" in link for link in found
            ), url
    finally:
        archive_of(app).close()
