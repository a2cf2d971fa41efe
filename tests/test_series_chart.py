"""The series charts: well-formed SVG, one linked dot per value, flagged values drawn apart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from web.series_chart import ChartPoint, format_number, nice_ceiling, timeline, years

SVG = "{http://www.w3.org/2000/svg}"


def weekly_points(start: date, values: list[float], flagged: int | None = None) -> list[ChartPoint]:
    return [
        ChartPoint(
            day=start + timedelta(weeks=i),
            value=v,
            href=f"/items/weekly-{start + timedelta(weeks=i)}/s4-1",
            label=f"第{i + 1}周：{v:g}件",
            flagged=i == flagged,
        )
        for i, v in enumerate(values)
    ]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_every_value_is_a_dot_linking_to_its_item_in_time_order():
    points = weekly_points(date(2024, 1, 5), [455, 578, 537, 490])
    svg = parse(timeline(list(reversed(points)), "受理（本周）", "件"))
    links = svg.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == [p.href for p in points]
    xs = [float(a.find(f"{SVG}circle").get("cx")) for a in links]
    assert xs == sorted(xs)
    assert [a.find(f"{SVG}circle/{SVG}title").text for a in links] == [p.label for p in points]
    assert len(svg.findall(f"{SVG}polyline")) == 1
    assert svg.get("aria-label") == "受理（本周）"


def test_the_higher_value_stands_higher_and_the_axis_top_is_a_round_number():
    svg = parse(timeline(weekly_points(date(2024, 1, 5), [100, 900]), "x", "件"))
    low, high = (float(c.get("cy")) for c in svg.iter(f"{SVG}circle"))
    assert high < low
    assert "1,000" in [t.text for t in svg.iter(f"{SVG}text")]  # 900 rounded up


def test_a_flagged_value_is_drawn_apart_and_says_why_to_check_it():
    svg = parse(timeline(weekly_points(date(2024, 1, 5), [455, 45500, 537], flagged=1), "x", "件"))
    circles = list(svg.iter(f"{SVG}circle"))
    assert [c.get("class") for c in circles] == ["dot", "dot flagged", "dot"]
    assert "请核对原文" in circles[1].find(f"{SVG}title").text


def test_labels_and_links_are_escaped():
    point = ChartPoint(date(2024, 1, 5), 1, '/items/x"><script>/s1', "<b>&", False)
    markup = str(timeline([point], "<script>", "<件>"))
    assert "<script>" not in markup and "<b>" not in markup
    svg = parse(markup)
    assert svg.find(f"{SVG}a").get("href") == '/items/x"><script>/s1'


def test_one_point_or_none():
    assert str(timeline([], "x", "件")) == ""
    svg = parse(timeline(weekly_points(date(2024, 1, 5), [7]), "x", "件"))
    assert len(svg.findall(f"{SVG}a")) == 1 and svg.find(f"{SVG}polyline") is None


def test_year_against_year_lays_the_newest_years_on_one_another():
    points = []
    for year in range(2018, 2025):
        points += weekly_points(date(year, 1, 5), [100 + year - 2018] * 10)
    svg = parse(years(points, "受理（本周）逐年对比", "件"))
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 5  # the five newest years
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.endswith("年")]
    assert legend == ["2024年", "2023年", "2022年", "2021年", "2020年"]
    assert len(svg.findall(f"{SVG}a")) == 50
    # the same week of two years stands at the same place across
    first_dots = [float(a.find(f"{SVG}circle").get("cx")) for a in svg.findall(f"{SVG}a")[::10]]
    assert max(first_dots) - min(first_dots) < 3


def test_nice_numbers():
    tops = [nice_ceiling(v) for v in (0, 0.7, 3, 26000, 45500, 100, 101, 28)]
    assert tops == pytest.approx([1, 0.8, 3, 30000, 50000, 100, 120, 30])
    assert [format_number(v) for v in (27000, 66.62, 0.5, 1500.0)] == [
        "27,000",
        "66.62",
        "0.5",
        "1,500",
    ]
