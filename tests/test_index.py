"""indexer.index: rebuilt from the store and swapped in atomically, kept in step by sync, safe to search during writes."""

from __future__ import annotations

import gc
import json
import multiprocessing
import pickle
import re
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

import indexer.index
from archive.ingest import collect, ingest_file
from archive.store import Store
from indexer import analysis
from indexer.analysis import words
from indexer.index import INDEX_NAME, META, IndexMissing, IndexStorage, SearchIndex, make_schema
from indexer.search import SearchRequest, search

POLICE = {  # tests/fixtures: the items that mention 公安厅, the table that lists it
    "weekly-2024-01-02/a1",
    "weekly-2024-01-02/s1-4",
    "monthly-2025-01/s4-2",
    "monthly-2025-01/s5-3",
    "monthly-2025-06/s4-1",
}
QUERIES = [
    {"q": "公安厅"},
    {"q": '"高效办成一件事"', "sort": "date"},
    {"q": "住建厅 OR 自然资源厅"},
    {"q": "窗口 -培训", "limit": "7", "page": "2"},
    {"dept": "自然资源厅"},
    {"kind": "monthly", "from": "2025-01-10", "to": "2025-06-10"},
    {"q": "12345"},
]
EXTRA = """窗口工作周报
2024年第{n}期（总第{total}期）
（{start}—{end}）
四川省政府政务服务和公共资源交易服务中心 2024年11月30日
一、综窗改革攻坚行动
（一）本周，民政厅窗口推行“一窗受理”第{n}批事项。
"""


@pytest.fixture
def world(tmp_path, corpus_dir) -> Path:
    """A private copy of the corpus folder (`bulletins/`) beside an empty data dir (`data/`)."""
    shutil.copytree(corpus_dir, tmp_path / "bulletins")
    return tmp_path


@pytest.fixture
def store(world):
    """The store of the world's data dir, with the world's copy of the corpus ingested."""
    store = Store(world / "data" / "archive.db")
    assert all(ingest_file(store, p).status == "added" for p in collect([world / "bulletins"]))
    yield store
    store.close()


@pytest.fixture
def index(world):
    index = SearchIndex(world / "data" / "index")
    yield index
    index.close()


def results(index: SearchIndex, params: dict) -> tuple:
    result = search(index, SearchRequest.from_params(params))
    return result.total, [h.item_id for h in result.hits], result.facets


def unversioned(item_id: str) -> str:
    """An item id without its version ("monthly-2025-01/v3/s4-2" -> "monthly-2025-01/s4-2")."""
    return re.sub(r"/v\d+/", "/", item_id)


def everything(index: SearchIndex) -> dict[str, set[str]]:
    """Item ids per issue id, as the index has them."""
    found: dict[str, set[str]] = {}
    for issue_id, item_id, _version in index.contents():
        found.setdefault(issue_id, set()).add(item_id)
    return found


def builds(data: Path) -> list[Path]:
    return sorted(p for p in data.glob("index-*") if p.is_dir())


# --- rebuilding -------------------------------------------------------------------


def test_searching_before_any_build_says_how_to_build(index):
    with pytest.raises(IndexMissing, match="reindex"):
        with index.searching():
            pass


def test_rebuild_counts_every_item_sub_item_and_attachment(index, store):
    assert index.rebuild(store) == 62  # tests/fixtures: 61 items and sub-items, 1 attachment
    assert index.is_current()


def test_rebuilding_gives_identical_results(index, store, world):
    index.rebuild(store)
    before = [results(index, params) for params in QUERIES]

    index.rebuild(store)
    again = [results(index, params) for params in QUERIES]
    restarted = SearchIndex(world / "data" / "index")  # as a new process would see it
    fresh = [results(restarted, params) for params in QUERIES]
    restarted.close()

    assert again == before
    assert fresh == before
    assert set(before[0][1]) >= POLICE


def test_a_rebuild_swaps_the_link_and_removes_builds_older_than_the_previous(index, store, world):
    data = world / "data"
    lives = []
    for _ in range(3):
        index.rebuild(store)
        assert index.link.is_symlink()
        lives.append(index.live_dir())

    assert len(set(lives)) == 3  # every rebuild is a new build
    assert builds(data) == sorted(lives[1:])  # the previous stays for searchers that have it open
    assert not lives[0].exists()
    meta = json.loads((lives[2] / META).read_text("utf-8"))
    assert meta["version"] == indexer.index.index_version()
    assert set(meta["issues"]) == set(store.issue_signatures())


def test_a_searcher_sees_the_build_another_process_swapped_in(index, store, world, tmp_path):
    """A server's index (here `reader`) searches the build that is live now: after another
    process rebuilt the index from other contents, its next search answers from them."""
    index.rebuild(store)
    reader = SearchIndex(world / "data" / "index")
    try:
        before = results(reader, {"q": "公安厅"})
        smaller = Store(tmp_path / "smaller.db")
        ingest_file(smaller, sorted(collect([world / "bulletins"]))[0])
        index.rebuild(smaller)
        smaller.close()
        fresh = SearchIndex(world / "data" / "index")  # as a process started now sees it
        after = results(reader, {"q": "公安厅"})
        assert after == results(fresh, {"q": "公安厅"})
        assert after[0] < before[0]
        fresh.close()
    finally:
        reader.close()


def test_the_link_always_points_to_a_complete_build(index, store, world):
    """Another process (here a second SearchIndex in a thread) looks while rebuilds swap the link."""
    index.rebuild(store)
    expected = results(index, {"dept": "公安厅"})
    reader = SearchIndex(world / "data" / "index")
    seen: list[tuple] = []
    errors: list[BaseException] = []
    started, stop = threading.Event(), threading.Event()

    def look() -> None:
        try:
            for _ in range(10_000):
                live = reader.live_dir()
                assert live is not None and (live / META).is_file()
                seen.append(results(reader, {"dept": "公安厅"}))
                started.set()
                if stop.is_set():
                    break
        except BaseException as error:  # reported in the main thread
            errors.append(error)
            started.set()

    thread = threading.Thread(target=look)
    thread.start()
    started.wait(timeout=30)
    try:
        for _ in range(2):
            index.rebuild(store)
    finally:
        stop.set()
        thread.join(timeout=60)
        reader.close()

    assert not thread.is_alive()
    assert errors == []
    assert seen and all(s == expected for s in seen)


# --- sync ---------------------------------------------------------------------------


def test_sync_builds_a_missing_index(index, store):
    report = index.sync(store)

    assert report.rebuilt
    assert sorted(report.added) == sorted(store.issue_signatures())
    assert index.is_current()


def test_sync_with_nothing_changed_does_nothing(index, store):
    index.rebuild(store)
    live = index.live_dir()

    report = index.sync(store)

    assert (report.added, report.removed, report.rebuilt) == ([], [], False)
    assert index.live_dir() == live


def test_sync_after_a_file_changes_updates_only_that_issue(index, store, world):
    index.rebuild(store)
    before = everything(index)
    source = world / "bulletins" / "2024-weekly-37.txt"
    source.write_text(source.read_text("utf-8").replace("天府英才卡", "蜀才服务卡"), "utf-8")
    assert ingest_file(store, source).status == "updated"  # a correction: the second version

    report = index.sync(store)

    assert (report.added, report.removed, report.rebuilt) == (["weekly-2024-09-09"], [], False)
    assert results(index, {"q": "蜀才服务卡"})[1] == ["weekly-2024-09-09/v2/s6-2-1"]
    assert results(index, {"q": "天府英才卡"})[0] == 0
    after = everything(index)
    assert after.pop("weekly-2024-09-09") == {
        i.replace("weekly-2024-09-09/", "weekly-2024-09-09/v2/")
        for i in before.pop("weekly-2024-09-09")
    }  # its items, each once, in the version the index now holds
    assert after == before  # the others untouched
    assert results(index, {"dept": "自然资源厅", "kind": "weekly"})[0] == 5  # 4 items, 1 table


def test_sync_after_the_same_content_came_again_in_other_bytes_writes_nothing(index, store, world):
    index.rebuild(store)
    for path in collect([world / "bulletins"]):  # a line end more: other bytes, the same text
        path.write_bytes(path.read_bytes() + b"\n\n")
        assert ingest_file(store, path).status == "unchanged"

    report = index.sync(store)

    assert (report.added, report.removed, report.rebuilt) == ([], [], False)


def test_sync_after_an_issue_disappears_removes_it(index, store):
    index.rebuild(store)

    store.delete_issue("monthly-2025-01")
    report = index.sync(store)

    assert (report.added, report.removed) == ([], ["monthly-2025-01"])
    assert "monthly-2025-01" not in everything(index)
    assert set(results(index, {"dept": "公安厅", "limit": "100"})[1]) == {
        "weekly-2024-01-02/s1-4",
        "weekly-2024-01-02/a1",
        "monthly-2025-06/s4-1",
    }
    assert results(index, {"kind": "monthly", "from": "2025-01-01", "to": "2025-01-31"})[0] == 0


def test_sync_adds_a_new_issue(index, store, world):
    index.rebuild(store)
    path = world / "extra.txt"
    path.write_text(EXTRA.format(n=48, total=519, start="11月25日", end="11月29日"), "utf-8")
    assert ingest_file(store, path).status == "added"

    report = index.sync(store)

    assert (report.added, report.removed, report.rebuilt) == (["weekly-2024-11-25"], [], False)
    assert results(index, {"q": '"一窗受理"'})[1] == ["weekly-2024-11-25/s1-1"]


def test_display_fields_read_from_the_segments_directly_are_whooshs_own(index, store, world):
    index.rebuild(store)
    source = world / "bulletins" / "2024-weekly-37.txt"
    source.write_text(source.read_text("utf-8").replace("天府英才卡", "蜀才服务卡"), "utf-8")
    assert ingest_file(store, source).status == "updated"
    path = world / "extra.txt"
    path.write_text(EXTRA.format(n=48, total=519, start="11月25日", end="11月29日"), "utf-8")
    assert ingest_file(store, path).status == "added"
    index.sync(store)  # a second segment; the corrected issue's first documents deleted

    with index.searching() as snapshot:
        reader = snapshot._reader
        assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
        direct = indexer.index.StoredFields(reader)
        for docnum in range(reader.doc_count_all()):
            assert direct[docnum] == reader.stored_fields(docnum), docnum
        found = search(index, SearchRequest.from_params({"q": "一窗受理"}))
        assert [h.item_id for h in found.hits] == ["weekly-2024-11-25/s1-1"]


@pytest.mark.parametrize("commits", [1, 2])
def test_a_searcher_sees_what_another_process_committed_to_the_live_build(
    index, store, world, commits
):
    index.rebuild(store)
    assert results(index, {"q": '"一窗受理"'})[0] == 0  # the searcher is open
    other = SearchIndex(world / "data" / "index")  # another process's, on the same build
    try:
        for n in range(commits):
            path = world / f"extra-{n}.txt"
            start = f"11月{25 - 7 * n}日"
            text = EXTRA.format(n=48 + n, total=519 + n, start=start, end="11月29日")
            path.write_text(text, "utf-8")
            assert ingest_file(store, path).status == "added"
            assert other.sync(store).added
    finally:
        other.close()

    assert results(index, {"q": '"一窗受理"'})[0] == commits


def test_a_search_after_the_searcher_was_closed_reads_the_fields_afresh(index, store):
    index.rebuild(store)
    before = search(index, SearchRequest.from_params({"q": "公安厅"}))

    index.close()  # as a server does before it forks its workers; the table stays
    after = search(index, SearchRequest.from_params({"q": "公安厅"}))

    assert [h.to_json() for h in after.hits] == [h.to_json() for h in before.hits]


# --- versions -----------------------------------------------------------------------


def test_a_changed_index_version_makes_the_index_outdated_and_sync_rebuilds(
    index, store, monkeypatch
):
    index.rebuild(store)
    old = index.live_dir()
    monkeypatch.setattr(indexer.index, "index_version", lambda: "s99-a-changed")

    assert not index.is_current()
    report = index.sync(store)

    assert report.rebuilt
    assert index.live_dir() != old
    assert index.is_current()
    assert index.meta()["version"] == "s99-a-changed"
    assert set(results(index, {"dept": "公安厅", "limit": "100"})[1]) == POLICE


def test_a_changed_dictionary_makes_the_index_outdated(index, store, monkeypatch):
    index.rebuild(store)
    terms = analysis.dictionary_terms()
    monkeypatch.setattr(analysis, "dictionary_terms", lambda: [*terms, "蓉易办联办"])
    analysis.analysis_version.cache_clear()
    try:
        assert not index.is_current()
    finally:
        monkeypatch.undo()
        analysis.analysis_version.cache_clear()
    assert index.is_current()


# --- searching during writes ------------------------------------------------------------


def test_a_search_keeps_working_while_another_thread_ingests_and_syncs(index, store, world):
    """The reader must never fail and never see an issue half-replaced (5 hits of 公安厅, always)."""
    index.rebuild(store)
    reader = SearchIndex(world / "data" / "index")  # what the web server holds
    seen: list[set[str]] = []
    errors: list[BaseException] = []
    started, stop = threading.Event(), threading.Event()

    def look() -> None:
        try:
            for _ in range(20_000):
                result = search(reader, SearchRequest.from_params({"dept": "公安厅"}))
                seen.append({h.item_id for h in result.hits})
                search(reader, SearchRequest.from_params({"q": '"一窗受理"'}))
                started.set()
                if stop.is_set():
                    break
        except BaseException as error:
            errors.append(error)
            started.set()

    thread = threading.Thread(target=look)
    thread.start()
    started.wait(timeout=30)
    monthly = world / "bulletins" / "2025-monthly-01.txt"
    original = monthly.read_text("utf-8")
    try:
        for n in range(3):
            extra = world / f"extra-{n}.txt"
            day = 4 + 7 * n
            extra.write_text(
                EXTRA.format(n=45 + n, total=516 + n, start=f"11月{day}日", end=f"11月{day + 4}日"),
                "utf-8",
            )
            assert ingest_file(store, extra).status == "added"
            monthly.write_text(original.replace("小卡片", f"小卡片第{n}版"), "utf-8")
            assert ingest_file(store, monthly).status == "updated"
            index.sync(store)
        index.rebuild(store)
    finally:
        stop.set()
        thread.join(timeout=60)
        reader.close()

    assert not thread.is_alive()
    assert errors == []
    assert len(seen) > 1
    assert all({unversioned(i) for i in ids} == POLICE for ids in seen)
    hits = results(index, {"q": '"一窗受理"', "sort": "date", "limit": "100"})[1]
    assert hits == [f"weekly-2024-11-{4 + 7 * n:02d}/s1-1" for n in (2, 1, 0)]
    assert results(index, {"q": '"小卡片第2版"'})[1] == ["monthly-2025-01/v4/s2-1"]  # 3 corrections


def test_a_rebuild_in_worker_processes_gives_the_same_index(tmp_path, monkeypatch, ingested_store):
    """Segmenting in forked workers is only faster: the documents and their words are the same."""
    monkeypatch.setattr(indexer.index, "PARALLEL_FROM", 0)
    alone = SearchIndex(tmp_path / "alone" / "index")
    together = SearchIndex(tmp_path / "together" / "index")
    assert alone.rebuild(ingested_store, processes=1) == together.rebuild(
        ingested_store, processes=2
    )

    def contents(index: SearchIndex) -> dict:
        """Each document, and the documents (by id) posted under each of its words."""
        with index.searching() as snapshot:
            docs = {n: snapshot.document(n) for n in snapshot.table.live}
            return {
                doc.item_id: (
                    doc,
                    {
                        word: sorted(docs[m].item_id for m in snapshot.word_docs(word))
                        for word in words(doc.text)
                    },
                )
                for doc in docs.values()
            }

    found = contents(alone)
    assert found == contents(together)
    assert len(found) == 62


def test_the_words_postings_written_term_by_term_are_whooshs_own_to_the_byte(
    tmp_path, monkeypatch, ingested_store
):
    """A segment's writer (`_SegmentWriter`) takes each document's words into its pool and
    writes them term by term, a block at a time, not through Whoosh's calls per posting, and
    adds the other fields by a plan made once: the files are Whoosh's own. Blocks of 4
    postings, so that terms span several."""
    options = {**indexer.index.WRITER_OPTIONS, "codec": indexer.index.Codec(blocklimit=4)}
    monkeypatch.setattr(indexer.index, "WRITER_OPTIONS", options)

    def files(name: str) -> dict[str, bytes]:
        index = SearchIndex(tmp_path / name / "index")
        index.rebuild(ingested_store)
        [segment] = {p.name.split(".")[0] for p in index.live_dir().glob("MAIN_*.pst")}
        return {
            p.name.replace(segment, "MAIN_segment"): p.read_bytes()
            for p in index.live_dir().glob(f"{segment}*")
        }

    with monkeypatch.context() as patched:  # the schema's plan is followed, never Whoosh's way
        patched.setattr(SegmentWriter, "add_document", lambda *_, **__: pytest.fail("Whoosh's"))
        straight = files("straight")
    monkeypatch.setattr(indexer.index, "_SegmentWriter", SegmentWriter)  # Whoosh's own writing
    whooshs = files("whoosh")

    assert straight.keys() == whooshs.keys() and "MAIN_segment.pst" in straight
    assert [n for n in straight if straight[n] != whooshs[n]] == []


def test_index_workers_write_without_the_cyclic_garbage_collector(
    tmp_path, monkeypatch, ingested_store
):
    """Each of a worker's postings is a tuple kept to its segment's end; the collector scanned
    them all again and again (a quarter of a reindex's time at 5,000 bulletins). The parent
    keeps its collector."""
    monkeypatch.setattr(indexer.index, "PARALLEL_FROM", 0)
    noted = tmp_path / "collector.txt"
    write_grams = indexer.index._write_segment_grams

    def noting(leaf, folder):  # a worker writes its segment's grams when its segment is done
        if not list(folder.glob(f"{leaf._segment.segment_id()}*.grams")):  # not yet written
            with noted.open("a") as handle:
                handle.write(f"{gc.isenabled()}\n")
        write_grams(leaf, folder)

    monkeypatch.setattr(indexer.index, "_write_segment_grams", noting)
    SearchIndex(tmp_path / "index").rebuild(ingested_store, processes=2)

    assert set(noted.read_text().split()) == {"False"}
    assert gc.isenabled()


def test_a_sync_of_many_issues_in_worker_processes_replaces_them_in_one_commit(
    tmp_path, monkeypatch, corpus_dir
):
    monkeypatch.setattr(indexer.index, "PARALLEL_FROM", 0)
    store = Store(tmp_path / "archive.db")
    for path in collect([corpus_dir]):
        ingest_file(store, path)
    index = SearchIndex(tmp_path / "index")
    index.rebuild(store, processes=2)
    before = everything(index)
    for path in collect([corpus_dir]):  # every issue stored again: all stale at once
        source = store.source(str(path.resolve()))
        store.save(
            store.load(source.issue_id), replace(source, ingested_at="2099-01-01T00:00:00+00:00")
        )

    report = index.sync(store, processes=2)

    assert sorted(report.added) == sorted(before)
    assert everything(index) == before


def test_a_batch_goes_to_a_worker_as_one_pickle_in_the_newest_protocol(tmp_path, monkeypatch):
    """Whoosh pickled each document alone in protocol 2, which re-encodes every bytes value (a
    text's words, its flat text) as a str on both sides: a sixth of a cached reindex's CPU."""
    monkeypatch.setattr(indexer.index._Writer, "_new_task", lambda writer: None)  # no worker
    ix = FileIndex.create(IndexStorage(str(tmp_path)), make_schema(), INDEX_NAME)
    writer = indexer.index._Writer(ix, procs=2, batchsize=64, **indexer.index.WRITER_OPTIONS)
    try:
        for n in range(3):
            writer.add_document(issue_id=f"weekly-2024-01-0{n + 1}", flat=b"\xe4\xb8\x80\0")
        writer._enqueue()
        filename, count = writer.jobqueue.get(timeout=5)
        with writer.temp_storage().open_file(filename).raw_file() as handle:
            data = handle.read()
    finally:
        writer.cancel()

    assert data[:2] == bytes([0x80, pickle.HIGHEST_PROTOCOL])
    batch = pickle.loads(data)
    assert count == 3 and [fields["issue_id"] for _, fields in batch] == [
        "weekly-2024-01-01", "weekly-2024-01-02", "weekly-2024-01-03",
    ]  # fmt: skip
    assert len(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)) == len(data), "one pickle, whole"


@pytest.mark.parametrize("processes", [1, 2], ids=["one process", "worker processes"])
def test_a_write_that_fails_in_its_commit_leaves_no_lock_and_no_worker(
    tmp_path, monkeypatch, corpus_dir, processes
):
    """A sync that met a full disk in Whoosh's commit kept Whoosh's lock on the build (and its
    workers waited on their queue): the next write of the same process failed with LockError."""
    monkeypatch.setattr(indexer.index, "PARALLEL_FROM", 0)
    store = Store(tmp_path / "archive.db")
    for path in collect([corpus_dir]):
        ingest_file(store, path)
    index = SearchIndex(tmp_path / "index")
    index.rebuild(store, processes=processes)
    before = everything(index)
    for path in collect([corpus_dir]):
        source = store.source(str(path.resolve()))
        store.save(
            store.load(source.issue_id), replace(source, ingested_at="2099-01-01T00:00:00+00:00")
        )

    kept = []  # the failed writer, alive as a traceback kept it (click's result, a log)

    def full(writer, *args, **kwargs):
        kept.append(writer)
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(SegmentWriter, "_close_segment", full)
        with pytest.raises(OSError, match="No space left"):
            index.sync(store, processes=processes)
    assert multiprocessing.active_children() == []
    assert everything(index) == before, "the live index as it was"

    report = index.sync(store, processes=processes)

    assert sorted(report.added) == sorted(before)
    assert everything(index) == before


# --- the segmentation cache ------------------------------------------------------------


def _no_segmenting(text: str) -> list[str]:
    raise AssertionError(f"segmented again: {text[:20]}")


@pytest.mark.parametrize("processes", [1, 2], ids=["one process", "worker processes"])
def test_a_rebuild_segments_no_text_that_an_earlier_build_segmented(
    index, store, monkeypatch, processes
):
    monkeypatch.setattr(indexer.index, "PARALLEL_FROM", 0)
    index.rebuild(store, processes=processes)
    before = [results(index, params) for params in QUERIES]
    live = index.live_dir()
    assert not list(live.glob("*.spill"))  # the workers' words were taken into the cache

    monkeypatch.setattr(indexer.index, "words", _no_segmenting)
    index.rebuild(store, processes=1)  # in this process: would fail if it segmented anything

    assert [results(index, params) for params in QUERIES] == before


def test_a_sync_segments_only_the_new_texts(index, store, world, monkeypatch):
    index.rebuild(store)
    segmented = []
    monkeypatch.setattr(indexer.index, "words", lambda text: segmented.append(text) or words(text))
    path = world / "extra.txt"
    path.write_text(EXTRA.format(n=48, total=519, start="11月25日", end="11月29日"), "utf-8")
    assert ingest_file(store, path).status == "added"

    index.sync(store)

    assert len(segmented) == 1 and "第48批" in segmented[0]
    assert results(index, {"q": "民政厅 一窗受理"})[1] == ["weekly-2024-11-25/s1-1"]
