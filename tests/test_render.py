"""bulletins.render: the CLI's text, one formatter per thing shown."""

from __future__ import annotations

from datetime import date

import pytest

from bulletins import render


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2024, 9, 11), date(2024, 9, 11), "2024-09-11"),
        (date(2024, 9, 9), date(2024, 9, 14), "2024-09-09..2024-09-14"),
        ("2024-09-09", "2024-09-14", "2024-09-09..2024-09-14"),  # as the store's records hold them
        ("2025-01-01", "2025-01-31", "2025-01-01..2025-01-31"),
        (date(2024, 9, 9), None, "2024-09-09"),
        (None, None, "-"),
    ],
)
def test_a_date_span_is_one_day_or_first_and_last(start, end, shown):
    assert render.span(start, end) == shown


def test_a_snippet_for_the_terminal_marks_matches_in_brackets_and_undoes_entities():
    shown = render.plain_snippet("&lt;b&gt;<mark>公安厅</mark>&lt;/b&gt; &amp; 民政厅")

    assert shown == "<b>【公安厅】</b> & 民政厅"
