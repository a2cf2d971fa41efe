"""bulletins.server: `bulletins serve` as users start it, in one process or several on one port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}").exists() else ""
    return "zombie" not in status


def wait_until_it_answers(server: subprocess.Popen, url: str, timeout: float = 60) -> str:
    """The first page the starting server gives for `url` (failing if it dies or never answers)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, f"the server did not answer within {timeout} s"
            time.sleep(0.1)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_builds_the_archive_on_first_run_and_answers_with_every_worker(tmp_path, workers):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bulletins",
            "--data-dir",
            str(tmp_path / "data"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--corpus",
            str(ROOT / "corpus"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/search?" + urllib.parse.urlencode({"q": '"公安厅"'})
    try:
        first = wait_until_it_answers(server, url)
        assert "共 <strong>5</strong> 条" in first
        workers_seen = children(server.pid)
        assert len(workers_seen) == (workers if workers > 1 else 0)
        for _ in range(12):  # new connections: the kernel spreads them over the workers
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    time.sleep(0.5)
    assert not any(alive(pid) for pid in workers_seen), "every worker stops with the server"
    said = server.stderr.read().decode("utf-8")
    data = (tmp_path / "data").resolve()
    assert f"首次运行：把 {ROOT / 'corpus'} 中的各期导入档案 {data}" in said
    assert f"档案共 5 期、61 条条目，位于 {data}" in said, said
    assert f"正在服务：http://127.0.0.1:{port}/" in said


def test_a_port_in_use_is_reported_not_hidden_in_a_worker(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bulletins",
                "--data-dir",
                str(tmp_path / "data"),
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
                "--corpus",
                str(ROOT / "corpus"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert "Address already in use" in result.stderr or "in use" in result.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_the_server_answers_every_request_while_another_process_ingests_and_reindexes(
    tmp_path, workers
):
    """Zero failed requests during an ingest and a reindex, and the new issues show up in
    every worker without a restart."""
    import json
    import threading

    from bulletingen import write_weeklies

    data = tmp_path / "data"
    cli = [sys.executable, "-m", "bulletins", "--data-dir", str(data)]
    subprocess.run(
        [*cli, "ingest", str(ROOT / "corpus")], cwd=ROOT, check=True, capture_output=True
    )
    new = write_weeklies(tmp_path / "new", 20)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    paths = [
        "/api/search?" + urllib.parse.urlencode({"q": "公安厅"}),
        "/search?" + urllib.parse.urlencode({"q": "窗口", "dept": "住建厅"}),
        "/search?" + urllib.parse.urlencode({"kind": "weekly", "sort": "date"}),
        "/issues/weekly-2024-09-09",
        "/items/weekly-2024-09-09/s1-2",
        "/api/issues",
    ]
    done = threading.Event()
    outcomes: list[tuple[str, int | str]] = []

    def client(offset: int) -> None:
        n = offset
        while not done.is_set():
            path = paths[n % len(paths)]
            n += 1
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    response.read()
                    outcomes.append((path, response.status))
            except Exception as error:  # an HTTP error status, a reset, a timeout: all failures
                outcomes.append((path, repr(error)))

    try:
        wait_until_it_answers(server, base + "/issues/")
        clients = [threading.Thread(target=client, args=(i,)) for i in range(3)]
        for thread in clients:
            thread.start()
        for command in (["ingest", str(tmp_path / "new")], ["reindex"]):
            done_run = subprocess.run([*cli, *command], cwd=ROOT, capture_output=True, text=True)
            assert done_run.returncode == 0, done_run.stderr
        time.sleep(0.5)
        done.set()
        for thread in clients:
            thread.join(timeout=60)

        failed = [o for o in outcomes if o[1] != 200]
        assert not failed, failed[:10]
        assert len(outcomes) > 50, "the clients kept asking throughout"
        fresh = subprocess.run(
            [*cli, "search", "--kind", "weekly", "--json"], cwd=ROOT, capture_output=True
        )
        everything = json.loads(fresh.stdout)["total"]
        assert everything > 12 * len(new)
        for _ in range(2 * workers):  # new connections reach every worker
            with urllib.request.urlopen(f"{base}/api/search?kind=weekly&limit=1", timeout=30) as r:
                assert json.loads(r.read())["total"] == everything
            first = sorted(new)[0]
            with urllib.request.urlopen(f"{base}/api/issues/{first}", timeout=30) as r:
                assert json.loads(r.read())["issue_id"] == first
    finally:
        done.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
