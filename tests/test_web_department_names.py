"""Help with names in the web app and the CLI: suggestions for a name that is no department,
completion of department names, and the department list with each department's other names."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.departments import gazetteer
from bulletins.cli import main

from dom import api, hit_links, page, path_of, query_of

HOUSING = {
    "name": "住房城乡建设厅",
    "full_name": "四川省住房和城乡建设厅",
    "url": "/departments/住房城乡建设厅",
}

# --- a name that is no department -------------------------------------------------


def test_the_search_api_answers_an_unknown_department_with_the_nearest(client):
    error = api(client, "/api/search?dept=住房和城乡建设部", status=400)["error"]

    assert error["reason"] == "未知部门：住房和城乡建设部。您要找的是不是：住房城乡建设厅？"
    assert error["suggestions"] == [HOUSING]


def test_garbage_gets_an_unknown_department_and_no_suggestion(client):
    error = api(client, "/api/search?dept=今天天气", status=400)["error"]

    assert error["reason"] == "未知部门：今天天气"
    assert error["suggestions"] == []


def test_the_search_page_links_the_same_search_under_the_suggested_department(client):
    doc = page(client, "/search?q=审批&dept=住房和城乡建设部&kind=weekly&page=2", status=400)

    assert doc.find("p", cls="reason").words == "未知部门：住房和城乡建设部"
    hint = doc.find("p", cls="suggestions")
    assert hint.words == "您要找的是不是：住房城乡建设厅？"
    [link] = hint.find_all("a")
    assert path_of(link.attrs["href"]) == "/search"
    assert query_of(link.attrs["href"]) == {"q": "审批", "kind": "weekly", "dept": "住房城乡建设厅"}
    results = page(client, link.attrs["href"])
    assert hit_links(results) == ["/items/weekly-2024-12-09/s3-2"]


def test_a_department_url_that_does_not_exist_is_a_404_with_the_nearest(client):
    doc = page(client, "/departments/公按厅", status=404)

    assert doc.find("p", cls="reason").words == "没有名为「公按厅」的部门。"
    [link] = doc.find("p", cls="suggestions").find_all("a")
    assert path_of(link.attrs["href"]) == "/departments/公安厅" and link.words == "公安厅"
    assert page(client, link.attrs["href"]).find("h1").words == "公安厅"


def test_its_json_twin_is_a_404_with_the_suggestions(client):
    error = api(client, "/api/departments/住房和城乡建设部", status=404)["error"]

    assert error["reason"] == "没有名为「住房和城乡建设部」的部门。您要找的是不是：住房城乡建设厅？"
    assert error["suggestions"] == [HOUSING]


@pytest.mark.parametrize("url", ["/departments/<script>公按厅", "/search?dept=<script>公按厅"])
def test_names_in_errors_are_escaped(client, url):
    body = client.get(url).get_data(as_text=True)

    assert "<script>公按厅" not in body and "&lt;script&gt;公按厅" in body


def test_a_long_name_is_quoted_back_cut_short(client):
    error = api(client, "/api/departments/" + "局" * 90, status=404)["error"]

    assert error["reason"] == "没有名为「" + "局" * 40 + "…」的部门。"


def test_a_query_that_finds_nothing_suggests_the_department_it_mistypes(client):
    doc = page(client, "/search?q=公按厅+居住证")

    assert hit_links(doc) == []
    [link] = doc.find("p", cls="suggestions").find_all("a")
    assert link.words == "公安厅"
    assert query_of(link.attrs["href"]) == {"q": "公安厅 居住证"}
    assert hit_links(page(client, link.attrs["href"])) == ["/items/monthly-2025-01/s4-2"]


def test_only_the_first_words_of_a_query_are_tried_as_names(client):
    doc = page(client, "/search?q=" + "+".join(["无此词"] * 30 + ["公按厅"]))

    assert hit_links(doc) == [] and not doc.find_all("p", cls="suggestions")


def test_a_query_that_finds_something_gets_no_suggestion(client):
    doc = page(client, '/search?q="公安厅"')  # in quotes: the words (alone it is the filter)

    assert hit_links(doc) and not doc.find_all("p", cls="suggestions")


# --- completion ---------------------------------------------------------------------


def datalist(doc) -> dict[str, str]:
    options = doc.by_id("department-names").find_all("option")
    return {o.attrs["value"]: o.attrs.get("label", o.attrs["value"]) for o in options}


def test_the_search_box_offers_every_department_name(client):
    doc = page(client, "/")

    box = doc.find("form", cls="searchbox").find("input", name="q")
    assert box.attrs["list"] == "department-names"
    offered = datalist(doc)
    assert {d.short_name for d in gazetteer().departments} <= set(offered)
    assert offered["住建厅"] == "住房城乡建设厅"
    assert offered["四川省市场监督管理局"] == "省市场监管局"
    assert all(gazetteer().resolve(name).short_name == short for name, short in offered.items())


def test_the_department_filter_completes_names_and_keeps_the_search(client):
    doc = page(client, "/search?q=审批&dept=住建厅&kind=weekly")

    form = doc.find("form", cls="dept-filter")
    assert form.attrs["action"] == "/search" and form.attrs["method"] == "get"
    field = form.find("input", name="dept")
    assert field.attrs["list"] == "department-names"
    assert field.attrs["value"] == "住房城乡建设厅"
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"q": "审批", "kind": "weekly"}
    assert len(doc.find_all("datalist")) == 1


def test_the_department_list_finds_a_department_by_any_name(client):
    doc = page(client, "/departments/")
    form = doc.find("form", cls="dept-find")
    assert form.find("input", name="name").attrs["list"] == "department-names"

    response = client.get("/departments/?name=住房和城乡建设厅")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/departments/住房城乡建设厅"
    missing = page(client, "/departments/?name=公按厅", status=404)
    assert (
        path_of(missing.find("p", cls="suggestions").find("a").attrs["href"])
        == "/departments/公安厅"
    )


# --- each department once, with its other names --------------------------------------


def test_the_department_list_shows_each_department_once_with_its_other_names(client):
    doc = page(client, "/departments/")

    entries = doc.find("main").find_all("ul", cls="dept-list")
    items = [li for ul in entries for li in ul.find_all("li")]
    names = [path_of(li.find("a").attrs["href"]).removeprefix("/departments/") for li in items]
    assert sorted(names) == sorted(d.short_name for d in gazetteer().departments)
    housing = next(li for li in items if path_of(li.find("a").attrs["href"]) == HOUSING["url"])
    assert housing.find(cls="aka").words == "四川省住房和城乡建设厅、住建厅、省住房城乡建设厅"


# --- the CLI -------------------------------------------------------------------------


def cli(*args: str, archive=None):
    data = ["--data-dir", archive] if archive else []
    return CliRunner().invoke(main, [*data, *args], prog_name="bulletins")


@pytest.fixture
def archive(indexed_archive) -> str:
    return str(indexed_archive)


def test_search_dept_of_an_unknown_name_suggests_the_nearest(archive):
    result = cli("search", "--dept", "住房和城乡建设部", archive=archive)

    assert result.exit_code == 2
    assert "未知部门：住房和城乡建设部。您要找的是不是：住房城乡建设厅？" in result.output


def test_departments_of_an_unknown_name_suggests_the_nearest(archive):
    result = cli("departments", "公按厅", archive=archive)

    assert result.exit_code == 1
    assert "未知部门：公按厅。您要找的是不是：公安厅？" in result.output


def test_departments_lists_each_department_once_with_its_other_names(archive):
    lines = cli("departments", archive=archive).stdout.splitlines()
    listing = json.loads(cli("departments", "--json", archive=archive).stdout)

    assert len(lines) == len(listing) == len(gazetteer().departments)
    housing = next(d for d in listing if d["name"] == "住房城乡建设厅")
    assert housing["aliases"] == ["住建厅", "省住房城乡建设厅"]
    line = f"{housing['items']:>5}  住房城乡建设厅（四川省住房和城乡建设厅）  又称：住建厅、省住房城乡建设厅"
    assert line in lines


@pytest.mark.parametrize(
    "words, offered",
    [
        ("bulletins search --dept 住建", ["住建厅"]),
        ("bulletins departments 人社", ["人社厅", "省人社局"]),
        ("bulletins search --dept 医疗保障", ["四川省医疗保障局"]),
    ],
)
def test_the_shell_completes_department_names(words, offered):
    env = {
        "_BULLETINS_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="bulletins")

    assert result.exit_code == 0
    assert [line.removeprefix("plain,") for line in result.output.splitlines()] == offered
