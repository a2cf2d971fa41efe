"""A bulletin that names its departments every way people write them, through the real CLI and index.

The bulletin is printed as text extracted from a PDF is: hard wraps, blank
lines between them, a page break (a line starting with a space), one name
broken across a wrap and one across the page break. It names departments by
their official names with and without 四川省/省, with and without 和, by
监督管理局 and 委员会, by the short forms in use, and by bare forms that are the
province's only in context; and it names city, county and national bodies
that are none of the provincial departments. What each item is tagged with is
written out here as a person reads the bulletin.
"""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from click.testing import CliRunner

from bulletins.cli import main

ISSUE = "weekly-2024-11-04"
WRAP = "|"  # a hard wrap inside a paragraph, where the page margin fell
PAGE = "¦"  # a page break: the next line is the first of a new page

PARAGRAPHS = [
    "窗口工作周报",
    "2024年第45期（总第516期）",
    "（11月4日—11月8日）",
    "四川省政府政务服务和公共资源交易服务中心 2024年11月12日",
    "一、政务工作动态",
    "（一）11月4日，四川省市场监督管理局召开全省市场监管工作推进会，德阳市市场监管局、"
    "成都市人社局作交流发言。",
    "（二）11月5日，省市场监督管理局会同省药品监管局赴绵阳开展药品安全检查，"
    "国家市场监督管理总局派员指导。",
    "（三）11月5日，住房和城乡建设厅印发《关于优化建设工程审批服务的通知》，省住建厅窗口"
    "同步推行“一窗受理”，旌阳区住建局和住房和城乡建设部有关司局参加视频会议。",
    f"（四）11月6日，省人力资源和社{WRAP}会保障厅与四川省医疗保{PAGE}障局联合召开医保服务推进会，"
    "人力资源社会保障厅、医保局窗口负责同志参加。",
    "（五）11月7日，人社厅、发改委、卫健委窗口联合开展“高效办成一件事”业务培训，"
    "省发展和改革委员会、四川省卫生健康委员会派员授课。",
    "（六）本周，德阳市发改委、医保局和卫健委到省政务服务大厅学习“一窗受理”经验，"
    "成都市住房和城乡建设局一同参加。",
    "（七）11月8日，国家税务总局召开视频会议，四川省税务局、自然资源部、国家医保局、"
    "国家发展改革委有关负责同志参加。",
    "二、厅（局）长进大厅",
    "本周，省广播电视局党组成员、副局长张某，省广电局二级巡视员李某，省经济和信息化厅副厅长"
    "王某，医保局副局长赵某到省政务服务大厅窗口调研值守。",
    "三、综窗改革攻坚行动",
    "（一）省人民政府办公厅、省政府外事办公室联合印发《关于进一步优化涉外政务服务的通知》。",
    "（二）经信厅、省林业草原局、省住房城乡建设厅窗口完成综窗授权书签订。",
    "报：省政务管理办公室、省级相关部门（单位）、省中心领导。",
    "发：省级相关部门（单位）窗口，省直部门办事大厅，省中心各处（室）、直属单位。",
    "（共印100份）",
]

TAGGED = {  # as a person reads each item
    "s1-1": ["省市场监管局"],  # not 德阳市市场监管局, 成都市人社局
    "s1-2": ["省市场监管局", "省药监局"],  # not 国家市场监督管理总局
    "s1-3": ["住房城乡建设厅"],  # not 旌阳区住建局, 住房和城乡建设部
    "s1-4": [
        "人力资源社会保障厅",
        "省医保局",
    ],  # across a wrap and a page break; 医保局 listed with 人社厅
    "s1-5": ["人力资源社会保障厅", "省发展改革委", "省卫生健康委"],
    "s1-6": [],  # 德阳市's 发改委, 医保局 and 卫健委; 成都市's 住建局
    "s1-7": ["四川省税务局"],  # not 国家税务总局, 自然资源部, 国家医保局, 国家发展改革委
    "s2-1": ["省广电局", "经济和信息化厅", "省医保局"],  # 医保局 at the provincial hall
    "s3-1": ["省政府办公厅", "省政府外办"],
    "s3-2": ["经济和信息化厅", "省林草局", "住房城乡建设厅"],
}

NAMES = {  # what a user may type for each department: the forms above and their siblings
    "省市场监管局": ["省市场监管局", "四川省市场监督管理局", "省市场监督管理局", "市场监督管理局",
                   "市场监管局", "四川省市场监管局"],
    "省药监局": ["省药监局", "四川省药品监督管理局", "省药品监督管理局", "省药品监管局", "药监局"],
    "住房城乡建设厅": ["住房城乡建设厅", "住房和城乡建设厅", "四川省住房和城乡建设厅",
                    "省住房城乡建设厅", "住建厅", "省住建厅"],
    "人力资源社会保障厅": ["人力资源社会保障厅", "人力资源和社会保障厅", "省人力资源和社会保障厅",
                      "四川省人力资源和社会保障厅", "人社厅", "省人社厅"],
    "省医保局": ["省医保局", "四川省医疗保障局", "省医疗保障局", "医保局"],
    "省发展改革委": ["省发展改革委", "四川省发展和改革委员会", "省发展和改革委员会", "发改委",
                   "省发改委", "发展改革委"],
    "省卫生健康委": ["省卫生健康委", "四川省卫生健康委员会", "卫健委", "省卫健委"],
    "省广电局": ["省广电局", "四川省广播电视局", "省广播电视局", "广电局"],
    "经济和信息化厅": ["经济和信息化厅", "四川省经济和信息化厅", "经信厅", "省经信厅"],
    "省林草局": ["省林草局", "四川省林业和草原局", "省林业草原局", "林草局"],
    "四川省税务局": ["四川省税务局", "国家税务总局四川省税务局", "省税务局"],
    "省政府办公厅": ["省政府办公厅", "四川省人民政府办公厅", "省人民政府办公厅"],
    "省政府外办": ["省政府外办", "四川省人民政府外事办公室", "省政府外事办公室", "省外办"],
}  # fmt: skip

CASES = [(dept, name) for dept, names in NAMES.items() for name in names]


def printed(paragraphs: list[str], width: int = 30) -> str:
    """The bulletin as a PDF's text comes out: wrapped at `width`, a blank line after each line."""
    lines: list[str] = []
    for paragraph in paragraphs:
        page_break = False
        for part in re.split(f"([{WRAP}{PAGE}])", paragraph):
            if part in (WRAP, PAGE):
                page_break = part == PAGE
                continue
            for n, line in enumerate(textwrap.wrap(part, width) or [""]):
                lines += [(" " if page_break and n == 0 else "") + line, ""]
    return "\n".join(lines)


def items_with(department: str) -> set[str]:
    return {f"{ISSUE}/{anchor}" for anchor, depts in TAGGED.items() if department in depts}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("names")
    source = folder / "2024-weekly-45.txt"
    source.write_text(printed(PARAGRAPHS), "utf-8")
    data = str(folder / "data")
    result = CliRunner().invoke(main, ["--data-dir", data, "ingest", str(source)])
    assert result.exit_code == 0, result.output
    assert "新增" in result.output
    return data


def cli_json(archive: str, *args: str):
    result = CliRunner().invoke(main, ["--data-dir", archive, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_names_are_broken_as_a_pdf_breaks_them():
    text = printed(PARAGRAPHS)

    assert "省人力资源和社\n\n会保障厅" in text
    assert "四川省医疗保\n\n 障局" in text


def test_each_item_is_tagged_as_a_person_reads_it(archive):
    issue = cli_json(archive, "show", ISSUE)

    tagged = {
        item["anchor"]: item["departments"]
        for section in issue["sections"]
        for item in section["items"]
    }
    assert tagged == TAGGED


@pytest.mark.parametrize("department, name", CASES)
def test_search_dept_under_every_name_returns_the_same_items(archive, department, name):
    result = cli_json(archive, "search", "--dept", name, "--limit", "100")

    assert {hit["item_id"] for hit in result["hits"]} == items_with(department)
    assert result["total"] == len(items_with(department))


@pytest.mark.parametrize("department, name", CASES)
def test_free_text_of_every_name_finds_the_items(archive, department, name):
    result = cli_json(archive, "search", name, "--limit", "100")

    assert items_with(department) <= {hit["item_id"] for hit in result["hits"]}


def test_free_text_of_a_name_marks_every_spelling_of_it_in_the_snippet(archive):
    result = cli_json(archive, "search", "人社厅", "--limit", "100")

    [hit] = [h for h in result["hits"] if h["item_id"] == f"{ISSUE}/s1-4"]
    assert "<mark>省人力资源和社会保障厅</mark>" in hit["snippet"]
    assert "<mark>人力资源社会保障厅</mark>" in hit["snippet"]
