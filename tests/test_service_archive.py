"""service.archive: the store and the index of a data dir as one object, as the CLI and the web app use it."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from indexer import analysis
from indexer.index import IndexMissing
from indexer.search import SearchRequest
from service.archive import Archive
from service.config import Config

from bulletingen import weekly

CORPUS_IDS = [
    "monthly-2025-01", "monthly-2025-06", "weekly-2024-01-02", "weekly-2024-09-09",
    "weekly-2024-12-09",
]  # fmt: skip
POLICE = SearchRequest.from_params({"q": "公安厅"})


@pytest.fixture
def archive(data_dir):
    with Archive(Config.load(data_dir, processes=1)) as archive:
        yield archive


def test_an_ingest_stores_the_files_then_indexes_them(archive, corpus_dir):
    seen = []

    report = archive.ingest([corpus_dir], progress=seen.append)

    assert [o.status for o in report.outcomes] == ["added"] * 5
    assert seen == report.outcomes, "progress hears of each file as it is done"
    assert report.ok
    assert sorted(report.index.added) == CORPUS_IDS and report.index.rebuilt
    assert archive.store.issue_ids() == CORPUS_IDS
    assert archive.search(POLICE).total == 5


def test_an_ingest_of_unchanged_files_indexes_nothing(archive, corpus_dir):
    archive.ingest([corpus_dir])

    again = archive.ingest([corpus_dir])

    assert [o.status for o in again.outcomes] == ["unchanged"] * 5
    assert (again.index.added, again.index.removed, again.index.rebuilt) == ([], [], False)


def test_a_failed_file_makes_the_report_not_ok_and_the_rest_is_stored(
    archive, tmp_path, corpus_dir
):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    report = archive.ingest([corpus_dir / "2024-weekly-37.txt", empty])

    assert [o.status for o in report.outcomes] == ["added", "failed"]
    assert not report.ok
    assert report.to_json()["summary"] == dict(
        added=1, updated=0, unchanged=0, duplicate=0, failed=1
    )
    assert archive.store.issue_ids() == ["weekly-2024-09-09"]


def test_bootstrap_fills_an_empty_archive_from_the_corpus(archive, corpus_dir):
    assert archive.is_empty()

    report = archive.bootstrap(corpus_dir)

    assert len(report.outcomes) == 5
    assert not archive.is_empty() and archive.index.is_current()


def test_bootstrap_of_an_archive_in_use_ingests_nothing_but_brings_the_index_in_step(
    archive_copy, corpus_dir
):
    (archive_copy / "index").unlink()  # the index is lost; the store is not
    with Archive(Config.load(archive_copy, processes=1)) as archive:
        report = archive.bootstrap(corpus_dir)

        assert report.outcomes == []
        assert report.index.rebuilt
        assert archive.search(POLICE).total == 5


def test_a_search_never_builds_the_index_ensure_index_does_and_says_so(archive_copy):
    (archive_copy / "index").unlink()
    with Archive(Config.load(archive_copy, processes=1)) as archive:
        with pytest.raises(IndexMissing):
            archive.search(POLICE)

        built = archive.ensure_index()

        assert built is not None and built.rebuilt and sorted(built.added) == CORPUS_IDS
        assert archive.ensure_index() is None, "a current index is left alone"
        assert archive.search(POLICE).total == 5


def test_reindex_rebuilds_from_the_store(archive_copy):
    with Archive(Config.load(archive_copy, processes=1)) as archive:
        assert archive.reindex() == 62  # 61 items, 1 attachment
        assert archive.check().report.ok


def test_each_thread_has_its_own_store_and_close_closes_them_all(indexed_archive):
    archive = Archive(Config.load(indexed_archive))
    mine = archive.store
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(archive.store))
    thread.start()
    thread.join()

    assert archive.store is mine, "a thread keeps its connection"
    assert theirs[0] is not mine
    archive.close()

    for store in (mine, theirs[0]):
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            store.db.execute("SELECT 1")
    assert archive.store is not mine, "a closed archive opens a new connection if used again"
    archive.close()


def test_the_archive_closes_when_its_block_ends(indexed_archive):
    with Archive(Config.load(indexed_archive)) as archive:
        store = archive.store
        archive.search(POLICE)

    with pytest.raises(sqlite3.ProgrammingError):
        store.db.execute("SELECT 1")


def test_exports_run_one_at_a_time_and_searches_do_not_wait_for_them(indexed_archive, monkeypatch):
    """Two exports at once pushed other searches to 2.7–7.6 s, eight to 20–38 s: each read its
    thousands of hits holding the index every search shares. An export waits for the export
    before it; a search waits for neither."""
    import service.archive as service_archive

    first_inside, release = threading.Event(), threading.Event()
    inside: list[str] = []
    real_search = service_archive.search

    def search(index, request, **options):
        inside.append(request.query)
        if request.query == "一件事":
            first_inside.set()
            assert release.wait(timeout=30)
        return real_search(index, request, **options)

    monkeypatch.setattr(service_archive, "search", search)
    with Archive(Config.load(indexed_archive)) as archive:
        first = threading.Thread(target=archive.export, args=(SearchRequest(query="一件事"),))
        second = threading.Thread(target=archive.export, args=(SearchRequest(query="窗口"),))
        first.start()
        assert first_inside.wait(timeout=30)
        second.start()
        result = archive.search(SearchRequest(query="政务"))
        second.join(timeout=0.5)
        waited = second.is_alive()
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)
        exported = archive.export(SearchRequest(query="窗口"))

    assert result.hits, "the search was answered while an export ran"
    assert waited and inside.index("窗口") > inside.index("政务"), "the second export waited"
    assert exported.total == len(exported.hits) and all(h.snippet == "" for h in exported.hits)
    assert exported.facets == {}


# --- jieba's dictionary: the file a small job and a server read -------------------------------


@pytest.fixture
def fresh_jieba():
    """No jieba dictionary in use before the test (a new process), and none left after it."""
    analysis.segmenter.cache_clear()
    yield
    analysis.segmenter.cache_clear()


def test_an_ingest_that_loads_jieba_s_dictionary_writes_it_for_the_next(
    archive, corpus_dir, tmp_path, fresh_jieba
):
    archive.ingest([corpus_dir])  # the first ingest of the data dir loads it
    assert not analysis.compact_in_use()
    assert list(archive.config.data_dir.glob("jieba-*.dict"))
    analysis.segmenter.cache_clear()  # the next command
    issue_id, text = weekly(7)
    (tmp_path / "new.txt").write_text(text, "utf-8")

    report = archive.ingest([tmp_path / "new.txt"])

    assert [o.status for o in report.outcomes] == ["added"] and report.ok
    assert analysis.compact_in_use()
    for query in ("吕芙蓉", "攻坚动员", "智慧政务", "表率"):  # as its original (weekly-2024-09-09)
        hits = archive.search(SearchRequest.from_params({"q": query, "limit": "100"})).hits
        found = [h.anchor for h in hits if h.issue_id == issue_id]
        assert found and found == [h.anchor for h in hits if h.issue_id == "weekly-2024-09-09"]


def test_a_reindex_loads_jieba_s_dictionary_only_for_text_it_must_segment(
    archive_copy, fresh_jieba
):
    with Archive(Config.load(archive_copy, processes=1)) as archive:
        for old in archive.config.data_dir.glob("jieba-*.dict"):
            old.unlink()
        archive.reindex()  # every text's words are in the index's segmentation cache
        assert not list(archive.config.data_dir.glob("jieba-*.dict"))
        for cache in archive.config.data_dir.glob("index.words.sqlite*"):
            cache.unlink()

        archive.reindex()

        assert not analysis.compact_in_use()
        assert list(archive.config.data_dir.glob("jieba-*.dict"))


def test_a_warmed_server_reads_jieba_s_file_and_answers_as_with_jieba_s_dictionary(
    archive_copy, fresh_jieba
):
    queries = ["公安厅培训", "一窗受理", "高效办成一件事", "住建厅 窗口", '"政务服务"', "12345热线"]
    analysis.prepare(analysis.SMALL_JOB, archive_copy)  # jieba's dictionary, and the file
    with Archive(Config.load(archive_copy)) as archive:
        expected = [archive.search(SearchRequest.from_params({"q": q})).to_json() for q in queries]
    analysis.segmenter.cache_clear()  # a server starting

    with Archive(Config.load(archive_copy)) as archive:
        archive.warm(wait=False)
        assert analysis.compact_in_use()
        got = [archive.search(SearchRequest.from_params({"q": q})).to_json() for q in queries]

    assert analysis.compact_in_use()  # jieba's dictionary never loaded
    assert got == expected
