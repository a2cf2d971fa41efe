"""web.departments: the department list, one department's page (items, months, assessments), and their JSON twins."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import web.departments
from archive.departments import gazetteer
from web.charts import month_range

from brief import WEEKLY_01
from dom import Node, api, hit_links, page, path_of, query_of

# --- departments ------------------------------------------------------------------


def test_department_list_shows_every_department_with_its_item_count(client, ingested_store):
    doc = page(client, "/departments/")
    counts = ingested_store.reports.department_counts()

    chips = {
        path_of(a.attrs["href"]).removeprefix("/departments/"): a.words
        for a in doc.find("main").find_all("a")
        if path_of(a.attrs["href"]).startswith("/departments/") and a.find_all(cls="count")
    }
    assert set(chips) == {d.short_name for d in gazetteer().departments}
    for name, words in chips.items():
        assert words == f"{name} {counts.get(name, 0)}"
    assert chips["公安厅"] == "公安厅 5"  # 4 items and the 考核 table
    assert [h.words for h in doc.find_all("h2")], "grouped by kind"


def test_api_department_list_has_the_same_counts(client, ingested_store):
    listing = api(client, "/api/departments")

    counts = ingested_store.reports.department_counts()
    assert {d["name"]: d["items"] for d in listing} == {
        d.short_name: counts.get(d.short_name, 0) for d in gazetteer().departments
    }
    gongan = next(d for d in listing if d["name"] == "公安厅")
    assert gongan == {
        "name": "公安厅", "full_name": "四川省公安厅", "aliases": ["省公安厅"],
        "kind": gongan["kind"], "url": "/departments/公安厅", "items": 5,
    }  # fmt: skip


@pytest.mark.parametrize("alias", ["住建厅", "四川省住房和城乡建设厅", "省住房城乡建设厅"])
def test_a_department_alias_redirects_permanently_to_the_short_name(client, alias):
    response = client.get(f"/departments/{alias}")

    assert response.status_code == 301
    assert path_of(response.headers["Location"]) == "/departments/住房城乡建设厅"


def test_the_redirect_keeps_the_query_string(client):
    response = client.get("/departments/住建厅?page=1")

    assert response.status_code == 301
    assert path_of(response.headers["Location"]) == "/departments/住房城乡建设厅"
    assert query_of(response.headers["Location"]) == {"page": "1"}


@pytest.mark.parametrize("query", ["name=x", "_scheme=https", "_external=1", "_anchor=x"])
def test_the_redirect_takes_odd_parameters_as_parameters(client, query):
    """Regression: they were passed to url_for as keywords (500, or a rewritten Location)."""
    response = client.get(f"/departments/住建厅?{query}")

    assert response.status_code == 301
    location = response.headers["Location"]
    assert location.startswith("/departments/") and "#" not in location
    assert urlsplit(location).query == query


def test_department_page_shows_short_and_full_name_and_aliases(client):
    doc = page(client, "/departments/住房城乡建设厅")

    head = doc.find("header", cls="dept-head")
    assert head.find("h1").words == "住房城乡建设厅"
    assert (
        head.find("p", cls="full-name").words
        == "四川省住房和城乡建设厅 · 又称：住建厅、省住房城乡建设厅"
    )
    assert "4 条条目提及（含考核表 1 期）" in head.words
    search = [a for a in head.find_all("a") if path_of(a.attrs["href"]) == "/search"]
    assert [query_of(a.attrs["href"]) for a in search] == [{"dept": "住房城乡建设厅"}]


def test_department_page_lists_its_items_newest_first_with_the_names_marked(client):
    doc = page(client, "/departments/住房城乡建设厅")

    assert hit_links(doc) == [
        "/items/monthly-2025-06/s4-3",
        "/items/monthly-2025-01/s5-3",
        "/items/weekly-2024-12-09/s3-2",
        "/items/weekly-2024-01-02/a1",  # the 考核 table of November 2023 lists it
    ]
    last = doc.find_all("li", cls="hit")[-2]
    assert last.find(cls="date").words == "2024年12月13日"
    assert "三、厅（局）长进大厅 （二）" in last.find(cls="hit-meta").words
    marks = {m.words for m in last.find("p", cls="snippet").find_all("mark")}
    assert marks == {"住房城乡建设厅", "住建厅"}, "every name of the department is marked"


def test_department_page_has_an_inline_svg_chart_of_mentions_per_month(client):
    doc = page(client, "/departments/公安厅")

    svg = doc.find("section", cls="chart-box").find("svg")
    assert svg.attrs["role"] == "img" and "公安厅" in svg.attrs["aria-label"]
    bars = [rect.find("title").words for rect in svg.find_all("rect", cls="bar")]
    assert bars == ["2023年11月：1 条", "2024年1月：1 条", "2025年1月：2 条", "2025年6月：1 条"]
    assert not [n for n in svg.iter() if "href" in n.attrs or "src" in n.attrs]


def section_titled(doc: Node, title: str) -> Node:
    [found] = [
        s for s in doc.find_all("section") if s.find_all("h2") and s.find("h2").words == title
    ]
    return found


def test_department_page_shows_its_rows_of_the_assessment_results(client):
    doc = page(client, "/departments/住房城乡建设厅")

    section = section_titled(doc, "窗口考核结果")
    [row] = section.find("tbody").find_all("tr")
    assert [td.words for td in row.find_all("td")] == [
        "《窗口工作周报》2024年第1期（总第472期）",
        "2023年11月省政务服务大厅进驻部门（单位）窗口考核结果",
        "21", "100", "0", "2", "102",
    ]  # fmt: skip
    assert row.find("a").attrs["href"] == f"/items/{WEEKLY_01}/a1"


def test_a_tied_row_shows_the_rank_it_shares(client):
    doc = page(client, "/departments/交通运输厅")

    section = section_titled(doc, "窗口考核结果")
    [row] = section.find("tbody").find_all("tr")
    assert [td.words for td in row.find_all("td")][2:] == [
        "1（并列）",
        "100",
        "0",
        "20",
        "120",
    ]  # ties with 自然资源厅: rank 1


def test_a_department_never_mentioned_says_so(client, ingested_store):
    never = next(
        d.short_name
        for d in gazetteer().departments
        if d.short_name not in ingested_store.reports.department_counts()
    )
    doc = page(client, f"/departments/{never}")

    assert "各期中还没有提及该部门的条目" in doc.find(cls="empty").words
    assert not doc.find_all("svg")


def test_api_department_has_the_pages_data(client):
    report = api(client, "/api/departments/公安厅")
    doc = page(client, "/departments/公安厅")

    assert {k: report[k] for k in ("name", "full_name", "aliases", "url", "total", "page", "pages")} == {
        "name": "公安厅", "full_name": "四川省公安厅", "aliases": ["省公安厅"],
        "url": "/departments/公安厅", "total": 5, "page": 1, "pages": 1,
    }  # fmt: skip
    assert [i["url"] for i in report["items"]] == hit_links(doc)
    assert [i["date_from"] for i in report["items"]] == [
        "2025-06-04",
        "2025-01-07",
        "2025-01-01",
        "2024-01-02",
        "2023-11-01",  # the 考核 table: the month it assesses
    ]
    assert all("公安厅" in i["departments"] for i in report["items"])
    assert report["tables"] == 1
    assert report["months"] == [["2023-11", 1], ["2024-01", 1], ["2025-01", 2], ["2025-06", 1]]
    [row] = report["assessments"]
    assert (row["seq"], row["score"], row["url"]) == (8, 107.5, f"/items/{WEEKLY_01}/a1")
    assert api(client, "/api/departments/省公安厅") == report, "any name gives the same JSON"


def test_department_items_are_paged(client, monkeypatch):
    monkeypatch.setattr(web.departments, "PAGE_SIZE", 3)

    first = page(client, "/departments/公安厅")
    second = page(client, "/departments/公安厅?page=2")

    assert hit_links(first) + hit_links(second) == [
        "/items/monthly-2025-06/s4-1",
        "/items/monthly-2025-01/s4-2",
        "/items/monthly-2025-01/s5-3",
        "/items/weekly-2024-01-02/s1-4",
        "/items/weekly-2024-01-02/a1",
    ]
    pager = first.find("nav", cls="pager")
    assert "第 1 / 2 页" in pager.words
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"page": "2"}
    assert (
        path_of(second.find("nav", cls="pager").find("a", rel="prev").attrs["href"])
        == "/departments/公安厅"
    )
    assert api(client, "/api/departments/公安厅?page=2")["pages"] == 2


# --- one count everywhere ------------------------------------------------------------


def department_chips(doc: Node, prefix: str) -> dict[str, int]:
    """Department name -> the count beside it, for the chips linking to `prefix`…"""
    chips = {}
    for a in doc.find("main").find_all("a"):
        count = a.find_all(cls="count")
        href = a.attrs.get("href", "")
        if count and path_of(href).startswith(prefix):
            name = query_of(href)["dept"] if prefix == "/search" else path_of(href)[len(prefix) :]
            chips[name] = int(count[0].words)
    return chips


def shown_total(doc: Node) -> int:
    return int(doc.find("div", cls="summary").find("strong").words)


def test_every_department_has_one_count_on_every_page_and_in_every_answer(client):
    """The department list, its page, the home page, the search's total and its facet count the
    same things: the items that mention the department and the tables that list it."""
    listing = {d["name"]: d["items"] for d in api(client, "/api/departments")}
    facet = dict(map(tuple, api(client, "/api/search")["facets"]["department"]))
    listed = department_chips(page(client, "/departments/"), "/departments/")
    home = department_chips(page(client, "/"), "/search")
    mentioned = [name for name, count in listing.items() if count]
    assert len(mentioned) >= 25 and len(home) >= 10

    for name, count in listing.items():
        assert facet.get(name, 0) == count, name
        assert listed[name] == count, name
        assert home.get(name, count) == count, name
        report = api(client, f"/api/departments/{name}")
        assert report["total"] == count, name
        found = api(client, f"/api/search?dept={name}&limit=100")
        assert found["total"] == count, name
        tables = {row["url"] for row in report["assessments"]}
        assert tables <= {hit["url"] for hit in found["hits"]}, f"{name}: its 考核 tables are hits"
        assert tables <= {item["url"] for item in report["items"]}, f"{name}: and listed"
        head = page(client, f"/departments/{name}").find("header", cls="dept-head")
        assert int(head.find("strong").words) == count, name
        if count:
            results = page(client, f"/search?dept={name}")
            assert shown_total(results) == count, name
            [selected] = results.find("section", cls="facet", data_facet="department").find_all(
                "a", cls="on"
            )
            assert selected.find(cls="name").words == name
            assert int(selected.find(cls="count").words) == count, name


def test_the_numbers_of_the_chart_are_a_table_beside_it_every_month_newest_first(client):
    doc = page(client, "/departments/公安厅")
    months = dict(api(client, "/api/departments/公安厅")["months"])

    box = doc.find("section", cls="chart-box")
    assert box.find("div", cls="chart-scroll").find("svg")
    rows = box.find("div", cls="month-table").find("tbody").find_all("tr")
    table = [(r.find_all("td")[0].words, int(r.find_all("td")[1].words)) for r in rows]
    every = month_range(min(months), max(months))
    assert [month for month, _ in table] == [f"{m[:4]}年{int(m[5:])}月" for m in reversed(every)]
    assert [n for _, n in table] == [months.get(m, 0) for m in reversed(every)]
    assert table[0] == ("2025年6月", 1) and ("2024年6月", 0) in table
    assert {"zero"} <= {c for r in rows for c in r.classes}


def test_the_department_list_counts_what_an_ingest_brought_in(archive_copy, tmp_path):
    """The counts are read once per index generation: an ingest (a new one) brings its own,
    to the page and its JSON and CSV twins alike."""
    from service.config import Config
    from web import create_app
    from web.context import archive_of

    app = create_app(Config.load(archive_copy))
    client = app.test_client()

    def police() -> int:
        [entry] = [e for e in api(client, "/api/departments") if e["name"] == "公安厅"]
        return entry["items"]

    before = police()
    source = tmp_path / "2030-weekly-02.txt"
    source.write_text(
        "窗口工作周报\n2030年第2期（总第999期）\n（1月7日—1月11日）\n"
        "四川省政府政务服务和公共资源交易服务中心 2030年1月18日\n"
        "一、综窗改革攻坚行动\n（一）1月8日，公安厅窗口推行“一窗受理”。\n",
        "utf-8",
    )
    assert archive_of(app).ingest([source]).ok

    assert police() == before + 1
    assert f"公安厅,四川省公安厅,省政府组成部门,{before + 1}," in client.get(
        "/departments.csv"
    ).get_data(as_text=True)
    archive_of(app).close()
