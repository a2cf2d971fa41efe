"""The commands on a broken disk or store, each run as a user runs it (a process of its own):
a damaged, truncated, zero-length or read-only archive, a read-only data dir, a full disk.
Each says in words what is wrong and what to do; none prints a traceback or destroys what is
left (the search index is the last searchable copy of a lost store).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_server import free_port, wait_until_it_answers

from archive.ingest import ingest_files
from archive.store import Store
from bulletins.cli import main

from bulletingen import write_weeklies

ROOT = Path(__file__).resolve().parent.parent
QUERY = urllib.parse.quote("公安厅")
READERS = [
    ["issues"],
    ["show", "weekly-2024-09-09"],
    ["show", "weekly-2024-09-09/s1-2", "--json"],
    ["imports"],
    ["departments"],
    ["departments", "公安厅"],
    ["search", "公安厅"],
    ["search", "公安厅", "--csv"],
    ["check"],
]


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def bulletins(data: Path, *args: str) -> Done:
    """`bulletins --data-dir DATA ARGS` as the shell runs it (in this process: quicker), which
    must end in a message, never in an exception."""
    result = CliRunner().invoke(main, ["--data-dir", str(data), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Done(result.exit_code, result.stdout, result.stderr)


def documents_in_index(data: Path) -> int:
    done = bulletins(data, "search", "--kind", "weekly", "--json")
    weeklies = json.loads(done.stdout)["total"]
    done = bulletins(data, "search", "--kind", "monthly", "--json")
    return weeklies + json.loads(done.stdout)["total"]


# --- a damaged store ---------------------------------------------------------------------


def garbage(db: Path) -> None:
    db.write_bytes(random.Random(13).randbytes(db.stat().st_size))


def truncated(db: Path) -> None:
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 3)


def flipped(db: Path) -> None:
    """Every byte after the first page's header inverted: a header SQLite accepts, pages it cannot."""
    data = bytearray(db.read_bytes())
    for i in range(100, len(data)):
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [garbage, truncated, flipped])
def test_a_damaged_store_is_reported_in_words_with_what_to_do(archive_copy, damage):
    """sqlite3.DatabaseError tracebacks in issues, show, imports and check (the diagnostic
    command itself crashed)."""
    damage(archive_copy / "archive.db")

    for command in READERS[:6] + [["check"]]:
        done = bulletins(archive_copy, *command)

        assert done.returncode != 0, command
        said = done.stdout + done.stderr
        assert "archive.db" in said and "已损坏" in said, (command, said)
        assert "备份" in said and "bulletins ingest" in said, "what to do"
        assert "Traceback" not in said


def test_check_of_a_damaged_store_names_it_as_a_finding_and_keeps_the_index(archive_copy):
    before = documents_in_index(archive_copy)
    flipped(archive_copy / "archive.db")

    done = bulletins(archive_copy, "check", "--repair", "--json")

    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert [f["code"] for f in report["findings"]][0] == "store_damaged"
    assert "backup" in report["findings"][0]["fix"]
    assert documents_in_index(archive_copy) == before, "the last searchable copy is kept"


def test_the_server_starts_on_a_damaged_store_serving_search_and_saying_why_pages_fail(
    archive_copy,
):
    garbage(archive_copy / "archive.db")
    with serving(archive_copy) as (url, server):
        hits = json.loads(fetch(f"{url}/api/search?q={QUERY}"))["hits"]
        status, body = fetch_status(f"{url}/api/issues")
    said = server.stderr.read().decode()

    assert hits, "search answers from the index"
    assert status == 503 and "损坏" in json.loads(body)["error"]["reason"]
    assert "已损坏" in said and "Traceback" not in said


# --- a zero-length store -----------------------------------------------------------------


def test_a_zero_length_store_is_no_new_archive_and_repair_keeps_the_index(archive_copy):
    """It was taken for a new archive: check --repair rebuilt the index to 0 documents, said ok."""
    before = documents_in_index(archive_copy)
    (archive_copy / "archive.db").write_bytes(b"")

    checked = bulletins(archive_copy, "check", "--repair")
    listed = bulletins(archive_copy, "issues")
    reindexed = bulletins(archive_copy, "reindex")

    assert checked.returncode == 1 and checked.stdout.endswith("有问题\n")
    assert "archive.db" in checked.stdout + checked.stderr
    assert "空文件" in checked.stdout + checked.stderr
    assert listed.returncode != 0 and "空文件" in listed.stderr
    assert reindexed.returncode != 0
    assert documents_in_index(archive_copy) == before > 0, "the index is the last copy: kept"


def test_an_empty_store_beside_a_full_index_is_never_rebuilt_empty(archive_copy):
    """A store emptied (a fresh archive.db put in place of the real one) must not wipe the index."""
    before = documents_in_index(archive_copy)
    (archive_copy / "archive.db").unlink()
    Store(archive_copy / "archive.db").close()  # a new, empty archive

    checked = bulletins(archive_copy, "check", "--repair")
    reindexed = bulletins(archive_copy, "reindex")

    assert checked.returncode == 1
    assert "没有任何一期" in checked.stdout and "备份" in checked.stdout
    assert reindexed.returncode != 0 and "没有任何一期" in reindexed.stderr
    assert documents_in_index(archive_copy) == before


# --- read-only ---------------------------------------------------------------------------


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` read-only for this process as a user's would be: a read-only bind mount when
    running as root (root ignores permission bits), else the permission bits."""
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot bind-mount as root here: {mounted.stderr.decode().strip()}")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
            yield
        finally:
            subprocess.run(["umount", "-l", str(path)], check=True)
        return
    modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if not p.is_symlink()}
    for p in modes:
        p.chmod(modes[p] & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_read_only_commands_work_on_a_read_only_data_dir(archive_copy, command):
    expected = bulletins(archive_copy, *command)
    with read_only(archive_copy):
        done = bulletins(archive_copy, *command)

    assert done.returncode == expected.returncode == 0, done.stderr
    assert done.stdout == expected.stdout


def test_writing_commands_on_a_read_only_data_dir_say_so(archive_copy, tmp_path):
    write_weeklies(tmp_path / "new", 2)
    with read_only(archive_copy):
        refused = [bulletins(archive_copy, *c) for c in (["ingest", str(tmp_path / "new")], ["reindex"])]
        checked = bulletins(archive_copy, "check", "--repair")

    for done in refused:
        assert done.returncode == 1 and "只读" in done.stderr, done.stderr
    assert checked.returncode == 0 and "正常：" in checked.stdout, "nothing to repair, nothing written"


def test_the_server_starts_on_a_read_only_data_dir(archive_copy):
    with read_only(archive_copy), serving(archive_copy) as (url, _):
        assert json.loads(fetch(f"{url}/api/search?q={QUERY}"))["hits"]
        assert "窗口工作周报" in fetch(f"{url}/issues/weekly-2024-09-09")


# --- a full disk -------------------------------------------------------------------------


@contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (root only: a full disk cannot be faked otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is a small tmpfs, which only root can mount")
    where.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Take every free byte of the disk but `leave`; remove the file returned to free them."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: nothing left to flush at close
        try:
            while handle.write(b"\0" * 65536):
                pass
        except OSError:
            pass
    with open(filler, "r+b") as handle:
        handle.truncate(max(0, filler.stat().st_size - leave))
    return filler


def test_a_sync_on_a_full_disk_reports_every_file_and_says_how_to_finish(archive_copy, tmp_path):
    """ingest died with an OSError traceback from the index sync and printed no outcomes."""
    with small_disk(tmp_path / "disk", "64m") as disk:
        data = Path(shutil.copytree(archive_copy, disk / "data", symlinks=True))
        new = write_weeklies(tmp_path / "new", 30)
        store = Store(data / "archive.db")
        assert all(o.status == "added" for o in ingest_files(store, list(new.values())))
        store.close()
        filler = fill(disk, leave=256 * 1024)  # the store opens (WAL's side files), the index cannot grow

        done = bulletins(data, "ingest", "--json", str(tmp_path / "new"))
        served = bulletins(data, "search", "公安厅", "--json")
        filler.unlink()
        checked = bulletins(data, "check")
        repaired = bulletins(data, "check", "--repair")

    report = json.loads(done.stdout)
    assert done.returncode == 1
    assert [f["status"] for f in report["files"]] == ["unchanged"] * 30, "each file's outcome"
    assert "No space left" in report["index"]["error"]
    assert "bulletins check --repair" in done.stderr and "空间" in done.stderr
    assert served.returncode == 0 and json.loads(served.stdout)["hits"], "the last good index"
    assert checked.returncode == 1 and "bulletins check --repair" in checked.stdout
    assert repaired.returncode == 0, repaired.stdout


def test_an_ingest_on_a_full_disk_names_each_file_it_could_not_store(archive_copy, tmp_path):
    with small_disk(tmp_path / "disk", "64m") as disk:
        data = Path(shutil.copytree(archive_copy, disk / "data", symlinks=True))
        write_weeklies(tmp_path / "new", 10)
        fill(disk)

        done = bulletins(data, "ingest", "--json", str(tmp_path / "new"))

    report = json.loads(done.stdout)
    assert done.returncode == 1 and len(report["files"]) == 10
    failed = [f for f in report["files"] if f["status"] == "failed"]
    assert failed and all(f["code"] == "store_error" for f in failed)
    assert all("full" in f["message"] for f in failed)


def test_the_server_starts_on_the_last_good_index_of_a_full_disk_with_a_warning(
    archive_copy, tmp_path
):
    """serve refused to start although the archive was readable."""
    with small_disk(tmp_path / "disk", "64m") as disk:
        data = Path(shutil.copytree(archive_copy, disk / "data", symlinks=True))
        new = write_weeklies(tmp_path / "new", 30)
        store = Store(data / "archive.db")
        list(ingest_files(store, list(new.values())))
        store.close()
        fill(disk, leave=256 * 1024)
        with serving(data) as (url, server):
            hits = json.loads(fetch(f"{url}/api/search?q={QUERY}"))["hits"]
        said = server.stderr.read().decode()

    assert hits
    assert "警告" in said and "bulletins check --repair" in said


# --- serving -----------------------------------------------------------------------------


@contextmanager
def serving(data: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), "serve", "--port", str(port),
         "--corpus", str(data / "no-corpus")],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_it_answers(server, f"{url}/api/search?q={QUERY}", timeout=120)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def fetch_status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")

