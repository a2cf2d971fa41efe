"""Dates: a week's period across year ends, the event span of an item, and a day as people type it."""

from __future__ import annotations

from datetime import date

import pytest

from archive.dates import item_span, typed_day, week_period

WEEK = (date(2024, 9, 9), date(2024, 9, 14), date(2024, 9, 23))


def test_a_week_takes_its_year_from_publication():
    assert week_period(9, 9, 9, 14, year=None, published=date(2024, 9, 23)) == (
        date(2024, 9, 9),
        date(2024, 9, 14),
    )


def test_a_week_across_the_year_end():
    assert week_period(12, 30, 1, 3, year=2025, published=date(2025, 1, 10)) == (
        date(2024, 12, 30),
        date(2025, 1, 3),
    )
    assert week_period(12, 30, 1, 3, year=2024, published=None) == (
        date(2024, 12, 30),
        date(2025, 1, 3),
    )


def test_a_week_across_the_year_end_without_publication_belongs_to_its_numbered_year():
    assert week_period(12, 31, 1, 4, year=2019, published=None, number=1) == (
        date(2018, 12, 31),
        date(2019, 1, 4),
    )
    assert week_period(12, 30, 1, 3, year=2024, published=None, number=52) == (
        date(2024, 12, 30),
        date(2025, 1, 3),
    )


def test_a_week_without_year_or_publication_has_no_dates():
    assert week_period(9, 9, 9, 14, year=None, published=None) == (None, None)


@pytest.mark.parametrize(
    "text, span",
    [
        ("9月11日，省中心召开例会。", (date(2024, 9, 11), date(2024, 9, 11))),
        ("9 月 11 日，省中心召开例会。", (date(2024, 9, 11), date(2024, 9, 11))),
        ("9月10日-12日，开展培训。", (date(2024, 9, 10), date(2024, 9, 12))),
        ("9月30日—10月2日，值守。", (date(2024, 9, 30), date(2024, 10, 2))),
        ("9月，完成手册编制。", (date(2024, 9, 1), date(2024, 9, 30))),
        ("本周，水利厅窗口调研。", (date(2024, 9, 9), date(2024, 9, 14))),
        ("省本级综窗办件情况\n本周，共计咨询", (date(2024, 9, 9), date(2024, 9, 14))),
        ("2023年11月5日，回顾。", (date(2023, 11, 5), date(2023, 11, 5))),
    ],
)
def test_item_span_from_the_date_the_text_opens_with(text, span):
    assert item_span(text, *WEEK) == span


def test_a_day_in_a_week_across_the_year_end_gets_the_right_year():
    week = (date(2024, 12, 30), date(2025, 1, 3), date(2025, 1, 10))
    assert item_span("12月31日，会议。", *week)[0] == date(2024, 12, 31)
    assert item_span("1月2日，会议。", *week)[0] == date(2025, 1, 2)
    assert item_span("1月，全月。", *week) == (date(2025, 1, 1), date(2025, 1, 31))


def test_an_impossible_date_falls_back_to_the_period():
    assert item_span("2月30日，会议。", *WEEK) == (date(2024, 9, 9), date(2024, 9, 14))


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2024-09-01", date(2024, 9, 1), date(2024, 9, 1)),
        ("2024-9-1", date(2024, 9, 1), date(2024, 9, 1)),
        ("2024/9/1", date(2024, 9, 1), date(2024, 9, 1)),
        ("2024.9.1", date(2024, 9, 1), date(2024, 9, 1)),
        ("2024年9月1日", date(2024, 9, 1), date(2024, 9, 1)),
        (" 2024 年 9 月 1 号 ", date(2024, 9, 1), date(2024, 9, 1)),
        ("２０２４年９月", date(2024, 9, 1), date(2024, 9, 30)),
        ("2024年9月", date(2024, 9, 1), date(2024, 9, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024年", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_a_typed_day_month_or_year(typed, first, last):
    assert typed_day(typed) == first and typed_day(typed, end=True) == last


@pytest.mark.parametrize(
    "typed", ["", "20240901", "2024-13-01", "2024-02-30", "2024-W37-1", "9月1日", "0000", "明天"]
)
def test_what_is_no_typed_day(typed):
    assert typed_day(typed) is None and typed_day(typed, end=True) is None
