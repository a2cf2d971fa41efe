"""archive.rows: an Issue as table rows and back, without a database."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.model import Footer, Issue, Source
from archive.parse import parse
from archive.rows import TABLES, IssueRows, from_rows, group_rows, to_rows

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
STEMS = sorted(path.stem for path in CORPUS.glob("*.txt"))
SOURCE = Source("/bulletins/a.txt", "0" * 64)


@functools.cache
def issue_of(stem: str) -> Issue:
    issue = parse((CORPUS / f"{stem}.txt").read_text("utf-8"))
    issue.source = SOURCE
    return issue


@pytest.mark.parametrize("stem", STEMS)
def test_the_rows_of_an_issue_give_the_issue_back(stem):
    issue = issue_of(stem)

    again = from_rows(to_rows(issue, SOURCE))

    assert again.to_json() == issue.to_json()
    assert again.year == issue.year
    assert [(n.anchor, n.mentions) for _, n in again.walk_items()] == [
        (n.anchor, n.mentions) for _, n in issue.walk_items()
    ]


def test_an_issue_is_one_issue_row_and_a_row_per_section_item_mention_and_table_row():
    issue = issue_of("2024-weekly-01")

    rows = to_rows(issue, SOURCE)

    assert len(rows.issues) == 1
    assert len(rows.sections) == len(issue.sections)
    assert len(rows.items) == issue.item_count()
    assert len(rows.item_departments) == sum(len(n.mentions) for _, n in issue.walk_items())
    assert len(rows.attachments) == 1 and len(rows.attachment_rows) == 29
    assert [table for table, _ in rows.tables()] == list(TABLES)
    assert rows.issues[0]["source_path"] == SOURCE.file


def test_sub_items_name_their_parent_and_depth():
    rows = to_rows(issue_of("2024-weekly-37"), SOURCE)

    by_anchor = {r["anchor"]: r for r in rows.items}
    assert (by_anchor["s6-2-1"]["parent_anchor"], by_anchor["s6-2-1"]["depth"]) == ("s6-2", 1)
    assert (by_anchor["s6-2"]["parent_anchor"], by_anchor["s6-2"]["depth"]) == (None, 0)
    assert [r["position"] for r in rows.items] == list(range(1, len(rows.items) + 1))


@pytest.mark.parametrize("stem", STEMS)
@settings(max_examples=25, deadline=None, database=None)
@given(data=st.data())
def test_the_rows_may_come_back_in_any_order(stem, data):
    """SQLite returns rows in no promised order without ORDER BY: the mapping orders them."""
    issue = issue_of(stem)
    rows = to_rows(issue, SOURCE)
    shuffled = IssueRows(
        **{table: data.draw(st.permutations(rows), label=table) for table, rows in rows.tables()}
    )

    assert from_rows(shuffled).to_json() == issue.to_json()


def test_a_footer_with_nothing_in_it_is_no_footer():
    issue = issue_of("2024-weekly-37")
    issue_without = Issue(**{**issue.__dict__, "footer": Footer()})

    assert from_rows(to_rows(issue_without, SOURCE)).footer is None


@settings(max_examples=10, deadline=None, database=None)
@given(data=st.data())
def test_the_rows_of_many_issues_group_back_into_each_issue(data):
    """One query per table reads many issues' rows mixed, in no promised order; grouped, each
    issue gets its own (its departments' rows by their item, which names no issue)."""
    issues = [issue_of(stem) for stem in STEMS]
    each = [to_rows(issue, SOURCE) for issue in issues]
    tables = {
        table: data.draw(st.permutations([r for rows in each for r in getattr(rows, table)]))
        for table in TABLES
    }

    grouped = group_rows(tables)

    assert sorted(grouped) == sorted(issue.issue_id for issue in issues)
    for issue in issues:
        assert from_rows(grouped[issue.issue_id]).to_json() == issue.to_json()


def test_rows_of_an_issue_not_among_those_read_are_left_out():
    """A batch's queries may meet rows of an issue the batch's issue rows do not have."""
    kept, other = to_rows(issue_of(STEMS[0]), SOURCE), to_rows(issue_of(STEMS[1]), SOURCE)
    tables = {
        table: getattr(kept, table) + ([] if table == "issues" else getattr(other, table))
        for table in TABLES
    }

    grouped = group_rows(tables)

    assert list(grouped) == [kept.issues[0]["issue_id"]]
    assert grouped[kept.issues[0]["issue_id"]] == kept
