"""indexer.check, and what it is for: an ingest, sync or reindex that dies halfway (an exception
or `kill -9`) leaves the previous archive and index searchable; check names what is behind;
the next run, or `check --repair`, completes it."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from archive.ingest import ingest_files
from archive.store import Store
from indexer import index as index_module
from indexer.check import check, repair
from indexer.documents import IndexDocument, documents
from indexer.index import SearchIndex
from indexer.search import SearchRequest, search

from bulletingen import write_weeklies

ROOT = Path(__file__).resolve().parent.parent
CORPUS_IDS = {
    "monthly-2025-06", "monthly-2025-01", "weekly-2024-12-09", "weekly-2024-09-09",
    "weekly-2024-01-02",
}  # fmt: skip


@pytest.fixture
def data(archive_copy) -> Path:
    """A data dir of its own for each test: the corpus stored and indexed."""
    return archive_copy


def open_both(data: Path) -> tuple[Store, SearchIndex]:
    return Store(data / "archive.db"), SearchIndex(data / "index")


def findings(data: Path) -> dict[str, list[str]]:
    store, index = open_both(data)
    report = check(store, index)
    store.close()
    return {f.code: f.issues for f in report.findings}


def searchable(data: Path) -> set[str]:
    """Every item a user can find by listing weeklies and monthlies."""
    index = SearchIndex(data / "index")
    found = set()
    for kind in ("weekly", "monthly"):
        page = 1
        while True:
            result = search(index, SearchRequest(kind=kind, limit=100, page=page), facets=False)
            found |= {hit.item_id for hit in result.hits}
            if page >= result.pages:
                break
            page += 1
    index.close()
    return found


def edit_index(data: Path, change: Callable) -> None:
    """Change the live index behind the store's back (its record untouched), as a bug or a crash could."""
    with SearchIndex(data / "index").edit() as edit:
        change(edit, data)


# --- what check finds, and repair fixes -------------------------------------------


def test_a_fresh_archive_checks_ok_item_for_item(data):
    store, index = open_both(data)

    report = check(store, index)

    assert report.ok and report.findings == []
    assert (report.issues, report.documents) == (5, report.items)


def indexed_documents(data: Path, issue_id: str, **changes) -> list[IndexDocument]:
    """The documents the index holds for a stored issue, as sync makes them, changed."""
    store = Store(data / "archive.db")
    version = store.issue_signatures()[issue_id]
    docs = [replace(doc, **changes) for doc in documents(store.load(issue_id), version)]
    store.close()
    return docs


def _drop(edit, data):
    edit.delete_issue("weekly-2024-09-09")


def _twice(edit, data):
    edit.add(indexed_documents(data, "monthly-2025-01")[0])


def _stale(edit, data):
    edit.delete_issue("weekly-2024-01-02")
    for doc in indexed_documents(data, "weekly-2024-01-02", version="an-older-file:2020"):
        edit.add(doc)


def _foreign(edit, data):
    doc = indexed_documents(data, "weekly-2024-01-02")[0]
    edit.add(replace(doc, issue_id="weekly-2019-01-07", item_id="weekly-2019-01-07/s1-1"))


@pytest.mark.parametrize(
    "change, code, issue",
    [
        (_drop, "missing", "weekly-2024-09-09"),
        (_twice, "duplicated", "monthly-2025-01"),
        (_stale, "outdated", "weekly-2024-01-02"),
        (_foreign, "extra", "weekly-2019-01-07"),
    ],
)
def test_check_finds_each_disagreement_and_repair_redoes_only_those_issues(
    data, change, code, issue
):
    before = searchable(data)
    edit_index(data, change)

    found = findings(data)

    assert found[code] == [issue]
    store, index = open_both(data)
    done = repair(store, index, check(store, index))
    assert (done.text, done.text_zh) == ("re-indexed 1 issues", "重新索引了 1 期")
    assert check(store, index).ok
    store.close()
    assert searchable(data) == before


def test_an_index_record_that_disagrees_with_the_store_is_found_and_repaired(data):
    meta = SearchIndex(data / "index").live_dir() / index_module.META
    text = meta.read_text("utf-8").replace("weekly-2024-09-09", "weekly-2024-09-02")
    meta.write_text(text, "utf-8")

    assert sorted(findings(data)["record"]) == ["weekly-2024-09-02", "weekly-2024-09-09"]
    store, index = open_both(data)
    repair(store, index, check(store, index))
    assert check(store, index).ok


def test_a_missing_or_outdated_index_is_rebuilt_by_repair(data):
    SearchIndex(data / "index").link.unlink()
    assert "index_missing" in findings(data)

    store, index = open_both(data)
    assert repair(store, index, check(store, index)).text.startswith("rebuilt the index")
    assert check(store, index).ok
    assert len(searchable(data)) == check(store, index).items


# --- dying halfway ---------------------------------------------------------------


def test_a_sync_that_raises_halfway_leaves_the_index_as_it_was(data, tmp_path, monkeypatch):
    before = searchable(data)
    store, index = open_both(data)
    new = write_weeklies(tmp_path / "new", 20)
    list(ingest_files(store, list(new.values())))
    real = index_module.documents
    done = []

    def failing(issue, version=""):
        if len(done) == 10:
            raise OSError("disk full")
        done.append(issue.issue_id)
        return real(issue, version)

    monkeypatch.setattr(index_module, "documents", failing)
    with pytest.raises(OSError, match="disk full"):
        index.sync(store)
    monkeypatch.undo()

    assert searchable(data) == before, "nothing of the failed sync is visible"
    assert sorted(findings(data)["missing"]) == sorted(new)
    index.sync(store)
    assert check(store, index).ok
    assert len(searchable(data)) == check(store, index).items
    store.close()


def bulletins(data: Path, *args: str) -> subprocess.Popen:
    """`bulletins --data-dir DATA ARGS` in a process group of its own (to kill it whole)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> None:
    """kill -9 the process and its children as soon as `ready()`; fail if it ended first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, f"it ended before the kill: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(0.2)  # workers of the group are reaped by init


def stored_issues(data: Path) -> int:
    with sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT count(*) FROM issues").fetchone()[0]


def index_writer_busy(data: Path) -> bool:
    """True while a process holds the index's write lock (a sync or rebuild under way): a POSIX
    record lock (indexer.writelock), tested from this process, which never holds it."""
    with open(data / "index.lock", "a") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
        return False


def assert_recovers(data: Path, folder: Path, expected: int) -> None:
    """A second run of the same ingest completes, and the archive checks ok."""
    rerun = subprocess.run(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), "ingest", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert stored_issues(data) == expected
    assert findings(data) == {}
    assert len(searchable(data)) == check(*open_both(data)).items


def test_an_ingest_killed_while_storing_keeps_what_was_stored_and_a_rerun_completes(data, tmp_path):
    before = searchable(data)
    new = write_weeklies(tmp_path / "new", 60)

    kill_when(bulletins(data, "ingest", str(tmp_path / "new")), lambda: stored_issues(data) > 5)

    stored = stored_issues(data)
    assert 5 < stored < 65, "killed in the middle of storing"
    store = Store(data / "archive.db")
    assert store.integrity() == "ok"
    assert CORPUS_IDS <= set(store.issue_ids())
    assert all(store.load(i) is not None for i in store.issue_ids()), "no half-stored issue"
    store.close()
    assert searchable(data) == before, "the index still serves everything it had"
    assert "missing" in findings(data), "check says the index is behind"
    assert_recovers(data, tmp_path / "new", 5 + len(new))


def test_an_ingest_killed_while_indexing_leaves_the_previous_index_and_a_rerun_completes(
    data, tmp_path
):
    before = searchable(data)
    new = write_weeklies(tmp_path / "new", 60)

    kill_when(
        bulletins(data, "ingest", str(tmp_path / "new")),
        lambda: stored_issues(data) == 65 and index_writer_busy(data),
    )

    assert searchable(data) == before
    assert_recovers(data, tmp_path / "new", 5 + len(new))


def test_a_reindex_killed_halfway_leaves_the_live_index_and_the_next_completes(data, tmp_path):
    write_weeklies(tmp_path / "new", 60)
    assert_recovers(data, tmp_path / "new", 65)
    before, live = searchable(data), SearchIndex(data / "index").live_dir()

    kill_when(bulletins(data, "reindex"), lambda: len(list(data.glob("index-*"))) > 1)

    assert SearchIndex(data / "index").live_dir() == live
    assert searchable(data) == before
    assert "leftovers" in findings(data)
    done = subprocess.run(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), "check", "--repair"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert findings(data) == {}
    assert searchable(data) == before


# --- a writer killed alone, a writer that waits -------------------------------------


def session_alive(process: subprocess.Popen) -> bool:
    """Whether any process of the command's session (it, or a worker it forked) is still there."""
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return any(
        os.getsid(int(pid)) == process.pid
        for pid in os.listdir("/proc")
        if pid.isdigit() and _zombie_free(int(pid))
    )


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _zombie_free(int(entry)):
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(") ", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry))
    return found


def _zombie_free(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.parametrize("command", [["reindex"], ["ingest", "NEW"]], ids=["reindex", "ingest"])
def test_a_writer_killed_alone_leaves_no_worker_and_no_lock_behind(data, tmp_path, command):
    """Only the command is killed, not its process group, at random points while it writes: its
    worker processes (forked while the lock was held) kept the index's flock, and every later
    reindex, ingest, check --repair and serve hung without a word."""
    rounds = random.Random(13)
    for round_ in range(3):
        new = write_weeklies(tmp_path / f"new{round_}", 40, first=40 * round_)
        args = [str(tmp_path / f"new{round_}") if a == "NEW" else a for a in command]
        if command == ["reindex"]:  # an archive large enough to be indexed by worker processes
            store = Store(data / "archive.db")
            assert {o.status for o in ingest_files(store, list(new.values()))} == {"added"}
            store.close()
        process = bulletins(data, *args)
        deadline = time.monotonic() + 120
        while not (index_writer_busy(data) and children(process.pid)):
            assert process.poll() is None, f"it ended before the kill: {process.stderr.read()}"
            assert time.monotonic() < deadline, "it never wrote the index with its workers"
            time.sleep(0.001)
        time.sleep(rounds.uniform(0, 0.3))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)  # the command alone: its workers are orphans now
        process.wait(timeout=10)

        deadline = time.monotonic() + 10
        while session_alive(process) or index_writer_busy(data):
            assert time.monotonic() < deadline, "a worker outlived its parent, or kept the lock"
            time.sleep(0.05)
        later = subprocess.run(
            [sys.executable, "-m", "bulletins", "--data-dir", str(data), *args],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert later.returncode == 0, later.stderr
        assert "正在等待" not in later.stderr, "no lock left to wait for"
        assert set(new) <= set(Store(data / "archive.db").issue_ids())
    assert findings(data) == {}


HOLD_THE_LOCK = """
import sys, threading, time
from pathlib import Path
from indexer.writelock import write_lock
with write_lock(Path(sys.argv[1]), 0, None, threading.Lock()):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_writer_that_must_wait_names_the_holder_and_gives_up_in_bounded_time(data):
    """A command blocked by another process's write said nothing and waited for ever."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(data / "index.lock")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "bulletins", "--data-dir", str(data), "reindex"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "BULLETINS_LOCK_TIMEOUT": "1"},
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"正在等待检索索引：进程 {holder.pid}" in done.stderr
    assert "等待 1 秒后放弃" in done.stderr and f"进程 {holder.pid}" in done.stderr
    assert waited < 60
    after = subprocess.run(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), "reindex"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert after.returncode == 0 and "正在等待" not in after.stderr, "a holder gone holds nothing"
