"""web.charts: the department's bars per month, each readable with its month, gaps visible."""

from __future__ import annotations

from web.charts import COLUMN, MIN_WIDTH, month_range, monthly_bars

from dom import Node, _Builder  # the DOM the web tests read pages with


def svg_of(markup) -> Node:
    builder = _Builder()
    builder.feed(str(markup))
    return builder.root.find("svg")


COUNTS = [("2024-11", 3), ("2025-01", 1), ("2025-02", 12)]


def test_every_month_from_the_first_to_the_last_has_its_label_and_a_missing_one_is_a_gap():
    svg = svg_of(monthly_bars(COUNTS, "住建厅每月被提及的条目数"))

    months = [t.words for t in svg.find_all("text", cls="month")]
    assert months == ["11月", "12月", "1月", "2月"]
    assert [t.words for t in svg.find_all("text", cls="year")] == ["2024年", "2025年"]
    bars = svg.find_all("rect", cls="bar")
    assert [(b.attrs["data-month"], b.attrs["data-count"]) for b in bars] == [
        ("2024-11", "3"), ("2025-01", "1"), ("2025-02", "12"),
    ]  # fmt: skip
    [gap] = svg.find_all("circle", cls="gap")
    assert gap.attrs["data-month"] == "2024-12" and gap.find("title").words == "2024年12月：0 条"
    assert [t.words for t in svg.find_all("text", cls="value")] == ["3", "1", "12"]


def test_the_last_bar_is_labelled_like_the_others():
    svg = svg_of(monthly_bars(COUNTS, "x"))

    last_bar = svg.find_all("rect", cls="bar")[-1]
    last_label = svg.find_all("text", cls="month")[-1]
    middle = float(last_bar.attrs["x"]) + float(last_bar.attrs["width"]) / 2
    assert abs(float(last_label.attrs["x"]) - middle) < 0.5
    assert float(last_label.attrs["x"]) < float(svg.attrs["width"])


def test_a_long_span_is_drawn_wide_enough_to_read_and_scrolls_instead_of_shrinking():
    counts = [(m, 1) for m in month_range("2016-01", "2025-12")]

    svg = svg_of(monthly_bars(counts, "x"))

    assert int(svg.attrs["width"]) >= COLUMN * 120 > MIN_WIDTH
    assert svg.attrs["viewbox"] == f"0 0 {svg.attrs['width']} {svg.attrs['height']}"


def test_labels_are_escaped():
    markup = str(monthly_bars(COUNTS, "<script>"))

    assert "<script>" not in markup and "&lt;script&gt;" in markup
