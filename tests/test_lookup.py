"""archive.lookup and Reports.find_issues: an issue by the name people give it.

The issues are the corpus's (brief.py); which issue each reference means is
read off the bulletins' mastheads, not from the code.
"""

from __future__ import annotations

import pytest

from archive.lookup import IssueRef, parse_reference

from brief import MONTHLY_01, MONTHLY_06, WEEKLY_01, WEEKLY_37, WEEKLY_DEC


@pytest.mark.parametrize(
    ("typed", "issues"),
    [
        ("2024年第37期", [WEEKLY_37]),
        ("第508期", [WEEKLY_37]),  # 总第508期
        ("总第472期", [WEEKLY_01]),
        ("2025年6月月报", [MONTHLY_06]),
        ("2025年1月份月报", [MONTHLY_01]),
        ("《窗口工作周报》2024年第37期（总第508期）", [WEEKLY_37]),  # a pasted title
        ("２０２４年 第 ３７ 期", [WEEKLY_37]),
        ("周报2024年第1期", [WEEKLY_01]),
        ("月报第1期", [MONTHLY_01]),
        ("第1期", [MONTHLY_01, WEEKLY_01]),  # both kinds, newest first
        ("2024年周报", [WEEKLY_DEC, WEEKLY_37, WEEKLY_01]),
        ("2024年12月周报", [WEEKLY_DEC]),
        ("2025年月报", [MONTHLY_06, MONTHLY_01]),
        ("weekly-2024-09-09", [WEEKLY_37]),
        ("2024年第37期月报", []),  # the 37th is a weekly
        ("第999期", []),
    ],
)
def test_a_reference_names_the_issues_it_means(ingested_store, typed, issues):
    ref = parse_reference(typed)

    assert ref is not None
    assert [s.issue_id for s in ingested_store.reports.find_issues(ref)] == issues


@pytest.mark.parametrize(
    "typed",
    ["住建厅", "2025年6月", "2024年", "月报", "一窗受理", "2024年第37期 住建厅", '"第37期"', ""],
)
def test_words_to_search_are_no_reference(typed):
    assert parse_reference(typed) is None


def test_an_item_id_names_its_issue_and_anchor():
    assert parse_reference("weekly-2024-09-09/s1-2") == IssueRef(
        issue_id="weekly-2024-09-09", anchor="s1-2"
    )


@pytest.mark.parametrize(
    ("typed", "described"),
    [
        ("2024年第37期", "2024年第37期"),
        ("《窗口工作周报》2024年第37期（总第508期）", "2024年第37期（总第508期）周报"),
        ("第508期", "第508期"),
        ("2025年6月月报", "2025年6月月报"),
    ],
)
def test_a_reference_describes_itself_in_the_bulletins_words(typed, described):
    assert parse_reference(typed).describe() == described


def test_the_issue_list_narrows_by_year_and_kind(ingested_store):
    reports = ingested_store.reports

    assert reports.issue_years() == [(2025, 2), (2024, 3)]
    weekly_2024 = reports.summaries(ref=IssueRef(kind="weekly", year=2024))
    assert [s.issue_id for s in weekly_2024] == [WEEKLY_DEC, WEEKLY_37, WEEKLY_01]
    assert [s.issue_id for s in reports.summaries(ref=IssueRef(kind="monthly"))] == [
        MONTHLY_06,
        MONTHLY_01,
    ]
