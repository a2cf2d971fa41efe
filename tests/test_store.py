"""archive.store: a real SQLite file that gives back exactly the issue it was given."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from archive.model import Issue, Source
from archive.parse import parse
from archive.records import SourceRecord
from archive.rows import TABLES as ISSUE_TABLES
from archive.store import Store

from bulletingen import INSERTED, with_an_item_edited, with_an_item_inserted, with_an_item_removed

TABLES = (
    "sources", "issues", "sections", "items", "item_departments", "attachments", "attachment_rows",
    "versions", "version_links",
)  # fmt: skip
NEWEST_FIRST = [
    "monthly-2025-06",
    "monthly-2025-01",
    "weekly-2024-12-09",
    "weekly-2024-09-09",
    "weekly-2024-01-02",
]


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "data" / "archive.db")
    yield store
    store.close()


def record(path: str, text: str) -> SourceRecord:
    data = text.encode("utf-8")
    return SourceRecord(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        ingested_at="2025-01-01T00:00:00+00:00",
        issue_id=None,
    )


def parsed(text: str, source: SourceRecord) -> Issue:
    """The issue as ingest would store it: parsed, with the file it came from."""
    issue = parse(text)
    issue.source = Source(source.path, source.sha256)
    return issue


def row_counts(store: Store) -> dict[str, int]:
    return {table: store.db[table].count for table in TABLES}


def save_text(store: Store, stem: str, text: str, path: str | None = None) -> Issue:
    source = record(path or f"/bulletins/{stem}.txt", text)
    issue = parsed(text, source)
    store.save(issue, source)
    return issue


# --- round trip ---------------------------------------------------------------


@pytest.mark.parametrize(
    "stem",
    [
        "2024-weekly-01",
        "2024-weekly-1209-1213",
        "2024-weekly-37",
        "2025-monthly-01",
        "2025-monthly-june",
    ],
)
def test_a_saved_issue_loads_back_exactly(store, corpus_texts, stem):
    """Every field survives: sections, items and sub-items in order, dates, departments
    in order of first mention, attachment rows (tied rows without 序号), header, footer."""
    issue = save_text(store, stem, corpus_texts[stem])

    loaded = store.load(issue.issue_id)

    assert loaded is not None
    assert loaded.to_json() == issue.to_json()
    assert loaded.year == issue.year


def test_round_trip_keeps_sub_items_under_their_item(store, corpus_texts):
    issue = save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])

    loaded = store.load(issue.issue_id)

    parent = loaded.sections[5].items[1]
    assert parent.anchor == "s6-2"
    assert [child.anchor for child in parent.children] == ["s6-2-1", "s6-2-2"]
    assert [child.label for child in parent.children] == ["1.", "2."]


def test_round_trip_keeps_departments_in_order_of_first_mention(store, corpus_texts):
    issue = save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    item = issue.sections[1].items[0]
    assert len(item.departments) > 2, "the test needs an item naming several departments"

    loaded = store.load(issue.issue_id).sections[1].items[0]

    assert loaded.departments == item.departments
    assert loaded.mentions == item.mentions


def test_round_trip_keeps_attachment_rows_with_the_shared_seq_of_tied_rows(store, corpus_texts):
    issue = save_text(store, "2024-weekly-01", corpus_texts["2024-weekly-01"])

    [attachment] = store.load(issue.issue_id).attachments

    rows = attachment.rows
    assert [r.seq for r in rows[:3]] == [1, 1, 3]
    assert (rows[1].name, rows[1].score) == ("交通运输厅", 120.0)
    assert rows[-1].seq == 28 and rows[-1].name == "四川地震局"
    assert len(rows) == 29
    assert attachment.columns == issue.attachments[0].columns


def test_round_trip_keeps_the_footer(store, corpus_texts):
    issue = save_text(store, "2024-weekly-01", corpus_texts["2024-weekly-01"])

    footer = store.load(issue.issue_id).footer

    assert footer.copies == 103
    assert footer.report_to.startswith("省政务管理办公室")
    assert footer.send_to.startswith("省级相关部门（单位）窗口")


def test_load_of_an_unknown_issue_is_none(store):
    assert store.load("weekly-1999-01-04") is None


def test_load_many_gives_each_issue_as_load_does_in_the_order_asked(
    store, corpus_texts, monkeypatch
):
    """A reindex reads every issue in batches (a query per table each); an id not stored is
    left out. Batches of two here, so that the five issues take three."""
    monkeypatch.setattr("archive.store.LOAD_BATCH", 2)
    for stem, text in corpus_texts.items():
        save_text(store, stem, text)
    asked = [*NEWEST_FIRST[:2], "weekly-1999-01-04", *NEWEST_FIRST[2:]]

    loaded = list(store.load_many(asked))

    assert [issue.issue_id for issue in loaded] == NEWEST_FIRST
    assert [issue.to_json() for issue in loaded] == [
        store.load(issue_id).to_json() for issue_id in NEWEST_FIRST
    ]
    assert [issue.source for issue in loaded] == [store.load(i).source for i in NEWEST_FIRST]


def test_an_issue_replaced_while_a_batch_is_read_comes_whole_as_it_was(store, corpus_texts):
    """The batch's queries are one read transaction: another process's save between them
    (here, once the issue rows are read) gives no issue made of the rows of both."""
    text = corpus_texts["2024-weekly-37"]
    before = save_text(store, "2024-weekly-37", text)
    writer = Store(store.path)
    selects: list[str] = []

    def between_queries(statement: str) -> None:
        if statement.lstrip().startswith("SELECT"):
            selects.append(statement)
            if len(selects) == 2:  # the issue rows are read, the section rows not yet
                save_text(writer, "2024-weekly-37", with_an_item_removed(text), path="/b/new.txt")

    store.db.conn.set_trace_callback(between_queries)
    try:
        [loaded] = store.load_many([before.issue_id])
    finally:
        store.db.conn.set_trace_callback(None)
        writer.close()

    assert "FROM issues" in selects[0] and len(selects) == len(ISSUE_TABLES)
    assert loaded.to_json() == before.to_json() and loaded.source.file == before.source.file
    assert store.load(before.issue_id).source.file == "/b/new.txt", "the save did happen"


# --- summaries ----------------------------------------------------------------


def test_summaries_list_issues_newest_first_with_their_item_counts(store, corpus_texts):
    issues = {stem: save_text(store, stem, text) for stem, text in corpus_texts.items()}
    by_id = {issue.issue_id: issue for issue in issues.values()}

    summaries = store.reports.summaries()

    assert [s.issue_id for s in summaries] == NEWEST_FIRST
    for summary in summaries:
        issue = by_id[summary.issue_id]
        assert summary.items == issue.item_count()  # sub-items count too
        assert summary.title == issue.title
        assert summary.source == issue.source
    assert {s.issue_id: s.items for s in summaries}["weekly-2024-09-09"] == 13


# --- replacing ----------------------------------------------------------------


def test_saving_the_same_identity_again_replaces_without_duplicate_rows(store, corpus_texts):
    text = corpus_texts["2024-weekly-01"]
    issue = save_text(store, "2024-weekly-01", text)
    once = row_counts(store)

    save_text(store, "2024-weekly-01", text)

    assert row_counts(store) == once
    assert once["items"] == issue.item_count()
    assert once["sections"] == len(issue.sections)
    assert once["item_departments"] == sum(len(i.mentions) for _, i in issue.walk_items())
    assert once["attachment_rows"] == 29
    assert store.load(issue.issue_id).to_json() == issue.to_json()


def test_a_source_that_now_parses_to_another_identity_keeps_the_issue_it_gave(store, corpus_texts):
    """A file edited into another bulletin (a download saved each week under one name) gives a
    new issue; the bulletin it gave before stays whole: users could open it."""
    path = "/bulletins/latest.txt"
    old = save_text(store, "2024-weekly-01", corpus_texts["2024-weekly-01"], path=path)

    new = save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"], path=path)

    assert store.issue_ids() == ["weekly-2024-01-02", "weekly-2024-09-09"]
    assert store.load("weekly-2024-01-02").to_json() == old.to_json()
    assert store.load("weekly-2024-09-09").to_json() == new.to_json()
    assert store.source(path).issue_id == "weekly-2024-09-09"
    assert store.db["sources"].count == 1


# --- corrections -----------------------------------------------------------------


def correct_text(store: Store, text: str, path: str, at: str = "2025-01-02T00:00:00+00:00") -> int:
    source = replace(record(path, text), ingested_at=at)
    return store.correct(parsed(text, source), source)


def test_a_correction_is_the_next_version_and_the_one_before_is_kept_whole(store, corpus_texts):
    first = save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    text = with_an_item_inserted(corpus_texts["2024-weekly-37"])

    assert correct_text(store, text, "/bulletins/37-corrected.txt") == 2

    current = store.load("weekly-2024-09-09")
    assert current.version == 2 and INSERTED[3:] in current.sections[0].items[1].text
    kept = store.load_version("weekly-2024-09-09", 1)
    assert kept.to_json() == first.to_json()
    assert store.load_version("weekly-2024-09-09", 2).to_json() == current.to_json()
    assert store.load_version("weekly-2024-09-09", 3) is None
    assert [
        (v.version, v.current, v.source.file, v.received_at)
        for v in store.versions("weekly-2024-09-09")
    ] == [
        (1, False, "/bulletins/2024-weekly-37.txt", "2025-01-01T00:00:00+00:00"),
        (2, True, "/bulletins/37-corrected.txt", "2025-01-02T00:00:00+00:00"),
    ]
    assert store.issue_ids() == ["weekly-2024-09-09"]
    assert store.db["items"].count == current.item_count(), "the current version's rows only"


def test_links_to_the_first_version_follow_its_items_into_the_correction(store, corpus_texts):
    save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    correct_text(store, with_an_item_inserted(corpus_texts["2024-weekly-37"]), "/b/2.txt")

    def where(version, anchor):
        link = store.follow("weekly-2024-09-09", version, anchor)
        return link and (link.fate, link.issue.version, link.shown_anchor)

    assert where(None, "s1-2") == ("moved", 2, "s1-3")  # no version: as first published
    assert where(1, "s1-2") == ("moved", 2, "s1-3")
    assert where(None, "s1-1") == ("same", 2, "s1-1")
    assert where(2, "s1-2") == (None, 2, "s1-2")  # the inserted item, in its own version
    assert where(2, "s1-4") == (None, 2, "s1-4")
    assert where(None, "s1-4") is None, "the first version had no s1-4"
    assert where(3, "s1-1") is None and where(None, "s9-9") is None
    assert store.follow("weekly-2099-01-05", None, "s1-1") is None


def test_a_third_version_carries_the_first_versions_links_on(store, corpus_texts):
    seed = corpus_texts["2024-weekly-37"]
    save_text(store, "2024-weekly-37", seed)
    correct_text(store, with_an_item_inserted(seed), "/b/2.txt")
    correct_text(store, with_an_item_edited(with_an_item_inserted(seed)), "/b/3.txt")

    def where(version, anchor):
        link = store.follow("weekly-2024-09-09", version, anchor)
        return link.fate, link.issue.version, link.shown_anchor

    assert where(None, "s1-2") == ("moved", 3, "s1-3")
    assert where(None, "s1-3") == ("changed", 3, "s1-4")  # moved, then edited
    assert where(2, "s1-4") == ("changed", 3, "s1-4")
    assert where(2, "s1-2") == ("same", 3, "s1-2")
    assert [v.version for v in store.versions("weekly-2024-09-09")] == [1, 2, 3]


def test_a_link_to_an_item_the_correction_removed_shows_it_as_it_was(store, corpus_texts):
    first = save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    correct_text(store, with_an_item_removed(corpus_texts["2024-weekly-37"]), "/b/2.txt")

    link = store.follow("weekly-2024-09-09", None, "s1-3")

    assert (link.fate, link.issue.version, link.shown_anchor) == ("removed", 1, "s1-3")
    assert link.issue.find("s1-3")[1].text == first.find("s1-3")[1].text
    assert link.current_url is None
    assert link.shown.current.version == 2


def test_a_correction_that_fails_halfway_leaves_the_store_as_it_was(
    store, corpus_texts, monkeypatch
):
    save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    before = snapshot(store.path)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_insert_issue", broken)
    with pytest.raises(sqlite3.OperationalError):
        correct_text(store, with_an_item_edited(corpus_texts["2024-weekly-37"]), "/b/2.txt")
    monkeypatch.undo()

    assert snapshot(store.path) == before
    assert [v.version for v in store.versions("weekly-2024-09-09")] == [1]


def test_deleting_an_issue_deletes_its_versions(store, corpus_texts):
    save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    correct_text(store, with_an_item_edited(corpus_texts["2024-weekly-37"]), "/b/2.txt")

    store.delete_issue("weekly-2024-09-09")

    assert store.versions("weekly-2024-09-09") == []
    assert store.db["versions"].count == store.db["version_links"].count == 0


def snapshot(path: Path) -> dict[str, list]:
    """Every row of every table, read through a connection of its own (what others see)."""
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in TABLES}


@pytest.mark.parametrize("fail_in", ["_put_source", "_insert_issue", "_insert"])
def test_a_save_that_fails_halfway_leaves_the_store_as_it_was(
    store, corpus_texts, monkeypatch, fail_in
):
    """The replaced issue's rows are deleted and the new ones inserted in one transaction:
    a failure (or a kill) at any point in between leaves the previous version whole."""
    path = "/bulletins/latest.txt"
    save_text(store, "2024-weekly-01", corpus_texts["2024-weekly-01"], path=path)
    before = snapshot(store.path)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, fail_in, broken)
    with pytest.raises(sqlite3.OperationalError):
        save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"], path=path)
    monkeypatch.undo()

    assert snapshot(store.path) == before
    save_text(store, "2024-weekly-37", corpus_texts["2024-weekly-37"], path=path)
    assert store.issue_ids() == ["weekly-2024-01-02", "weekly-2024-09-09"], "it still takes writes"


def test_a_second_writer_waits_for_the_first_instead_of_interleaving(tmp_path, corpus_texts):
    first, second = Store(tmp_path / "archive.db"), Store(tmp_path / "archive.db")
    second.db.execute("PRAGMA busy_timeout=100")
    with first._transaction():
        first._put_source(record("/bulletins/a.txt", "a"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            save_text(second, "2024-weekly-01", corpus_texts["2024-weekly-01"])
    assert second.issue_ids() == [] and second.source("/bulletins/a.txt") is not None


# --- the database file --------------------------------------------------------


def test_the_database_is_in_wal_mode(store):
    """WAL lets readers (web, search) read while an ingest writes."""
    with sqlite3.connect(store.path) as other:  # a second connection sees the file's mode
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_an_existing_store_keeps_its_issues(tmp_path, corpus_texts):
    path = tmp_path / "archive.db"
    first = Store(path)
    issue = save_text(first, "2024-weekly-37", corpus_texts["2024-weekly-37"])
    first.close()

    again = Store(path)

    assert again.load(issue.issue_id).to_json() == issue.to_json()
    again.close()


def test_integrity_names_rows_whose_issue_is_gone(store, corpus_texts):
    save_text(store, "2024-weekly-01", corpus_texts["2024-weekly-01"])
    assert store.integrity() == "ok"

    store.db.execute("DELETE FROM issues")

    assert store.integrity() == (
        "10 items belong to no issue; 1 files are recorded as stored but their issue is missing"
    )


def test_loading_an_issue_reads_each_table_once_however_many_attachments_it_has(
    store, corpus_texts
):
    source = record("/bulletins/2024-weekly-01.txt", corpus_texts["2024-weekly-01"])
    issue = parsed(corpus_texts["2024-weekly-01"], source)
    [first] = issue.attachments
    issue.attachments = [replace(first, number=n, rows=list(first.rows)) for n in (1, 2, 3)]
    store.save(issue, source)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)

    loaded = store.load(issue.issue_id)

    store.db.conn.set_trace_callback(None)
    assert [len(a.rows) for a in loaded.attachments] == [29, 29, 29]
    assert loaded.to_json() == issue.to_json()
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == len(ISSUE_TABLES)
