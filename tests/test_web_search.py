"""web.search: the home page, the results page with its facets, dates, sorting and paging,
its JSON twin and its CSV export.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from service.config import Config
from web import create_app

from brief import HIT_KEYS, MONTHLY_01, MONTHLY_06, WEEKLY_01, WEEKLY_37, WEEKLY_DEC
from dom import HOST, Node, api, get, hit_links, page, path_of, query_of

# Words to search: a department's name alone is the department filter (tests at the end);
# in quotes it is the text itself, found in five items (four name the department).
QUERY = '"公安厅"'


def facet(doc: Node, name: str) -> list[dict]:
    """The entries of one facet on the search page: value shown, count, selected, link."""
    section = doc.find("section", cls="facet", data_facet=name)
    return [
        {
            "name": a.find("span", cls="name").words,
            "count": int(a.find("span", cls="count").words),
            "on": "on" in a.classes,
            "url": a.attrs["href"],
        }
        for a in section.find_all("a")
    ]


# --- the home page ----------------------------------------------------------------


def test_home_page_without_a_query_offers_the_search_box_departments_and_recent_issues(
    client, ingested_store
):
    doc = page(client, "/")

    form = doc.find("form", cls="searchbox")
    assert form.attrs["action"] == "/search" and form.attrs["method"] == "get"
    assert form.find("input", name="q").attrs["value"] == ""
    counts = ingested_store.reports.department_counts()
    chips = [a.words for a in doc.find("ul", cls="chips").find_all("a")]
    assert chips, "the home page lists departments"
    for words in chips:
        name = words.rsplit(" ", 1)[0]
        assert words == f"{name} {counts[name]}"
    issue_links = [a.attrs["href"] for a in doc.find("ul", cls="issues").find_all("a")]
    assert issue_links == [
        f"/issues/{i}" for i in (MONTHLY_06, MONTHLY_01, WEEKLY_DEC, WEEKLY_37, WEEKLY_01)
    ]
    assert not doc.find_all(cls="hit"), "no query, no results"


def test_home_chips_search_for_the_department(client):
    doc = page(client, "/")

    href = doc.find("ul", cls="chips").find("a").attrs["href"]
    assert path_of(href) == "/search" and set(query_of(href)) == {"dept"}


def test_search_with_an_empty_query_and_no_filters_is_the_home_page(client):
    doc = page(client, "/search?q=+")

    assert doc.find("section", cls="hero")
    assert not doc.find_all(cls="results")


# --- the search page --------------------------------------------------------------


def test_search_page_lists_the_same_hits_in_the_same_order_as_the_api(client):
    doc = page(client, "/search?q=%22公安厅%22")
    data = api(client, "/api/search?q=%22公安厅%22")

    assert data["total"] == 5
    assert hit_links(doc) == [hit["url"] for hit in data["hits"]]
    assert doc.find(cls="summary").find("strong").words == "5"


def test_root_and_search_are_the_same_page(client):
    assert hit_links(page(client, "/?q=%22公安厅%22")) == hit_links(page(client, "/search?q=%22公安厅%22"))


def test_each_hit_shows_issue_section_label_date_departments_and_a_marked_snippet(client):
    doc = page(client, "/search?q=%22公安厅%22")

    hit = next(
        li for li in doc.find_all("li", cls="hit")
        if path_of(li.find("a", cls="hit-title").attrs["href"]) == "/items/monthly-2025-01/s4-2"
    )  # fmt: skip
    assert hit.find("a", cls="hit-title").words == "《政务窗口月报》2025年第1期"
    meta = hit.find(cls="hit-meta")
    assert "四、窗口资讯 （二）" in meta.words
    assert meta.find(cls="date").words == "2025年1月7日"
    assert [a.words for a in hit.find("ul", cls="depts").find_all("a")] == ["公安厅"]
    snippet = hit.find("p", cls="snippet")
    assert [m.words for m in snippet.find_all("mark")] == ["公安厅"]
    assert snippet.words.startswith("1月7日，公安厅印发《关于成德眉资居住证互通互认的通知》")


def test_a_hit_spanning_a_month_shows_the_month(client):
    doc = page(client, "/search?q=%22公安厅%22")

    first = doc.find("li", cls="hit")
    assert path_of(first.find("a", cls="hit-title").attrs["href"]) == "/items/monthly-2025-01/s5-3"
    assert first.find(cls="date").words == "2025年1月"


def test_hit_departments_link_to_the_search_narrowed_to_them_keeping_the_query(client):
    doc = page(client, "/search?q=%22公安厅%22&kind=monthly")

    link = doc.find("li", cls="hit").find("ul", cls="depts").find("a")
    assert query_of(link.attrs["href"]) == {"q": QUERY, "kind": "monthly", "dept": link.words}


def test_facets_list_the_values_with_the_counts_of_the_api(client):
    doc = page(client, "/search?q=%22公安厅%22")
    facets = api(client, "/api/search?q=%22公安厅%22")["facets"]

    assert [(e["name"], e["count"]) for e in facet(doc, "department")] == [
        tuple(pair) for pair in facets["department"]
    ]
    assert [(e["name"], e["count"]) for e in facet(doc, "section")] == [
        tuple(pair) for pair in facets["section"]
    ]
    assert [(e["name"], e["count"]) for e in facet(doc, "kind")] == [("月报", 3), ("周报", 2)]
    assert facets["kind"] == [["monthly", 3], ["weekly", 2]]
    assert [(e["name"], e["count"]) for e in facet(doc, "year")] == [
        (f"{year}年", n) for year, n in facets["year"]
    ]
    assert ("公安厅", 5) in [(e["name"], e["count"]) for e in facet(doc, "department")]


def test_facet_links_add_their_value_and_keep_the_other_parameters(client):
    doc = page(client, "/search?q=%22公安厅%22&sort=date&page=1")

    for entry in facet(doc, "department"):
        assert query_of(entry["url"]) == {"q": QUERY, "sort": "date", "dept": entry["name"]}
    [monthly] = [e for e in facet(doc, "kind") if e["name"] == "月报"]
    assert query_of(monthly["url"]) == {"q": QUERY, "sort": "date", "kind": "monthly"}
    [y2025] = [e for e in facet(doc, "year") if e["name"] == "2025年"]
    assert query_of(y2025["url"]) == {
        "q": QUERY, "sort": "date", "from": "2025-01-01", "to": "2025-12-31",
    }  # fmt: skip
    assert not any(e["on"] for name in ("department", "kind", "year") for e in facet(doc, name))


def test_following_a_facet_link_narrows_the_hits_to_its_count(client):
    doc = page(client, "/search?q=%22公安厅%22")
    [monthly] = [e for e in facet(doc, "kind") if e["name"] == "月报"]

    narrowed = page(client, monthly["url"])

    assert len(hit_links(narrowed)) == monthly["count"] == 3
    assert all(href.startswith("/items/monthly-") for href in hit_links(narrowed))


def test_a_selected_filter_is_shown_marked_and_removable_by_a_link_without_it(client):
    doc = page(client, "/search?q=%22公安厅%22&kind=monthly&dept=住建厅")

    selected = doc.find(cls="selected")
    removals = {a.words: query_of(a.attrs["href"]) for a in selected.find_all("a", cls="remove")}
    assert removals == {
        "部门：住房城乡建设厅 ✕": {"q": QUERY, "kind": "monthly"},
        "类型：月报 ✕": {"q": QUERY, "dept": "住房城乡建设厅"},
    }
    assert query_of(selected.find("a", cls="clear").attrs["href"]) == {"q": QUERY}
    [on] = [e for e in facet(doc, "kind") if e["on"]]
    assert on["name"] == "月报"
    assert query_of(on["url"]) == {"q": QUERY, "dept": "住房城乡建设厅"}, (
        "clicking it again removes it"
    )
    [dept_on] = [e for e in facet(doc, "department") if e["on"]]
    assert dept_on["name"] == "住房城乡建设厅"


def test_a_department_filter_under_an_alias_names_the_department_and_links_its_page(client):
    doc = page(client, "/search?dept=住建厅")

    note = doc.find("p", cls="dept-note")
    assert "住房城乡建设厅" in note.words and "四川省住房和城乡建设厅" in note.words
    assert path_of(note.find("a").attrs["href"]) == "/departments/住房城乡建设厅"
    assert len(hit_links(doc)) == 4  # 3 items and the 考核 table


def test_a_year_range_selects_the_year_facet_and_shows_the_dates(client):
    doc = page(client, "/search?q=%22公安厅%22&from=2025-01-01&to=2025-12-31")

    [on] = [e for e in facet(doc, "year") if e["on"]]
    assert on["name"] == "2025年"
    assert query_of(on["url"]) == {"q": QUERY}
    removal = doc.find(cls="selected").find("a", cls="remove")
    assert removal.words == "日期：2025年1月1日 至 2025年12月31日 ✕"
    assert query_of(removal.attrs["href"]) == {"q": QUERY}
    assert len(hit_links(doc)) == 3


def test_the_date_form_keeps_the_other_parameters_and_shows_the_dates(client):
    doc = page(client, "/search?q=%22公安厅%22&dept=公安厅&from=2025-01-01")

    form = doc.find("form", cls="dates")
    assert form.attrs["action"] == "/search"
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"q": QUERY, "dept": "公安厅"}
    assert form.find("input", name="from").attrs["value"] == "2025-01-01"
    assert form.find("input", name="to").attrs["value"] == ""


def test_the_search_box_keeps_the_filters_when_the_query_changes(client):
    doc = page(client, "/search?q=%22公安厅%22&kind=monthly&page=2")

    box = doc.find("form", cls="searchbox")
    assert box.find("input", name="q").attrs["value"] == QUERY
    hidden = {i.attrs["name"]: i.attrs["value"] for i in box.find_all("input", type="hidden")}
    assert hidden == {"kind": "monthly"}, "a new query starts at page 1"


def test_sort_links_offer_relevance_newest_and_oldest(client):
    by_relevance = page(client, "/search?q=%22公安厅%22")
    sort = by_relevance.find(cls="sort")
    assert sort.find("strong").words == "相关度"
    newest, oldest = sort.find_all("a")
    assert newest.words == "最新" and query_of(newest.attrs["href"]) == {"q": QUERY, "sort": "date"}
    assert oldest.words == "最早" and query_of(oldest.attrs["href"]) == {"q": QUERY, "sort": "oldest"}

    by_date = page(client, newest.attrs["href"])
    sort = by_date.find(cls="sort")
    assert sort.find("strong").words == "最新"
    assert [a.words for a in sort.find_all("a")] == ["相关度", "最早"]
    assert query_of(sort.find("a").attrs["href"]) == {"q": QUERY}
    assert sorted(hit_links(by_date)) == sorted(hit_links(by_relevance))
    dates = [h["date_from"] for h in api(client, "/api/search?q=%22公安厅%22&sort=date")["hits"]]
    assert dates == sorted(dates, reverse=True)
    by_oldest = page(client, oldest.attrs["href"])
    assert by_oldest.find(cls="sort").find("strong").words == "最早"
    assert hit_links(by_oldest) == list(reversed(hit_links(by_date)))


def test_without_words_the_orders_are_newest_and_oldest(client):
    sort = page(client, "/search?kind=monthly").find(cls="sort")

    assert sort.find("strong").words == "最新"
    [oldest] = sort.find_all("a")
    assert oldest.words == "最早" and query_of(oldest.attrs["href"]) == {
        "kind": "monthly",
        "sort": "oldest",
    }


def test_no_results_say_what_to_try(client):
    doc = page(client, "/search?q=不存在的词语&kind=weekly")

    empty = doc.find(cls="empty")
    assert "没有找到符合条件的条目" in empty.words
    assert "住建厅" in empty.words and "OR" in empty.words
    only_query = [a for a in empty.find_all("a") if a.words == "只按检索词查找"]
    assert [query_of(a.attrs["href"]) for a in only_query] == [{"q": "不存在的词语"}]
    assert hit_links(doc) == []


def test_a_page_beyond_the_last_offers_the_first(client):
    doc = page(client, "/search?q=%22公安厅%22&page=9")

    empty = doc.find(cls="empty")
    assert "这一页没有结果" in empty.words
    assert query_of(empty.find("a").attrs["href"]) == {"q": QUERY}


def test_the_page_links_its_json_and_csv_twins_with_the_same_parameters(client):
    doc = page(client, "/search?q=%22公安厅%22&kind=monthly&sort=date")

    tools = doc.find(cls="tools")
    links = {a.words: a.attrs["href"] for a in tools.find_all("a")}
    assert path_of(links["JSON"]) == "/api/search"
    assert path_of(links["导出 CSV"]) == "/search.csv"
    for href in (links["JSON"], links["导出 CSV"]):
        assert query_of(href) == {"q": QUERY, "kind": "monthly", "sort": "date"}
    alternate = doc.find("link", rel="alternate")
    assert (
        alternate.attrs["type"] == "application/json" and alternate.attrs["href"] == links["JSON"]
    )


# --- paging -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pages(indexed_archive):
    """The same archive served with two hits a page (the configured page size)."""
    app = create_app(Config.load(indexed_archive, page_size=2))
    app.config["TESTING"] = False
    return app.test_client()


def test_the_configured_page_size_pages_the_results_with_links_that_keep_the_query(small_pages):
    first = page(small_pages, "/search?q=%22公安厅%22")

    assert len(hit_links(first)) == 2
    assert "共 5 条，第 1 / 3 页" in first.find(cls="summary").words
    pager = first.find("nav", cls="pager")
    assert not pager.find_all("a", rel="prev")
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"q": QUERY, "page": "2"}

    second = page(small_pages, pager.find("a", rel="next").attrs["href"])
    pager = second.find("nav", cls="pager")
    back = query_of(pager.find("a", rel="prev").attrs["href"])
    assert back.pop("page", "1") == "1" and back == {"q": QUERY}
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"q": QUERY, "page": "3"}
    assert second.find("ol", cls="hits").attrs["start"] == "3"

    third = page(small_pages, pager.find("a", rel="next").attrs["href"])
    assert not third.find("nav", cls="pager").find_all("a", rel="next")

    pages = hit_links(first) + hit_links(second) + hit_links(third)
    everything = api(small_pages, "/api/search?q=%22公安厅%22&limit=100")
    assert pages == [h["url"] for h in everything["hits"]]


def test_the_api_pages_like_the_page(small_pages):
    data = api(small_pages, "/api/search?q=%22公安厅%22&page=2")

    assert (data["total"], data["page"], data["pages"]) == (5, 2, 3)
    assert [h["url"] for h in data["hits"]] == hit_links(
        page(small_pages, "/search?q=%22公安厅%22&page=2")
    )


def test_an_explicit_limit_is_kept_by_the_page_links(client):
    doc = page(client, "/search?dept=公安厅&limit=2")

    next_link = doc.find("nav", cls="pager").find("a", rel="next").attrs["href"]
    assert query_of(next_link) == {"dept": "公安厅", "limit": "2", "page": "2"}


# --- the JSON twin and the CSV export -----------------------------------------------


def test_api_search_has_the_shape_of_the_brief(client):
    data = api(client, "/api/search?q=%22公安厅%22")

    assert {"query", "total", "hits", "facets"} <= set(data)
    assert data["query"] == QUERY
    assert set(data["facets"]) == {"department", "section", "kind", "year"}
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit)
        assert hit["url"] == f"/items/{hit['item_id']}"
        assert hit["item_id"].startswith(hit["issue_id"] + "/")
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit[k]) for k in ("date_from", "date_to"))
    first = data["hits"][0]
    assert first["item_id"] == "monthly-2025-01/s5-3"
    assert first["section"] == "厅（局）长进大厅" and first["label"] == "（三）"
    assert "<mark>公安厅</mark>" in first["snippet"]
    assert "公安厅" in first["departments"]


def test_api_search_without_criteria_lists_everything(client, ingested_store):
    data = api(client, "/api/search?limit=100")

    items = sum(s.items for s in ingested_store.reports.summaries())
    attachments = sum(len(issue.attachments) for issue in ingested_store.iter_issues())
    assert data["total"] == items + attachments == 62


def test_csv_export_has_a_bom_a_header_and_one_row_per_hit(client):
    response = get(client, "/search.csv?q=%22公安厅%22", content_type="text/csv")

    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == [
        "条目",
        "链接",
        "期号",
        "栏目",
        "序号",
        "起始日期",
        "结束日期",
        "部门",
        "内容",
    ]
    hits = api(client, "/api/search?q=%22公安厅%22")["hits"]
    assert [row[0] for row in body] == [h["item_id"] for h in hits]
    assert [row[1] for row in body] == [HOST + h["url"] for h in hits]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_id["monthly-2025-01/s4-2"] | {"内容": ""} == {
        "条目": "monthly-2025-01/s4-2",
        "链接": f"{HOST}/items/monthly-2025-01/s4-2",
        "期号": "《政务窗口月报》2025年第1期",
        "栏目": "四、窗口资讯",
        "序号": "（二）",
        "起始日期": "2025-01-07",
        "结束日期": "2025-01-07",
        "部门": "公安厅",
        "内容": "",
    }
    assert by_id["monthly-2025-01/s4-2"]["内容"].startswith("1月7日，公安厅印发")
    assert "<mark>" not in raw.decode("utf-8-sig"), "the export carries the text, not the snippet"


def test_csv_export_holds_every_hit_not_only_the_first_page(small_pages):
    response = get(small_pages, "/search.csv?q=%22公安厅%22&page=2", content_type="text/csv")

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 5
