"""archive.schema: the tables as migrations, and archives written by earlier versions opening in this one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import archive.store
from archive.ingest import ingest_file
from archive.schema import MIGRATIONS, SCHEMA_VERSION, SchemaError, migrate
from archive.store import Store, StoreError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STEPS = [
    "m001_issues", "m002_problems", "m003_figures", "m004_versions", "m005_pages",
    "m006_file_names", "m007_read_sha256", "m008_fingerprint",
]  # fmt: skip


def archive_of_schema(version: int, path: Path) -> Path:
    """A data file restored from the dump of an archive that an earlier version wrote."""
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / f"archive-schema-{version}.sql").read_text("utf-8"))
    db.close()
    return path


def recorded_steps(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()
    db.close()
    return [name for (name,) in rows]


def stored_version(path: Path) -> str:
    with sqlite3.connect(path) as db:
        (value,) = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    db.close()
    return value


def dump(path: Path) -> list[str]:
    """The archive's schema and rows as SQL, read through a connection of its own."""
    with sqlite3.connect(path) as db:
        lines = list(db.iterdump())
    db.close()
    return lines


def test_the_schema_version_counts_the_steps():
    assert SCHEMA_VERSION == len(STEPS)
    assert [m.name for m in MIGRATIONS.pending(Database(memory=True))] == STEPS


def test_a_new_archive_has_every_step_recorded_and_the_current_version(tmp_path):
    store = Store(tmp_path / "archive.db")
    store.close()

    assert recorded_steps(tmp_path / "archive.db") == STEPS
    assert stored_version(tmp_path / "archive.db") == str(SCHEMA_VERSION)


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_an_archive_of_an_earlier_schema_opens_with_its_issue_and_takes_new_ones(
    tmp_path, corpus_dir, version
):
    path = archive_of_schema(version, tmp_path / "archive.db")

    store = Store(path)

    assert store.issue_ids() == ["weekly-2024-01-02"]
    issue = store.load("weekly-2024-01-02")
    assert issue.title == "《窗口工作周报》2024年第1期（总第472期）"
    assert len(issue.attachments[0].rows) == 29
    assert store.source("/bulletins/2024-weekly-01.txt").issue_id == "weekly-2024-01-02"
    assert recorded_steps(path) == STEPS
    assert stored_version(path) == str(SCHEMA_VERSION)
    assert ingest_file(store, corpus_dir / "2024-weekly-37.txt").status == "added"
    assert store.issue_ids() == ["weekly-2024-01-02", "weekly-2024-09-09"]
    store.close()


@pytest.mark.parametrize("version", [2, 4])
def test_the_items_of_an_archive_of_an_earlier_schema_have_no_page_until_ingested_again(
    tmp_path, version
):
    store = Store(archive_of_schema(version, tmp_path / "archive.db"))

    issue = store.load("weekly-2024-01-02")

    assert {node.page for _, node in issue.walk_items()} == {None}
    assert issue.attachments[0].page is None
    store.close()


def test_the_problems_an_archive_of_schema_2_remembers_are_kept(tmp_path):
    store = Store(archive_of_schema(2, tmp_path / "archive.db"))

    [problem] = store.reports.problems()

    assert (problem.path, problem.problem.code) == ("/bulletins/scan.txt", "empty")
    store.close()


def test_an_archive_of_schema_1_gains_the_problems_table(tmp_path, corpus_dir):
    store = Store(archive_of_schema(1, tmp_path / "archive.db"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    assert ingest_file(store, empty).status == "failed"

    assert [p.problem.code for p in store.reports.problems()] == ["empty"]
    store.close()


def test_an_archive_written_by_a_newer_version_refuses_to_open_and_is_left_as_it_was(tmp_path):
    path = archive_of_schema(2, tmp_path / "archive.db")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION + 1])
    db.close()
    before = dump(path)

    with pytest.raises(SchemaError, match="newer version of bulletins") as raised:
        Store(path)

    assert str(path) in str(raised.value)
    assert dump(path) == before


def test_a_migration_interrupted_after_its_steps_leaves_the_archive_as_it_was(
    tmp_path, monkeypatch
):
    """The steps and the version are written in one transaction with the lock held."""
    path = archive_of_schema(1, tmp_path / "archive.db")
    before = dump(path)

    def interrupted(db):
        migrate(db)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(archive.store, "migrate", interrupted)
    with pytest.raises(StoreError, match="disk I/O error"):
        Store(path)
    monkeypatch.undo()

    assert dump(path) == before
    Store(path).close()
    assert recorded_steps(path) == STEPS


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_the_issues_of_an_earlier_schema_are_their_first_version_and_take_a_correction(
    tmp_path, corpus_texts, version
):
    store = Store(archive_of_schema(version, tmp_path / "archive.db"))
    [first] = store.versions("weekly-2024-01-02")
    assert (first.version, first.current, first.source.file) == (
        1, True, "/bulletins/2024-weekly-01.txt",
    )  # fmt: skip
    assert first.received_at == store.source("/bulletins/2024-weekly-01.txt").ingested_at
    correction = tmp_path / "2024-weekly-01-corrected.txt"
    text = corpus_texts["2024-weekly-01"]
    assert text.count("业务培训 3 次") == 1
    correction.write_text(text.replace("业务培训 3 次", "业务培训 4 次"), "utf-8")

    outcome = ingest_file(store, correction)

    assert (outcome.status, outcome.version) == ("updated", 2)
    assert outcome.supersedes == "2024-weekly-01.txt", "as shown: never the server's path"
    assert (
        store.load_version("weekly-2024-01-02", 1).title
        == "《窗口工作周报》2024年第1期（总第472期）"
    )
    assert [v.version for v in store.versions("weekly-2024-01-02")] == [1, 2]
    store.close()


@pytest.mark.parametrize("version", [1, 4])
def test_an_upgraded_archive_keeps_the_signatures_its_index_knows_its_issues_by(
    tmp_path, version
):
    """The signature an index recorded before schema 7 (the file's hash, when it came, the
    version) is the one the upgraded store gives: an upgrade re-indexes nothing."""
    store = Store(archive_of_schema(version, tmp_path / "archive.db"))
    (before,) = store.db.execute(
        """SELECT source_sha256 || ':' || coalesce(received_at, '') || ':v' || version
           FROM issues WHERE issue_id = 'weekly-2024-01-02'"""
    ).fetchone()

    assert store.issue_signatures() == {"weekly-2024-01-02": before}
    store.close()


def test_an_upgraded_archive_without_fingerprints_still_knows_its_content_in_other_bytes(
    tmp_path, corpus_dir
):
    """Issues stored before schema 8 have no fingerprint: they are compared by their rows."""
    store = Store(tmp_path / "archive.db")
    path = tmp_path / "2024-weekly-01.txt"
    path.write_bytes((corpus_dir / "2024-weekly-01.txt").read_bytes())
    assert ingest_file(store, path).status == "added"
    store.db.execute("UPDATE issues SET fingerprint = NULL")  # as m008 leaves an earlier archive
    path.write_bytes(path.read_bytes() + b"\n\n")

    assert ingest_file(store, path).status == "unchanged"
    assert store.issue_ids() == ["weekly-2024-01-02"]
    assert store.db.execute("SELECT fingerprint IS NOT NULL FROM issues").fetchone() == (1,)
    store.close()
