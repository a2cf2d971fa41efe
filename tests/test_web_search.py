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
from web.context import archive_of

from brief import HIT_KEYS, MONTHLY_01, MONTHLY_06, WEEKLY_01, WEEKLY_37, WEEKLY_DEC
from dom import HOST, Node, api, dom, get, hit_links, page, path_of, query_of

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
    assert removal.words == "事件日期：2025年1月1日 至 2025年12月31日 ✕"
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


def test_the_date_form_has_a_labelled_range_for_each_date_and_keeps_the_other_parameters(client):
    doc = page(client, "/search?q=窗口&kind=weekly&period_from=2024-09-01&published_to=2024-12-31")

    form = doc.find("form", cls="dates")
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"q": "窗口", "kind": "weekly"}
    ranges = {
        f.find("legend").words.split()[0]: {
            i.attrs["name"]: i.attrs["value"] for i in f.find_all("input", type="text")
        }
        for f in form.find_all("fieldset")
    }
    assert ranges == {
        "事件日期": {"from": "", "to": ""},
        "所属期": {"period_from": "2024-09-01", "period_to": ""},
        "印发日期": {"published_from": "", "published_to": "2024-12-31"},
    }
    assert len(form.find_all("button", type="submit")) == 1


def test_each_date_selected_is_shown_under_its_name_and_removable_alone(client):
    doc = page(
        client,
        "/search?q=窗口&from=2024-01-01&period_from=2024-09-01&period_to=2024-09-30"
        "&published_to=2024-12-31",
    )

    selected = doc.find(cls="selected")
    removals = {a.words: query_of(a.attrs["href"]) for a in selected.find_all("a", cls="remove")}
    both = {"q": "窗口", "from": "2024-01-01"}
    assert removals == {
        "事件日期：2024年1月1日 至 不限 ✕": {
            "q": "窗口", "period_from": "2024-09-01", "period_to": "2024-09-30",
            "published_to": "2024-12-31",
        },
        "所属期：2024年9月1日 至 2024年9月30日 ✕": {**both, "published_to": "2024-12-31"},
        "印发日期：不限 至 2024年12月31日 ✕": {
            **both, "period_from": "2024-09-01", "period_to": "2024-09-30",
        },
    }  # fmt: skip
    assert query_of(selected.find("a", cls="clear").attrs["href"]) == {"q": "窗口"}


@pytest.mark.parametrize(
    ("dates", "where", "said"),
    [
        ("period_from=2024-12-31&period_to=2024-01-01", "period", "所属期：起始日期（2024年12月31日）晚于"),
        ("published_to=2024-13-01", "published", "印发日期：“2024-13-01”不是日期"),
    ],
)
def test_an_issue_date_that_cannot_be_searched_is_said_beside_its_own_fields(
    client, dates, where, said
):
    doc = page(client, f"/search?q=窗口&kind=weekly&{dates}")

    [error] = doc.find("form", cls="dates").find_all("p", cls="field-error")
    assert said in error.words
    assert error.parent.attrs["data-dates"] == where
    kept = api(client, "/api/search?q=窗口&kind=weekly")
    assert hit_links(doc) == [h["url"] for h in kept["hits"]], "searched without the dates"


def test_the_page_and_its_json_twin_filter_by_the_issue_s_dates_alike(client):
    url = "/search?period_from=2024-09-10&period_to=2024-09-10"
    doc = page(client, url)
    data = api(client, "/api" + url + "&limit=100")

    assert data["total"] == 13  # every item and sub-item of 第37期, whatever day it reports
    assert {h["issue_id"] for h in data["hits"]} == {WEEKLY_37}
    assert all(h["period_start"] == "2024-09-09" for h in data["hits"])
    assert all(h["published"] == "2024-09-23" for h in data["hits"])
    assert f"共 {data['total']} 条" in doc.find(cls="summary").words


@pytest.fixture(scope="module")
def year_end_client(year_end_archive):
    app = create_app(Config.load(year_end_archive))
    yield app.test_client()
    archive_of(app).close()


@pytest.mark.parametrize("url", ["/search?q=窗口", "/search?dept=民政厅", "/search?kind=weekly"])
def test_each_year_of_the_facet_leads_to_as_many_hits_as_it_counts(year_end_client, url):
    """With a weekly of 2024-12-30 to 2025-01-03: its lead item is in 2024 and in 2025."""
    entries = facet(page(year_end_client, url), "year")
    assert {"2024年", "2025年"} <= {e["name"] for e in entries}

    for entry in entries:
        clicked = page(year_end_client, entry["url"])
        assert f"共 {entry['count']} 条" in clicked.find(cls="summary").words, entry["name"]
        [on] = [e for e in facet(clicked, "year") if e["on"]]
        assert on["name"] == entry["name"] and on["count"] == entry["count"]


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


# --- what a query is before it is words ----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "department"),
    [("住建厅", "住房城乡建设厅"), ("住房和城乡建设厅", "住房城乡建设厅"), ("公安厅", "公安厅")],
)
def test_a_query_that_is_a_department_name_is_the_department_filter_newest_first(
    client, typed, department
):
    response = client.get(f"/search?q={typed}&kind=monthly&page=2")

    assert response.status_code == 302
    target = response.headers["Location"]
    assert path_of(target) == "/search"
    assert query_of(target) == {"dept": department, "kind": "monthly"}, "other filters kept"
    doc = page(client, target)
    filtered = api(client, f"/api/search?dept={department}&kind=monthly")
    assert hit_links(doc) == [h["url"] for h in filtered["hits"]]
    starts = [h["date_from"] for h in filtered["hits"]]
    assert starts == sorted(starts, reverse=True), "newest first"
    assert doc.find(cls="selected").find("a", cls="remove").words == f"部门：{department} ✕"


def test_the_api_and_the_export_answer_a_department_name_like_the_department_filter(client):
    api_target = client.get("/api/search?q=住建厅").headers["Location"]
    csv_target = client.get("/search.csv?q=住建厅").headers["Location"]

    assert (path_of(api_target), query_of(api_target)) == ("/api/search", {"dept": "住房城乡建设厅"})
    assert (path_of(csv_target), query_of(csv_target)) == ("/search.csv", {"dept": "住房城乡建设厅"})


def test_a_department_name_in_quotes_or_with_other_words_is_words(client):
    for url in ('/search?q="住建厅"', "/search?q=住建厅 座谈会", "/search?q=住建厅&dept=公安厅"):
        assert client.get(url).status_code == 200, url
    doc = page(client, "/search?dept=住建厅")
    words = doc.find(cls="dept-note").find_all("a")[-1]
    assert words.words == "按文字检索“住房城乡建设厅”"
    assert query_of(words.attrs["href"]) == {"q": '"住房城乡建设厅"'}


@pytest.mark.parametrize(
    ("typed", "target"),
    [
        ("2024年第37期", f"/issues/{WEEKLY_37}"),
        ("第508期", f"/issues/{WEEKLY_37}"),
        ("2025年6月月报", f"/issues/{MONTHLY_06}"),
        ("《窗口工作周报》2024年第1期（总第472期）", f"/issues/{WEEKLY_01}"),
        (f"{WEEKLY_37}/s1-2", f"/items/{WEEKLY_37}/s1-2"),
    ],
)
def test_an_issue_number_typed_in_the_search_box_opens_that_issue(client, typed, target):
    response = client.get("/search", query_string={"q": typed})

    assert response.status_code == 302 and path_of(response.headers["Location"]) == target
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_number_several_issues_have_lists_them(client):
    response = client.get("/search?q=第1期")

    target = response.headers["Location"]
    assert response.status_code == 302 and path_of(target) == "/issues/"
    assert query_of(target) == {"q": "第1期"}
    doc = page(client, target)
    rows = doc.find("table", cls="issue-list").find("tbody").find_all("tr")
    assert [r.find("a").attrs["href"] for r in rows] == [f"/issues/{MONTHLY_01}", f"/issues/{WEEKLY_01}"]
    assert "期号“第1期”：2 期" in doc.find("nav", cls="narrow").words
    words = [a for a in doc.find("nav", cls="narrow").find_all("a") if "按文字检索" in a.words]
    assert query_of(words[0].attrs["href"]) == {"q": '"第1期"'}


def test_the_twins_of_an_issue_number_are_the_issue_and_the_list(client):
    one = client.get("/api/search?q=2024年第37期").headers["Location"]
    several = client.get("/api/search?q=第1期").headers["Location"]

    assert path_of(one) == f"/api/issues/{WEEKLY_37}"
    assert [i["issue_id"] for i in api(client, several)] == [MONTHLY_01, WEEKLY_01]
    listed = client.get("/search.csv?q=2024年第37期").headers["Location"]
    assert path_of(listed) == "/issues.csv" and query_of(listed) == {"q": "2024年第37期"}


def test_an_issue_number_the_archive_lacks_is_said_above_the_results(client):
    doc = page(client, "/search?q=第999期")

    assert "档案中没有「第999期」这一期" in doc.find(cls="notice").words


# --- facets: the top values, and 更多 (N) ----------------------------------------------


def test_a_facet_shows_its_top_values_and_the_rest_behind_more(client):
    doc = page(client, "/search?q=一件事")
    values = api(client, "/api/search?q=一件事")["facets"]["department"]
    section = doc.find("section", cls="facet", data_facet="department")

    shown = section.find("ul").find_all("a")
    more = section.find("details", cls="more")
    hidden = more.find("ul").find_all("a")
    assert len(values) > 8
    assert [a.find(cls="name").words for a in shown] == [v for v, _ in values[:8]]
    assert [a.find(cls="name").words for a in hidden] == [v for v, _ in values[8:]]
    summary = more.find("summary")
    assert summary.find(cls="closed").words == f"更多 ({len(values) - 8})"
    assert summary.find(cls="opened").words == "收起"


def test_a_selected_value_is_shown_even_when_it_is_not_among_the_top(client):
    values = api(client, "/api/search?q=一件事")["facets"]["department"]
    last = values[-1][0]
    doc = page(client, f"/search?q=一件事&dept={last}")

    section = doc.find("section", cls="facet", data_facet="department")
    top = [a.find(cls="name").words for a in section.find("ul").find_all("a")]
    assert last in top and "on" in section.find("ul").find_all("a")[-1].classes


def test_a_facet_with_few_values_has_no_more(client):
    doc = page(client, "/search?q=一件事")

    assert not doc.find("section", cls="facet", data_facet="kind").find_all("details")


# --- dates as typed, quick ranges, a month, and ranges that cannot be searched -------------


def test_the_date_fields_are_text_fields_that_take_a_day_or_a_month_as_typed(client):
    doc = page(client, "/search?q=一件事&from=2024年9月&to=2024年12月")

    fields = doc.find("form", cls="dates")
    for name in ("from", "to"):
        field = fields.find("input", name=name)
        assert field.attrs["type"] == "text", "no date picker that shows the browser's locale"
    assert fields.find("input", name="from").attrs["value"] == "2024-09-01"
    assert fields.find("input", name="to").attrs["value"] == "2024-12-31"
    typed = api(client, "/api/search?q=一件事&from=2024年9月&to=2024年12月")
    as_days = api(client, "/api/search?q=一件事&from=2024-09-01&to=2024-12-31")
    assert typed["total"] == as_days["total"] > 0
    assert "2024年9月" in fields.find(cls="field-help").words


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        ("from=2024-12-31&to=2024-01-01", "起始日期（2024年12月31日）晚于结束日期（2024年1月1日）"),
        ("from=2024-13-01", "“2024-13-01”不是日期"),
        ("to=yesterday", "“yesterday”不是日期"),
        ("to=20240909", "“20240909”不是日期"),
        ("from=0202-01-01", "“0202-01-01”的年份应在 1990 到 2099 之间"),
    ],
)
def test_dates_that_cannot_be_searched_are_said_beside_the_fields_keeping_the_rest(
    client, dates, said
):
    doc = page(client, f"/search?q=一件事&kind=weekly&{dates}")

    error = doc.find("form", cls="dates").find("p", cls="field-error")
    assert said in error.words and error.attrs["role"] == "alert"
    assert "其他条件照旧" in error.words
    kept = api(client, "/api/search?q=一件事&kind=weekly")
    assert hit_links(doc) == [h["url"] for h in kept["hits"]], "searched without the dates"
    assert doc.find("section", cls="facet", data_facet="kind").find("a", cls="on")
    typed = {i.attrs["name"]: i.attrs["value"] for i in doc.find("form", cls="dates").find_all("input")}
    assert typed["kind"] == "weekly" and typed["q"] == "一件事"
    for name, value in (p.split("=") for p in dates.split("&")):
        assert typed[name] == value, "the fields show what was typed, to be corrected"
    assert "open" in doc.find("aside", cls="filters").classes, "open on a phone too"


def test_quick_ranges_end_today_and_a_year_is_the_calendar_year(client):
    from datetime import date

    doc = page(client, "/search?q=一件事&kind=weekly")
    today = date.today()
    links = {a.words: query_of(a.attrs["href"]) for a in doc.find(cls="quick").find_all("a")}

    assert list(links) == ["近一个月", "近三个月", "今年", "去年"]
    assert all(q["q"] == "一件事" and q["kind"] == "weekly" for q in links.values())
    assert links["今年"]["from"] == f"{today.year}-01-01" and links["今年"]["to"] == f"{today.year}-12-31"
    assert links["去年"]["from"] == f"{today.year - 1}-01-01"
    assert links["近一个月"]["to"] == links["近三个月"]["to"] == today.isoformat()
    month_ago = date.fromisoformat(links["近一个月"]["from"])
    assert 28 <= (today - month_ago).days <= 31
    three = date.fromisoformat(links["近三个月"]["from"])
    assert 89 <= (today - three).days <= 92


def test_the_month_picker_counts_a_month_an_ingest_brought_in(archive_copy, tmp_path):
    """The months are read once per index generation: an ingest (a new one) brings its own."""
    app = create_app(Config.load(archive_copy))
    client = app.test_client()

    def months() -> list[str]:
        form = page(client, "/search?q=窗口").find("form", cls="month")
        return [o.attrs["value"] for o in form.find_all("option")[1:]]

    assert "2030-01" not in months()
    source = tmp_path / "2030-weekly-02.txt"
    source.write_text(
        "窗口工作周报\n2030年第2期（总第999期）\n（1月7日—1月11日）\n"
        "四川省政府政务服务和公共资源交易服务中心 2030年1月18日\n"
        "一、综窗改革攻坚行动\n（一）1月8日，民政厅窗口推行“一窗受理”。\n",
        "utf-8",
    )
    assert archive_of(app).ingest([source]).ok

    assert months()[0] == "2030-01"
    archive_of(app).close()


def test_the_home_pages_departments_count_what_an_ingest_brought_in(archive_copy, tmp_path):
    """The home page's department counts are read once per index generation: an ingest (a
    new one) brings its own."""
    app = create_app(Config.load(archive_copy))
    client = app.test_client()

    def chips() -> dict[str, str]:
        found = page(client, "/").find("ul", cls="chips").find_all("a")
        return dict(a.words.rsplit(" ", 1) for a in found)

    before = chips()
    source = tmp_path / "2030-weekly-02.txt"
    source.write_text(
        "窗口工作周报\n2030年第2期（总第999期）\n（1月7日—1月11日）\n"
        "四川省政府政务服务和公共资源交易服务中心 2030年1月18日\n"
        "一、综窗改革攻坚行动\n（一）1月8日，公安厅窗口推行“一窗受理”。\n"
        "（二）1月9日，公安厅窗口办结“一件事”。\n",
        "utf-8",
    )
    assert archive_of(app).ingest([source]).ok

    assert int(chips()["公安厅"]) == int(before["公安厅"]) + 2
    archive_of(app).close()


def test_a_month_picked_is_that_months_range(client):
    doc = page(client, "/search?q=一件事")
    options = doc.find("form", cls="month").find_all("option")
    months = [o.attrs["value"] for o in options[1:]]

    assert options[0].attrs["value"] == "" and options[0].words == "选择月份"
    assert not any("selected" in o.attrs for o in options), "no month is shown as chosen"
    assert months[0] == "2025-06" and "2024-09" in months and months == sorted(months, reverse=True)
    chosen = page(client, "/search?q=一件事&from=2024-09-01&to=2024-09-30").find("form", cls="month")
    assert [o.attrs["value"] for o in chosen.find_all("option") if "selected" in o.attrs] == ["2024-09"]
    unchosen = client.get("/search?q=一件事&kind=weekly&month=")
    assert unchosen.status_code == 302
    assert query_of(unchosen.headers["Location"]) == {"q": "一件事", "kind": "weekly"}
    response = client.get("/search?q=一件事&month=2024-02&page=3")
    assert response.status_code == 302
    assert query_of(response.headers["Location"]) == {
        "q": "一件事", "from": "2024-02-01", "to": "2024-02-29",
    }  # fmt: skip
    assert client.get("/search?q=一件事&month=2024-13").status_code == 400


# --- from a hit to its issue, and back --------------------------------------------------


def test_a_hit_links_to_its_permalink_carrying_the_search(client):
    doc = page(client, "/search?q=一件事&kind=weekly&page=1")

    href = doc.find("a", cls="hit-title").attrs["href"]
    assert path_of(href).startswith("/items/")
    assert query_of(href) == {"q": "一件事", "kind": "weekly"}


def test_arriving_from_a_search_marks_its_words_and_links_back(client):
    doc = page(client, f"/items/{WEEKLY_37}/s4-1?q=一件事&kind=weekly")

    marks = [m.words for m in doc.find("li", cls="target").find_all("mark")]
    assert marks and set(marks) == {"一件事"}
    back = doc.find("p", cls="back").find("a")
    assert back.words == "← 返回检索结果"
    assert path_of(back.attrs["href"]) == "/search"
    assert query_of(back.attrs["href"]) == {"q": "一件事", "kind": "weekly"}
    copy = doc.find("li", cls="target").find("button", data_copy="link")
    assert copy.attrs["data-url"] == f"{HOST}/items/{WEEKLY_37}/s4-1", "the bare permalink"


def test_arriving_from_a_department_filter_marks_the_departments_names(client):
    doc = page(client, f"/items/{WEEKLY_01}/s1-4?dept=公安厅")

    assert {m.words for m in doc.find("li", cls="target").find_all("mark")} == {"公安厅"}


def test_a_permalink_without_a_search_marks_nothing_and_has_no_way_back(client):
    doc = page(client, f"/items/{WEEKLY_37}/s4-1")

    assert not doc.find_all("mark") and not doc.find_all("p", cls="back")


def test_markup_in_the_words_arrived_with_is_escaped(client):
    response = client.get(f"/items/{WEEKLY_37}/s4-1", query_string={"q": "<b>一件事</b>"})

    assert response.status_code == 200 and "<b>一件事</b>" not in response.get_data(as_text=True)


# --- a search box on every page, and examples that find something -------------------------


@pytest.mark.parametrize(
    "url",
    ["/issues/", f"/issues/{WEEKLY_37}", "/departments/", "/departments/公安厅", "/imports"],
)
def test_every_page_has_a_search_box(client, url):
    form = page(client, url).find("form", cls="searchbox")

    assert form.attrs["action"] == "/search" and form.find("input", name="q")


def test_the_home_pages_examples_come_from_the_archive_and_each_finds_something(client):
    doc = page(client, "/")

    examples = doc.find_all("a", cls="example")
    assert len(examples) >= 2
    for link in examples:
        target = link.attrs["href"]
        found = client.get(target, follow_redirects=True)
        assert found.status_code == 200
        assert dom(found).find_all("li", cls="hit"), target
    placeholder = doc.find("form", cls="searchbox").find("input", name="q").attrs["placeholder"]
    assert query_of(examples[0].attrs["href"])["q"] in placeholder


def test_the_examples_of_another_archive_are_its_own(tmp_path, corpus_dir):
    from service.archive import Archive
    from web.context import archive_of

    config = Config.load(tmp_path / "data")
    with Archive(config) as archive:
        archive.ingest([corpus_dir / "2025-monthly-june.txt"])
    app = create_app(config)
    try:
        client = app.test_client()
        doc = page(client, "/")
        examples = [a.attrs["href"] for a in doc.find_all("a", cls="example")]
        assert examples
        for target in examples:
            assert dom(client.get(target, follow_redirects=True)).find_all("li", cls="hit")
    finally:
        archive_of(app).close()


def test_the_examples_are_searched_once_per_index_generation(tmp_path, corpus_dir, monkeypatch):
    """Not on every visit: again once an ingest or a reindex (here by another process's
    Archive, as `bulletins reindex` beside `serve`) makes a new generation of the index."""
    import web.search
    from service.archive import Archive
    from web.context import archive_of

    made = []

    def counted(archive, departments):
        made.append(departments)
        return web.examples.examples(archive, departments)

    monkeypatch.setattr(web.search, "examples", counted)
    config = Config.load(tmp_path / "data")
    with Archive(config) as archive:
        archive.ingest(sorted(corpus_dir.glob("*.txt")))
    app = create_app(config)
    try:
        client = app.test_client()
        first = page(client, "/").find_all("a", cls="example")
        page(client, "/")
        assert len(made) == 1 and first
        with Archive(config) as archive:
            archive.reindex()
        again = page(client, "/").find_all("a", cls="example")
        assert len(made) == 2 and made[0] == made[1]
        assert [a.attrs["href"] for a in again] == [a.attrs["href"] for a in first]
    finally:
        archive_of(app).close()
