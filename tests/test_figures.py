"""Figures: the recurring numbers of each bulletin, read as typed rows, checked against a table a
person wrote by reading the corpus (tests/fixtures/figures.tsv)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.departments import gazetteer
from archive.figures import (
    SERIES,
    SERIES_BY_KEY,
    TOPICS,
    Figure,
    Series,
    Topic,
    extract_figures,
    flag_outliers,
    ranks_of,
)
from archive.model import Attachment, AttachmentRow, Issue, Item, Section
from archive.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"
WEEK = (date(2024, 9, 9), date(2024, 9, 14))


def golden() -> dict[str, list[tuple]]:
    """The hand-written table, by issue: (anchor, series, department, value, unit, printed, start, end)."""
    lines = [
        line
        for line in (FIXTURES / "figures.tsv").read_text("utf-8").splitlines()
        if not line.startswith("#")
    ]
    table: dict[str, list[tuple]] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        printed_name = row["department"]
        department = None
        if printed_name:
            found = gazetteer().resolve(printed_name)
            department = found.short_name if found else printed_name
        table.setdefault(row["issue"], []).append(
            (
                row["anchor"],
                row["series"],
                department,
                float(row["value"]),
                row["unit"],
                row["printed"],
                row["period_start"] or None,
                row["period_end"],
            )
        )
    return table


def as_row(f: Figure) -> tuple:
    return (
        f.anchor,
        f.series,
        f.department,
        f.value,
        f.unit,
        f.printed,
        f.period_start.isoformat() if f.period_start else None,
        f.period_end.isoformat(),
    )


def corpus_issue(stem: str) -> Issue:
    return parse((Path(__file__).parent.parent / "corpus" / f"{stem}.txt").read_text("utf-8"))


def weekly(*texts: str, section: str = "综窗改革攻坚行动", period=WEEK, kind="weekly") -> Issue:
    """An issue with one section whose items have these texts."""
    items = [Item(anchor=f"s1-{n}", label=f"（{n}）", text=t) for n, t in enumerate(texts, 1)]
    return Issue(
        kind=kind,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        published=date(2024, 9, 23),
        sections=[Section(number=1, title=section, name=section, items=items)],
    )


def values(issue: Issue) -> dict[str, float]:
    return {f.series: f.value for f in extract_figures(issue)}


# -- the corpus, against the table written by reading it ----------------------


@pytest.mark.parametrize(
    "stem",
    [
        "2024-weekly-01",
        "2024-weekly-37",
        "2024-weekly-1209-1213",
        "2025-monthly-01",
        "2025-monthly-june",
    ],
)
def test_every_figure_the_corpus_prints_is_read_and_nothing_else(stem):
    issue = corpus_issue(stem)
    expected = golden()[issue.issue_id]
    got = [as_row(f) for f in extract_figures(issue)]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert all(f.issue_id == issue.issue_id for f in extract_figures(issue))


def test_the_weekly_window_counts_of_2024_issue_1_and_37():
    first = values(corpus_issue("2024-weekly-01"))
    assert [
        first[k] for k in ("window-consult", "window-accept", "window-issue", "window-transfer")
    ] == [
        1031,
        455,
        1621,
        2522,
    ]
    assert "window-consult-year" not in first  # 第1期 prints no running total
    issue_37 = values(corpus_issue("2024-weekly-37"))
    assert [
        issue_37[k] for k in ("window-consult", "window-accept", "window-issue", "window-transfer")
    ] == [
        1493,
        537,
        1142,
        6646,
    ]
    assert issue_37["window-transfer-year"] == 294655  # printed "294655次", without 件


def test_the_monthly_overview_of_january_2025_in_its_unit():
    figures = {f.series: f for f in extract_figures(corpus_issue("2025-monthly-01"))}
    assert figures["overview-handled"].value == 27000
    assert figures["overview-handled"].printed == "2.7万件"
    assert figures["overview-handled"].unit == "件"
    assert figures["overview-mailed"].value == 700
    assert figures["overview-phone"].value == 1248
    assert figures["overview-phone"].printed == "1248人（次）"
    assert (figures["overview-onsite"].period_start, figures["overview-onsite"].period_end) == (
        date(2025, 1, 1),
        date(2025, 1, 31),
    )


def test_all_29_assessment_rows_of_2024_issue_1_give_score_and_rank_for_november_2023():
    figures = [f for f in extract_figures(corpus_issue("2024-weekly-01")) if f.anchor == "a1"]
    scores = {f.department: f.value for f in figures if f.series == "assessment-score"}
    ranks = {f.department: f.value for f in figures if f.series == "assessment-rank"}
    assert len(scores) == len(ranks) == 29
    assert scores["自然资源厅"] == scores["交通运输厅"] == 120
    assert ranks["自然资源厅"] == ranks["交通运输厅"] == 1  # tied: the second row prints no 序号
    assert (scores["教育厅"], ranks["教育厅"]) == (89, 27)
    assert ranks["四川地震局"] == ranks["四川测绘局"] == 28  # tied: printed without 序号
    assert {(f.period_start, f.period_end) for f in figures} == {
        (date(2023, 11, 1), date(2023, 11, 30))
    }


# -- ranks, however ties are printed ------------------------------------------


def row(seq, name, score):
    return AttachmentRow(
        seq=seq, name=name, department=name, base=100, deduction=0, bonus=score - 100, score=score
    )


def test_a_tied_row_ranks_with_the_row_it_ties_whether_printed_blank_or_with_the_same_number():
    blank = [row(1, "甲", 120), row(None, "乙", 120), row(3, "丙", 110), row(None, "丁", 110)]
    shared = [row(1, "甲", 120), row(1, "乙", 120), row(3, "丙", 110), row(3, "丁", 110)]
    assert ranks_of(blank) == ranks_of(shared) == [1, 1, 3, 3]


def test_a_row_without_its_number_that_ties_with_nothing_has_no_rank_but_keeps_its_score():
    rows = [row(1, "甲", 120), row(None, "乙", 115), row(None, "丙", 115)]
    assert ranks_of(rows) == [1, None, None]
    issue = weekly("本周，无。")
    issue.attachments = [Attachment(number=1, title="2024年8月窗口考核结果", rows=rows)]
    figures = extract_figures(issue)
    assert {(f.series, f.department) for f in figures} == {
        ("assessment-score", "甲"),
        ("assessment-score", "乙"),
        ("assessment-score", "丙"),
        ("assessment-rank", "甲"),
    }


def test_an_assessment_table_whose_title_names_no_month_gives_no_figures():
    issue = weekly("本周，无。")
    issue.attachments = [
        Attachment(number=1, title="省政务服务大厅窗口考核结果", rows=[row(1, "甲", 120)]),
        Attachment(number=2, title="2024年8月窗口人员名单", rows=[row(1, "乙", 120)]),
    ]
    assert extract_figures(issue) == []


# -- what is read, and what is left out ---------------------------------------


def test_the_week_and_the_year_so_far_are_told_apart_by_their_sentence():
    issue = weekly(
        "省本级综窗办件情况\n本周，共计咨询1,493人次、受理537件。今年以来，累计咨询58964人次、受理23519件。"
    )
    figures = {f.series: f for f in extract_figures(issue)}
    assert figures["window-consult"].value == 1493
    assert figures["window-consult"].printed == "1,493人次"
    assert figures["window-accept-year"].value == 23519
    assert (
        figures["window-accept-year"].period_start,
        figures["window-accept-year"].period_end,
    ) == (
        date(2024, 1, 1),
        date(2024, 9, 14),
    )


def test_comparisons_other_spans_and_unreadable_numbers_are_left_out():
    issue = weekly(
        "省本级综窗办件情况\n本周，共计咨询若干人次，受理537件，较上周受理增加20件；"
        "上周受理500件；去年同期颁发900件。"
    )
    assert values(issue) == {"window-accept": 537}


def test_figures_are_read_only_in_items_about_their_topic():
    assert values(weekly("本周，公安厅窗口受理455件。")) == {}
    assert values(weekly("（一）省本级综窗办件情况", section="综窗改革攻坚行动")) == {}


def test_a_sub_item_under_the_topic_heading_is_read():
    parent = Item(anchor="s1-1", label="（一）", text="省本级综窗办件情况")
    parent.children = [
        Item(anchor="s1-1-1", label="1.", text="本周，共计咨询1031人次、受理455件。")
    ]
    issue = weekly()
    issue.sections[0].items = [parent]
    figures = extract_figures(issue)
    assert {(f.series, f.anchor) for f in figures} == {
        ("window-consult", "s1-1-1"),
        ("window-accept", "s1-1-1"),
    }


def test_a_series_read_twice_with_different_values_is_ambiguous_and_left_out():
    issue = weekly(
        "省本级综窗办件情况\n本周，共计咨询1031人次、受理455件。",
        "省本级综窗办件情况（更正）\n本周，共计咨询1031人次、受理456件。",
    )
    figures = extract_figures(issue)
    assert [(f.series, f.anchor) for f in figures] == [("window-consult", "s1-1")]


def test_without_a_period_no_figure_can_be_placed():
    assert values(weekly("省本级综窗办件情况\n本周，共计咨询1031人次。", period=None)) == {}


def test_weekly_series_are_not_read_from_monthlies_and_a_half_year_is_not_a_month():
    monthly = weekly(
        "6月，省本级办理政务服务事项5.46万件。1-6月，省本级办理政务服务事项30万件；综窗办件：本月受理455件。",
        section="2025年6月总体运行情况",
        period=(date(2025, 6, 1), date(2025, 6, 30)),
        kind="monthly",
    )
    assert values(monthly) == {"overview-handled": 54600}


def test_wan_is_multiplied_out_exactly():
    monthly = weekly(
        "省本级办理政务服务事项0.07万件，窗口出件量1.1万件。",
        section="总体运行情况",
        period=(date(2025, 1, 1), date(2025, 1, 31)),
        kind="monthly",
    )
    assert values(monthly) == {"overview-handled": 700, "overview-window-output": 11000}


def test_a_new_recurring_figure_is_one_line_of_the_series_table():
    issue = corpus_issue("2024-weekly-37")
    assert not any(f.series == "oneness-problems" for f in extract_figures(issue))
    topics = {**TOPICS, "oneness": Topic("oneness", "高效办成一件事", r"一件事")}
    extra = Series(
        "oneness-problems", "oneness", "一件事运维问题", "period", "个", r"处理全省运维问题"
    )
    found = extract_figures(issue, SERIES + (extra,), topics)
    assert [(f.series, f.value, f.anchor) for f in found if f.series == "oneness-problems"] == [
        ("oneness-problems", 25, "s4-2")
    ]


def test_every_series_names_a_topic_a_known_unit_and_a_scope():
    from archive.figures import UNITS

    for series in SERIES:
        assert series.topic in TOPICS
        assert series.scope in ("period", "year", "total", "month")
        assert (series.label is None) != (series.column is None)
        assert series.label is None or series.unit in UNITS
    assert len(SERIES_BY_KEY) == len(SERIES)


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet="本周今年以来累计截至目前，。；、共计咨询受理颁发流转人次件万0123456789.,-月",
        max_size=80,
    )
)
def test_any_text_gives_figures_whose_printed_text_is_in_the_item_and_whose_value_it_states(text):
    issue = weekly("省本级综窗办件情况\n" + text)
    for figure in extract_figures(issue):
        item = issue.sections[0].items[0]
        assert figure.printed in item.text
        number = figure.printed.rstrip("人次件个项%（）").replace(",", "")
        scale = 10_000 if number.endswith("万") else 1
        assert figure.value == pytest.approx(float(number.rstrip("万")) * scale)


# -- values that contradict their neighbours -----------------------------------


def point(
    series: str, value: float, day: date, start: date | None = None, issue: str | None = None
):
    return Figure(
        series=series,
        value=value,
        unit="件",
        printed=f"{value:g}件",
        period_start=start or day,
        period_end=day,
        issue_id=issue or f"weekly-{day.isoformat()}",
        anchor="s4-1",
    )


def test_a_weekly_count_100_times_its_neighbours_is_flagged_and_ordinary_swings_are_not():
    days = [date(2024, 1, 1) + timedelta(weeks=i) for i in range(9)]
    counts = [455, 578, 537, 1200, 45500, 490, 260, 510, 470]
    figures = [point("window-accept", n, d) for n, d in zip(counts, days, strict=True)]
    flags = flag_outliers(figures)
    assert list(flags) == [figures[4].key]
    assert "倍" in flags[figures[4].key]


def test_a_running_total_that_falls_within_its_year_is_flagged_but_a_new_year_starts_again():
    def ytd(value, day):
        return point("window-accept-year", value, day, start=date(day.year, 1, 1))

    figures = [
        ytd(23000, date(2024, 9, 14)),
        ytd(2300, date(2024, 9, 21)),
        ytd(32381, date(2024, 12, 13)),
        ytd(455, date(2025, 1, 5)),
    ]
    assert list(flag_outliers(figures)) == [figures[1].key]


def test_ranks_and_scores_are_not_judged_against_neighbours():
    days = [date(2024, m, 1) for m in range(1, 8)]
    ranks = [
        replace(point("assessment-rank", n, d), department="甲")
        for n, d in zip([20, 21, 1, 22, 20, 19, 21], days, strict=True)
    ]
    assert flag_outliers(ranks) == {}


def test_the_json_of_a_figure_names_its_series_and_links_to_its_item():
    figure = extract_figures(corpus_issue("2025-monthly-01"))[0]
    assert figure.to_json() == {
        "series": "overview-handled",
        "name": "省本级办理政务服务事项",
        "department": None,
        "value": 27000.0,
        "unit": "件",
        "printed": "2.7万件",
        "period_start": "2025-01-01",
        "period_end": "2025-01-31",
        "issue_id": "monthly-2025-01",
        "anchor": "s1-1",
        "url": "/items/monthly-2025-01/s1-1",
    }


# -- at scale: a generated archive of 500 bulletins ---------------------------

# What a generated bulletin prints when it reports each series (bench/make_corpus.py prints them so).
PRINTED_AS = {
    "window-consult": "本周，共计咨询",
    "window-accept": "本周，共计咨询",
    "window-issue": "本周，共计咨询",
    "window-transfer": "本周，共计咨询",
    "window-consult-year": "今年以来，累计咨询",
    "window-accept-year": "今年以来，累计咨询",
    "window-issue-year": "今年以来，累计咨询",
    "window-transfer-year": "今年以来，累计咨询",
    "manual-done": "截至目前，共完成",
    "manual-share": "截至目前，共完成",
    "overview-handled": "省本级办理政务服务事项",
    "overview-online-accepted": "受理政务服务事项全程网办",
    "overview-online-completed": "办结政务服务事项全程网办",
    "overview-window-accepted": "综合窗口受理政务服务事项",
    "overview-window-output": "窗口出件量",
    "overview-mailed": "现场邮寄量",
    "overview-phone": "电话咨询",
    "overview-onsite": "现场咨询",
}


@pytest.fixture(scope="module")
def generated_issues(tmp_path_factory) -> list[Issue]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from make_corpus import generate

    paths = generate(tmp_path_factory.mktemp("generated"), 500, seed=11)
    return [parse(path.read_text("utf-8")) for path in paths]


def test_on_500_generated_bulletins_every_series_has_one_point_per_issue_that_prints_it(
    generated_issues,
):
    points: dict[str, list[str]] = {}
    for issue in generated_issues:
        for figure in extract_figures(issue):
            points.setdefault(figure.series, []).append(
                f"{issue.issue_id} {figure.department or ''}".strip()
            )
    for series, phrase in PRINTED_AS.items():
        printing = [
            issue.issue_id
            for issue in generated_issues
            if any(phrase in item.text for _, item in issue.walk_items())
        ]
        assert printing, f"the generator prints no {series}"
        assert sorted(points.get(series, [])) == sorted(printing), series
    for series in ("assessment-score", "assessment-rank"):
        rows = [
            f"{issue.issue_id} {row.department or row.name}"
            for issue in generated_issues
            for attachment in issue.attachments
            if "考核" in attachment.title
            for row in attachment.rows
        ]
        assert rows and sorted(points[series]) == sorted(rows), series
    assert set(points) == {*PRINTED_AS, "assessment-score", "assessment-rank"}


def test_the_generated_series_contradict_nothing(generated_issues):
    """The generator's counts are plausible and its running totals add up: nothing is flagged."""
    figures = [f for issue in generated_issues for f in extract_figures(issue)]
    assert flag_outliers(figures) == {}
