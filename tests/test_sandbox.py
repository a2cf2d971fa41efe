"""archive.sandbox: jobs in worker processes with limits; a job past them stops alone, with why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from archive import sandbox
from archive.sandbox import Limits, Stopped

QUICK = Limits(seconds=2.0, memory=256 * 2**20)


def job(kind: str):
    """What a reader may do on a hostile file: answer, loop, eat memory, or crash."""
    if kind == "loop":
        while True:
            pass
    if kind == "sleep":
        time.sleep(3600)
    if kind == "nap":  # most of a QUICK deadline
        time.sleep(1.3)
    if kind == "memory":
        hog = []
        while True:
            hog.append(bytearray(16 * 2**20))
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    return kind.upper()


def test_answers_come_in_the_order_of_the_jobs_from_every_worker():
    kinds = [f"job{i}" for i in range(12)]

    assert list(sandbox.run(job, kinds, processes=3, limits=QUICK)) == [k.upper() for k in kinds]


def test_a_job_past_its_deadline_is_stopped_and_the_others_are_answered():
    started = time.monotonic()

    answers = list(sandbox.run(job, ["a", "loop", "b", "sleep", "c"], processes=2, limits=QUICK))

    assert answers[0::2] == ["A", "B", "C"]
    assert answers[1] == answers[3] == Stopped("time", QUICK)
    assert time.monotonic() - started < 4 * QUICK.seconds


def test_a_job_waiting_behind_another_in_a_worker_has_its_whole_time_from_when_it_begins():
    answers = list(sandbox.run(job, ["nap", "nap", "loop", "after"], processes=1, limits=QUICK))

    assert answers == ["NAP", "NAP", Stopped("time", QUICK), "AFTER"]


def test_a_job_over_its_memory_limit_is_stopped_and_says_so():
    limits = Limits(seconds=60.0, memory=256 * 2**20)

    answers = list(sandbox.run(job, ["memory", "after"], processes=1, limits=limits))

    assert answers == [Stopped("memory", limits), "AFTER"], "a fresh worker takes the next job"


def test_a_job_that_kills_its_worker_is_a_crash_with_the_signal():
    answers = list(sandbox.run(job, ["crash", "after"], processes=1, limits=QUICK))

    assert answers == [Stopped("crashed", QUICK, signal.SIGSEGV), "AFTER"]


def test_no_worker_is_left_once_the_answers_are_read():
    before = set(_children(os.getpid()))
    list(sandbox.run(job, ["a", "b", "c"], processes=2, limits=QUICK))

    assert set(_children(os.getpid())) <= before


def test_workers_die_with_a_parent_killed_by_kill_9(tmp_path):
    """A kill -9 of an ingest left its readers running (and holding what they held)."""
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, time
            sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parent.parent)!r}]
            from archive import sandbox
            from test_sandbox import job
            for _ in sandbox.run(job, ["sleep", "sleep"], 2, sandbox.Limits(seconds=600)):
                pass
            """
        )
    )
    parent = subprocess.Popen([sys.executable, str(script)])
    deadline = time.monotonic() + 30
    while len(_children(parent.pid)) < 2:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    workers = _children(parent.pid)

    parent.kill()
    parent.wait()

    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status
