"""Reading files in child processes that cannot take the ingest down with them.

Why: a file is read by code we do not control (pdfminer, on bytes anyone may
have written). A PDF can loop forever, or unpack a few kilobytes into
gigabytes; in the ingest's own process that hangs the batch or gets it killed,
and the good files after it are never stored. Here each job runs in a worker
process with a limit on its address space (`resource.setrlimit`), a deadline
on the clock (the worker is killed when it passes) and a CPU-time limit as a
backstop; a worker that fails is replaced, and the job says why it stopped
(`Stopped`), so the batch goes on. Workers die with the process that started
them (`die_with_parent`): a `kill -9` of an ingest leaves none behind.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Limits:
    """What one job may take: seconds on the clock, and bytes of memory beyond the worker's own."""

    seconds: float = 60.0
    memory: int = 1 << 30


@dataclass(frozen=True)
class Stopped:
    """A job that did not finish: "time" (past its deadline), "memory" (over its limit) or
    "crashed" (the worker died, by `signal` when one killed it)."""

    reason: str
    limits: Limits
    signal: int | None = None


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when the process `parent` ends (Linux; a no-op elsewhere).

    Why: a child forked to do part of a job (a reader here, an index writer's
    segment worker) is useless once its parent is gone, and may hold what the
    parent held (a lock, a half-written build). The check after the call closes
    the race where the parent died before it was made.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def run(
    function: Callable[[Any], Any], jobs: Iterable[Any], processes: int = 1, limits: Limits = Limits()
) -> Iterator[Any]:
    """function(job) for each job, in the order of the jobs, in up to `processes` workers.

    Each answer is what the function returned, or `Stopped` when it could not
    finish within `limits`. What the function raises is its own business: it
    should return its failures as values.
    """
    pool = _Pool(function, max(1, processes), limits)
    try:
        yield from pool.results(list(jobs))
    finally:
        pool.close()


# Jobs a worker holds: the next one is waiting in its pipe when it finishes one, so it never
# waits for the parent (busy storing what came back) to hand it more. Measured at 500 files:
# with one job at a time the workers were idle while the parent stored, and the other way round.
DEPTH = 2


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    jobs: list[int] = field(default_factory=list)  # the indexes of the jobs sent, in order
    deadline: float = 0.0  # of the first: it runs from when the answer before it came


class _Pool:
    def __init__(self, function: Callable[[Any], Any], size: int, limits: Limits):
        self.function = function
        self.size = size
        self.limits = limits
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.again: list[int] = []  # jobs sent to a worker that ended before it began them

    def results(self, jobs: list[Any]) -> Iterator[Any]:
        done: dict[int, Any] = {}
        given = 0
        for index in range(len(jobs)):
            while index not in done:
                given = self._give(jobs, given)
                self._collect(done)
            yield done.pop(index)

    def _give(self, jobs: list[Any], given: int) -> int:
        """Hand the next jobs to the workers with the fewest (starting workers up to the pool's
        size, each holding up to DEPTH); returns how many of `jobs` were given."""
        while self.again or given < len(jobs):
            worker = min(
                (w for w in self.workers if len(w.jobs) < DEPTH),
                key=lambda w: len(w.jobs),
                default=None,
            )
            if (worker is None or worker.jobs) and len(self.workers) < self.size:
                worker = self._start()
                self.workers.append(worker)
            if worker is None:
                break
            if self.again:
                job = self.again.pop(0)
            else:
                job, given = given, given + 1
            if not worker.jobs:
                worker.deadline = time.monotonic() + self.limits.seconds
            worker.jobs.append(job)
            worker.connection.send(jobs[job])
        return given

    def _start(self) -> _Worker:
        mine, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve,
            args=(self.function, theirs, mine, os.getpid(), self.limits),
            daemon=True,
        )
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def _collect(self, done: dict[int, Any]) -> None:
        """Wait for the next answer, death or deadline among the busy workers."""
        busy = [w for w in self.workers if w.jobs]
        now = time.monotonic()
        timeout = max(0.0, min(w.deadline for w in busy) - now)
        ready = wait(
            [w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=timeout
        )
        for worker in busy:
            if worker.connection in ready:
                try:
                    answer = worker.connection.recv()
                except (EOFError, OSError):
                    pass  # it died while answering: seen below as a death
                else:
                    if isinstance(answer, Stopped):  # it ran out of memory, and exits
                        self._replace(worker, done, answer)
                    else:
                        done[worker.jobs.pop(0)] = answer
                        worker.deadline = time.monotonic() + self.limits.seconds
                    continue
            if worker.process.sentinel in ready or not worker.process.is_alive():
                worker.process.join()
                code = worker.process.exitcode
                killer = -code if code and code < 0 else None
                reason = "time" if killer == signal.SIGXCPU else "crashed"
                self._replace(worker, done, Stopped(reason, self.limits, killer))
            elif time.monotonic() >= worker.deadline:
                self._replace(worker, done, Stopped("time", self.limits))

    def _replace(self, worker: _Worker, done: dict[int, Any], stopped: Stopped) -> None:
        """The worker's first job stopped; the jobs queued behind it go to another worker."""
        done[worker.jobs[0]] = stopped
        self.again[:0] = worker.jobs[1:]
        self._end(worker)
        self.workers.remove(worker)

    def _end(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.connection.close()

    def close(self) -> None:
        for worker in self.workers:
            if not worker.jobs and worker.process.is_alive():
                try:
                    worker.connection.send(None)  # no more jobs: exit
                except OSError:
                    pass
                worker.process.join(timeout=1)
            self._end(worker)
        self.workers = []


def _serve(
    function: Callable[[Any], Any],
    connection: Connection,
    parents_end: Connection,
    parent: int,
    limits: Limits,
) -> None:
    """A worker's life: limits on itself, then one job after another until told to stop."""
    parents_end.close()
    die_with_parent(parent)
    faulthandler.disable()  # a reader that crashes is reported by the parent, not by a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the ingest, which ends its workers
    _limit_memory(limits.memory)
    while True:
        job = connection.recv()
        if job is None:
            return
        _limit_cpu(limits.seconds)
        try:
            answer = function(job)
        except MemoryError:
            answer = Stopped("memory", limits)
        try:
            connection.send(answer)
        except MemoryError:
            connection.send(Stopped("memory", limits))
        if isinstance(answer, Stopped):
            return  # a worker that ran out of memory may not have it back: a fresh one takes over


def _limit_memory(extra: int) -> None:
    """Address space: what the worker has at its start (a fork of its parent) plus `extra`."""
    start = _address_space()
    if start is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = start + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _limit_cpu(seconds: float) -> None:
    """A backstop for the clock, set before each job: twice its seconds of CPU from now.

    The parent's deadline is what stops a slow job; this stops one whose parent
    cannot (stopped, or stuck itself). One thread never uses more CPU than time.
    """
    used = resource.getrusage(resource.RUSAGE_SELF)
    budget = int(used.ru_utime + used.ru_stime + 2 * seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or budget < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
