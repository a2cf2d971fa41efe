"""web.issues: the issue list (by year, kind and number), one issue in its structure, an item's
permalink, the file it was read from, and their JSON twins."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from service.archive import Archive
from service.config import Config
from web import create_app
from web.context import archive_of

from brief import ISSUE_KEYS, ITEM_KEYS, MONTHLY_01, MONTHLY_06, WEEKLY_01, WEEKLY_37, WEEKLY_DEC
from bulletingen import CHANGES, EDITED_ISSUE, INSERTED, INSERTED_ISSUE, REMOVED_ISSUE, weekly
from dom import HOST, Node, api, get, page, path_of, query_of
from pdfgen import make_pdf

CITATION_S1_2 = (
    "《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"
    "一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）"
)


# --- the issue list ---------------------------------------------------------------


def test_issue_list_shows_every_issue_newest_first_with_kind_period_and_items(
    client, ingested_store
):
    doc = page(client, "/issues/")

    assert doc.find("h1").words == "各期目录"
    rows = doc.find("table", cls="issue-list").find("tbody").find_all("tr")
    summaries = ingested_store.reports.summaries()
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


def test_api_issues_lists_every_issue_newest_first(client):
    listing = api(client, "/api/issues")

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


def test_api_issue_has_the_shape_of_the_brief(issue_37):
    assert ISSUE_KEYS <= set(issue_37)
    assert issue_37["url"] == f"/issues/{WEEKLY_37}"
    for section in issue_37["sections"]:
        assert {"number", "title", "items"} <= set(section)
        for item in walk(section["items"]):
            assert ITEM_KEYS <= set(item)


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
    issue = "《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"
    assert citation("s2-1") == issue + "二、政务工作动态"
    assert citation("s6-2-1") == issue + "六、综窗改革攻坚行动 第（二）项第1点"


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
        == "《窗口工作周报》2024年第1期（总第472期，2024年1月16日印发）"
        "附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果"
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


def test_api_item_gives_the_item_with_its_citation_and_permalink(client):
    item = api(client, f"/api/items/{WEEKLY_37}/s1-2")

    assert ITEM_KEYS <= set(item)
    assert item["citation"] == CITATION_S1_2
    assert item["url"] == f"/items/{WEEKLY_37}/s1-2"
    assert item["item_id"] == f"{WEEKLY_37}/s1-2" and item["issue_id"] == WEEKLY_37
    assert item["date_from"] == item["date_to"] == "2024-09-11"


def test_api_item_of_a_sub_item_and_of_an_attachment(client):
    sub = api(client, f"/api/items/{WEEKLY_37}/s6-2-1")
    assert sub["label"] == "1." and sub["citation"].endswith("六、综窗改革攻坚行动 第（二）项第1点")

    attachment = api(client, f"/api/items/{WEEKLY_01}/a1")
    assert attachment["url"] == f"/items/{WEEKLY_01}/a1"
    assert attachment["rows"][1] == {
        "seq": 1, "name": "交通运输厅", "department": "交通运输厅",
        "base": 100.0, "deduction": 0.0, "bonus": 20.0, "score": 120.0,
    }  # fmt: skip


def test_api_item_names_its_section_as_a_search_hit_does(client):
    item = api(client, "/api/items/monthly-2025-01/s4-2")
    [hit] = [
        h for h in api(client, "/api/search?dept=公安厅")["hits"] if h["item_id"] == item["item_id"]
    ]

    assert (item["section"], item["section_title"]) == ("窗口资讯", "四、窗口资讯")
    assert (item["section"], item["section_title"]) == (hit["section"], hit["section_title"])
    assert api(client, f"/api/items/{WEEKLY_01}/a1")["section"] is None, "an attachment is in none"


# --- corrections ----------------------------------------------------------------------
#
# Copies of the weekly of week 37 moved to other weeks (bulletingen.weekly), each ingested,
# then corrected by a file under another name: one with an item inserted before s1-2, one
# with s1-3 edited, one with s1-3 removed. Every link copied from the first version must
# still open its item, or say what became of it.

CORRECTED = (INSERTED_ISSUE, EDITED_ISSUE, REMOVED_ISSUE)


@pytest.fixture(scope="module")
def corrected(corrected_archive):
    """The web app on the corrected archive (bulletingen.write_corrections)."""
    app = create_app(Config.load(corrected_archive))
    app.config["TESTING"] = False
    yield app.test_client(), corrected_archive
    archive_of(app).close()


@pytest.fixture(scope="module")
def corrected_client(corrected):
    return corrected[0]


def notice(doc: Node) -> Node | None:
    found = doc.find_all("p", cls="correction")
    assert len(found) <= 1
    return found[0] if found else None


def test_an_old_link_to_an_item_a_correction_moved_redirects_to_its_new_place(corrected_client):
    old = f"/items/{INSERTED_ISSUE}/s1-2"  # the first version's （二）

    response = corrected_client.get(old)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert path_of(location) == f"/items/{INSERTED_ISSUE}/v2/s1-3"
    doc = page(corrected_client, location)
    [target] = targets(doc)
    assert target.attrs["id"] == "s1-3"
    assert "窗口首席事务代表工作例会" in target.find(cls="item-text").words, "the same item"
    said = notice(doc)
    assert said.attrs["data-fate"] == "moved" and "位置有变" in said.words and "s1-2" in said.words


def test_the_item_inserted_by_a_correction_has_a_link_that_names_its_version(corrected_client):
    doc = page(corrected_client, f"/issues/{INSERTED_ISSUE}")

    inserted = doc.by_id("s1-2")
    assert INSERTED[3:] in inserted.find(cls="item-text").words
    tools = inserted.find(cls="item-tools")
    assert tools.find("a", cls="permalink").attrs["href"] == f"/items/{INSERTED_ISSUE}/v2/s1-2"
    assert tools.find("button", data_copy="link").attrs["data-url"] == (
        f"{HOST}/items/{INSERTED_ISSUE}/v2/s1-2"
    )
    doc = page(corrected_client, f"/items/{INSERTED_ISSUE}/v2/s1-2")
    assert [t.attrs["id"] for t in targets(doc)] == ["s1-2"]
    assert notice(doc).attrs["data-fate"] == "corrected", "no notice about the item"


def test_an_unchanged_item_s_old_link_leads_to_it_without_a_notice(corrected_client):
    response = corrected_client.get(f"/items/{INSERTED_ISSUE}/s2-1")

    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/items/{INSERTED_ISSUE}/v2/s2-1"
    doc = page(corrected_client, response.headers["Location"])
    assert [t.attrs["id"] for t in targets(doc)] == ["s2-1"]
    assert notice(doc).attrs["data-fate"] == "corrected", "only that the issue was corrected"


def test_an_old_link_to_an_edited_item_shows_the_new_text_with_a_link_to_the_first(
    corrected_client,
):
    doc = page(corrected_client, f"/items/{EDITED_ISSUE}/s1-3")

    [target] = targets(doc)
    assert target.attrs["id"] == "s1-3" and "200余人" in target.find(cls="item-text").words
    said = notice(doc)
    assert said.attrs["data-fate"] == "changed" and "有改动" in said.words
    original = said.find("a", cls="as-published").attrs["href"]
    assert original == f"/issues/{EDITED_ISSUE}/v1#s1-3"
    first = page(corrected_client, original.split("#")[0])
    assert "100余人" in first.by_id("s1-3").find(cls="item-text").words
    assert notice(first).attrs["data-fate"] == "earlier"


def test_an_old_link_to_a_removed_item_shows_it_as_it_was_with_a_notice(corrected_client):
    doc = page(corrected_client, f"/items/{REMOVED_ISSUE}/s1-3")

    [target] = targets(doc)
    assert "100余人" in target.find(cls="item-text").words, "the text as first published"
    said = notice(doc)
    assert said.attrs["data-fate"] == "removed" and "删去" in said.words
    assert said.find("a", cls="current").attrs["href"] == f"/issues/{REMOVED_ISSUE}"
    assert "s1-3" not in [
        n.attrs.get("id") for n in page(corrected_client, f"/issues/{REMOVED_ISSUE}").iter()
    ]


@pytest.mark.parametrize("issue_id", CORRECTED)
def test_a_corrected_issue_says_so_and_lists_every_version_to_view(corrected_client, issue_id):
    doc = page(corrected_client, f"/issues/{issue_id}")

    said = notice(doc)
    assert said.attrs["data-fate"] == "corrected"
    assert re.search(r"本期已更正（\d{4}年\d{1,2}月\d{1,2}日）", said.words)
    versions = doc.find("section", cls="versions").find_all("li")
    assert [v.attrs["data-version"] for v in versions] == ["1", "2"]
    assert [v.find("a").attrs["href"] for v in versions] == [
        f"/issues/{issue_id}/v1",
        f"/issues/{issue_id}",
    ]
    assert "week-" in versions[0].words and "（更正）" in versions[1].words, "each with its file"
    for version in (1, 2):
        data = api(corrected_client, f"/api/issues/{issue_id}/v{version}")
        assert (data["version"], data["current_version"]) == (version, 2)
        assert [v["version"] for v in data["versions"]] == [1, 2]


@pytest.mark.parametrize("n, issue_id", list(enumerate(CORRECTED)))
def test_every_version_can_be_viewed_and_downloaded_as_the_file_it_came_from(
    corrected_client, n, issue_id
):
    first = weekly(n)[1]
    files = {"1": first.encode("utf-8"), "2": CHANGES[n](first).encode("utf-8")}
    listed = page(corrected_client, f"/issues/{issue_id}").find("section", cls="versions")

    for entry in listed.find_all("li"):
        version = entry.attrs["data-version"]
        shown = entry.find("a", cls="original").attrs["href"]
        saved = entry.find("a", cls="download").attrs["href"]
        assert get(corrected_client, shown, content_type="text/plain").get_data() == files[version]
        download = corrected_client.get(saved)
        assert download.get_data() == files[version]
        assert "attachment" in download.headers["Content-Disposition"]
    data = api(corrected_client, f"/api/issues/{issue_id}")
    assert [v["original_url"] for v in data["versions"]] == [
        f"/issues/{issue_id}/v1/original",
        f"/issues/{issue_id}/original",
    ]
    masthead = page(corrected_client, f"/issues/{issue_id}/v1").find("p", cls="original")
    [download] = [a for a in masthead.find_all("a") if a.words == "下载"]
    assert corrected_client.get(download.attrs["href"]).get_data() == files["1"]


def test_the_first_version_s_page_and_json_are_as_first_published(corrected_client):
    doc = page(corrected_client, f"/issues/{INSERTED_ISSUE}/v1")
    data = api(corrected_client, f"/api/issues/{INSERTED_ISSUE}/v1")

    anchors = [n.attrs["id"] for n in doc.find_all("li", cls="item")]
    assert anchors == [i["anchor"] for s in data["sections"] for i in walk(s["items"])]
    assert len(anchors) == 13 and INSERTED[3:] not in doc.find("main").words
    assert data["url"] == f"/issues/{INSERTED_ISSUE}/v1"
    assert data["sections"][0]["items"][1]["url"] == f"/items/{INSERTED_ISSUE}/s1-2"
    said = notice(doc)
    assert said.attrs["data-fate"] == "earlier" and "更正前的第1版" in said.words
    assert said.find("a", cls="current").attrs["href"] == f"/issues/{INSERTED_ISSUE}"
    assert doc.find("link", rel="alternate").attrs["href"] == f"/api/issues/{INSERTED_ISSUE}/v1"


def test_the_current_version_named_is_the_issue_page_and_no_version_beyond_exists(
    corrected_client,
):
    response = corrected_client.get(f"/issues/{INSERTED_ISSUE}/v2")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/issues/{INSERTED_ISSUE}"
    for url in (f"/issues/{INSERTED_ISSUE}/v3", f"/issues/{INSERTED_ISSUE}/v0"):
        assert corrected_client.get(url).status_code == 404
    assert "没有第3版" in page(corrected_client, f"/issues/{INSERTED_ISSUE}/v3", 404).words
    page(corrected_client, f"/items/{INSERTED_ISSUE}/s1-4", 404)  # the first version had none
    page(corrected_client, f"/items/{INSERTED_ISSUE}/v3/s1-1", 404)


def test_api_item_of_an_old_link_says_what_the_correction_made_of_it(corrected_client):
    moved = api(corrected_client, f"/api/items/{INSERTED_ISSUE}/s1-2")
    assert (moved["item_id"], moved["url"]) == (
        f"{INSERTED_ISSUE}/v2/s1-3",
        f"/items/{INSERTED_ISSUE}/v2/s1-3",
    )
    assert moved["correction"]["status"] == "moved"
    assert moved["correction"]["link"] == {
        "version": 1, "anchor": "s1-2", "url": f"/items/{INSERTED_ISSUE}/s1-2",
    }  # fmt: skip
    removed = api(corrected_client, f"/api/items/{REMOVED_ISSUE}/s1-3")
    assert (
        removed["correction"]["status"] == "removed"
        and removed["correction"]["current_url"] is None
    )
    assert removed["url"] == f"/items/{REMOVED_ISSUE}/s1-3" and "100余人" in removed["text"]
    current = api(corrected_client, f"/api/items/{INSERTED_ISSUE}/v2/s1-2")
    assert current["correction"] is None and INSERTED[3:] in current["text"]


def test_search_finds_the_current_version_with_its_versioned_links(corrected_client):
    found = api(corrected_client, f'/api/search?q="{INSERTED[3:20]}"')

    assert [h["url"] for h in found["hits"]] == [f"/items/{INSERTED_ISSUE}/v2/s1-2"]
    edited = api(corrected_client, '/api/search?q="200余人"&limit=100')["hits"]
    assert f"/items/{EDITED_ISSUE}/v2/s1-3" in [h["url"] for h in edited]
    assert all("/v1/" not in h["url"] for h in edited)


def test_a_report_of_old_links_names_the_version_each_item_was_read_from(corrected_client):
    chosen = [f"{INSERTED_ISSUE}/s1-2", f"{REMOVED_ISSUE}/s1-3"]
    data = api(corrected_client, "/api/report?" + "&".join(f"item={i}" for i in chosen))

    items = [i for g in data["groups"] for i in g["items"]]
    assert [(i["item_id"], i["url"]) for i in items] == [
        (f"{INSERTED_ISSUE}/v2/s1-3", f"{HOST}/items/{INSERTED_ISSUE}/v2/s1-3"),  # moved: as now
        (f"{REMOVED_ISSUE}/s1-3", f"{HOST}/items/{REMOVED_ISSUE}/s1-3"),  # removed: as it was
    ]
    assert "100余人" in items[1]["text"]


def test_links_mean_the_same_after_a_reindex_and_a_restart(corrected):
    client, data = corrected
    links = [
        f"/items/{INSERTED_ISSUE}/s1-2",
        f"/items/{EDITED_ISSUE}/s1-3",
        f"/items/{REMOVED_ISSUE}/s1-3",
    ]
    before = [api(client, "/api" + link) for link in links]
    with Archive(Config.load(data)) as archive:
        archive.reindex()
    restarted = create_app(Config.load(data))
    try:
        again = [api(restarted.test_client(), "/api" + link) for link in links]
    finally:
        archive_of(restarted).close()

    assert [strip_related(a) for a in again] == [strip_related(b) for b in before]


def strip_related(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "related"}


# --- the list narrowed by year, kind and number ---------------------------------------


def listed(doc: Node) -> list[str]:
    table = doc.find_all("table", cls="issue-list")
    if not table:
        return []
    return [path_of(r.find("a").attrs["href"]) for r in table[0].find("tbody").find_all("tr")]


@pytest.mark.parametrize(
    ("query", "issues"),
    [
        ("year=2024", [WEEKLY_DEC, WEEKLY_37, WEEKLY_01]),
        ("kind=monthly", [MONTHLY_06, MONTHLY_01]),
        ("year=2024&kind=monthly", []),
        ("year=2025&kind=monthly", [MONTHLY_06, MONTHLY_01]),
        ("q=第1期&kind=weekly", [WEEKLY_01]),
        ("q=2024年周报", [WEEKLY_DEC, WEEKLY_37, WEEKLY_01]),
    ],
)
def test_the_issue_list_narrows_by_year_kind_and_number(client, query, issues):
    doc = page(client, f"/issues/?{query}")

    assert listed(doc) == [f"/issues/{i}" for i in issues]
    assert [i["issue_id"] for i in api(client, f"/api/issues?{query}")] == issues
    if not issues:
        assert "没有符合条件的一期" in doc.find(cls="empty").words


def test_the_year_and_kind_links_keep_each_other(client):
    doc = page(client, "/issues/?kind=weekly")

    narrow = doc.find("nav", cls="narrow")
    years = {a.words: query_of(a.attrs["href"]) for a in narrow.find_all("p")[0].find_all("a")}
    assert years == {"2025年": {"kind": "weekly", "year": "2025"}, "2024年": {"kind": "weekly", "year": "2024"}}
    assert narrow.find_all("p")[1].find("strong").words == "周报"
    everything = narrow.find_all("p")[1].find_all("a")[0]
    assert everything.words == "全部" and query_of(everything.attrs["href"]) == {}


def test_a_list_query_that_is_no_issue_number_is_a_400(client):
    assert "不是期号" in page(client, "/issues/?q=住建厅", 400).find("p", cls="reason").words
    assert client.get("/api/issues?kind=daily").status_code == 400
    assert client.get("/issues/?year=abc").status_code == 400


@pytest.mark.parametrize("year", ["99999999999999999999", "1" * 5000, "1800", "2100", "０２０２４"])
def test_a_year_outside_the_years_searched_is_a_400_that_says_which(client, year):
    for url in (f"/issues/?year={year}", f"/api/issues?year={year}", f"/issues.csv?year={year}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "参数 year 应是 1990 到 2099 之间的年份" in response.get_data(as_text=True)


# --- links that can be sent, and where they point -------------------------------------


def test_copied_links_on_a_loopback_address_say_they_point_at_this_computer(app):
    client = app.test_client()
    doc = page(client, f"/items/{WEEKLY_37}/s1-2")  # the test client's host is localhost

    note = doc.find("p", cls="link-note").words
    assert "复制的链接指向本机（localhost）" in note and "--base-url" in note
    assert doc.find("div", cls="toast").attrs["data-note"] == note


def test_copied_links_on_the_intranet_host_or_a_base_url_need_no_note(app, indexed_archive):
    doc = page(app.test_client(), f"/items/{WEEKLY_37}/s1-2?", 200)
    other = app.test_client().get(
        f"/items/{WEEKLY_37}/s1-2", base_url="http://bulletins.intranet:8080"
    )
    assert other.status_code == 200 and "link-note" not in other.get_data(as_text=True)
    assert doc.find_all("p", cls="link-note")
    base = "https://bulletins.example.gov.cn"
    configured = create_app(Config.load(indexed_archive, base_url=base))
    try:
        doc = page(configured.test_client(), f"/items/{WEEKLY_37}/s1-2")
        assert not doc.find_all("p", cls="link-note")
        target = doc.find("li", cls="target")
        assert target.find("button", data_copy="link").attrs["data-url"] == (
            f"{base}/items/{WEEKLY_37}/s1-2"
        )
        assert target.find("button", data_copy="citation").attrs["data-citation"] == CITATION_S1_2
    finally:
        archive_of(configured).close()


# --- the original document ------------------------------------------------------------


def test_an_issue_page_offers_its_original_to_view_and_to_download(client, corpus_dir):
    doc = page(client, f"/issues/{WEEKLY_37}")

    links = doc.find("header", cls="masthead").find("p", cls="original").find_all("a")
    assert [a.words for a in links] == ["查看原文", "下载"]
    view, download = (a.attrs["href"] for a in links)
    shown = get(client, view, content_type="text/plain")
    original = (corpus_dir / "2024-weekly-37.txt").read_bytes()
    assert shown.get_data() == original  # UTF-8 already: as it was
    assert shown.headers["Content-Disposition"].startswith("inline;")
    saved = client.get(download)
    assert saved.status_code == 200 and saved.get_data() == original
    assert saved.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''2024-weekly-37.txt" in saved.headers["Content-Disposition"]
    assert not doc.find_all("a", cls="page"), "a text file has no pages"


def test_an_original_in_gbk_is_shown_as_utf8_text_and_downloaded_as_it_was(tmp_path, corpus_dir):
    text = (corpus_dir / "2024-weekly-37.txt").read_text("utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    with served_archive(tmp_path, gbk) as client:
        assert client.get(f"/issues/{WEEKLY_37}/original").get_data(as_text=True) == text
        assert client.get(f"/issues/{WEEKLY_37}/original?download=1").get_data() == gbk.read_bytes()


class served_archive:
    """An app on an archive of its own, built from the given files; its test client."""

    def __init__(self, tmp_path: Path, *files: Path):
        self.config = Config.load(tmp_path / "data")
        with Archive(self.config) as archive:
            report = archive.ingest(list(files))
        assert {o.status for o in report.outcomes} == {"added"}, report.outcomes

    def __enter__(self):
        self.app = create_app(self.config)
        self.app.config["TESTING"] = False
        return self.app.test_client()

    def __exit__(self, *_exc):
        archive_of(self.app).close()


@pytest.fixture(scope="module")
def pdf_bulletin(tmp_path_factory, corpus_texts) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    return make_pdf(corpus_texts["2024-weekly-01"], folder / "2024年第1期.pdf", chars_per_line=28)


def test_the_original_of_a_pdf_bulletin_is_the_pdf_and_each_item_links_its_page(
    tmp_path, pdf_bulletin
):
    with served_archive(tmp_path, pdf_bulletin) as client:
        doc = page(client, f"/issues/{WEEKLY_01}")
        issue = api(client, f"/api/issues/{WEEKLY_01}")
        shown = get(client, f"/issues/{WEEKLY_01}/original", content_type="application/pdf")
        assert shown.get_data() == pdf_bulletin.read_bytes()
        assert shown.headers["Content-Disposition"].startswith("inline;")
        items = [i for s in issue["sections"] for i in s["items"]]
        pages = {i["anchor"]: i["page"] for i in items} | {
            a["anchor"]: a["page"] for a in issue["attachments"]
        }
        assert set(pages.values()) >= {1, 2} and None not in pages.values()
        for anchor, number in pages.items():
            link = doc.by_id(anchor).find("a", cls="page")
            assert link.attrs["href"] == f"/issues/{WEEKLY_01}/original#page={number}"
            assert link.words == f"原文第 {number} 页"
        saved = client.get(f"/issues/{WEEKLY_01}/original?download=1")
        assert saved.mimetype == "application/pdf" and "attachment" in saved.headers["Content-Disposition"]
        assert "%E5%B9%B4" in saved.headers["Content-Disposition"], "the name in UTF-8 (RFC 6266)"


def test_the_original_stays_when_the_corpus_is_moved_away(tmp_path, corpus_dir):
    moved = tmp_path / "corpus"
    moved.mkdir()
    (moved / "37.txt").write_bytes((corpus_dir / "2024-weekly-37.txt").read_bytes())
    with served_archive(tmp_path, moved / "37.txt") as client:
        (moved / "37.txt").unlink()
        moved.rmdir()
        response = get(client, f"/issues/{WEEKLY_37}/original", content_type="text/plain")
        digest = hashlib.sha256(response.get_data()).hexdigest()
        assert digest == api(client, f"/api/issues/{WEEKLY_37}")["source"]["sha256"]


def test_an_issue_stored_before_originals_were_kept_offers_none_and_says_why(tmp_path, corpus_dir):
    with served_archive(tmp_path, corpus_dir / "2024-weekly-37.txt") as client:
        for kept in (tmp_path / "data" / "originals").rglob("*"):
            if kept.is_file():
                kept.unlink()
        doc = page(client, f"/issues/{WEEKLY_37}")
        assert not doc.find("header", cls="masthead").find_all("p", cls="original")
        reason = page(client, f"/issues/{WEEKLY_37}/original", 404).find("p", cls="reason").words
        assert "原文件没有保存在档案中：重新导入该文件即可" in reason


def test_a_stored_file_is_served_to_run_nothing(client):
    response = client.get(f"/issues/{WEEKLY_37}/original")

    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
