"""The index's write lock: one writer at a time, held by a process and never by its children,
waited for within a bound, and naming its holder to whoever waits.

Why a POSIX record lock (`fcntl.lockf`) and not `flock`: an flock belongs to the
open file, which a forked child shares, so the index writer's worker processes
held it too, and a `kill -9` of the writer left them holding it for ever (every
later reindex, ingest and serve hung without a word). A record lock belongs to
the process that took it: the kernel drops it when that process ends, whatever
its children do. The lock file holds the holder's pid, so that a command that
has to wait can say for whom, and gives up after `timeout` seconds.

A record lock does not exclude threads of one process (and closing any handle
on the file drops it): `mutex` does that, one per SearchIndex.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

POLL = 0.2  # seconds between tries while another process writes
# Seconds a write waits for another process's (a rebuild of thousands of bulletins takes minutes).
LOCK_TIMEOUT = 600.0


class IndexBusy(RuntimeError):
    """Another process kept the index's write lock for longer than the wait allowed (said in
    English, and in Chinese as `chinese`)."""

    def __init__(self, message: str, chinese: str) -> None:
        super().__init__(message)
        self.chinese = chinese


@contextmanager
def write_lock(
    path: Path,
    timeout: float,
    waiting: Callable[[str], None] | None,
    mutex: threading.Lock,
) -> Iterator[None]:
    """Hold the write lock of `path`; `waiting(holder)` is told once if it must wait first."""
    with mutex:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "r+") as handle:
            _acquire(handle, path, timeout, waiting)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                handle.flush()
                fcntl.lockf(handle, fcntl.LOCK_UN)


def _acquire(handle, path: Path, timeout: float, waiting: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError:  # EAGAIN or EACCES: another process holds it
            pass
        who = holder(path) or "another process"
        if time.monotonic() >= deadline:
            raise IndexBusy(
                f"the search index is being written by {who}: gave up waiting after "
                f"{timeout:g} s; let it finish (or stop it) and run this command again",
                f"检索索引正由{holder_in_chinese(who)}写入：等待 {timeout:g} 秒后放弃；请待其完成（或停止它）"
                "后再运行本命令",
            )
        if not told and waiting is not None:
            waiting(who)
            told = True
        time.sleep(POLL)


def holder_in_chinese(who: str) -> str:
    """"process 1234 (bulletins reindex)" as 进程 1234（bulletins reindex）."""
    if who.startswith("process "):
        pid, _, command = who.removeprefix("process ").partition(" ")
        return f"进程 {pid}（{command.strip('()')}）" if command else f"进程 {pid}"
    return "另一进程"


def holder(path: Path) -> str | None:
    """Who holds the lock, as "process 1234 (bulletins reindex)", as its holder wrote it; None
    when no live process did. For messages only: the kernel knows who holds it, and testing it
    here (taking and dropping it) would drop it for a holder in this very process."""
    try:
        written = path.read_text("ascii", errors="replace").strip()
    except OSError:
        return None
    if not written.isdecimal() or not Path(f"/proc/{written}").exists():
        return None
    return f"process {written} ({_command(int(written))})"


def _command(pid: int) -> str:
    """A process's command line, short: "bulletins reindex" for `python -m bulletins … reindex`."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "gone"
    args = [a for a in args if a]
    if "-m" in args[:3] and "bulletins" in args:
        args = ["bulletins", *args[args.index("bulletins") + 1 :]]
    elif args and args[0].endswith("/bulletins"):
        args = ["bulletins", *args[1:]]
    shown = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--data-dir":
            skip = True
        else:
            shown.append(arg)
    return " ".join(shown) or "unknown"
