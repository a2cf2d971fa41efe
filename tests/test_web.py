"""The web UI and JSON API through Flask's test client, route by route.

One archive (the bundled corpus, ingested and indexed) is built once for the
module and only read; the tests that need other data (a bulletin with markup in
it, an archive without an index) build their own in a temp dir. Pages are read
with a small DOM built on `html.parser`, so the assertions name elements the
way a reader sees them (the hit titles, the facet links, the item with class
"target") rather than matching raw HTML.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner

import web.departments
from archive.departments import gazetteer
from archive.ingest import collect, ingest_file
from archive.store import Store
from bulletins.cli import main as cli
from indexer.index import SearchIndex
from service.config import Config
from web import create_app

HOST = "http://localhost"  # the test client's host: absolute permalinks are on it
WEEKLY_37 = "weekly-2024-09-09"
WEEKLY_01 = "weekly-2024-01-02"  # has the 窗口考核结果 attachment a1
WEEKLY_DEC = "weekly-2024-12-09"
MONTHLY_01 = "monthly-2025-01"
MONTHLY_06 = "monthly-2025-06"
CITATION_S1_2 = "《窗口工作周报》2024年第37期（总第508期）一、智慧政务能力提升项目推进情况（二）"

SEARCH_HIT_KEYS = {
    "item_id", "issue_id", "url", "kind", "issue_title", "section", "label",
    "date_from", "date_to", "departments", "snippet", "text",
}  # fmt: skip
ISSUE_KEYS = {
    "issue_id", "kind", "number", "total_number", "period_start", "period_end", "published",
    "title", "url", "sections", "attachments", "source",
}  # fmt: skip
ITEM_KEYS = {
    "item_id", "anchor", "label", "date_from", "date_to", "departments", "text", "children",
}  # fmt: skip


# --- a small DOM ----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list = field(default_factory=list)  # Nodes and strings

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def words(self) -> str:
        """The text with runs of whitespace collapsed, as a reader sees it."""
        return " ".join(self.text.split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> class={cls} {attrs} on the page"
        return found[0]

    def by_id(self, id_: str) -> Node:
        [node] = [n for n in self.iter() if n.attrs.get("id") == id_]
        return node

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(response) -> Node:
    builder = _Builder()
    builder.feed(response.get_data(as_text=True))
    builder.close()
    return builder.root


def query_of(url: str) -> dict[str, str]:
    """The parameters of a link, one value each (a repeated parameter fails the test)."""
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in params.values()), url
    return {k: v[0] for k, v in params.items()}


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


# --- the archive and the app ------------------------------------------------------


@pytest.fixture(scope="module")
def data(tmp_path_factory, corpus_dir) -> Path:
    """A data dir with the corpus ingested and indexed (read-only for this module's tests)."""
    data = tmp_path_factory.mktemp("web") / "data"
    config = Config.load(data)
    store = Store(config.db_path)
    outcomes = [ingest_file(store, path) for path in collect([corpus_dir])]
    assert all(o.status == "added" for o in outcomes), outcomes
    SearchIndex(config.index_dir).sync(store)
    store.close()
    return data


@pytest.fixture(scope="module")
def app(data):
    app = create_app(Config.load(data))
    app.config["TESTING"] = False  # user input must never raise: errors become pages
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def store(data):
    store = Store(data / "archive.db")
    yield store
    store.close()


def cli_json(data: Path, *args: str):
    """What `bulletins --data-dir DATA ARGS --json` prints, parsed."""
    result = CliRunner().invoke(cli, ["--data-dir", str(data), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def get(client, url: str, status: int = 200, content_type: str = "text/html"):
    response = client.get(url)
    assert response.status_code == status, (
        url,
        response.status_code,
        response.get_data(True)[:500],
    )
    assert response.mimetype == content_type, (url, response.mimetype)
    if content_type.startswith("text/"):
        assert response.mimetype_params.get("charset") == "utf-8"
    return response


def page(client, url: str, status: int = 200) -> Node:
    return dom(get(client, url, status))


def api(client, url: str, status: int = 200):
    return get(client, url, status, "application/json").get_json()


def hit_links(doc: Node) -> list[str]:
    return [a.attrs["href"] for a in doc.find_all("a", cls="hit-title")]


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
    client, store
):
    doc = page(client, "/")

    form = doc.find("form", cls="searchbox")
    assert form.attrs["action"] == "/search" and form.attrs["method"] == "get"
    assert form.find("input", name="q").attrs["value"] == ""
    counts = store.reports.department_counts()
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
    doc = page(client, "/search?q=公安厅")
    data = api(client, "/api/search?q=公安厅")

    assert data["total"] == 5
    assert hit_links(doc) == [hit["url"] for hit in data["hits"]]
    assert doc.find(cls="summary").find("strong").words == "5"


def test_root_and_search_are_the_same_page(client):
    assert hit_links(page(client, "/?q=公安厅")) == hit_links(page(client, "/search?q=公安厅"))


def test_each_hit_shows_issue_section_label_date_departments_and_a_marked_snippet(client):
    doc = page(client, "/search?q=公安厅")

    hit = next(
        li for li in doc.find_all("li", cls="hit")
        if li.find("a", cls="hit-title").attrs["href"] == "/items/monthly-2025-01/s4-2"
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
    doc = page(client, "/search?q=公安厅")

    first = doc.find("li", cls="hit")
    assert first.find("a", cls="hit-title").attrs["href"] == "/items/monthly-2025-01/s5-3"
    assert first.find(cls="date").words == "2025年1月"


def test_hit_departments_link_to_the_search_narrowed_to_them_keeping_the_query(client):
    doc = page(client, "/search?q=公安厅&kind=monthly")

    link = doc.find("li", cls="hit").find("ul", cls="depts").find("a")
    assert query_of(link.attrs["href"]) == {"q": "公安厅", "kind": "monthly", "dept": link.words}


def test_facets_list_the_values_with_the_counts_of_the_api(client):
    doc = page(client, "/search?q=公安厅")
    facets = api(client, "/api/search?q=公安厅")["facets"]

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
    assert ("公安厅", 4) in [(e["name"], e["count"]) for e in facet(doc, "department")]


def test_facet_links_add_their_value_and_keep_the_other_parameters(client):
    doc = page(client, "/search?q=公安厅&sort=date&page=1")

    for entry in facet(doc, "department"):
        assert query_of(entry["url"]) == {"q": "公安厅", "sort": "date", "dept": entry["name"]}
    [monthly] = [e for e in facet(doc, "kind") if e["name"] == "月报"]
    assert query_of(monthly["url"]) == {"q": "公安厅", "sort": "date", "kind": "monthly"}
    [y2025] = [e for e in facet(doc, "year") if e["name"] == "2025年"]
    assert query_of(y2025["url"]) == {
        "q": "公安厅", "sort": "date", "from": "2025-01-01", "to": "2025-12-31",
    }  # fmt: skip
    assert not any(e["on"] for name in ("department", "kind", "year") for e in facet(doc, name))


def test_following_a_facet_link_narrows_the_hits_to_its_count(client):
    doc = page(client, "/search?q=公安厅")
    [monthly] = [e for e in facet(doc, "kind") if e["name"] == "月报"]

    narrowed = page(client, monthly["url"])

    assert len(hit_links(narrowed)) == monthly["count"] == 3
    assert all(href.startswith("/items/monthly-") for href in hit_links(narrowed))


def test_a_selected_filter_is_shown_marked_and_removable_by_a_link_without_it(client):
    doc = page(client, "/search?q=公安厅&kind=monthly&dept=住建厅")

    selected = doc.find(cls="selected")
    removals = {a.words: query_of(a.attrs["href"]) for a in selected.find_all("a", cls="remove")}
    assert removals == {
        "部门：住房城乡建设厅 ✕": {"q": "公安厅", "kind": "monthly"},
        "类型：月报 ✕": {"q": "公安厅", "dept": "住房城乡建设厅"},
    }
    assert query_of(selected.find("a", cls="clear").attrs["href"]) == {"q": "公安厅"}
    [on] = [e for e in facet(doc, "kind") if e["on"]]
    assert on["name"] == "月报"
    assert query_of(on["url"]) == {"q": "公安厅", "dept": "住房城乡建设厅"}, (
        "clicking it again removes it"
    )
    [dept_on] = [e for e in facet(doc, "department") if e["on"]]
    assert dept_on["name"] == "住房城乡建设厅"


def test_a_department_filter_under_an_alias_names_the_department_and_links_its_page(client):
    doc = page(client, "/search?dept=住建厅")

    note = doc.find("p", cls="dept-note")
    assert "住房城乡建设厅" in note.words and "四川省住房和城乡建设厅" in note.words
    assert path_of(note.find("a").attrs["href"]) == "/departments/住房城乡建设厅"
    assert len(hit_links(doc)) == 3


def test_a_year_range_selects_the_year_facet_and_shows_the_dates(client):
    doc = page(client, "/search?q=公安厅&from=2025-01-01&to=2025-12-31")

    [on] = [e for e in facet(doc, "year") if e["on"]]
    assert on["name"] == "2025年"
    assert query_of(on["url"]) == {"q": "公安厅"}
    removal = doc.find(cls="selected").find("a", cls="remove")
    assert removal.words == "日期：2025年1月1日 至 2025年12月31日 ✕"
    assert query_of(removal.attrs["href"]) == {"q": "公安厅"}
    assert len(hit_links(doc)) == 3


def test_the_date_form_keeps_the_other_parameters_and_shows_the_dates(client):
    doc = page(client, "/search?q=公安厅&dept=公安厅&from=2025-01-01")

    form = doc.find("form", cls="dates")
    assert form.attrs["action"] == "/search"
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"q": "公安厅", "dept": "公安厅"}
    assert form.find("input", name="from").attrs["value"] == "2025-01-01"
    assert form.find("input", name="to").attrs["value"] == ""


def test_the_search_box_keeps_the_filters_when_the_query_changes(client):
    doc = page(client, "/search?q=公安厅&kind=monthly&page=2")

    box = doc.find("form", cls="searchbox")
    assert box.find("input", name="q").attrs["value"] == "公安厅"
    hidden = {i.attrs["name"]: i.attrs["value"] for i in box.find_all("input", type="hidden")}
    assert hidden == {"kind": "monthly"}, "a new query starts at page 1"


def test_sort_links_switch_between_relevance_and_date(client):
    by_relevance = page(client, "/search?q=公安厅")
    sort = by_relevance.find(cls="sort")
    assert sort.find("strong").words == "相关度"
    [to_date] = sort.find_all("a")
    assert to_date.words == "日期" and query_of(to_date.attrs["href"]) == {
        "q": "公安厅",
        "sort": "date",
    }

    by_date = page(client, to_date.attrs["href"])
    sort = by_date.find(cls="sort")
    assert sort.find("strong").words == "日期"
    assert query_of(sort.find("a").attrs["href"]) == {"q": "公安厅"}
    assert sorted(hit_links(by_date)) == sorted(hit_links(by_relevance))
    dates = [
        h["date_from"] for h in api(client, "/api/search?q=公安厅&sort=date")["hits"]
    ]  # newest first
    assert dates == sorted(dates, reverse=True)


def test_no_results_say_what_to_try(client):
    doc = page(client, "/search?q=不存在的词语&kind=weekly")

    empty = doc.find(cls="empty")
    assert "没有找到符合条件的条目" in empty.words
    assert "住建厅" in empty.words and "OR" in empty.words
    only_query = [a for a in empty.find_all("a") if a.words == "只按检索词查找"]
    assert [query_of(a.attrs["href"]) for a in only_query] == [{"q": "不存在的词语"}]
    assert hit_links(doc) == []


def test_a_page_beyond_the_last_offers_the_first(client):
    doc = page(client, "/search?q=公安厅&page=9")

    empty = doc.find(cls="empty")
    assert "这一页没有结果" in empty.words
    assert query_of(empty.find("a").attrs["href"]) == {"q": "公安厅"}


def test_the_page_links_its_json_and_csv_twins_with_the_same_parameters(client):
    doc = page(client, "/search?q=公安厅&kind=monthly&sort=date")

    tools = doc.find(cls="tools")
    links = {a.words: a.attrs["href"] for a in tools.find_all("a")}
    assert path_of(links["JSON"]) == "/api/search"
    assert path_of(links["导出 CSV"]) == "/search.csv"
    for href in (links["JSON"], links["导出 CSV"]):
        assert query_of(href) == {"q": "公安厅", "kind": "monthly", "sort": "date"}
    alternate = doc.find("link", rel="alternate")
    assert (
        alternate.attrs["type"] == "application/json" and alternate.attrs["href"] == links["JSON"]
    )


# --- paging -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pages(data):
    """The same archive served with two hits a page (the configured page size)."""
    app = create_app(Config.load(data, page_size=2))
    app.config["TESTING"] = False
    return app.test_client()


def test_the_configured_page_size_pages_the_results_with_links_that_keep_the_query(small_pages):
    first = page(small_pages, "/search?q=公安厅")

    assert len(hit_links(first)) == 2
    assert "共 5 条，第 1 / 3 页" in first.find(cls="summary").words
    pager = first.find("nav", cls="pager")
    assert not pager.find_all("a", rel="prev")
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"q": "公安厅", "page": "2"}

    second = page(small_pages, pager.find("a", rel="next").attrs["href"])
    pager = second.find("nav", cls="pager")
    back = query_of(pager.find("a", rel="prev").attrs["href"])
    assert back.pop("page", "1") == "1" and back == {"q": "公安厅"}
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"q": "公安厅", "page": "3"}
    assert second.find("ol", cls="hits").attrs["start"] == "3"

    third = page(small_pages, pager.find("a", rel="next").attrs["href"])
    assert not third.find("nav", cls="pager").find_all("a", rel="next")

    pages = hit_links(first) + hit_links(second) + hit_links(third)
    everything = api(small_pages, "/api/search?q=公安厅&limit=100")
    assert pages == [h["url"] for h in everything["hits"]]


def test_the_api_pages_like_the_page(small_pages):
    data = api(small_pages, "/api/search?q=公安厅&page=2")

    assert (data["total"], data["page"], data["pages"]) == (5, 2, 3)
    assert [h["url"] for h in data["hits"]] == hit_links(
        page(small_pages, "/search?q=公安厅&page=2")
    )


def test_an_explicit_limit_is_kept_by_the_page_links(client):
    doc = page(client, "/search?dept=公安厅&limit=2")

    next_link = doc.find("nav", cls="pager").find("a", rel="next").attrs["href"]
    assert query_of(next_link) == {"dept": "公安厅", "limit": "2", "page": "2"}


# --- the JSON twin and the CSV export -----------------------------------------------


def test_api_search_has_the_shape_of_the_brief(client):
    data = api(client, "/api/search?q=公安厅")

    assert {"query", "total", "hits", "facets"} <= set(data)
    assert data["query"] == "公安厅"
    assert set(data["facets"]) == {"department", "section", "kind", "year"}
    for hit in data["hits"]:
        assert SEARCH_HIT_KEYS <= set(hit)
        assert hit["url"] == f"/items/{hit['item_id']}"
        assert hit["item_id"].startswith(hit["issue_id"] + "/")
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit[k]) for k in ("date_from", "date_to"))
    first = data["hits"][0]
    assert first["item_id"] == "monthly-2025-01/s5-3"
    assert first["section"] == "厅（局）长进大厅" and first["label"] == "（三）"
    assert "<mark>公安厅</mark>" in first["snippet"]
    assert "公安厅" in first["departments"]


def test_api_search_without_criteria_lists_everything(client, store):
    data = api(client, "/api/search?limit=100")

    items = sum(s.items for s in store.reports.summaries())
    attachments = sum(len(issue.attachments) for issue in store.iter_issues())
    assert data["total"] == items + attachments == 62


def test_api_search_hits_equal_the_cli_search_json(client, data):
    web = api(client, "/api/search?q=公安厅&kind=monthly")
    assert web == cli_json(data, "search", "公安厅", "--kind", "monthly")


def test_csv_export_has_a_bom_a_header_and_one_row_per_hit(client):
    response = get(client, "/search.csv?q=公安厅", content_type="text/csv")

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
    hits = api(client, "/api/search?q=公安厅")["hits"]
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
    response = get(small_pages, "/search.csv?q=公安厅&page=2", content_type="text/csv")

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 5


# --- the issue list ---------------------------------------------------------------


def test_issue_list_shows_every_issue_newest_first_with_kind_period_and_items(client, store):
    doc = page(client, "/issues/")

    assert doc.find("h1").words == "各期目录"
    rows = doc.find("table", cls="issue-list").find("tbody").find_all("tr")
    summaries = store.reports.summaries()
    assert [r.find("a").attrs["href"] for r in rows] == [f"/issues/{s.issue_id}" for s in summaries]
    cells = [td.words for td in rows[3].find_all("td")]
    assert cells == [
        "《窗口工作周报》2024年第37期（总第508期）",
        "周报",
        "2024年9月9日—9月14日",
        "2024年9月23日",
        "13",
    ]
    assert [td.words for td in rows[0].find_all("td")][:3] == [
        "《政务窗口月报》2025年6月",
        "月报",
        "2025年6月",
    ]


def test_api_issues_equals_the_cli_issue_list(client, data):
    listing = api(client, "/api/issues")

    assert listing == cli_json(data, "issues")
    assert [i["issue_id"] for i in listing] == [
        MONTHLY_06,
        MONTHLY_01,
        WEEKLY_DEC,
        WEEKLY_37,
        WEEKLY_01,
    ]
    assert all(i["url"] == f"/issues/{i['issue_id']}" for i in listing)


# --- one issue --------------------------------------------------------------------


@pytest.fixture(scope="module")
def issue_37(client):
    return api(client, f"/api/issues/{WEEKLY_37}")


def walk(items):
    for item in items:
        yield item
        yield from walk(item["children"])


def test_api_issue_has_the_shape_of_the_brief_and_equals_bulletins_show(client, data, issue_37):
    assert ISSUE_KEYS <= set(issue_37)
    assert issue_37["url"] == f"/issues/{WEEKLY_37}"
    for section in issue_37["sections"]:
        assert {"number", "title", "items"} <= set(section)
        for item in walk(section["items"]):
            assert ITEM_KEYS <= set(item)
    assert issue_37 == cli_json(data, "show", WEEKLY_37)


def test_issue_page_has_the_masthead(client):
    doc = page(client, f"/issues/{WEEKLY_37}")

    head = doc.find("header", cls="masthead")
    assert head.find("p", cls="name").words == "窗口工作周报"
    assert head.find("h1").words == "《窗口工作周报》2024年第37期（总第508期）"
    assert head.find("p", cls="period").words == "2024年9月9日—9月14日 2024年9月23日印发"
    assert head.find("p", cls="issuer").words == "四川省政府政务服务和公共资源交易服务中心"
    assert doc.find("title").words.startswith("《窗口工作周报》2024年第37期（总第508期）")


def test_issue_page_shows_every_section_and_item_under_its_anchor(client, issue_37):
    doc = page(client, f"/issues/{WEEKLY_37}")

    numerals = "一二三四五六七八九"
    for section in issue_37["sections"]:
        block = doc.by_id(f"s{section['number']}")
        assert block.find("h2").words == f"{numerals[section['number'] - 1]}、{section['title']}"
        for item in walk(section["items"]):
            li = block.by_id(item["anchor"])
            assert li.tag == "li" and "item" in li.classes
            head = li.find(cls="item-head")
            if item["label"]:
                assert head.find("span", cls="label").words == item["label"]
            paragraphs = [p.text for p in li.find(cls="item-text").find_all("p")]
            assert paragraphs == item["text"].split("\n")
            depts = li.find_all("ul", cls="depts")
            shown = [a.words for a in depts[0].find_all("a")] if depts else []
            assert shown == item["departments"]
    anchors = [n.attrs["id"] for n in doc.find_all("li", cls="item")]
    assert anchors == [i["anchor"] for s in issue_37["sections"] for i in walk(s["items"])]
    assert not doc.find_all(cls="target"), "the issue page highlights nothing"


def test_sub_items_are_nested_inside_their_item(client):
    doc = page(client, f"/issues/{WEEKLY_37}")

    parent = doc.by_id("s6-2")
    children = parent.find("ol", cls="children").find_all("li", cls="item")
    assert [c.attrs["id"] for c in children] == ["s6-2-1", "s6-2-2"]
    assert [c.find("span", cls="label").words for c in children] == ["1.", "2."]
    assert "天府英才卡" in children[0].find(cls="item-text").words


def test_item_dates_are_shown_in_chinese(client):
    doc = page(client, f"/issues/{WEEKLY_37}")

    assert doc.by_id("s1-2").find(cls="item-date").words == "2024年9月11日"
    assert doc.by_id("s2-1").find(cls="item-date").words == "2024年9月9日—9月14日"


def test_every_item_has_a_link_icon_and_copy_buttons_with_its_absolute_permalink(client, issue_37):
    doc = page(client, f"/issues/{WEEKLY_37}")

    for item in (i for s in issue_37["sections"] for i in walk(s["items"])):
        tools = doc.by_id(item["anchor"]).find(cls="item-tools")
        permalink = f"/items/{WEEKLY_37}/{item['anchor']}"
        assert tools.find("a", cls="permalink").attrs["href"] == permalink == item["url"]
        link = tools.find("button", data_copy="link")
        citation = tools.find("button", data_copy="citation")
        assert link.words == "复制链接" and citation.words == "复制引用"
        assert link.attrs["data-url"] == citation.attrs["data-url"] == HOST + permalink


def test_the_citation_names_the_issue_section_and_item(client):
    doc = page(client, f"/issues/{WEEKLY_37}")

    def citation(anchor):
        return doc.by_id(anchor).find("button", data_copy="citation").attrs["data-citation"]

    assert citation("s1-2") == CITATION_S1_2
    assert citation("s2-1") == "《窗口工作周报》2024年第37期（总第508期）二、政务工作动态"
    assert (
        citation("s6-2-1")
        == "《窗口工作周报》2024年第37期（总第508期）六、综窗改革攻坚行动（二）1."
    )


def test_the_attachment_is_a_table_with_tied_rows_left_without_a_number(client):
    doc = page(client, f"/issues/{WEEKLY_01}")
    attachment = api(client, f"/api/issues/{WEEKLY_01}")["attachments"][0]

    block = doc.by_id("a1")
    assert block.find("h2").words == "附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果"
    table = block.find("table")
    assert [th.words for th in table.find("thead").find_all("th")] == [
        "序号", "部门窗口", "基础分", "减分", "加分", "实得分",
    ]  # fmt: skip
    rows = [[td.words for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert len(rows) == len(attachment["rows"])
    assert rows[:3] == [
        ["1", "自然资源厅", "100", "0", "20", "120"],
        ["", "交通运输厅", "100", "0", "20", "120"],
        ["3", "省市场监管局", "100", "0", "14.5", "114.5"],
    ]
    assert ["23", "四川消防救援总队", "100", "-0.5", "1", "100.5"] in rows
    link = table.find("tbody").find("a")
    assert path_of(link.attrs["href"]) == "/departments/自然资源厅"
    citation = block.find("button", data_copy="citation").attrs["data-citation"]
    assert (
        citation
        == "《窗口工作周报》2024年第1期（总第472期）附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果"
    )


def test_issue_page_ends_with_the_distribution_footer(client):
    doc = page(client, f"/issues/{WEEKLY_37}")

    footer = doc.find("footer", cls="distribution")
    assert [p.words for p in footer.find_all("p")] == [
        "报：省政务管理办公室、省级相关部门（单位）、省中心领导。",
        "发：省级相关部门（单位）窗口，省直部门办事大厅，省中心各处（室）、直属单位。",
        "（共印100份）",
    ]
    assert "共印" not in doc.find("section", cls="section", id="s6").text, "the footer is no item"


@pytest.mark.parametrize(
    ("issue_id", "older", "newer"),
    [
        (WEEKLY_37, WEEKLY_01, WEEKLY_DEC),
        (WEEKLY_01, None, WEEKLY_37),
        (WEEKLY_DEC, WEEKLY_37, None),  # the next issue, monthly-2025-01, is of another kind
        (MONTHLY_01, None, MONTHLY_06),
        (MONTHLY_06, MONTHLY_01, None),
    ],
)
def test_issue_page_links_the_neighbouring_issues_of_the_same_kind(client, issue_id, older, newer):
    nav = page(client, f"/issues/{issue_id}").find("nav", cls="neighbours")

    prev_links = [a.attrs["href"] for a in nav.find_all("a", rel="prev")]
    next_links = [a.attrs["href"] for a in nav.find_all("a", rel="next")]
    assert prev_links == ([f"/issues/{older}"] if older else [])
    assert next_links == ([f"/issues/{newer}"] if newer else [])


def test_neighbour_links_name_the_issue(client):
    nav = page(client, f"/issues/{WEEKLY_37}").find("nav", cls="neighbours")

    assert nav.find("a", rel="prev").words == "← 上一期：《窗口工作周报》2024年第1期（总第472期）"
    assert nav.find("a", rel="next").words.startswith("下一期：《窗口工作周报》2024年12月9日")


def test_a_monthly_issue_page_shows_its_month(client):
    doc = page(client, f"/issues/{MONTHLY_06}")

    head = doc.find("header", cls="masthead")
    assert head.find("p", cls="name").words == "政务窗口月报"
    assert head.find("h1").words == "《政务窗口月报》2025年6月"
    assert head.find("p", cls="period").words.startswith("2025年6月")


# --- item permalinks --------------------------------------------------------------


def targets(doc: Node) -> list[Node]:
    return [n for n in doc.iter() if "target" in n.classes]


def test_item_permalink_renders_the_issue_with_that_item_marked_target(client):
    doc = page(client, f"/items/{WEEKLY_37}/s1-2")

    [target] = targets(doc)
    assert target.attrs["id"] == "s1-2" and target.attrs.get("aria-current") == "true"
    assert (
        doc.find("header", cls="masthead")
        .find("h1")
        .words.startswith("《窗口工作周报》2024年第37期")
    )
    assert len(doc.find_all("li", cls="item")) == 13, "the whole issue, for context"
    citation = target.find("button", data_copy="citation")
    assert citation.attrs["data-citation"] == CITATION_S1_2
    assert citation.attrs["data-url"] == f"{HOST}/items/{WEEKLY_37}/s1-2"


def test_a_sub_item_permalink_marks_the_sub_item_inside_its_parent(client):
    doc = page(client, f"/items/{WEEKLY_37}/s6-2-1")

    [target] = targets(doc)
    assert target.attrs["id"] == "s6-2-1"
    assert "s6-2" in [a.attrs.get("id") for a in target.ancestors()]


def test_an_attachment_permalink_marks_the_attachment(client):
    doc = page(client, f"/items/{WEEKLY_01}/a1")

    [target] = targets(doc)
    assert target.attrs["id"] == "a1" and target.find("table")


def test_api_item_gives_the_item_with_its_citation_and_permalink(client, data):
    item = api(client, f"/api/items/{WEEKLY_37}/s1-2")

    assert ITEM_KEYS <= set(item)
    assert item["citation"] == CITATION_S1_2
    assert item["url"] == f"/items/{WEEKLY_37}/s1-2"
    assert item["item_id"] == f"{WEEKLY_37}/s1-2" and item["issue_id"] == WEEKLY_37
    assert item["date_from"] == item["date_to"] == "2024-09-11"
    shown = cli_json(data, "show", f"{WEEKLY_37}/s1-2")
    assert {k: item[k] for k in shown} == shown, (
        "the same item as `bulletins show ID/ANCHOR --json`"
    )


def test_api_item_of_a_sub_item_and_of_an_attachment(client):
    sub = api(client, f"/api/items/{WEEKLY_37}/s6-2-1")
    assert sub["label"] == "1." and sub["citation"].endswith("六、综窗改革攻坚行动（二）1.")

    attachment = api(client, f"/api/items/{WEEKLY_01}/a1")
    assert attachment["url"] == f"/items/{WEEKLY_01}/a1"
    assert attachment["rows"][1] == {
        "seq": None, "name": "交通运输厅", "department": "交通运输厅",
        "base": 100.0, "deduction": 0.0, "bonus": 20.0, "score": 120.0,
    }  # fmt: skip


# --- departments ------------------------------------------------------------------


def test_department_list_shows_every_department_with_its_item_count(client, store):
    doc = page(client, "/departments/")
    counts = store.reports.department_counts()

    chips = {
        path_of(a.attrs["href"]).removeprefix("/departments/"): a.words
        for a in doc.find("main").find_all("a")
        if path_of(a.attrs["href"]).startswith("/departments/") and a.find_all(cls="count")
    }
    assert set(chips) == {d.short_name for d in gazetteer().departments}
    for name, words in chips.items():
        assert words == f"{name} {counts.get(name, 0)}"
    assert chips["公安厅"] == "公安厅 4"
    assert [h.words for h in doc.find_all("h2")], "grouped by kind"


def test_api_department_list_has_the_same_counts(client, data, store):
    listing = api(client, "/api/departments")

    counts = store.reports.department_counts()
    assert {d["name"]: d["items"] for d in listing} == {
        d.short_name: counts.get(d.short_name, 0) for d in gazetteer().departments
    }
    gongan = next(d for d in listing if d["name"] == "公安厅")
    assert gongan == {
        "name": "公安厅", "full_name": "四川省公安厅", "aliases": ["省公安厅"],
        "kind": gongan["kind"], "url": "/departments/公安厅", "items": 4,
    }  # fmt: skip
    assert listing == cli_json(data, "departments")


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
    assert "3 条条目提及" in head.words
    search = [a for a in head.find_all("a") if path_of(a.attrs["href"]) == "/search"]
    assert [query_of(a.attrs["href"]) for a in search] == [{"dept": "住房城乡建设厅"}]


def test_department_page_lists_its_items_newest_first_with_the_names_marked(client):
    doc = page(client, "/departments/住房城乡建设厅")

    assert hit_links(doc) == [
        "/items/monthly-2025-06/s4-3",
        "/items/monthly-2025-01/s5-3",
        "/items/weekly-2024-12-09/s3-2",
    ]
    last = doc.find_all("li", cls="hit")[-1]
    assert last.find(cls="date").words == "2024年12月13日"
    assert "三、厅（局）长进大厅 （二）" in last.find(cls="hit-meta").words
    marks = {m.words for m in last.find("p", cls="snippet").find_all("mark")}
    assert marks == {"住房城乡建设厅", "住建厅"}, "every name of the department is marked"


def test_department_page_has_an_inline_svg_chart_of_mentions_per_month(client):
    doc = page(client, "/departments/公安厅")

    svg = doc.find("section", cls="chart-box").find("svg")
    assert svg.attrs["role"] == "img" and "公安厅" in svg.attrs["aria-label"]
    bars = [rect.find("title").words for rect in svg.find_all("rect", cls="bar")]
    assert bars == ["2024年1月：1 条", "2025年1月：2 条", "2025年6月：1 条"]
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


def test_a_tied_row_shows_that_it_is_tied(client):
    doc = page(client, "/departments/交通运输厅")

    section = section_titled(doc, "窗口考核结果")
    [row] = section.find("tbody").find_all("tr")
    assert [td.words for td in row.find_all("td")][2:] == ["（并列）", "100", "0", "20", "120"]


def test_a_department_never_mentioned_says_so(client, store):
    never = next(
        d.short_name
        for d in gazetteer().departments
        if d.short_name not in store.reports.department_counts()
    )
    doc = page(client, f"/departments/{never}")

    assert "各期中还没有提及该部门的条目" in doc.find(cls="empty").words
    assert not doc.find_all("svg")


def test_api_department_has_the_pages_data(client, data):
    report = api(client, "/api/departments/公安厅")
    doc = page(client, "/departments/公安厅")

    assert {k: report[k] for k in ("name", "full_name", "aliases", "url", "total", "page", "pages")} == {
        "name": "公安厅", "full_name": "四川省公安厅", "aliases": ["省公安厅"],
        "url": "/departments/公安厅", "total": 4, "page": 1, "pages": 1,
    }  # fmt: skip
    assert [i["url"] for i in report["items"]] == hit_links(doc)
    assert [i["date_from"] for i in report["items"]] == [
        "2025-06-04",
        "2025-01-07",
        "2025-01-01",
        "2024-01-02",
    ]
    assert all("公安厅" in i["departments"] for i in report["items"])
    assert report["months"] == [["2024-01", 1], ["2025-01", 2], ["2025-06", 1]]
    [row] = report["assessments"]
    assert (row["seq"], row["score"], row["url"]) == (8, 107.5, f"/items/{WEEKLY_01}/a1")
    assert api(client, "/api/departments/省公安厅") == report, "any name gives the same JSON"
    assert report == cli_json(data, "departments", "公安厅")


def test_department_items_are_paged(client, monkeypatch):
    monkeypatch.setattr(web.departments, "PAGE_SIZE", 3)

    first = page(client, "/departments/公安厅")
    second = page(client, "/departments/公安厅?page=2")

    assert hit_links(first) + hit_links(second) == [
        "/items/monthly-2025-06/s4-1",
        "/items/monthly-2025-01/s4-2",
        "/items/monthly-2025-01/s5-3",
        "/items/weekly-2024-01-02/s1-4",
    ]
    pager = first.find("nav", cls="pager")
    assert "第 1 / 2 页" in pager.words
    assert query_of(pager.find("a", rel="next").attrs["href"]) == {"page": "2"}
    assert (
        path_of(second.find("nav", cls="pager").find("a", rel="prev").attrs["href"])
        == "/departments/公安厅"
    )
    assert api(client, "/api/departments/公安厅?page=2")["pages"] == 2


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


BAD_REQUESTS = [
    ("/search?q=公安厅&from=2024-13-01", "参数 from 不是有效日期"),
    ("/search?q=公安厅&to=yesterday", "参数 to 不是有效日期"),
    (
        "/search?q=公安厅&from=2024-06-01&to=2024-01-01",
        "起始日期 from（2024-06-01）晚于结束日期 to",
    ),
    ("/search?q=公安厅&from=0202-01-01", "参数 from 的年份应在 1990 到 2099 之间"),
    ("/search?q=公安厅&to=20240909", "参数 to 不是有效日期"),
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
    "/search?q=公安厅",
    "/search?q=不存在的词语",
    "/issues/",
    f"/issues/{WEEKLY_01}",
    f"/items/{WEEKLY_37}/s6-2-1",
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
"""
MARKUP_ISSUE = "weekly-2024-09-30"


@pytest.fixture(scope="module")
def markup_client(tmp_path_factory):
    """An archive of one bulletin whose text contains HTML, in a data dir of its own."""
    folder = tmp_path_factory.mktemp("markup")
    source = folder / "markup.txt"
    source.write_text(MARKUP_BULLETIN, "utf-8")
    config = Config.load(folder / "data")
    store = Store(config.db_path)
    assert ingest_file(store, source).status == "added"
    SearchIndex(config.index_dir).sync(store)
    store.close()
    app = create_app(config)
    app.config["TESTING"] = False
    return app.test_client()


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

    doc = page(client, "/search?q=公安厅", status=503)
    assert doc.find("h1").words == "检索暂不可用"
    assert "bulletins reindex" in doc.find("p", cls="reason").words
    error = api(client, "/api/search?q=公安厅", status=503)["error"]
    assert error["status"] == 503 and "bulletins reindex" in error["reason"]
    assert client.get("/search.csv?q=公安厅").status_code == 503

    SearchIndex(config.index_dir).sync(store)  # e.g. `bulletins reindex` in another process
    store.close()

    found = hit_links(page(client, "/search?q=司法厅"))  # the same app, no restart
    assert sorted(found) == [f"/items/{WEEKLY_37}/s1-2", f"/items/{WEEKLY_37}/s2-1"]


def test_an_app_on_an_empty_data_dir_says_the_archive_is_empty(tmp_path):
    app = create_app(Config.load(tmp_path / "nothing-yet"))
    client = app.test_client()

    home = page(client, "/")
    assert "还没有收录任何一期" in home.find("ul", cls="issues").words
    assert "bulletins ingest" in page(client, "/issues/").find(cls="empty").words
    assert api(client, "/api/issues") == []
    assert client.get("/search?q=公安厅").status_code == 503


# --- the import record -------------------------------------------------------------


def test_the_import_record_shows_each_file_not_stored_with_its_reason_in_chinese(
    tmp_path, corpus_dir
):
    data = tmp_path / "data"
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    (folder / "<b>扫描件<i>.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)])
    client = create_app(Config.load(data)).test_client()

    doc = page(client, "/imports")
    listing = api(client, "/api/imports")

    [problem] = listing["problems"]
    assert problem["file"] == "<b>扫描件<i>.pdf" and problem["code"] == "pdf_damaged"
    cells = [c.text for c in doc.find_all("td")]
    assert "<b>扫描件<i>.pdf" in cells, "the file name is shown as text, escaped"
    assert problem["message_zh"] in cells
    assert len(listing["sources"]) == 5
    notice = page(client, "/issues/").find(cls="notice")
    assert "1 个文件未能导入" in notice.text and notice.find("a").attrs["href"] == "/imports"


def test_a_long_bad_value_is_quoted_back_cut_short(client):
    error = api(client, "/api/search?dept=" + "厅" * 90, status=400)["error"]

    assert error["reason"] == "未知部门：" + "厅" * 40 + "…"
