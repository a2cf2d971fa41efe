"""The parser against the golden corpus.

Each bulletin in corpus/ is paired with tests/fixtures/<name>.json, written by
reading the bulletin (not by dumping the parser's output): its identity, its
sections, and for every item the label, how its text starts and ends, its
dates and the departments it mentions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.model import Item
from archive.parse import ParseError, parse, section_name

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
NAMES = sorted(p.stem for p in (ROOT / "corpus").glob("*.txt"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def load(name: str):
    text = (ROOT / "corpus" / f"{name}.txt").read_text("utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return parse(text), expected


@pytest.fixture(scope="module", params=NAMES)
def golden(request):
    return load(request.param)


def test_every_corpus_file_has_a_golden_fixture():
    assert NAMES and all((FIXTURES / f"{n}.json").exists() for n in NAMES)


def test_identity_kind_numbers_and_dates(golden):
    issue, expected = golden
    assert issue.issue_id == expected["issue_id"]
    assert issue.kind == expected["kind"]
    assert issue.number == expected["number"]
    assert issue.total_number == expected["total_number"]
    assert str(issue.period_start) == expected["period_start"]
    assert str(issue.period_end) == expected["period_end"]
    assert str(issue.published) == expected["published"]


def test_sections_titles_and_facet_names(golden):
    issue, expected = golden
    assert [s.number for s in issue.sections] == [s["number"] for s in expected["sections"]]
    assert [squash(s.title) for s in issue.sections] == [s["title"] for s in expected["sections"]]
    assert [s.name for s in issue.sections] == [s["name"] for s in expected["sections"]]


def test_items_per_section(golden):
    issue, expected = golden
    assert [len(s.items) for s in issue.sections] == [len(s["items"]) for s in expected["sections"]]


def check_item(item: Item, want: dict) -> None:
    where = want["anchor"]
    assert item.anchor == want["anchor"]
    assert item.label == want["label"], where
    text = squash(item.text)
    assert text.startswith(want["starts"]), where
    assert text.endswith(want["ends"]), where
    assert (str(item.date_from), str(item.date_to)) == (want["date_from"], want["date_to"]), where
    assert item.departments == want["departments"], where
    assert len(item.children) == len(want["children"]), where
    for child, child_want in zip(item.children, want["children"], strict=True):
        check_item(child, child_want)


def test_every_item_label_text_dates_and_departments(golden):
    issue, expected = golden
    for section, want in zip(issue.sections, expected["sections"], strict=True):
        for item, item_want in zip(section.items, want["items"], strict=True):
            check_item(item, item_want)


def test_attachments_and_their_table_rows(golden):
    issue, expected = golden
    assert len(issue.attachments) == len(expected["attachments"])
    for attachment, want in zip(issue.attachments, expected["attachments"], strict=True):
        assert squash(attachment.title) == want["title"]
        assert len(attachment.rows) == want["rows"]
        first = attachment.rows[0]
        assert first.to_json() | want["first_row"] == first.to_json()
        assert [r.name for r in attachment.rows if r.seq is None] == want["tied_rows"]
        assert all(r.department for r in attachment.rows), "every row names a known department"


def test_footer_is_metadata_not_an_item(golden):
    issue, expected = golden
    assert issue.footer is not None
    assert issue.footer.copies == expected["footer"]["copies"]
    assert issue.footer.report_to.startswith("省政务管理办公室")
    assert issue.footer.send_to.endswith("直属单位。")
    texts = [item.text for _, item in issue.walk_items()]
    assert not any("报：" in t or "共印" in t for t in texts)


def test_item_texts_have_no_hard_wraps(golden):
    """A line break inside an item is a paragraph end: after a sentence or a short title."""
    issue, _ = golden
    for _, item in issue.walk_items():
        paragraphs = item.text.split("\n")
        for paragraph in paragraphs[:-1]:
            assert re.search(r"[。！？][”’]?$", paragraph) or len(paragraph) <= 18, (
                item.anchor,
                paragraph,
            )


def test_names_split_across_lines_are_rejoined():
    issue, _ = load("2025-monthly-01")
    item = next(i for _, i in issue.walk_items() if i.anchor == "s5-3")
    assert "公安厅经济犯罪侦查总队总队长李治钢" in item.text
    assert item.mentions["公安厅"] == 4
    june, _ = load("2025-monthly-june")
    item = next(i for _, i in june.walk_items() if i.anchor == "s3-1")
    assert "已获省发展和改革委批复可研" in item.text
    assert "省发展改革委" in item.departments


def test_mentions_across_the_corpus_match_a_reading():
    expected = json.loads((FIXTURES / "mentions.json").read_text("utf-8"))
    counts = dict.fromkeys(expected, 0)
    for name in NAMES:
        issue, _ = load(name)
        for _, item in issue.walk_items():
            for dept, n in item.mentions.items():
                if dept in counts:
                    counts[dept] += n
        for attachment in issue.attachments:
            for row in attachment.rows:
                if row.department in counts:
                    counts[row.department] += 1
    assert counts == expected


def test_decimal_at_the_start_of_a_wrapped_line_is_not_an_item():
    text = (
        "（9月9日—9月14日）\n四川省政府政务服务和公共资源交易服务中心 2024年9月23日\n"
        "一、政务工作动态\n（一）本周，省本级共办理政务服务事项\n4.83 万件，其中网办\n1.2 万件次。\n"
        "（二）本周，公安厅窗口开展培训。\n"
    )
    section = parse(text).sections[0]
    assert [i.label for i in section.items] == ["（一）", "（二）"]
    assert "4.83万件，其中网办1.2万件次。" in section.items[0].text


def test_a_date_right_after_a_numeric_label_is_the_items_date():
    text = (
        "2024年第1期（总第472期）\n窗口工作周报\n（1月2日—1月5日）\n2024年1月16日\n"
        "一、政务工作动态\n1.1月5日，国务院召开常务会议。\n2.1月3日，公安厅印发通知。\n"
    )
    items = parse(text).sections[0].items
    assert [(i.label, str(i.date_from)) for i in items] == [
        ("1.", "2024-01-05"),
        ("2.", "2024-01-03"),
    ]
    assert items[0].text.startswith("1月5日，")


def test_a_week_across_the_year_end_and_its_item_dates():
    text = (
        "2025年第1期（总第520期）\n窗口工作周报\n（12月30日—1月3日）\n2025年1月10日\n"
        "一、政务工作动态\n（一）12月31日，公安厅召开会议。\n（二）1月2日，商务厅印发通知。\n"
    )
    issue = parse(text)
    assert (str(issue.period_start), str(issue.period_end)) == ("2024-12-30", "2025-01-03")
    assert issue.issue_id == "weekly-2024-12-30"
    dates = [str(i.date_from) for i in issue.sections[0].items]
    assert dates == ["2024-12-31", "2025-01-02"]


def test_missing_masthead_kind_from_the_overview_heading_year_from_publication():
    text = "四川省政府政务服务和公共资源交易服务中心 2025年3月18日\n一、2025年2月总体运行情况\n2月，省本级办理事项2万件。\n"
    issue = parse(text)
    assert issue.kind == "monthly"
    assert issue.issue_id == "monthly-2025-02"
    assert (str(issue.period_start), str(issue.period_end)) == ("2025-02-01", "2025-02-28")


def test_city_bodies_are_not_provincial_departments():
    text = (
        "（9月9日—9月14日）\n2024年9月23日\n一、窗口资讯\n"
        "本周，德阳市市场监管局与成都市公安局、资阳市政务服务管理局座谈，省市场监管局参加。\n"
    )
    item = parse(text).sections[0].items[0]
    assert item.departments == ["省市场监管局"]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "no text"),
        ("关于做好春节期间值班工作的通知\n各单位：请做好值班安排。\n", "no numbered section"),
        ("一、政务工作动态\n（一）本周，公安厅召开会议。\n", "weekly"),
        ("窗口工作周报\n一、政务工作动态\n（一）本周，公安厅召开会议。\n", "cannot identify"),
    ],
)
def test_documents_that_are_not_identifiable_bulletins_are_refused(text, reason):
    with pytest.raises(ParseError, match=reason):
        parse(text)


@pytest.mark.parametrize(
    "title, name",
    [
        ("2025 年 1 月总体运行情况", "总体运行情况"),
        ('"高效办成一件事"专项行动', "“高效办成一件事”专项行动"),
        ("厅（局）长进大厅", "厅（局）长进大厅"),
        ("综窗改革攻坚 行动", "综窗改革攻坚行动"),
    ],
)
def test_section_facet_names_drop_month_spaces_and_quote_styles(title, name):
    assert section_name(title) == name


def test_a_wrapped_masthead_still_gives_the_publication_date():
    text = "（12月9日—12月13日）\n四川省政府政务服务和公共资源交易服务中心 2024年\n 12月 25日\n一、政务工作动态\n本周，公安厅开会。\n"
    issue = parse(text)
    assert str(issue.published) == "2024-12-25"
    assert issue.issue_id == "weekly-2024-12-09"


def test_a_typed_section_filter_is_normalised_like_the_headings():
    assert section_name("三、厅(局)长进大厅") == "厅（局）长进大厅"
    assert section_name(" 政务工作 动态") == "政务工作动态"
