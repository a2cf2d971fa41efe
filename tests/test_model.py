"""The domain's own words: how an item is cited, and how a date span is written.

The citation is what staff paste into a report: the issue with its number and
publication date, the section as printed, the item's place (第（二）项, 第1点) and
the item's own date where it reports one. Built here once; the web page, the API,
the CLI, feeds and reports all take it from `Issue.cite`.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive.model import Attachment, Issue, Item, Section, cn_span, item_place


def weekly(**changes) -> Issue:
    issue = Issue(
        kind="weekly",
        number=37,
        year=2024,
        total_number=508,
        period_start=date(2024, 9, 9),
        period_end=date(2024, 9, 14),
        published=date(2024, 9, 23),
        sections=[
            Section(
                1,
                "智慧政务能力提升项目推进情况",
                "智慧政务能力提升项目推进情况",
                [
                    Item("s1-1", "（一）", "本周……", date(2024, 9, 9), date(2024, 9, 14)),
                    Item("s1-2", "（二）", "9月11日，……", date(2024, 9, 11), date(2024, 9, 11)),
                    Item(
                        "s1-3",
                        "（三）",
                        "……",
                        date(2024, 9, 9),
                        date(2024, 9, 14),
                        children=[Item("s1-3-1", "1.", "……", date(2024, 9, 9), date(2024, 9, 14))],
                    ),
                ],
            ),
            Section(2, "政务工作动态", "政务工作动态", [Item("s2-1", "", "……")]),
        ],
        attachments=[Attachment(1, "2023年11月省政务服务大厅进驻部门（单位）窗口考核结果")],
    )
    for key, value in changes.items():
        setattr(issue, key, value)
    return issue


ISSUE_37 = "《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"


def test_an_item_is_cited_with_the_issue_its_publication_date_section_place_and_own_date():
    assert weekly().citation("s1-2") == (
        f"{ISSUE_37}一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）"
    )


def test_an_item_dated_by_its_week_only_gets_no_date_of_its_own():
    assert weekly().citation("s1-1") == f"{ISSUE_37}一、智慧政务能力提升项目推进情况 第（一）项"


def test_a_sub_item_is_a_point_of_its_item():
    assert weekly().citation("s1-3-1") == (
        f"{ISSUE_37}一、智慧政务能力提升项目推进情况 第（三）项第1点"
    )


def test_an_unnumbered_paragraph_is_cited_by_its_section():
    assert weekly().citation("s2-1") == f"{ISSUE_37}二、政务工作动态"


def test_an_attachment_is_cited_by_its_number_and_title():
    assert weekly().citation("a1") == (
        f"{ISSUE_37}附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果"
    )


def test_the_parts_of_a_citation_and_the_link_after_it():
    cited = weekly().cite("s1-2")
    assert cited.issue == ISSUE_37
    assert cited.place == "一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）"
    assert cited.with_link("https://bulletins.example/items/weekly-2024-09-09/s1-2") == (
        f"{cited.text} https://bulletins.example/items/weekly-2024-09-09/s1-2"
    )


def test_an_issue_without_a_total_number_or_a_number_still_gets_its_publication_date():
    monthly = weekly(kind="monthly", number=1, year=2025, total_number=None)
    assert monthly.source_line.startswith("《政务窗口月报》2025年第1期（2024年9月23日印发）")
    unnumbered = weekly(number=None, total_number=None)
    assert unnumbered.source_line == "《窗口工作周报》2024年9月9日—9月14日（2024年9月23日印发）"


def test_an_issue_without_a_publication_date_is_cited_by_its_title():
    assert weekly(published=None).source_line == "《窗口工作周报》2024年第37期（总第508期）"


def test_an_anchor_the_issue_lacks_has_no_citation():
    assert weekly().cite("s9-9") is None and weekly().citation("a2") is None


@pytest.mark.parametrize(
    ("labels", "place"),
    [
        (["（二）"], "第（二）项"),
        (["1."], "第1项"),
        (["（二）", "1."], "第（二）项第1点"),
        (["（二）", "1.", "（1）"], "第（二）项第1点（1）"),
        ([""], ""),
    ],
)
def test_item_place(labels, place):
    assert item_place(labels) == place


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2024, 9, 11), date(2024, 9, 11), "2024年9月11日"),
        (date(2024, 9, 11), None, "2024年9月11日"),
        (date(2024, 9, 9), date(2024, 9, 14), "2024年9月9日—9月14日"),
        (date(2025, 1, 1), date(2025, 1, 31), "2025年1月"),
        (date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        (date(2024, 12, 30), date(2025, 1, 3), "2024年12月30日—2025年1月3日"),
    ],
)
def test_cn_span(start, end, shown):
    assert cn_span(start, end) == shown
