"""archive.furniture: running heads and page numbers are not text; the rest is untouched."""

from __future__ import annotations

import pytest

from archive.furniture import is_page_number, strip
from archive.layout import Page, Rule, read_lines

from glyphs import typeset

A4 = (595.0, 842.0)
HEAD = "窗口工作周报  2024年第37期（总第508期）"


def page(number: int, lines: list[tuple], *, size=A4, rules=()) -> Page:
    """A page of lines given as (text, x, distance of the baseline from the top[, size])."""
    glyphs = []
    for text, x, down, *font in lines:
        glyphs += typeset(text, x=x, y=size[1] - down, size=font[0] if font else 10.5 if text == HEAD else 16)
    return Page(number, size[0], size[1], tuple(glyphs), tuple(rules))


def texts(pages: list[Page]) -> list[list[str]]:
    lines = [read_lines(p.glyphs) for p in pages]
    return [[line.text for line in page_lines] for page_lines in strip(pages, lines)]


SENTENCES = [
    "本周，交通运输厅窗口开展业务培训，", "省林草局召开全省野生植物行政许可", "委托实施工作视频培训会，重点讲解",
    "野生植物保护管理有关法律规范以及", "国家二级保护野生植物行政许可委托", "审核要点，对市州林草主管部门加强",
    "事前指导、落实事中事后监管等工作", "作出安排。省中心与省供销社联合赴", "成都市金堂县竹篙镇调研试点工作。",
    "商务厅召集省级行政职权事项的主要", "承接市商务主管部门，就拍卖、商业", "特许经营、境外投资等省级事项承接",
]  # fmt: skip


def body(n: int) -> list[tuple[str, float, float]]:
    """Three lines of page n's text (different on every page, as running text is)."""
    return [(SENTENCES[(3 * (n - 1) + i) % len(SENTENCES)], 80, 120 + 29 * i) for i in range(3)]


@pytest.mark.parametrize(
    "text",
    ["— 2 —", "- 2 -", "–2–", "2", "第2页", "第 2 页", "2/5", "2 / 5", "第 2 页 共 5 页", "共5页 第2页", "Page 2 of 5"],
)
def test_page_numbers_in_every_usual_form(text):
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2024年9月23日", "（共印100份）", "1.1月5日，会议。", "第2期", "2.7万件"])
def test_text_is_no_page_number(text):
    assert not is_page_number(text)


def test_running_heads_alternating_sides_and_page_numbers_are_dropped():
    pages = []
    for n in range(1, 5):
        furniture = [(f"— {n} —", 480 if n % 2 else 80, 800)]
        if n > 1:
            furniture.append((HEAD, 330 if n % 2 else 80, 80))
        pages.append(page(n, [*furniture, *body(n)]))
    assert texts(pages) == [[line[0] for line in body(n)] for n in range(1, 5)]


def test_a_head_on_a_landscape_page_is_the_same_head():
    """Measured from the page's own top edge: the landscape page's head is no lower."""
    pages = [page(1, body(1))]
    for n in (2, 3):
        pages.append(page(n, [(HEAD, 80, 80), *body(n)]))
    pages.append(page(4, [(HEAD, 80, 80), *body(4)], size=(842.0, 595.0)))
    pages.append(page(5, [(HEAD, 80, 60), *body(5)], size=(842.0, 595.0)))  # its own margins
    assert all(HEAD.replace("  ", " ") not in lines for lines in texts(pages))


def test_a_head_over_a_rule_on_the_second_of_two_pages():
    """Once is not "most pages": the rule under it and the masthead it repeats tell."""
    first = page(1, [("窗口工作周报", 200, 60), ("2024年第37期（总第508期）", 160, 90), *body(1)])
    rule = Rule(80, 842 - 86, 515, 842 - 85.4)
    second = page(2, [(HEAD, 80, 80), *body(2)], rules=[rule])
    assert texts([first, second])[1] == [line[0] for line in body(2)]
    without_rule = page(2, [(HEAD, 80, 80), *body(2)])
    assert len(texts([first, without_rule])[1]) == 4, "no rule: a line like any other"


def test_the_title_on_the_first_page_is_not_the_head_that_repeats_it():
    pages = [page(1, [("窗口工作周报", 200, 80, 36), *body(1)])]
    pages += [page(n, [("窗口工作周报", 80, 40), *body(n)]) for n in (2, 3)]
    assert texts(pages)[0][0] == "窗口工作周报"
    assert texts(pages)[1][0] == body(2)[0][0]


def test_the_footer_of_the_last_page_stays():
    """报：/发：/（共印N份） end the last page, over and under rules: text, not furniture."""
    footer = [("报：省政务管理办公室、省中心领导。", 80, 700), ("（共印100份）", 80, 760), ("— 3 —", 280, 800)]
    pages = [page(1, body(1)), page(2, body(2)), page(3, [*body(3), *footer])]
    assert texts(pages)[2][-2:] == ["报：省政务管理办公室、省中心领导。", "（共印100份）"]


def test_a_line_that_repeats_in_the_body_is_not_furniture():
    """The same heading on two pages, at the same height but not at the edge: text."""
    def lines(n: int) -> list[tuple[str, float, float]]:
        after = [(text, x, down + 116) for text, x, down in body(n + 2)]
        return [*body(n), ("（一）省本级综窗办件情况", 80, 207), *after]

    pages = [page(1, lines(1)), page(2, lines(2))]
    assert all("（一）省本级综窗办件情况" in p for p in texts(pages))


def test_table_rows_are_never_furniture():
    """A table over three pages repeats its header at the top of each, at the same height:
    rows of the table, not a running head."""
    pages = [page(1, body(1))]
    for n in (2, 3):
        header = page(n, [("序号\t部门窗口\t基础分\t减分\t加分\t实得分", 80, 80), *body(n)])
        pages.append(header)
    lines = [read_lines(p.glyphs) for p in pages]
    for page_lines in lines[1:]:
        page_lines[0].row = True
    assert all(p[0].text.startswith("序号") for p in strip(pages, lines)[1:])


def test_a_header_repeated_where_a_table_runs_on_is_dropped():
    pages = [page(1, [*body(1), ("序号\t部门窗口\t实得分", 80, 300), ("1\t公安厅\t102", 80, 330)])]
    pages.append(page(2, [("序号\t部门窗口\t实得分", 80, 80), ("2\t民政厅\t101", 80, 110), *[(t, x, d + 60) for t, x, d in body(2)]]))
    lines = [read_lines(p.glyphs) for p in pages]
    for page_lines in lines:
        for line in page_lines:
            line.row = "\t" in line.text
    result = [[line.text for line in p] for p in strip(pages, lines)]
    assert result[0][-2:] == ["序号\t部门窗口\t实得分", "1\t公安厅\t102"]
    assert result[1][0] == "2\t民政厅\t101"
