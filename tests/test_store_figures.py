"""The figures in the store: written with their issue in its transaction, replaced and removed with
it, and read out of the issues already stored when an older archive is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.figures import extract_figures
from archive.parse import parse
from archive.store import SourceRecord, Store, now

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def count(store: Store, issue_id: str | None = None) -> int:
    if issue_id is None:
        return store.db.execute("SELECT count(*) FROM figures").fetchone()[0]
    return store.db.execute(
        "SELECT count(*) FROM figures WHERE issue_id = ?", [issue_id]
    ).fetchone()[0]


def test_every_stored_issue_has_its_figures(ingested_store):
    for issue in ingested_store.iter_issues():
        assert count(ingested_store, issue.issue_id) == len(extract_figures(issue))
    assert count(ingested_store) == 97  # tests/fixtures/figures.tsv


def test_a_changed_bulletin_replaces_its_figures_and_a_deleted_one_takes_them_along(
    archive_copy, corpus_dir
):
    store = Store(archive_copy / "archive.db")
    text = (corpus_dir / "2024-weekly-37.txt").read_text("utf-8")
    issue = parse(text.replace("受理 537件", "受理 538件"))
    source = SourceRecord(str(corpus_dir / "2024-weekly-37.txt"), "changed", len(text), now(), None)
    store.save(issue, source)
    points = store.figures.points("window-accept")
    assert [p.figure.value for p in points if p.figure.issue_id == issue.issue_id] == [538]
    assert count(store, issue.issue_id) == 8
    store.delete_issue(issue.issue_id)
    assert count(store, issue.issue_id) == 0
    store.close()


@pytest.mark.parametrize("version", [1, 2])
def test_an_archive_from_before_the_figures_gets_them_on_opening(tmp_path, version):
    """An archive an earlier version wrote (tests/fixtures/archive-schema-N.sql: 2024年第1期)."""
    path = tmp_path / "archive.db"
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / f"archive-schema-{version}.sql").read_text("utf-8"))
    db.close()
    store = Store(path)
    assert count(store, "weekly-2024-01-02") == 65  # its rows of tests/fixtures/figures.tsv
    assert [p.figure.value for p in store.figures.points("window-accept")] == [455]
    store.close()
    assert count(Store(path)) == 65  # once: opening again reads nothing anew


def test_points_come_with_their_issue_title_oldest_first(ingested_store):
    points = ingested_store.figures.points("window-transfer-year")
    assert [(p.figure.value, p.issue_title) for p in points] == [
        (294655, "《窗口工作周报》2024年第37期（总第508期）"),
        (346703, "《窗口工作周报》2024年12月9日—12月13日"),
    ]
